"""Subject access requests on the clock, on both engines: the due date by the calendar-month
rule (31 January, leap years, weekends and bank holidays, identity confirmed later, an
extension), the due and overdue lists for the home screen, and the reviewed file given out,
from which what was withheld is gone."""

from __future__ import annotations

import hashlib
import json
from datetime import date, timedelta

import pytest

from sharetui.domain.errors import NotAllowed, ValidationFailed
from sharetui.domain.governance import ReviewChoice, SarStatus
from sharetui.services.sar_review import WITHHELD
from tests.services.helpers import audit_actions, last_audit_id, person, share


@pytest.fixture
def ig(actors):
    """The information governance lead: a supervisor answering for that advice role."""
    return actors.ina  # seeded with the information governance role (tests/conftest.py)


def _log(svc, ig, ref, received, identity=None, **kw):
    return svc.sar.log(
        ig,
        ref,
        requester_name=kw.pop("requester", "Alex Requester"),
        relationship=kw.pop("relationship", "parent_with_pr"),
        received_on=received,
        identity_confirmed_on=identity,
        **kw,
    )


@pytest.mark.parametrize(
    ("received", "identity", "due"),
    [
        (date(2025, 1, 31), date(2025, 1, 31), date(2025, 2, 28)),  # no 31 Feb: last day
        (date(2024, 1, 31), date(2024, 1, 31), date(2024, 2, 29)),  # leap year
        (date(2023, 1, 30), date(2023, 1, 30), date(2023, 2, 28)),
        (date(2025, 3, 14), date(2025, 3, 14), date(2025, 4, 14)),  # corresponding date
        (date(2026, 1, 31), date(2026, 1, 31), date(2026, 3, 2)),  # Sat 28 Feb: next Monday
        (date(2026, 11, 25), date(2026, 11, 25), date(2026, 12, 29)),  # Christmas, Boxing Day
        (date(2025, 1, 10), date(2025, 1, 31), date(2025, 2, 28)),  # from identity confirmed
    ],
)
def test_due_date_by_the_calendar_month_rule(svc, actors, ig, received, identity, due):
    p = person(svc, actors.pat)
    sar = _log(svc, ig, p.reference, received, identity)
    assert sar.status is SarStatus.OPEN
    assert sar.due_on == due
    assert svc.sar.get(ig, sar.id).due_on == due  # as stored


def test_clock_starts_only_when_identity_is_confirmed(svc, actors, ig):
    p = person(svc, actors.pat)
    sar = _log(svc, ig, p.reference, date(2024, 1, 31))
    assert sar.status is SarStatus.AWAITING_IDENTITY and sar.due_on is None
    assert sar.clock_text(date(2024, 2, 1)) == "clock not started: identity to confirm"
    sar = svc.sar.confirm_identity(ig, sar.id, date(2024, 2, 2))
    assert (sar.status, sar.clock_started_on, sar.due_on) == (
        SarStatus.OPEN,
        date(2024, 2, 2),
        date(2024, 3, 4),  # 2 March 2024 is a Saturday
    )


def test_extension_by_up_to_two_months_if_told_within_the_first(svc, actors, ig):
    p = person(svc, actors.pat)
    sar = _log(svc, ig, p.reference, date(2024, 1, 31), date(2024, 1, 31))
    with pytest.raises(ValidationFailed) as late:
        svc.sar.extend(ig, sar.id, 2, "Many years of records", date(2024, 3, 1))
    assert "within the first month" in late.value.field_errors["told"]
    with pytest.raises(ValidationFailed) as three:
        svc.sar.extend(ig, sar.id, 3, "Many years of records", date(2024, 2, 10))
    assert "one or two" in three.value.field_errors["months"]
    with pytest.raises(ValidationFailed) as why:
        svc.sar.extend(ig, sar.id, 2, "  ", date(2024, 2, 10))
    assert "why" in why.value.field_errors["reason"]
    sar = svc.sar.extend(ig, sar.id, 2, "Many years of records", date(2024, 2, 10))
    # 31 January + 3 months: 30 April (no 31 April), a Tuesday.
    assert (sar.due_on, sar.extension_months, sar.extension_told_on) == (
        date(2024, 4, 30),
        2,
        date(2024, 2, 10),
    )
    sar = svc.sar.extend(ig, sar.id, 1, "Fewer records than feared", date(2024, 2, 10))
    assert sar.due_on == date(2024, 3, 29) + timedelta(days=4)  # Good Friday, Easter Monday


def test_due_and_overdue_for_the_home_screen(svc, actors, ig):
    p = person(svc, actors.pat)
    today = date(2025, 6, 16)
    overdue = _log(svc, ig, p.reference, date(2025, 5, 1), date(2025, 5, 1))  # due 2 June
    soon = _log(svc, ig, p.reference, date(2025, 5, 20), date(2025, 5, 20))  # due 20 June
    later = _log(svc, ig, p.reference, date(2025, 6, 10), date(2025, 6, 10))  # due 10 July
    waiting = _log(svc, ig, p.reference, date(2025, 6, 12))
    due = svc.sar.due(ig, today)
    assert [v.id for v in due["overdue"]] == [overdue.id]
    assert [v.id for v in due["due_soon"]] == [soon.id]
    assert [v.id for v in due["waiting"]] == [waiting.id]
    assert later.id not in {v.id for vs in due.values() for v in vs}
    assert due["overdue"][0].clock_text(today) == "OVERDUE by 14 days"
    assert due["due_soon"][0].clock_text(today) == "due in 4 days"
    assert svc.sar.due(actors.ada, today)["overdue"][0].reference == p.reference  # admins too


def test_only_the_governance_lead_and_administrators(svc, actors, ig):
    p = person(svc, actors.pat)
    for who in (actors.pat, actors.sam):  # sam supervises, but not for governance
        with pytest.raises(NotAllowed):
            _log(svc, who, p.reference, date(2025, 1, 31), date(2025, 1, 31))
        with pytest.raises(NotAllowed):
            svc.sar.list(who)


def test_bad_input_is_said_field_by_field(svc, actors, ig):
    p = person(svc, actors.pat)
    with pytest.raises(ValidationFailed) as bad:
        _log(svc, ig, p.reference, None, relationship="neighbour", requester=" ")
    errors = bad.value.field_errors
    assert set(errors) == {"requester", "relationship", "received"}
    assert "Choose who is asking" in errors["relationship"]


def _family(svc, actors):
    child = person(svc, actors.pat, family="Quill", given="Tamsin")
    sibling = person(svc, actors.pat, family="Quill", given="Oberon", dob=date(2012, 5, 6))
    svc.people.link(actors.pat, sibling.id, child.id, "sibling")
    svc.decisions.log(
        actors.pat,
        share(child.id, others_affected=[sibling.id], reasons="Zephyrine told us everything"),
    )
    return child, sibling


def test_the_file_given_out_omits_what_was_withheld(svc, actors, ig):
    child, sibling = _family(svc, actors)
    sar = _log(svc, ig, child.reference, date(2025, 1, 31), date(2025, 1, 31))
    entries = svc.sar_reviews.entries(ig, sar.id)
    marks = {e.mark for e in entries}
    assert {"third_party", "staff", "free_text"} <= marks
    assert all(e.choice is None for e in entries)
    with pytest.raises(ValidationFailed) as waiting:
        svc.sar_reviews.disclose(ig, sar.id, "json")
    assert "still to review" in waiting.value.field_errors["entries"]

    # Every third party's detail withheld, one at a time; one free-text reason withheld too.
    for e in entries:
        if e.mark == "third_party":
            svc.sar_reviews.review(ig, sar.id, e.entry, "withhold", "About the sibling")
    reasons = next(e for e in entries if e.entry.endswith(":reasons"))
    svc.sar_reviews.review(ig, sar.id, reasons.entry, "withhold", "Names an informant")
    for mark in ("staff", "free_text"):
        svc.sar_reviews.review(ig, sar.id, f"mark:{mark}", "release", "Reviewed: about the child")
    entries = svc.sar_reviews.entries(ig, sar.id)
    assert all(e.choice is not None for e in entries)
    assert next(e for e in entries if e.entry == reasons.entry).choice is ReviewChoice.WITHHOLD

    before = last_audit_id(svc)
    made = svc.sar_reviews.disclose(ig, sar.id, "json")
    text = made.data.decode("utf-8")
    assert "Oberon" not in text and sibling.reference not in text
    assert "Zephyrine" not in text
    assert WITHHELD in text
    assert "Tamsin Quill" in text and child.reference in text
    assert "Referral" in text  # released free text is there
    assert "review" not in json.loads(text)["sections"][0]["records"][0]
    assert made.sha256 == hashlib.sha256(made.data).hexdigest()
    assert made.withheld >= 4 and made.released > 0

    # Linked to the request, and audited.
    stored = svc.sar_reviews.disclosures(ig, sar.id)
    assert [(d.sha256, d.format) for d in stored] == [(made.sha256, "json")]
    assert svc.sar.get(ig, sar.id).disclosures == 1
    actions = audit_actions(svc, before)
    assert ("sar.disclose", "sar", str(sar.id)) in actions
    assert ("person.export", "person", str(child.id)) in actions

    # The other formats are redacted the same way.
    for fmt in ("csv", "pdf"):
        data = svc.sar_reviews.disclose(ig, sar.id, fmt).data
        if fmt == "csv":
            assert b"Oberon" not in data and b"Zephyrine" not in data and b"[withheld]" in data
            assert b"review_guide" not in data
        else:
            assert data.startswith(b"%PDF")

    answered = svc.sar.answer(ig, sar.id, date(2025, 2, 27))
    assert answered.status is SarStatus.ANSWERED and answered.on_time() is True


def test_answering_needs_the_reviewed_file_first(svc, actors, ig):
    p = person(svc, actors.pat)
    sar = _log(svc, ig, p.reference, date(2025, 1, 31), date(2025, 1, 31))
    with pytest.raises(ValidationFailed) as first:
        svc.sar.answer(ig, sar.id, date(2025, 2, 3))
    assert "reviewed file" in first.value.field_errors["answered"]


def test_a_withheld_record_about_someone_else_keeps_only_its_title(svc, actors, ig):
    child, sibling = _family(svc, actors)
    sar = _log(svc, ig, sibling.reference, date(2025, 1, 31), date(2025, 1, 31))
    entries = svc.sar_reviews.entries(ig, sar.id)
    whole = [e for e in entries if e.mark == "other_subject"]
    assert whole, "the decision about the child names the sibling as affected"
    for e in whole:
        svc.sar_reviews.review(ig, sar.id, e.entry, "withhold", "About the sibling's sister")
    for mark in ("third_party", "staff", "free_text", "protected"):
        svc.sar_reviews.review(ig, sar.id, f"mark:{mark}", "release", "Reviewed")
    data = svc.sar_reviews.disclose(ig, sar.id, "json").data.decode()
    assert "Zephyrine" not in data and "A record was withheld" in data
