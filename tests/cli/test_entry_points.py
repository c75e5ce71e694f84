"""The command as installed: --help everywhere, exit statuses, one-line errors, and the app
launcher refusing to start without a terminal (after dropping unsafe TEXTUAL_* settings)."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sharetui import __version__
from sharetui.cli import main
from sharetui.commands.common import Subcommands, words
from tests.cli.conftest import Cli

COMMANDS = [
    [],
    ["run"],
    ["demo"],
    ["user"],
    ["user", "add"],
    ["user", "list"],
    ["user", "disable"],
    ["user", "enable"],
    ["user", "set-passphrase"],
    ["user", "set-roles"],
    ["db"],
    ["db", "upgrade"],
    ["db", "current"],
    ["audit"],
    ["audit", "verify"],
    ["export"],
    ["export", "person"],
    ["report"],
    ["backup"],
    ["key"],
    ["key", "create"],
    ["key", "encrypt"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "sharetui")
def test_every_command_has_help(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([*command, "--help"])
    assert exit_.value.code == 0
    text = capsys.readouterr().out
    assert text.startswith(f"usage: sharetui {' '.join(command)}".rstrip())
    assert "--database URL" in text


def test_a_command_without_a_docstring_is_refused_when_declared() -> None:
    """A command's help is its handler's docstring, so a handler without one would add a
    command with nothing to say: it is refused as the parser is built, naming the handler."""
    parser = argparse.ArgumentParser()
    commands = Subcommands(parser.add_subparsers(), argparse.ArgumentParser(add_help=False))

    def _silent(args: argparse.Namespace) -> int:
        return 0

    with pytest.raises(TypeError, match=r"_silent runs a command but has no docstring"):
        commands.command("silent", _silent)


def test_a_docstring_of_one_paragraph_is_its_own_description() -> None:
    """A handler with only a help line says it again atop its --help, as a sentence; the
    line's own breaks are the docstring's wrapping, not the reader's."""

    def _wave(args: argparse.Namespace) -> int:
        """wave at
        everyone"""
        return 0

    assert words(_wave) == ("wave at everyone", "Wave at everyone.")


def test_python_m_and_the_console_script(cli: Cli) -> None:
    ran = cli("--help")
    assert ran.code == 0
    assert "subject access export" in ran.out
    script = Path(sys.executable).with_name("sharetui")
    version = subprocess.run(
        [str(script), "--version"], capture_output=True, text=True, check=False, timeout=60
    )
    assert version.returncode == 0
    assert version.stdout.strip() == f"sharetui {__version__}"


def test_a_mistyped_command_exits_2_with_usage(cli: Cli) -> None:
    ran = cli("expot", "person")
    assert ran.code == 2
    assert "usage: sharetui" in ran.err
    assert "invalid choice: 'expot'" in ran.err


def test_the_app_needs_a_terminal_and_never_loads_a_textual_driver(
    cli: Cli, tmp_path: Path
) -> None:
    ran = cli(  # the first run at the default location: the app would make the database
        env={"TEXTUAL_DRIVER": "no_such_module_anywhere:Driver", "TEXTUAL": "devtools"},
    )
    assert "needs a terminal" in ran.error_line()


def test_the_launcher_drops_textual_settings_before_textual_is_imported(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    saved = dict(os.environ)  # the test tools keep their own TEXTUAL_* settings here
    try:
        monkeypatch.setenv("TEXTUAL_DRIVER", "no_such_module:Driver")
        monkeypatch.setenv("TEXTUAL_LOG", "/tmp/screens.log")
        monkeypatch.setattr(sys.stdin, "isatty", lambda: False)
        assert main(["run"]) == 1
        assert "TEXTUAL_DRIVER" not in os.environ
        assert "TEXTUAL_LOG" not in os.environ
    finally:
        os.environ.clear()
        os.environ.update(saved)


def test_an_unreachable_database_is_one_line(cli: Cli) -> None:
    ran = cli("--database", "postgresql://nobody@127.0.0.1:1/nothing", "user", "list")
    message = ran.error_line()
    assert message == (
        "The database cannot be reached: nothing was saved. Try again in a moment, or tell "
        "your administrator"
    )


def test_a_file_that_cannot_be_created_is_one_line(cli: Cli, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    ran = cli("--database", str(blocker / "sub" / "x.db"), "user", "list")
    assert ran.error_line()
