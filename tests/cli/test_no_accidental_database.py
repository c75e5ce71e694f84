"""Never a database by accident, through the real command line: a missing path, an empty
--database or an empty file is refused by every command with one line naming it, and nothing
is created; a database from a newer sharetui or a SQLite file with damaged pages is refused
before anything is written (backup writes no audit event, sign-in writes nothing); `demo
--reset` refuses a demo file to which accounts were added; the first run at the default
location still makes the database."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from sharetui.config import Settings
from sharetui.services.facade import Services
from sharetui.store.engine import normalise_url
from tests.cli.conftest import DEMO_PASSPHRASES, PASSPHRASE, Cli, Demo, connect
from tests.services.helpers import person

# Commands that read or write an existing database (a sign-in where one is needed).
COMMANDS = [
    (["db", "current"], None),
    (["user", "list"], None),
    (["user", "add", "jo", "--name", "Jo", "--role", "admin", "--passphrase-stdin"], PASSPHRASE),
    (["audit", "verify", "--user", "ada", "--passphrase-stdin"], PASSPHRASE),
    (
        [
            "report",
            "--from",
            "2026-01-01",
            "--to",
            "2026-03-31",
            "--user",
            "ada",
            "--passphrase-stdin",
        ],
        PASSPHRASE,
    ),
    (["backup", "copy.db"], None),
    (["run"], None),
]
IDS = ["db-current", "user-list", "user-add", "audit-verify", "report", "backup", "run"]


def _args(args: list[str], tmp_path: Path) -> list[str]:
    return [str(tmp_path / a) if a == "copy.db" else a for a in args]


@pytest.mark.parametrize(("args", "stdin"), COMMANDS, ids=IDS)
def test_a_missing_path_is_refused_and_nothing_is_made(cli: Cli, tmp_path: Path, args, stdin):  # type: ignore[no-untyped-def]
    missing = tmp_path / "nonexistent" / "dir" / "x.db"
    ran = cli("--database", str(missing), *_args(args, tmp_path), stdin=stdin)
    assert ran.error_line() == (
        f"There is no database at {missing}; check the path, or make a new one with: "
        f"sharetui --database {missing} db upgrade"
    )
    assert not (tmp_path / "nonexistent").exists()
    assert not (tmp_path / "copy.db").exists()


@pytest.mark.parametrize(("args", "stdin"), COMMANDS, ids=IDS)
def test_an_empty_file_is_refused_and_left_empty(cli: Cli, tmp_path: Path, args, stdin):  # type: ignore[no-untyped-def]
    empty = tmp_path / "empty.db"
    empty.touch()
    ran = cli("--database", str(empty), *_args(args, tmp_path), stdin=stdin)
    assert ran.error_line() == (
        f"{empty} is an empty file, not a sharetui database; check the path, or make a new "
        f"one with: sharetui --database {empty} db upgrade"
    )
    assert empty.stat().st_size == 0


@pytest.mark.parametrize(("args", "stdin"), COMMANDS, ids=IDS)
def test_an_empty_database_option_is_refused(cli: Cli, tmp_path: Path, args, stdin):  # type: ignore[no-untyped-def]
    data = tmp_path / "data"
    ran = cli("--database", "", *_args(args, tmp_path), stdin=stdin, data_home=data)
    assert ran.error_line() == (
        "--database is empty; give a database file path or URL (or leave the option out for "
        "SHARETUI_DATABASE_URL or the default)"
    )
    assert not data.exists()  # the default database was not touched either


def test_the_first_run_at_the_default_location_is_not_refused(cli: Cli, tmp_path: Path) -> None:
    """`sharetui` with nothing configured on a new machine goes on to the app's first-run
    set-up (here it stops only because the test has no terminal); a database named with
    SHARETUI_DATABASE_URL that does not exist is refused instead."""
    data = tmp_path / "data"
    ran = cli("run", data_home=data)
    assert ran.error_line() == "The app needs a terminal: run sharetui from a terminal window"
    named = cli("run", database=str(tmp_path / "typo.db"), data_home=data)
    assert named.error_line().startswith(f"There is no database at {tmp_path / 'typo.db'};")


def _sql(url: str, statement: str) -> object:
    engine = create_engine(normalise_url(url))
    try:
        with engine.begin() as conn:
            result = conn.execute(text(statement))
            return result.scalar() if result.returns_rows else None
    finally:
        engine.dispose()


def test_a_newer_schema_is_refused_before_anything_is_written(
    cli: Cli, database_url: str, tmp_path: Path
) -> None:
    _sql(database_url, "UPDATE alembic_version SET version_num = '9999_from_the_future'")
    events = _sql(database_url, "SELECT count(*) FROM audit_event")
    newer = (
        "This database was written by a newer version of sharetui (schema "
        "9999_from_the_future); install that version or newer to open it"
    )
    assert cli("db", "current", database=database_url).error_line() == newer
    signed = cli(
        "audit",
        "verify",
        "--user",
        "ada",
        "--passphrase-stdin",
        database=database_url,
        stdin=PASSPHRASE + "\n",
    )
    assert signed.error_line() == newer
    if database_url.startswith("sqlite"):
        backup = cli("backup", str(tmp_path / "b.db"), database=database_url)
        assert backup.error_line() == newer
        assert not (tmp_path / "b.db").exists()
    assert _sql(database_url, "SELECT count(*) FROM audit_event") == events


def _damage(path: Path, table: str) -> None:
    """Scribble over the b-tree page of one table, as a failing disk would."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()
    conn.close()
    with path.open("r+b") as f:
        f.seek((root[0] - 1) * page_size + 8)
        f.write(b"\xff" * 64)


def test_a_damaged_file_gets_no_sign_in_and_no_backup(
    cli: Cli, sqlite_template: Path, tmp_path: Path
) -> None:
    db = tmp_path / "damaged.db"
    shutil.copy(sqlite_template, db)
    svc = Services.open(Settings(database_url=f"sqlite:///{db}", terminal="t"))
    try:  # records a sign-in never touches: the damage is where nobody is looking
        pat = svc.users.sign_in("pat", PASSPHRASE, "t")
        for n in range(30):
            person(svc, pat, "Damaged", f"Dana{n}")
    finally:
        svc.close()
    _damage(db, "person_name_key")
    before = sqlite3.connect(db).execute("SELECT count(*), max(id) FROM audit_event").fetchone()
    signed = cli(
        "audit",
        "verify",
        "--user",
        "ada",
        "--passphrase-stdin",
        database=f"sqlite:///{db}",
        stdin=PASSPHRASE + "\n",
    )
    line = signed.error_line()
    assert line.startswith(f"The database at {db} fails SQLite's quick check (")
    assert line.endswith("nothing was written. Restore it from a backup")
    backup = cli("backup", str(tmp_path / "b.db"), database=f"sqlite:///{db}")
    assert backup.error_line() == line
    current = cli("db", "current", database=f"sqlite:///{db}")
    assert current.error_line() == line
    after = sqlite3.connect(db).execute("SELECT count(*), max(id) FROM audit_event").fetchone()
    assert after == before
    assert not (tmp_path / "b.db").exists()


def test_demo_reset_keeps_a_demo_file_someone_added_to(
    cli: Cli, demo_db: Demo, tmp_path: Path
) -> None:
    db = tmp_path / "demo.db"
    shutil.copy(demo_db.path, db)
    added = cli(
        "user",
        "add",
        "newcomer",
        "--name",
        "New Comer",
        "--role",
        "practitioner",
        "--passphrase-stdin",
        database=f"sqlite:///{db}",
        stdin=PASSPHRASE + "\n",
    )
    assert added.code == 0, added.err
    reset = cli("demo", "--reset", "--no-open", "--database", str(db))
    assert reset.error_line() == (
        f"{db} holds the account newcomer; sharetui demo --reset never deletes what people "
        "added. Choose another --database, or remove the file yourself"
    )
    kept = (
        connect(db)  # the demo is encrypted under the site key
        .execute("SELECT count(*) FROM app_user WHERE username = 'newcomer'")
        .fetchone()
    )
    assert kept == (1,)
    reused = cli("demo", "--no-open", "--database", str(db))  # reusing it is fine
    assert reused.code == 0, reused.err
    assert DEMO_PASSPHRASES["priya"] in reused.out
