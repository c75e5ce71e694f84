"""`sharetui backup`: a consistent copy of a SQLite site, made while terminals keep working.

The copy is SQLite's online backup of one snapshot into a private temporary file beside the
target, checked with `quick_check` and only then moved into place, so a failed or interrupted
backup never leaves a file that looks like a backup. An encrypted site is copied encrypted,
with its own key. The backup is audited before the copy is made, so the copy records it.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sharetui.config import Settings
from sharetui.domain.errors import StoreFailed
from sharetui.services.at_rest import key_for, open_engine
from sharetui.services.site import (
    audit_backup,
    check_not_newer,
    require_healthy,
    require_schema,
)
from sharetui.services.unit_of_work import Store


class BackupFailed(StoreFailed):
    """The copy could not be made whole; nothing was kept."""


@dataclass(frozen=True)
class BackupMade:
    pages: int
    key_file: str | None  # the key the copy opens with (the site's), for checking the copy


def back_up(
    settings: Settings, target: Path, progress: Callable[[int, int], None] | None = None
) -> BackupMade:
    """Copy the site's SQLite database to target (which the caller has checked is new or may be
    replaced). Nothing is written (not even the audit event) into a
    damaged file, a database without the schema, or one from a newer sharetui."""
    engine, settled = open_engine(settings)
    settings = settled.settings
    key = key_for(settings)
    store = Store(engine, settings)
    try:
        require_healthy(engine, settings.database_url)
        require_schema(engine, settings.database_url)
        check_not_newer(engine)
        audit_backup(store, target.name)
        return BackupMade(_copy(store, target, key, progress), settings.key_file)
    finally:
        store.dispose()


def _copy(
    store: Store, target: Path, key: str | None, progress: Callable[[int, int], None] | None
) -> int:
    fd, tmp = tempfile.mkstemp(prefix=".sharetui-backup-", dir=target.parent)  # mode 0600
    os.close(fd)
    raw = store.engine.raw_connection()
    try:
        source: Any = raw.driver_connection
        dest = _connect_like(tmp, key)
        try:
            # One step: a single read of a consistent snapshot. Copying in chunks would let
            # SQLite restart the copy at every write from another terminal, for ever on a
            # busy desk; WAL keeps the writers going meanwhile.
            def step(_status: int, remaining: int, total: int) -> None:
                if progress is not None:
                    progress(total - remaining, total)

            source.backup(dest, pages=-1, progress=step)
            check = dest.execute("PRAGMA quick_check").fetchone()
            pages = dest.execute("PRAGMA page_count").fetchone()[0]
        finally:
            dest.close()
        if not check or check[0] != "ok":
            raise BackupFailed(f"The copy failed its integrity check: {check}; nothing kept")
        os.replace(tmp, target)
        return int(pages)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    finally:
        raw.close()


def _connect_like(path: str, key: str | None) -> Any:
    """A connection to the new file, keyed like the site's own when it is encrypted."""
    if key is None:
        return sqlite3.connect(path)
    import sqlcipher3.dbapi2 as sqlcipher

    dest = sqlcipher.connect(path)
    dest.execute("PRAGMA key = '" + key.replace("'", "''") + "'")
    return dest
