"""Encrypted by default, as the administrator sees it: the first-run set-up makes an encrypted
database under a site key made on first use, and the administrator's home says whether the
database is encrypted at rest, and if not, why."""

from __future__ import annotations

import stat
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import Input, Static

from sharetui.config import Settings
from sharetui.ui.app import ShareApp
from sharetui.ui.screens.first_run import FirstRunScreen
from sharetui.ui.screens.home import HomeScreen
from sharetui.ui.screens.signin import SignInScreen
from tests.conftest import needs_sqlcipher
from tests.ui.conftest import PASSPHRASE, enrol_through_the_screens, settle, sign_in


def at_rest_line(app: ShareApp) -> str:
    """The line under the administrator's name, as shown."""
    return str(app.screen.query_one("#at-rest", Static).render())


@needs_sqlcipher
async def test_first_run_makes_an_encrypted_database_under_a_new_site_key(
    tmp_path: Path,
) -> None:
    key = tmp_path / "config" / "sharetui" / "site.key"
    db = tmp_path / "data" / "sharetui.db"
    settings = Settings(database_url=f"sqlite:///{db}", terminal="t", default_key_file=str(key))
    app = ShareApp(settings, create=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await app.wait_services()
        await settle(pilot)
        assert isinstance(app.screen, FirstRunScreen)
        screen = app.screen
        screen.query_one("#username", Input).value = "boss"
        screen.query_one("#display_name", Input).value = "Bo Boss"
        screen.query_one("#passphrase", Input).value = PASSPHRASE
        screen.query_one("#confirm", Input).value = PASSPHRASE
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        await sign_in(pilot, "boss")
        await enrol_through_the_screens(pilot)  # an administrator sets up a second factor
        assert isinstance(app.screen, HomeScreen)
        assert at_rest_line(app) == (
            f"Database: Encrypted at rest (SQLCipher) under the site key {key}."
        )
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert key.parent != db.parent
    assert not db.read_bytes().startswith(b"SQLite format 3")
    assert b"Bo Boss" not in db.read_bytes()


@pytest.mark.parametrize("sqlcipher", ["installed", "missing"])
async def test_the_administrators_home_says_why_a_database_is_plain(
    make_app: Callable[..., ShareApp], monkeypatch: pytest.MonkeyPatch, sqlcipher: str
) -> None:
    if sqlcipher == "missing":  # as on a platform where the package does not install
        monkeypatch.setitem(sys.modules, "sqlcipher3", None)
    app = make_app()  # the test template: a plain SQLite file
    async with app.run_test(size=(120, 30)) as pilot:
        await sign_in(pilot, "ada")
        assert isinstance(app.screen, HomeScreen)
        if sqlcipher == "missing":
            assert at_rest_line(app) == (
                "Database: NOT encrypted at rest: SQLCipher does not install on this platform "
                "(sqlcipher3-binary installs on Linux on x86-64 only); keep it on an encrypted "
                "disk (BitLocker, FileVault, LUKS)."
            )
        else:
            assert at_rest_line(app) == (
                "Database: NOT encrypted at rest: this database was made as plain SQLite; move "
                "it over with: sharetui key encrypt."
            )
