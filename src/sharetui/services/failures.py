"""Failures in words: what went wrong, said by what the person can do about it.

One mapping for the app and the command line, so the same cause reads the same everywhere
(an unreachable server, a full disk, a read-only or damaged file, a newer schema). The app
adds that the typed answers are still on screen; the command line has no answers to keep.
No message repeats SQL, parameter values or a driver's detail lines: they may hold names.
"""

from __future__ import annotations

import errno
from dataclasses import dataclass

from sharetui.domain.errors import ShareError, StoreFailed, StoreUnavailable

KEPT = ", your answers are still here"

UNREACHABLE = (
    "The database cannot be reached: nothing was saved{kept}. Try again in a moment, or tell "
    "your administrator"
)
BUSY = (
    "The database stayed busy: nothing was saved{kept}. Try again in a moment; if it keeps "
    "happening, tell your administrator"
)
DISK_FULL = (
    "The disk that holds the database is full: nothing was saved{kept}. Tell your "
    "administrator, who needs to free space on it"
)
READ_ONLY = (
    "The database is read-only for this account: nothing was saved{kept}. Tell your "
    "administrator, who needs to check the permissions of the database and its folder"
)
CORRUPT = (
    "The database file is damaged: nothing was saved{kept}. Tell your administrator, who "
    "needs to restore it from a backup"
)
CLASH = (
    "This clashes with a record saved meanwhile: nothing was saved{kept}. Check your answers "
    "and try again; if it keeps happening, tell your administrator"
)
REFUSED = (
    "The database refused this change: nothing was saved{kept}. Tell your administrator, "
    "who needs to check the database"
)
UNEXPECTED = (
    "Something went wrong ({name}): nothing was saved{kept}. Try again; if it keeps "
    "happening, tell your administrator"
)
FILE_FULL = "The disk is full: {path} could not be written. Free some space and try again"
FILE_READ_ONLY = (
    "{path} cannot be written (the file or its folder is read-only for this account): choose "
    "another place or ask your administrator"
)

# SQLSTATE classes and codes (PostgreSQL) and driver texts (SQLite) for each cause.
_UNREACHABLE_STATES = ("08", "57P01", "57P02", "57P03", "53300")
_UNREACHABLE_TEXT = (
    "connection refused",
    "could not connect",
    "connection failed",
    "server closed the connection",
    "connection is closed",
    "connection timeout",
    "timeout expired",
    "could not translate host name",
    "no route to host",
    "unable to open database file",
    "terminating connection",
    "not currently accepting connections",
)
_BUSY_TEXT = ("database is locked", "database is busy", "database table is locked")
_FULL_TEXT = ("database or disk is full", "no space left on device", "could not extend file")
_READ_ONLY_TEXT = ("attempt to write a readonly database", "read-only", "readonly database")
_CORRUPT_TEXT = ("database disk image is malformed", "file is not a database", "malformed")


@dataclass(frozen=True)
class Cause:
    """A failure sorted into what the person can act on; words() says it."""

    template: str
    name: str = ""
    path: str = ""

    def words(self, *, on_screen: bool) -> str:
        return self.template.format(kept=KEPT if on_screen else "", name=self.name, path=self.path)


def _texts(exc: BaseException) -> tuple[str, str | None]:
    """The lowered first lines of the error and of the driver's error, and a SQLSTATE."""
    orig = getattr(exc, "orig", None)
    parts = [str(exc).split("\n", 1)[0]]
    if isinstance(orig, BaseException):
        parts.append(str(orig).split("\n", 1)[0])
    state = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    return " ".join(parts).lower(), state


def cause_of(exc: BaseException) -> Cause | None:
    """The cause of a database or file failure, or None when it is none of those."""
    if isinstance(exc, ShareError):
        return None
    if isinstance(exc, OSError) and not _is_db_error(exc):
        path = str(exc.filename) if exc.filename else "the file"
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return Cause(FILE_FULL, path=path)
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            return Cause(FILE_READ_ONLY, path=path)
        return None
    if not _is_db_error(exc):
        return None
    text, state = _texts(exc)
    if state == "53100" or any(t in text for t in _FULL_TEXT):
        return Cause(DISK_FULL)
    if state == "25006" or any(t in text for t in _READ_ONLY_TEXT):
        return Cause(READ_ONLY)
    if state in ("XX001", "XX002") or any(t in text for t in _CORRUPT_TEXT):
        return Cause(CORRUPT)
    if state in ("40001", "40P01", "55P03") or any(t in text for t in _BUSY_TEXT):
        return Cause(BUSY)
    if (state and state.startswith(_UNREACHABLE_STATES)) or any(
        t in text for t in _UNREACHABLE_TEXT
    ):
        return Cause(UNREACHABLE)
    if state in ("P0001", "42501") or _sqlite_name(exc) == "SQLITE_CONSTRAINT_TRIGGER":
        return Cause(REFUSED)  # a trigger or a permission said no
    if (state and state.startswith("23")) or "integrity" in type(exc).__name__.lower():
        return Cause(CLASH)
    if type(exc).__name__ == "OperationalError":
        return Cause(UNREACHABLE)
    return Cause(UNEXPECTED, name=type(exc).__name__)


def _sqlite_name(exc: BaseException) -> str:
    orig = getattr(exc, "orig", exc)
    return str(getattr(orig, "sqlite_errorname", ""))


def store_failure(exc: BaseException) -> StoreFailed:
    """The typed error a service raises for a database fault, worded by its cause."""
    cause = cause_of(exc) or Cause(UNEXPECTED, name=type(exc).__name__)
    kind = StoreFailed if cause.template in (CLASH, REFUSED, UNEXPECTED) else StoreUnavailable
    return kind(cause.words(on_screen=True), cause.words(on_screen=False))


def _is_db_error(exc: BaseException) -> bool:
    """A SQLAlchemy error or a DB-API driver's own (sqlite3, psycopg, sqlcipher3)."""
    module = type(exc).__module__
    return module.startswith(("sqlalchemy", "sqlite3", "psycopg", "sqlcipher3"))


def describe(exc: BaseException | None, *, on_screen: bool) -> str:
    """Words for any failure. Typed errors keep their own message; a database or file fault
    says its cause and what to do; anything else names only its type (its text may hold
    personal details)."""
    if exc is None:
        return Cause(UNEXPECTED, name="unknown error").words(on_screen=on_screen)
    if isinstance(exc, ShareError):
        return exc.message if on_screen else getattr(exc, "command_line", exc.message)
    cause = cause_of(exc)
    if cause is None:
        cause = Cause(UNEXPECTED, name=type(exc).__name__)
    return cause.words(on_screen=on_screen)
