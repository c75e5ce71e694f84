"""Encryption at rest, as the commands use it: which key a database opens with (or a new one is
made under), and moving a plain SQLite site over to encryption. The store does the work
(store/encryption.py, store/encrypt_site.py); this is the commands' door to it, so that they
reach the database only through the services."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sharetui.config import Settings
from sharetui.domain.errors import ShareError
from sharetui.services.audit import append
from sharetui.services.unit_of_work import Store
from sharetui.store.encrypt_site import PLAIN_HEADER, Moved, encrypt_copy, encrypt_in_place
from sharetui.store.encryption import (
    AtRest,
    Settled,
    at_rest,
    check_key,
    open_engine,
    settle,
    site_key,
    sqlcipher_available,
)
from sharetui.store.engine import make_engine
from sharetui.store.keys import create_key_file, key_for, read_key
from sharetui.store.migrate import check_not_newer, current_revision
from sharetui.store.opening import require_existing, require_healthy, sqlite_path

__all__ = [
    "AtRest",
    "Moved",
    "Settled",
    "at_rest",
    "check_key",
    "checked_key",
    "create_key_file",
    "encrypted_copy",
    "key_for",
    "move_over",
    "open_engine",
    "read_key",
    "settle",
    "sqlcipher_available",
]


def checked_key(settings: Settings, *, may_create: bool = False) -> tuple[Settled, str | None]:
    """settle() and the SQLCipher key; a default site key (one nobody named) is tried on the
    database at once, so that a key that does not fit is named rather than reported later as
    a bare wrong key."""
    settled = settle(settings, may_create=may_create)
    key = key_for(settled.settings)
    if settled.from_default:
        engine = make_engine(settled.settings.database_url, key=key, pool=False)
        try:
            check_key(engine, settled)
        finally:
            engine.dispose()
    return settled, key


class NotPlain(ShareError):
    """The database to move over is not a plain SQLite file."""


@dataclass(frozen=True)
class MoveResult:
    settled: Settled  # the site key used (and whether it was made now)
    moved: Moved | None = None  # moved over where it lies
    copy: Path | None = None  # or: an encrypted copy written there


def _plain_sqlite(settings: Settings) -> Path:
    """The plain SQLite file to move over, checked: it exists, is plain, is not damaged and is
    not from a newer sharetui (whose -wal this one would fold in)."""
    url = settings.database_url
    path = sqlite_path(url)
    if path is None:
        raise NotPlain(
            "This database is not a SQLite file: a database server's storage is encrypted by "
            "the server (encrypted disks, TLS); see docs/encryption.md"
        )
    require_existing(url)
    with path.open("rb") as f:
        if f.read(len(PLAIN_HEADER)) != PLAIN_HEADER:
            raise NotPlain(
                f"{path} is not a plain SQLite database (it is encrypted already, or is not "
                "a database); nothing was changed"
            )
    engine = make_engine(url, pool=False)
    try:
        require_healthy(engine, url)
        check_not_newer(engine)
    finally:
        engine.dispose()
    return path


def encrypted_copy(settings: Settings, destination: Path) -> MoveResult:
    """A checked, encrypted copy of the plain database under the site key; the plain file is
    left as it is."""
    path = _plain_sqlite(settings)
    settled = site_key(settings, path)
    copy = encrypt_copy(path, destination, read_key(settled.settings.key_file))
    return MoveResult(settled, copy=copy)


def move_over(settings: Settings) -> MoveResult:
    """Encrypt the plain database where it lies, under the site key (made now if there is
    none), and put the move on its audit trail: the first event keyed with the site key."""
    path = _plain_sqlite(settings)
    settled = site_key(settings, path)
    moved = encrypt_in_place(path, read_key(settled.settings.key_file))
    engine, opened = open_engine(settled.settings)
    store = Store(engine, opened.settings)
    try:
        if current_revision(engine) is not None:  # a sharetui database: it has a trail
            store.write(
                lambda s: append(
                    s,
                    None,
                    "db.encrypt",
                    "database",
                    "",
                    "moved to encryption at rest",
                    username="(command line)",
                    terminal=settings.terminal,
                )
            )
    finally:
        store.dispose()
    return MoveResult(settled, moved=moved)
