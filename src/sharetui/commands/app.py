"""`sharetui` / `sharetui run` and `sharetui demo`: open the app, or seed and open the demo."""

from __future__ import annotations

import argparse
import sys

from rich.table import Table
from rich.text import Text

from sharetui.commands.common import (
    CommandFailed,
    Subcommands,
    database_named,
    err,
    new_key_words,
    out,
    progress,
    settings_from,
    words,
)
from sharetui.config import Settings
from sharetui.launcher import sanitise_environment


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    Subcommands(sub, common).command("run", run_command)

    # Not through Subcommands: the demo has its own --database, in place of the shared one.
    said = words(demo_command)
    demo = sub.add_parser("demo", help=said.help, description=said.description)
    demo.add_argument(  # its own: the shared option's help names another default
        "--database",
        metavar="URL",
        default=argparse.SUPPRESS,
        help="the demo database (default: demo.db in the user data folder; "
        "SHARETUI_DATABASE_URL is ignored)",
    )
    demo.add_argument(
        "--seed",
        type=int,
        default=None,
        metavar="N",
        help="the same seed makes the same families and records (default 1); dates are "
        "placed relative to today",
    )
    demo.add_argument(
        "--families",
        type=_families,
        default=None,
        metavar="N",
        help="how many households to make, 1 to 2000 (default 80: about 300 people)",
    )
    demo.add_argument(
        "--reset", action="store_true", help="delete the demo file first and make it again"
    )
    demo.add_argument(
        "--no-open", action="store_true", help="only make the database and print the accounts"
    )
    demo.add_argument(
        "--plain",
        action="store_true",
        help="make the demo database without encryption (by default it is encrypted under "
        "the site key, like any new database)",
    )
    demo.set_defaults(handler=demo_command)


def _families(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if not 1 <= value <= 2000:
        raise argparse.ArgumentTypeError(f"{raw!r} is not a number from 1 to 2000")
    return value


def _open_app(
    settings: Settings,
    demo_accounts: list[tuple[str, str, str]] | None,
    *,
    first_run: bool = False,
) -> int:
    sanitise_environment()
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise CommandFailed("The app needs a terminal: run sharetui from a terminal window")
    from sharetui.ui.app import run_app

    if first_run:
        from sharetui.services.at_rest import settle
        from sharetui.services.site import where

        settled = settle(settings, may_create=True)  # the site key is made before the app
        settings = settled.settings
        how = (
            f"encrypted under the site key {settings.key_file}"
            if settled.keyed
            else "plain SQLite, not encrypted (the administrator's home says why)"
        )
        lines = [
            f"First run: making a new database at {where(settings.database_url)}, {how}; "
            "the app then asks for its first administrator."
        ]
        if settled.new_key is not None:
            lines.insert(0, new_key_words(settled.new_key))
        err().print(Text("\n".join(lines)))
    return run_app(settings, demo_accounts=demo_accounts, create=first_run)


def run_command(args: argparse.Namespace) -> int:
    """open the app (the default)

    Open the app on the configured database.
    """
    # Only the default location, with nothing there yet, is a first run that makes a
    # database; a database named with --database or SHARETUI_DATABASE_URL must exist (a
    # mistyped path is refused, never offered to a stranger as a new site).
    from sharetui.services.site import is_new, require_existing

    settings = settings_from(args)
    first_run = False
    if database_named(args):
        require_existing(settings.database_url)
    else:
        first_run = is_new(settings.database_url)
    return _open_app(settings, None, first_run=first_run)


def demo_command(args: argparse.Namespace) -> int:
    """open the app on a demo database of fictional families

    Make (or reuse) a demo database of fictional families: several hundred people, linked
    families, consent given, refused, withdrawn and not sought, decisions of every outcome
    (some amended), and advice requests in every state. Prints one account per role with its
    passphrase (and second-factor secret), then opens the app. The database is demo.db in the
    user data folder unless --database is given; SHARETUI_DATABASE_URL is ignored, so real
    records are never touched, and sharetui demo refuses a database that holds anything but
    demo data.
    """
    from sharetui import demo

    given = getattr(args, "database", None)
    if given is not None and not given.strip():
        raise CommandFailed("--database is empty; give a file path or URL for the demo database")
    url = given or demo.default_demo_url()
    settings = Settings.from_env(database_url=url)
    if args.plain:
        settings = settings.replace(plain=True)
    file = demo.sqlite_file(url)
    where = _where(url, file)
    before = demo.inspect_state(settings)
    if before == "other":
        raise CommandFailed(
            f"{where} holds records that are not demo data; sharetui demo never writes into "
            "or deletes it. Choose another --database"
        )
    if args.reset and before == "changed":
        added = demo.added_since_demo(settings)
        raise CommandFailed(
            f"{where} holds {added}; sharetui demo --reset never deletes what people added. "
            "Choose another --database, or remove the file yourself"
        )
    if args.reset and before != "absent":
        if file is None:
            raise CommandFailed(
                "--reset only deletes a SQLite demo file; for another database, drop and "
                "create it again yourself"
            )
        demo.remove_sqlite_files(file)
    from sharetui.services.at_rest import settle

    settled = settle(settings, may_create=True)  # a new demo is encrypted like any database
    settings = settled.settings
    if settled.new_key is not None:
        out().print(Text(new_key_words(settled.new_key)))
    svc = demo.open_for_seeding(settings)
    try:
        state = demo.demo_state(svc)
        if state == "other":
            raise CommandFailed(f"{where} holds records that are not demo data")
        if state == "changed":
            state = "demo"  # reused as it is: what people added stays
        if state == "incomplete":
            raise CommandFailed(
                f"The demo database at {where} was not finished; run sharetui demo --reset"
            )
        console = out()
        if state == "empty":
            seed = demo.DEFAULT_SEED if args.seed is None else args.seed
            with progress("Making the demo database") as update:
                summary = demo.seed(
                    svc, seed, families=args.families or demo.FAMILIES, progress=update
                )
            console.print(Text(f"Made the demo database at {where} (seed {seed}):"))
            console.print(Text(f"  {svc.at_rest().words}"))
            statuses = ", ".join(f"{n} {s}" for s, n in sorted(summary.advice_by_status.items()))
            console.print(
                Text(
                    f"  {summary.people} people in {summary.families} families, "
                    f"{summary.links} links, {summary.consent_events} consent events, "
                    f"{summary.decisions} decisions ({summary.amended_decisions} amended), "
                    f"{summary.advice_items} advice requests ({statuses})."
                )
            )
        else:
            used = demo.demo_seed_used(svc)
            note = ""
            if args.seed is not None and used is not None and args.seed != used:
                note = f"; --seed {args.seed} ignored, add --reset to make it again"
            console.print(Text(f"Reusing the demo database at {where} (seed {used}{note})."))
        if file is not None:
            svc.checkpoint()
    finally:
        svc.close()
    _print_accounts()
    if args.no_open:
        return 0
    accounts = [(a.username, a.passphrase, a.role_label) for a in demo.DEMO_ACCOUNTS]
    return _open_app(settings, accounts)


def _where(url: str, file: object) -> str:
    if file is not None:
        return str(file)
    from sharetui.services.site import shown_url

    return shown_url(url)


def _print_accounts() -> None:
    from sharetui import demo

    console = out()
    console.print(Text("Demo accounts (fictional data; these passphrases are for the demo only):"))
    table = Table("Username", "Passphrase", "Role", box=None, padding=(0, 2, 0, 2))
    for a in demo.DEMO_ACCOUNTS:
        table.add_row(Text(a.username), Text(a.passphrase), Text(a.role_label))
    console.print(table)
    console.print(
        Text(
            "Supervisors and administrators also give a code from an authenticator app. The "
            "demo's sign-in screen shows the current code; to use an app instead, add these "
            "secrets (time-based, 6 digits, 30 seconds):"
        )
    )
    for a in demo.DEMO_ACCOUNTS:
        if a.totp_secret:
            console.print(Text(f"  {a.username:<8} {a.totp_secret}"))
