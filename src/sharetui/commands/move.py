"""`sharetui db copy` and `sharetui db verify`: moving a site to another database, and the
restore drill that proves a backup or a copy opens and is whole."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from rich.text import Text

from sharetui.commands.common import CommandFailed, Subcommands, out, progress, settings_from

if TYPE_CHECKING:
    from sharetui.services.site_copy import Endpoint

KEY_HELP = (
    "site key file of an encrypted SQLite {end} (default: the site key, SHARETUI_KEY_FILE or "
    "the one sharetui made; 'none' for a plain file)"
)


def register(db: Subcommands) -> None:
    """Declared under `sharetui db`, beside upgrade and current."""
    copy = db.command(
        "copy",
        _db_copy,
        epilog=(
            "example:\n  sharetui db copy --from /srv/sharetui/sharetui.db "
            "--to postgresql://sharetui_owner@localhost/sharetui"
        ),
        raw=True,  # for the example; the description's line breaks then stand as written
    )
    copy.add_argument(
        "--from",
        dest="source",
        metavar="URL",
        help="the database to copy (default: --database, SHARETUI_DATABASE_URL, or the "
        "default SQLite file)",
    )
    copy.add_argument("--to", dest="target", metavar="URL", required=True, help="the empty target")
    copy.add_argument("--from-key-file", metavar="PATH", help=KEY_HELP.format(end="source"))
    copy.add_argument("--to-key-file", metavar="PATH", help=KEY_HELP.format(end="target"))

    check = db.command("verify", _db_verify)
    check.add_argument(
        "target",
        nargs="?",
        metavar="PATH_OR_URL",
        help="the database to check (default: the configured database)",
    )
    check.add_argument("--key-file", metavar="PATH", help=KEY_HELP.format(end="database"))


def endpoint(url: str, key_file: str | None, *, may_create: bool = False) -> Endpoint:
    """A URL and its keys: an explicit key file ('none' for a plain file and an unkeyed
    chain), else the site key (SHARETUI_KEY_FILE, or for an encrypted SQLite file the one
    sharetui made). may_create: a new SQLite target is made encrypted, as db upgrade makes one
    (SHARETUI_PLAIN: plain). On a server the key file keys the audit chain only."""
    from sharetui.config import Settings
    from sharetui.services.at_rest import checked_key, read_key
    from sharetui.services.site_copy import Endpoint

    settings = Settings.from_env(database_url=url)
    if key_file is not None:
        plain = key_file.lower() == "none"
        settings = settings.replace(
            key_file="" if plain else key_file, default_key_file="", plain=plain
        )
    if not Endpoint(url).is_sqlite:
        if settings.key_file:
            read_key(settings.key_file)  # named now if missing or readable by others
        return Endpoint(url, None, settings.key_file)
    settled, key = checked_key(settings, may_create=may_create)
    return Endpoint(url, key, settled.settings.key_file)


def _db_copy(args: argparse.Namespace) -> int:
    """copy a whole site into an empty database (SQLite to PostgreSQL, or back)

    Copy every table (people, every version of every decision, consent, advice,
    drafts, accounts, the audit chain and its head) into an empty database, keeping
    every id. The target's schema is created first; a target that holds records is
    refused. The source is only read: terminals may keep working on it, but what
    they save after the copy starts is not in the copy, so stop them first. At the
    end the rows of each table are compared and the copy's audit chain is verified;
    any difference stops with the table named and the source unchanged.
    """
    from sharetui.services.site_copy import copy_site

    source_url = args.source or settings_from(args).database_url
    source = endpoint(source_url, args.from_key_file)
    target = endpoint(args.target, args.to_key_file, may_create=True)
    with progress("Copying rows") as update:
        report = copy_site(source, target, progress=update)
    lines = [
        f"Copied {report.rows:,} rows in {len(report.counts)} tables to {target.shown} in "
        f"{report.seconds:.1f} s; every table has the source's row count and the audit "
        f"trail verifies ({report.events_verified:,} events)."
    ]
    if source.key_file and source.key_file != target.key_file:
        lines.append(
            f"Its audit trail is keyed with the site key {source.key_file}: run the copied "
            f"site with SHARETUI_KEY_FILE={source.key_file}, or its audit trail cannot be "
            "verified."
        )
    out().print(Text("\n".join(lines)))
    return 0


def _db_verify(args: argparse.Namespace) -> int:
    """restore drill: open a backup or a copy and check it is whole

    Open a database (a backup file, a restored PostgreSQL database, or the live one) and
    check it without changing it: SQLite's integrity check, the schema version, and the whole
    audit chain. Exit status 0 when it would serve the site; 1 naming what is wrong.
    """
    return verify_database(args.target or settings_from(args).database_url, args.key_file)


def verify_database(url: str, key_file: str | None) -> int:
    """The restore drill: prints what was checked, or fails naming what is wrong."""
    from sharetui.services.site_copy import check_copy

    target = endpoint(url, key_file)
    with progress("Checking the audit trail") as update:
        report = check_copy(target, progress=update)
    if not report.ok:
        raise CommandFailed(
            f"{target.shown} would not serve the site: {'; '.join(report.problems)}"
        )
    rows = sum(report.counts.values())
    out().print(
        Text(
            f"{target.shown} opens and is whole: schema {report.revision}, {rows:,} rows, "
            f"audit trail intact ({report.events_verified:,} events)."
        )
    )
    return 0
