"""After the share, on both engines: a recipient chosen from the register, the agreement
that covers it kept on the record, receipt confirmed, an unconfirmed share reaching the
sender's and then the DSL's home on the right working day across a bank holiday weekend, a
transfer's due date across a half-term, and the register kept by supervisors."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from sharetui.domain.after_share import (
    AgreementCover,
    DecisionKind,
    ReceiptState,
    ReceiptStep,
)
from sharetui.domain.enums import LawfulBasis, ShareMethod
from sharetui.domain.errors import NotAllowed, ValidationFailed
from sharetui.services.agreements import AgreementInput
from tests.services.helpers import audit_actions, last_audit_id, person, share


def _northshire(svc, actors):
    org = svc.register.add_org(
        actors.sam, "Northshire Children's Social Care", "social_care", "@northshire.gcsx.gov.uk"
    )
    contact = svc.register.add_contact(
        actors.sam, org.org_id, "Duty social worker", "Sam Patel", "duty@northshire.gov.uk"
    )
    return org, contact


def _from_register(choice, subject_id, **changes):
    return share(
        subject_id,
        recipient_org_id=choice.org_id,
        recipient_contact_id=choice.contact_id,
        recipient_org=choice.org,
        recipient_role=choice.role,
        recipient_name=choice.name,
        recipient_contact=choice.contact,
        **changes,
    )


def test_a_share_chosen_from_the_register(svc, actors):
    _, contact = _northshire(svc, actors)
    found = svc.register.search(actors.pat, "northsh duty")
    assert [(c.org, c.role) for c in found] == [
        ("Northshire Children's Social Care", "Duty social worker")
    ]
    p = person(svc, actors.pat)
    d = svc.decisions.log(actors.pat, _from_register(found[0], p.id))
    assert d.fields["recipient_org_id"] == contact.org_id
    assert d.fields["recipient_contact_id"] == contact.contact_id
    assert d.recipient_org == "Northshire Children's Social Care"
    # Nothing typed: the entries this user shared with lately come first
    assert svc.register.search(actors.pat, "")[0].contact_id == contact.contact_id
    assert svc.register.search(actors.pip, "") == []


def test_recently_used_entries_leave_out_who_has_left_and_what_was_merged(svc, actors):
    """The box opened empty offers what this user shared with lately: a contact who has left
    is offered as the organisation alone, and an organisation merged into another not at all."""
    org, contact = _northshire(svc, actors)
    other = svc.register.add_org(actors.sam, "Northshire CSC", "social_care", "")
    p = person(svc, actors.pat)
    for choice in (svc.register.choice(actors.pat, other.org_id, None), contact):
        svc.decisions.log(actors.pat, _from_register(choice, p.id))
    recent = [(c.org, c.contact_id) for c in svc.register.search(actors.pat, "")]
    assert recent == [
        ("Northshire Children's Social Care", contact.contact_id),
        ("Northshire CSC", None),
    ]
    svc.register.remove_contact(actors.sam, contact.contact_id)
    svc.register.merge(actors.sam, org.org_id, other.org_id)
    recent = [(c.org, c.contact_id) for c in svc.register.search(actors.pat, "")]
    assert recent == [("Northshire Children's Social Care", None)]


def test_a_contact_of_another_organisation_is_refused(svc, actors):
    _, contact = _northshire(svc, actors)
    other = svc.register.add_org(actors.sam, "Northfield Academy", "school")
    p = person(svc, actors.pat)
    with pytest.raises(ValidationFailed) as err:
        svc.decisions.log(
            actors.pat,
            share(p.id, recipient_org_id=other.org_id, recipient_contact_id=contact.contact_id),
        )
    assert "contact of that organisation" in err.value.field_errors["recipient_contact_id"]


def test_the_register_is_kept_by_supervisors_and_grows_from_the_desk(svc, actors):
    with pytest.raises(NotAllowed):
        svc.register.add_org(actors.pat, "Northfield GP Surgery", "health")
    added = svc.register.add_org(actors.pat, "Northfield GP Surgery", "health", from_decision=True)
    assert added.to_review
    review = svc.register.orgs(actors.sam, to_review=True)
    assert [o.name for o in review] == ["Northfield GP Surgery"]
    assert review[0].review_note == "Added from a decision: check it."
    with pytest.raises(ValidationFailed) as err:
        svc.register.add_org(actors.sam, "the northfield gp surgery", "health")
    assert err.value.field_errors["name"] == (
        "Northfield GP Surgery is already in the register: choose it instead"
    )
    svc.register.update_org(actors.sam, added.org_id, reviewed=True)
    assert svc.register.orgs(actors.sam, to_review=True) == []


def _agreement(svc, actors, org_id, review_on):
    return svc.agreements.add(
        actors.sam,
        AgreementInput(
            title="Northshire safeguarding information sharing agreement",
            parties="Northfield School; Northshire County Council",
            purposes="Section 47 enquiries\nChild protection conferences",
            lawful_basis=LawfulBasis.PUBLIC_TASK,
            data_categories="Attendance, concerns, health",
            starts_on=date(2025, 1, 1),
            review_on=review_on,
            signed_copy="Safeguarding cabinet, DSL office",
            org_ids=[org_id],
        ),
    )


def test_the_agreement_is_shown_and_kept_on_the_record(svc, actors):
    org, contact = _northshire(svc, actors)
    agreement = _agreement(svc, actors, org.org_id, date(2099, 1, 1))
    today = date(2026, 6, 1)
    cover = svc.agreements.cover(actors.pat, org.org_id, "Section 47 enquiry", today)
    assert cover.state is AgreementCover.COVERED
    assert cover.purpose == "Section 47 enquiries"
    assert cover.words(today).startswith(
        "Northshire safeguarding information sharing agreement: covers Section 47 enquiries"
    )
    none = svc.agreements.cover(actors.pat, org.org_id, "Housing application", today)
    assert none.state is AgreementCover.NONE
    assert "None is needed for a one-off or urgent share" in none.words(today)
    p = person(svc, actors.pat)
    d = svc.decisions.log(actors.pat, _from_register(contact, p.id, purpose="Section 47 enquiry"))
    assert d.fields["agreement_id"] == agreement.id
    assert d.fields["agreement_cover"] == "covered"
    # An urgent share with no agreement is saved all the same, and says so on the record
    urgent = svc.decisions.log(
        actors.pat, _from_register(contact, p.id, urgent=True, purpose="Immediate protection")
    )
    assert urgent.fields["agreement_cover"] == "none"
    assert urgent.fields["agreement_id"] is None


def test_an_agreement_past_review_is_named_with_a_warning_and_on_a_supervisors_home(svc, actors):
    org, _ = _northshire(svc, actors)
    _agreement(svc, actors, org.org_id, date(2026, 3, 31))
    today = date(2026, 6, 1)
    cover = svc.agreements.cover(actors.pat, org.org_id, "child protection conference", today)
    assert cover.state is AgreementCover.PAST_REVIEW
    assert "PAST ITS REVIEW DATE (31 Mar 2026)" in cover.words(today)
    assert [a.review_on for a in svc.agreements.due_for_review(actors.sam, today)] == [
        date(2026, 3, 31)
    ]
    with pytest.raises(NotAllowed):
        svc.agreements.due_for_review(actors.pat, today)


# Friday 22 May 2026; Monday 25 May is the spring bank holiday.
SENT = datetime(2026, 5, 22, 10, 0, tzinfo=UTC)


def test_receipt_confirmed_is_appended_audited_and_on_the_timeline(svc, actors):
    _, contact = _northshire(svc, actors)
    p = person(svc, actors.pat)
    d = svc.decisions.log(actors.pat, _from_register(contact, p.id, shared_at=SENT))
    assert d.fields["receipt_required"] is True
    mark = last_audit_id(svc)
    with pytest.raises(ValidationFailed) as err:
        svc.receipts.record(actors.pat, d.id, "confirmed")
    assert set(err.value.field_errors) == {"who", "method"}
    view = svc.receipts.record(
        actors.pat,
        d.id,
        ReceiptStep.CONFIRMED,
        who="Sam Patel, duty social worker",
        at=SENT + timedelta(hours=2),
        method="secure_email",
    )
    assert view.state is ReceiptState.CONFIRMED
    assert ("receipt.confirmed", "decision", str(d.root_id)) in audit_actions(svc, mark)
    timeline = svc.people.timeline(actors.pat, p.id).items
    assert [(e.title, e.detail) for e in timeline if e.title == "Receipt confirmed"] == [
        (
            "Receipt confirmed",
            "Northshire Children's Social Care: Sam Patel, duty social worker (secure email)",
        )
    ]
    with pytest.raises(NotAllowed):
        svc.receipts.record(actors.pip, d.id, "chased")


def test_a_share_by_phone_needs_no_receipt(svc, actors):
    p = person(svc, actors.pat)
    d = svc.decisions.log(actors.pat, share(p.id, share_method=ShareMethod.PHONE))
    assert d.fields["receipt_required"] is False
    assert svc.receipts.status(actors.pat, d.id) is None


def test_unconfirmed_share_reaches_the_sender_then_the_dsl_across_a_bank_holiday(svc, actors):
    _, contact = _northshire(svc, actors)
    p = person(svc, actors.pat)
    d = svc.decisions.log(actors.pat, _from_register(contact, p.id, shared_at=SENT))

    def sender(day):
        return [v.decision_id for v in svc.receipts.to_chase(actors.pat, day)]

    def dsl(day):
        return [v.decision_id for v in svc.receipts.overdue(actors.sue, day)]

    # Three working days after Friday: Tue 26, Wed 27, Thu 28 (Monday is a bank holiday)
    assert sender(date(2026, 5, 28)) == []
    assert sender(date(2026, 5, 29)) == [d.root_id]
    assert svc.receipts.to_chase(actors.pip, date(2026, 5, 29)) == []  # not pip's share
    # Five working days: ... Fri 29, Mon 1 June; the DSL sees it from Tuesday 2 June
    assert dsl(date(2026, 6, 1)) == []
    assert dsl(date(2026, 6, 2)) == [d.root_id]
    assert svc.receipts.overdue(actors.sam, date(2026, 6, 2)) != []  # sam is a DSL too
    # Failed, then sent again on Wednesday 3 June: the clock starts again from then
    svc.receipts.record(actors.pat, d.id, "failed", note="Bounced: mailbox full")
    assert svc.receipts.to_chase(actors.pat, date(2026, 6, 3))[0].state is ReceiptState.FAILED
    assert dsl(date(2026, 6, 1)) == []  # failed, before it would be overdue: the sender's
    assert dsl(date(2026, 6, 3)) == [d.root_id]  # failed and not sent again: the DSL's too
    svc.receipts.record(
        actors.pat,
        d.id,
        "resent",
        at=datetime(2026, 6, 3, 9, 0, tzinfo=UTC),
        method="portal",
    )
    assert sender(date(2026, 6, 8)) == []
    assert sender(date(2026, 6, 9)) == [d.root_id]


def test_a_share_failed_on_the_day_it_was_sent_is_the_senders_at_once(svc, actors):
    """The lists sift by the day sent before working out each share's state: a failure does
    not wait for the chase point, and a share of the day is on no list until it is due."""
    _, contact = _northshire(svc, actors)
    p = person(svc, actors.pat)
    failed = svc.decisions.log(actors.pat, _from_register(contact, p.id, shared_at=SENT))
    waiting = svc.decisions.log(actors.pat, _from_register(contact, p.id, shared_at=SENT))
    sent_on = SENT.astimezone(svc.store.settings.tz).date()
    svc.receipts.record(actors.pat, failed.id, "failed", note="Bounced: mailbox full")
    chase = svc.receipts.to_chase(actors.pat, sent_on)
    assert [(v.decision_id, v.state) for v in chase] == [(failed.root_id, ReceiptState.FAILED)]
    assert waiting.root_id not in [v.decision_id for v in chase]
    assert svc.receipts.overdue(actors.sue, sent_on) == []


def test_a_transfer_is_due_five_school_days_after_the_move_across_half_term(svc, actors):
    svc.calendar.add_term(actors.sam, "Spring 1", date(2026, 1, 5), date(2026, 2, 13))
    svc.calendar.add_term(actors.sam, "Spring 2", date(2026, 2, 23), date(2026, 3, 27))
    school = svc.register.add_org(actors.sam, "Southfield Primary School", "school")
    p = person(svc, actors.pat)
    base = share(
        p.id,
        kind=DecisionKind.CP_TRANSFER,
        recipient_org_id=school.org_id,
        recipient_org=school.org,
        purpose="Child protection file transfer",
        information="The child protection file",
        consent_position=None,
        not_sought_reason=None,
        without_consent_reason="",
        checks={},
        person_told=None,
        not_told_reason="",
        transfer_reason="Family moved house",
        moved_on=date(2026, 2, 11),
        pupil_file_separate=True,
        shared_at=datetime(2026, 2, 12, 10, 0, tzinfo=UTC),
    )
    with pytest.raises(ValidationFailed) as err:
        svc.decisions.log(
            actors.pat,
            share(base.subject_id, kind=DecisionKind.CP_TRANSFER, share_method=ShareMethod.LETTER),
        )
    assert set(err.value.field_errors) >= {
        "recipient_org_id",
        "transfer_reason",
        "moved_on",
        "pupil_file_separate",
        "share_method",
    }
    assert "never by ordinary post" in err.value.field_errors["share_method"]
    d = svc.decisions.log(actors.pat, base)
    view = svc.receipts.status(actors.pat, d.id, date(2026, 2, 20))
    assert view is not None
    assert view.kind is DecisionKind.CP_TRANSFER
    assert view.due_on == date(2026, 2, 25)  # Thu 12, Fri 13, half-term, Mon 23 to Wed 25
    # Sent Thursday 12th: five school days are 13, 23, 24, 25, 26 - chased from Friday 27th
    assert view.times.chase_on == date(2026, 2, 27)
    assert [v.decision_id for v in svc.receipts.transfers(actors.sue, date(2026, 2, 20))] == [
        d.root_id
    ]
