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
