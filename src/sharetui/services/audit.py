"""The audit trail: append-only, hash-chained, one unbroken line across terminals.

Appends lock the single head row (SELECT ... FOR UPDATE on PostgreSQL; SQLite writes are
already serialised by BEGIN IMMEDIATE), so ids are contiguous and each row's prev_hash is the
hash of the row before it. verify() recomputes every hash and names the first broken event.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import DateTime, String, type_coerce
from sqlalchemy import insert as sa_insert
from sqlalchemy import select as sa_select
from sqlalchemy import update as sa_update
from sqlmodel import Session, func, select

from sharetui.domain.enums import Role
from sharetui.domain.errors import NotAllowed
from sharetui.domain.permissions import DENIED, Permission, allowed
from sharetui.services.store import Actor, Store
from sharetui.store.engine import is_sqlite
from sharetui.store.models import AuditEvent, AuditHead, User
from sharetui.store.types import utcnow

GENESIS = "0" * 64
_EVENTS = AuditEvent.__table__
_HEAD = AuditHead.__table__


def require(actor: Actor, permission: Permission) -> None:
    """Enforce the role matrix; the message says who may do it."""
    if not allowed(Role(actor.role), permission):
        raise NotAllowed(DENIED[permission])


def _canonical_time(at: datetime) -> str:
    """'YYYY-MM-DD HH:MM:SS.ffffff' of the wall time, zone dropped. isoformat's first 26
    characters are exactly that and cost a third of strftime, which matters to verify()."""
    if at.year < 1000:  # strftime does not pad such years; keep their hashes as they were
        return at.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
    return at.isoformat(" ", "microseconds")[:26]


# One encoder for every hash: json.dumps with options builds a new encoder per call.
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def event_hash(
    prev_hash: str,
    event_id: int,
    at: datetime,
    user_id: int | None,
    username: str,
    terminal: str,
    action: str,
    entity_type: str,
    entity_id: str,
    summary: str,
) -> str:
    return _digest(
        prev_hash,
        [
            event_id,
            _canonical_time(at),
            user_id,
            username,
            terminal,
            action,
            entity_type,
            entity_id,
            summary,
        ],
    )


def _digest(prev_hash: str, fields: list[object]) -> str:
    """The hash of one event: its fields (time already canonical) after the previous hash."""
    return hashlib.sha256((prev_hash + _encode(fields)).encode("utf-8")).hexdigest()


def append(
    session: Session,
    actor: Actor | None,
    action: str,
    entity_type: str = "",
    entity_id: object = "",
    summary: str = "",
    *,
    username: str = "",
    terminal: str = "",
) -> None:
    """Add one event to the chain inside the caller's transaction. Summaries hold no
    personal details: ids and actions only. Core statements, not ORM objects: this runs
    inside every write transaction, and the head row is locked until commit."""
    last_id, last_hash = session.execute(
        sa_select(_HEAD.c.last_event_id, _HEAD.c.last_hash).where(_HEAD.c.id == 1).with_for_update()
    ).one()
    at = utcnow()
    event_id = last_id + 1
    prev = last_hash or GENESIS
    user_id = actor.user_id if actor else None
    name = actor.username if actor else username
    term = ((actor.terminal if actor else terminal) or terminal)[:100]
    ent_id = "" if entity_id is None else str(entity_id)
    digest = event_hash(
        prev, event_id, at, user_id, name, term, action, entity_type, ent_id, summary[:300]
    )
    session.execute(
        sa_insert(_EVENTS).values(
            id=event_id,
            at=at,
            user_id=user_id,
            username=name,
            terminal=term,
            action=action,
            entity_type=entity_type,
            entity_id=ent_id,
            summary=summary[:300],
            prev_hash=prev,
            hash=digest,
        )
    )
    session.execute(
        sa_update(_HEAD).where(_HEAD.c.id == 1).values(last_event_id=event_id, last_hash=digest)
    )


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    first_broken_id: int | None = None
    problem: str = ""


def verify(store: Store, progress: Callable[[int, int], None] | None = None) -> VerifyResult:
    """Walk the whole chain. Detects altered rows, deleted rows (gaps or a missing tail) and
    reordered rows; names the first event at which the chain breaks."""
    table = AuditEvent.__table__
    cols = table.c
    # SQLite keeps the time as the canonical text itself: read it as text and skip parsing
    # and formatting 2.4 million datetimes. Elsewhere take the driver's naive datetime.
    if is_sqlite(store.engine):
        at_col = type_coerce(cols.at, String()).label("at")
    else:
        at_col = type_coerce(cols.at, DateTime()).label("at")
    with store.engine.connect() as conn:
        if not is_sqlite(store.engine):
            # One snapshot for the head and every row: terminals appending meanwhile must
            # not look like a broken chain. (A SQLite read transaction is a snapshot already.)
            conn.execution_options(isolation_level="REPEATABLE READ")
        total = conn.execute(sa_select(func.count()).select_from(table)).scalar_one()
        head = conn.execute(sa_select(AuditHead.__table__)).first()
        result = conn.execution_options(yield_per=20_000).execute(
            sa_select(
                cols.id,
                at_col,
                cols.user_id,
                cols.username,
                cols.terminal,
                cols.action,
                cols.entity_type,
                cols.entity_id,
                cols.summary,
                cols.prev_hash,
                cols.hash,
            ).order_by(cols.id)
        )
        prev = GENESIS
        expected_id = 1
        checked = 0
        for row in result:
            eid = row[0]
            if eid != expected_id:
                return VerifyResult(
                    False,
                    checked,
                    expected_id,
                    f"event {expected_id} is missing (next found is {eid})",
                )
            if row[9] != prev:
                return VerifyResult(
                    False, checked, eid, f"event {eid} does not follow event {eid - 1}"
                )
            at = row[1]
            if not isinstance(at, str):
                at = _canonical_time(at)
            elif len(at) != 26:  # text not written by this app's column type
                at = _canonical_time(datetime.fromisoformat(at))
            digest = _digest(prev, [eid, at, *row[2:9]])
            if digest != row[10]:
                return VerifyResult(False, checked, eid, f"event {eid} was altered")
            prev = digest
            expected_id += 1
            checked += 1
            if progress and checked % 20_000 == 0:
                progress(checked, total)
        if progress:
            progress(checked, total)
    if head is not None:
        last_id, last_hash = head.last_event_id, head.last_hash
        if last_id < checked:  # rows written past the head: added around the app
            return VerifyResult(
                False,
                last_id,
                last_id + 1,
                f"event {last_id + 1} was added after the last event the app wrote ({last_id})",
            )
        if last_id != checked or (checked and last_hash != prev):
            return VerifyResult(
                False,
                checked,
                checked + 1,
                f"events after {checked} are missing (the chain head says {last_id})",
            )
    return VerifyResult(True, checked)


@dataclass(frozen=True)
class ViewRecord:
    at: datetime
    username: str
    display_name: str
    terminal: str


def viewed_by(store: Store, actor: Actor, person_id: int, limit: int = 50) -> list[ViewRecord]:
    """Who opened a person's record, newest first (supervisors and admins only)."""
    require(actor, Permission.OVERSEE)

    def work(s: Session) -> list[ViewRecord]:
        rows = s.exec(
            select(AuditEvent, User.display_name)
            .join(User, User.id == AuditEvent.user_id, isouter=True)
            .where(
                AuditEvent.entity_type == "person",
                AuditEvent.entity_id == str(person_id),
                AuditEvent.action == "person.view",
            )
            .order_by(AuditEvent.id.desc())  # type: ignore[union-attr]
            .limit(limit)
        ).all()
        return [
            ViewRecord(ev.at, ev.username, name or ev.username, ev.terminal) for ev, name in rows
        ]

    return store.read(work)


def verify_as(
    store: Store, actor: Actor, progress: Callable[[int, int], None] | None = None
) -> VerifyResult:
    require(actor, Permission.ADMINISTER)
    result = verify(store, progress)
    store.write(
        lambda s: append(
            s,
            actor,
            "audit.verify",
            "audit",
            "",
            "ok" if result.ok else f"broken at {result.first_broken_id}",
        )
    )
    return result
