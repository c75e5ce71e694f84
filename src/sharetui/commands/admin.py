"""`sharetui db`, `sharetui audit verify` and `sharetui backup`: looking after the database."""

from __future__ import annotations

import argparse
import os
import sqlite3
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text

from sharetui.commands.common import (
    CommandFailed,
    add_sign_in_options,
    load_key,
    open_services,
    out,
    progress,
    settings_from,
    sign_in,
)

if TYPE_CHECKING:
    from sharetui.services.store import Store


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    db = sub.add_parser(
        "db",
        parents=[common],
        help="database schema: upgrade, or show the current version",
        description="Bring the database schema up to date, or show which version it is at.",
    )
    db_actions = db.add_subparsers(dest="action", metavar="ACTION", required=True)
    up = db_actions.add_parser(
        "upgrade",
        parents=[common],
        help="bring the schema up to date (refuses a database from a newer sharetui)",
        description="Bring the schema up to date, in one transaction.",
    )
    up.set_defaults(handler=_db_upgrade)
    cur = db_actions.add_parser(
        "current",
        parents=[common],
        help="show the schema version",
        description="Show the schema version of the database and of this sharetui.",
    )
    cur.set_defaults(handler=_db_current)

    audit = sub.add_parser(
        "audit",
        parents=[common],
        help="check the audit trail",
        description="Check the audit trail (administrators).",
    )
    audit_actions = audit.add_subparsers(dest="action", metavar="ACTION", required=True)
    ver = audit_actions.add_parser(
        "verify",
        parents=[common],
        help="walk the whole hash chain; exit 1 naming the first broken event",
        description=(
            "Recompute the hash of every audit event, in order. Exit status 0 when the chain "
            "is whole; 1 when an event was altered, removed or reordered, naming the first. "
            "Needs an administrator's sign-in; the check is itself audited."
        ),
    )
    add_sign_in_options(ver, "administrator")
    ver.set_defaults(handler=_audit_verify)

    backup = sub.add_parser(
        "backup",
        parents=[common],
        help="copy the database safely while it is in use (SQLite)",
        description=(
            "Copy a SQLite database with SQLite's online backup, so the copy is consistent "
            "even while people are using the app. The copy is readable by you only. For "
            "PostgreSQL this prints how to use pg_dump and exits with status 1."
        ),
    )
    backup.add_argument("path", type=Path, help="the file to write")
    backup.add_argument("--force", action="store_true", help="replace PATH if it exists")
    backup.set_defaults(handler=_backup)


def _db_upgrade(args: argparse.Namespace) -> int:
    from sharetui.store.engine import make_engine
    from sharetui.store.keys import check_opens
    from sharetui.store.migrate import current_revision, upgrade

    settings = settings_from(args)
    key = load_key(settings)
    engine = make_engine(settings.database_url, key=key)
    check_opens(engine, keyed=key is not None)
    try:
        before = current_revision(engine)
        after = upgrade(engine)
    finally:
        engine.dispose()
    if before == after:
        out().print(Text(f"The database schema is already up to date ({after})."))
    else:
        out().print(Text(f"Upgraded the database schema from {before or 'empty'} to {after}."))
    return 0


def _db_current(args: argparse.Namespace) -> int:
    from sharetui.store.engine import make_engine
    from sharetui.store.keys import check_opens
    from sharetui.store.migrate import current_revision, head_revision

    settings = settings_from(args)
    key = load_key(settings)
    engine = make_engine(settings.database_url, key=key)
    check_opens(engine, keyed=key is not None)
    try:
        current = current_revision(engine)
    finally:
        engine.dispose()
    head = head_revision()
    if current == head:
        text = f"Schema {current}: up to date."
    elif current is None:
        text = f"No schema yet; this sharetui uses {head}. Run: sharetui db upgrade"
    else:
        text = f"Schema {current}; this sharetui uses {head}. Run: sharetui db upgrade"
    out().print(Text(text))
    return 0


def _audit_verify(args: argparse.Namespace) -> int:
    from sharetui.services.audit import verify_as

    settings = settings_from(args)
    svc = open_services(settings)
    try:
        actor = sign_in(svc, args, settings)
        with progress("Checking the audit trail") as update:
            result = verify_as(svc.store, actor, update)
    finally:
        svc.close()
    if not result.ok:
        raise CommandFailed(
            f"The audit trail is broken at event {result.first_broken_id}: {result.problem} "
            f"({result.checked:,} events before it are intact)"
        )
    out().print(Text(f"The audit trail is intact: {result.checked:,} events checked."))
    return 0


def _backup(args: argparse.Namespace) -> int:
    from sqlalchemy.engine import make_url

    from sharetui.services.audit import append
    from sharetui.services.store import Store
    from sharetui.store.engine import make_engine, normalise_url
    from sharetui.store.keys import check_opens

    settings = settings_from(args)
    url = make_url(normalise_url(settings.database_url))
    if url.get_backend_name() != "sqlite":
        shown = url.render_as_string(hide_password=True).replace("+psycopg", "")
        raise CommandFailed(
            "This database is PostgreSQL: back it up with pg_dump, for example "
            f"pg_dump --format=custom --file={args.path} '{shown}' "
            "(restore with pg_restore)"
        )
    if not url.database or url.database == ":memory:":
        raise CommandFailed("There is no database file to back up")
    source = Path(url.database)
    if not source.exists():
        raise CommandFailed(f"There is no database at {source}")
    target: Path = args.path.expanduser()
    if target.resolve() == source.resolve():
        raise CommandFailed("The backup cannot overwrite the database itself")
    if target.exists() and not args.force:
        raise CommandFailed(f"{target} already exists; choose a new file name or add --force")
    if not target.parent.is_dir():
        raise CommandFailed(f"The folder {target.parent} does not exist")
    key = load_key(settings)
    engine = make_engine(settings.database_url, key=key)
    check_opens(engine, keyed=key is not None)
    store = Store(engine, settings)
    try:
        # Audited first, so the copy records that it was made.
        store.write(
            lambda s: append(
                s,
                None,
                "db.backup",
                "database",
                "",
                f"to {target.name}",
                username="(command line)",
                terminal=settings.terminal,
            )
        )
        pages = _copy(store, target, key)
    finally:
        store.dispose()
    size = target.stat().st_size
    out().print(Text(f"Backed up to {target} ({size / 1_048_576:.1f} MB, {pages:,} pages)."))
    return 0


def _copy(store: Store, target: Path, key: str | None) -> int:
    """SQLite's online backup into a private temporary file, checked, then moved into place."""
    fd, tmp = tempfile.mkstemp(prefix=".sharetui-backup-", dir=target.parent)  # mode 0600
    os.close(fd)
    raw = store.engine.raw_connection()
    try:
        source: Any = raw.driver_connection
        dest = _connect_like(source, tmp, key)
        try:
            # One step: a single read of a consistent snapshot. Copying in chunks would let
            # SQLite restart the copy at every write from another terminal, for ever on a
            # busy desk; WAL keeps the writers going meanwhile.
            with progress("Backing up (pages)") as update:
                source.backup(
                    dest, pages=-1, progress=lambda _s, rem, total: update(total - rem, total)
                )
            check = dest.execute("PRAGMA quick_check").fetchone()
            pages = dest.execute("PRAGMA page_count").fetchone()[0]
        finally:
            dest.close()
        if not check or check[0] != "ok":
            raise CommandFailed(f"The copy failed its integrity check: {check}; nothing kept")
        os.replace(tmp, target)
        return int(pages)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    finally:
        raw.close()


def _connect_like(source: Any, path: str, key: str | None) -> Any:
    if key is None:
        return sqlite3.connect(path)
    import sqlcipher3.dbapi2 as sqlcipher  # type: ignore[import-untyped]

    dest = sqlcipher.connect(path)
    dest.execute("PRAGMA key = '" + key.replace("'", "''") + "'")
    return dest
