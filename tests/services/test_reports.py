"""The report service on both databases: a decision counts once, in the month and week it was
first made, with its latest version's values; advice is measured against its due time."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from sharetui.domain.enums import LawfulBasis, Urgency
from sharetui.domain.errors import NotAllowed, ValidationFailed
from sharetui.services.after_share_reports import TransferCounts
from sharetui.services.reports import Reports, week_start
from sharetui.store.types import replayed_clock
from tests.services.helpers import (
    audit_actions,
    last_audit_id,
    no_share,
    person,
    share,
    transfer,
)

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


def after_share_story(svc, actors) -> None:  # type: ignore[no-untyped-def]
    """Shares recorded as free text before the register (two spellings of one body, a third
    merged in later, one body the register never gets), then shares to the register under an
    agreement, without one, with receipts on time, late, failed, overdue and awaiting, and two
    child protection file transfers, one in time. All first made today."""
    from sharetui.domain.enums import ShareMethod
    from tests.services.test_after_share import _agreement

    p = person(svc, actors.pat, "After", "Asha")
    phone = {"share_method": ShareMethod.PHONE}  # seen to arrive: no receipt needed
    for spelling in (
        "Northshire Children's Social Care",
        "northshire childrens social-care",
        "Northshire CSC",
        "Harbour Lane Youth Club",
    ):
        svc.decisions.log(actors.pat, share(p.id, recipient_org=spelling, **phone))
    main = svc.register.add_org(actors.sam, "Northshire Children's Social Care", "social_care")
    csc = svc.register.add_org(actors.pat, "Northshire CSC", "social_care", from_decision=True)
    svc.decisions.log(
        actors.pat, share(p.id, recipient_org_id=csc.org_id, recipient_org=csc.org, **phone)
    )
    svc.register.merge(actors.sam, main.org_id, csc.org_id)
    _agreement(svc, actors, main.org_id, date.today() + timedelta(days=365))

    sent = datetime.now(UTC) - timedelta(days=20)

    def to_main(**changes):  # type: ignore[no-untyped-def]
        changes.setdefault("purpose", "Section 47 enquiry")
        return svc.decisions.log(
            actors.pat,
            share(p.id, recipient_org_id=main.org_id, recipient_org=main.org, **changes),
        )

    on_time = to_main(shared_at=sent)
    svc.receipts.record(
        actors.pat,
        on_time.id,
        "confirmed",
        who="Duty",
        at=sent + timedelta(hours=1),
        method="phone",
    )
    late = to_main(shared_at=sent)
    svc.receipts.record(
        actors.pat,
        late.id,
        "confirmed",
        who="Duty",
        at=datetime.now(UTC) - timedelta(days=1),
        method="phone",
    )
    failed = to_main(shared_at=sent)
    svc.receipts.record(actors.pat, failed.id, "failed", note="Bounced")
    to_main()  # sent ten minutes ago: awaiting
    to_main(urgent=True, purpose="Immediate protection", shared_at=sent)  # urgent, overdue

    school = svc.register.add_org(actors.sam, "Southfield Primary School", "school")
    moved = sent.date()
    in_time = svc.decisions.log(actors.pat, transfer(p.id, school.org_id, school.org, moved))
    svc.receipts.record(
        actors.pat,
        in_time.id,
        "confirmed",
        who="DSL at Southfield",
        at=sent + timedelta(days=2),
        method="secure_email",
    )
    svc.decisions.log(
        actors.pat,
        transfer(
            p.id,
            school.org_id,
            school.org,
            moved,
            shared_at=datetime.now(UTC) - timedelta(days=1),
        ),
    )


def test_after_the_share_by_organisation_agreement_receipt_and_transfer(svc, actors) -> None:  # type: ignore[no-untyped-def]
    after_share_story(svc, actors)
    today = date.today()
    report = Reports(svc.store).build(actors.sam, today - timedelta(days=30), today)

    orgs = {(r.organisation, r.in_register): r.decisions for r in report.by_recipient}
    # Both spellings, the one merged later and the entry it merged: one register organisation.
    assert orgs == {
        ("Northshire Children's Social Care", True): 9,
        ("Southfield Primary School", True): 2,
        ("Harbour Lane Youth Club", False): 1,
    }
    cover = {r.cover: (r.shares, r.urgent) for r in report.by_agreement}
    assert cover == {"covered": (4, 0), "past_review": (0, 0), "none": (8, 1)}

    receipts = {r.kind: r for r in report.receipts}
    s = receipts["share"]
    assert (s.sent, s.on_time, s.late, s.failed, s.unconfirmed_due, s.awaiting) == (
        4, 1, 1, 1, 0, 1,
    )  # fmt: skip
    assert s.days == 3 and s.on_time_percent == 50
    u = receipts["urgent"]
    assert (u.sent, u.unconfirmed_due) == (1, 1)
    t = receipts["cp_transfer"]
    assert (t.sent, t.on_time, t.awaiting + t.unconfirmed_due) == (2, 1, 1)
    assert report.transfers == TransferCounts(made=2, within=1, later=1, confirmed=1)
