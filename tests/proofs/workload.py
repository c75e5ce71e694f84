"""Valid inputs and account set-up shared by the proofs and by their child processes.

Everything here goes through the services: the proofs look at the database directly only to
check what was stored (or, in the tamper proof, to play the attacker)."""

from __future__ import annotations

from sqlmodel import Session, select

from sharetui.domain.consent import ConsentInput
from sharetui.domain.decision import DecisionInput
from sharetui.domain.enums import ConsentGiver, ConsentMethod, ConsentStatus
from sharetui.domain.sample_share import sample_share
from sharetui.services.facade import Services
from sharetui.services.unit_of_work import Actor
from sharetui.services.users import _view, actor_for
from sharetui.store.models import User

PASSPHRASE = "correct horse battery staple"


def actor(svc: Services, username: str, terminal: str = "proof") -> Actor:
    """A signed-in actor for a stored account, without paying for a hash check."""
    with Session(svc.store.engine) as s:
        user = s.exec(select(User).where(User.username == username)).one()
        return actor_for(_view(user), terminal)


# The answers that carry the tag: the proofs find a saved record by them.
TAGGED = ("recipient_org", "purpose", "information", "reasons", "impact_if_not_shared")


def share(subject_id: int, tag: str) -> DecisionInput:
    """The sample share; tag makes every saved record recognisable."""
    sample = sample_share(subject_id)
    return sample_share(subject_id, **{name: f"{getattr(sample, name)} {tag}" for name in TAGGED})


def consent(person_id: int, tag: str, status: ConsentStatus = ConsentStatus.GIVEN) -> ConsentInput:
    return ConsentInput(
        person_id=person_id,
        status=status,
        given_by=ConsentGiver.PARENT_WITH_PR,
        method=ConsentMethod.VERBAL,
        told=f"What would be shared, with whom and why {tag}",
        scope_information="Health information",
        scope_recipient="School nurse",
        scope_purpose=f"Care plan {tag}",
    )
