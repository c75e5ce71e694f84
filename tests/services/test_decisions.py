"""Logging and amending decisions through the service, on both databases."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from sharetui.domain.decision import DecisionInput
from sharetui.domain.enums import (
    Art9Condition,
    ConsentPosition,
    ConsentStatus,
    LawfulBasis,
    Outcome,
)
from sharetui.domain.errors import NotAllowed, NotFound, ValidationFailed
from sharetui.services.facade import Services
from sharetui.store.models import AuditEvent, Draft, SharingDecision
from tests.services.helpers import (
    audit_actions,
    consent,
    count,
    last_audit_id,
    no_share,
    person,
    share,
)


def test_log_a_share_and_read_it_back(svc, actors):
    p = person(svc, actors.pat)
    view = svc.decisions.log(actors.pat, share(p.id))
    assert (view.version, view.root_id, view.supersedes_id) == (1, view.id, None)
    assert view.outcome is Outcome.SHARE
    assert view.decided_by == "Pat Practitioner"
    assert view.subject.id == p.id
    assert view.fields["reasons"] == "Risk of significant harm"
    assert view.fields["lawful_basis"] == "public_task"
    assert [v.id for v in svc.decisions.for_person(actors.pat, p.id).items] == [view.id]


def test_do_not_share_is_recorded_with_its_reasons(svc, actors):
    p = person(svc, actors.pat)
    view = svc.decisions.log(actors.pat, no_share(p.id))
    assert view.outcome is Outcome.DO_NOT_SHARE
    assert view.fields["reasons"].startswith("Not needed")


INVALID_DECISIONS = [
    (lambda pid: no_share(pid, reasons=" \n "), "reasons"),
    (lambda pid: share(pid, without_consent_reason=""), "without_consent_reason"),
    (lambda pid: share(pid, special_category=True), "art9_condition"),
    (lambda pid: share(pid, recipient_org=""), "recipient_org"),
    (lambda pid: share(pid, shared_at=datetime.now(UTC) + timedelta(days=1)), "shared_at"),
    (lambda pid: share(pid, reasons="x" * 20_001), "reasons"),
    (lambda pid: share(pid, not_sought_reason=None), "not_sought_reason"),
    (lambda pid: share(pid, person_told=False, not_told_reason=""), "not_told_reason"),
]


def test_invalid_decisions_store_nothing(svc, actors):
    p = person(svc, actors.pat)
    before = last_audit_id(svc)
    for make, field in INVALID_DECISIONS:
        with pytest.raises(ValidationFailed) as err:
            svc.decisions.log(actors.pat, make(p.id))
        assert field in err.value.field_errors, field
        assert err.value.field_errors[field] in err.value.message
    assert count(svc, SharingDecision) == 0
    assert last_audit_id(svc) == before


def test_unknown_subject_is_a_field_error_not_a_crash(svc, actors):
    with pytest.raises(ValidationFailed) as err:
        svc.decisions.log(actors.pat, no_share(999_999))
    assert err.value.field_errors == {"subject_id": "Choose a person who is on record"}
    assert count(svc, SharingDecision) == 0


def test_control_characters_are_stripped_before_storing(svc, actors):
    p = person(svc, actors.pat)
    d = share(
        p.id,
        recipient_org="\x1b[2JPolice\u202e",
        reasons="Because\x07 of\u2066 risk\x1b]8;;http://x\x07",
        categories=["health\x1b"],
    )
    view = svc.decisions.log(actors.pat, d)
    stored = svc.decisions.versions(actors.pat, view.id)[0].fields
    assert stored["recipient_org"] == "[2JPolice"
    assert stored["reasons"] == "Because of risk]8;;http://x"
    assert stored["categories"] == ["health"]


def test_amend_creates_version_2_pointing_at_version_1(svc, actors):
    p = person(svc, actors.pat)
    v1 = svc.decisions.log(actors.pat, no_share(p.id))
    form = svc.decisions.to_input(v1)
    form.reasons = "Corrected: the school nurse already knew"
    v2 = svc.decisions.amend(actors.pat, v1.id, form, "Wrong reason typed")
    assert (v2.version, v2.root_id, v2.supersedes_id, v2.amend_reason) == (
        2,
        v1.id,
        v1.id,
        "Wrong reason typed",
    )
    versions = svc.decisions.versions(actors.pat, v1.id)
    assert [(v.id, v.version) for v in versions] == [(v1.id, 1), (v2.id, 2)]
    assert versions[0].fields["reasons"].startswith("Not needed")  # never silently changed
    assert versions[1].fields["reasons"].startswith("Corrected")
    assert svc.decisions.versions(actors.pat, v2.id) == versions


def test_amending_a_stale_version_is_refused(svc, actors):
    p = person(svc, actors.pat)
    v1 = svc.decisions.log(actors.pat, no_share(p.id))
    svc.decisions.amend(actors.pat, v1.id, no_share(p.id, "Second thoughts"), "typo")
    with pytest.raises(ValidationFailed) as err:
        svc.decisions.amend(actors.pat, v1.id, no_share(p.id, "Third"), "another")
    assert "now version 2" in err.value.field_errors["amend_reason"]
    assert count(svc, SharingDecision) == 2


def test_amend_needs_a_reason_and_the_same_person(svc, actors):
    p = person(svc, actors.pat)
    q = person(svc, actors.pat, "Jones", "Tom")
    v1 = svc.decisions.log(actors.pat, no_share(p.id))
    with pytest.raises(ValidationFailed) as err:
        svc.decisions.amend(actors.pat, v1.id, no_share(p.id), " \x1b ")
    assert err.value.field_errors == {"amend_reason": "Enter the reason for this amendment"}
    with pytest.raises(ValidationFailed) as err:
        svc.decisions.amend(actors.pat, v1.id, no_share(q.id), "other person")
    assert set(err.value.field_errors) == {"subject_id"}
    with pytest.raises(NotFound):
        svc.decisions.amend(actors.pat, 999_999, no_share(p.id), "gone")
    assert count(svc, SharingDecision) == 1


def test_amending_someone_elses_decision_is_refused(svc, actors):
    p = person(svc, actors.pat)
    v1 = svc.decisions.log(actors.pat, no_share(p.id))
    for other in (actors.pip, actors.sam):
        with pytest.raises(NotAllowed, match="Only the person who made a decision"):
            svc.decisions.amend(other, v1.id, no_share(p.id, "mine now"), "takeover")
    assert count(svc, SharingDecision) == 1


def test_draft_becomes_a_decision_and_its_advice_follows(svc, actors):
    p = person(svc, actors.pat)
    d = share(p.id)
    draft = svc.drafts.save(actors.pat, kind="decision", payload=d.to_dict(), page="decision")
    advice = svc.advice.raise_request(
        actors.pat,
        question="Can I share?",
        advice_role="dsl",
        urgency="today",
        person_id=p.id,
        draft_id=draft.id,
    )
    loaded = DecisionInput.from_dict(svc.drafts.load(actors.pat, draft.id).payload)
    assert loaded == d
    view = svc.decisions.log(actors.pat, loaded, draft_id=draft.id)
    assert count(svc, Draft) == 0
    assert [a.id for a in svc.advice.for_decision(actors.pat, view.id)] == [advice.id]
    with pytest.raises(NotFound):
        svc.drafts.load(actors.pat, draft.id)


def test_advice_stays_with_its_decision_when_a_draft_id_comes_round_again(svc, actors):
    """SQLite gives a deleted draft's id to the next draft: the advice of a decision made
    from the first must not show on the second, nor move to its decision."""
    pat = actors.pat
    p = person(svc, pat)

    def raise_on(draft_id: int) -> int:
        q = f"Advice on draft {draft_id}?"
        return svc.advice.raise_request(
            pat, question=q, advice_role="dsl", urgency="routine", draft_id=draft_id
        ).id

    first = svc.drafts.save(pat, kind="decision", payload={}, page="who")
    asked = raise_on(first.id)
    a = svc.decisions.log(pat, no_share(p.id, "First"), draft_id=first.id)
    second = svc.drafts.save(pat, kind="decision", payload={}, page="who")
    assert svc.advice.for_draft(pat, second.id) == []
    b = svc.decisions.log(pat, no_share(p.id, "Second"), draft_id=second.id)
    assert [x.id for x in svc.advice.for_decision(pat, a.id)] == [asked]
    assert svc.advice.for_decision(pat, b.id) == []

    # The same for an amendment made from a draft, and for a draft thrown away.
    third = svc.drafts.save(pat, kind="decision", payload={}, page="check")
    amend_asked = raise_on(third.id)
    v2 = svc.decisions.amend(
        pat, b.id, no_share(p.id, "Second, corrected"), "typo", draft_id=third.id
    )
    assert [x.id for x in svc.advice.for_decision(pat, v2.id)] == [amend_asked]
    assert count(svc, Draft) == 0
    fourth = svc.drafts.save(pat, kind="decision", payload={}, page="who")
    raise_on(fourth.id)
    svc.drafts.discard(pat, fourth.id)
    fifth = svc.drafts.save(pat, kind="decision", payload={}, page="who")
    assert svc.advice.for_draft(pat, fifth.id) == []


def test_someone_elses_draft_is_left_alone(svc, actors):
    p = person(svc, actors.pat)
    draft = svc.drafts.save(actors.pip, kind="decision", payload={}, page="who")
    svc.decisions.log(actors.pat, no_share(p.id), draft_id=draft.id)
    assert svc.drafts.load(actors.pip, draft.id).id == draft.id


def test_relying_on_given_consent(svc, actors):
    p = person(svc, actors.pat)
    ev = svc.consent.record(actors.pat, consent(p.id))
    d = share(
        p.id,
        consent_position=ConsentPosition.GIVEN,
        consent_event_id=ev.id,
        not_sought_reason=None,
        without_consent_reason="",
        lawful_basis=LawfulBasis.CONSENT,
        person_told=True,
        not_told_reason="",
    )
    view = svc.decisions.log(actors.pat, d)
    assert view.fields["consent_event_id"] == ev.id


@pytest.mark.parametrize("later", [ConsentStatus.WITHDRAWN, ConsentStatus.REFUSED])
def test_relying_on_consent_that_was_later_withdrawn_or_refused_is_stopped(svc, actors, later):
    p = person(svc, actors.pat)
    ev = svc.consent.record(actors.pat, consent(p.id))
    svc.consent.record(actors.pat, consent(p.id, later, told=""))
    d = share(
        p.id,
        consent_position=ConsentPosition.GIVEN,
        consent_event_id=ev.id,
        not_sought_reason=None,
        without_consent_reason="",
        lawful_basis=LawfulBasis.CONSENT,
    )
    with pytest.raises(ValidationFailed) as err:
        svc.decisions.log(actors.pat, d)
    msg = err.value.field_errors["consent_event_id"]
    assert msg.startswith(
        f"You cannot rely on consent for this share: it was {later.label.lower()}"
    )
    assert count(svc, SharingDecision) == 0


def test_relying_on_another_persons_consent_is_stopped(svc, actors):
    p = person(svc, actors.pat)
    q = person(svc, actors.pat, "Jones", "Tom")
    ev = svc.consent.record(actors.pat, consent(q.id))
    d = share(
        p.id,
        consent_position=ConsentPosition.GIVEN,
        consent_event_id=ev.id,
        not_sought_reason=None,
        without_consent_reason="",
    )
    with pytest.raises(ValidationFailed) as err:
        svc.decisions.log(actors.pat, d)
    assert err.value.field_errors == {"consent_event_id": "Choose a consent record of this person"}


def test_sharing_despite_a_recorded_refusal_can_point_at_the_refusal(svc, actors):
    """Not relying on consent: the refusal is cited, the share rests on another basis."""
    p = person(svc, actors.pat)
    refusal = svc.consent.record(actors.pat, consent(p.id, ConsentStatus.REFUSED, told=""))
    d = share(
        p.id,
        consent_position=ConsentPosition.REFUSED,
        consent_event_id=refusal.id,
        not_sought_reason=None,
        without_consent_reason="Risk of significant harm outweighs the refusal",
        special_category=True,
        art9_condition=Art9Condition.SCHEDULE1_PARA18_SAFEGUARDING,
    )
    view = svc.decisions.log(actors.pat, d)
    assert view.fields["consent_position"] == "refused"
    assert view.fields["consent_event_id"] == refusal.id


def test_urgent_share_with_fewer_fields_then_completed_by_amendment(svc, actors):
    p = person(svc, actors.pat)
    urgent = DecisionInput(
        subject_id=p.id,
        urgent=True,
        recipient_org="Police",
        information="Child alone overnight",
        purpose="Immediate protection",
        special_category=False,
        lawful_basis=LawfulBasis.VITAL_INTERESTS,
        without_consent_reason="Child at immediate risk",
        outcome=Outcome.SHARE,
        reasons="Immediate risk",
        shared_at=datetime.now(UTC),
        share_method=None,
    )
    with pytest.raises(ValidationFailed) as err:
        svc.decisions.log(actors.pat, urgent)
    assert set(err.value.field_errors) == {"share_method"}
    v1 = svc.decisions.log(actors.pat, replace(urgent, share_method=share(p.id).share_method))
    assert v1.urgent is True
    full = share(p.id, recipient_org="Police", urgent=True)
    v2 = svc.decisions.amend(actors.pat, v1.id, full, "Completed after the call")
    assert v2.version == 2 and v2.fields["origin"] == "own_initiative"


def test_others_affected_are_kept_and_the_decision_is_audited(svc, actors):
    p = person(svc, actors.pat)
    sib = person(svc, actors.pat, "Smith", "Tom", dob=None)
    before = last_audit_id(svc)
    view = svc.decisions.log(
        actors.pat, replace(no_share(p.id), others_affected=[sib.id, p.id, sib.id])
    )
    assert [o.id for o in view.others_affected] == [sib.id]
    assert audit_actions(svc, before) == [("decision.create", "decision", str(view.id))]
    with pytest.raises(ValidationFailed) as err:
        svc.decisions.log(actors.pat, replace(no_share(p.id), others_affected=[999_999]))
    assert set(err.value.field_errors) == {"others_affected"}
    assert count(svc, AuditEvent) == before + 0 + 1


def test_two_terminals_amending_the_same_version_at_once(settings, actors):
    """One amendment becomes version 2; the other is told the decision moved on."""
    terminals = [Services.open(settings, migrate=False) for _ in range(2)]
    try:
        p = person(terminals[0], actors.pat)
        v1 = terminals[0].decisions.log(actors.pat, no_share(p.id))
        barrier = threading.Barrier(2)
        results: list[object] = []

        def amend(t: Services, words: str) -> None:
            barrier.wait()
            try:
                results.append(t.decisions.amend(actors.pat, v1.id, no_share(p.id, words), words))
            except Exception as exc:  # noqa: BLE001 - the loser's error is the result
                results.append(exc)

        threads = [
            threading.Thread(target=amend, args=(t, f"from terminal {i}"))
            for i, t in enumerate(terminals)
        ]
        for th in threads:
            th.start()
        for th in threads:
            th.join(timeout=60)
        errors = [r for r in results if isinstance(r, Exception)]
        assert len(errors) == 1, results
        assert isinstance(errors[0], ValidationFailed), repr(errors[0])
        assert "now version 2" in errors[0].field_errors["amend_reason"]
        versions = terminals[1].decisions.versions(actors.pat, v1.id)
        assert [v.version for v in versions] == [1, 2]
    finally:
        for t in terminals:
            t.close()


def test_lists_show_each_decision_once_at_its_latest_version(svc, actors):
    p = person(svc, actors.pat)
    v1 = svc.decisions.log(actors.pat, no_share(p.id))
    other = svc.decisions.log(actors.pat, share(p.id))
    v2 = svc.decisions.amend(actors.pat, v1.id, no_share(p.id, "Corrected"), "typo")
    assert [d.id for d in svc.decisions.mine(actors.pat)] == [v2.id, other.id]
    assert [d.id for d in svc.decisions.for_person(actors.pat, p.id).items] == [v2.id, other.id]
    assert svc.decisions.mine(actors.pip) == []
