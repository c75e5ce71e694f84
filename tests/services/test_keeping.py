"""Keeping what comes after the share, on both engines: contacts corrected and removed, a
corrected name that is another entry's refused, agreements edited, a transfer started with
only its own answers, a failed transfer still on the transfers list, and an incoming file
confirmed back. Each change is audited; nothing is changed silently."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from sharetui.domain.after_share import DecisionKind, ReceiptMethod, ReceiptState, ReceiptStep
from sharetui.domain.decision import DecisionInput
from sharetui.domain.enums import Art9Condition, LawfulBasis, ShareMethod
from sharetui.domain.errors import NotAllowed, NotFound, ValidationFailed
from sharetui.services.agreements import AgreementInput
from tests.services.helpers import audit_actions, person


def actions(svc) -> list[str]:
    return [action for action, *_ in audit_actions(svc)]


def _orgs(svc, actors):
    a = svc.register.add_org(actors.sam, "Riverside Junior School", "school", "riverside.sch.uk")
    b = svc.register.add_org(actors.sam, "Northshire Police", "police")
    return a, b


def test_contacts_corrected_and_removed_with_audit(svc, actors):
    org, other = _orgs(svc, actors)
    c = svc.register.add_contact(actors.sam, org.org_id, "DSL", "Ann Lee", "ann@riverside.sch.uk")
    with pytest.raises(NotAllowed):
        svc.register.update_contact(actors.pat, c.contact_id, role="DSL", name="", contact="")
    with pytest.raises(ValidationFailed) as err:
        svc.register.update_contact(actors.sam, c.contact_id, role=" ", name="", contact="")
    assert err.value.field_errors == {"role": "Enter the contact's role, name or how to reach them"}
    changed = svc.register.update_contact(
        actors.ada, c.contact_id, role="DSL", name="Ann Lee-Marsh", contact="dsl@riverside.sch.uk"
    )
    assert (changed.name, changed.contact) == ("Ann Lee-Marsh", "dsl@riverside.sch.uk")
    assert [x.name for x in svc.register.org(actors.sam, org.org_id).contacts] == ["Ann Lee-Marsh"]
    svc.register.remove_contact(actors.sam, c.contact_id)
    assert svc.register.org(actors.sam, org.org_id).contacts == ()
    with pytest.raises(NotFound):
        svc.register.remove_contact(actors.sam, c.contact_id)
    assert actions(svc)[-3:] == [
        "register.contact_add",
        "register.contact_edit",
        "register.contact_remove",
    ]
    # A corrected name that folds to another entry's is one body: merge, never a clash
    with pytest.raises(ValidationFailed) as err:
        svc.register.update_org(actors.sam, org.org_id, name="the northshire police")
    assert err.value.field_errors["name"] == (
        "Northshire Police is already in the register: merge the two instead"
    )
    kept = svc.register.merge(actors.sam, other.org_id, org.org_id)
    assert kept.name == "Northshire Police"
    with pytest.raises(NotFound):  # merged already: not merged twice
        svc.register.merge(actors.sam, other.org_id, org.org_id)


def _agreement(org_ids: list[int], **changes: object) -> AgreementInput:
    data = AgreementInput(
        title="Riverside transfers agreement",
        parties="Northfield School; Riverside Junior School",
        purposes="Child protection file transfers",
        lawful_basis=LawfulBasis.LEGAL_OBLIGATION,
        data_categories="Child protection concerns",
        starts_on=date(2025, 9, 1),
        review_on=date(2026, 9, 1),
        signed_copy="DSL office, cabinet 2",
        org_ids=org_ids,
    )
    return replace(data, **changes)


def test_an_agreement_is_edited_with_what_changed_audited(svc, actors):
    org, other = _orgs(svc, actors)
    made = svc.agreements.add(actors.sam, _agreement([org.org_id]))
    assert made.org_ids == (org.org_id,)
    with pytest.raises(ValidationFailed) as err:
        svc.agreements.update(actors.sam, made.id, _agreement([], review_on=date(2025, 1, 1)))
    assert set(err.value.field_errors) == {"org_ids", "review_on"}
    edited = svc.agreements.update(
        actors.ada,
        made.id,
        _agreement([org.org_id, other.org_id], review_on=date(2027, 9, 1)),
    )
    assert edited.org_names == ("Northshire Police", "Riverside Junior School")
    assert svc.agreements.get(actors.sam, made.id).review_on == date(2027, 9, 1)
    assert actions(svc)[-1] == "agreement.edit"
    with pytest.raises(NotAllowed):
        svc.agreements.get(actors.pat, made.id)


def _transfer(person_id: int, org_id: int, **changes: object) -> DecisionInput:
    d = DecisionInput(
        subject_id=person_id,
        recipient_org_id=org_id,
        transfer_reason="The family moved to Riverside",
        moved_on=date(2026, 2, 11),
        pupil_file_separate=True,
        shared_at=datetime.now(UTC) - timedelta(minutes=5),
        share_method=ShareMethod.SECURE_EMAIL,
        lawful_basis=LawfulBasis.LEGAL_OBLIGATION,
        special_category=True,
        art9_condition=Art9Condition.SCHEDULE1_PARA18_SAFEGUARDING,
        impact_if_not_shared="The new school would not know the risks to the child",
    )
    return replace(d, **changes)


def test_a_transfer_started_failed_and_on_the_transfers_list(svc, actors):
    org, _ = _orgs(svc, actors)
    child = person(svc, actors.sam)
    with pytest.raises(ValidationFailed) as err:
        svc.transfers.start(
            actors.sam,
            _transfer(
                child.id,
                org.org_id,
                pupil_file_separate=None,
                share_method=ShareMethod.LETTER,
                art9_condition=None,
            ),
        )
    assert set(err.value.field_errors) == {"pupil_file_separate", "share_method", "art9_condition"}
    with pytest.raises(ValidationFailed) as err:
        svc.transfers.start(actors.sam, _transfer(child.id, None))  # type: ignore[arg-type]
    assert "recipient_org_id" in err.value.field_errors
    view = svc.transfers.start(actors.sam, _transfer(child.id, org.org_id))
    assert view.fields["kind"] == DecisionKind.CP_TRANSFER.value
    assert view.recipient_org == "Riverside Junior School"
    assert view.fields["receipt_required"] is True
    # 11 Feb 2026 is a school day: due 5 school days later, the half-term week skipped
    svc.calendar.add_term(actors.sam, "Spring 1", date(2026, 1, 5), date(2026, 2, 13))
    svc.calendar.add_term(actors.sam, "Spring 2", date(2026, 2, 23), date(2026, 3, 27))
    svc.receipts.record(actors.sam, view.root_id, ReceiptStep.FAILED, note="Bounced: wrong address")
    [listed] = svc.receipts.transfer_list(actors.sam)
    assert listed.state is ReceiptState.FAILED
    assert listed.due_on == date(2026, 2, 25)  # 12, 13, 23, 24, 25 Feb
    assert svc.receipts.transfers(actors.sam) == []  # the DSL's chase list skips it
    svc.receipts.record(actors.sam, view.root_id, ReceiptStep.RESENT, method="portal")
    svc.receipts.record(actors.sam, view.root_id, ReceiptStep.CONFIRMED, who="DSL", method="phone")
    [listed] = svc.receipts.transfer_list(actors.sam)
    assert listed.state is ReceiptState.CONFIRMED


def test_an_incoming_file_confirmed_back_once(svc, actors):
    org, _ = _orgs(svc, actors)
    child = person(svc, actors.pat)
    file_id = svc.transfers.record_incoming(
        actors.sue,
        child.id,
        from_org_id=org.org_id,
        received_on=date.today() - timedelta(days=1),
        confirmed_back=None,
    )
    [waiting] = svc.transfers.incoming(actors.sam)
    assert (waiting.id, waiting.from_name, waiting.confirmed_back_method) == (
        file_id,
        "Riverside Junior School",
        None,
    )
    with pytest.raises(ValidationFailed):
        svc.transfers.confirm_back(actors.sam, file_id, None)
    done = svc.transfers.confirm_back(actors.sam, file_id, "secure_email")
    assert done.confirmed_back_method is ReceiptMethod.SECURE_EMAIL
    with pytest.raises(ValidationFailed) as err:
        svc.transfers.confirm_back(actors.sam, file_id, "phone")
    assert "already" in err.value.field_errors["confirmed_back"]
    assert actions(svc)[-1] == "transfer.confirmed_back"
