"""Small builders shared by the service tests: valid inputs and direct reads of the store
(reads only: tests look at what was stored, they never write around the services)."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from sharetui.domain.consent import ConsentInput
from sharetui.domain.decision import DecisionInput
from sharetui.domain.enums import (
    ConsentGiver,
    ConsentMethod,
    ConsentStatus,
    Outcome,
)
from sharetui.domain.person import PersonInput
from sharetui.domain.sample_share import sample_share
from sharetui.services.facade import Services
from sharetui.services.unit_of_work import Actor
from sharetui.services.views import PersonSummary
from sharetui.store.models import AuditEvent

_refs = itertools.count(1)


def person(
    svc: Services,
    actor: Actor,
    family: str = "Smith",
    given: str = "Jane",
    dob: date | None = date(2016, 3, 4),
    **extra: object,
) -> PersonSummary:
    """A person with a unique reference, so tests never trip the duplicate check by accident."""
    extra.setdefault("reference", f"T{next(_refs):06d}")
    return svc.people.create(
        actor,
        PersonInput(family_name=family, given_names=given, date_of_birth=dob, **extra),  # type: ignore[arg-type]
        confirm_not_duplicate=True,
    )


def share(subject_id: int, **changes: object) -> DecisionInput:
    """A complete share without consent (not sought: would prejudice the protection)."""
    return sample_share(subject_id, **changes)


NO_SHARE_IMPACT = "Nothing changes for the child: social care already hold it"


def no_share(
    subject_id: int,
    reasons: str = "Not needed: already known to social care",
    impact: str = NO_SHARE_IMPACT,
) -> DecisionInput:
    """A decision not to share, with its reasons and what could happen because it is not
    shared (rule 5)."""
    return DecisionInput(
        subject_id=subject_id,
        urgent=False,
        outcome=Outcome.DO_NOT_SHARE,
        reasons=reasons,
        impact_if_not_shared=impact,
    )


def consent(
    person_id: int, status: ConsentStatus = ConsentStatus.GIVEN, **changes: object
) -> ConsentInput:
    c = ConsentInput(
        person_id=person_id,
        status=status,
        given_by=ConsentGiver.PARENT_WITH_PR,
        method=ConsentMethod.VERBAL,
        told="What would be shared, with whom and why",
        scope_information="Health information",
        scope_recipient="School nurse",
        scope_purpose="Care plan",
    )
    return replace(c, **changes)


def count(svc: Services, model: type) -> int:
    with svc.store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(model.__table__)).scalar_one()  # type: ignore[attr-defined]


def audit_actions(svc: Services, after_id: int = 0) -> list[tuple[str, str, str]]:
    """(action, entity_type, entity_id) of every audit event after after_id, oldest first."""
    t = AuditEvent.__table__
    with svc.store.engine.connect() as conn:
        rows = conn.execute(
            select(t.c.action, t.c.entity_type, t.c.entity_id)
            .where(t.c.id > after_id)
            .order_by(t.c.id)
        ).all()
    return [tuple(r) for r in rows]  # type: ignore[misc]


def last_audit_id(svc: Services) -> int:
    t = AuditEvent.__table__
    with svc.store.engine.connect() as conn:
        return conn.execute(select(func.coalesce(func.max(t.c.id), 0))).scalar_one()


def insert_as_written(conn: Any, table: str, rows: list[dict[str, Any]]) -> None:
    """Insert rows naming only the columns given: what an older app wrote, into a database
    at an older schema (the current models would name columns that did not exist yet)."""
    import sqlalchemy as sa
    from sqlmodel import SQLModel

    import sharetui.store.models  # noqa: F401 - the tables, for the columns' types (JSON)

    current = SQLModel.metadata.tables[table]
    columns = [sa.Column(name, current.c[name].type) for name in rows[0]]
    conn.execute(sa.Table(table, sa.MetaData(), *columns).insert(), rows)


def transfer(subject_id: int, org_id: int, org: str, moved_on: date, **changes: object):
    """A child protection file transfer to a register entry (KCSIE), sent the day after the
    move unless shared_at says otherwise."""
    from sharetui.domain.after_share import DecisionKind

    values: dict[str, object] = {
        "kind": DecisionKind.CP_TRANSFER,
        "recipient_org_id": org_id,
        "recipient_org": org,
        "purpose": "Child protection file transfer",
        "information": "The child protection file",
        "consent_position": None,
        "not_sought_reason": None,
        "without_consent_reason": "",
        "checks": {},
        "person_told": None,
        "not_told_reason": "",
        "transfer_reason": "Family moved house",
        "moved_on": moved_on,
        "pupil_file_separate": True,
        "shared_at": datetime.combine(moved_on + timedelta(days=1), datetime.min.time(), UTC)
        + timedelta(hours=10),
    }
    values.update(changes)
    return share(subject_id, **values)
