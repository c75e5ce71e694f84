"""Encrypted by default: which key opens a SQLite database (or will make a new one), and what
an administrator is told about encryption at rest.

A new SQLite database made by the first-run set-up, `sharetui demo` or `sharetui db upgrade`
is encrypted with SQLCipher under the site key: SHARETUI_KEY_FILE, else the key file in the
user's configuration folder (Settings.default_key_file), made on first use. An existing file
opens as it is: a plain one (made before encryption was the default, or by choice) stays plain
until `sharetui key encrypt` moves it over, and an encrypted one needs its key. A new plain
database is only ever an explicit choice (SHARETUI_PLAIN, --plain) or the only way where
SQLCipher does not install; the administrator's home and `sharetui db current` say which.

Settings built in code (the tests, the benchmarks) have no default key file, so their new
databases stay plain and no key derivation or page encryption is paid unless a test asks.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from sharetui.config import Settings
from sharetui.store.engine import is_sqlite, make_engine
from sharetui.store.keys import (
    EncryptionError,
    KeyFileError,
    WrongKey,
    check_opens,
    create_key_file,
    key_for,
)
from sharetui.store.opening import sqlite_path

PLAIN_HEADER = b"SQLite format 3\x00"  # SQLCipher's first 16 bytes are a random salt instead
SQLCIPHER_PACKAGE = "sqlcipher3-binary"
SQLCIPHER_PLATFORMS = "Linux on x86-64"


def sqlcipher_available() -> bool:
    """True where the SQLCipher package is installed (it installs on Linux x86-64 only)."""
    try:
        import sqlcipher3.dbapi2  # noqa: F401
    except ImportError:
        return False
    return True


def is_plain_file(path: Path) -> bool:
    """A plain SQLite file starts with its format string; an encrypted one with random bytes."""
    try:
        with path.open("rb") as f:
            return f.read(len(PLAIN_HEADER)) == PLAIN_HEADER
    except OSError:
        return False


def _is_new(path: Path) -> bool:
    return not path.exists() or path.stat().st_size == 0


@dataclass(frozen=True)
class Settled:
    """Settings whose key_file is the key this database opens with ('' for plain SQLite)."""

    settings: Settings
    new_key: Path | None = None  # a site key made just now, for a new database
    from_default: bool = False  # the key is this account's default site key, not one named

    @property
    def keyed(self) -> bool:
        return bool(self.settings.key_file)


def settle(settings: Settings, *, may_create: bool) -> Settled:
    """Fill in the key for this SQLite database. may_create: the caller makes a new database
    when there is none (first run, demo, db upgrade); a new one is encrypted, under a site key
    made now if there is none yet. A database server's settings are returned as they are (its
    storage is the server's to protect; a key file there keys the audit chain only)."""
    path = sqlite_path(settings.database_url)
    if path is None:
        return Settled(settings)
    if may_create and _is_new(path):
        return _for_new(settings, path)
    if settings.key_file or not settings.default_key_file:
        return Settled(settings)  # the key named (a plain file is then refused: wrong key)
    if _is_new(path) or is_plain_file(path):
        return Settled(settings)  # plain as it was made; a missing file is refused elsewhere
    default = Path(settings.default_key_file)
    if not default.exists():
        raise WrongKey(
            "This database is encrypted, or is not a sharetui database: set SHARETUI_KEY_FILE "
            f"to the site's key file (there is none at {default}), or check "
            "SHARETUI_DATABASE_URL"
        )
    return Settled(settings.replace(key_file=str(default)), from_default=True)


def _for_new(settings: Settings, database: Path) -> Settled:
    if settings.plain:
        if settings.key_file:
            raise EncryptionError(
                "Plain SQLite was chosen (SHARETUI_PLAIN or --plain) and SHARETUI_KEY_FILE is "
                "set: choose one, an encrypted database or a plain one"
            )
        return Settled(settings)
    if not settings.key_file and not (settings.default_key_file and sqlcipher_available()):
        # Settings built in code, or no SQLCipher on this platform: plain, and the
        # administrator's home and `db current` say so (at_rest).
        return Settled(settings)
    return site_key(settings, database)


def site_key(settings: Settings, database: Path) -> Settled:
    """The site key to encrypt this database with: SHARETUI_KEY_FILE, else the default key
    file, which is made on first use (never in the database's own folder)."""
    if settings.key_file:
        key = Path(settings.key_file).expanduser()
    elif settings.default_key_file:
        key = Path(settings.default_key_file).expanduser()
        if key.parent.resolve() == database.parent.resolve():
            raise KeyFileError(
                f"The site key would be made in the database's own folder ({key.parent}), "
                "where a copy of the folder would take both: set SHARETUI_KEY_FILE to a file "
                "in another folder"
            )
    else:
        raise KeyFileError("Set SHARETUI_KEY_FILE to the site key file first")
    made = None
    if not os.path.lexists(key):
        try:
            made = create_key_file(key)
        except KeyFileError:
            if not key.exists():  # another process made it first: use theirs
                raise
    return Settled(settings.replace(key_file=str(key)), made)


def open_engine(
    settings: Settings, *, may_create: bool = False, pool: bool = True
) -> tuple[Engine, Settled]:
    """An engine on this database with its key, checked to open (a wrong or missing key is a
    message, not a traceback on the first query)."""
    settled = settle(settings, may_create=may_create)
    key = key_for(settled.settings)
    engine = make_engine(settled.settings.database_url, key=key, pool=pool)
    check_key(engine, settled)
    return engine, settled


def check_key(engine: Engine, settled: Settled) -> None:
    """check_opens, naming the default site key when that is the key that does not fit."""
    try:
        check_opens(engine, keyed=settled.keyed)
    except WrongKey:
        if not settled.from_default:
            raise
        raise WrongKey(
            "This database is encrypted under another key than this account's site key "
            f"({settled.settings.key_file}): set SHARETUI_KEY_FILE to the site's key file"
        ) from None


@dataclass(frozen=True)
class AtRest:
    """How the database is kept on disk, in words for an administrator."""

    state: str  # "encrypted", "plain" or "server"
    words: str

    @property
    def encrypted(self) -> bool:
        return self.state == "encrypted"


def at_rest(engine: Engine, settings: Settings) -> AtRest:
    if not is_sqlite(engine):
        return AtRest(
            "server",
            "Encryption at rest is the database server's (encrypted storage, TLS to it).",
        )
    if engine.dialect.driver == "pysqlcipher":
        return AtRest(
            "encrypted",
            f"Encrypted at rest (SQLCipher) under the site key {settings.key_file}.",
        )
    if not sqlcipher_available():
        why = (
            f"SQLCipher does not install on this platform ({SQLCIPHER_PACKAGE} installs on "
            f"{SQLCIPHER_PLATFORMS} only)"
        )
        then = "keep it on an encrypted disk (BitLocker, FileVault, LUKS)"
    elif settings.plain:
        why = "plain SQLite was chosen (--plain or SHARETUI_PLAIN)"
        then = "keep it on an encrypted disk (BitLocker, FileVault, LUKS)"
    else:
        why = "this database was made as plain SQLite"
        then = "move it over with: sharetui key encrypt"
    return AtRest("plain", f"NOT encrypted at rest: {why}; {then}.")
