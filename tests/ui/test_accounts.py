"""Administrators manage accounts in the app (a kiosk has no shell): every account action
through the screens, each audited, and the last active administrator protected. Also: an
open session of a disabled account locks, and a role change shows, without a key press."""

from __future__ import annotations

import asyncio
import contextlib

import pyotp
from textual.widgets import DataTable, Input

from sharetui.domain.errors import SignInFailed
from sharetui.ui.screens.accounts import AccountsScreen, AddAccountDialog, RolesDialog
from sharetui.ui.screens.dialogs import ConfirmDialog, MessageDialog
from sharetui.ui.screens.home import HomeScreen
from sharetui.ui.screens.lock import LockScreen
from sharetui.ui.screens.signin_steps import ChoosePassphraseScreen
from tests.conftest import TOTP_SECRET
from tests.services.helpers import audit_actions
from tests.ui.conftest import settle, sign_in
from tests.ui.screen import screen_text


async def _open_accounts(pilot) -> AccountsScreen:  # type: ignore[no-untyped-def]
    await sign_in(pilot, "ada")
    assert isinstance(pilot.app.screen, HomeScreen)
    await pilot.press("u")
    await settle(pilot)
    assert isinstance(pilot.app.screen, AccountsScreen)
    return pilot.app.screen


async def _to(pilot, screen: AccountsScreen, username: str) -> None:  # type: ignore[no-untyped-def]
    table = screen.query_one("#accounts-table", DataTable)
    table.focus()
    table.move_cursor(row=[u.username for u in screen.items].index(username))
    await pilot.pause()


async def _confirm(pilot, key: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press(key)
    await settle(pilot)
    assert isinstance(pilot.app.screen, ConfirmDialog)
    await pilot.press("y")
    await settle(pilot)


def _row(screen: AccountsScreen, username: str) -> str:
    table = screen.query_one("#accounts-table", DataTable)
    i = [u.username for u in screen.items].index(username)
    return " | ".join(str(c) for c in table.get_row_at(i))


async def test_every_account_action_through_the_administrator_screens(
    make_app, ui_services
) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _open_accounts(pilot)
        # Add an account: a one-time passphrase is shown to hand over.
        await pilot.press("n")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, AddAccountDialog)
        dialog.query_one("#username", Input).value = "jo"
        dialog.query_one("#display_name", Input).value = "Jo Lead"
        await pilot.press("ctrl+s")  # no role chosen: said on the field
        await settle(pilot)
        assert "Choose practitioner, supervisor or admin" in screen_text(pilot, fold=True)
        dialog.query_one("#role").focus()
        await pilot.press("2")  # supervisor
        dialog.query_one("#advice_roles").focus()
        await pilot.press("1")  # DSL
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, MessageDialog)
        body = str(app.screen.query_one("#message-body").render())
        one_time = body.split("\n\n")[1].strip()
        assert len(one_time.split()) == 4 and "second factor" in body
        await pilot.press("enter")
        await settle(pilot)
        assert "Jo Lead" in _row(screen, "jo") and "one-time passphrase" in _row(screen, "jo")
        # Roles.
        await _to(pilot, screen, "pip")
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, RolesDialog)
        app.screen.query_one("#role").focus()
        await pilot.press("2")
        app.screen.query_one("#advice_roles").focus()
        await pilot.press("2")  # Caldicott guardian
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Supervisor" in _row(screen, "pip") and "Caldicott" in _row(screen, "pip")
        # Disable, then enable.
        await _to(pilot, screen, "pat")
        await _confirm(pilot, "e")
        assert "disabled" in _row(screen, "pat")
        await _confirm(pilot, "e")
        assert "active" in _row(screen, "pat")
        # A new one-time passphrase.
        await _confirm(pilot, "p")
        assert isinstance(app.screen, MessageDialog)
        assert "one-time" in str(app.screen.query_one("#message-body").render())
        await pilot.press("enter")
        await settle(pilot)
        assert "one-time passphrase" in _row(screen, "pat")
        assert "one-time passphrase" in screen_text(pilot)  # and on screen, not cut off
        # Reset a second factor.
        await _to(pilot, screen, "sam")
        assert "set up" in _row(screen, "sam")
        await _confirm(pilot, "f")
        assert "set up" not in _row(screen, "sam")
        # Unlock: waits after failed sign-ins at a terminal are cleared.
        for _ in range(5):
            with contextlib.suppress(SignInFailed):  # each failure is the point
                ui_services.users.sign_in("sue", "not the passphrase", "desk-9")
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AccountsScreen)
        assert "waiting at 1 terminal" in _row(screen, "sue")
        await _to(pilot, screen, "sue")
        await _confirm(pilot, "o")
        assert "waiting" not in _row(screen, "sue")
        # The last active administrator cannot be disabled or demoted.
        await _to(pilot, screen, "ada")
        await _confirm(pilot, "e")
        assert isinstance(app.screen, MessageDialog)
        assert "last active administrator" in screen_text(pilot, fold=True)
        await pilot.press("enter")
        await settle(pilot)
        assert "active" in _row(screen, "ada")
    actions = [a[0] for a in audit_actions(ui_services)]
    for action in (
        "user.create",
        "user.set_roles",
        "user.disable",
        "user.enable",
        "user.reset_passphrase",
        "user.reset_factor",
        "user.unlock",
    ):
        assert action in actions, action


async def test_a_one_time_passphrase_must_be_changed_at_the_first_sign_in(
    make_app, ui_services
) -> None:
    given = ui_services.users.reset_passphrase(None, "pip")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "pip", given.passphrase)
        assert isinstance(app.screen, ChoosePassphraseScreen)
        app.screen.query_one("#passphrase", Input).value = "pip pip pip pip"
        app.screen.query_one("#confirm", Input).value = "pip pip pip pip"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "your username or your name" in screen_text(pilot, fold=True)
        app.screen.query_one("#passphrase", Input).value = "lantern pebble violet"
        app.screen.query_one("#confirm", Input).value = "lantern pebble violet"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)


async def _until(pilot, done, limit: float = 30.0) -> int:  # type: ignore[no-untyped-def]
    """Wait for something the app does on its own clock; returns how many account checks
    (one every 2 s) it started meanwhile: at most 2 means the next check after the change
    showed it (one may have been under way with the old state), whatever the load."""
    loop = asyncio.get_running_loop()
    start, checks = loop.time(), pilot.app.account_checks
    while not done():
        assert loop.time() - start < limit, "not within the time allowed"
        await asyncio.sleep(0.1)
        await pilot.pause()
    return pilot.app.account_checks - checks


async def test_a_disabled_account_is_locked_and_a_new_role_shows(make_app, ui_services) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "sam")
        assert "Advice queue" in screen_text(pilot, fold=True)
        ui_services.users.set_roles(None, "sam", "practitioner", [])
        checks = await _until(pilot, lambda: app.actor is not None and app.actor.role != "supervisor")
        await settle(pilot)
        assert checks <= 2
        assert isinstance(app.screen, HomeScreen) and "Advice queue" not in screen_text(
            pilot, fold=True
        )
        assert "(practitioner)" in screen_text(pilot, fold=True)
        ui_services.users.set_active(None, "sam", False)
        checks = await _until(pilot, lambda: app.is_locked)
        assert checks <= 2
        await settle(pilot)
        assert "This account has been disabled" in screen_text(pilot, fold=True)
        app.screen.query_one("#unlock-passphrase", Input).value = "correct horse battery staple"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LockScreen)  # a disabled account does not unlock


async def test_a_role_that_needs_a_second_factor_signs_out_to_set_it_up(
    make_app, ui_services
) -> None:
    from sharetui.ui.screens.signin import SignInScreen

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "pat")
        ui_services.users.set_roles(None, "pat", "supervisor", ["dsl"])
        await _until(pilot, lambda: app.actor is None)
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        assert "sign in again to set it up" in screen_text(pilot, fold=True)


def test_the_seeded_second_factor_is_the_one_the_tests_use() -> None:
    assert len(pyotp.TOTP(TOTP_SECRET).now()) == 6
