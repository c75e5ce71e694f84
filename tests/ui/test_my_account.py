"""My account, as a person uses it: a practitioner sets up a second factor of their own (the
QR code and the secret on screen, the first code, the recovery codes once) and is asked for a
code at the next sign-in; anyone changes their passphrase after giving the current one."""

from __future__ import annotations

import re
from collections.abc import Callable

import pyotp
from textual.widgets import Input

from sharetui.services.facade import Services
from sharetui.ui.app import ShareApp
from sharetui.ui.screens.home import HomeScreen
from sharetui.ui.screens.my_account import ChangePassphraseDialog, MyAccountScreen, OwnFactorScreen
from sharetui.ui.screens.signin_steps import SecondFactorScreen
from tests.services.helpers import audit_actions
from tests.ui.conftest import PASSPHRASE, settle, sign_in
from tests.ui.screen import screen_text

NEW = "quiet harbour lantern"


async def _type(pilot, box: str, text: str) -> None:  # type: ignore[no-untyped-def]
    pilot.app.screen.query_one(f"#{box}", Input).focus()
    await pilot.press(*text)


async def _my_account(pilot) -> MyAccountScreen:  # type: ignore[no-untyped-def]
    await pilot.press("m")
    await settle(pilot)
    assert isinstance(pilot.app.screen, MyAccountScreen)
    return pilot.app.screen


async def test_a_practitioner_sets_up_a_second_factor_and_is_asked_for_it_next_time(
    make_app: Callable[..., ShareApp], ui_services: Services
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "pat")
        await _my_account(pilot)
        shown = screen_text(pilot, fold=True)
        assert "Username: pat" in shown and "Role: Practitioner" in shown
        assert "Second factor: not set up (optional for your role)" in shown
        await pilot.press("2")
        await settle(pilot)
        assert isinstance(app.screen, OwnFactorScreen)
        await _type(pilot, "current", "not my passphrase")
        await pilot.press("enter")
        await settle(pilot)
        assert "That passphrase is not right for this account" in screen_text(pilot, fold=True)
        await _type(pilot, "current", PASSPHRASE)
        await pilot.press("enter")
        await settle(pilot)
        shown = screen_text(pilot, fold=True)
        assert "Scan the code with your authenticator app" in shown
        found = re.search(r"Secret: ((?:[A-Z2-7]{4} )+)", shown)
        assert found, shown
        secret = found.group(1).replace(" ", "")
        await _type(pilot, "code", "000000")
        await pilot.press("enter")
        await settle(pilot)
        assert "That code does not match" in screen_text(pilot, fold=True)
        app.screen.query_one("#code", Input).value = ""
        await _type(pilot, "code", pyotp.TOTP(secret).now())
        await pilot.press("enter")
        await settle(pilot)
        shown = screen_text(pilot, fold=True)
        assert "Your second factor is set up" in shown
        codes = re.findall(r"\b[a-z2-9]{5}-[a-z2-9]{5}\b", shown)
        assert len(codes) == 8, shown
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MyAccountScreen)
        shown = screen_text(pilot, fold=True)
        assert "Second factor: set up (8 recovery codes left)" in shown
        assert "Your second factor is set up" in shown
        await pilot.press("escape", "ctrl+q", "y")  # sign out
        await settle(pilot)
        app.screen.query_one("#username", Input).value = "pat"
        app.screen.query_one("#passphrase", Input).value = PASSPHRASE
        app.screen.query_one("#passphrase", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SecondFactorScreen)  # the code is asked for now
    assert "user.factor_enrol" in [a[0] for a in audit_actions(ui_services)]


async def test_leaving_the_set_up_before_the_code_sets_nothing_up(
    make_app: Callable[..., ShareApp], ui_services: Services
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "pat")
        await _my_account(pilot)
        await pilot.press("2")
        await settle(pilot)
        await _type(pilot, "current", PASSPHRASE)
        await pilot.press("enter")
        await settle(pilot)
        assert "Secret:" in screen_text(pilot, fold=True)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MyAccountScreen)
        assert "not set up (optional for your role)" in screen_text(pilot, fold=True)
    assert ui_services.users.begin("pat", PASSPHRASE, "t").needs == ""


async def test_a_passphrase_is_changed_from_my_account(
    make_app: Callable[..., ShareApp], ui_services: Services
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "pat")
        await _my_account(pilot)
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, ChangePassphraseDialog)
        await _type(pilot, "current", "not my passphrase")
        await _type(pilot, "passphrase", NEW)
        await _type(pilot, "confirm", NEW)
        await pilot.press("ctrl+s")
        await settle(pilot)
        shown = screen_text(pilot, fold=True)
        assert "That passphrase is not right for this account" in shown
        assert NEW not in shown  # passphrase boxes show bullets
        app.screen.query_one("#current", Input).value = ""
        await _type(pilot, "current", PASSPHRASE)
        await pilot.press("ctrl+s", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, MyAccountScreen)
        assert "Your passphrase is changed" in screen_text(pilot, fold=True)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
    actions = [a[0] for a in audit_actions(ui_services)]
    assert actions.count("user.change_passphrase") == 1
    assert ui_services.users.begin("pat", NEW, "t").needs == ""
