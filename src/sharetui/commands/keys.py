"""`sharetui key create` and `sharetui key encrypt`: the site key that encrypts a SQLite
database at rest (see sharetui.store.keys), made and first used from the command line."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.text import Text

from sharetui.commands.common import CommandFailed, new_key_words, out, settings_from
from sharetui.config import Settings


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    key = sub.add_parser(
        "key",
        parents=[common],
        help="the site key that encrypts a SQLite database",
        description=(
            "The site key: 32 random bytes in a file only the kiosk account can read. Point "
            "SHARETUI_KEY_FILE at it and the SQLite database is encrypted (SQLCipher)."
        ),
    )
    actions = key.add_subparsers(dest="action", metavar="ACTION", required=True)
    create = actions.add_parser(
        "create",
        parents=[common],
        help="write a new random key file (never overwrites one)",
        description=(
            "Write a new random site key to PATH, readable by this account only. An existing "
            "file is never replaced: the database it opens would be lost."
        ),
    )
    create.add_argument("path", type=Path)
    create.set_defaults(handler=_create)
    encrypt = actions.add_parser(
        "encrypt",
        parents=[common],
        help="move a plain SQLite database over to encryption under the site key",
        description=(
            "Encrypt a plain SQLite database where it lies, under the site key "
            "(SHARETUI_KEY_FILE, else the site key sharetui keeps in your configuration "
            "folder, made now if there is none). Stop sharetui on every terminal first: a "
            "database still open anywhere is refused, unchanged. The encrypted copy is "
            "checked (every table's rows) before it replaces the plain file, which is then "
            "removed with its -wal file. With a second path, write an encrypted copy there "
            "instead and leave the plain file as it is."
        ),
    )
    encrypt.add_argument(
        "plain",
        type=Path,
        nargs="?",
        help="the plain SQLite database (default: --database, SHARETUI_DATABASE_URL or the "
        "default file)",
    )
    encrypt.add_argument(
        "encrypted",
        type=Path,
        nargs="?",
        help="write an encrypted copy here instead, leaving the plain file as it is",
    )
    encrypt.set_defaults(handler=_encrypt)


def _create(args: argparse.Namespace) -> int:
    from sharetui.store.keys import create_key_file

    path = create_key_file(args.path).resolve()
    out().print(
        Text(
            f"Wrote a new site key to {path}. Keep a copy somewhere safe: without it the "
            "database cannot be read. Use it with SHARETUI_KEY_FILE=" + str(path)
        )
    )
    return 0


def _encrypt(args: argparse.Namespace) -> int:
    from sharetui.store.encrypt_site import encrypt_copy, encrypt_in_place
    from sharetui.store.encryption import site_key
    from sharetui.store.keys import read_key
    from sharetui.store.opening import require_existing, sqlite_path

    settings = settings_from(args)
    if args.plain is not None:
        settings = settings.replace(database_url=str(args.plain))
    path = sqlite_path(settings.database_url)
    if path is None:
        raise CommandFailed(
            "This database is not a SQLite file: a database server's storage is encrypted by "
            "the server (encrypted disks, TLS); see docs/encryption.md"
        )
    require_existing(settings.database_url)
    _check_plain_database(settings.database_url)
    settled = site_key(settings, path)
    console = out()
    if settled.new_key is not None:
        console.print(Text(new_key_words(settled.new_key)))
    key_file = settled.settings.key_file
    hex_key = read_key(key_file)
    if args.encrypted is not None:
        target = encrypt_copy(path, args.encrypted, hex_key)
        console.print(
            Text(
                f"Wrote an encrypted copy to {target}, under the site key {key_file}. The "
                f"plain file {path} is left as it is: remove it once the copy opens."
            )
        )
        return 0
    moved = encrypt_in_place(path, hex_key)
    _audit_move(settled.settings)
    console.print(
        Text(
            f"Encrypted the database at {moved.path} under the site key {key_file} "
            f"({moved.tables} tables, {moved.rows:,} rows checked), and removed the plain "
            "file. Backups made before now are still plain: make a new one (sharetui backup) "
            "and destroy the old ones. On an SSD the plain data may linger in the flash."
        )
    )
    return 0


def _check_plain_database(url: str) -> None:
    """Nothing is moved out of a damaged file or one from a newer sharetui (whose -wal
    would be folded in by a schema this sharetui does not know)."""
    from sharetui.store.encrypt_site import PLAIN_HEADER
    from sharetui.store.engine import make_engine
    from sharetui.store.migrate import check_not_newer
    from sharetui.store.opening import require_healthy, sqlite_path

    path = sqlite_path(url)
    assert path is not None
    with path.open("rb") as f:
        if f.read(len(PLAIN_HEADER)) != PLAIN_HEADER:
            raise CommandFailed(
                f"{path} is not a plain SQLite database (it is encrypted already, or is not "
                "a database); nothing was changed"
            )
    engine = make_engine(url, pool=False)
    try:
        require_healthy(engine, url)
        check_not_newer(engine)
    finally:
        engine.dispose()


def _audit_move(settings: Settings) -> None:
    """The move is on the audit trail: the first event keyed with the site key."""
    from sharetui.services.audit import append
    from sharetui.services.store import Store
    from sharetui.store.encryption import open_engine
    from sharetui.store.migrate import current_revision

    engine, settled = open_engine(settings)
    store = Store(engine, settled.settings)
    try:
        if current_revision(engine) is None:
            return  # not a sharetui database (yet): no audit trail to write to
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
