"""A write runs once however often its key is pressed, outside the form kit too: signing in,
a passphrase of one's own, claiming an advice request, switching user. Each write is made
slow (a real write, after a pause in its thread) so that the second and third presses land
while the first is still in flight; the stored record counts the writes."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import pytest
from textual.widgets import Input

from sharetui.services.advice import Advice
from sharetui.services.facade import Services
from sharetui.services.unit_of_work import Actor
from sharetui.services.users import Users
from sharetui.ui.app import ShareApp
from sharetui.ui.screens.advice_item import AdviceItemScreen
from sharetui.ui.screens.home import HomeScreen
from sharetui.ui.screens.lock import LockScreen
from sharetui.ui.screens.signin import SignInScreen
from sharetui.ui.screens.signin_steps import ChoosePassphraseScreen
from tests.services.helpers import audit_actions
from tests.ui.conftest import settle, sign_in
from tests.ui.screen import screen_text
from tests.ui.test_advice import ask

PASSPHRASE = "lantern pebble violet"


def slowed(monkeypatch: pytest.MonkeyPatch, cls: type, name: str) -> None:
    """The real method, a quarter of a second late: long enough for two more key presses."""
    real = getattr(cls, name)

    def late(self: Any, *args: Any, **kwargs: Any) -> Any:
        time.sleep(0.25)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(cls, name, late)


async def test_signing_in_with_enter_pressed_three_times_signs_in_once(
    make_app: Callable[..., ShareApp], ui_services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = len(audit_actions(ui_services))
    slowed(monkeypatch, Users, "begin")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        app.screen.query_one("#username", Input).value = "pat"
        app.screen.query_one("#passphrase", Input).value = "correct horse battery staple"
        app.screen.query_one("#passphrase", Input).focus()
        await pilot.press("enter", "enter", "enter")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
    actions = [a[0] for a in audit_actions(ui_services)[before:]]
    assert actions.count("signin.ok") == 1, actions


async def test_choosing_a_passphrase_with_the_key_pressed_three_times_changes_it_once(
    make_app: Callable[..., ShareApp], ui_services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    given = ui_services.users.reset_passphrase(None, "pip")
    before = len(audit_actions(ui_services))
    slowed(monkeypatch, Users, "choose_passphrase")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "pip", given.passphrase)
        assert isinstance(app.screen, ChoosePassphraseScreen)
        app.screen.query_one("#passphrase", Input).value = PASSPHRASE
        app.screen.query_one("#confirm", Input).value = PASSPHRASE
        await pilot.press("ctrl+s", "ctrl+s", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen), screen_text(pilot, fold=True)
    actions = [a[0] for a in audit_actions(ui_services)[before:]]
    assert actions.count("user.change_passphrase") == 1, actions
    assert actions.count("signin.ok") == 1, actions


async def test_claiming_with_c_pressed_three_times_claims_once(
    make_app: Callable[..., ShareApp],
    ui_services: Services,
    who: Callable[[str], Actor],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    request = ask(ui_services, who("pat"), "Claim me once")
    slowed(monkeypatch, Advice, "claim")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "sam")
        app.open_advice(request.id)
        await settle(pilot)
        before = len(audit_actions(ui_services))
        await pilot.press("c", "c", "c")
        await settle(pilot)
        assert isinstance(app.screen, AdviceItemScreen)
        shown = screen_text(app, fold=True)
        assert "CLAIMED by Sam Supervisor" in shown
        assert "Already claimed" not in shown  # no second claim ran into the first
    actions = [a[0] for a in audit_actions(ui_services)[before:]]
    assert actions.count("advice.claim") == 1, actions


async def test_switching_user_with_f6_pressed_three_times_leaves_once(
    make_app: Callable[..., ShareApp], ui_services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[float] = []
    app = make_app()
    real = ShareApp.save_all_drafts

    async def counted(self: ShareApp) -> None:
        calls.append(time.monotonic())
        await asyncio.sleep(0.25)  # a slow draft save
        await real(self)

    monkeypatch.setattr(ShareApp, "save_all_drafts", counted)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "pat")
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert isinstance(app.screen, LockScreen)
        await pilot.press("f6", "f6", "f6")
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
    assert len(calls) == 1
