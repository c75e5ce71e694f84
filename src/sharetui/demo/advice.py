"""Advice: requests pending, claimed, advised and closed, with the turnaround of each role;
who viewed what; and the drafts a practitioner left unfinished."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta

from sharetui.demo.decision_steps import _decider, _DecisionRecord
from sharetui.demo.decisions import _asked_by, _base_share
from sharetui.demo.world import (
    FAMILIES,
    HISTORY_DAYS,
    ORGS,
    _between,
    _Family,
    _Member,
    _Plan,
    _World,
)
from sharetui.domain.decision import DecisionInput
from sharetui.domain.enums import (
    AdviceRole,
    ConsentPosition,
    LawfulBasis,
    NotSoughtReason,
    Outcome,
    RequestOrigin,
    Urgency,
)
from sharetui.services.unit_of_work import Actor


def _pending_advice(
    w: _World, plan: _Plan, fam: _Family, child: _Member, t: datetime, end: datetime
) -> None:
    rng = w.fork()
    decision = _DecisionRecord(w, plan, _decider(rng))
    org = rng.choice(ORGS)
    role = rng.choice((AdviceRole.CALDICOTT, AdviceRole.DSL, AdviceRole.INFORMATION_GOVERNANCE))

    def build() -> DecisionInput:
        return _asked_by(
            w,
            rng,
            child,
            org,
            purpose="They asked for the child's recent health and attendance information",
            outcome=Outcome.PENDING_ADVICE,
            reasons=f"Unsure whether this can be shared without consent; asked the {role.label}.",
        )

    decision.log(t, build)
    question = (
        f"{org.org} asked for health and attendance information. The parent has not been "
        "asked. Can we share without consent, and how much?"
    )
    still_open = rng.choice(("pending", "claimed"))
    final = still_open if (w.now - t) < timedelta(days=2) else "closed"

    def after_close(t_close: datetime) -> None:
        outcome = rng.choice((Outcome.SHARE, Outcome.DO_NOT_SHARE))

        def change(d: DecisionInput) -> None:
            filled = _base_share(
                w,
                rng,
                child,
                org,
                info="Attendance this term and the school nurse's summary.",
                purpose="Support for the child's health needs",
                basis=LawfulBasis.PUBLIC_TASK,
                consent_position=ConsentPosition.NOT_SOUGHT,
                outcome=outcome,
                reasons=(
                    "Following advice: the share is necessary and proportionate."
                    if outcome is Outcome.SHARE
                    else "Following advice: ask the parent first; nothing shared yet."
                ),
                when=t_close,
            )
            for name in (
                "information",
                "purpose",
                "outcome",
                "reasons",
                "lawful_basis",
                "impact_if_not_shared",
                "impact_if_shared",
            ):
                setattr(d, name, getattr(filled, name))
            if outcome is Outcome.SHARE:
                for name in (
                    "categories",
                    "special_category",
                    "art9_condition",
                    "necessity",
                    "checks",
                    "person_told",
                    "shared_at",
                    "share_method",
                    "caller_check",
                    "consent_position",
                ):
                    setattr(d, name, getattr(filled, name))
                d.not_sought_reason = NotSoughtReason.WOULD_PREJUDICE
                d.without_consent_reason = "Advised that asking first would delay help."

        decision.amend(
            w.cap(t_close + timedelta(minutes=15)),
            change,
            f"Advice received from the {role.label}.",
        )

    _plan_advice(
        w,
        plan,
        raiser=decision.decider,
        person_key=child.key,
        t_raise=t + timedelta(minutes=2),
        role=role,
        urgency=rng.choice((Urgency.TODAY, Urgency.ROUTINE)),
        final=final,
        question=question,
        decision=decision,
        on_closed=after_close,
    )


# -- advice ---------------------------------------------------------------------------------
_TURNAROUND = {
    Urgency.URGENT: ((10, 50), (70, 180)),
    Urgency.TODAY: ((30, 300), (400, 1500)),
    Urgency.ROUTINE: ((120, 2880), (5000, 9000)),
}


# The advice a supervisor gives: one is picked per item.
_ADVICE = (
    "Share only what is needed for the purpose; public task is the basis. "
    "Record why you did not seek consent.",
    "Do not share yet: speak to the parent first unless that would put the child at risk.",
    "Refer to children's social care today and tell the parent unless unsafe.",
    "Health information is special category: rely on Schedule 1 paragraph 18 "
    "and share the school nurse's summary only.",
)


def _adviser(rng: random.Random, role: AdviceRole) -> str:
    if role is AdviceRole.DSL:
        return rng.choice(("sam", "dee"))
    return "sam"


def _plan_advice(
    w: _World,
    plan: _Plan,
    *,
    raiser: str,
    person_key: str | None,
    t_raise: datetime,
    role: AdviceRole,
    urgency: Urgency,
    final: str,
    question: str,
    anonymised: bool = False,
    decision: _DecisionRecord | None = None,
    on_closed: Callable[[datetime], None] | None = None,
) -> None:
    """Raise an advice item and take it as far as `final`: pending, claimed, advised, closed."""
    rng = w.fork()
    handle: dict[str, int] = {}
    adviser = _adviser(rng, role)
    if raiser == adviser:
        raiser = "priya"

    def raise_step() -> None:
        view = w.svc.advice.raise_request(
            w.actors[raiser],
            question=question,
            advice_role=role.value,
            urgency=urgency.value,
            person_id=w.person_ids[person_key] if person_key else None,
            anonymised=anonymised,
            decision_id=(decision.view.id if decision and decision.view else None),
        )
        handle["id"] = view.id
        w.advice_status[f"{view.id}"] = "pending"
        w.bump("advice")

    plan.at(t_raise, raise_step)
    if final == "pending":
        return
    fast, slow = _TURNAROUND[urgency]
    lo, hi = fast if rng.random() < 0.8 else slow
    to_advice = timedelta(minutes=rng.randrange(lo, hi))
    minute = timedelta(minutes=1)
    cap = w.now - 2 * minute
    # Each step strictly after the one before, and none in the future.
    t_claim = t_raise + to_advice * rng.uniform(0.1, 0.5)
    t_claim = min(max(t_claim, t_raise + 5 * minute), cap - 2 * minute)
    t_advise = min(max(t_raise + to_advice, t_claim + minute), cap - minute)
    t_close = min(max(t_advise + minute * rng.randrange(10, 600), t_advise + minute), cap)
    released = role is AdviceRole.DSL and rng.random() < 0.25

    def claim_by(who: str) -> Callable[[], None]:
        def step() -> None:
            w.svc.advice.claim(w.actors[who], handle["id"])
            w.advice_status[f"{handle['id']}"] = "claimed"

        return step

    if released:
        other = "dee" if adviser == "sam" else "sam"
        plan.at(t_claim - timedelta(minutes=3), claim_by(other))

        def release() -> None:
            w.svc.advice.release(w.actors[other], handle["id"])

        plan.at(t_claim - timedelta(minutes=2), release)
    plan.at(t_claim, claim_by(adviser))
    if anonymised and rng.random() < 0.5:

        def reveal() -> None:
            w.svc.advice.reveal(
                w.actors[adviser],
                handle["id"],
                "Need to check whether the family is already known to social care.",
            )

        plan.at(t_claim + timedelta(seconds=30), reveal)
    if final == "claimed":
        return

    def moved_to(
        status: str, move: Callable[[Actor, int, str], object], who: str, words: str
    ) -> Callable[[], None]:
        """The step in which `who` makes `move` (advise, close) on the item with `words`,
        which leaves it at `status`."""

        def step() -> None:
            move(w.actors[who], handle["id"], words)
            w.advice_status[f"{handle['id']}"] = status

        return step

    advice = rng.choice(_ADVICE)
    plan.at(t_advise, moved_to("advised", w.svc.advice.advise, adviser, advice))
    if final == "advised":
        return
    outcome = "Advice followed; the decision record was updated."
    plan.at(t_close, moved_to("closed", w.svc.advice.close, raiser, outcome))
    if on_closed is not None:
        on_closed(t_close)


def _plan_standalone_advice(w: _World, plan: _Plan, families: list[_Family]) -> None:
    """Advice items in every state, some anonymised, some recent enough to be in the queue."""
    rng = w.rng
    questions = (
        "Mum has asked us not to tell the father anything. He has parental responsibility and "
        "is asking for school reports. What can we share?",
        "The child told a teaching assistant about arguments at home but asked us not to tell "
        "anyone. Is this a referral?",
        "A health visitor asked for attendance dates for the last year. Is that proportionate?",
        "The family has moved out of area. Should we send the records to the new school now?",
        "Grandparent caring informally wants the child's medical information. Can we share?",
    )
    scale = min(1.0, len(families) / FAMILIES)  # a smaller demo has a shorter queue
    states = [
        state
        for state, count in (("pending", 7), ("claimed", 5), ("advised", 6), ("closed", 26))
        for _ in range(max(1, round(count * scale)))
    ]
    for i, final in enumerate(states):
        fam = rng.choice(families)
        child = rng.choice(fam.children)
        urgency = rng.choices(list(Urgency), weights=(25, 35, 40))[0]
        role = rng.choice(list(AdviceRole))
        if final in ("pending", "claimed"):
            back = timedelta(hours=rng.uniform(0.2, 30 if final == "pending" else 8))
        elif final == "advised":
            back = timedelta(hours=rng.uniform(4, 60))
        else:
            back = timedelta(days=rng.uniform(3, HISTORY_DAYS - 5))
        t = max(w.now - back, fam.first_contact + timedelta(hours=1))
        if final != "closed" and t > w.now - timedelta(minutes=10):
            t = w.now - timedelta(minutes=10)
        named = i % 9 != 0
        _plan_advice(
            w,
            plan,
            raiser=rng.choice(("priya", "priya", "sam", "dee")),
            person_key=child.key if named else None,
            t_raise=t,
            role=role,
            urgency=urgency,
            final=final,
            question=rng.choice(questions)
            if named
            else "General question: can we share attendance data with the housing team "
            "without consent when a family is about to be evicted?",
            anonymised=named and rng.random() < 0.3,
        )


def _plan_views(w: _World, plan: _Plan, families: list[_Family]) -> None:
    """Staff opening records, so 'who viewed this' has something to show."""
    rng = w.rng
    for fam in families:
        for child in fam.children:
            for _ in range(rng.choices((0, 1, 2), weights=(60, 30, 10))[0]):
                who = rng.choice(("priya", "sam", "dee"))
                t = _between(rng, fam.first_contact + timedelta(hours=1), w.now)

                def view(who: str = who, key: str = child.key) -> None:
                    w.svc.people.open(w.actors[who], w.person_ids[key])
                    w.bump("views")

                plan.at(t, view)


def _plan_drafts(w: _World, plan: _Plan, families: list[_Family]) -> None:
    """Two unfinished decisions, as a practitioner leaves them when called away."""
    rng = w.rng
    for fam in rng.sample(families, k=min(2, len(families))):
        child = fam.children[0]
        t = w.now - timedelta(hours=rng.uniform(1, 20))

        def save(key: str = child.key) -> None:
            payload = DecisionInput(
                subject_id=w.person_ids[key],
                urgent=False,
                origin=RequestOrigin.INCOMING_REQUEST,
                recipient_org="Northfield Early Help",
                purpose="Family support plan review",
            ).to_dict()
            w.svc.drafts.save(
                w.actors["priya"],
                kind="decision",
                payload=payload,
                page="recipient",
                title="Decision (unfinished)",
            )
            w.bump("drafts")

        plan.at(t, save)
