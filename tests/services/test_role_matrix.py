"""Every cell of the role matrix, through real service calls on both databases.

Each action is tried by a practitioner, a supervisor (with the DSL advice role) and an
administrator: the allowed ones must succeed, the others must raise NotAllowed with the
matrix's own words, and leave nothing behind."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from sharetui.domain.decision import DecisionInput
from sharetui.domain.errors import NotAllowed
from sharetui.domain.permissions import DENIED, Permission
from sharetui.services import audit
from sharetui.services.agreements import AgreementInput
from sharetui.services.facade import Services
from sharetui.services.unit_of_work import Actor
from tests.services.helpers import consent, last_audit_id, no_share, person

PRACTITIONER, SUPERVISOR, ADMIN = "practitioner", "supervisor", "admin"
NEW_PASSPHRASE = "a brand new passphrase"


class Ctx:
    """A person, a decision by pat and an advice request for the DSL, made by pat."""

    def __init__(self, svc: Services, actors: Any) -> None:
        self.svc = svc
        self.actors = actors
        self.person = person(svc, actors.pat)
        self.decision = svc.decisions.log(actors.pat, no_share(self.person.id))
        self.advice = svc.advice.raise_request(
            actors.pat,
            question="Should I share?",
            advice_role="dsl",
            urgency="routine",
            person_id=self.person.id,
        )


def _amend_own(c: Ctx, a: Actor) -> object:
    mine = c.svc.decisions.log(a, no_share(c.person.id)) if a.role != ADMIN else c.decision
    return c.svc.decisions.amend(a, mine.id, no_share(c.person.id, "Corrected"), "typo")


ACTIONS: dict[str, tuple[Permission, Callable[[Ctx, Actor], object]]] = {
    "find people": (Permission.WORK_WITH_PEOPLE, lambda c, a: c.svc.people.find(a, "smith")),
    "view a person": (Permission.WORK_WITH_PEOPLE, lambda c, a: c.svc.people.open(a, c.person.id)),
    "create a person": (
        Permission.WORK_WITH_PEOPLE,
        lambda c, a: person(c.svc, a, "Other", "Person"),
    ),
    "see a timeline": (
        Permission.WORK_WITH_PEOPLE,
        lambda c, a: c.svc.people.timeline(a, c.person.id),
    ),
    "record consent": (
        Permission.WORK_WITH_PEOPLE,
        lambda c, a: c.svc.consent.record(a, consent(c.person.id)),
    ),
    "see consent": (
        Permission.WORK_WITH_PEOPLE,
        lambda c, a: c.svc.consent.current(a, c.person.id),
    ),
    "log a decision": (
        Permission.WORK_WITH_PEOPLE,
        lambda c, a: c.svc.decisions.log(a, no_share(c.person.id)),
    ),
    "amend own decision": (Permission.WORK_WITH_PEOPLE, _amend_own),
    "list decisions": (
        Permission.WORK_WITH_PEOPLE,
        lambda c, a: c.svc.decisions.for_person(a, c.person.id),
    ),
    "raise advice": (
        Permission.WORK_WITH_PEOPLE,
        lambda c, a: c.svc.advice.raise_request(
            a, question="May I?", advice_role="dsl", urgency="today"
        ),
    ),
    "see the advice queue": (Permission.ADVISE, lambda c, a: c.svc.advice.queue(a)),
    "count the advice queue": (Permission.ADVISE, lambda c, a: c.svc.advice.counts(a)),
    "claim advice": (Permission.ADVISE, lambda c, a: c.svc.advice.claim(a, c.advice.id)),
    "reveal an anonymised person": (
        Permission.ADVISE,
        lambda c, a: c.svc.advice.reveal(a, c.advice.id, "to ring the school"),
    ),
    "see who viewed a record": (
        Permission.OVERSEE,
        lambda c, a: audit.viewed_by(c.svc.store, a, c.person.id),
    ),
    "list users": (Permission.ADMINISTER, lambda c, a: c.svc.users.list(a)),
    "create a user": (
        Permission.ADMINISTER,
        lambda c, a: c.svc.users.create(
            a, f"new_{a.username}", "Robin Example", "practitioner", [], NEW_PASSPHRASE
        ),
    ),
    "disable a user": (
        Permission.ADMINISTER,
        lambda c, a: c.svc.users.set_active(a, "pip", False),
    ),
    "set a passphrase": (
        Permission.ADMINISTER,
        lambda c, a: c.svc.users.set_passphrase(a, "pip", NEW_PASSPHRASE),
    ),
    "set roles": (
        Permission.ADMINISTER,
        lambda c, a: c.svc.users.set_roles(a, "pip", "supervisor", ["dsl"]),
    ),
    "verify the audit trail": (
        Permission.ADMINISTER,
        lambda c, a: audit.verify_as(c.svc.store, a),
    ),
    "keep the register": (
        Permission.OVERSEE,
        lambda c, a: c.svc.register.add_org(a, f"Setting of {a.username}", "school"),
    ),
    "see the agreements": (Permission.OVERSEE, lambda c, a: c.svc.agreements.all(a)),
    "see the term dates": (Permission.OVERSEE, lambda c, a: c.svc.calendar.terms(a)),
    "see the transfers": (
        Permission.WORK_WITH_PEOPLE,
        lambda c, a: c.svc.receipts.transfer_list(a),
    ),
    "see the files received": (
        Permission.WORK_WITH_PEOPLE,
        lambda c, a: c.svc.transfers.incoming(a),
    ),
}

EXPECTED = {
    Permission.WORK_WITH_PEOPLE: {PRACTITIONER, SUPERVISOR},
    Permission.ADVISE: {SUPERVISOR},
    Permission.OVERSEE: {SUPERVISOR, ADMIN},
    Permission.ADMINISTER: {ADMIN},
}


@pytest.mark.parametrize("permission", list(Permission))
def test_role_matrix(svc, actors, permission):
    """Each action of one row of the matrix, by each role, in turn."""
    ctx = Ctx(svc, actors)
    actions = [(name, call) for name, (perm, call) in ACTIONS.items() if perm is permission]
    assert actions
    for name, call in actions:
        for actor in (actors.pat, actors.sam, actors.ada):
            if actor.role in EXPECTED[permission]:
                call(ctx, actor)  # allowed: must simply work
                continue
            before = last_audit_id(svc)
            with pytest.raises(NotAllowed) as err:
                call(ctx, actor)
            assert err.value.message == DENIED[permission], (name, actor.role)
            assert last_audit_id(svc) == before, (name, actor.role)


def test_denial_comes_before_validation(svc, actors):
    """A refused caller learns nothing about the data: the role is checked first."""
    for call in (
        lambda: svc.users.set_passphrase(actors.pat, "nobody", "short"),
        lambda: svc.users.set_roles(actors.sam, "nobody", "wizard", ["x"]),
        lambda: svc.users.create(actors.pat, "", "", "x", [], ""),
        lambda: svc.people.open(actors.ada, 999_999),
        lambda: svc.advice.claim(actors.pat, 999_999),
        lambda: svc.decisions.amend(actors.ada, 999_999, no_share(1), ""),
        lambda: svc.register.update_contact(actors.pat, 999_999, role="", name="", contact=""),
        lambda: svc.agreements.update(actors.pat, 999_999, AgreementInput()),
        lambda: svc.transfers.start(actors.ada, DecisionInput()),
        lambda: svc.transfers.confirm_back(actors.ada, 999_999, None),
    ):
        with pytest.raises(NotAllowed):
            call()


def test_supervisor_only_acts_for_own_advice_roles(svc, actors):
    p = person(svc, actors.pat)
    item = svc.advice.raise_request(
        actors.pat, question="Caldicott?", advice_role="caldicott", urgency="today", person_id=p.id
    )
    with pytest.raises(NotAllowed, match="another advice role"):
        svc.advice.claim(actors.sue, item.id)  # sue is DSL only
    with pytest.raises(NotAllowed):
        svc.advice.get(actors.sue, item.id)
    with pytest.raises(NotAllowed):
        svc.advice.get(actors.pip, item.id)  # another practitioner
    assert svc.advice.claim(actors.sam, item.id).claimed_by == "Sam Supervisor"
