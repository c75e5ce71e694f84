"""No clipboard out of the kiosk: copying stays inside sharetui (no OSC 52 to the terminal),
nothing is copied out of a passphrase field, and the clipboard is emptied at lock, switch
user and sign out, so the next person pastes nothing of the last one's."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import Input

from sharetui.ui.app import ShareApp
from sharetui.ui.screens.home import HomeScreen
from sharetui.ui.screens.lock import LockScreen
from sharetui.ui.screens.search import PersonSearchScreen
from sharetui.ui.screens.signin import SignInScreen
from tests.ui.conftest import PASSPHRASE, settle, sign_in


def _record_output(app: ShareApp) -> list[str]:
    """Everything the app writes to the terminal from now on."""
    driver = app._driver
    assert driver is not None
    written: list[str] = []
    write = driver.write

    def recording(data: str) -> None:
        written.append(data)
        write(data)

    driver.write = recording  # type: ignore[method-assign]
    return written


async def _copy_a_name(pilot, written: list[str]) -> None:  # type: ignore[no-untyped-def]
    app = pilot.app
    await pilot.press("f", *"Gray Yusuf")
    await settle(pilot)
    assert isinstance(app.screen, PersonSearchScreen)
    box = app.screen.query_one("#search", Input)
    await pilot.press("ctrl+shift+a", "ctrl+c")
    await settle(pilot)
    assert box.value == "Gray Yusuf"
    assert app.clipboard == "Gray Yusuf"  # copy and paste work inside the app
    assert not any("\x1b]52" in chunk for chunk in written), "OSC 52 reached the terminal"


async def _paste_into_username(pilot) -> str:  # type: ignore[no-untyped-def]
    app = pilot.app
    assert isinstance(app.screen, SignInScreen)
    box = app.screen.query_one("#username", Input)
    box.value = ""
    box.focus()
    await pilot.press("ctrl+v")
    await settle(pilot)
    return box.value


async def test_copy_stays_in_the_app_and_is_gone_after_sign_out_and_switch(
    make_app: Callable[..., ShareApp],
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        written = _record_output(app)
        await sign_in(pilot, "pat")
        await _copy_a_name(pilot, written)
        await pilot.press("ctrl+q")
        await settle(pilot)
        await pilot.press("y")  # sign out
        await settle(pilot)
        assert app.clipboard == ""
        assert await _paste_into_username(pilot) == ""
        # Lock, then switch user from the lock screen.
        await sign_in(pilot, "pat")
        await _copy_a_name(pilot, written)
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert isinstance(app.screen, LockScreen) and app.clipboard == ""
        await pilot.press("f6")
        await settle(pilot)
        assert await _paste_into_username(pilot) == ""
        assert "Gray" not in "".join(written)


async def test_a_passphrase_cannot_be_copied(make_app: Callable[..., ShareApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        written = _record_output(app)
        await settle(pilot)
        box = app.screen.query_one("#passphrase", Input)
        box.focus()
        await pilot.press(*PASSPHRASE, "ctrl+shift+a", "ctrl+c")
        await settle(pilot)
        assert box.value == PASSPHRASE and app.clipboard == ""
        assert await _paste_into_username(pilot) == ""
        # The lock screen's passphrase too.
        await sign_in(pilot, "pat")
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("ctrl+l")
        await settle(pilot)
        await pilot.press(*PASSPHRASE, "ctrl+shift+a", "ctrl+c")
        assert app.clipboard == ""
        assert not any("\x1b]52" in chunk for chunk in written)
        assert PASSPHRASE not in "".join(written)
