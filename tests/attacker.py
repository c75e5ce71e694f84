"""The attacker's door: write around the append-only triggers, as someone who can write the
database file (SQLite) or holds a superuser account (PostgreSQL) can. Only tests that prove
tampering is caught go through here."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection

from sharetui.store import append_only


@contextmanager
def around_the_triggers(conn: Connection) -> Iterator[Connection]:
    """Inside an open transaction: the triggers are off until the block ends (PostgreSQL:
    replica mode, superuser only; SQLite: dropped, then put back in the same transaction)."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
        yield conn
        conn.exec_driver_sql("SET LOCAL session_replication_role = origin")
        return
    append_only.remove(conn)
    yield conn
    append_only.install(conn)


EVENTS_COLUMNS = (
    "at",
    "user_id",
    "username",
    "terminal",
    "action",
    "entity_type",
    "entity_id",
    "summary",
)


def rechain(conn: Connection, key: bytes | None = None) -> int:
    """Recompute every hash of the audit chain, in id order, and the head to match: what
    someone who can write the database does after changing or deleting events. Without the
    site key (key=None) the result is a plain SHA-256 chain. Returns the number of events."""
    from sqlalchemy import select, update

    from sharetui.services.audit import GENESIS, event_hash
    from sharetui.store.models import AuditEvent, AuditHead

    events, head = AuditEvent.__table__, AuditHead.__table__
    rows = [dict(r) for r in conn.execute(select(events).order_by(events.c.id)).mappings()]
    prev = GENESIS
    with around_the_triggers(conn):
        for row in rows:
            digest = event_hash(prev, row["id"], *(row[c] for c in EVENTS_COLUMNS), key=key)
            conn.execute(
                update(events).where(events.c.id == row["id"]).values(prev_hash=prev, hash=digest)
            )
            prev = digest
        conn.execute(
            update(head).values(
                last_event_id=rows[-1]["id"] if rows else 0,
                last_hash=prev if rows else "",
                keyed_from=None if key is None else 1,
            )
        )
    return len(rows)
