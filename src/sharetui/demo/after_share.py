"""The demo's story after the share: the recipient register (one entry to review), school
terms with a half-term, two data sharing agreements (one past its review date), shares
whose receipt is confirmed, to chase, overdue, and failed then sent again, child protection
file transfers out (one confirmed, one overdue) and one file received.

Called once from seed() (demo/__init__.py), after the families exist; its steps run in
time order with the rest of the story.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

from sharetui.demo.world import ORGS, _Family, _Plan, _World
from sharetui.domain.after_share import DecisionKind, ReceiptMethod, ReceiptState, ReceiptStep
from sharetui.domain.calendar import Term, WorkingCalendar
from sharetui.domain.enums import LawfulBasis, RequestOrigin
from sharetui.domain.sample_share import sample_share
from sharetui.services.agreements import AgreementInput

NEW_SETTING = "Riverside Junior School"
OLD_SETTING = "Hillcrest Primary School"


def plan_after_share(w: _World, plan: _Plan, families: list[_Family]) -> None:
    sam, dee, priya = w.actors["sam"], w.actors["dee"], w.actors["priya"]
    today = w.now.astimezone(w.tz).date()
    ids: dict[str, tuple[int, int | None]] = {}  # organisation -> (org id, contact id)
    start = w.now - timedelta(days=120)

    def at(day: date, hour: int, step: Callable[[], None]) -> None:
        moment = datetime.combine(day, time(hour, 0), tzinfo=w.tz)
        plan.at(w.cap(moment.astimezone(w.now.tzinfo)), step)

    def register() -> None:
        for org in ORGS:
            kind = {"education": "school", "criminal": "police"}.get(org.category, org.category)
            if "Early Help" in org.org:
                kind = "early_help"
            elif "Housing" in org.org:
                kind = "housing"
            elif kind not in ("school", "police", "health", "social_care"):
                kind = "other"
            route = org.contact.split("@")[-1] if "@" in org.contact else ""
            made = w.svc.register.add_org(
                sam, org.org, kind, f"secure email @{route}" if route else ""
            )
            contact = w.svc.register.add_contact(sam, made.org_id, org.role, "", org.contact)
            ids[org.org] = (made.org_id, contact.contact_id)
        for name in (NEW_SETTING, OLD_SETTING):
            made = w.svc.register.add_org(
                sam, name, "school", "secure email @schools.example.sch.uk"
            )
            contact = w.svc.register.add_contact(
                sam,
                made.org_id,
                "Designated safeguarding lead",
                "",
                "dsl@" + name.split()[0].lower() + ".example.sch.uk",
            )
            ids[name] = (made.org_id, contact.contact_id)
        # Added at the desk in a hurry: on the register's list to review.
        made = w.svc.register.add_org(
            priya, "Northfield Dental Practise", "health", from_decision=True
        )
        ids["dental"] = (made.org_id, None)
        w.bump("register organisations", len(ids))

    plan.at(start, register)

    # School terms around today, with a week's half-term a little before it.
    term_a = (today - timedelta(days=75), today - timedelta(days=17))
    term_b = (today - timedelta(days=9), today + timedelta(days=60))

    def terms() -> None:
        w.svc.calendar.add_term(sam, "Term before half-term", *term_a)
        w.svc.calendar.add_term(sam, "Term after half-term", *term_b)

    plan.at(start + timedelta(minutes=5), terms)

    def agreements() -> None:
        w.svc.agreements.add(
            sam,
            AgreementInput(
                title="Northfield safeguarding partnership information sharing agreement",
                parties="The school; Northfield Council children's services; Northfield Police",
                purposes="Referrals\nSection 47 enquiries\nChild protection conferences",
                lawful_basis=LawfulBasis.PUBLIC_TASK,
                data_categories="Contact details, attendance, concerns, health where relevant",
                starts_on=today - timedelta(days=400),
                review_on=today + timedelta(days=20),
                signed_copy="Safeguarding cabinet, DSL office",
                org_ids=[
                    ids["Northfield Children's Social Care"][0],
                    ids["Northfield Police Public Protection Unit"][0],
                ],
            ),
        )
        w.svc.agreements.add(
            sam,
            AgreementInput(
                title="Early help family support agreement",
                parties="The school; Northfield Early Help",
                purposes="Family support plans\nEarly help assessments",
                lawful_basis=LawfulBasis.PUBLIC_TASK,
                data_categories="Contact details, attendance, family circumstances",
                starts_on=today - timedelta(days=800),
                review_on=today - timedelta(days=30),
                signed_copy="Shared drive: Governance / Agreements",
                org_ids=[ids["Northfield Early Help"][0]],
            ),
        )
        w.bump("agreements", 2)

    plan.at(start + timedelta(minutes=10), agreements)

    children = [c for fam in families for c in fam.children]
    cal = WorkingCalendar(terms=())  # working days: weekends and bank holidays

    def back(days: int, school: bool = False) -> date:
        c = WorkingCalendar(terms=(Term("a", *term_a), Term("b", *term_b))) if school else cal
        day, n = today, 0
        while n < days:
            day -= timedelta(days=1)
            if (c.is_school_day if school else c.is_working_day)(day):
                n += 1
        return day

    def share(
        child_key: str, org: str, sent_on: date, purpose: str, **extra: Any
    ) -> Callable[[], int]:
        def log() -> int:
            org_id, contact_id = ids[org]  # the register is made by an earlier step
            answers: dict[str, Any] = {
                "origin": RequestOrigin.INCOMING_REQUEST,
                "recipient_org_id": org_id,
                "recipient_contact_id": contact_id,
                "recipient_org": org,
                "purpose": purpose,
                "information": "Attendance this term and the concerns logged by staff",
                "without_consent_reason": "Asking would alert the adult the concern is about",
                "not_told_reason": "Telling the family now could put the child at risk",
                "reasons": "Needed for the enquiry; proportionate to the concern",
                "shared_at": datetime.combine(sent_on, time(10, 0), tzinfo=w.tz),
                "impact_if_not_shared": (
                    "The new setting would not know the risks to the child"
                    if extra.get("kind") is DecisionKind.CP_TRANSFER
                    else "The enquiry would go ahead without what the school knows"
                ),
                "impact_if_shared": "The family may be upset that the school was told",
            }
            d = sample_share(w.person_ids[child_key], **(answers | extra))
            view = w.svc.decisions.log(priya, d)
            w.bump("shares tracked after sending")
            return view.root_id

        return log

    def story(
        child: int,
        org: str,
        sent_on: date,
        purpose: str,
        steps: list[tuple[int, str, dict]],
        **extra: Any,
    ) -> None:
        if child >= len(children):
            return
        log = share(children[child].key, org, sent_on, purpose, **extra)
        made: dict[str, int] = {}

        def first() -> None:
            made["id"] = log()
            told.add(made["id"])

        at(sent_on, 10, first)
        for days_after, step, values in steps:
            when_day = min(sent_on + timedelta(days=days_after), today)

            def record(step: str = step, values: dict = values) -> None:
                w.svc.receipts.record(values.pop("by", priya), made["id"], step, **values)

            at(when_day, 11 if days_after else 15, record)

    told: set[int] = set()  # this story's shares: their receipts are as the story says
    confirmed = {"who": "Duty social worker, Northfield", "method": ReceiptMethod.SECURE_EMAIL}
    story(
        0,
        "Northfield Children's Social Care",
        back(12),
        "Section 47 enquiry",
        [(1, ReceiptStep.CONFIRMED.value, dict(confirmed))],
    )
    story(1, "Northfield Early Help", back(5), "Family support plan review", [])  # to chase
    story(2, "Northfield CAMHS", back(7), "Referral for assessment", [])  # overdue: DSL
    story(
        3,
        "Northfield Housing Options",
        back(3),
        "Housing application support",
        [
            (0, ReceiptStep.FAILED.value, {"note": "Bounced: the address no longer exists"}),
            (1, ReceiptStep.RESENT.value, {"method": ReceiptMethod.PORTAL}),
        ],
    )

    # Child protection files: one sent and confirmed, one sent and not confirmed (overdue).
    transfer: dict[str, Any] = {
        "kind": DecisionKind.CP_TRANSFER,
        "consent_position": None,
        "not_sought_reason": None,
        "without_consent_reason": "",
        "checks": {},
        "person_told": None,
        "not_told_reason": "",
        "information": "The child protection file, sent separately from the main pupil file",
        "pupil_file_separate": True,
        "lawful_basis": LawfulBasis.LEGAL_OBLIGATION,
    }
    moved = back(20, school=True)
    story(
        4,
        NEW_SETTING,
        back(18, school=True),
        "Child protection file transfer",
        [
            (
                2,
                ReceiptStep.CONFIRMED.value,
                {"who": "DSL, Riverside Junior", "method": ReceiptMethod.PHONE},
            ),
        ],
        transfer_reason="The family moved to Riverside",
        moved_on=moved,
        **transfer,
    )
    story(
        5,
        NEW_SETTING,
        back(7, school=True),
        "Child protection file transfer",
        [],
        transfer_reason="In-year move after a change of carer",
        moved_on=back(8, school=True),
        **transfer,
    )

    if len(children) > 6:
        incoming = children[6].key

        def received() -> None:
            w.svc.transfers.record_incoming(
                dee,
                w.person_ids[incoming],
                from_org_id=ids[OLD_SETTING][0],
                received_on=back(2),
                confirmed_back=ReceiptMethod.SECURE_EMAIL,
                note="Received through the secure portal; read by the DSL the same day",
            )
            w.bump("child protection files received")

        at(back(2), 14, received)

    def free_text_to_register() -> None:
        """Decisions recorded as free text (the rest of the story) reach the register as
        they would on upgrading: spellings merged, the rest listed for review."""
        w.svc.register.import_free_text(w.now)

    plan.at(w.now - timedelta(minutes=2), free_text_to_register)

    def earlier_receipts() -> None:
        """The rest of the story's shares went out before anyone tracked receipts: their
        confirmations are recorded now (on the day after each was sent), so the lists
        show only this story's states."""
        for view in w.svc.receipts.transfers(sam) + w.svc.receipts._open(
            None, today, ReceiptState.AWAITING
        ):
            if view.decision_id in told:
                continue
            when = min(view.sent_at + timedelta(days=1), w.now - timedelta(minutes=5))
            w.svc.receipts.record(
                sam,
                view.decision_id,
                ReceiptStep.CONFIRMED,
                who="Recipient's office",
                at=when,
                method=ReceiptMethod.SECURE_EMAIL,
                note="Recorded from the sent-items log",
            )
            told.add(view.decision_id)

    plan.at(w.now - timedelta(minutes=3), earlier_receipts)
