"""The PostgreSQL backup steps of docs/deployment.md, run once: pg_dump the site, pg_restore it
into a new database, and the restored copy passes `sharetui db verify` and `sharetui audit
verify` with every event of the original."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.cli.conftest import DEMO_PASSPHRASES, Cli, Demo
from tests.cli.test_db_copy import site_rows, with_site_key
from tests.fresh_pg import fresh_pg_database


def _run(*cmd: str) -> None:
    done = subprocess.run(list(cmd), capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, (cmd, done.stderr)


def test_pg_dump_and_pg_restore_give_a_site_that_verifies(
    cli: Cli, demo_db: Demo, pg_template: str, tmp_path: Path
) -> None:
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump and pg_restore are not installed (postgresql-client)")
    dump = tmp_path / "sharetui.dump"
    with fresh_pg_database("live") as live, fresh_pg_database("restored") as restored:
        assert cli("db", "copy", "--from", str(demo_db.path), "--to", live).code == 0
        # docs/deployment.md, "Backups": the same two commands.
        _run("pg_dump", "--format=custom", f"--file={dump}", live)
        _run("pg_restore", "--exit-on-error", "--single-transaction", "--no-owner",
             f"--dbname={restored}", str(dump))  # fmt: skip

        assert site_rows(restored) == site_rows(live)
        # The site came from an encrypted SQLite file: it runs with that file's site key,
        # which keys its audit trail (db copy says so).
        with_key = with_site_key()
        drill = cli("db", "verify", restored, env=with_key)
        assert drill.code == 0, drill.err
        assert drill.out.startswith(f"{restored} opens and is whole: schema ")
        events = len(site_rows(live)["audit_event"])
        verified = cli(
            "audit", "verify", "--user", "alex", "--passphrase-stdin",
            database=restored, stdin=DEMO_PASSPHRASES["alex"] + "\n", env=with_key,
        )  # fmt: skip
        assert verified.code == 0, verified.err
        # Every event of the original, and the administrator's sign-in before the check.
        assert verified.out.strip().splitlines()[0] == (
            f"The audit trail is intact: {events + 1:,} events checked."
        )
