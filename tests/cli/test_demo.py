"""`sharetui demo`: a realistic, deterministic demo made through the services, which passes
`sharetui audit verify`, lists one account per role, and never touches real records."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sharetui.config import Settings
from sharetui.services.audit import verify
from sharetui.services.unit_of_work import Store
from sharetui.store.engine import make_engine
from tests.cli.conftest import (
    DEMO_PASSPHRASES,
    DEMO_SEED,
    Cli,
    Demo,
    connect,
    key_of,
    site_key_file,
)


def _query(path: Path, sql: str) -> list[tuple]:  # type: ignore[type-arg]
    conn = connect(path)  # the demo is encrypted under the site key
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_the_demo_lists_one_account_per_role(demo_db: Demo) -> None:
    out = demo_db.made.out
    assert f"Made the demo database at {demo_db.path} (seed {DEMO_SEED}):" in out
    for username, passphrase in DEMO_PASSPHRASES.items():
        line = next(ln for ln in out.splitlines() if ln.split()[:1] == [username])
        assert passphrase in line
    roles = dict(_query(demo_db.path, "select username, role from app_user"))
    assert roles == {
        "priya": "practitioner",
        "sam": "supervisor",
        "dee": "supervisor",
        "alex": "admin",
    }
    advice_roles = dict(_query(demo_db.path, "select username, advice_roles from app_user"))
    assert set(advice_roles["sam"].split(",")) == {
        "dsl",
        "caldicott",
        "senior_leadership",
        "information_governance",
    }


def test_the_demo_holds_every_kind_of_record(demo_db: Demo) -> None:
    db = demo_db.path
    people = _query(db, "select count(*) from person")[0][0]
    assert 250 <= people <= 450
    assert _query(db, "select count(*) from person where reference not like 'DEMO-%'") == [(0,)]
    consent = {s for (s,) in _query(db, "select distinct status from consent_event")}
    assert consent == {"given", "refused", "withdrawn", "not_sought"}
    outcomes = {o for (o,) in _query(db, "select distinct outcome from sharing_decision")}
    assert outcomes == {"share", "share_in_part", "do_not_share", "pending_advice"}
    current = {
        o
        for (o,) in _query(
            db,
            "select outcome from sharing_decision d where version = "
            "(select max(version) from sharing_decision where root_id = d.root_id)",
        )
    }
    assert "pending_advice" in current  # some still waiting for advice now
    assert _query(db, "select count(*) from sharing_decision where version > 1")[0][0] >= 10
    assert _query(db, "select count(*) from decision_affected")[0][0] >= 10
    states = {s for (s,) in _query(db, "select distinct status from advice_request")}
    assert states == {"pending", "claimed", "advised", "closed"}
    assert _query(db, "select count(*) from advice_request where anonymised")[0][0] >= 1
    kinds = {k for (k,) in _query(db, "select distinct kind from advice_event")}
    assert {"raised", "claimed", "released", "advised", "revealed", "closed"} <= kinds
    # Families are linked to each other: some link joins two different surnames' households.
    assert (
        _query(db, "select count(*) from person_link where relationship = 'other_relative'")[0][0]
        >= 1
    )
    # The history spreads over months, and nothing is dated in the future.
    months = _query(db, "select count(distinct substr(decided_at, 1, 7)) from sharing_decision")
    assert months[0][0] >= 6
    assert _query(
        db, "select count(*) from sharing_decision where decided_at > datetime('now')"
    ) == [(0,)]


def test_the_demo_passes_audit_verify(cli: Cli, demo_db: Demo) -> None:
    ran = cli(
        "audit",
        "verify",
        "--user",
        "alex",
        "--passphrase-stdin",
        database=demo_db.url,
        stdin=DEMO_PASSPHRASES["alex"] + "\n",
    )
    assert ran.code == 0, ran.err
    events = _query(demo_db.path, "select count(*) from audit_event")[0][0]
    assert ran.out.startswith("The audit trail is intact: ")
    checked = int(ran.out.split(": ")[1].split()[0].replace(",", ""))
    assert 1500 < checked <= events


def test_a_second_run_reuses_the_demo(cli: Cli, demo_db: Demo) -> None:
    before = _query(demo_db.path, "select count(*) from person")
    ran = cli("demo", "--no-open", "--seed", "6", "--database", str(demo_db.path))
    assert ran.code == 0, ran.err
    assert (
        f"Reusing the demo database at {demo_db.path} (seed {DEMO_SEED}; --seed 6 ignored, "
        "add --reset to make it again)." in ran.out
    )
    assert "granite meadow signal" in ran.out
    assert _query(demo_db.path, "select count(*) from person") == before


def test_the_demo_refuses_a_real_database(cli: Cli, sqlite_template: Path, tmp_path: Path) -> None:
    real = tmp_path / "real.db"
    real.write_bytes(sqlite_template.read_bytes())
    for extra in ([], ["--reset"]):
        ran = cli("demo", "--no-open", "--database", str(real), *extra)
        assert "holds records that are not demo data" in ran.error_line()
    assert real.read_bytes() == sqlite_template.read_bytes()  # untouched, not deleted


def test_the_demo_refuses_a_file_of_another_program(cli: Cli, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("create table recipes (name text)")
    ran = cli("demo", "--no-open", "--reset", "--database", str(other))
    assert "not demo data" in ran.error_line()
    assert _query(other, "select name from sqlite_master") == [("recipes",)]


def test_the_same_seed_makes_the_same_demo_and_reset_makes_it_again(
    cli: Cli, tmp_path: Path
) -> None:
    def content(path: Path) -> list[tuple]:  # type: ignore[type-arg]
        return _query(
            path,
            "select p.reference, p.given_names, p.family_name, p.date_of_birth, "
            "(select group_concat(outcome) from sharing_decision d where d.subject_id = p.id) "
            "from person p order by p.reference",
        )

    db = tmp_path / "small.db"
    args = ("demo", "--no-open", "--families", "3", "--seed", "9", "--database", str(db))
    made = cli(*args)
    assert made.code == 0, made.err
    first = content(db)
    assert len(first) >= 6
    with connect(db) as conn:  # something that is not part of the demo
        conn.execute("update person set given_names = 'Changed' where id = 1")

    again = cli(*args, "--reset")
    assert again.code == 0, again.err
    assert "Made the demo database" in again.out
    assert content(db) == first  # made again from scratch, and the same seed, the same demo
    url = f"sqlite:///{db}"
    store = Store(  # the chain is keyed with the site key, as the database is encrypted
        make_engine(url, key=key_of(db)), Settings(database_url=url, key_file=str(site_key_file()))
    )
    try:
        assert verify(store).ok
    finally:
        store.dispose()
