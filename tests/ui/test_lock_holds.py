"""What an attacker at a locked terminal must never see: a dialog that a screen under the lock
asks for (a worker that finishes after Ctrl+L, or the callback of one) waits for the unlock,
and goes with a switch of user. Only the lock's own questions show above it."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input

from sharetui.domain.errors import SignInFailed
from sharetui.ui.screens.accounts import AccountsScreen
from sharetui.ui.screens.dialogs import MessageDialog
from sharetui.ui.screens.lock import LockScreen
from sharetui.ui.screens.signin import SignInScreen
from tests.conftest import PASSPHRASE
from tests.ui.conftest import settle, sign_in
from tests.ui.screen import screen_text


async def _accounts_on(pilot, username: str) -> AccountsScreen:  # type: ignore[no-untyped-def]
    await sign_in(pilot, "ada")
    await pilot.press("u")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, AccountsScreen)
    table = screen.query_one("#accounts-table", DataTable)
    table.move_cursor(row=[u.username for u in screen.items].index(username))
    await pilot.pause()
    return screen


async def test_a_one_time_passphrase_never_shows_above_the_lock(make_app) -> None:
    """Ctrl+L pressed while a new one-time passphrase was being made: the dialog that hands
    it over showed above the lock, for whoever came to the terminal to read and use."""
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        for then in ("unlock", "switch"):
            accounts = await _accounts_on(pilot, "pip")
            user = accounts.chosen()
            assert user is not None
            await pilot.press("ctrl+l")
            await settle(pilot)
            accounts._call("reset_passphrase", user)  # the worker 'y' started just before
            await settle(pilot)
            assert isinstance(app.screen, LockScreen)
            assert "one-time" not in screen_text(app, fold=True)
            if then == "unlock":
                app.screen.query_one("#unlock-passphrase", Input).value = PASSPHRASE
                await pilot.press("enter")
                await settle(pilot)
                assert isinstance(app.screen, MessageDialog)  # handed over after the unlock
                assert "one-time passphrase" in screen_text(app, fold=True)
                await pilot.press("enter", "escape")
                await settle(pilot)
                await pilot.press("ctrl+q", "y")
                await settle(pilot)
            else:
                await pilot.press("f6")
                await settle(pilot)
                assert isinstance(app.screen, SignInScreen)
                assert "one-time" not in screen_text(app, fold=True)


async def test_the_lock_still_asks_its_own_questions(make_app) -> None:
    """Sign out from the lock (Ctrl+Q) still asks, above it."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "pat")
        await pilot.press("ctrl+l")
        await settle(pilot)
        await pilot.press("ctrl+q")
        await settle(pilot)
        assert "Sign out?" in screen_text(app, fold=True)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)


async def test_a_sign_in_left_half_way_ends_when_the_screen_would_lock(make_app, ui_services):
    """After a one-time passphrase, "Choose your own passphrase" waited five minutes (the
    ticket's life) whatever the idle lock: whoever came to the terminal meanwhile chose the
    passphrase and was signed in as that person. Idle for the lock's time, it starts again."""
    from sharetui.ui.screens.signin_steps import ChoosePassphraseScreen

    made = ui_services.users.create_with_one_time_passphrase(
        None, "newp", "New Person", "practitioner", []
    )
    app = make_app(idle_lock_seconds=60)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "newp", made.passphrase)
        assert isinstance(app.screen, ChoosePassphraseScreen)
        ticket = app.screen.step.ticket
        app._last_input -= 61  # a minute without a key
        for _ in range(50):
            await pilot.pause(0.1)
            if isinstance(app.screen, SignInScreen):
                break
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        with pytest.raises(SignInFailed):  # the half-finished sign-in is gone
            app.services.users.choose_passphrase(
                ticket, "quiet harbour lantern", "quiet harbour lantern"
            )


async def test_a_screen_closing_under_the_lock_leaves_help_above_the_lock_open(
    make_app, ui_services
) -> None:
    """Help open above the lock, and a form under the lock closing itself (Esc pressed just
    before Ctrl+L: its draft saved, then it leaves): the close took the screen on top, the
    help the person was reading, and the form came back after the unlock. The form closes
    underneath; help stays until it is closed."""
    from sharetui.ui.screens.decision_flow import DecisionFlowScreen
    from sharetui.ui.screens.dialogs import HelpScreen
    from sharetui.ui.screens.home import HomeScreen

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "pat")
        app.start_decision()
        await settle(pilot)
        flow = app.screen
        assert isinstance(flow, DecisionFlowScreen)
        await pilot.press("y")  # one answer, so leaving keeps a draft
        await pilot.press("ctrl+l")
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        flow.action_back()
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen) and app.lock_is_up
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, LockScreen)
        app.screen.query_one("#unlock-passphrase", Input).value = PASSPHRASE
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        pat = ui_services.users.sign_in("pat", PASSPHRASE, "t")
        assert [d.kind for d in ui_services.drafts.mine(pat)] == ["decision"]
