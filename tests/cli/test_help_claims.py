"""What each command's --help claims about sign-in and defaults holds when it runs."""

from __future__ import annotations

from pathlib import Path

from tests.cli.conftest import DEMO_PASSPHRASES, Cli, Demo


def _help(cli: Cli, *command: str) -> str:
    ran = cli(*command, "--help")
    assert ran.code == 0, ran.err
    return " ".join(ran.out.split())


def test_demo_ignores_the_database_variable_as_its_help_says(cli: Cli, tmp_path: Path) -> None:
    words = _help(cli, "demo")
    assert "SHARETUI_DATABASE_URL is ignored" in words
    assert "default: SHARETUI_DATABASE_URL" not in words
    real = tmp_path / "real.db"
    data = tmp_path / "data"
    ran = cli("demo", "--no-open", "--families", "1", database=str(real), data_home=data)
    assert ran.code == 0, ran.err
    assert not real.exists()
    assert (data / "sharetui" / "demo.db").exists()


def test_commands_without_a_database_use_the_variable_then_the_data_folder(
    cli: Cli, tmp_path: Path
) -> None:
    words = _help(cli, "db", "current")
    assert "default: SHARETUI_DATABASE_URL, else sharetui.db in the user data folder" in words
    chosen = tmp_path / "chosen.db"
    assert cli("db", "upgrade", database=str(chosen)).code == 0
    assert chosen.exists()
    data = tmp_path / "data"
    assert cli("db", "upgrade", data_home=data).code == 0
    assert (data / "sharetui" / "sharetui.db").exists()


def _signed(cli: Cli, demo: Demo, user: str, *command: str):  # type: ignore[no-untyped-def]
    return cli(
        *command,
        "--user",
        user,
        "--passphrase-stdin",
        database=demo.url,
        stdin=DEMO_PASSPHRASES[user] + "\n",
    )


def test_audit_verify_needs_an_administrator_as_its_help_says(cli: Cli, demo_db: Demo) -> None:
    words = _help(cli, "audit", "verify")
    assert "signing in (administrator)" in words and "supervisor" not in words
    assert _signed(cli, demo_db, "sam", "audit", "verify").code == 1  # a supervisor
    assert _signed(cli, demo_db, "alex", "audit", "verify").code == 0  # the administrator


def test_report_needs_a_supervisor_or_administrator_as_its_help_says(
    cli: Cli, demo_db: Demo
) -> None:
    words = _help(cli, "report")
    assert "signing in (supervisor or administrator)" in words
    period = ("report", "--from", "2026-01-01", "--to", "2026-01-31")
    assert _signed(cli, demo_db, "priya", *period).code == 1  # a practitioner
    assert _signed(cli, demo_db, "sam", *period).code == 0
    assert _signed(cli, demo_db, "alex", *period).code == 0


def test_export_needs_a_supervisor_or_administrator_as_its_help_says(cli: Cli) -> None:
    assert "signing in (supervisor or administrator)" in _help(cli, "export", "person")
