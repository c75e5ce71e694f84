"""Reports for supervisors and administrators: what was decided over a period, and how fast
advice came back against its due time; after the share, shares by the register's
organisations, under an agreement or none, receipts confirmed on time and child protection
file transfers within 5 school days (services/after_share_reports.py). Plain frozen data, so the command line prints it and
the Reports screen charts it from the same numbers.

A decision counts once, in the month (and week) it was first made, with the values of its
latest version: an amendment corrects the record, it does not add a decision. Months and
weeks follow the configured time zone; weeks start on Monday.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, func, select

from sharetui.domain.after_share import parse_receipt_days
from sharetui.domain.decision import SHARING
from sharetui.domain.enums import AdviceStatus, ConsentPosition, LawfulBasis, Outcome, Urgency
from sharetui.domain.errors import ValidationFailed
from sharetui.domain.permissions import Permission
from sharetui.domain.text import clean_line, fold
from sharetui.services.after_share_reports import (
    AgreementRow,
    AgreementTally,
    OrgNames,
    ReceiptRow,
    TransferCounts,
    receipt_rows,
    transfer_counts,
)
from sharetui.services.audit import append, require
from sharetui.services.calendar import working_calendar
from sharetui.services.unit_of_work import Actor, UseCases
from sharetui.store.models import AdviceRequest, SharingDecision
from sharetui.store.types import utcnow

MAX_DAYS = 366 * 10
# Dates a report can cover: beyond them the period's bounds in UTC cannot be computed.
EARLIEST = date(1900, 1, 1)
LATEST = date(9998, 12, 31)
NO_RECIPIENT = "(no organisation recorded)"


@dataclass(frozen=True)
class DecisionCounts:
    decisions: int = 0
    shared: int = 0  # outcome "share"
    shared_in_part: int = 0
    not_shared: int = 0
    pending_advice: int = 0
    shared_without_consent: int = 0  # shared or shared in part, consent not given
    urgent: int = 0
    amended: int = 0  # decisions with more than one version
    # Rule 5 on "do not share": the impact of not sharing recorded (the rest were decided
    # before the question existed; every newer one has it).
    not_shared_impact_recorded: int = 0

    @property
    def shared_any(self) -> int:
        return self.shared + self.shared_in_part


@dataclass(frozen=True)
class PeriodRow:
    """Decisions first made in one month or one week (start is its first day)."""

    start: date
    counts: DecisionCounts


@dataclass(frozen=True)
class BasisRow:
    """Shared decisions (in full or in part) relying on one lawful basis."""

    basis: LawfulBasis | None
    label: str
    shared: int


@dataclass(frozen=True)
class RecipientRow:
    """Decisions about one organisation: its register entry, with the free-text spellings
    merged into it, or a spelling the register does not know (in_register False)."""

    organisation: str
    decisions: int
    shared: int
    not_shared: int
    in_register: bool = True


@dataclass(frozen=True)
class TurnaroundRow:
    """Advice raised in the period at one urgency, against its due time."""

    urgency: Urgency
    raised: int
    advised: int
    on_time: int
    late: int
    open_in_time: int
    open_overdue: int
    median_minutes: float | None  # raised to advice given
    target_minutes: float | None  # raised to due (median: it depends on the time of day)

    @property
    def on_time_percent(self) -> float | None:
        return 100.0 * self.on_time / self.advised if self.advised else None


@dataclass(frozen=True)
class AdviceWeekRow:
    start: date
    advised: int
    on_time: int
    late: int
    median_minutes: float | None


@dataclass(frozen=True)
class Report:
    start: date  # first day, inclusive
    end: date  # last day, inclusive
    timezone: str
    generated_at: datetime
    totals: DecisionCounts
    months: tuple[PeriodRow, ...]
    weeks: tuple[PeriodRow, ...]
    by_lawful_basis: tuple[BasisRow, ...]
    by_recipient: tuple[RecipientRow, ...]
    turnaround: tuple[TurnaroundRow, ...]
    advice_weeks: tuple[AdviceWeekRow, ...]
    by_agreement: tuple[AgreementRow, ...] = ()
    receipts: tuple[ReceiptRow, ...] = ()
    transfers: TransferCounts = TransferCounts()


def month_start(day: date) -> date:
    return day.replace(day=1)


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def validate_period(start: date | None, end: date | None) -> dict[str, str]:
    e: dict[str, str] = {}
    if start is None:
        e["from"] = "Enter the first day of the report, like 2026-01-01"
    if end is None:
        e["to"] = "Enter the last day of the report, like 2026-03-31"
    for key, day in (("from", start), ("to", end)):
        if day is not None and not EARLIEST <= day <= LATEST:
            e[key] = f"Enter a date from {EARLIEST:%d %B %Y} to {LATEST:%d %B %Y}"
    if start and end and not e:
        if end < start:
            e["to"] = "The last day must be the same as or after the first day"
        elif (end - start).days > MAX_DAYS:
            e["to"] = "Choose a period of ten years or less"
    return e


@dataclass
class _Tally:
    """Mutable counts while reading; frozen into DecisionCounts at the end."""

    values: Counter[str] = field(default_factory=Counter)

    def add(
        self, outcome: str, consent: str | None, urgent: bool, versions: int, impact: str | None
    ) -> None:
        v = self.values
        v["decisions"] += 1
        if outcome == Outcome.SHARE.value:
            v["shared"] += 1
        elif outcome == Outcome.SHARE_IN_PART.value:
            v["shared_in_part"] += 1
        elif outcome == Outcome.DO_NOT_SHARE.value:
            v["not_shared"] += 1
            if impact and impact.strip():
                v["not_shared_impact_recorded"] += 1
        elif outcome == Outcome.PENDING_ADVICE.value:
            v["pending_advice"] += 1
        if outcome in {o.value for o in SHARING} and consent != ConsentPosition.GIVEN.value:
            v["shared_without_consent"] += 1
        if urgent:
            v["urgent"] += 1
        if versions > 1:
            v["amended"] += 1

    def frozen(self) -> DecisionCounts:
        return DecisionCounts(**dict(self.values))


class Reports(UseCases):
    def build(self, actor: Actor, start: date, end: date) -> Report:
        """The report for start..end inclusive (local dates). Supervisors and admins only;
        running it is audited. Holds no person's details: counts and organisations only."""
        require(actor, Permission.OVERSEE)
        errors = validate_period(start, end)
        if errors:
            raise ValidationFailed(errors)
        tz = self.store.settings.tz
        lo = datetime.combine(start, time(0), tzinfo=tz).astimezone(UTC)
        hi = datetime.combine(end + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
        now = utcnow()

        def local_day(at: datetime) -> date:
            return at.astimezone(tz).date()

        def tally(s: Session) -> tuple[Any, ...]:
            # Counted while the rows stream past (a retried read starts from zero again), so a
            # report over years holds counters, not a million rows.
            totals = _Tally()
            months = {m: _Tally() for m in _months(start, end)}
            weeks = {w: _Tally() for w in _weeks(start, end)}
            basis: Counter[str | None] = Counter()
            recipients: dict[str, dict[str, Any]] = {}
            agreements = AgreementTally()
            orgs = OrgNames(s)
            sharing_values = {o.value for o in SHARING}
            for row in decision_rows(s, lo, hi):
                day = local_day(row["first_at"])
                args = (
                    row["outcome"],
                    row["consent_position"],
                    row["urgent"],
                    row["versions"],
                    row["impact_if_not_shared"],
                )
                totals.add(*args)
                months[month_start(day)].add(*args)
                weeks[week_start(day)].add(*args)
                sharing = row["outcome"] in sharing_values
                if sharing:
                    basis[row["lawful_basis"]] += 1
                    agreements.add(row["agreement_cover"], row["urgent"])
                text = clean_line(row["recipient_org"])
                key, org, known = orgs.group(row["recipient_org_id"], text)
                org = org or NO_RECIPIENT
                entry = recipients.setdefault(
                    key, {"names": Counter(), "n": 0, "s": 0, "ns": 0, "known": known}
                )
                entry["names"][org] += 1
                entry["n"] += 1
                entry["s"] += int(sharing)
                entry["ns"] += int(row["outcome"] == Outcome.DO_NOT_SHARE.value)
            cal = working_calendar(s, self.store)
            days = parse_receipt_days(self.store.settings.receipt_days)
            after = (
                agreements.rows(),
                receipt_rows(s, cal, tz, days, lo, hi, local_day(now)),
                transfer_counts(s, cal, tz, lo, hi),
            )
            return totals, months, weeks, basis, recipients, advice_rows(s, lo, hi), after

        totals, months, weeks, basis, recipients, advice, after = self.store.read(tally, actor)

        basis_rows = [BasisRow(b, b.label, basis.get(b.value, 0)) for b in LawfulBasis]
        if basis.get(None):
            basis_rows.append(BasisRow(None, "Not recorded", basis[None]))
        recipient_rows = sorted(
            (
                RecipientRow(e["names"].most_common(1)[0][0], e["n"], e["s"], e["ns"], e["known"])
                for e in recipients.values()
            ),
            key=lambda r: (-r.decisions, fold(r.organisation)),
        )
        turnaround, advice_weeks = _turnaround(advice, now, start, end, local_day)
        report = Report(
            start=start,
            end=end,
            timezone=self.store.settings.timezone,
            generated_at=now,
            totals=totals.frozen(),
            months=tuple(PeriodRow(m, t.frozen()) for m, t in months.items()),
            weeks=tuple(PeriodRow(w, t.frozen()) for w, t in weeks.items()),
            by_lawful_basis=tuple(basis_rows),
            by_recipient=tuple(recipient_rows),
            turnaround=turnaround,
            advice_weeks=advice_weeks,
            by_agreement=after[0],
            receipts=after[1],
            transfers=after[2],
        )
        self.store.write(
            lambda s: append(s, actor, "report.run", "report", "", f"{start} to {end}"), actor
        )
        return report


def _months(start: date, end: date) -> list[date]:
    out, m = [], month_start(start)
    while m <= end:
        out.append(m)
        m = _next_month(m)
    return out


def _weeks(start: date, end: date) -> list[date]:
    out, w = [], week_start(start)
    while w <= end:
        out.append(w)
        w += timedelta(days=7)
    return out


def decision_rows(s: Session, lo: datetime, hi: datetime) -> Iterator[dict[str, Any]]:
    """One row per decision first made in [lo, hi): the first version's time, the latest
    version's values and how many versions it has. Streamed, a thousand rows at a time."""
    first = aliased(SharingDecision)
    latest = aliased(SharingDecision)
    agg = (
        select(
            col(SharingDecision.root_id).label("root_id"),
            func.count().label("versions"),
            func.max(SharingDecision.version).label("latest"),
        )
        .where(
            col(SharingDecision.root_id).in_(
                select(SharingDecision.id).where(
                    SharingDecision.version == 1,
                    col(SharingDecision.decided_at) >= lo,
                    col(SharingDecision.decided_at) < hi,
                )
            )
        )
        .group_by(col(SharingDecision.root_id))
        .subquery()
    )
    stmt = (
        sa_select(
            col(first.decided_at),
            col(latest.outcome),
            col(latest.consent_position),
            col(latest.lawful_basis),
            col(latest.recipient_org),
            col(latest.urgent),
            agg.c.versions,
            col(latest.impact_if_not_shared),
            col(latest.recipient_org_id),
            col(latest.agreement_cover),
        )
        .join(first, and_(col(first.root_id) == agg.c.root_id, col(first.version) == 1))
        .join(
            latest,
            and_(col(latest.root_id) == agg.c.root_id, col(latest.version) == agg.c.latest),
        )
    )
    for at, outcome, consent, basis, org, urgent, versions, impact, org_id, cover in s.execute(
        stmt.execution_options(yield_per=1000)
    ):
        yield {
            "first_at": at,
            "outcome": outcome,
            "consent_position": consent,
            "lawful_basis": basis,
            "recipient_org": org,
            "urgent": urgent,
            "versions": versions,
            "impact_if_not_shared": impact,
            "recipient_org_id": org_id,
            "agreement_cover": cover,
        }


def advice_rows(s: Session, lo: datetime, hi: datetime) -> list[tuple[Any, ...]]:
    """Urgency, status and times of each advice request raised in [lo, hi): what turnaround
    is counted from."""
    return list(
        s.execute(
            sa_select(
                col(AdviceRequest.urgency),
                col(AdviceRequest.status),
                col(AdviceRequest.raised_at),
                col(AdviceRequest.due_at),
                col(AdviceRequest.advised_at),
            ).where(col(AdviceRequest.raised_at) >= lo, col(AdviceRequest.raised_at) < hi)
        ).all()
    )


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def _turnaround(
    rows: list[tuple[Any, ...]], now: datetime, start: date, end: date, local_day: Any
) -> tuple[tuple[TurnaroundRow, ...], tuple[AdviceWeekRow, ...]]:
    per: dict[Urgency, dict[str, Any]] = {
        u: {"c": Counter(), "took": [], "allowed": []} for u in Urgency
    }
    weeks: dict[date, dict[str, Any]] = {
        w: {"c": Counter(), "took": []} for w in _weeks(start, end)
    }
    open_states = (AdviceStatus.PENDING.value, AdviceStatus.CLAIMED.value)
    for urgency, status, raised, due, advised in rows:
        entry = per[Urgency(urgency)]
        c = entry["c"]
        c["raised"] += 1
        entry["allowed"].append((due - raised).total_seconds() / 60)
        if advised is not None:
            took = (advised - raised).total_seconds() / 60
            kind = "on_time" if advised <= due else "late"
            c["advised"] += 1
            c[kind] += 1
            entry["took"].append(took)
            week = weeks[week_start(local_day(raised))]
            week["c"]["advised"] += 1
            week["c"][kind] += 1
            week["took"].append(took)
        elif status in open_states:
            c["open_overdue" if now > due else "open_in_time"] += 1
    turnaround = tuple(
        TurnaroundRow(
            urgency=u,
            raised=e["c"]["raised"],
            advised=e["c"]["advised"],
            on_time=e["c"]["on_time"],
            late=e["c"]["late"],
            open_in_time=e["c"]["open_in_time"],
            open_overdue=e["c"]["open_overdue"],
            median_minutes=_median(e["took"]),
            target_minutes=_median(e["allowed"]),
        )
        for u, e in per.items()
    )
    advice_weeks = tuple(
        AdviceWeekRow(w, e["c"]["advised"], e["c"]["on_time"], e["c"]["late"], _median(e["took"]))
        for w, e in weeks.items()
    )
    return turnaround, advice_weeks
