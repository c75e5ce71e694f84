"""Consent through the service: append-only events, current state derived per scope."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from sharetui.domain.enums import ConsentGiver, ConsentMethod, ConsentStatus, NotSoughtReason
from sharetui.domain.errors import NotFound, ValidationFailed
from sharetui.services.consent import describe
from sharetui.store.models import ConsentEvent
from tests.services.helpers import audit_actions, consent, count, last_audit_id, person


def test_given_then_withdrawn_is_currently_withdrawn(svc, actors):
    p = person(svc, actors.pat)
    gave = svc.consent.record(actors.pat, consent(p.id))
    withdrew = svc.consent.withdraw(
        actors.pat, gave.id, ConsentGiver.PARENT_WITH_PR, ConsentMethod.WRITTEN, "Mrs Smith"
    )
    assert withdrew.status is ConsentStatus.WITHDRAWN
    assert (withdrew.scope_information, withdrew.scope_recipient, withdrew.scope_purpose) == (
        gave.scope_information,
        gave.scope_recipient,
        gave.scope_purpose,
    )
    lines = svc.consent.current(actors.pat, p.id)
    assert len(lines) == 1
    assert lines[0].current.id == withdrew.id
    assert [e.status for e in lines[0].history] == [ConsentStatus.GIVEN, ConsentStatus.WITHDRAWN]
    # Nothing was edited: both events are still there.
    assert [e.id for e in svc.consent.history(actors.pat, p.id)] == [withdrew.id, gave.id]


def test_current_state_is_per_scope(svc, actors):
    p = person(svc, actors.pat)
    nurse = svc.consent.record(actors.pat, consent(p.id))
    gp = svc.consent.record(actors.pat, consent(p.id, scope_recipient="GP surgery"))
    svc.consent.record(
        actors.pat,
        consent(p.id, ConsentStatus.REFUSED, told="", scope_recipient=" gp  SURGERY "),
    )
    current = {
        ln.current.scope_recipient: ln.current.status
        for ln in svc.consent.current(actors.pat, p.id)
    }
    assert current == {
        "School nurse": ConsentStatus.GIVEN,
        "gp SURGERY": ConsentStatus.REFUSED,
    }
    assert nurse.scope_key != gp.scope_key


def test_backdated_event_does_not_override_a_later_one(svc, actors):
    p = person(svc, actors.pat)
    now = datetime.now(UTC)
    svc.consent.record(
        actors.pat,
        consent(p.id, ConsentStatus.WITHDRAWN, told="", effective_at=now - timedelta(days=1)),
    )
    svc.consent.record(actors.pat, consent(p.id, effective_at=now - timedelta(days=10)))
    [line] = svc.consent.current(actors.pat, p.id)
    assert line.current.status is ConsentStatus.WITHDRAWN
    assert [e.status for e in line.history] == [ConsentStatus.GIVEN, ConsentStatus.WITHDRAWN]


def test_effective_time_typed_without_a_zone_is_stored(svc, actors):
    p = person(svc, actors.pat)
    naive = datetime.now(UTC).replace(tzinfo=None) - timedelta(days=2)
    ev = svc.consent.record(actors.pat, consent(p.id, effective_at=naive))
    assert ev.effective_at.tzinfo is not None
    assert ev.effective_at.replace(tzinfo=None) == naive


def test_not_sought_is_recorded_with_its_reason(svc, actors):
    p = person(svc, actors.pat)
    ev = svc.consent.record(
        actors.pat,
        consent(
            p.id,
            ConsentStatus.NOT_SOUGHT,
            given_by=None,
            method=None,
            told="",
            not_sought_reason=NotSoughtReason.UNSAFE,
        ),
    )
    assert ev.not_sought_reason is NotSoughtReason.UNSAFE
    [line] = svc.consent.current(actors.pat, p.id)
    text = describe(line, ZoneInfo("Europe/London"))
    assert text.startswith("Consent not sought on ")
    assert text.endswith("(seeking it would be unsafe)")


def test_describe_reads_as_a_sentence(svc, actors):
    p = person(svc, actors.pat)
    when = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)
    gave = svc.consent.record(
        actors.pat, consent(p.id, given_by_name="Mrs Smith", effective_at=when)
    )
    svc.consent.record(
        actors.pat,
        consent(p.id, ConsentStatus.WITHDRAWN, told="", effective_at=when + timedelta(days=99)),
    )
    [line] = svc.consent.current(actors.pat, p.id)
    assert describe(line, ZoneInfo("Europe/London")) == (
        "Consent given by Mrs Smith (a parent with parental responsibility) on 3 March 2026 "
        "for sharing Health information with School nurse for Care plan; "
        "withdrawn by a parent with parental responsibility on 10 June 2026"
    )
    assert gave.recorded_by == "Pat Practitioner"


INVALID_CONSENT = [
    ({"status": ConsentStatus.NOT_SOUGHT, "given_by": None}, "not_sought_reason"),
    ({"told": "  "}, "told"),
    ({"scope_recipient": "\x1b"}, "scope_recipient"),
    ({"effective_at": datetime.now(UTC) + timedelta(days=3)}, "effective_at"),
    ({"given_by_name": "n" * 201}, "given_by_name"),
    ({"method": None}, "method"),
]


def test_invalid_consent_stores_nothing(svc, actors):
    p = person(svc, actors.pat)
    before = last_audit_id(svc)
    for changes, field in INVALID_CONSENT:
        with pytest.raises(ValidationFailed) as err:
            svc.consent.record(actors.pat, consent(p.id, **changes))
        assert field in err.value.field_errors, changes
    assert count(svc, ConsentEvent) == 0
    assert last_audit_id(svc) == before


def test_unknown_person_and_unknown_event(svc, actors):
    with pytest.raises(ValidationFailed) as err:
        svc.consent.record(actors.pat, consent(999_999))
    assert err.value.field_errors == {"person_id": "Choose a person who is on record"}
    with pytest.raises(NotFound):
        svc.consent.withdraw(actors.pat, 999_999, ConsentGiver.PERSON, ConsentMethod.VERBAL)
    assert count(svc, ConsentEvent) == 0


def test_control_characters_stripped_and_event_audited(svc, actors):
    p = person(svc, actors.pat)
    before = last_audit_id(svc)
    ev = svc.consent.record(
        actors.pat,
        replace(
            consent(p.id),
            given_by_name="Mum\x1b[5m",
            told="Told\u202e why\x07\nand how",
            scope_purpose="\u2066Care\u2069 plan",
        ),
    )
    stored = svc.consent.get_event(actors.pat, ev.id)
    assert (stored.given_by_name, stored.told, stored.scope_purpose) == (
        "Mum[5m",
        "Told why\nand how",
        "Care plan",
    )
    actions = audit_actions(svc, before)
    assert actions[0] == ("consent.given", "person", str(p.id))
    assert actions[1] == ("consent.view", "person", str(p.id))
