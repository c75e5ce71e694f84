"""Valid inputs and account set-up shared by the proofs and by their child processes.

Everything here goes through the services: the proofs look at the database directly only to
check what was stored (or, in the tamper proof, to play the attacker)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from sharetui.domain.consent import ConsentInput
from sharetui.domain.decision import DecisionInput, QualityCheck
from sharetui.domain.enums import (
    ConsentGiver,
    ConsentMethod,
    ConsentPosition,
    ConsentStatus,
    LawfulBasis,
    NotSoughtReason,
    Outcome,
    Quality,
    RequestOrigin,
    ShareMethod,
)
from sharetui.services.facade import Services
from sharetui.services.store import Actor
from sharetui.services.users import _view, actor_for
from sharetui.store.models import User

PASSPHRASE = "correct horse battery staple"


def actor(svc: Services, username: str, terminal: str = "proof") -> Actor:
    """A signed-in actor for a stored account, without paying for a hash check."""
    with Session(svc.store.engine) as s:
        user = s.exec(select(User).where(User.username == username)).one()
        return actor_for(_view(user), terminal)


def share(subject_id: int, tag: str) -> DecisionInput:
    """A complete share without consent; tag makes every saved record recognisable."""
    return DecisionInput(
        subject_id=subject_id,
        urgent=False,
        origin=RequestOrigin.OWN_INITIATIVE,
        recipient_org=f"Children's social care {tag}",
        purpose=f"Referral {tag}",
        information=f"Disclosure made in class {tag}",
        special_category=False,
        criminal_offence=False,
        consent_position=ConsentPosition.NOT_SOUGHT,
        not_sought_reason=NotSoughtReason.WOULD_PREJUDICE,
        without_consent_reason="Asking would alert the adult suspected of harm",
        lawful_basis=LawfulBasis.PUBLIC_TASK,
        checks={q.value: QualityCheck(True) for q in Quality},
        person_told=False,
        not_told_reason="Telling would put the child at risk",
        outcome=Outcome.SHARE,
        reasons=f"Risk of significant harm {tag}",
        shared_at=datetime.now(UTC) - timedelta(minutes=10),
        share_method=ShareMethod.SECURE_EMAIL,
        impact_if_not_shared=f"Social care could not act {tag}",
    )


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
