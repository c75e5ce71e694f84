"""`sharetui backup`: a consistent, private copy of a SQLite database while another terminal
keeps writing; PostgreSQL is pointed at pg_dump."""

from __future__ import annotations

import sqlite3
import stat
import threading
from pathlib import Path

from sharetui.config import Settings
from sharetui.services.audit import verify
from sharetui.services.facade import Services
from sharetui.services.unit_of_work import Store
from sharetui.store.engine import make_engine
from tests.cli.conftest import PASSPHRASE, Cli
from tests.services.helpers import person


def test_backup_while_in_use(cli: Cli, sqlite_template: Path, tmp_path: Path) -> None:
    db = tmp_path / "live.db"
    db.write_bytes(sqlite_template.read_bytes())
    url = f"sqlite:///{db}"
    svc = Services.open(Settings(database_url=url, terminal="other-terminal"))
    pat = svc.users.sign_in("pat", PASSPHRASE)
    stop = threading.Event()
    written: list[int] = []

    def keep_writing() -> None:
        # A colleague saving a record every few milliseconds, until the backup is done.
        while not stop.wait(0.005):
            written.append(person(svc, pat, "Busy", f"Writer{len(written)}").id)

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        target = tmp_path / "copy.db"
        ran = cli("backup", str(target), database=url)
    finally:
        stop.set()
        writer.join()
        svc.close()
    assert ran.code == 0, ran.err
    assert ran.out.startswith(f"Backed up to {target} (")
    assert written, "the other terminal kept writing during the backup"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    with sqlite3.connect(target) as conn:
        assert conn.execute("pragma integrity_check").fetchone() == ("ok",)
        copied = conn.execute("select count(*) from person").fetchone()[0]
        actions = [a for (a,) in conn.execute("select action from audit_event order by id")]
    assert 0 <= copied <= len(written)
    assert "db.backup" in actions  # the copy records that it was made
    store = Store(make_engine(f"sqlite:///{target}"))
    try:
        assert verify(store).ok  # the chain in the copy is whole: a consistent snapshot
    finally:
        store.dispose()

    again = cli("backup", str(target), database=url)
    assert again.error_line() == f"{target} already exists; choose a new file name or add --force"
    same = cli("backup", str(db), database=url)
    assert same.error_line() == "The backup cannot overwrite the database itself"


def test_postgres_is_pointed_at_pg_dump(cli: Cli, tmp_path: Path) -> None:
    ran = cli("backup", str(tmp_path / "x.dump"), database="postgresql://me:secret@db.example/app")
    message = ran.error_line()
    assert message.startswith("This database is PostgreSQL: back it up with pg_dump")
    assert "secret" not in message
    assert "postgresql://me:***@db.example/app" in message
