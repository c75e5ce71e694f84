"""Engine factory: SQLite (plain or SQLCipher) and PostgreSQL, tuned for durability.

SQLite: WAL so readers never block the writer, synchronous=FULL so "saved" survives a power
cut, foreign keys on, a busy timeout, and write transactions that start with BEGIN IMMEDIATE
so two terminals never deadlock upgrading a read lock. PostgreSQL: psycopg 3, pre-ping.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

BUSY_TIMEOUT_MS = 15_000


def normalise_url(url: str) -> str:
    """Accept 'postgresql://' and a bare file path as well as full SQLAlchemy URLs."""
    if "://" not in url:
        return f"sqlite:///{Path(url).expanduser().resolve()}"
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def make_engine(url: str, *, key: str | None = None, pool: bool = True) -> Engine:
    """Create an engine. key turns on SQLCipher for a SQLite file."""
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, key=key)
    kwargs: dict[str, Any] = {"pool_pre_ping": True}
    if not pool:
        kwargs["poolclass"] = NullPool
    return create_engine(url, **kwargs)


def _sqlite_engine(url: str, *, key: str | None) -> Engine:
    parsed = make_url(url)
    database = parsed.database or ""
    if database and database != ":memory:":
        _create_private(Path(database).expanduser())
    if key is not None:
        import sqlcipher3.dbapi2 as sqlcipher

        engine = create_engine(
            f"sqlite+pysqlcipher://:{_quote(key)}@/{database}",
            module=sqlcipher,
            connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
        )
    else:
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
        )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take over transaction control so BEGIN IMMEDIATE can be used for writes.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if key is not None:
            # The dialect has already sent PRAGMA key; nothing has read a page yet. SQLCipher
            # would log a wrong key to stderr, over the screen: the caller reports it instead.
            cursor.execute("PRAGMA cipher_log_level=NONE")
        cursor.execute("PRAGMA journal_mode=WAL")
        # FULL, not NORMAL: in WAL mode NORMAL syncs the log only at checkpoints, so a
        # commit that returned ("saved" on screen) could be lost to a power cut. FULL syncs
        # the log at every commit.
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


def _quote(key: str) -> str:

    return quote(key, safe="")


def _create_private(path: Path) -> None:
    """Create a new database file readable by its owner only (SQLite gives the -wal and -shm
    files the same mode); the folder is made owner-only too when sharetui creates it."""
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700)
    if not path.exists():
        with contextlib.suppress(FileExistsError):
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
