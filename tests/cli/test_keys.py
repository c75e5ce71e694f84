"""`sharetui key create | encrypt`, and the commands that open an encrypted database: the key
file is private, the copy is encrypted, a backup stays encrypted, and without the key the
database does not open (one line, no traceback)."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

from sharetui.config import Settings
from sharetui.services.facade import Services
from sharetui.store.migrate import head_revision
from tests.cli.conftest import PASSPHRASE, Cli, site_key_file
from tests.conftest import ACCOUNTS, needs_sqlcipher

pytestmark = needs_sqlcipher


def test_site_key_encrypt_and_backup(cli: Cli, sqlite_template: Path, tmp_path: Path) -> None:
    key = tmp_path / "site.key"
    made = cli("key", "create", str(key))
    assert made.code == 0, made.err
    assert f"SHARETUI_KEY_FILE={key}" in made.out
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert len(key.read_text().strip()) == 64

    plain = tmp_path / "plain.db"
    plain.write_bytes(sqlite_template.read_bytes())
    encrypted, copy = tmp_path / "enc.db", tmp_path / "copy.db"
    with_key = {"SHARETUI_KEY_FILE": str(key)}
    ran = cli("key", "encrypt", str(plain), str(encrypted), env=with_key)
    assert ran.code == 0, ran.err
    backed = cli("backup", str(copy), database=str(encrypted), env=with_key)
    assert backed.code == 0, backed.err
    for path in (encrypted, copy):
        assert not path.read_bytes().startswith(b"SQLite format 3")
        assert b"Ada Admin" not in path.read_bytes()
    listed = cli("user", "list", database=str(copy), env=with_key)
    assert "Ada Admin" in listed.out
    refused = cli("db", "current", database=str(copy))
    assert refused.error_line().startswith("This database is encrypted")


def _plain_site(sqlite_template: Path, tmp_path: Path) -> Path:
    site = tmp_path / "site" / "sharetui.db"
    site.parent.mkdir()
    shutil.copy(sqlite_template, site)
    return site


def test_key_encrypt_moves_a_plain_site_over_where_it_lies(
    cli: Cli, sqlite_template: Path, tmp_path: Path
) -> None:
    site = _plain_site(sqlite_template, tmp_path)
    url = f"sqlite:///{site}"
    before = cli("db", "current", database=url).out.splitlines()
    assert before[1] == (
        "NOT encrypted at rest: this database was made as plain SQLite; move it over with: "
        "sharetui key encrypt."
    )
    assert b"Ada Admin" in site.read_bytes()

    moved = cli("key", "encrypt", database=url)
    assert moved.code == 0, moved.err
    said = [ln for ln in moved.out.splitlines() if not ln.startswith("Made a new site key")]
    assert said[0].startswith(
        f"Encrypted the database at {site} under the site key {site_key_file()} ("
    )
    assert "rows checked), and removed the plain file." in said[0]
    assert not site.read_bytes().startswith(b"SQLite format 3")
    assert b"Ada Admin" not in site.read_bytes()
    left = {p.name: p.stat().st_size for p in site.parent.iterdir()}
    assert left.keys() <= {"sharetui.db", "sharetui.db-writers"}  # no plain -wal, -shm or copy
    assert left.get("sharetui.db-writers", 0) == 0  # the writers' (empty) lock file
    assert stat.S_IMODE(site.stat().st_mode) == 0o600

    after = cli("db", "current", database=url).out.splitlines()
    assert after[1] == f"Encrypted at rest (SQLCipher) under the site key {site_key_file()}."
    assert "Ada Admin" in cli("user", "list", database=url).out
    verified = cli(
        "audit", "verify", "--user", "ada", "--passphrase-stdin",
        database=url, stdin=PASSPHRASE + "\n",
    )  # fmt: skip
    assert verified.code == 0, verified.err
    # The move is the first event keyed with the site key; those before it stay plain SHA-256.
    assert "Keyed with the site key (HMAC-SHA-256) from event " in verified.out

    again = cli("key", "encrypt", database=url)
    assert again.error_line() == (
        f"{site} is not a plain SQLite database (it is encrypted already, or is not a "
        "database); nothing was changed"
    )


def test_key_encrypt_refuses_a_database_still_open_somewhere(
    cli: Cli, sqlite_template: Path, tmp_path: Path
) -> None:
    site = _plain_site(sqlite_template, tmp_path)
    url = f"sqlite:///{site}"
    kiosk = Services.open(Settings(database_url=url, terminal="kiosk-1"), create=False)
    try:
        assert len(kiosk.users.list(None)) == len(ACCOUNTS)  # the kiosk has the database open
        # Another process, as another terminal would be (locks are per process).
        refused = cli("key", "encrypt", database=url, process=True)
        assert refused.error_line() == (
            f"The database at {site} is in use: close sharetui on every terminal that uses "
            "it (and wait for any backup to finish), then try again; nothing was changed"
        )
        assert site.read_bytes().startswith(b"SQLite format 3")
        assert len(kiosk.users.list(None)) == len(ACCOUNTS)  # and the kiosk goes on working
    finally:
        kiosk.close()
    assert not list(site.parent.glob(".sharetui.db-encrypting-*"))
    assert cli("key", "encrypt", database=url).code == 0  # once it is closed


def test_plain_sqlite_is_a_choice_that_is_said(cli: Cli, tmp_path: Path) -> None:
    made = cli("db", "upgrade", "--plain", database=str(tmp_path / "a.db"))
    assert made.code == 0, made.err
    assert made.out.splitlines()[-1] == (
        "NOT encrypted at rest: plain SQLite was chosen (--plain or SHARETUI_PLAIN); keep it "
        "on an encrypted disk (BitLocker, FileVault, LUKS)."
    )
    assert (tmp_path / "a.db").read_bytes().startswith(b"SQLite format 3")
    by_setting = cli("db", "upgrade", database=str(tmp_path / "b.db"), env={"SHARETUI_PLAIN": "1"})
    assert by_setting.code == 0, by_setting.err
    assert (tmp_path / "b.db").read_bytes().startswith(b"SQLite format 3")
    both = cli(
        "db", "upgrade", database=str(tmp_path / "c.db"),
        env={"SHARETUI_PLAIN": "1", "SHARETUI_KEY_FILE": str(site_key_file())},
    )  # fmt: skip
    assert both.error_line().startswith("Plain SQLite was chosen (SHARETUI_PLAIN or --plain)")
    assert not (tmp_path / "c.db").exists()


WITHOUT_SQLCIPHER = (
    "import sys; sys.modules['sqlcipher3'] = None; "  # as on a platform where it cannot install
    "from sharetui.cli import main; sys.exit(main(sys.argv[1:]))"
)


def test_without_sqlcipher_a_new_database_is_plain_and_db_current_says_why(
    tmp_path: Path,
) -> None:
    db = tmp_path / "new.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHARETUI_")}
    env["SHARETUI_DATABASE_URL"] = str(db)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", WITHOUT_SQLCIPHER, *args],
            env=env, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip

    why = (
        "NOT encrypted at rest: SQLCipher does not install on this platform "
        "(sqlcipher3-binary installs on Linux on x86-64 only); keep it on an encrypted disk "
        "(BitLocker, FileVault, LUKS)."
    )
    made = run("db", "upgrade")
    assert made.returncode == 0, made.stderr
    assert made.stdout.splitlines() == [
        f"Made a new database at {db} (schema {head_revision()}).",
        why,
    ]
    assert db.read_bytes().startswith(b"SQLite format 3")
    current = run("db", "current")
    assert current.stdout.splitlines()[1] == why
