"""`sharetui db`, `sharetui audit verify` and `sharetui backup`: looking after the database."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from rich.text import Text

from sharetui.commands import move
from sharetui.commands.common import (
    CommandFailed,
    Subcommands,
    add_sign_in_options,
    new_key_words,
    out,
    progress,
    settings_from,
    signed_in,
)


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    commands = Subcommands(sub, common)
    db = commands.group(
        "db",
        help="database: upgrade the schema, show its version, copy a site, verify a copy",
        description="Bring the database schema up to date, or show which version it is at.",
    )
    up = db.command("upgrade", _db_upgrade)
    up.add_argument(
        "--plain",
        action="store_true",
        help="make a new SQLite database without encryption (for a disk that is encrypted "
        "already); by default it is encrypted under the site key",
    )
    db.command("current", _db_current)
    move.register(db)

    audit = commands.group(
        "audit",
        help="check the audit trail",
        description="Check the audit trail (administrators).",
    )
    ver = audit.command("verify", _audit_verify)
    ver.add_argument(
        "--seal",
        type=Path,
        metavar="FILE",
        help="also prove that nothing up to the sealed event changed (see: audit seal)",
    )
    add_sign_in_options(ver, "administrator")
    seal = audit.command("seal", _audit_seal)
    seal.add_argument("--out", type=Path, metavar="FILE", required=True, help="the seal file")
    add_sign_in_options(seal)

    backup = commands.command("backup", _backup)
    backup.add_argument("path", type=Path, help="the file to write")
    backup.add_argument("--force", action="store_true", help="replace PATH if it exists")
    backup.add_argument(
        "--verify",
        action="store_true",
        help="then open the copy and check it as a restore would (sharetui db verify PATH)",
    )


def _db_upgrade(args: argparse.Namespace) -> int:
    """bring the schema up to date (refuses a database from a newer sharetui)

    Bring the schema up to date, in one transaction.
    """
    # The one command that makes a new database (besides the first-run set-up), and says
    # where; an existing one is checked before anything is written to it. A new SQLite
    # database is encrypted under the site key (made now if there is none) unless --plain.
    from sharetui.services.at_rest import at_rest, open_engine
    from sharetui.services.site import current_revision, is_new, require_healthy, upgrade, where

    settings = settings_from(args)
    if args.plain:
        settings = settings.replace(plain=True)
    url = settings.database_url
    new = is_new(url)
    engine, settled = open_engine(settings, may_create=True)
    try:
        if not new:
            require_healthy(engine, url)
        before = current_revision(engine)
        with progress("Building search keys (people)") as update:
            after = upgrade(engine, update)
        stored = at_rest(engine, settled.settings)
    finally:
        engine.dispose()
    console = out()
    if settled.new_key is not None:
        console.print(Text(new_key_words(settled.new_key)))
    if new:
        console.print(Text(f"Made a new database at {where(url)} (schema {after})."))
        console.print(Text(stored.words))
    elif before == after:
        console.print(Text(f"The database schema is already up to date ({after})."))
    else:
        console.print(Text(f"Upgraded the database schema from {before or 'empty'} to {after}."))
    return 0


def _db_current(args: argparse.Namespace) -> int:
    """show the schema version

    Show the schema version of the database and of this sharetui.
    """
    # Reads only; exit 1 for anything this sharetui cannot use as it is. Says whether the
    # database is encrypted at rest, and if not why.
    from sharetui.services.at_rest import at_rest, open_engine
    from sharetui.services.site import (
        check_not_newer,
        current_revision,
        head_revision,
        require_existing,
        require_healthy,
        where,
    )

    settings = settings_from(args)
    url = settings.database_url
    require_existing(url)
    engine, settled = open_engine(settings)
    try:
        require_healthy(engine, url)
        check_not_newer(engine)
        current = current_revision(engine)
        stored = at_rest(engine, settled.settings)
    finally:
        engine.dispose()
    head = head_revision()
    if current is None:
        raise CommandFailed(
            f"{where(url)} holds no sharetui database yet; this sharetui uses {head}. "
            "Make one there with: sharetui db upgrade"
        )
    if current == head:
        text = f"Schema {current}: up to date."
    else:
        text = f"Schema {current}; this sharetui uses {head}. Run: sharetui db upgrade"
    out().print(Text(f"{text}\n{stored.words}"))
    return 0


def _audit_verify(args: argparse.Namespace) -> int:
    """walk the whole hash chain; exit 1 naming the first broken event

    Recompute the hash of every audit event, in order. Exit status 0 when the chain is whole;
    1 when an event was altered, removed or reordered, naming the first. Needs an
    administrator's sign-in; the check is itself audited.
    """
    from sharetui.services.audit_seal import read_seal

    settings = settings_from(args)
    sealed = read_seal(args.seal) if args.seal else None
    with signed_in(settings, args) as (svc, actor):
        with progress("Checking the audit trail") as update:
            result = svc.audit.verify(actor, update, sealed)
        keyed = svc.audit.keyed
    if not result.ok:
        passed_over = bool(result.inserted) and result.first_broken_id == result.inserted[0]
        intact = (
            f"the {result.checked:,} events the app wrote are intact"
            if passed_over
            else f"{result.checked:,} events before it are intact"
        )
        raise CommandFailed(
            f"The audit trail is broken at event {result.first_broken_id}: {result.problem} "
            f"({intact})"
        )
    lines = [
        f"The audit trail is intact: {result.checked:,} events checked.",
        _scheme(result, keyed),
    ]
    if sealed is not None:
        lines.append(
            f"It matches the seal of {sealed.sealed_at:%Y-%m-%d %H:%M} UTC: nothing up to event "
            f"{sealed.last_event_id} ({sealed.events:,} events) has changed."
        )
    out().print(Text("\n".join(lines)))
    return 0


def _scheme(result: Any, keyed: bool) -> str:
    """How the chain is hashed, and what that proves against someone who can write the file."""
    if result.keyed_from is None:
        why = (
            "this site has no key file (SHARETUI_KEY_FILE)"
            if not keyed
            else "no event has been written with the site key yet"
        )
        return (
            f"Hashed with plain SHA-256 ({why}): anyone able to write the database could "
            "recompute the whole chain. Keep a seal elsewhere (sharetui audit seal) and check "
            "against it with --seal."
        )
    if result.keyed_from <= 1:
        return "Keyed with the site key (HMAC-SHA-256) from the first event."
    return (
        f"Keyed with the site key (HMAC-SHA-256) from event {result.keyed_from}; the "
        f"{result.keyed_from - 1:,} events before it, written before the site had a key, are "
        "plain SHA-256: a seal proves those."
    )


def _audit_seal(args: argparse.Namespace) -> int:
    """verify, then write the chain's head (count, time, hash) to a file kept elsewhere

    Verify the whole chain, then print its head and write it, with a checkpoint every 100
    events, to FILE. Keep the file away from the database (another machine, a printout):
    `audit verify --seal FILE` then proves that nothing before it changed, even if someone
    rewrote the whole chain. Needs an administrator's sign-in.
    """
    from sharetui.services.audit_seal import write_seal

    settings = settings_from(args)
    target: Path = args.out.expanduser()
    if target.exists():
        raise CommandFailed(f"{target} already exists; keep old seals and choose a new file name")
    if not target.parent.is_dir():
        raise CommandFailed(f"The folder {target.parent} does not exist")
    with (
        signed_in(settings, args) as (svc, actor),
        progress("Checking the audit trail") as update,
    ):
        result, seal = svc.audit.seal(actor, update)
    if seal is None:
        raise CommandFailed(
            f"Nothing sealed: the audit trail is broken at event {result.first_broken_id}: "
            f"{result.problem}"
        )
    write_seal(seal, target)
    out().print(
        Text(
            f"Sealed {seal.events:,} events at {seal.sealed_at:%Y-%m-%d %H:%M:%S} UTC.\n"
            f"Last event: {seal.last_event_id}\n"
            f"Hash: {seal.last_hash}\n"
            f"Written to {target}. Keep it away from the database; check with: "
            f"sharetui audit verify --seal {target}"
        )
    )
    return 0


def _backup(args: argparse.Namespace) -> int:
    """copy the database safely while it is in use (SQLite)

    Copy a SQLite database with SQLite's online backup, so the copy is consistent even while
    people are using the app. The copy is readable by you only. For PostgreSQL this prints how
    to use pg_dump and exits with status 1.
    """
    from sharetui.services.backup import back_up
    from sharetui.services.site import postgres_dump_hint, require_existing, sqlite_file

    settings = settings_from(args)
    shown = postgres_dump_hint(settings.database_url)
    if shown is not None:
        raise CommandFailed(
            "This database is PostgreSQL: back it up with pg_dump, for example "
            f"pg_dump --format=custom --file={args.path} '{shown}' "
            "(restore with pg_restore)"
        )
    source = sqlite_file(settings.database_url)
    if source is None:
        raise CommandFailed("There is no database file to back up")
    require_existing(settings.database_url)
    target: Path = args.path.expanduser()
    if target.resolve() == source.resolve():
        raise CommandFailed("The backup cannot overwrite the database itself")
    if target.exists() and not args.force:
        raise CommandFailed(f"{target} already exists; choose a new file name or add --force")
    if not target.parent.is_dir():
        raise CommandFailed(f"The folder {target.parent} does not exist")
    with progress("Backing up (pages)") as update:
        made = back_up(settings, target, update)
    size = target.stat().st_size
    out().print(Text(f"Backed up to {target} ({size / 1_048_576:.1f} MB, {made.pages:,} pages)."))
    if args.verify:
        return move.verify_database(str(target), key_file=made.key_file or "none")
    return 0
