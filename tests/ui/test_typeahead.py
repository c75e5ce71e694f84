"""Type-ahead: keys sent in one burst, with no pause between them, while a screen opens, a
worker loads what a screen needs, or focus moves, reach the place they were meant for, in
order. Desk staff, barcode scanners and password managers type at this speed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from textual import events
from textual.app import _character_to_key, _get_unicode_name_from_key
from textual.keys import REPLACED_KEYS
from textual.pilot import Pilot
from textual.widgets import Input

from sharetui.domain.person import PersonInput
from sharetui.services.facade import Services
from sharetui.ui.app import ShareApp
from sharetui.ui.screens.decision_flow import DecisionFlowScreen
from sharetui.ui.screens.dialogs import HelpScreen
from sharetui.ui.screens.home import HomeScreen
from sharetui.ui.screens.lock import LockScreen
from sharetui.ui.screens.person import PersonScreen
from sharetui.ui.screens.search import PersonSearchScreen
from tests.ui.conftest import PASSPHRASE, settle, sign_in
from tests.ui.person_helpers import actor
from tests.ui.screen import screen_text


async def burst(pilot: Pilot[None], *keys: str) -> None:
    """Send keys the way a terminal delivers a fast burst: every key event is queued at once,
    with no pause for the app to catch up (Pilot.press waits for the app between keys)."""
    import unicodedata

    app = pilot.app
    for key in keys:
        if len(key) == 1 and not key.isalnum():
            key = _character_to_key(key)
        original = REPLACED_KEYS.get(key, key)
        try:
            char: str | None = unicodedata.lookup(_get_unicode_name_from_key(original))
        except KeyError:
            char = key if len(key) == 1 else None
        event = events.Key(key, char)
        event.set_sender(app)
        app.post_message(event)
    await settle(pilot)


def add_person(services: Services, family: str, given: str, dob: date, ref: str) -> None:
    services.people.create(
        actor(services, "pat"),
        PersonInput(family_name=family, given_names=given, date_of_birth=dob, reference=ref),
        confirm_not_duplicate=True,
    )


@pytest.mark.real_start  # typed before the store has opened, as at a terminal just started
async def test_sign_in_typed_in_one_burst(make_app: Callable[..., ShareApp]) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await burst(pilot, *"pat", "tab", *PASSPHRASE, "enter")
        assert isinstance(app.screen, HomeScreen)
        assert "Signed in as Pat" in screen_text(pilot)


async def test_new_urgent_decision_typed_in_one_burst(make_app: Callable[..., ShareApp]) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot, "pat")
        await burst(pilot, "n", "y", "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DecisionFlowScreen)
        assert screen.state.data.urgent is True
        assert screen.state.page == "who"
        assert "URGENT" in screen_text(pilot)


async def test_find_a_person_typed_in_one_burst(
    make_app: Callable[..., ShareApp], ui_services: Services
) -> None:
    add_person(ui_services, "Ellis", "Jane", date(2022, 3, 24), "E1")
    add_person(ui_services, "Ellison", "Tom", date(2020, 1, 1), "E2")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot, "pat")
        await burst(pilot, "f", *"Ell 24/3/2022")
        await settle(pilot)
        assert isinstance(app.screen, PersonSearchScreen)
        assert app.screen.query_one("#search", Input).value == "Ell 24/3/2022"
        text = screen_text(pilot)
        assert "Ellis, Jane" in text and "Ellison" not in text


async def test_open_a_match_typed_in_one_burst(
    make_app: Callable[..., ShareApp], ui_services: Services
) -> None:
    add_person(ui_services, "Ellis", "Jane", date(2022, 3, 24), "E1")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot, "pat")
        await burst(pilot, "f", *"ellis", "down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, PersonScreen)
        assert screen_text(pilot).count("Ellis, Jane") >= 1


async def test_passphrase_typed_right_after_the_lock_key_unlocks(
    make_app: Callable[..., ShareApp],
) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot, "pat")
        await burst(pilot, "ctrl+l", *PASSPHRASE, "enter")
        assert isinstance(app.screen, HomeScreen)
        assert "Signed in as Pat" in screen_text(pilot)


async def test_keys_waiting_when_the_lock_comes_up_are_dropped_not_typed_into_it(
    make_app: Callable[..., ShareApp], ui_services: Services
) -> None:
    add_person(ui_services, "Ellis", "Jane", date(2022, 3, 24), "E1")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot, "pat")
        await burst(pilot, "f", *"ellis", "down", "enter", "ctrl+l")
        assert isinstance(app.screen, LockScreen)
        assert app.screen.query_one("#unlock-passphrase", Input).value == ""
        assert "Ellis" not in screen_text(pilot)
        # nothing typed before the lock opens anything once it is gone
        await burst(pilot, *PASSPHRASE, "enter")
        assert isinstance(app.screen, HomeScreen)
        assert not any(isinstance(s, (PersonSearchScreen, PersonScreen)) for s in app.screen_stack)


async def test_help_typed_after_text_opens_for_the_field_the_text_reached(
    make_app: Callable[..., ShareApp],
) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot, "pat")
        await burst(pilot, "f", *"Ell", "f1")
        assert isinstance(app.screen, HelpScreen)
        assert "About this field" in screen_text(pilot)
        assert "Type part of a name in any order" in screen_text(pilot)
        await burst(pilot, "escape")
        assert app.screen.query_one("#search", Input).value == "Ell"
