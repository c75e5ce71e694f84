"""One footer on every screen, one spelling of key names, and labels that tell the truth."""

from __future__ import annotations

from collections.abc import Callable

from sharetui.ui.app import ShareApp
from sharetui.ui.screens.lock import LockScreen
from sharetui.ui.widgets.keybar import KeyBar, key_name
from tests.ui.conftest import settle, sign_in


def test_one_spelling_of_every_key() -> None:
    assert [key_name(k) for k in ("f1", "ctrl+l", "ctrl+q", "escape", "enter", "shift+tab")] == [
        "F1",
        "Ctrl+L",
        "Ctrl+Q",
        "Esc",
        "Enter",
        "Shift+Tab",
    ]
    assert key_name("n") == "n" and key_name("f") == "f" and key_name("f6") == "F6"


def _footer(app: ShareApp) -> str:
    (bar,) = app.screen.query(KeyBar)  # one footer, the same component everywhere
    assert not app.screen.query("Footer")
    return str(bar.render())


async def test_footers_say_what_the_keys_do(make_app: Callable[..., ShareApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        signed_out = _footer(app)
        assert "Ctrl+Q Quit" in signed_out and "Sign out" not in signed_out
        for username in ("pat", "sam", "ada"):
            await sign_in(pilot, username)
            home = _footer(app)
            assert "Ctrl+Q Sign out" in home and "F1 Help" in home and "Ctrl+L Lock" in home
            assert "^" not in home and "f1" not in home
            await pilot.press("ctrl+l")
            await settle(pilot)
            assert isinstance(app.screen, LockScreen)
            lock = _footer(app)
            assert "F6 Switch user" in lock and "f6" not in lock
            await pilot.press("f6")
            await settle(pilot)
