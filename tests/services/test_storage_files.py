"""A new SQLite database is readable by its owner only: the file holds people's records."""

from __future__ import annotations

import stat
from pathlib import Path

from sharetui.config import Settings
from sharetui.services.facade import Services


def test_new_database_and_its_folder_are_private(tmp_path: Path) -> None:
    path = tmp_path / "site" / "sharetui.db"
    services = Services.open(Settings(database_url=f"sqlite:///{path}"))
    services.users.count()
    for file in [path, *path.parent.glob("sharetui.db-*")]:
        assert stat.S_IMODE(file.stat().st_mode) == 0o600, file
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    services.close()
