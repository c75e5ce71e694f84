"""`sharetui key create` and `sharetui key encrypt`: the site key that encrypts a SQLite
database at rest (see sharetui.store.keys), made and first used from the command line."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.text import Text

from sharetui.commands.common import Subcommands, new_key_words, out, settings_from


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    key = Subcommands(sub, common).group(
        "key",
        help="the site key that encrypts a SQLite database",
        description=(
            "The site key: 32 random bytes in a file only the kiosk account can read. Point "
            "SHARETUI_KEY_FILE at it and the SQLite database is encrypted (SQLCipher)."
        ),
    )
    create = key.command("create", _create)
    create.add_argument("path", type=Path)
    encrypt = key.command("encrypt", _encrypt)
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


def _create(args: argparse.Namespace) -> int:
    """write a new random key file (never overwrites one)

    Write a new random site key to PATH, readable by this account only. An existing file is
    never replaced: the database it opens would be lost.
    """
    from sharetui.services.at_rest import create_key_file

    path = create_key_file(args.path).resolve()
    out().print(
        Text(
            f"Wrote a new site key to {path}. Keep a copy somewhere safe: without it the "
            "database cannot be read. Use it with SHARETUI_KEY_FILE=" + str(path)
        )
    )
    return 0


def _encrypt(args: argparse.Namespace) -> int:
    """move a plain SQLite database over to encryption under the site key

    Encrypt a plain SQLite database where it lies, under the site key (SHARETUI_KEY_FILE,
    else the site key sharetui keeps in your configuration folder, made now if there is
    none). Stop sharetui on every terminal first: a database still open anywhere is refused,
    unchanged. The encrypted copy is checked (every table's rows) before it replaces the plain
    file, which is then removed with its -wal file. With a second path, write an encrypted
    copy there instead and leave the plain file as it is.
    """
    from sharetui.services.at_rest import encrypted_copy, move_over

    settings = settings_from(args)
    if args.plain is not None:
        settings = settings.replace(database_url=str(args.plain))
    if args.encrypted is not None:
        done = encrypted_copy(settings, args.encrypted)
    else:
        done = move_over(settings)
    console = out()
    if done.settled.new_key is not None:
        console.print(Text(new_key_words(done.settled.new_key)))
    key_file = done.settled.settings.key_file
    if done.copy is not None:
        console.print(
            Text(
                f"Wrote an encrypted copy to {done.copy}, under the site key {key_file}. The "
                "plain file is left as it is: remove it once the copy opens."
            )
        )
        return 0
    assert done.moved is not None
    console.print(
        Text(
            f"Encrypted the database at {done.moved.path} under the site key {key_file} "
            f"({done.moved.tables} tables, {done.moved.rows:,} rows checked), and removed the "
            "plain file. Backups made before now are still plain: make a new one (sharetui "
            "backup) and destroy the old ones. On an SSD the plain data may linger in the flash."
        )
    )
    return 0
