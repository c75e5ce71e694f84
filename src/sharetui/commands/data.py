"""`sharetui export person` and `sharetui report`: the two commands that read personal data
or its totals, so both ask a supervisor or administrator to sign in, and both are audited."""

from __future__ import annotations

import argparse
import io
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from sharetui.commands.common import (
    CommandFailed,
    Subcommands,
    add_sign_in_options,
    option_date,
    out,
    settings_from,
    signed_in,
)
from sharetui.domain.advice_rules import duration_words
from sharetui.services.csv_out import SafeCsvWriter

if TYPE_CHECKING:
    from sharetui.services.reports import DecisionCounts, Report

FORMATS = ("json", "csv", "pdf")


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    commands = Subcommands(sub, common)
    export = commands.group(
        "export",
        help="subject access export of everything held about a person",
        description="Subject access exports.",
        dest="kind",
    )
    person = export.command("person", _export_person)
    person.add_argument("reference", metavar="REF", help="the person's reference")
    person.add_argument("--format", required=True, choices=FORMATS, help="file format")
    person.add_argument("--out", required=True, type=Path, metavar="PATH", help="file to write")
    person.add_argument("--force", action="store_true", help="replace PATH if it exists")
    add_sign_in_options(person)

    report = commands.command("report", _report)
    report.add_argument(
        "--from",
        dest="date_from",
        metavar="DATE",
        help="first day, like 2026-01-01 (default: the first of the month, 11 months ago)",
    )
    report.add_argument(
        "--to",
        dest="date_to",
        metavar="DATE",
        help="last day, inclusive (default: today in the site time zone, SHARETUI_TIMEZONE)",
    )
    report.add_argument("--format", choices=("table", "csv"), default="table")
    report.add_argument(
        "--out", type=Path, metavar="PATH", help="write to a file instead of standard output"
    )
    report.add_argument("--force", action="store_true", help="replace PATH if it exists")
    add_sign_in_options(report)


# -- export -----------------------------------------------------------------------------------
def _export_person(args: argparse.Namespace) -> int:
    """everything held about one person, third parties marked for review

    Write everything held about one person: details, linked people, consent events, every
    version of every decision, advice requests, unfinished forms, and who looked at or changed
    these records. Other people's details, staff names and free text are marked for review
    before disclosure; nothing is removed. Needs a supervisor's or administrator's sign-in,
    and is audited. The file is readable by you only. CSV is one file with one row per field.
    """
    from sharetui.services.export import render, save

    settings = settings_from(args)
    target: Path = args.out.expanduser()
    if target.exists() and not args.force:
        raise CommandFailed(f"{target} already exists; choose a new file name or add --force")
    with signed_in(settings, args) as (svc, actor):
        export = svc.export.person(actor, args.reference, args.format)
    data = render(export, args.format)
    save(data, target, overwrite=args.force)
    marked = sum(
        1 for s in export.sections for r in s.records for f in r.fields if f.review or r.review
    )
    records = sum(len(s.records) for s in export.sections)
    out().print(
        Text(
            f"Wrote {target}: {records:,} records about {export.name} ({export.reference}); "
            f"{marked:,} values are marked for review before disclosure."
        )
    )
    return 0


# -- report -----------------------------------------------------------------------------------
def _period(args: argparse.Namespace, today: date) -> tuple[date, date]:
    from sharetui.services.reports import month_start

    end = option_date(args.date_to, "--to", like="2026-03-31") or today
    start = option_date(args.date_from, "--from", like="2026-03-31")
    if start is None:
        first = month_start(end)
        for _ in range(11):
            first = month_start(first - timedelta(days=1))
        start = first
    return start, end


def _report(args: argparse.Namespace) -> int:
    """decisions and advice turnaround over a period

    Decisions by month (shared, in part, not shared, pending advice, shared without consent),
    shared decisions by lawful basis, decisions by recipient organisation (old free-text
    spellings counted under the register's entry), advice turnaround by urgency against due
    times, shares under a data sharing agreement or none, receipts confirmed on time, and
    child protection file transfers within 5 school days. A decision counts once, in the month
    it was first made, with its latest version's values. CSV is tidy: table,row,column,value
    (weekly figures included). Needs a supervisor's or administrator's sign-in.
    """
    from sharetui.services.export import save

    settings = settings_from(args)
    if args.out is not None and args.out.expanduser().exists() and not args.force:
        raise CommandFailed(f"{args.out} already exists; choose a new file name or add --force")
    start, end = _period(args, settings.clock.today())
    with signed_in(settings, args) as (svc, actor):
        report = svc.reports.build(actor, start, end)
    if args.format == "csv":
        text = report_csv(report)
        if args.out is None:
            sys.stdout.write(text)
        else:
            save(text.encode("utf-8"), args.out.expanduser(), overwrite=args.force)
        return 0
    if args.out is None:
        print_report(report, out())
    else:
        buffer = io.StringIO()
        print_report(report, Console(file=buffer, width=120, markup=False, highlight=False))
        save(buffer.getvalue().encode("utf-8"), args.out.expanduser(), overwrite=args.force)
    return 0


# Headers break over lines so the tables fit an 80-column terminal.
_COUNT_COLUMNS = (
    ("decisions", "Decisions"),
    ("shared", "Shared"),
    ("shared_in_part", "In\npart"),
    ("not_shared", "Not\nshared"),
    ("pending_advice", "Pending\nadvice"),
    ("shared_without_consent", "Shared\nwithout\nconsent"),
    ("urgent", "Urgent"),
    ("amended", "Amended"),
    ("not_shared_impact_recorded", "Not\nshared:\nimpact\nrecorded"),
)


def _table(title: str) -> Table:
    return Table(
        title=title,
        title_justify="left",
        box=box.SIMPLE_HEAD,
        padding=(0, 1),
        pad_edge=False,
        show_edge=False,
        collapse_padding=True,
    )


def print_report(report: Report, console: Console) -> None:
    t = report.totals
    console.print(
        Text(
            f"Sharing decisions and advice, {report.start:%d %b %Y} to {report.end:%d %b %Y} "
            f"({report.timezone})",
            style="bold",
        )
    )
    console.print(
        Text(
            f"{t.decisions:,} decisions: {t.shared:,} shared, {t.shared_in_part:,} shared in "
            f"part, {t.not_shared:,} not shared, {t.pending_advice:,} pending advice; "
            f"{t.shared_without_consent:,} shared without consent; {t.amended:,} amended; "
            f"{t.not_shared_impact_recorded:,} of the {t.not_shared:,} not shared record what "
            "could happen because it was not (rule 5)."
        )
    )
    months = _table("Decisions by month (first made)")
    months.add_column("Month", no_wrap=True)
    for _, label in _COUNT_COLUMNS:
        months.add_column(label, justify="right")
    for row in report.months:
        months.add_row(f"{row.start:%b %Y}", *_counts(row.counts))
    months.add_row("Total", *_counts(t), style="bold")
    console.print()
    console.print(months)

    basis = _table("Shared decisions by lawful basis")
    basis.add_column("Lawful basis")
    basis.add_column("Shared", justify="right")
    for b in report.by_lawful_basis:
        basis.add_row(Text(b.label), f"{b.shared:,}")
    console.print()
    console.print(basis)

    orgs = _table("Decisions by recipient organisation (* not in the register)")
    orgs.add_column("Organisation")
    for label in ("Decisions", "Shared", "Not shared"):
        orgs.add_column(label, justify="right")
    for r in report.by_recipient:
        name = Text(r.organisation if r.in_register else f"{r.organisation} *")
        orgs.add_row(name, f"{r.decisions:,}", f"{r.shared:,}", f"{r.not_shared:,}")
    if not report.by_recipient:
        orgs.add_row("(no decisions in this period)", "", "", "")
    console.print()
    console.print(orgs)
    _print_after_share(report, console)

    advice = _table("Advice turnaround against due times (advice raised in the period)")
    for label in (
        "Urgency",
        "Raised",
        "Advised",
        "On\ntime",
        "Late",
        "% on\ntime",
        "Median\nto advice",
        "Median\nallowed",
        "Open\noverdue",
        "Open\nin time",
    ):
        advice.add_column(label, justify="left" if label == "Urgency" else "right", no_wrap=True)
    for a in report.turnaround:
        pct = "" if a.on_time_percent is None else f"{a.on_time_percent:.0f}%"
        advice.add_row(
            Text(a.urgency.value.capitalize()),
            f"{a.raised:,}",
            f"{a.advised:,}",
            f"{a.on_time:,}",
            f"{a.late:,}",
            pct,
            duration_words(a.median_minutes),
            duration_words(a.target_minutes),
            f"{a.open_overdue:,}",
            f"{a.open_in_time:,}",
        )
    console.print()
    console.print(advice)


def _print_after_share(report: Report, console: Console) -> None:
    """Agreements, receipts and transfers: the duties after the share."""
    cover = _table("Shares under a data sharing agreement")
    cover.add_column("Agreement")
    cover.add_column("Shares", justify="right")
    cover.add_column("Of which\nurgent", justify="right")
    for a in report.by_agreement:
        cover.add_row(Text(a.label), f"{a.shares:,}", f"{a.urgent:,}")
    console.print()
    console.print(cover)

    receipts = _table("Receipts confirmed on time (shares sent where arrival is not seen)")
    for label in (
        "Kind",
        "Days\nallowed",
        "Sent",
        "On\ntime",
        "Late",
        "% on\ntime",
        "Failed",
        "Not yet\nconfirmed,\ndue",
        "Awaiting",
    ):
        receipts.add_column(label, justify="left" if label == "Kind" else "right")
    for r in report.receipts:
        pct = "" if r.on_time_percent is None else f"{r.on_time_percent:.0f}%"
        unit = "school" if r.kind == "cp_transfer" else "working"
        receipts.add_row(
            Text("CP file transfer" if r.kind == "cp_transfer" else r.label),
            f"{r.days} {unit}",
            f"{r.sent:,}",
            f"{r.on_time:,}",
            f"{r.late:,}",
            pct,
            f"{r.failed:,}",
            f"{r.unconfirmed_due:,}",
            f"{r.awaiting:,}",
        )
    console.print()
    console.print(receipts)

    t = report.transfers
    console.print()
    console.print(
        Text(
            f"Child protection file transfers: {t.made:,} sent; {t.within:,} within 5 school "
            f"days of the move, {t.later:,} later (or not shown to be in time); "
            f"{t.confirmed:,} confirmed received by the new setting."
        )
    )


def _counts(c: DecisionCounts) -> list[str]:
    return [f"{getattr(c, key):,}" for key, _ in _COUNT_COLUMNS]


def report_csv(report: Report) -> str:
    """Tidy rows (table,row,column,value): easy to pivot, and one file for every table."""
    buf = io.StringIO()
    w = SafeCsvWriter(buf, lineterminator="\n")
    w.writerow(("table", "row", "column", "value"))
    w.writerow(("period", "all", "from", report.start.isoformat()))
    w.writerow(("period", "all", "to", report.end.isoformat()))
    w.writerow(("period", "all", "timezone", report.timezone))
    for key, _ in _COUNT_COLUMNS:
        w.writerow(("totals", "all", key, getattr(report.totals, key)))
    for table, rows in (("month", report.months), ("week", report.weeks)):
        for row in rows:
            for key, _ in _COUNT_COLUMNS:
                w.writerow((table, row.start.isoformat(), key, getattr(row.counts, key)))
    for b in report.by_lawful_basis:
        w.writerow(
            ("lawful_basis", b.basis.value if b.basis else "not_recorded", "shared", b.shared)
        )
    for r in report.by_recipient:
        name = r.organisation
        w.writerow(("recipient", name, "decisions", r.decisions))
        w.writerow(("recipient", name, "shared", r.shared))
        w.writerow(("recipient", name, "not_shared", r.not_shared))
        w.writerow(("recipient", name, "in_register", int(r.in_register)))
    for ag in report.by_agreement:
        w.writerow(("agreement", ag.cover, "shares", ag.shares))
        w.writerow(("agreement", ag.cover, "urgent", ag.urgent))
    for rc in report.receipts:
        for key in ("days", "sent", "on_time", "late", "failed", "unconfirmed_due", "awaiting"):
            w.writerow(("receipt", rc.kind, key, getattr(rc, key)))
    for key in ("made", "within", "later", "confirmed"):
        w.writerow(("transfer", "all", key, getattr(report.transfers, key)))
    for a in report.turnaround:
        for key in ("raised", "advised", "on_time", "late", "open_overdue", "open_in_time"):
            w.writerow(("advice_turnaround", a.urgency.value, key, getattr(a, key)))
        for key in ("median_minutes", "target_minutes"):
            value = getattr(a, key)
            w.writerow(
                ("advice_turnaround", a.urgency.value, key, "" if value is None else round(value))
            )
    for wk in report.advice_weeks:
        for key in ("advised", "on_time", "late"):
            w.writerow(("advice_week", wk.start.isoformat(), key, getattr(wk, key)))
        value = wk.median_minutes
        w.writerow(
            (
                "advice_week",
                wk.start.isoformat(),
                "median_minutes",
                "" if value is None else round(value),
            )
        )
    return buf.getvalue()
