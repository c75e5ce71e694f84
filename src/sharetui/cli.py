"""The command line: `sharetui [--database URL] [COMMAND]`.

Exit status: 0 when the command did what it says; 1 when it could not (the reason is one
line on standard error); 2 for a mistyped command line; 70 when the app stopped on an
unexpected error (a plain message says where its crash report is); 130 when interrupted. Results go to
standard output; prompts, progress bars and errors to standard error.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from sharetui import __version__

PROG = "sharetui"
DEBUG_VARIABLE = "SHARETUI_DEBUG"

EPILOG = """\
The database is --database URL, else SHARETUI_DATABASE_URL, else sharetui.db in your user
data folder. URLs: a file path, sqlite:///path, or postgresql://user@host/dbname.

examples:
  sharetui demo                          try it with fictional data
  sharetui user add jo --name "Jo Bloggs" --role admin
  sharetui report --from 2026-01-01 --to 2026-03-31 --format csv
  sharetui export person P000123 --format pdf --out p000123.pdf
  sharetui import people pupils.csv --dry-run --user alex
"""


def _database_option(parser: argparse.ArgumentParser, default: object) -> None:
    parser.add_argument(
        "--database",
        metavar="URL",
        default=default,
        help="the database (default: SHARETUI_DATABASE_URL, else sharetui.db in the user "
        "data folder)",
    )


def build_parser() -> argparse.ArgumentParser:
    from sharetui.commands import admin, app, data, governance, importing, keys, users

    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Record information-sharing decisions, consent and safeguarding advice. "
        "With no command, opens the app.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    _database_option(parser, None)
    # Subcommands accept --database too; SUPPRESS keeps a value given before the command.
    common = argparse.ArgumentParser(add_help=False)
    _database_option(common, argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    app.register(sub, common)
    users.register(sub, common)
    admin.register(sub, common)
    data.register(sub, common)
    importing.register(sub, common)
    governance.register(sub, common)
    keys.register(sub, common)
    parser.set_defaults(handler=app.run_command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parse, run, and turn every failure into one line on stderr and an exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args))
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): stop quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except Exception as exc:  # noqa: BLE001 - the one place that turns errors into words
        if os.environ.get(DEBUG_VARIABLE) == "1":
            raise
        print(f"{PROG}: error: {describe(exc)}", file=sys.stderr)
        return 1


def describe(exc: BaseException) -> str:
    """One line for any failure, without SQL or parameter values (they may hold names).
    Database and file faults read as they do in the app (services/failures.py)."""
    from sharetui.domain.errors import ShareError
    from sharetui.services.failures import cause_of, describe

    if isinstance(exc, ShareError):
        return _one_line(describe(exc, on_screen=False))
    cause = cause_of(exc)
    if cause is not None:
        return cause.words(on_screen=False)
    if isinstance(exc, OSError):
        where = f": {exc.filename}" if exc.filename else ""
        return f"{exc.strerror or exc}{where}"
    if isinstance(exc, ModuleNotFoundError) and (exc.name or "").startswith("sharetui"):
        return f"this installation of sharetui is incomplete ({exc.name} is missing)"
    return (
        f"unexpected {type(exc).__name__}: {_one_line(str(exc))[:200]} "
        f"(set {DEBUG_VARIABLE}=1 to see the details)"
    )


def _one_line(text: str) -> str:
    return " ".join(text.split())


def entry_point() -> None:
    sys.exit(main())


if __name__ == "__main__":
    entry_point()
