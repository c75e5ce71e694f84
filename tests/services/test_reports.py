"""The report service on both databases: a decision counts once, in the month and week it was
first made, with its latest version's values; advice is measured against its due time."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from sharetui.domain.enums import LawfulBasis, Urgency
from sharetui.domain.errors import NotAllowed, ValidationFailed
from sharetui.services.reports import Reports, week_start
from sharetui.store.types import replayed_clock
from tests.services.helpers import audit_actions, last_audit_id, no_share, person, share

YEAR = date.today().year - 1  # a whole past year: nothing recorded there is in the future


def at(month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(YEAR, month, day, hour, minute, tzinfo=UTC)


def test_decisions_by_month_week_basis_and_recipient(svc, actors) -> None:  # type: ignore[no-untyped-def]
    a = person(svc, actors.pat, "Month", "Anna")
    b = person(svc, actors.pat, "Month", "Ben")
    with replayed_clock(lambda: at(3, 30)):
        first = svc.decisions.log(actors.pat, no_share(a.id))
    with replayed_clock(lambda: at(4, 2)):
        svc.decisions.amend(
            actors.pat,
            first.id,
            share(a.id, recipient_org="northfield  police", shared_at=at(4, 2)),
            "Shared after all",
        )
        svc.decisions.log(
            actors.pat,
            share(
                b.id,
                recipient_org="Northfield Police",
                lawful_basis=LawfulBasis.LEGAL_OBLIGATION,
                shared_at=at(4, 2),
            ),
        )
    with replayed_clock(lambda: at(5, 1)):
        svc.decisions.log(actors.pat, no_share(b.id))

    report = Reports(svc.store).build(actors.sam, date(YEAR, 3, 1), date(YEAR, 4, 30))
    assert [m.start for m in report.months] == [date(YEAR, 3, 1), date(YEAR, 4, 1)]
    march, april = (m.counts for m in report.months)
    # The amended decision stays in March (first made) with April's values (shared).
    assert (march.decisions, march.shared, march.not_shared, march.amended) == (1, 1, 0, 1)
    assert (april.decisions, april.shared, april.shared_without_consent) == (1, 1, 1)
    assert report.totals.decisions == 2  # May's decision is outside the period
    assert report.weeks[0].start == week_start(date(YEAR, 3, 1))
    assert all(w.start.weekday() == 0 for w in report.weeks)
    assert sum(w.counts.decisions for w in report.weeks) == 2
    basis = {row.basis: row.shared for row in report.by_lawful_basis}
    assert basis[LawfulBasis.PUBLIC_TASK] == 1 and basis[LawfulBasis.LEGAL_OBLIGATION] == 1
    assert len(report.by_recipient) == 1  # spellings of one organisation are one row
    assert report.by_recipient[0].decisions == 2 and report.by_recipient[0].shared == 2


def test_advice_turnaround_against_due_times(svc, actors) -> None:  # type: ignore[no-untyped-def]
    p = person(svc, actors.pat, "Advice", "Ada")

    def cycle(raised: datetime, advised: datetime | None) -> None:
        with replayed_clock(lambda: raised):
            item = svc.advice.raise_request(
                actors.pat,
                question="May we share?",
                advice_role="dsl",
                urgency=Urgency.URGENT.value,
                person_id=p.id,
            )
        if advised is not None:
            with replayed_clock(lambda: advised):
                svc.advice.claim(actors.sam, item.id)
                svc.advice.advise(actors.sam, item.id, "Yes, share the minimum")

    cycle(at(6, 3, 10), at(6, 3, 10, 30))  # 30 minutes: on time (due within the hour)
    cycle(at(6, 4, 10), at(6, 4, 12))  # 2 hours: late
    cycle(at(6, 5, 10), None)  # still open, long overdue
    report = Reports(svc.store).build(actors.ada, date(YEAR, 6, 1), date(YEAR, 6, 30))
    urgent = next(r for r in report.turnaround if r.urgency is Urgency.URGENT)
    assert (urgent.raised, urgent.advised, urgent.on_time, urgent.late) == (3, 2, 1, 1)
    assert (urgent.open_overdue, urgent.open_in_time) == (1, 0)
    assert urgent.median_minutes == 75 and urgent.target_minutes == 60
    assert urgent.on_time_percent == 50
    weeks = {w.start: w for w in report.advice_weeks}
    assert sum(w.advised for w in weeks.values()) == 2
    routine = next(r for r in report.turnaround if r.urgency is Urgency.ROUTINE)
    assert routine.raised == 0 and routine.median_minutes is None


def test_only_overseers_and_a_valid_period(svc, actors) -> None:  # type: ignore[no-untyped-def]
    reports = Reports(svc.store)
    with pytest.raises(NotAllowed):
        reports.build(actors.pat, date(YEAR, 1, 1), date(YEAR, 1, 31))
    with pytest.raises(ValidationFailed) as bad:
        reports.build(actors.sam, date(YEAR, 2, 1), date(YEAR, 1, 1))
    assert "to" in bad.value.field_errors
    # A date the time zone cannot carry is refused in words, not with an OverflowError.
    with pytest.raises(ValidationFailed) as far:
        reports.build(actors.sam, date(YEAR, 1, 1), date(9999, 12, 31))
    assert "to" in far.value.field_errors
    with pytest.raises(ValidationFailed) as early:
        reports.build(actors.sam, date(1, 1, 1), date(1, 1, 5))
    assert "from" in early.value.field_errors
    before = last_audit_id(svc)
    empty = reports.build(actors.sam, date(YEAR, 1, 1), date(YEAR, 12, 31))
    assert len(empty.months) == 12 and empty.totals.decisions == 0
    assert empty.generated_at <= datetime.now(UTC) + timedelta(seconds=1)
    assert audit_actions(svc, before) == [("report.run", "report", "")]
