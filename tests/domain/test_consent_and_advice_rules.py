"""Consent checks and derivation, the role matrix table and advice due times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sharetui.domain.advice_rules import age_in_words, due_at
from sharetui.domain.consent import (
    ConsentFact,
    ConsentInput,
    current_by_scope,
    scope_key,
    validate_consent,
)
from sharetui.domain.enums import (
    ConsentGiver,
    ConsentMethod,
    ConsentStatus,
    NotSoughtReason,
    Role,
    Urgency,
)
from sharetui.domain.permissions import MATRIX, Permission, allowed

NOW = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)
LONDON = ZoneInfo("Europe/London")


def given(**changes: object) -> ConsentInput:
    base = ConsentInput(
        person_id=1,
        status=ConsentStatus.GIVEN,
        given_by=ConsentGiver.PARENT_WITH_PR,
        method=ConsentMethod.VERBAL,
        told="Why, what and with whom",
        scope_information="Health",
        scope_recipient="School nurse",
        scope_purpose="Care plan",
    )
    for k, v in changes.items():
        setattr(base, k, v)
    return base


def test_consent_given_passes_and_needs_what_they_were_told() -> None:
    assert validate_consent(given(), NOW) == {}
    e = validate_consent(given(told=" "), NOW)
    assert set(e) == {"told"} and "rule 2" in e["told"]


def test_refused_and_withdrawn_need_who_and_how_but_not_told() -> None:
    for status in (ConsentStatus.REFUSED, ConsentStatus.WITHDRAWN):
        assert validate_consent(given(status=status, told=""), NOW) == {}
        e = validate_consent(given(status=status, given_by=None, method=None), NOW)
        assert set(e) == {"given_by", "method"}


def test_not_sought_needs_its_reason_but_no_giver() -> None:
    ns = given(status=ConsentStatus.NOT_SOUGHT, given_by=None, method=None, told="")
    assert validate_consent(ns, NOW) == {"not_sought_reason": "Choose why consent was not sought"}
    ns.not_sought_reason = NotSoughtReason.UNSAFE
    assert validate_consent(ns, NOW) == {}


def test_consent_scope_person_status_and_future_date() -> None:
    e = validate_consent(ConsentInput(), NOW)
    assert {"person_id", "status", "scope_information", "scope_recipient", "scope_purpose"} <= set(
        e
    )
    e = validate_consent(given(effective_at=NOW + timedelta(days=1)), NOW)
    assert e == {"effective_at": "The date cannot be in the future"}
    assert validate_consent(given(effective_at=NOW - timedelta(days=1)), NOW) == {}
    # '5/3/206' for 2026: a withdrawal dated then would sort before the consent it ends.
    slip = datetime(206, 3, 5, 12, tzinfo=UTC)
    assert validate_consent(given(effective_at=slip), NOW) == {
        "effective_at": "Enter a date in 1900 or later"
    }


def test_consent_lengths_and_cleaning() -> None:
    assert set(validate_consent(given(scope_recipient="r" * 201), NOW)) == {"scope_recipient"}
    c = given(given_by_name="Mum\x1b", told="a\r\nb\u202e", scope_purpose=" Care\n plan ").cleaned()
    assert (c.given_by_name, c.told, c.scope_purpose) == ("Mum", "a\nb", "Care plan")


def test_scope_key_ignores_case_accents_and_spacing() -> None:
    assert scope_key("Health ", "School  nurse", "Care") == scope_key(
        "health", "school nurse", "care"
    )
    assert scope_key("Health", "Nurse", "Care") != scope_key("Health", "GP", "Care")


def test_current_by_scope_takes_latest_effective_then_recorded() -> None:
    t = NOW
    events = [
        ConsentFact(1, "a", ConsentStatus.GIVEN, t),
        ConsentFact(2, "a", ConsentStatus.WITHDRAWN, t + timedelta(days=1)),
        ConsentFact(3, "b", ConsentStatus.REFUSED, t),
        ConsentFact(4, "b", ConsentStatus.GIVEN, t - timedelta(days=1)),  # recorded late
        ConsentFact(5, "c", ConsentStatus.GIVEN, t),
        ConsentFact(6, "c", ConsentStatus.REFUSED, t),  # same time: recorded later wins
    ]
    current = current_by_scope(events)
    assert {k: v.status for k, v in current.items()} == {
        "a": ConsentStatus.WITHDRAWN,
        "b": ConsentStatus.REFUSED,
        "c": ConsentStatus.REFUSED,
    }


def test_role_matrix_is_the_table_in_the_issue() -> None:
    table = {
        Permission.WORK_WITH_PEOPLE: (True, True, False),
        Permission.ADVISE: (False, True, False),
        Permission.OVERSEE: (False, True, True),
        Permission.ADMINISTER: (False, False, True),
    }
    assert set(MATRIX) == set(table)
    for permission, row in table.items():
        got = tuple(
            allowed(r, permission) for r in (Role.PRACTITIONER, Role.SUPERVISOR, Role.ADMIN)
        )
        assert got == row, permission


def test_due_times() -> None:
    # Wednesday 4 March 2026, 12:00 UTC (12:00 in London)
    assert due_at(Urgency.URGENT, NOW, LONDON) == NOW + timedelta(hours=1)
    assert due_at(Urgency.TODAY, NOW, LONDON) == datetime(2026, 3, 4, 17, 0, tzinfo=UTC)
    late = datetime(2026, 3, 6, 18, 0, tzinfo=UTC)  # Friday evening
    assert due_at(Urgency.TODAY, late, LONDON) == datetime(2026, 3, 9, 17, 0, tzinfo=UTC)
    # Routine: three working days, skipping the weekend
    assert due_at(Urgency.ROUTINE, NOW, LONDON) == datetime(2026, 3, 9, 17, 0, tzinfo=UTC)
    summer = datetime(2026, 7, 1, 9, 0, tzinfo=UTC)  # British Summer Time
    assert due_at(Urgency.TODAY, summer, LONDON) == datetime(2026, 7, 1, 16, 0, tzinfo=UTC)


def test_age_in_words() -> None:
    assert age_in_words(timedelta(minutes=5)) == "5 min"
    assert age_in_words(timedelta(hours=3, minutes=5)) == "3 h 5 min"
    assert age_in_words(timedelta(days=1, hours=4)) == "1 day 4 h"
    assert age_in_words(timedelta(days=2)) == "2 days 0 h"


def test_labels_do_not_leak_between_enums_sharing_a_value() -> None:
    from sharetui.domain.enums import (
        Art9Condition,
        ConsentPosition,
        LawfulBasis,
        Relationship,
        ShareMethod,
    )

    assert LawfulBasis.VITAL_INTERESTS.label == "Vital interests (Art 6(1)(d))"
    assert Art9Condition.VITAL_INTERESTS.label.endswith("(Art 9(2)(c))")
    assert Art9Condition.VITAL_INTERESTS.hint == ""
    assert ConsentStatus.GIVEN.label == "Given"
    assert ConsentPosition.GIVEN.label == "Consent given"
    assert ConsentGiver.PARENT_WITH_PR.label == "A parent with parental responsibility"
    assert Relationship.PARENT_WITH_PR.label == "Parent (parental responsibility)"
    assert ConsentGiver.OTHER.label == "Someone else"
    assert ShareMethod.OTHER.label == ConsentMethod.OTHER.label == "Other"
    assert LawfulBasis.parse("Public task (Art 6(1)(e))") is LawfulBasis.PUBLIC_TASK
