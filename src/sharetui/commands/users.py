"""`sharetui user ...`: accounts, managed from the command line by the machine's owner.

These commands run without signing in (actor None in the services): whoever can run them
can already read the database file, and it is how the first accounts are made. Each change
is still audited, as done from the command line.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text

from sharetui.commands.common import (
    Handler,
    Subcommands,
    open_services,
    out,
    read_passphrase,
    settings_from,
    words,
)
from sharetui.domain.enums import AdviceRole, Role

if TYPE_CHECKING:
    from sharetui.services.users import UserView

ROLES = ", ".join(r.value for r in Role)
ADVICE_ROLES = ", ".join(r.value for r in AdviceRole)


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    user = Subcommands(sub, common).group(
        "user",
        help="manage accounts (run by the machine's owner; no sign-in)",
        description=__doc__,
        raw=True,
    )

    add = user.command("add", _add)
    add.add_argument("username", help="letters, digits, dots, dashes or underscores")
    add.add_argument("--name", required=True, help="the name colleagues know them by")
    add.add_argument("--role", required=True, help=f"one of: {ROLES}")
    add.add_argument(
        "--advice-roles",
        default="",
        metavar="LIST",
        help=f"for a supervisor, comma-separated: {ADVICE_ROLES}",
    )
    _stdin_option(add)

    user.command("list", _list)

    for name, active, text in (
        ("disable", False, "stop an account signing in (its records stay)"),
        ("enable", True, "let a disabled or locked account sign in again"),
    ):
        _on_one_account(user, name, _set_active, text).set_defaults(active=active)

    pw = user.command("set-passphrase", _set_passphrase)
    pw.add_argument("username")
    _stdin_option(pw)

    _on_one_account(user, "unlock", _unlock)
    _on_one_account(user, "reset-factor", _reset_factor)

    roles = user.command("set-roles", _set_roles)
    roles.add_argument("username")
    roles.add_argument("--role", required=True, help=f"one of: {ROLES}")
    roles.add_argument("--advice-roles", default="", metavar="LIST", help=ADVICE_ROLES)


def _on_one_account(
    user: Subcommands, name: str, handler: Handler, text: str | None = None
) -> argparse.ArgumentParser:
    """A command that takes only the username of the account it acts on; its help line,
    capitalised, opens its --help. The line is the handler's docstring, or text for a handler
    that serves several commands (disable and enable)."""
    text = words(handler).help if text is None else text
    parser = user.command(name, handler, help=text, description=text.capitalize())
    parser.add_argument("username")
    return parser


def _stdin_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--passphrase-stdin",
        action="store_true",
        help="read the new passphrase from standard input instead of asking twice",
    )


def _advice_roles(raw: str) -> list[str]:
    return [r.strip() for r in raw.split(",") if r.strip()]


def _describe(u: UserView) -> str:
    roles = ", ".join(r.label for r in u.advice_roles)
    return f"{u.username} ({u.display_name}): {u.role.label}" + (f", {roles}" if roles else "")


def _add(args: argparse.Namespace) -> int:
    """create an account"""
    passphrase = read_passphrase(args, "Passphrase for the new account: ", confirm=True)
    with open_services(settings_from(args)) as svc:
        u = svc.users.create(
            None, args.username, args.name, args.role, _advice_roles(args.advice_roles), passphrase
        )
    out().print(Text(f"Created {_describe(u)}"))
    if u.role.value != "practitioner":
        out().print(Text("They set up their second factor when they first sign in to the app."))
    return 0


def _list(args: argparse.Namespace) -> int:
    """list the accounts"""
    with open_services(settings_from(args)) as svc:
        users = svc.users.list(None)
    table = Table("Username", "Name", "Role", "Advice roles", "Second factor", "Status", box=None)
    for u in users:
        status = u.state_words
        table.add_row(
            Text(u.username),
            Text(u.display_name),
            Text(u.role.label),
            Text(", ".join(r.label for r in u.advice_roles)),
            Text("set up" if u.has_factor else "-"),
            Text(status),
        )
    console = out()
    if not console.is_terminal:
        console.width = 200  # piped or captured: one account a line, whatever the width
    if users:
        console.print(table)
    else:
        console.print(Text("No accounts yet. Create one with: sharetui user add"))
    return 0


def _set_active(args: argparse.Namespace) -> int:
    with open_services(settings_from(args)) as svc:
        u = svc.users.set_active(None, args.username, args.active)
    out().print(Text(f"{'Enabled' if args.active else 'Disabled'} {u.username}"))
    return 0


def _set_passphrase(args: argparse.Namespace) -> int:
    """set a new passphrase (also unlocks the account)

    Set a new passphrase for an account; also clears a lockout.
    """
    passphrase = read_passphrase(args, f"New passphrase for {args.username}: ", confirm=True)
    with open_services(settings_from(args)) as svc:
        u = svc.users.set_passphrase(None, args.username, passphrase)
    out().print(Text(f"Set a new passphrase for {u.username}"))
    return 0


def _set_roles(args: argparse.Namespace) -> int:
    """change the role and advice roles

    Change an account's role and, for a supervisor, its advice roles.
    """
    with open_services(settings_from(args)) as svc:
        u = svc.users.set_roles(None, args.username, args.role, _advice_roles(args.advice_roles))
    out().print(Text(f"Updated {_describe(u)}"))
    return 0


def _unlock(args: argparse.Namespace) -> int:
    """clear the waits after failed sign-ins for this username, at every terminal"""
    with open_services(settings_from(args)) as svc:
        u = svc.users.unlock(None, args.username)
    out().print(Text(f"{u.username} can sign in again at once at every terminal"))
    return 0


def _reset_factor(args: argparse.Namespace) -> int:
    """remove a lost second factor; a new one is set up at the next sign-in"""
    with open_services(settings_from(args)) as svc:
        u = svc.users.reset_factor(None, args.username)
    out().print(
        Text(f"Removed {u.username}'s second factor: they set up a new one at their next sign-in")
    )
    return 0
