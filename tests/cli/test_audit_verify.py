"""`sharetui audit verify`: administrators only, exit 0 on a whole chain, exit 1 naming the
first broken event, and the check itself audited."""

from __future__ import annotations

from sqlalchemy import create_engine, text

from sharetui.store.engine import normalise_url
from tests.attacker import around_the_triggers
from tests.cli.conftest import PASSPHRASE, Cli


def _sql(url: str, statement: str) -> object:
    engine = create_engine(normalise_url(url))
    try:
        with engine.begin() as conn, around_the_triggers(conn):
            result = conn.execute(text(statement))
            return result.scalar() if result.returns_rows else None
    finally:
        engine.dispose()


def test_verify_passes_then_names_the_altered_event(cli: Cli, database_url: str) -> None:
    ok = cli(
        "audit",
        "verify",
        "--user",
        "ada",
        "--passphrase-stdin",
        database=database_url,
        stdin=PASSPHRASE + "\n",
    )
    assert ok.code == 0, ok.err
    assert ok.out.strip().startswith("The audit trail is intact: ")
    assert _sql(database_url, "select count(*) from audit_event where action = 'audit.verify'") == 1

    _sql(database_url, "update audit_event set summary = 'role admin' where id = 3")
    broken = cli(
        "audit",
        "verify",
        "--user",
        "ada",
        "--passphrase-stdin",
        database=database_url,
        stdin=PASSPHRASE + "\n",
    )
    assert broken.error_line() == (
        "The audit trail is broken at event 3: event 3 was altered (2 events before it are intact)"
    )


def test_only_an_administrator_may_verify(cli: Cli, sqlite_template, tmp_path) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "a.db"
    db.write_bytes(sqlite_template.read_bytes())
    ran = cli(
        "audit",
        "verify",
        "--user",
        "sam",
        "--passphrase-stdin",
        database=f"sqlite:///{db}",
        stdin=PASSPHRASE + "\n",
    )
    assert ran.error_line() == "Only administrators can do this"
    wrong = cli(
        "audit",
        "verify",
        "--user",
        "ada",
        "--passphrase-stdin",
        database=f"sqlite:///{db}",
        stdin="not the passphrase\n",
    )
    assert wrong.error_line() == "That username and passphrase do not match"
    no_user = cli("audit", "verify", database=f"sqlite:///{db}")
    assert no_user.error_line() == "Give your username with --user when not at a terminal"
