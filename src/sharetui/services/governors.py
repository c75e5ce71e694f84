"""The governors' (trustees') safeguarding report for a period: counts and timeliness only,
never anything that identifies a child. Every count under 5 is shown as "fewer than 5", and
where a group would let a reader work a hidden count out from the total and the others, one
more count in that group is hidden too ("not shown"). One page of PDF, or CSV.

What it counts (local dates of the site's time zone):
- decisions first made in the period, by outcome (latest version's values, as the Reports
  screen counts them); shares without consent, by lawful basis;
- advice requests raised in the period: advised on time, late, still open past due;
- subject access requests received in the period; answered in it, on time and late; open
  past their due date at the end of the period;
- child protection file transfers first recorded in the period, and of them those sent
  within 5 school days (services/after_share_reports.py), where this site has ever
  recorded a transfer (TRANSFERS below);
- retention reviews done in the period: kept, disposed of.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from importlib import resources

from sqlmodel import Session, col, func, select

from sharetui.domain.calendar import WorkingCalendar
from sharetui.domain.decision import SHARING
from sharetui.domain.enums import AdviceStatus, ConsentPosition, LawfulBasis, Outcome
from sharetui.domain.errors import ValidationFailed
from sharetui.domain.governance import FEWER_THAN, SMALL, SarStatus, suppressed
from sharetui.domain.permissions import Permission
from sharetui.services.after_share_reports import any_transfer, transfer_counts
from sharetui.services.audit import append, require
from sharetui.services.calendar import working_calendar
from sharetui.services.csv_out import SafeCsvWriter
from sharetui.services.reports import advice_rows, decision_rows, validate_period
from sharetui.services.unit_of_work import Actor, UseCases
from sharetui.store.models import Disposal, RetentionReview, SubjectAccessRequest
from sharetui.store.types import utcnow

FEWER = FEWER_THAN
HIDDEN = "not shown"

TransferCount = Callable[
    [Session, WorkingCalendar, tzinfo, datetime, datetime], tuple[int, int] | None
]


def transfers_within(
    s: Session, cal: WorkingCalendar, tz: tzinfo, lo: datetime, hi: datetime
) -> tuple[int, int] | None:
    """(transfers made in [lo, hi), of which within 5 school days); None where the site has
    never recorded a transfer, so its report says so rather than counting none."""
    if not any_transfer(s):
        return None
    t = transfer_counts(s, cal, tz, lo, hi)
    return t.made, t.within


# The child protection file transfer count (a hook: None leaves the section out).
TRANSFERS: TransferCount | None = transfers_within


@dataclass(frozen=True)
class Measure:
    section: str
    label: str
    count: int
    shown: str = ""  # the count as the report shows it (set by suppress())
    bar: bool = True  # drawn as a bar on screen


@dataclass(frozen=True)
class GovernorsReport:
    start: date
    end: date
    timezone: str
    generated_at: datetime
    measures: tuple[Measure, ...]
    transfers_recorded: bool

    def section(self, name: str) -> list[Measure]:
        return [m for m in self.measures if m.section == name]


_shown = suppressed


def suppress(groups: list[tuple[int | None, list[int]]]) -> list[tuple[str | None, list[str]]]:
    """Each group: (its total, if shown; its parts). Parts under 5 become "fewer than 5";
    when exactly one part of a group with a shown total is hidden, the smallest other part is
    hidden too, so the hidden one cannot be worked out by subtraction."""
    out = []
    for total, parts in groups:
        shown = [_shown(n) for n in parts]
        hidden = [i for i, n in enumerate(parts) if n < SMALL]
        if total is not None and len(hidden) == 1 and len(parts) > 1:
            others = [i for i in range(len(parts)) if i not in hidden]
            smallest = min(others, key=lambda i: parts[i])
            shown[smallest] = HIDDEN
        out.append((None if total is None else _shown(total), shown))
    return out


def _grouped(measures: list[tuple[str, str, int, str | None]]) -> tuple[Measure, ...]:
    """measures: (section, label, count, group). Within a group, a label starting "Total" is
    the group's total, the others its parts; group None stands alone."""
    groups: dict[str, list[int]] = {}
    totals: dict[str, int] = {}
    for _, label, count, group in measures:
        if group is None:
            continue
        if label.startswith("Total"):
            totals[group] = count
        else:
            groups.setdefault(group, []).append(count)
    shown = {g: suppress([(totals.get(g), parts)])[0] for g, parts in groups.items()}
    out, seen = [], Counter[str]()
    for section, label, count, group in measures:
        if group is None:
            out.append(Measure(section, label, count, _shown(count)))
        elif label.startswith("Total"):
            out.append(Measure(section, label, count, _shown(count), bar=False))
        else:
            out.append(Measure(section, label, count, shown[group][1][seen[group]]))
            seen[group] += 1
    return tuple(out)


class Governors(UseCases):
    def build(
        self, actor: Actor, start: date | None, end: date | None, today: date | None = None
    ) -> GovernorsReport:
        """Supervisors and administrators; audited like the other reports."""
        require(actor, Permission.OVERSEE)
        errors = validate_period(start, end)
        if errors:
            raise ValidationFailed(errors)
        assert start is not None and end is not None
        tz = self.store.settings.tz
        lo = datetime.combine(start, time(0), tzinfo=tz).astimezone(UTC)
        hi = datetime.combine(end + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
        now = utcnow()
        day = min(end, today or self.store.settings.clock.today())

        def work(s: Session) -> tuple[list[tuple[str, str, int, str | None]], bool]:
            m: list[tuple[str, str, int, str | None]] = []
            outcomes: Counter[str] = Counter()
            bases: Counter[str | None] = Counter()
            sharing = {o.value for o in SHARING}
            for row in decision_rows(s, lo, hi):
                outcomes[row["outcome"]] += 1
                if (
                    row["outcome"] in sharing
                    and row["consent_position"] != ConsentPosition.GIVEN.value
                ):
                    bases[row["lawful_basis"]] += 1
            d = "Sharing decisions"
            m.append((d, "Total decisions", sum(outcomes.values()), "o"))
            m.append((d, "Shared", outcomes[Outcome.SHARE.value], "o"))
            m.append((d, "Shared in part", outcomes[Outcome.SHARE_IN_PART.value], "o"))
            m.append((d, "Not shared", outcomes[Outcome.DO_NOT_SHARE.value], "o"))
            m.append((d, "Waiting for advice", outcomes[Outcome.PENDING_ADVICE.value], "o"))
            w = "Shared without consent, by lawful basis"
            m.append((w, "Total shared without consent", sum(bases.values()), "b"))
            for basis in LawfulBasis:
                m.append((w, basis.label, bases.get(basis.value, 0), "b"))
            if bases.get(None):
                m.append((w, "Basis not recorded", bases[None], "b"))

            a = "Advice requests"
            rows = advice_rows(s, lo, hi)
            open_states = (AdviceStatus.PENDING.value, AdviceStatus.CLAIMED.value)
            tally: Counter[str] = Counter()
            for _, status, _, due, advised in rows:
                if advised is not None:
                    tally["on time" if advised <= due else "late"] += 1
                elif status in open_states:
                    tally["open late" if now > due else "open"] += 1
                else:
                    tally["closed"] += 1
            m.append((a, "Total raised", len(rows), "a"))
            m.append((a, "Advised on time", tally["on time"], "a"))
            m.append((a, "Advised late", tally["late"], "a"))
            m.append((a, "Still open, past due", tally["open late"], "a"))
            m.append((a, "Still open, not yet due", tally["open"], "a"))
            m.append((a, "Closed without advice", tally["closed"], "a"))

            r = "Subject access requests"
            sar = SubjectAccessRequest
            received = s.exec(
                select(func.count()).where(sar.received_on >= start, sar.received_on <= end)
            ).one()
            answered = s.exec(
                select(col(sar.answered_on), col(sar.due_on)).where(
                    col(sar.answered_on).is_not(None),
                    col(sar.answered_on) >= start,
                    col(sar.answered_on) <= end,
                )
            ).all()
            in_time = sum(
                1 for ans, due in answered if ans is not None and due is not None and ans <= due
            )
            overdue = s.exec(
                select(func.count()).where(
                    col(sar.status).in_([SarStatus.OPEN.value]),
                    col(sar.due_on) < day,
                    sar.received_on <= end,
                )
            ).one()
            m.append((r, "Received", received, None))
            m.append((r, "Total answered", len(answered), "s"))
            m.append((r, "Answered on time", in_time, "s"))
            m.append((r, "Answered late", len(answered) - in_time, "s"))
            m.append((r, "Open past their due date", overdue, None))

            counted = (
                TRANSFERS(s, working_calendar(s, self.store), tz, lo, hi) if TRANSFERS else None
            )
            recorded = counted is not None
            if counted is not None:
                made, quick = counted
                t = "Child protection file transfers"
                m.append((t, "Total transfers", made, "t"))
                m.append((t, "Within 5 school days", quick, "t"))
                m.append((t, "Later, or not shown to be in time", made - quick, "t"))

            v = "Retention reviews"
            reviews = Counter(
                s.exec(
                    select(RetentionReview.choice).where(
                        col(RetentionReview.reviewed_at) >= lo,
                        col(RetentionReview.reviewed_at) < hi,
                    )
                ).all()
            )
            m.append((v, "Total reviews done", sum(reviews.values()), "v"))
            m.append((v, "Kept, with a reason and next review date", reviews["keep"], "v"))
            m.append((v, "Disposed of", reviews["dispose"], "v"))
            tombs = s.exec(
                select(func.count()).where(
                    col(Disposal.disposed_at) >= lo, col(Disposal.disposed_at) < hi
                )
            ).one()
            m.append((v, "Tombstones written", tombs, None))
            return m, recorded

        raw, recorded = self.store.read(work, actor)
        report = GovernorsReport(
            start, end, self.store.settings.timezone, now, _grouped(raw), recorded
        )
        self.store.write(
            lambda s: append(s, actor, "report.governors", "report", "", f"{start} to {end}"), actor
        )
        return report


# -- output -----------------------------------------------------------------------------------
def to_csv(report: GovernorsReport) -> str:
    """section,measure,value: the values as the report shows them (never a small count)."""
    out = io.StringIO()
    w = SafeCsvWriter(out)
    w.writerow(("section", "measure", "value"))
    w.writerow(("period", "from", report.start.isoformat()))
    w.writerow(("period", "to", report.end.isoformat()))
    for m in report.measures:
        w.writerow((m.section, m.label, m.shown))
    return out.getvalue()


NOTE = (
    "Counts only: nothing here identifies a child. Any count under 5 is shown as "
    '"fewer than 5"; where a hidden count could be worked out from the others, one more is '
    '"not shown".'
)


def to_pdf(report: GovernorsReport) -> bytes:
    """One A4 page, in the bundled fonts (services/pdf_fonts.py)."""

    from fpdf.enums import XPos, YPos

    from sharetui.services.pdf_fonts import ScriptDoc, font_folder

    with resources.as_file(font_folder()) as folder:
        pdf = ScriptDoc(folder, "".join(m.label + m.section for m in report.measures))
        pdf.set_auto_page_break(False)
        pdf.set_margins(15, 12, 15)
        pdf.set_title("Safeguarding report for governors")
        pdf.set_creator("sharetui")
        pdf.add_page()
        pdf.set_font("body", "B", 16)
        pdf.cell(0, 9, "Safeguarding report for governors", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font("body", "", 9)
        pdf.cell(
            0,
            5,
            f"{report.start:%d %B %Y} to {report.end:%d %B %Y} ({report.timezone} dates). "
            f"Produced {report.generated_at:%Y-%m-%d %H:%M} UTC.",
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        pdf.multi_cell(0, 4.5, NOTE, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        section = ""
        for m in report.measures:
            if m.section != section:
                section = m.section
                pdf.ln(1.5)
                pdf.set_font("body", "B", 10.5)
                pdf.cell(0, 6, section, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.set_font("body", "B" if not m.bar else "", 9)
            pdf.cell(120, 4.6, m.label)
            pdf.cell(0, 4.6, m.shown, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if not report.transfers_recorded:
            pdf.ln(1.5)
            pdf.set_font("body", "", 8.5)
            pdf.multi_cell(
                0,
                4,
                "Child protection file transfers within 5 school days: not recorded in "
                "sharetui at this site.",
                new_x=XPos.LMARGIN,
                new_y=YPos.NEXT,
            )
        return pdf.to_bytes()
