"""The families: people, their links, and their consent history, as steps of the plan."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime, timedelta

from sharetui.demo.world import (
    ADULT_NAMES,
    CHILD_NAMES,
    HISTORY_DAYS,
    SCOPES,
    SURNAMES,
    _between,
    _dob,
    _Family,
    _Member,
    _nhs_number,
    _Plan,
    _working_time,
    _World,
)
from sharetui.domain.consent import ConsentInput
from sharetui.domain.enums import (
    ConsentGiver,
    ConsentMethod,
    ConsentStatus,
    NotSoughtReason,
    Relationship,
)
from sharetui.domain.person import PersonInput


def _families(w: _World, count: int) -> list[_Family]:
    rng, today = w.rng, w.now.date()
    start = w.now - timedelta(days=HISTORY_DAYS)
    families: list[_Family] = []
    for n in range(count):
        surname = rng.choice(SURNAMES)
        adults: list[_Member] = []
        kinship = rng.random() < 0.1
        youngest_parent_age = 19
        if kinship:  # a grandparent brings the children up
            adults.append(
                _adult(rng, f"f{n}a0", surname, today, (52, 74), (Relationship.CARER_WITH_PR,))
            )
        else:
            first = _adult(rng, f"f{n}a0", surname, today, (22, 48), (Relationship.PARENT_WITH_PR,))
            adults.append(first)
            youngest_parent_age = first.age(today)
            if rng.random() < 0.55:
                other = rng.choice(SURNAMES) if rng.random() < 0.35 else surname
                adults.append(
                    _adult(
                        rng,
                        f"f{n}a1",
                        other,
                        today,
                        (22, 55),
                        (Relationship.PARENT_WITH_PR, Relationship.PARENT_WITHOUT_PR),
                        dob_estimated=0.1,
                    )
                )
            if rng.random() < 0.15:
                adults.append(
                    _adult(
                        rng,
                        f"f{n}a2",
                        rng.choice(SURNAMES),
                        today,
                        (20, 50),
                        (Relationship.HOUSEHOLD_MEMBER,),
                        dob_estimated=0.3,
                    )
                )
        max_child_age = min(17, max(youngest_parent_age - 17, 0))
        kids = rng.choices((1, 2, 3, 4), weights=(30, 35, 22, 13))[0]
        children = []
        used: set[str] = set()
        for k in range(kids):
            name = rng.choice(CHILD_NAMES)
            while name in used:
                name = rng.choice(CHILD_NAMES)
            used.add(name)
            children.append(
                _Member(
                    f"f{n}c{k}",
                    surname if rng.random() < 0.85 else adults[-1].family_name,
                    name,
                    _dob(rng, today, 0, max_child_age),
                    rng.random() < 0.05,
                    False,
                )
            )
        for m in adults + children:
            if rng.random() < 0.65:
                m.nhs = _nhs_number(rng)
        offset = rng.randrange(0, HISTORY_DAYS - 10)
        contact_day = (start + timedelta(days=offset)).date()
        families.append(_Family(f"f{n}", adults, children, _working_time(rng, w.tz, contact_day)))
    return families


def _adult(
    rng: random.Random,
    key: str,
    surname: str,
    today: date,
    ages: tuple[int, int],
    relationships: tuple[Relationship, ...],
    *,
    dob_estimated: float = 0.0,
) -> _Member:
    """An adult of the household: a given name, a date of birth between `ages` years back
    (only estimated, by the chance `dob_estimated`), and what they are to the children, one
    of `relationships`. Drawn from `rng` in that order, and only where there is a choice, so
    every family of a seed stays as it was."""
    given = rng.choice(ADULT_NAMES)
    dob = _dob(rng, today, *ages)
    estimated = dob_estimated > 0 and rng.random() < dob_estimated
    relationship = relationships[0] if len(relationships) == 1 else rng.choice(relationships)
    return _Member(key, surname, given, dob, estimated, True, relationship=relationship)


def _plan_family(w: _World, plan: _Plan, fam: _Family) -> None:
    t = fam.first_contact
    for i, m in enumerate(fam.adults + fam.children):
        plan.at(t + timedelta(seconds=20 * i), _create_person_step(w, m))
    t_links = t + timedelta(minutes=10)
    for adult in fam.adults:
        for child in fam.children:
            assert adult.relationship is not None
            plan.at(t_links, _link_step(w, adult.key, child.key, adult.relationship))
    for i, a in enumerate(fam.children):
        for b in fam.children[i + 1 :]:
            plan.at(t_links, _link_step(w, a.key, b.key, Relationship.SIBLING))


def _create_person_step(w: _World, m: _Member) -> Callable[[], None]:
    ref = f"DEMO-{w.next_ref:05d}"
    w.next_ref += 1
    notes = ""
    if not m.adult and w.rng.random() < 0.3:
        notes = w.rng.choice(
            (
                "Attends breakfast club most days.",
                "Known to the school nursing team for asthma.",
                "Young carer for a parent.",
                "Moved into the area this term; previous school records requested.",
            )
        )
    person = PersonInput(
        family_name=m.family_name,
        given_names=m.given_names,
        date_of_birth=m.dob,
        dob_estimated=m.estimated,
        reference=ref,
        nhs_number=m.nhs,
        notes=notes,
    )

    creator = "priya" if w.rng.random() < 0.7 else "sam"

    def step() -> None:
        actor = w.actors[creator]
        created = w.svc.people.create(actor, person, confirm_not_duplicate=True)
        w.person_ids[m.key] = created.id
        w.bump("people")

    return step


def _link_step(w: _World, from_key: str, to_key: str, rel: Relationship) -> Callable[[], None]:
    def step() -> None:
        w.svc.people.link(w.actors["priya"], w.person_ids[from_key], w.person_ids[to_key], rel)
        w.bump("links")

    return step


def _plan_linked_families(w: _World, plan: _Plan, families: list[_Family]) -> None:
    """Some households are related: half-siblings and aunts or uncles across families."""
    rng = w.rng
    for fam in families:
        if rng.random() >= 0.18 or len(families) < 2:
            continue
        other = rng.choice([f for f in families if f is not fam])
        when = max(fam.first_contact, other.first_contact) + timedelta(hours=2)
        a = rng.choice(fam.children)
        if rng.random() < 0.5:
            b = rng.choice(other.children)
            rel = Relationship.SIBLING
        else:
            b = rng.choice(other.adults)
            rel = Relationship.OTHER_RELATIVE
        plan.at(when, _link_step(w, b.key, a.key, rel))


# -- consent --------------------------------------------------------------------------------
def _consent_step(
    w: _World,
    person_key: str,
    scope: tuple[str, str, str, int],
    status: ConsentStatus,
    giver: _Member | None,
    box: dict[str, int] | None = None,
    *,
    reason: NotSoughtReason | None = None,
    recorder: str = "priya",
) -> Callable[[], None]:
    info, recipient, purpose, _ = scope
    subject_is_giver = giver is not None and giver.key == person_key
    method: ConsentMethod | None = w.rng.choice(
        (ConsentMethod.VERBAL, ConsentMethod.WRITTEN, ConsentMethod.ELECTRONIC)
    )
    given_by: ConsentGiver | None = ConsentGiver.PARENT_WITH_PR
    if status is ConsentStatus.NOT_SOUGHT:
        given_by = method = None
    elif subject_is_giver:
        given_by = ConsentGiver.PERSON if giver and giver.adult else ConsentGiver.COMPETENT_CHILD

    def step() -> None:
        told = ""
        if status is ConsentStatus.GIVEN:
            told = (
                f"Explained that {info} would go to {recipient} for {purpose}, what it "
                "would be used for, and that consent can be withdrawn at any time."
            )
        view = w.svc.consent.record(
            w.actors[recorder],
            ConsentInput(
                person_id=w.person_ids[person_key],
                status=status,
                not_sought_reason=reason,
                given_by=given_by,
                given_by_name=giver.full_name if giver and given_by else "",
                method=method,
                told=told,
                scope_information=info,
                scope_recipient=recipient,
                scope_purpose=purpose,
            ),
        )
        if box is not None:
            box["consent"] = view.id
        w.bump("consent_events")

    return step


def _giver_for(w: _World, fam: _Family, child: _Member) -> _Member:
    self_consent = w.rng.random() < 0.5
    holders = [a for a in fam.adults if a.relationship in _PR]
    parent = w.rng.choice(holders or fam.adults)
    return child if self_consent and child.age(w.now.date()) >= 13 else parent


_PR = (Relationship.PARENT_WITH_PR, Relationship.CARER_WITH_PR)


def _plan_consent_history(
    w: _World, plan: _Plan, fam: _Family, child: _Member, start: datetime, end: datetime
) -> None:
    """Histories a practitioner meets: given, refused, withdrawn, given again, not sought."""
    rng = w.rng
    for scope in rng.sample(SCOPES, k=rng.choices((0, 1, 2), weights=(35, 45, 20))[0]):
        pattern = rng.choices(
            ("given", "given_withdrawn", "refused", "not_sought", "given_withdrawn_given"),
            weights=(35, 20, 20, 10, 15),
        )[0]
        giver = _giver_for(w, fam, child)
        times = sorted(_between(rng, start, end) for _ in range(3))
        if pattern == "not_sought":
            reason = rng.choice(list(NotSoughtReason))
            plan.at(
                times[0],
                _consent_step(w, child.key, scope, ConsentStatus.NOT_SOUGHT, None, reason=reason),
            )
            continue
        first = ConsentStatus.REFUSED if pattern == "refused" else ConsentStatus.GIVEN
        plan.at(times[0], _consent_step(w, child.key, scope, first, giver))
        if pattern.startswith("given_withdrawn"):
            plan.at(times[1], _consent_step(w, child.key, scope, ConsentStatus.WITHDRAWN, giver))
        if pattern == "given_withdrawn_given":
            plan.at(times[2], _consent_step(w, child.key, scope, ConsentStatus.GIVEN, giver))
