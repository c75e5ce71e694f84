"""The site key that encrypts a SQLite database at rest (SQLCipher 4).

A shared kiosk has no one person to hold a secret, so the key belongs to the site: 32 random
bytes, written as hexadecimal to a file that only the kiosk account can read
(SHARETUI_KEY_FILE). A copied database file, a copied -wal file or a backup is noise without
that file. The key is used as a raw key (x'...'): it is already full-strength, so no
passphrase stretching is paid on every connection.

Plain SQLite stays available as an explicit choice: no key file configured means no
encryption (tests, or sites whose disks are encrypted).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import stat
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from sharetui.config import Settings
from sharetui.domain.errors import ShareError
from sharetui.store.engine import is_sqlite, normalise_url

KEY_BYTES = 32
_HEX_KEY = re.compile(rf"[0-9a-f]{{{KEY_BYTES * 2}}}")


class EncryptionError(ShareError):
    """Encryption at rest is configured but cannot be used as configured."""


class KeyFileError(EncryptionError):
    """The key file is missing, unreadable, readable by others, or not a key."""


class WrongKey(EncryptionError):
    """The database does not open with the key given (or without one)."""


WRONG_KEY = (
    "The database key does not open this database: check that SHARETUI_KEY_FILE names this "
    "site's key file (or the database was created without encryption)"
)
NEEDS_KEY = (
    "This database is encrypted, or is not a sharetui database: set SHARETUI_KEY_FILE to "
    "the site's key file, or check SHARETUI_DATABASE_URL"
)


def create_key_file(path: str | os.PathLike[str]) -> Path:
    """Write a new random site key, readable by this account only (mode 0600).

    Never overwrites: replacing a key makes the database it opens unreadable for good.
    """
    target = Path(path).expanduser()
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(target, flags, 0o600)
    except FileExistsError:
        raise KeyFileError(
            f"The key file {target} already exists; a site key is never overwritten, "
            "because the database it opens would be lost"
        ) from None
    except OSError as exc:
        raise KeyFileError(f"The key file {target} cannot be created: {exc.strerror}") from exc
    try:
        os.fchmod(fd, 0o600)  # exactly 0600, whatever the umask
        os.write(fd, (secrets.token_hex(KEY_BYTES) + "\n").encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)
    fsync_dir(target.parent)
    return target


def fsync_dir(directory: Path) -> None:
    """Make a file's new name durable: a file written and renamed is only there after a
    crash once its folder is flushed too. Best effort: some file systems refuse it."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def read_key(path: str | os.PathLike[str]) -> str:
    """The key in the file as 64 hexadecimal characters, after checking nobody else can read
    it. A key others can read protects nothing, so such a file is refused, not warned about."""
    target = Path(path).expanduser()
    try:
        info = target.stat()
    except FileNotFoundError:
        raise KeyFileError(
            f"The key file {target} does not exist; create it with: sharetui key create {target}"
        ) from None
    except OSError as exc:
        raise KeyFileError(f"The key file {target} cannot be read: {exc.strerror}") from exc
    if not stat.S_ISREG(info.st_mode):
        raise KeyFileError(f"The key file {target} is not a regular file")
    if info.st_mode & 0o077:
        raise KeyFileError(
            f"The key file {target} can be read by other accounts "
            f"(mode {stat.S_IMODE(info.st_mode):04o}); allow only the kiosk account: "
            f"chmod 600 {target}"
        )
    try:
        raw = target.read_bytes()
    except OSError as exc:
        raise KeyFileError(f"The key file {target} cannot be read: {exc.strerror}") from exc
    text = raw.decode("ascii", errors="replace").strip().lower()
    if not _HEX_KEY.fullmatch(text):
        raise KeyFileError(
            f"The key file {target} does not hold a sharetui key "
            f"({KEY_BYTES * 2} hexadecimal characters)"
        )
    return text


def pragma_key(hex_key: str) -> str:
    """The raw-key form SQLCipher takes in PRAGMA key (no passphrase derivation)."""
    return f"x'{hex_key}'"


def key_for(settings: Settings) -> str | None:
    """The SQLCipher key for these settings, or None for plain SQLite (no key file set) and
    for a database server."""
    if not settings.key_file:
        return None
    if make_url(normalise_url(settings.database_url)).get_backend_name() != "sqlite":
        # A database server's storage is the server's to protect; there the key file keys
        # the audit chain only (audit_key), and is checked when the store reads it.
        read_key(settings.key_file)
        return None
    try:
        import sqlcipher3  # noqa: F401
    except ImportError:
        raise EncryptionError(
            "SHARETUI_KEY_FILE is set but SQLCipher is not installed: "
            "install sharetui with the 'encryption' extra (sqlcipher3-binary)"
        ) from None
    return pragma_key(read_key(settings.key_file))


AUDIT_KEY_LABEL = b"sharetui audit chain v1"


def audit_key(settings: Settings) -> bytes | None:
    """The key that chains the audit trail (HMAC-SHA-256), derived from the site key so that
    the one file serves both purposes without the database key itself hashing anything.
    None where the site has no key: the chain is then plain SHA-256."""
    if not settings.key_file:
        return None
    site = bytes.fromhex(read_key(settings.key_file))
    return hmac.new(site, AUDIT_KEY_LABEL, hashlib.sha256).digest()


def check_opens(engine: Engine, *, keyed: bool) -> None:
    """Read the schema once, so a wrong or missing key is a clear message at start-up rather
    than a traceback on the first screen. Disposes the engine when it fails."""
    if not is_sqlite(engine):
        return
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar()
    except DBAPIError as exc:
        engine.dispose()
        if "not a database" in str(exc.orig):
            raise WrongKey(WRONG_KEY if keyed else NEEDS_KEY) from None
        raise


FACTOR_KEY_LABEL = b"sharetui second factor v1"


def factor_key(settings: Settings) -> bytes | None:
    """The key that seals second-factor secrets and keys the hashes of recovery codes and of
    typed usernames, derived from the site key like the audit key (a copy of the database
    alone then opens no authenticator). None where the site has no key."""
    if not settings.key_file:
        return None
    site = bytes.fromhex(read_key(settings.key_file))
    return hmac.new(site, FACTOR_KEY_LABEL, hashlib.sha256).digest()
