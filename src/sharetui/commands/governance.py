"""`sharetui sar ...`, `sharetui retention ...` and `sharetui governors-report`: information
governance from the command line. Subject access and retention need the information
governance lead's or an administrator's sign-in; the governors' report a supervisor's or an
administrator's. Every step is audited by the services."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

from rich import box
from rich.table import Table
from rich.text import Text

from sharetui.commands.common import (
    CommandFailed,
    Handler,
    Subcommands,
    add_sign_in_options,
    option_date,
    out,
    settings_from,
    signed_in,
    words,
)

GOV = "information governance lead or administrator"


def _run(args: argparse.Namespace, work: Any) -> Any:
    """Open, sign in, do the work with (services, actor), close."""
    with signed_in(settings_from(args), args) as (svc, actor):
        return work(svc, actor)


def _sar_changed(args: argparse.Namespace, work: Any) -> int:
    """Make one change to a subject access request and print the request as it now stands."""
    _print_sar(_run(args, work), settings_from(args).clock.today())
    return 0


def _cmd(
    commands: Subcommands, name: str, handler: Handler, who: str = GOV
) -> argparse.ArgumentParser:
    """A governance command, in the words of its handler's docstring: one help line, which
    opens its --help too as it stands; and it needs who's sign-in."""
    line = words(handler).help
    p = commands.command(name, handler, help=line, description=line)
    add_sign_in_options(p, who)
    return p


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    commands = Subcommands(sub, common)
    s = commands.group(
        "sar",
        help="subject access requests: log, clock, review, the file given out",
        description="Subject access requests on the clock (UK GDPR Art 12 and 15; ICO "
        "guidance): due one calendar month from receipt or from identity confirmed, on the "
        "next working day when that is a weekend or bank holiday; extendable by up to two "
        "months if the requester is told within the first.",
    )
    p = _cmd(s, "add", _sar_add)
    p.add_argument("reference", metavar="REF", help="the reference of the person it is about")
    p.add_argument("--requester", required=True, metavar="NAME", help="who is asking")
    p.add_argument(
        "--relationship",
        required=True,
        choices=("person", "parent_with_pr", "acting_for"),
        help="the person themselves, a parent with parental responsibility, or someone "
        "acting for them (in Scotland a child of 12 or over is presumed able to ask)",
    )
    p.add_argument("--received", required=True, metavar="DATE", help="the day it arrived")
    p.add_argument("--identity", metavar="DATE", help="the day identity was confirmed")
    p.add_argument("--handler", metavar="USER", help="who handles it (default: you)")
    p = _cmd(s, "list", _sar_list)
    p.add_argument("--all", action="store_true", help="answered and withdrawn ones too")
    p = _cmd(s, "show", _sar_show)
    p.add_argument("id", type=int)
    p = _cmd(s, "identity", _sar_identity)
    p.add_argument("id", type=int)
    p.add_argument("--on", required=True, metavar="DATE")
    p = _cmd(s, "extend", _sar_extend)
    p.add_argument("id", type=int)
    p.add_argument("--months", required=True, type=int, choices=(1, 2))
    p.add_argument("--reason", required=True, help="why it needs longer (complex, numerous)")
    p.add_argument("--told", required=True, metavar="DATE", help="the day the requester was told")
    p = _cmd(s, "review", _sar_review)
    p.add_argument("id", type=int)
    p.add_argument("--todo", action="store_true", help="only entries still to review")
    p = _cmd(s, "decide", _sar_decide)
    p.add_argument("id", type=int)
    p.add_argument("entry", help='an entry from "sar review", or mark:staff, mark:free_text...')
    choice = p.add_mutually_exclusive_group(required=True)
    choice.add_argument("--withhold", action="store_const", dest="choice", const="withhold")
    choice.add_argument("--release", action="store_const", dest="choice", const="release")
    p.add_argument("--reason", required=True)
    p = _cmd(s, "disclose", _sar_disclose)
    p.add_argument("id", type=int)
    p.add_argument("--format", required=True, choices=("json", "csv", "pdf"))
    p.add_argument("--out", required=True, type=Path, metavar="PATH")
    p.add_argument("--force", action="store_true", help="replace PATH if it exists")
    p = _cmd(s, "answer", _sar_answer)
    p.add_argument("id", type=int)
    p.add_argument("--on", required=True, metavar="DATE")
    p = _cmd(s, "withdraw", _sar_withdraw)
    p.add_argument("id", type=int)

    r = commands.group(
        "retention",
        help="retention schedule, review queue, keep or dispose, legal holds",
        description="Retention and disposal (docs/governance.md names the source of every "
        "default).",
    )
    _cmd(r, "schedule", _ret_schedule)
    p = _cmd(r, "set", _ret_set)
    p.add_argument(
        "kind", choices=("child_protection", "looked_after", "allegation_staff", "adult")
    )
    p.add_argument("--age", type=int, metavar="YEARS", help="review at this birthday")
    p.add_argument("--years", type=int, metavar="N", help="review N years after last activity")
    p.add_argument("--source", required=True, help="the policy or guidance the rule follows")
    _cmd(r, "queue", _ret_queue)
    p = _cmd(r, "kind", _ret_kind)
    p.add_argument("reference", metavar="REF")
    p.add_argument(
        "kind", choices=("child_protection", "looked_after", "allegation_staff", "adult")
    )
    p = _cmd(r, "keep", _ret_keep)
    p.add_argument("reference", metavar="REF")
    p.add_argument("--reason", required=True)
    p.add_argument("--next", required=True, metavar="DATE", help="the next review date")
    p = _cmd(r, "dispose", _ret_dispose)
    p.add_argument("reference", metavar="REF")
    p.add_argument("--yes", action="store_true", help="confirm: disposal cannot be undone")
    p = _cmd(r, "hold", _ret_hold)
    p.add_argument("reference", metavar="REF")
    p.add_argument("--reason", required=True, help="the inquiry or court order")
    p = _cmd(r, "lift", _ret_lift)
    p.add_argument("hold", type=int, metavar="HOLD")
    p.add_argument("--reason", required=True)
    p = _cmd(r, "holds", _ret_holds)
    p.add_argument("reference", metavar="REF")
    _cmd(r, "tombstones", _ret_tombs)
    _cmd(r, "clean-up", _ret_clean)

    p = _cmd(commands, "governors-report", _governors, "supervisor or administrator")
    p.add_argument("--from", dest="date_from", required=True, metavar="DATE")
    p.add_argument("--to", dest="date_to", required=True, metavar="DATE")
    p.add_argument("--format", choices=("pdf", "csv"), default="pdf")
    p.add_argument("--out", type=Path, metavar="PATH", help="file to write (CSV: default stdout)")
    p.add_argument("--force", action="store_true")


# -- subject access ---------------------------------------------------------------------------
def _print_sar(v: Any, today: date) -> None:
    lines = [
        f"Request {v.id}: {v.status.label}, {v.clock_text(today)}",
        f"About: {v.person_name} ({v.reference})" if v.reference else "About: (disposed of)",
        f"Requester: {v.requester_name} ({v.relationship.label})",
        f"Received: {v.received_on}",
        f"Identity confirmed: {v.identity_confirmed_on or 'not yet'}",
        f"Clock started: {v.clock_started_on or 'not yet'}",
        f"Due: {v.due_on or '-'}",
    ]
    if v.extension_months:
        lines.append(
            f"Extended by {v.extension_months} month(s), told {v.extension_told_on}: "
            f"{v.extension_reason}"
        )
    lines += [f"Handler: {v.handler or '-'}", f"Reviewed files given out: {v.disclosures}"]
    if v.answered_on:
        lines.append(f"Answered: {v.answered_on}")
    out().print(Text("\n".join(lines)))


def _sar_add(args: argparse.Namespace) -> int:
    """log a request as it arrives"""
    v = _run(
        args,
        lambda svc, a: svc.sar.log(
            a,
            args.reference,
            requester_name=args.requester,
            relationship=args.relationship,
            received_on=option_date(args.received, "--received"),
            identity_confirmed_on=option_date(args.identity, "--identity"),
            handler_username=args.handler,
        ),
    )
    _print_sar(v, settings_from(args).clock.today())
    return 0


def _sar_list(args: argparse.Namespace) -> int:
    """open requests, soonest due first"""
    views = _run(args, lambda svc, a: svc.sar.list(a, open_only=not args.all))
    today = settings_from(args).clock.today()
    table = Table(box=box.SIMPLE_HEAD, title="Subject access requests")
    for col in ("No.", "Person", "Received", "Due", "Where it stands", "Handler"):
        table.add_column(col)
    for v in views:
        table.add_row(
            str(v.id),
            Text(v.reference or "(disposed of)"),
            str(v.received_on),
            str(v.due_on or "-"),
            v.clock_text(today),
            Text(v.handler),
        )
    out().print(table if views else Text("No open subject access requests"))
    return 0


def _sar_show(args: argparse.Namespace) -> int:
    """one request"""
    _print_sar(
        _run(args, lambda svc, a: svc.sar.get(a, args.id)), settings_from(args).clock.today()
    )
    return 0


def _sar_identity(args: argparse.Namespace) -> int:
    """record the day identity was confirmed"""
    on = option_date(args.on, "--on")
    return _sar_changed(args, lambda svc, a: svc.sar.confirm_identity(a, args.id, on))


def _sar_extend(args: argparse.Namespace) -> int:
    """extend by one or two further months"""
    told = option_date(args.told, "--told")
    return _sar_changed(
        args, lambda svc, a: svc.sar.extend(a, args.id, args.months, args.reason, told)
    )


def _sar_review(args: argparse.Namespace) -> int:
    """the entries marked for review, and what was decided"""
    entries = _run(args, lambda svc, a: svc.sar_reviews.entries(a, args.id))
    todo = [e for e in entries if e.choice is None]
    shown = todo if args.todo else entries
    console = out()
    for e in shown:
        state = "TO REVIEW" if e.choice is None else e.choice.label
        if e.by_mark:
            state += f" (by mark:{e.mark})"
        console.print(Text(f"{e.entry}  [{e.mark}]  {state}"))
        console.print(Text(f"    {e.where}: {e.value[:200]}"))
        if e.reason:
            console.print(Text(f"    reason: {e.reason}"))
    console.print(
        Text(
            f"{len(entries)} entries marked for review; {len(todo)} still to review. Decide "
            "one with `sharetui sar decide ID ENTRY --withhold|--release --reason ...`, or "
            "every entry of a mark with ENTRY mark:staff (mark:third_party, mark:free_text, "
            "mark:protected, mark:other_subject)."
        )
    )
    return 0


def _sar_decide(args: argparse.Namespace) -> int:
    """withhold or release one entry, or a whole mark"""
    _run(
        args,
        lambda svc, a: svc.sar_reviews.review(a, args.id, args.entry, args.choice, args.reason),
    )
    out().print(Text(f"{args.entry}: {'withheld' if args.choice == 'withhold' else 'released'}"))
    return 0


def _sar_disclose(args: argparse.Namespace) -> int:
    """write the reviewed (redacted) file to give out"""
    from sharetui.services.export import save

    target: Path = args.out.expanduser()
    if target.exists() and not args.force:
        raise CommandFailed(f"{target} already exists; choose a new file name or add --force")
    made = _run(args, lambda svc, a: svc.sar_reviews.disclose(a, args.id, args.format))
    save(made.data, target, overwrite=args.force)
    out().print(
        Text(
            f"Wrote {target}: the reviewed file for request {args.id} ({made.withheld} entries "
            f"withheld, {made.released} released). SHA-256 {made.sha256}, kept with the request."
        )
    )
    return 0


def _sar_answer(args: argparse.Namespace) -> int:
    """record the day the answer was sent"""
    on = option_date(args.on, "--on")
    return _sar_changed(args, lambda svc, a: svc.sar.answer(a, args.id, on))


def _sar_withdraw(args: argparse.Namespace) -> int:
    """the requester withdrew the request"""
    return _sar_changed(args, lambda svc, a: svc.sar.withdraw(a, args.id))


# -- retention --------------------------------------------------------------------------------
def _ret_schedule(args: argparse.Namespace) -> int:
    """the site's schedule per kind of record"""
    rules = _run(args, lambda svc, a: svc.retention.schedule(a))
    table = Table(box=box.SIMPLE_HEAD, title="Retention schedule")
    for col in ("Kind of record", "Rule", "Source"):
        table.add_column(col)
    for r in rules:
        table.add_row(r.kind.label, r.describe(), Text(r.source))
    out().print(table)
    return 0


def _ret_set(args: argparse.Namespace) -> int:
    """set the rule for a kind of record"""
    rule = _run(
        args,
        lambda svc, a: svc.retention.set_rule(
            a, args.kind, age_years=args.age, years_after=args.years, source=args.source
        ),
    )
    out().print(Text(f"{rule.kind.label}: {rule.describe()}"))
    return 0


def _ret_queue(args: argparse.Namespace) -> int:
    """people whose records are due for review"""
    items = _run(args, lambda svc, a: svc.retention.queue(a))
    table = Table(box=box.SIMPLE_HEAD, title="Due for retention review")
    for col in ("Reference", "Name", "Kind", "Due since", "Rule", "Hold"):
        table.add_column(col)
    for q in items:
        table.add_row(
            Text(q.reference),
            Text(q.name),
            q.kind.label,
            str(q.review_on),
            q.rule,
            "LEGAL HOLD" if q.held else "",
        )
    out().print(table if items else Text("No record is due for review"))
    return 0


def _ret_kind(args: argparse.Namespace) -> int:
    """set the kind of a person's record"""
    _run(args, lambda svc, a: svc.retention.set_kind(a, args.reference, args.kind))
    out().print(Text(f"{args.reference}: {args.kind.replace('_', ' ')}"))
    return 0


def _ret_keep(args: argparse.Namespace) -> int:
    """keep a record, with a reason and the next review"""
    nxt = option_date(args.next, "--next")
    on = _run(args, lambda svc, a: svc.retention.keep(a, args.reference, args.reason, nxt))
    out().print(Text(f"{args.reference} kept; next review on {on:%d %B %Y}"))
    return 0


def _ret_dispose(args: argparse.Namespace) -> int:
    """dispose of a record due for review"""
    if not args.yes:
        raise CommandFailed(
            "Disposal removes everything held about the person and cannot be undone: add --yes"
        )

    def work(svc: Any, a: Any) -> tuple[Any, Any]:
        tomb = svc.retention.dispose(a, args.reference)
        return tomb, svc.retention.clean_up(a)

    tomb, cleaned = _run(args, work)
    removed = ", ".join(f"{k} {v}" for k, v in sorted(tomb.removed.items()))
    out().print(
        Text(
            f"Disposed of {args.reference}: tombstone {tomb.id} ({tomb.rule}). Rows removed: "
            f"{removed}.\n{cleaned.message}"
        )
    )
    return 0 if cleaned.done else 1


def _ret_hold(args: argparse.Namespace) -> int:
    """put a record under a legal hold"""
    hold = _run(args, lambda svc, a: svc.retention.hold(a, args.reference, args.reason))
    out().print(Text(f"Legal hold {hold} on {args.reference}: no disposal until it is lifted"))
    return 0


def _ret_lift(args: argparse.Namespace) -> int:
    """lift a legal hold"""
    _run(args, lambda svc, a: svc.retention.lift(a, args.hold, args.reason))
    out().print(Text(f"Legal hold {args.hold} lifted"))
    return 0


def _ret_holds(args: argparse.Namespace) -> int:
    """the legal holds on a record"""
    holds = _run(args, lambda svc, a: svc.retention.holds(a, args.reference))
    for h in holds:
        state = f"lifted {h.lifted_at:%Y-%m-%d}" if h.lifted_at else "ACTIVE"
        out().print(
            Text(f"{h.id}: {state}, placed {h.placed_at:%Y-%m-%d} by {h.placed_by}: {h.reason}")
        )
    if not holds:
        out().print(Text("No legal holds on this record"))
    return 0


def _ret_tombs(args: argparse.Namespace) -> int:
    """what was disposed of, when, under which rule"""
    tombs = _run(args, lambda svc, a: svc.retention.tombstones(a))
    for t in tombs:
        out().print(
            Text(f"{t.id}: {t.disposed_at:%Y-%m-%d %H:%M} UTC by {t.disposed_by}: {t.rule}")
        )
    if not tombs:
        out().print(Text("Nothing has been disposed of"))
    return 0


def _ret_clean(args: argparse.Namespace) -> int:
    """have the database rewrite its files"""
    result = _run(args, lambda svc, a: svc.retention.clean_up(a))
    out().print(Text(result.message))
    return 0 if result.done else 1


# -- governors' report ------------------------------------------------------------------------
def _governors(args: argparse.Namespace) -> int:
    """the governors' report for a period: one page of PDF, or CSV; counts only, small counts
    shown as "fewer than 5"
    """
    from sharetui.services.export import save
    from sharetui.services.governors import to_csv, to_pdf

    start, end = option_date(args.date_from, "--from"), option_date(args.date_to, "--to")
    if args.format == "pdf" and args.out is None:
        raise CommandFailed("A PDF needs --out PATH")
    if args.out is not None and args.out.expanduser().exists() and not args.force:
        raise CommandFailed(f"{args.out} already exists; choose a new file name or add --force")
    report = _run(args, lambda svc, a: svc.governors.build(a, start, end))
    if args.format == "csv":
        text = to_csv(report)
        if args.out is None:
            sys.stdout.write(text)
            return 0
        save(text.encode("utf-8"), args.out.expanduser(), overwrite=args.force)
    else:
        save(to_pdf(report), args.out.expanduser(), overwrite=args.force)
    sys.stderr.write(f"Wrote {args.out}: the governors' report, {start} to {end}\n")
    return 0
