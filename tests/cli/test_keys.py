"""`sharetui key create | encrypt`, and the commands that open an encrypted database: the key
file is private, the copy is encrypted, a backup stays encrypted, and without the key the
database does not open (one line, no traceback)."""

from __future__ import annotations

import stat
from pathlib import Path

from tests.cli.conftest import Cli


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
