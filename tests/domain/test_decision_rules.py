"""The golden-rule checks on a decision, one rule at a time, without a database."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from sharetui.domain.decision import (
    DecisionInput,
    QualityCheck,
    errors_for_page,
    validate_decision,
)
from sharetui.domain.enums import (
    Art9Condition,
    ConsentPosition,
    LawfulBasis,
    Outcome,
    Quality,
    ShareMethod,
)
from sharetui.domain.sample_share import sample_share
from sharetui.domain.text import LONG_TEXT, SHORT_TEXT

NOW = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)


def full_share(**changes: object) -> DecisionInput:
    """A complete, non-urgent share without consent that passes every check."""
    return sample_share(1, now=NOW, **changes)


def errors(d: DecisionInput) -> dict[str, str]:
    return validate_decision(d, now=NOW)


def test_complete_share_passes() -> None:
    assert errors(full_share()) == {}


@pytest.mark.parametrize("outcome", list(Outcome))
def test_reasons_are_required_for_every_outcome_even_do_not_share(outcome: Outcome) -> None:
    e = errors(full_share(outcome=outcome, reasons="   "))
    assert "reasons" in e
    assert "rule 7" in e["reasons"]


def test_do_not_share_needs_only_subject_urgency_outcome_reasons_and_rule_5() -> None:
    d = DecisionInput(subject_id=1, urgent=False, outcome=Outcome.DO_NOT_SHARE, reasons="No need")
    assert set(errors(d)) == {"impact_if_not_shared"}  # rule 5 (tests/domain/test_rule5.py)
    assert errors(replace(d, impact_if_not_shared="None: the school nurse already knows")) == {}
    assert set(errors(DecisionInput())) == {"urgent", "subject_id", "outcome", "reasons"}


@pytest.mark.parametrize(
    "position", [ConsentPosition.REFUSED, ConsentPosition.WITHDRAWN, ConsentPosition.NOT_SOUGHT]
)
def test_sharing_without_consent_needs_a_reason(position: ConsentPosition) -> None:
    e = errors(full_share(consent_position=position, without_consent_reason=""))
    assert e == {"without_consent_reason": "Enter why you are sharing without consent"}


def test_not_sought_needs_its_reason() -> None:
    e = errors(full_share(not_sought_reason=None))
    assert e == {"not_sought_reason": "Choose why consent was not sought"}


@pytest.mark.parametrize("position", [ConsentPosition.REFUSED, ConsentPosition.WITHDRAWN])
def test_consent_cannot_be_the_basis_when_refused_or_withdrawn(position: ConsentPosition) -> None:
    e = errors(full_share(consent_position=position, lawful_basis=LawfulBasis.CONSENT))
    assert set(e) == {"lawful_basis"}
    assert position.label.lower() in e["lawful_basis"]


def test_consent_given_must_point_at_the_consent_relied_on() -> None:
    d = full_share(consent_position=ConsentPosition.GIVEN, not_sought_reason=None)
    assert set(errors(d)) == {"consent_event_id"}
    assert errors(replace(d, consent_event_id=7)) == {}


def test_special_category_needs_an_article_9_condition() -> None:
    e = errors(full_share(special_category=True))
    assert set(e) == {"art9_condition"}
    assert "Schedule 1 paragraph 18" in e["art9_condition"]
    ok = full_share(
        special_category=True, art9_condition=Art9Condition.SCHEDULE1_PARA18_SAFEGUARDING
    )
    assert errors(ok) == {}


def test_special_category_must_be_answered_when_sharing() -> None:
    assert set(errors(full_share(special_category=None))) == {"special_category"}


def test_explicit_consent_condition_needs_consent_given() -> None:
    e = errors(full_share(special_category=True, art9_condition=Art9Condition.EXPLICIT_CONSENT))
    assert set(e) == {"art9_condition"}


@pytest.mark.parametrize("outcome", [Outcome.SHARE, Outcome.SHARE_IN_PART])
def test_recipient_and_what_is_shared_are_required_when_sharing(outcome: Outcome) -> None:
    e = errors(
        full_share(
            outcome=outcome,
            recipient_org=" ",
            information="",
            purpose="",
            lawful_basis=None,
            shared_at=None,
            share_method=None,
        )
    )
    assert set(e) == {
        "recipient_org",
        "information",
        "purpose",
        "lawful_basis",
        "shared_at",
        "share_method",
    }
    assert e["recipient_org"] == "Enter the organisation the information goes to"


@pytest.mark.parametrize("outcome", [Outcome.DO_NOT_SHARE, Outcome.PENDING_ADVICE])
def test_no_recipient_needed_when_not_sharing(outcome: Outcome) -> None:
    assert errors(full_share(outcome=outcome, recipient_org="", share_method=None)) == {}


@pytest.mark.parametrize("quality", list(Quality))
def test_each_rule_6_quality_must_be_confirmed_or_explained(quality: Quality) -> None:
    checks = {q.value: QualityCheck(True) for q in Quality}
    checks[quality.value] = QualityCheck(None)
    e = errors(full_share(checks=checks))
    assert e == {f"checks.{quality.value}": f"Confirm or explain: {quality.label.lower()}"}

    del checks[quality.value]
    assert set(errors(full_share(checks=checks))) == {f"checks.{quality.value}"}

    checks[quality.value] = QualityCheck(False, "  ")
    e = errors(full_share(checks=checks))
    assert e[f"checks.{quality.value}"].startswith("Explain why the share is not")

    checks[quality.value] = QualityCheck(False, "Sent by phone: no secure email to hand")
    assert errors(full_share(checks=checks)) == {}


def test_person_told_must_be_answered_and_not_told_explained() -> None:
    assert set(errors(full_share(person_told=None))) == {"person_told"}
    e = errors(full_share(person_told=False, not_told_reason=""))
    assert e == {"not_told_reason": "Enter why the person was not told"}
    assert errors(full_share(person_told=True, not_told_reason="")) == {}


def test_origin_is_required_on_the_full_path() -> None:
    assert set(errors(full_share(origin=None))) == {"origin"}


def test_urgent_path_needs_fewer_fields() -> None:
    urgent = DecisionInput(
        subject_id=1,
        urgent=True,
        recipient_org="Police",
        information="Child left alone overnight",
        purpose="Immediate protection",
        special_category=False,
        lawful_basis=LawfulBasis.VITAL_INTERESTS,
        without_consent_reason="A child is at immediate risk",
        outcome=Outcome.SHARE,
        reasons="Child at immediate risk",
        shared_at=NOW,
        share_method=ShareMethod.PHONE,
    )
    assert errors(urgent) == {}
    # The same record on the normal path is missing origin, consent position, checks and rule 2.
    normal = set(errors(replace(urgent, urgent=False)))
    assert {"origin", "consent_position", "person_told"} <= normal
    assert {f"checks.{q.value}" for q in Quality} <= normal
    # Urgent still needs the reason for sharing without consent, and the core of the share.
    e = errors(replace(urgent, without_consent_reason="", recipient_org="", reasons=""))
    assert set(e) == {"without_consent_reason", "recipient_org", "reasons"}


def test_urgency_must_be_answered() -> None:
    assert "urgent" in errors(full_share(urgent=None))


def test_shared_at_cannot_be_in_the_future() -> None:
    assert errors(full_share(shared_at=NOW + timedelta(minutes=4))) == {}
    e = errors(full_share(shared_at=NOW + timedelta(hours=2)))
    assert e == {"shared_at": "The time of sharing cannot be in the future"}
    naive = (NOW + timedelta(days=1)).replace(tzinfo=None)
    assert "shared_at" in errors(full_share(shared_at=naive))
    slip = datetime(206, 3, 5, 14, 30, tzinfo=UTC)  # '05/03/0206': a year typed short
    assert errors(full_share(shared_at=slip)) == {
        "shared_at": "Enter a time of sharing in 1900 or later"
    }


@pytest.mark.parametrize(
    ("name", "limit"),
    [
        ("recipient_org", SHORT_TEXT),
        ("recipient_role", SHORT_TEXT),
        ("recipient_name", SHORT_TEXT),
        ("recipient_contact", SHORT_TEXT),
        ("purpose", LONG_TEXT),
        ("information", LONG_TEXT),
        ("without_consent_reason", LONG_TEXT),
        ("necessity", LONG_TEXT),
        ("identities_protected", LONG_TEXT),
        ("not_told_reason", LONG_TEXT),
        ("reasons", LONG_TEXT),
    ],
)
def test_lengths(name: str, limit: int) -> None:
    assert errors(full_share(**{name: "x" * limit})) == {}
    e = errors(full_share(**{name: "x" * (limit + 1)}))
    assert set(e) == {name}
    assert f"{limit:,} characters or fewer" in e[name]
    assert f"(it is {limit + 1:,})" in e[name]


def test_too_many_categories() -> None:
    assert set(errors(full_share(categories=[f"c{i}" for i in range(21)]))) == {"categories"}


def test_cleaned_strips_control_characters_from_every_text() -> None:
    dirty = "\x1b[31mRed\x1b[0m \u202egnirts\u202c \u2066iso\u2069 bell\x07 del\x7f c1\x9b"
    d = full_share(
        recipient_org=dirty,
        recipient_role=dirty,
        recipient_name=dirty,
        recipient_contact=dirty,
        purpose=dirty,
        information=dirty,
        without_consent_reason=dirty,
        necessity=dirty,
        identities_protected=dirty,
        not_told_reason=dirty,
        reasons=dirty,
        categories=[dirty, "\x1b"],
        checks={q.value: QualityCheck(False, dirty) for q in Quality},
    ).cleaned()
    texts = [
        d.recipient_org,
        d.recipient_role,
        d.recipient_name,
        d.recipient_contact,
        d.purpose,
        d.information,
        d.without_consent_reason,
        d.necessity,
        d.identities_protected,
        d.not_told_reason,
        d.reasons,
        *d.categories,
        *(c.note for c in d.checks.values()),
    ]
    for t in texts:
        assert t == "[31mRed[0m gnirts iso bell del c1"
    assert d.categories == ["[31mRed[0m gnirts iso bell del c1"]


def test_cleaned_keeps_newlines_in_long_text_but_not_in_single_lines() -> None:
    d = full_share(reasons="line one\r\nline two\tend", recipient_org="A\nB\tC").cleaned()
    assert d.reasons == "line one\nline two\tend"
    assert d.recipient_org == "A B C"


def test_whitespace_only_reasons_do_not_count() -> None:
    d = full_share(reasons="\x1b \u202e \n").cleaned()
    assert "reasons" in errors(d)


def test_draft_round_trip_and_bad_values() -> None:
    d = full_share(categories=["health"], others_affected=[2, 3])
    assert DecisionInput.from_dict(d.to_dict()) == d
    broken = d.to_dict() | {"outcome": "maybe", "shared_at": "yesterday", "unknown": 1}
    back = DecisionInput.from_dict(broken)
    assert back.outcome is None and back.shared_at is None
    # Values of the wrong kind (another version's draft, or an altered one) read as not
    # answered, instead of reaching the form or the services as they are.
    wrong = DecisionInput.from_dict(
        {
            "subject_id": "x",
            "others_affected": "abc",
            "urgent": "yes",
            "reasons": 7,
            "categories": ["health", 3],
            "checks": {"relevant": {"confirmed": True, "bogus": 1}, "timely": "yes"},
            "shared_at": 12,
        }
    )
    assert (wrong.subject_id, wrong.others_affected, wrong.urgent) == (None, [], None)
    assert (wrong.reasons, wrong.categories, wrong.shared_at) == ("", ["health"], None)
    assert wrong.checks == {"relevant": QualityCheck(True, ""), "timely": QualityCheck()}


def test_errors_for_page_selects_only_that_page() -> None:
    e = errors(DecisionInput(outcome=Outcome.SHARE))
    assert set(errors_for_page(e, "decision")) == {
        "reasons",
        "shared_at",
        "share_method",
        "impact_if_not_shared",
    }
    checks = errors_for_page(e, "checks")
    assert "person_told" in checks and all(
        k.split(".")[0] in ("checks", "person_told") for k in checks
    )
