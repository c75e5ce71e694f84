"""Moving a plain SQLite site over to encryption (`sharetui key encrypt`).

SQLCipher's sqlcipher_export writes every table, index, trigger and view of the plain file
into a new encrypted one; the copy is then opened with the key and checked (SQLite's quick
check, and every table holds the source's number of rows) before anything is replaced.

In place, the plain file is held with an exclusive lock from the first read to the swap: a
terminal that still has the database open makes the move stop before anything changes (its
writes would otherwise go to the plain file after the swap and be lost), and none can open it
meanwhile. The plain file and its -wal and -shm are then removed; on an SSD their data may
linger in the flash (docs/encryption.md).
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sharetui.store.keys import (
    KEY_BYTES,
    EncryptionError,
    KeyFileError,
    fsync_dir,
    pragma_key,
)

PLAIN_HEADER = b"SQLite format 3\x00"


@dataclass(frozen=True)
class Moved:
    path: Path  # the encrypted database
    tables: int
    rows: int


def _sqlcipher() -> Any:
    try:
        import sqlcipher3.dbapi2 as sqlcipher
    except ImportError:
        raise EncryptionError(
            "SQLCipher is not installed, so the database cannot be encrypted here: "
            "install sharetui with the 'encryption' extra (sqlcipher3-binary)"
        ) from None
    return sqlcipher


def _check_source(source: Path, hex_key: str) -> None:
    if not source.is_file():
        raise EncryptionError(f"There is no database at {source}")
    if len(hex_key) != KEY_BYTES * 2 or any(c not in "0123456789abcdef" for c in hex_key):
        raise KeyFileError("The key must be 64 hexadecimal characters")
    with source.open("rb") as f:
        head = f.read(len(PLAIN_HEADER))
    if head != PLAIN_HEADER:
        raise EncryptionError(
            f"{source} is not a plain SQLite database (it is encrypted already, or is not a "
            "database); nothing was changed"
        )


def _counts(conn: Any, schema: str) -> dict[str, int]:
    names = [
        r[0]
        for r in conn.execute(
            f"SELECT name FROM {schema}.sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    return {n: conn.execute(f'SELECT count(*) FROM {schema}."{n}"').fetchone()[0] for n in names}


def _export(conn: Any, target: Path, hex_key: str) -> Moved:
    """Write the encrypted copy from an open plain connection, then open it with the key on
    its own and check it holds what the source holds."""
    sqlcipher = _sqlcipher()
    before = _counts(conn, "main")
    conn.execute("ATTACH DATABASE ? AS encrypted KEY ?", (str(target), pragma_key(hex_key)))
    try:
        conn.execute("SELECT sqlcipher_export('encrypted')")
        version = conn.execute("PRAGMA main.user_version").fetchone()[0]
        conn.execute(f"PRAGMA encrypted.user_version={int(version)}")
    finally:
        conn.execute("DETACH DATABASE encrypted")
    os.chmod(target, 0o600)
    check = sqlcipher.connect(str(target), isolation_level=None)
    try:
        check.execute(f'PRAGMA key = "{pragma_key(hex_key)}"')
        check.execute("PRAGMA cipher_log_level=NONE")
        ok = check.execute("PRAGMA quick_check").fetchone()[0]
        after = _counts(check, "main")
    finally:
        check.close()
    if ok != "ok" or after != before:
        differ = sorted(t for t in before.keys() | after.keys() if before.get(t) != after.get(t))
        raise EncryptionError(
            "The encrypted copy does not match the plain database "
            f"({ok if ok != 'ok' else 'rows differ in ' + ', '.join(differ)}); "
            "nothing was changed"
        )
    return Moved(target, len(after), sum(after.values()))


def encrypt_copy(
    plain: str | os.PathLike[str], destination: str | os.PathLike[str], hex_key: str
) -> Path:
    """Write a checked, encrypted copy of a plain SQLite database. The plain file is left as
    it is: the site removes it once the copy is checked."""
    source = Path(plain).expanduser().resolve()
    target = Path(destination).expanduser().resolve()
    _check_source(source, hex_key)
    if target.exists():
        raise EncryptionError(f"{target} already exists; choose a new file")
    conn = _sqlcipher().connect(str(source), isolation_level=None)
    try:
        conn.execute("PRAGMA cipher_log_level=NONE")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        try:
            _export(conn, target, hex_key)
        except BaseException:
            target.unlink(missing_ok=True)
            raise
    finally:
        conn.close()
    return target


def encrypt_in_place(database: str | os.PathLike[str], hex_key: str) -> Moved:
    """Replace a plain SQLite database by its encrypted copy, where it lies. Refused, with
    nothing changed, while any other connection has the database open."""
    sqlcipher = _sqlcipher()
    source = Path(database).expanduser().resolve()
    _check_source(source, hex_key)
    conn = sqlcipher.connect(str(source), isolation_level=None, timeout=0.5)
    tmp: Path | None = None
    try:
        conn.execute("PRAGMA cipher_log_level=NONE")
        # Exclusive from here to the swap: a terminal with the database open is refused now,
        # and no terminal can open it until the encrypted file is in its place.
        conn.execute("PRAGMA locking_mode=EXCLUSIVE")
        try:
            conn.execute("BEGIN EXCLUSIVE")
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            conn.execute("COMMIT")
        except sqlcipher.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            raise EncryptionError(
                f"The database at {source} is in use: close sharetui on every terminal that "
                "uses it (and wait for any backup to finish), then try again; nothing was "
                "changed"
            ) from None
        # Fold the -wal into the file and stop using one, so nothing plain is left beside it.
        conn.execute("PRAGMA journal_mode=DELETE")
        fd, name = tempfile.mkstemp(prefix=f".{source.name}-encrypting-", dir=source.parent)
        os.close(fd)  # an empty file, mode 0600: SQLCipher makes the database in it
        tmp = Path(name)
        moved = _export(conn, tmp, hex_key)
        os.replace(tmp, source)
        tmp = None
        for suffix in ("-wal", "-shm", "-journal"):
            Path(f"{source}{suffix}").unlink(missing_ok=True)
    finally:
        conn.close()
        if tmp is not None:
            tmp.unlink(missing_ok=True)
    fsync_dir(source.parent)
    return Moved(source, moved.tables, moved.rows)
