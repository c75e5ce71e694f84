"""Opening a database on purpose: never making one by accident, never writing into one this
sharetui must not write into.

A database is made only by the first-run set-up (the default location, nothing there yet) or
`sharetui db upgrade` (and `sharetui demo`, whose file holds fictional data only). Everything
else refuses a path that does not exist or an empty file, naming it, so that a mistyped path
never becomes a second, empty database that someone then signs in to as its first
administrator. Before anything is written: a database from a newer sharetui is refused (see
migrate.check_not_newer) and a SQLite file that fails PRAGMA quick_check is refused, so a
sign-in never writes into damaged pages.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from sharetui.domain.errors import ShareError
from sharetui.store.engine import is_sqlite, normalise_url


class NoDatabase(ShareError):
    """The database named does not exist, or holds no sharetui schema."""


class DatabaseDamaged(ShareError):
    """SQLite's quick check finds the file damaged."""


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL; None for a server or an in-memory database."""
    parsed = make_url(normalise_url(url))
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    if parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def where(url: str) -> str:
    """The database as a person would name it: the file, or the URL without a password."""
    path = sqlite_path(url)
    if path is not None:
        return str(path)
    return make_url(normalise_url(url)).render_as_string(hide_password=True).replace("+psycopg", "")


def is_new(url: str) -> bool:
    """True when a SQLite file is missing or empty (upgrading it makes a new database)."""
    path = sqlite_path(url)
    return path is not None and (not path.exists() or path.stat().st_size == 0)


def require_existing(url: str) -> None:
    """Refuse a SQLite path that does not exist or is an empty file, before anything can
    create it (opening an engine would)."""
    path = sqlite_path(url)
    if path is None:
        return
    make = f"make a new one with: sharetui --database {path} db upgrade"
    if not path.exists():
        raise NoDatabase(f"There is no database at {path}; check the path, or {make}")
    if path.is_dir():
        raise NoDatabase(f"{path} is a folder, not a database file; check the path")
    if path.stat().st_size == 0:
        raise NoDatabase(
            f"{path} is an empty file, not a sharetui database; check the path, or {make}"
        )


def require_schema(engine: Engine, url: str) -> None:
    """Refuse a database that exists but holds no sharetui schema (an empty server database,
    another program's SQLite file): upgrading it would make a new sharetui database there."""
    from sharetui.store.migrate import current_revision

    if current_revision(engine) is None:
        raise NoDatabase(
            f"{where(url)} holds no sharetui database; check the database named, or make a "
            "new one there with: sharetui db upgrade"
        )


def require_healthy(engine: Engine, url: str) -> None:
    """SQLite's quick check (structure, not every index entry: a fraction of integrity_check's
    time). A damaged file is refused before any write, with its first problem."""
    if not is_sqlite(engine):
        return
    try:
        with engine.connect() as conn:
            rows = [r[0] for r in conn.exec_driver_sql("PRAGMA quick_check(3)")]
    except DBAPIError as exc:
        raise DatabaseDamaged(
            f"The database at {where(url)} is damaged ({' '.join(str(exc.orig).split())}); "
            "nothing was written. Restore it from a backup"
        ) from None
    if rows != ["ok"]:
        raise DatabaseDamaged(
            f"The database at {where(url)} fails SQLite's quick check "
            f"({' '.join(rows[0].split())[:160]}); "
            "nothing was written. Restore it from a backup"
        )
