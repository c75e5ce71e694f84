"""Transaction-scoped locks that decide a race by waiting, never by a read before the write.

On SQLite every write transaction starts with BEGIN IMMEDIATE, so writers are already one at a
time and these are no-ops. On PostgreSQL they are advisory locks held until commit or
rollback: a second terminal doing the same thing waits, then sees the first one's row. They
need no UPDATE right on any table (SELECT ... FOR UPDATE would), so they work for the app role
of deploy/postgres-roles-append-only.sql, which may only INSERT into append-only tables.
"""

from __future__ import annotations

import hashlib
from enum import IntEnum

from sqlalchemy import TextClause, text
from sqlmodel import Session


class LockSpace(IntEnum):
    """The first half of a two-key advisory lock: what kind of thing is locked."""

    DECISION = 1  # a decision's versions (key: root id)
    PERSON_IDENTITY = 2  # new people with the same name and date of birth (key: a digest)
    PERSON_LINK = 3  # links between one pair of people (key: a digest of the pair)
    REFERENCE = 4  # a person's reference (key: a digest)


def key_of(*parts: object) -> int:
    """A stable signed 32-bit key for text parts (the second half of the lock)."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big", signed=True)


def lock(session: Session, space: LockSpace, key: int) -> None:
    """Hold (space, key) until this transaction ends; a no-op on SQLite."""
    bind = session.get_bind()
    if bind.dialect.name != "postgresql":
        return
    session.execute(
        text("SELECT pg_advisory_xact_lock(:space, :key)"), {"space": int(space), "key": key}
    )


def next_id(session: Session, table: str) -> int:
    """The id the next row of table will take, reserved before the insert, so that a row can
    name itself (a decision's first version is its own root) without an UPDATE afterwards."""
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        return int(
            session.execute(
                text("SELECT nextval(pg_get_serial_sequence(:t, 'id'))"), {"t": table}
            ).scalar_one()
        )
    # SQLite: the write transaction holds the only write lock, so max + 1 is ours.
    statement = _NEXT_ID.get(table)
    if statement is None:  # built once per table: it runs while other writers wait
        statement = _NEXT_ID[table] = text(f'SELECT coalesce(max(id), 0) + 1 FROM "{table}"')
    return int(session.execute(statement).scalar_one())


_NEXT_ID: dict[str, TextClause] = {}
