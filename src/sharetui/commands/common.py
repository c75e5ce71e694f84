"""What every subcommand shares: how it is declared, settings, opening the store, reading
passphrases without echo, signing in, and output (results on stdout, prompts and progress on
stderr)."""

from __future__ import annotations

import argparse
import getpass
import inspect
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from sharetui.config import Settings
from sharetui.domain.errors import ShareError
from sharetui.domain.person import parse_date

if TYPE_CHECKING:  # the store is imported only when a command needs it: --help stays quick
    from sharetui.services.facade import Services
    from sharetui.services.unit_of_work import Actor


Handler = Callable[[argparse.Namespace], int]


class CommandFailed(ShareError):
    """A command cannot go on; its message is printed as the one line on stderr."""


class Words(NamedTuple):
    """What a command says about itself: its line in the list it stands in, and the text that
    opens its own --help."""

    help: str
    description: str


def words(handler: Handler) -> Words:
    """A command's words, from its handler's docstring, so that they are written beside the
    code that does what they say (as click and typer take them). The first paragraph is the
    help line, lower case like every entry of a list, its line breaks made spaces; the rest,
    after the first blank line, is the description, its line breaks kept for a command laid
    out by hand (raw). A docstring of one paragraph describes itself: the help line as a
    sentence, with a capital and a full stop. A handler without a docstring is refused here,
    when the command is declared, so that no command can appear without help."""
    doc = inspect.getdoc(handler)
    if not doc:
        raise TypeError(
            f"{handler.__module__}.{handler.__qualname__} runs a command but has no docstring: "
            "its first paragraph is the command's help line and the rest its description"
        )
    first, *rest = re.split(r"\n[ \t]*\n", doc, maxsplit=1)
    help_line = " ".join(first.split())
    description = rest[0].strip() if rest else ""
    if not description:
        description = help_line[:1].upper() + help_line[1:]
        if not description.endswith("."):
            description += "."
    return Words(help_line, description)


class Subcommands:
    """Where the commands under sharetui, or under one of its commands, are declared. Each
    takes --database from the shared parent parser (so the option may stand before or after
    the command's name) and names the function that runs it."""

    def __init__(
        self, actions: argparse._SubParsersAction, common: argparse.ArgumentParser
    ) -> None:
        self.actions = actions
        self.common = common

    def command(
        self,
        name: str,
        handler: Handler,
        *,
        help: str | None = None,
        description: str | None = None,
        epilog: str | None = None,
        raw: bool = False,
    ) -> argparse.ArgumentParser:
        """One command, run by handler and described by its docstring (see words). help or
        description given here overrides the docstring's, for a handler that serves several
        commands with different words; the docstring is then required only for a word not
        given. raw keeps the line breaks of a description or epilog laid out by hand."""
        if help is None or description is None:
            said = words(handler)
            help = said.help if help is None else help
            description = said.description if description is None else description
        parser = self._parser(name, help, description, epilog=epilog, raw=raw)
        parser.set_defaults(handler=handler)
        return parser

    def group(
        self, name: str, help: str, description: str, *, dest: str = "action", raw: bool = False
    ) -> Subcommands:
        """A command that only gathers others (db upgrade, db current): one of them must be
        named, shown in the usage as dest in capitals (ACTION, KIND). It runs nothing, so it
        has no docstring to take its words from: they are given here."""
        parser = self._parser(name, help, description, raw=raw)
        actions = parser.add_subparsers(dest=dest, metavar=dest.upper(), required=True)
        return Subcommands(actions, self.common)

    def _parser(
        self, name: str, help: str, description: str, *, epilog: str | None = None, raw: bool
    ) -> argparse.ArgumentParser:
        return self.actions.add_parser(
            name,
            parents=[self.common],
            help=help,
            description=description,
            epilog=epilog,
            formatter_class=argparse.RawDescriptionHelpFormatter if raw else argparse.HelpFormatter,
        )


def out() -> Console:
    """Results. No markup: stored values (names, organisations) are printed literally."""
    return Console(markup=False, highlight=False, emoji=False, soft_wrap=True)


def err() -> Console:
    return Console(stderr=True, markup=False, highlight=False, emoji=False)


def settings_from(args: argparse.Namespace) -> Settings:
    given = getattr(args, "database", None)
    if given is not None and not given.strip():
        raise CommandFailed(
            "--database is empty; give a database file path or URL (or leave the option out "
            "for SHARETUI_DATABASE_URL or the default)"
        )
    return Settings.from_env(database_url=given)


def database_named(args: argparse.Namespace) -> bool:
    """True when the database was named (--database or SHARETUI_DATABASE_URL) rather than
    the default location."""
    import os

    return bool(getattr(args, "database", None)) or bool(
        os.environ.get("SHARETUI_DATABASE_URL", "").strip()
    )


def new_key_words(path: Path) -> str:
    """Said once, when a command makes the site key for a new database."""
    return (
        f"Made a new site key at {path} (readable by this account only). Keep a copy "
        "somewhere safe and apart from the database and its backups: without it the "
        "database cannot be opened."
    )


def open_services(settings: Settings, *, migrate: bool = True) -> Services:
    """The services on an existing database: a missing path, an empty file or a database
    without the sharetui schema is refused, never created (only db upgrade makes one)."""
    from sharetui.services.facade import Services

    return Services.open(settings, migrate=migrate, create=False)


def add_sign_in_options(
    parser: argparse.ArgumentParser, who: str = "supervisor or administrator"
) -> None:
    """--user and --passphrase-stdin, under a heading that says whose sign-in is needed."""
    group = parser.add_argument_group(f"signing in ({who})")
    group.add_argument("--user", metavar="NAME", help="your username (asked for when not given)")
    group.add_argument(
        "--passphrase-stdin",
        action="store_true",
        help="read the passphrase from the first line of standard input and, for an account "
        "with a second factor, the code (or a recovery code) from the second (for scripts)",
    )


def read_passphrase(args: argparse.Namespace, prompt: str, *, confirm: bool = False) -> str:
    """From stdin with --passphrase-stdin, else asked without echo. Never an argument: it
    would show in the process list and the shell history."""
    if getattr(args, "passphrase_stdin", False):
        line = sys.stdin.readline()
        if not line:
            raise CommandFailed("No passphrase on standard input (--passphrase-stdin)")
        return line.rstrip("\r\n")
    if not sys.stdin.isatty():
        raise CommandFailed(
            "No terminal to ask for the passphrase: pipe it in with --passphrase-stdin"
        )
    first = getpass.getpass(prompt)
    if confirm and getpass.getpass("Type it again: ") != first:
        raise CommandFailed("The two passphrases do not match; nothing was changed")
    return first


def read_username(args: argparse.Namespace) -> str:
    if getattr(args, "user", None):
        return str(args.user)
    if not sys.stdin.isatty():
        raise CommandFailed("Give your username with --user when not at a terminal")
    sys.stderr.write("Username: ")
    sys.stderr.flush()
    return sys.stdin.readline().strip()


def read_code(args: argparse.Namespace) -> str:
    """The second factor's code: the next line of stdin with --passphrase-stdin, else asked
    without echo."""
    if getattr(args, "passphrase_stdin", False):
        line = sys.stdin.readline()
        if not line.strip():
            raise CommandFailed(
                "This account has a second factor: put the code from the authenticator app "
                "on the second line of standard input (--passphrase-stdin)"
            )
        return line.strip()
    if not sys.stdin.isatty():
        raise CommandFailed(
            "No terminal to ask for the code: pipe the passphrase and then the code in with "
            "--passphrase-stdin"
        )
    return getpass.getpass("Code from your authenticator app (or a recovery code): ")


def sign_in(svc: Services, args: argparse.Namespace, settings: Settings) -> Actor:
    """Who runs a command that touches personal data; the services check the role. The
    code is asked for only once the passphrase is right (as in the app)."""
    username = read_username(args)
    passphrase = read_passphrase(args, "Passphrase: ")
    step = svc.users.begin(username, passphrase, settings.terminal)
    if step.needs == "code":
        step = svc.users.give_code(step.ticket, read_code(args))
    if step.actor is None:
        svc.users.forget(step.ticket)
        what = (
            "choose a new passphrase"
            if step.needs == "new_passphrase"
            else "set up its second factor"
        )
        raise CommandFailed(f"This account must first {what}: sign in at a sharetui terminal")
    return step.actor


@contextmanager
def signed_in(settings: Settings, args: argparse.Namespace) -> Iterator[tuple[Services, Actor]]:
    """The services with whoever runs the command signed in, for the commands that read
    personal data or change what is kept (the services check the actor's role); closed when
    the command is done with them."""
    with open_services(settings) as svc:
        yield svc, sign_in(svc, args, settings)


@contextmanager
def progress(description: str) -> Iterator[Callable[[int, int], None]]:
    """A progress bar on stderr; yields update(done, total)."""
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err(),
        transient=True,
    )
    with bar:
        task = bar.add_task(description, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def option_date(raw: str | None, option: str, like: str = "2026-01-31") -> date | None:
    """A date typed after an option; None when the option was not given. A date that cannot
    be read stops the command, naming the option and showing a date that would do."""
    if raw is None:
        return None
    when = parse_date(raw)
    if when is None:
        raise CommandFailed(f"{option} {raw!r} is not a date: use a date like {like}")
    return when
