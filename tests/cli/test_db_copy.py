"""`sharetui db copy` and `sharetui db verify`: a demo site (made through the services by
`sharetui demo`) moves to PostgreSQL and back with every row, id and audit event; the copy
works through the services; an encrypted source copies with its key; a target with records,
a broken source and a faulty copy are each stopped with the table named, source unchanged."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from sharetui.cli import main
from sharetui.config import Settings
from sharetui.domain.person import PersonInput
from sharetui.services.facade import Services
from sharetui.store import transfer
from sharetui.store.engine import make_engine
from sharetui.store.keys import pragma_key, read_key
from sharetui.store.transfer import site_tables, tables_holding_data
from tests.cli.conftest import DEMO_PASSPHRASES, Cli, Demo, key_of, site_key_file
from tests.fresh_pg import fresh_pg_database

Rows = dict[str, list[tuple[object, ...]]]


@pytest.fixture
def pg_target(pg_template: str) -> Iterator[str]:
    """A new, empty PostgreSQL database (pg_template: skip or fail as the other PG tests)."""
    with fresh_pg_database("copy") as url:
        yield url


def site_rows(url: str, key: str | None = None) -> Rows:
    """Every row of every table, in id order, as the app reads them."""
    engine = make_engine(url, key=key, pool=False)
    try:
        with engine.connect() as conn:
            return {
                t.name: [tuple(r) for r in conn.execute(select(t).order_by(*t.primary_key.columns))]
                for t in site_tables()
            }
    finally:
        engine.dispose()


def private_copy(demo: Demo, tmp_path: Path) -> Path:
    """The shared demo is read-only for tests: changes happen on a copy (of the encrypted
    file: no command has it open, so its -wal is folded in)."""
    target = tmp_path / "site.db"
    shutil.copy(demo.path, target)
    return target


def with_site_key() -> dict[str, str]:
    """The environment of a site moved to PostgreSQL: its audit trail is keyed with the site
    key of the SQLite file it came from, so the site runs with that key file."""
    return {"SHARETUI_KEY_FILE": str(site_key_file())}


def copied(ran_out: str) -> tuple[int, int]:
    match = re.search(r"Copied ([\d,]+) rows in (\d+) tables .* \(([\d,]+) events\)\.", ran_out)
    assert match, ran_out
    assert int(match[2]) == len(site_tables()), ran_out
    return int(match[1].replace(",", "")), int(match[3].replace(",", ""))


def test_demo_site_moves_to_postgresql_and_back(
    cli: Cli, demo_db: Demo, pg_target: str, tmp_path: Path
) -> None:
    before = site_rows(demo_db.url, demo_db.key)
    events = len(before["audit_event"])
    assert before["draft"] and len(before["sharing_decision"]) > 100  # drafts, versions

    ran = cli("db", "copy", "--from", str(demo_db.path), "--to", pg_target)
    assert ran.code == 0, ran.err
    assert copied(ran.out) == (sum(len(v) for v in before.values()), events)
    assert ran.out.splitlines()[1] == (
        f"Its audit trail is keyed with the site key {site_key_file()}: run the copied site "
        f"with SHARETUI_KEY_FILE={site_key_file()}, or its audit trail cannot be verified."
    )
    assert site_rows(pg_target) == before  # every row, every id, every value

    verified = cli(
        "audit",
        "verify",
        "--user",
        "alex",
        "--passphrase-stdin",
        database=pg_target,
        stdin=DEMO_PASSPHRASES["alex"] + "\n",
        env=with_site_key(),
    )
    assert verified.code == 0, verified.err
    # The copy's events, and the administrator's sign-in just before the check.
    assert verified.out.strip().splitlines()[0] == (
        f"The audit trail is intact: {events + 1:,} events checked."
    )

    # The copy serves the site: sign in, find, open, see drafts, and save a new record (the
    # PostgreSQL sequences were moved past the copied ids).
    svc = Services.open(
        Settings(database_url=pg_target, terminal="copy-test", key_file=str(site_key_file()))
    )
    try:
        priya = svc.users.sign_in("priya", DEMO_PASSPHRASES["priya"])
        someone = before["person"][0]
        found = svc.people.find(priya, str(someone[1]))
        assert found.items
        assert svc.people.open(priya, found.items[0].id).summary.id == found.items[0].id
        new = svc.people.create(
            priya,
            PersonInput(family_name="Moved", given_names="Site", date_of_birth=date(2019, 1, 2)),
            confirm_not_duplicate=True,
        )
        assert new.id == max(int(r[0]) for r in before["person"]) + 1  # type: ignore[call-overload]
    finally:
        svc.close()

    back = tmp_path / "back.db"
    ran = cli("db", "copy", "--from", pg_target, "--to", str(back))
    assert ran.code == 0, ran.err
    # Back in a new SQLite file, encrypted under the site key like any new database.
    assert not back.read_bytes().startswith(b"SQLite format 3")
    assert site_rows(f"sqlite:///{back}", key_of(back)) == site_rows(pg_target)
    drill = cli("db", "verify", str(back))
    assert drill.code == 0, drill.err
    assert drill.out.startswith(f"{back} opens and is whole: schema ")
    assert site_rows(demo_db.url, demo_db.key) == before  # the source was only read


def test_encrypted_site_copies_with_its_key(
    cli: Cli, sqlite_template: Path, pg_target: str, tmp_path: Path
) -> None:
    """A site encrypted under a key of its own (not this account's site key) copies only
    with that key named."""
    key_file = tmp_path / "site.key"
    assert cli("key", "create", str(key_file)).code == 0
    plain, encrypted = tmp_path / "plain.db", tmp_path / "enc.db"
    shutil.copy(sqlite_template, plain)
    with_key = {"SHARETUI_KEY_FILE": str(key_file)}
    assert cli("key", "encrypt", str(plain), str(encrypted), env=with_key).code == 0

    refused = cli("db", "copy", "--from", str(encrypted), "--to", pg_target)
    assert refused.error_line().startswith("This database is encrypted")
    ran = cli("db", "copy", "--from", str(encrypted), "--to", pg_target, env=with_key)
    assert ran.code == 0, ran.err
    assert site_rows(pg_target) == site_rows(f"sqlite:///{plain}")

    # And back into a new encrypted file, for a site returning to one workstation.
    back = tmp_path / "back-enc.db"
    ran = cli("db", "copy", "--from", pg_target, "--to", str(back), env=with_key)
    assert ran.code == 0, ran.err
    assert not back.read_bytes().startswith(b"SQLite format 3")
    key = pragma_key(read_key(key_file))
    assert site_rows(f"sqlite:///{back}", key) == site_rows(f"sqlite:///{plain}")
    assert cli("db", "verify", str(back), env=with_key).code == 0
    assert cli("db", "verify", str(back)).error_line().startswith("This database is encrypted")


def test_a_target_with_records_is_refused(
    cli: Cli, demo_db: Demo, pg_target: str, tmp_path: Path
) -> None:
    assert cli("db", "copy", "--from", str(demo_db.path), "--to", pg_target).code == 0
    before = site_rows(pg_target)
    again = cli("db", "copy", "--from", str(demo_db.path), "--to", pg_target)
    assert again.error_line().startswith(f"The target {pg_target} is not empty (app_user, ")
    assert again.error_line().endswith("copy into a new, empty database; nothing was copied")
    assert site_rows(pg_target) == before

    # A SQLite target where someone already made an account is not empty either.
    used = tmp_path / "used.db"
    assert cli("db", "upgrade", database=str(used)).code == 0  # a database is made on purpose
    made = cli(
        "user",
        "add",
        "jo",
        "--name",
        "Jo",
        "--role",
        "admin",
        "--passphrase-stdin",
        database=str(used),
        stdin="a long enough passphrase\n",
    )
    assert made.code == 0, made.err
    ran = cli("db", "copy", "--from", pg_target, "--to", str(used))
    assert ran.error_line() == (
        f"The target {used} is not empty (app_user, audit_event, audit_head hold records): "
        "copy into a new, empty database; nothing was copied"
    )
    same = cli("db", "copy", "--from", str(demo_db.path), "--to", f"sqlite:///{demo_db.path}")
    assert same.error_line() == "The source and the target are the same database"
    missing = cli("db", "copy", "--from", str(tmp_path / "nope.db"), "--to", str(tmp_path / "x"))
    assert missing.error_line() == f"There is no database at {tmp_path / 'nope.db'}"
    assert not (tmp_path / "nope.db").exists()


def test_a_broken_source_chain_is_named(
    cli: Cli, demo_db: Demo, pg_target: str, tmp_path: Path
) -> None:
    from tests.attacker import around_the_triggers

    site = private_copy(demo_db, tmp_path)
    engine = make_engine(f"sqlite:///{site}", key=key_of(site))
    with engine.begin() as conn, around_the_triggers(conn):  # as someone writing the file
        conn.exec_driver_sql("UPDATE audit_event SET summary = 'nothing to see' WHERE id = 40")
    engine.dispose()
    ran = cli("db", "copy", "--from", str(site), "--to", pg_target)
    assert ran.error_line().startswith(
        "The source's own audit trail is broken (event 40 was altered); the copy in "
    )


@pytest.mark.parametrize("lost", ["advice_event", "consent_event"])
def test_a_row_lost_in_the_copy_stops_it_and_undoes_it(
    lost: str,
    demo_db: Demo,
    pg_target: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    real = transfer.insert_batch

    def lossy(target, table, rows):  # type: ignore[no-untyped-def]
        # A fault in the copy: the last row of one table never reaches the target.
        real(target, table, rows[:-1] if table.name == lost else rows)

    monkeypatch.setattr(transfer, "insert_batch", lossy)
    before = site_rows(demo_db.url, demo_db.key)
    assert main(["db", "copy", "--from", str(demo_db.path), "--to", pg_target]) == 1
    message = capsys.readouterr().err.strip()
    n = len(before[lost])
    if lost == "advice_event":  # nothing refers to it: the count comparison finds it
        assert message.endswith(
            f"sharetui: error: Table advice_event: {n:,} rows in the source but {n - 1:,} in "
            "the copy; the copy was undone and the source is unchanged"
        )
    else:  # a decision refers to it: the target refuses that decision
        assert "sharetui: error: Table sharing_decision: the target refused a row (" in message
        assert message.endswith("the copy was undone and the source is unchanged")
    engine = make_engine(pg_target, pool=False)
    with engine.connect() as conn:
        assert tables_holding_data(conn) == []
    engine.dispose()
    assert site_rows(demo_db.url, demo_db.key) == before


def test_an_event_altered_in_the_copy_is_detected(
    demo_db: Demo,
    pg_target: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    real = transfer.insert_batch

    def tampering(target, table, rows):  # type: ignore[no-untyped-def]
        if table.name == "audit_event":
            rows = [dict(r, summary="changed") if r["id"] == 7 else r for r in rows]
        real(target, table, rows)

    monkeypatch.setattr(transfer, "insert_batch", tampering)
    assert main(["db", "copy", "--from", str(demo_db.path), "--to", pg_target]) == 1
    assert (
        capsys.readouterr()
        .err.strip()
        .endswith(
            "sharetui: error: Table audit_event: the copy's audit trail does not verify (event 7 "
            f"was altered) although the source's does; do not use {pg_target}: empty it and "
            "copy again. The source is unchanged"
        )
    )


def test_verify_names_a_damaged_backup(cli: Cli, demo_db: Demo, tmp_path: Path) -> None:
    site = private_copy(demo_db, tmp_path)
    backup = tmp_path / "backup.db"
    made = cli("backup", str(backup), "--verify", database=str(site))
    assert made.code == 0, made.err
    assert f"{backup} opens and is whole: schema " in made.out
    assert cli("db", "verify", str(backup)).code == 0
    from tests.attacker import around_the_triggers

    engine = make_engine(f"sqlite:///{backup}", key=key_of(backup))  # the backup is encrypted
    with engine.begin() as conn, around_the_triggers(conn):  # as someone writing the file
        conn.exec_driver_sql("DELETE FROM audit_event WHERE id = (SELECT max(id) FROM audit_event)")
    engine.dispose()
    drill = cli("db", "verify", str(backup))
    assert drill.error_line().startswith(
        f"{backup} would not serve the site: the audit trail is broken at event "
    )
    assert "are missing (the chain head says" in drill.error_line()
