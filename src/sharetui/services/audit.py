"""The audit trail: append-only, hash-chained, one unbroken line across terminals.

Appends lock the single head row (SELECT ... FOR UPDATE on PostgreSQL; SQLite writes are
already serialised by BEGIN IMMEDIATE), so ids are contiguous and each row's prev_hash is the
hash of the row before it. verify() recomputes every hash and names the first broken event.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam
from sqlalchemy import insert as sa_insert
from sqlalchemy import select as sa_select
from sqlalchemy import update as sa_update
from sqlmodel import Session, col, func, select

from sharetui.domain.errors import NotAllowed, ShareError
from sharetui.domain.permissions import DENIED, Permission, allowed
from sharetui.services import audit_chain as chain
from sharetui.services.audit_chain import GENESIS, event_hash
from sharetui.services.audit_seal import Seal
from sharetui.services.audit_verify import VerifyResult, verify
from sharetui.services.unit_of_work import Actor, Store
from sharetui.store.models import AuditEvent, User
from sharetui.store.types import utcnow

__all__ = [
    "GENESIS",
    "VerifyResult",
    "append",
    "append_many",
    "event_hash",
    "require",
    "seal_as",
    "verify",
    "verify_as",
    "viewed_by",
]


def require(actor: Actor, permission: Permission) -> None:
    """Enforce the role matrix; the message says who may do it."""
    if not allowed(actor.role, permission):
        raise NotAllowed(DENIED[permission])


# The statements of an append, built once: every write transaction runs them while the
# others wait for it, and building a statement (and its cache key) each time cost more than
# SQLite took to run it.
_HEAD_COLUMNS = (chain.HEAD.c.last_event_id, chain.HEAD.c.last_hash, chain.HEAD.c.keyed_from)
_PAST = sa_select(func.max(chain.EVENTS.c.id)).where(chain.EVENTS.c.id > bindparam("after"))
_HEAD_AND_PAST = sa_select(
    *_HEAD_COLUMNS,
    sa_select(func.max(chain.EVENTS.c.id))
    .where(chain.EVENTS.c.id > chain.HEAD.c.last_event_id)
    .scalar_subquery(),
).where(chain.HEAD.c.id == 1)
_HEAD_LOCKED = sa_select(*_HEAD_COLUMNS).where(chain.HEAD.c.id == 1).with_for_update()
_INSERT_EVENTS = sa_insert(chain.EVENTS)
_MOVE_HEAD = (
    sa_update(chain.HEAD)
    .where(chain.HEAD.c.id == 1)
    .values(
        last_event_id=bindparam("new_last_id"),
        last_hash=bindparam("new_hash"),
        keyed_from=bindparam("new_keyed"),
    )
)


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
    inside every write transaction, and the head row is locked until commit.

    The new event takes the id after the head's, or after any row already there past the head
    (written around the app): such a row can no longer jam every write with a duplicate id,
    the chain passes over it, and verify() names it."""
    append_many(
        session,
        actor,
        [(action, entity_type, entity_id, summary)],
        username=username,
        terminal=terminal,
    )


def append_many(
    session: Session,
    actor: Actor | None,
    events: list[tuple[str, str, object, str]],
    *,
    username: str = "",
    terminal: str = "",
) -> int:
    """append() for many events (action, entity type, entity id, summary) in one go: the head
    is locked and read once and the rows inserted together (an import of thousands of people
    writes one event per person and link). Returns the id of the first event."""
    if session.get_bind().dialect.name == "sqlite":
        # One statement for the head and any row past it: every other writer waits while
        # this transaction is open. BEGIN IMMEDIATE already read the latest state.
        last_id, last_hash, keyed_from, past_head = session.execute(_HEAD_AND_PAST).one()
    else:
        # PostgreSQL: the row past the head is looked for after the head's lock is granted,
        # in a statement of its own, so it sees what was committed while this one waited.
        last_id, last_hash, keyed_from = session.execute(_HEAD_LOCKED).one()
        past_head = session.execute(_PAST, {"after": last_id}).scalar_one()
    first_id = max(last_id, past_head or 0) + 1
    if not events:
        return first_id
    key: bytes | None = session.info.get("audit_key")
    if key is None and keyed_from is not None:
        # A command run without the site key (another account's configuration folder, say)
        # would chain plain hashes onto a keyed trail, which verify then reports as forged:
        # refuse the write instead, and say what is missing.
        raise ShareError(
            "This site's audit trail is keyed with the site key, and the key is not available "
            "here, so nothing was written. Run sharetui as the account that holds the site "
            "key (or set SHARETUI_KEY_FILE to it)."
        )
    if key is not None and keyed_from is None:
        keyed_from = first_id  # the first event written with the site key
    mac = chain.keyed_mac(key)
    at = utcnow()
    prev = last_hash or GENESIS
    user_id = actor.user_id if actor else None
    name = actor.username if actor else username
    term = ((actor.terminal if actor else terminal) or terminal)[:100]
    canonical = chain.canonical_time(at)
    rows = []
    for n, (action, entity_type, entity_id, summary) in enumerate(events):
        event_id = first_id + n
        ent_id = "" if entity_id is None else str(entity_id)
        text = summary[:300]
        fields = [event_id, canonical, user_id, name, term, action, entity_type, ent_id, text]
        digest = chain.event_digest(prev, fields, mac)
        rows.append(
            {
                "id": event_id,
                "at": at,
                "user_id": user_id,
                "username": name,
                "terminal": term,
                "action": action,
                "entity_type": entity_type,
                "entity_id": ent_id,
                "summary": text,
                "prev_hash": prev,
                "hash": digest,
            }
        )
        prev = digest
    session.execute(_INSERT_EVENTS, rows)
    session.execute(
        _MOVE_HEAD, {"new_last_id": rows[-1]["id"], "new_hash": prev, "new_keyed": keyed_from}
    )
    return first_id


@dataclass(frozen=True)
class ViewRecord:
    at: datetime
    username: str
    display_name: str
    terminal: str
    what: str = "the record"


# Every read that shows a person's details, audited against the person, and how "Viewed by"
# says it. The reads that come with opening the record itself (its timeline pages and
# decisions list) are left out: "the record" already says them. Consent history is read
# outside the record too (a decision's consent page), so it is listed, and folded into the
# reader's line before it when it came with the record (WITH_THE_RECORD).
VIEWS = {
    "person.view": "the record",
    "consent.history": "consent history",
    "person.summary": "name and details",
    "consent.view": "a consent record",
    "decision.view": "a decision",
    "advice.view": "an advice request",
    "advice.reveal": "revealed in advice",
    "person.export": "subject access export",
}


WITH_THE_RECORD = frozenset({"consent.history"})
SAME_SITTING = timedelta(minutes=15)


def _same_sitting(ev: AuditEvent, before: AuditEvent | None) -> bool:
    """The same reader at the same terminal a moment after their last read of this person
    (the record's own read of its consent history, and its reloads)."""
    return (
        before is not None
        and before.user_id == ev.user_id
        and before.terminal == ev.terminal
        and ev.at - before.at <= SAME_SITTING
    )


def viewed_by(store: Store, actor: Actor, person_id: int, limit: int = 50) -> list[ViewRecord]:
    """Who read a person's details, and where (the record, a decision, an advice request,
    consent history...), newest first (supervisors and admins only)."""
    require(actor, Permission.OVERSEE)

    def work(s: Session) -> list[ViewRecord]:
        rows = s.exec(
            select(AuditEvent, User.display_name)
            .join(User, col(User.id) == AuditEvent.user_id, isouter=True)
            .where(
                AuditEvent.entity_type == "person",
                AuditEvent.entity_id == str(person_id),
                col(AuditEvent.action).in_(VIEWS),
            )
            .order_by(col(AuditEvent.id).desc())
            .limit(limit * 3 + 1)  # room for the folded reads, and the read before the last
        ).all()
        shown = [
            ViewRecord(ev.at, ev.username, name or ev.username, ev.terminal, VIEWS[ev.action])
            for i, (ev, name) in enumerate(rows)
            if not (
                ev.action in WITH_THE_RECORD
                and _same_sitting(ev, rows[i + 1][0] if i + 1 < len(rows) else None)
            )
        ]
        return shown[:limit]

    return store.read(work, actor)


def verify_as(
    store: Store,
    actor: Actor,
    progress: Callable[[int, int], None] | None = None,
    seal: Seal | None = None,
) -> VerifyResult:
    require(actor, Permission.ADMINISTER)
    store.read(lambda s: None, actor)  # a disabled or demoted account reads nothing
    result = verify(store, progress, seal)
    store.write(
        lambda s: append(
            s,
            actor,
            "audit.verify",
            "audit",
            "",
            ("ok" if result.ok else f"broken at {result.first_broken_id}")
            + (" against a seal" if seal else ""),
        ),
        actor,
    )
    return result


def seal_as(
    store: Store, actor: Actor, progress: Callable[[int, int], None] | None = None
) -> tuple[VerifyResult, Seal | None]:
    """Verify, and when the chain is whole, the seal of its head (count, time, hash, and a
    checkpoint every SEAL_EVERY events). Audited; the caller writes the seal to a file."""
    require(actor, Permission.ADMINISTER)
    store.read(lambda s: None, actor)  # a disabled or demoted account reads nothing
    result = verify(store, progress)
    seal = None
    if result.ok:
        seal = Seal(
            events=result.checked,
            last_event_id=result.last_event_id,
            last_hash=result.last_hash if result.checked else "",
            sealed_at=utcnow(),
            keyed_from=result.keyed_from,
            checkpoints=result.checkpoints,
        )
    store.write(
        lambda s: append(
            s,
            actor,
            "audit.seal",
            "audit",
            "",
            f"sealed at event {result.last_event_id}"
            if seal
            else f"not sealed: broken at {result.first_broken_id}",
        ),
        actor,
    )
    return result, seal
