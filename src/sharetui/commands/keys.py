"""`sharetui key create` and `sharetui key encrypt`: the site key that encrypts a SQLite
database at rest (see sharetui.store.keys), made and first used from the command line."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.text import Text

from sharetui.commands.common import CommandFailed, out, settings_from


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
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
        help="write an encrypted copy of a plain SQLite database",
        description=(
            "Write an encrypted copy of a plain SQLite database, under the key in "
            "SHARETUI_KEY_FILE. The plain file is left as it is: remove it once the copy "
            "opens."
        ),
    )
    encrypt.add_argument("plain", type=Path, help="the plain SQLite database")
    encrypt.add_argument("encrypted", type=Path, help="the encrypted copy to write")
    encrypt.set_defaults(handler=_encrypt)


def _create(args: argparse.Namespace) -> int:
    from sharetui.services.site import create_key_file

    path = create_key_file(args.path).resolve()
    out().print(
        Text(
            f"Wrote a new site key to {path}. Keep a copy somewhere safe: without it the "
            "database cannot be read. Use it with SHARETUI_KEY_FILE=" + str(path)
        )
    )
    return 0


def _encrypt(args: argparse.Namespace) -> int:
    from sharetui.services.site import encrypt_copy, read_key

    settings = settings_from(args)
    if not settings.key_file:
        raise CommandFailed("Set SHARETUI_KEY_FILE to the site key file first")
    hex_key = read_key(settings.key_file)
    target = encrypt_copy(args.plain, args.encrypted, hex_key)
    out().print(Text(f"Wrote an encrypted copy to {target}."))
    return 0
