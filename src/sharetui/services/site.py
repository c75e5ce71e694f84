"""The site's database as a whole: where it is, whether it is new, whether it opens with its
key, which schema it holds, bringing that schema up to date, and backing it up.

Commands and the demo work on the database itself (make it, upgrade it, back it up, check
it) before any service can be opened on it; this module is their one door to the store for
that work, so nothing above the services imports `sharetui.store`, SQLAlchemy or SQLModel.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.engine import Engine, make_url

from sharetui.config import Settings
from sharetui.services.at_rest import open_engine
from sharetui.services.audit import append
from sharetui.services.unit_of_work import Store
from sharetui.store.engine import is_sqlite, normalise_url
from sharetui.store.migrate import (
    SchemaTooNew,
    check_not_newer,
    current_revision,
    head_revision,
    upgrade,
)
from sharetui.store.opening import is_new, require_existing, require_healthy, require_schema, where
from sharetui.store.opening import sqlite_path as sqlite_file
from sharetui.store.types import replayed_clock, utcnow

# Keys and encryption at rest have their own door (services/at_rest.py). Also here: the moment
# records are stamped with (utcnow: the wall clock, or the one replayed_clock sets while the
# demo replays its history).
__all__ = [
    "SchemaTooNew",
    "audit_backup",
    "check_not_newer",
    "checkpoint",
    "current_revision",
    "head_revision",
    "is_new",
    "open_fast",
    "postgres_dump_hint",
    "replayed_clock",
    "require_existing",
    "require_healthy",
    "require_schema",
    "shown_url",
    "sqlite_file",
    "table_names",
    "upgrade",
    "utcnow",
    "where",
]


def shown_url(url: str) -> str:
    """The URL as it may be printed: the password hidden."""
    return make_url(url).render_as_string(hide_password=True)


def postgres_dump_hint(url: str) -> str | None:
    """For a database that is not SQLite, the URL as pg_dump takes it (password hidden);
    None for SQLite, which sharetui backs up itself."""
    parsed = make_url(normalise_url(url))
    if parsed.get_backend_name() == "sqlite":
        return None
    return parsed.render_as_string(hide_password=True).replace("+psycopg", "")


def table_names(engine: Engine) -> set[str]:
    """The tables in a database, read without touching its schema."""
    return set(inspect(engine).get_table_names())


def open_fast(settings: Settings) -> Store:
    """A store on a healthy, migrated database (a new SQLite one encrypted like any other)
    whose SQLite commits skip the fsync: for data that can always be made again (the demo),
    where it is ten times faster."""
    engine, settled = open_engine(settings, may_create=True)
    settings = settled.settings
    if is_sqlite(engine):

        @event.listens_for(engine, "connect")
        def _fast(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.close()

        engine.dispose()  # the connection that checked the key was made before the listener

    require_healthy(engine, settings.database_url)
    upgrade(engine)  # refuses a newer schema before writing
    return Store(engine, settings)


def audit_backup(store: Store, target_name: str) -> None:
    """The audit event of a backup, written before the copy so the copy records it."""
    store.write(
        lambda s: append(
            s,
            None,
            "db.backup",
            "database",
            "",
            f"to {target_name}",
            username="(command line)",
            terminal=store.settings.terminal,
        )
    )


def checkpoint(store: Store) -> None:
    """Fold SQLite's write-ahead log into the database file, so the file alone is whole."""
    with store.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
