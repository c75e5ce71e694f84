"""The decisions a duty desk records, one scenario per kind of share (with consent, to
protect, urgent, refused but shared, an unverified caller, not necessary, in part)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from sharetui.demo.decision_steps import (
    _checks,
    _decider,
    _DecisionRecord,
    _siblings,
)
from sharetui.demo.families import _consent_step, _giver_for
from sharetui.demo.world import (
    ORGS,
    SCOPES,
    STAFF_NAMES,
    _Family,
    _Member,
    _Org,
    _Plan,
    _World,
)
from sharetui.domain.decision import DecisionInput
from sharetui.domain.enums import (
    Art9Condition,
    CallerCheck,
    ConsentPosition,
    ConsentStatus,
    LawfulBasis,
    NotSoughtReason,
    Outcome,
    RequestOrigin,
    ShareMethod,
)
from sharetui.domain.sample_share import sample_share


# -- decisions ------------------------------------------------------------------------------
def _base_share(
    w: _World,
    rng: random.Random,
    subject: _Member,
    org: _Org,
    *,
    urgent: bool = False,
    others: list[str] | None = None,
    info: str,
    purpose: str,
    basis: LawfulBasis,
    consent_position: ConsentPosition | None,
    outcome: Outcome = Outcome.SHARE,
    reasons: str,
    when: datetime,
    **answers: Any,
) -> DecisionInput:
    """The sample share (domain/sample_share.py) told as a scenario's: about `subject`, sent
    to someone at `org`, with who received it and how drawn from `rng`, and the scenario's
    own `answers` last (why without consent, why the person was not told, ...)."""
    special = org.category in ("health", "social_care") or "health" in info
    drawn: dict[str, Any] = {
        "others_affected": [w.person_ids[k] for k in (others or [])],
        "urgent": urgent,
        "origin": None if urgent else rng.choice(list(RequestOrigin)),
        "recipient_org": org.org,
        "recipient_role": org.role,
        "recipient_name": rng.choice(STAFF_NAMES),
        "recipient_contact": org.contact,
        "caller_check": rng.choice(
            (CallerCheck.KNOWN_CONTACT, CallerCheck.CALLED_BACK_KNOWN_NUMBER)
            if not urgent
            else (CallerCheck.KNOWN_CONTACT,)
        ),
        "purpose": purpose,
        "information": info,
        "categories": [org.category],
        "special_category": special,
        "criminal_offence": org.category == "criminal",
        "consent_position": consent_position,
        # The sample's reasons fit its own story only: a scenario gives its own, or none.
        "not_sought_reason": None,
        "without_consent_reason": "",
        "lawful_basis": basis,
        "art9_condition": (
            Art9Condition.SCHEDULE1_PARA18_SAFEGUARDING
            if special and consent_position is not ConsentPosition.GIVEN
            else (Art9Condition.HEALTH_OR_SOCIAL_CARE if special else None)
        ),
        "necessity": (
            f"{org.role} at {org.org} needs this to {purpose}; nothing less would do, and only "
            "what is relevant is shared."
        ),
        "checks": {} if urgent else _checks(rng),
        "identities_protected": rng.choice(
            (
                "",
                "The address of the parent who left the household is not shared.",
                "The neighbour who raised the concern is not named.",
                "The name of the staff member who noticed the injury is withheld.",
            )
        ),
        "person_told": None if urgent else True,
        "not_told_reason": "",
        "outcome": outcome,
        "reasons": reasons,
        "shared_at": when,
        "share_method": (
            ShareMethod.PHONE
            if urgent
            else rng.choice((ShareMethod.SECURE_EMAIL, ShareMethod.PORTAL, ShareMethod.MEETING))
        ),
        # Rule 5: an urgent share leaves it to complete later (some are, some are not yet).
        "impact_if_not_shared": "" if urgent else rng.choice(IMPACT_WORDS[outcome]),
        "impact_if_shared": ""
        if urgent
        else rng.choice(("", "The parent may be upset when told; the social worker will explain.")),
    }
    return sample_share(w.person_ids[subject.key], **(drawn | answers))


def _asked_by(
    w: _World, rng: random.Random, subject: _Member, org: _Org, **answers: Any
) -> DecisionInput:
    """A request about the child that came in from someone at `org` (not urgent), with the
    rest of the `answers`; the one draw is the name of who asked."""
    return DecisionInput(
        subject_id=w.person_ids[subject.key],
        urgent=False,
        origin=RequestOrigin.INCOMING_REQUEST,
        recipient_org=org.org,
        recipient_role=org.role,
        recipient_name=rng.choice(STAFF_NAMES),
        recipient_contact=org.contact,
        **answers,
    )


# What could happen if it were not shared (rule 5), by decision: one is picked per record.
IMPACT_WORDS: dict[Outcome, tuple[str, ...]] = {
    Outcome.SHARE: (
        "The worries would stay with us alone and nobody could act on them.",
        "The child's needs would go unmet while the family waits for help.",
        "Brothers and sisters in the same home would stay at the same risk.",
    ),
    Outcome.SHARE_IN_PART: (
        "Holding back the health notes changes nothing for the child's safety: the plan "
        "needs only attendance.",
    ),
    Outcome.DO_NOT_SHARE: (
        "Nothing is lost for the child: the worker already holds what they need.",
        "The child stays safe as before; the request is logged in case it comes again.",
    ),
    Outcome.PENDING_ADVICE: ("",),
}
URGENT_IMPACT = (
    "Had it waited, the child would have gone home tonight to the adult they are afraid of."
)


def _consent_share(
    w: _World, plan: _Plan, fam: _Family, child: _Member, t: datetime, end: datetime
) -> None:
    rng = w.fork()
    info, _, purpose, _ = rng.choice(SCOPES)
    org = rng.choice([o for o in ORGS if o.category != "criminal"])
    recipient = f"{org.role}, {org.org}"
    scope = (info, recipient, purpose, 0)
    if (child.key, scope) in w.relied_scopes:
        return  # one consent story per scope, so a later withdrawal never undercuts another
    w.relied_scopes.add((child.key, scope))
    giver = _giver_for(w, fam, child)
    decision = _DecisionRecord(w, plan, _decider(rng))
    plan.at(t, _consent_step(w, child.key, scope, ConsentStatus.GIVEN, giver, decision.consent))
    t_dec = min(t + timedelta(minutes=rng.randrange(5, 60 * 24 * 5)), end)

    def build() -> DecisionInput:
        d = _base_share(
            w,
            rng,
            child,
            org,
            info=info.capitalize(),
            purpose=purpose,
            basis=rng.choice((LawfulBasis.CONSENT, LawfulBasis.PUBLIC_TASK)),
            consent_position=ConsentPosition.GIVEN,
            reasons=(
                f"Consent given for {info} to go to {recipient}; the share helps with "
                f"{purpose} and is in the child's interests."
            ),
            when=t_dec,
        )
        d.consent_event_id = decision.consent["consent"]
        if d.special_category and rng.random() < 0.5:
            d.art9_condition = Art9Condition.EXPLICIT_CONSENT
        return d

    decision.log(t_dec, build)
    if rng.random() < 0.3:
        t_w = t_dec + timedelta(days=rng.randrange(3, 40))
        if t_w < end:
            plan.at(t_w, _consent_step(w, child.key, scope, ConsentStatus.WITHDRAWN, giver))
    if rng.random() < 0.12:

        def fix(d: DecisionInput) -> None:
            d.recipient_contact = d.recipient_contact.replace("@", ".safeguarding@", 1)

        decision.amend(
            w.cap(t_dec + timedelta(hours=rng.randrange(1, 48))),
            fix,
            "Corrected the recipient's contact: the secure mailbox of the team, "
            "not the general one.",
        )


def _protective_share(
    w: _World, plan: _Plan, fam: _Family, child: _Member, t: datetime, end: datetime
) -> None:
    rng = w.fork()
    org = rng.choice(ORGS[:2] + ORGS[5:6])
    reason = rng.choice((NotSoughtReason.UNSAFE, NotSoughtReason.WOULD_PREJUDICE))
    scope = (
        "concerns about the child's welfare",
        org.org,
        "safeguarding enquiries",
        0,
    )
    decision = _DecisionRecord(w, plan, _decider(rng))
    if rng.random() < 0.6:
        plan.at(
            t,
            _consent_step(
                w, child.key, scope, ConsentStatus.NOT_SOUGHT, None, decision.consent, reason=reason
            ),
        )
    others = _siblings(fam, child) if rng.random() < 0.5 else []
    t_dec = min(t + timedelta(minutes=rng.randrange(5, 120)), end)

    def build() -> DecisionInput:
        return _base_share(
            w,
            rng,
            child,
            org,
            others=others,
            info=rng.choice(
                (
                    "Bruising seen on the child's arm on Monday, the child's account, "
                    "and attendance this term.",
                    "The child's disclosure to the class teacher, written down word for word.",
                    "Repeated missed health appointments and the home visit notes.",
                )
            ),
            purpose="Safeguarding enquiries (Children Act 1989, section 47)",
            basis=rng.choice((LawfulBasis.PUBLIC_TASK, LawfulBasis.LEGAL_OBLIGATION)),
            consent_position=ConsentPosition.NOT_SOUGHT,
            reasons=(
                "There is reasonable cause to suspect significant harm. Seeking consent would "
                "alert the parents and could place the child at greater risk."
            ),
            when=t_dec,
            not_sought_reason=reason,
            without_consent_reason=(
                "Seeking consent could increase the risk to the child; the share is necessary "
                "to protect them (DPA 2018 Schedule 1 paragraph 18)."
            ),
            person_told=False,
            not_told_reason="Telling the parents now could prejudice the enquiries.",
        )

    decision.log(t_dec, build)


def _urgent_share(
    w: _World, plan: _Plan, fam: _Family, child: _Member, t: datetime, end: datetime
) -> None:
    rng = w.fork()
    org = rng.choice(ORGS[:2])
    decision = _DecisionRecord(w, plan, _decider(rng))
    others = _siblings(fam, child) if rng.random() < 0.4 else []
    # Urgent shares happen at any hour.
    t = t + timedelta(hours=rng.choice((0, 0, 5, 11)))
    if t > end:
        t = end - timedelta(hours=1)

    def build() -> DecisionInput:
        return _base_share(
            w,
            rng,
            child,
            org,
            urgent=True,
            others=others,
            info="The child's disclosure this afternoon and the address where they are staying.",
            purpose="Immediate protection of the child",
            basis=rng.choice((LawfulBasis.VITAL_INTERESTS, LawfulBasis.PUBLIC_TASK)),
            consent_position=None,
            reasons="The child said they are afraid to go home tonight; police asked to attend.",
            when=t,
            without_consent_reason="A child is at risk of significant harm tonight.",
        )

    decision.log(t, build)
    if rng.random() < 0.5:

        def complete(d: DecisionInput) -> None:
            d.origin = RequestOrigin.OWN_INITIATIVE
            d.checks = _checks(rng)
            d.person_told = False
            d.not_told_reason = "The parents will be told by the social worker after the visit."
            d.consent_position = ConsentPosition.NOT_SOUGHT
            d.not_sought_reason = NotSoughtReason.UNSAFE
            d.impact_if_not_shared = URGENT_IMPACT
            d.impact_if_shared = "The parents may react angrily; police are aware."

        decision.amend(
            w.cap(t + timedelta(hours=rng.randrange(12, 72))),
            complete,
            "Completed the record after the urgent share.",
        )


def _refused_but_shared(
    w: _World, plan: _Plan, fam: _Family, child: _Member, t: datetime, end: datetime
) -> None:
    rng = w.fork()
    org = rng.choice((ORGS[0], ORGS[5], ORGS[6]))
    scope = ("family circumstances", org.org, "an assessment of the family's needs", 0)
    giver = _giver_for(w, fam, child)
    decision = _DecisionRecord(w, plan, _decider(rng))
    plan.at(t, _consent_step(w, child.key, scope, ConsentStatus.REFUSED, giver, decision.consent))
    t_dec = min(t + timedelta(hours=rng.randrange(2, 72)), end)

    def build() -> DecisionInput:
        return _base_share(
            w,
            rng,
            child,
            org,
            info="Worries raised by the school over the last month and the family's situation.",
            purpose="An assessment of the family's needs",
            basis=LawfulBasis.PUBLIC_TASK,
            consent_position=ConsentPosition.REFUSED,
            reasons=(
                "Consent was refused, but the worries have grown and the risk to the child "
                "now outweighs the refusal."
            ),
            when=t_dec,
            without_consent_reason=(
                "The risk of harm to the child outweighs the parent's refusal; the parent was told."
            ),
        )

    decision.log(t_dec, build)


def _unverified_caller(
    w: _World, plan: _Plan, fam: _Family, child: _Member, t: datetime, end: datetime
) -> None:
    rng = w.fork()
    decision = _DecisionRecord(w, plan, _decider(rng))

    def build() -> DecisionInput:
        return DecisionInput(
            subject_id=w.person_ids[child.key],
            urgent=False,
            origin=RequestOrigin.INCOMING_REQUEST,
            recipient_org=rng.choice(("Caller said: police", "Caller said: a solicitor's firm")),
            recipient_name="(gave no name we could verify)",
            caller_check=CallerCheck.NOT_VERIFIED,
            purpose="Caller asked for the child's address and school timetable",
            outcome=Outcome.DO_NOT_SHARE,
            reasons=(
                "The caller could not be verified and would not give a number to call back on "
                "through the switchboard. Nothing shared; logged in case they call again."
            ),
            impact_if_not_shared=(
                "None for the child: anyone with a real need can ask through the switchboard."
            ),
            impact_if_shared=(
                "The child's address could reach someone looking for them, perhaps the adult "
                "they were moved away from."
            ),
        )

    decision.log(t, build)


def _not_necessary(
    w: _World, plan: _Plan, fam: _Family, child: _Member, t: datetime, end: datetime
) -> None:
    rng = w.fork()
    org = rng.choice((ORGS[7], ORGS[3], ORGS[4]))
    decision = _DecisionRecord(w, plan, _decider(rng))

    def build() -> DecisionInput:
        return _asked_by(
            w,
            rng,
            child,
            org,
            caller_check=CallerCheck.SECURE_EMAIL_DOMAIN,
            purpose="Asked for the child's health records for a housing priority assessment",
            information="Full health history",
            consent_position=ConsentPosition.REFUSED,
            outcome=Outcome.DO_NOT_SHARE,
            reasons=(
                "Not necessary for the purpose: the housing team can rely on the parent's own "
                "evidence. Explained the refusal to the requester."
            ),
            impact_if_not_shared=(
                "The family's housing priority is unaffected: their own evidence is enough."
            ),
        )

    decision.log(t, build)


def _share_in_part(
    w: _World, plan: _Plan, fam: _Family, child: _Member, t: datetime, end: datetime
) -> None:
    rng = w.fork()
    org = rng.choice((ORGS[5], ORGS[7], ORGS[8]))
    decision = _DecisionRecord(w, plan, _decider(rng))

    def build() -> DecisionInput:
        return _base_share(
            w,
            rng,
            child,
            org,
            info="Attendance figures for this term only (not the health notes).",
            purpose="Planning support for the family",
            basis=LawfulBasis.PUBLIC_TASK,
            consent_position=ConsentPosition.NOT_SOUGHT,
            outcome=Outcome.SHARE_IN_PART,
            reasons=(
                "Attendance is relevant to the support plan; the health notes are not needed "
                "and are withheld."
            ),
            when=t,
            special_category=False,
            art9_condition=None,
            not_sought_reason=NotSoughtReason.NOT_REASONABLY_OBTAINABLE,
            without_consent_reason=(
                "The parent could not be reached after three attempts; the share is limited "
                "to attendance and is needed for the plan."
            ),
        )

    decision.log(t, build)
