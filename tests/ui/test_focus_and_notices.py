"""Focus is somewhere useful after sign-in, the welcome is said once on home only, and
nothing (not even a notification) shows above the lock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from textual.widgets import DataTable, Input, Static

from sharetui.domain.person import PersonInput
from sharetui.services.facade import Services
from sharetui.ui.app import ShareApp
from sharetui.ui.screens.home import HomeScreen
from sharetui.ui.screens.lock import LockScreen
from tests.services.helpers import share
from tests.ui.conftest import PASSPHRASE, settle, sign_in


def _toasts(app: ShareApp) -> str:
    return " ".join(str(t.render()) for t in app.screen.query("Toast"))


async def _unlock(pilot) -> None:  # type: ignore[no-untyped-def]
    pilot.app.screen.query_one("#unlock-passphrase", Input).value = PASSPHRASE
    await pilot.press("enter")
    await settle(pilot)


async def test_a_notification_raised_under_the_lock_waits_for_the_unlock(
    make_app: Callable[..., ShareApp],
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        for then in ("unlock", "switch"):
            await sign_in(pilot, "pat")
            home = app.screen
            await pilot.press("ctrl+l")
            await settle(pilot)
            assert isinstance(app.screen, LockScreen)
            home.notify("Consent recorded for Zebedee Quist", markup=False)
            await settle(pilot)
            assert _toasts(app) == "" and "Zebedee" not in app.export_screenshot()
            if then == "unlock":
                await _unlock(pilot)
                assert app.screen is home
                assert "Consent recorded for Zebedee Quist" in _toasts(app)
                app.clear_notifications()
                await pilot.press("ctrl+q")
                await settle(pilot)
                await pilot.press("y")
                await settle(pilot)
            else:
                await pilot.press("f6")  # someone else: the first user's note is dropped
                await settle(pilot)
                await sign_in(pilot, "pip")
                assert "Zebedee" not in _toasts(app)


async def test_after_sign_in_enter_opens_the_first_draft(
    make_app: Callable[..., ShareApp], ui_services: Services
) -> None:
    from sharetui.ui.screens.decision_flow import DecisionFlowScreen

    pat = ui_services.users.sign_in("pat", PASSPHRASE, "t")
    ui_services.drafts.save(pat, kind="decision", payload={}, page="start", title="Call")
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await sign_in(pilot, "pat")
        home = app.screen
        assert isinstance(home, HomeScreen)
        assert app.focused is home.query_one("#drafts-table", DataTable)
        welcome = home.query_one("#welcome", Static)
        assert welcome.display and "press Enter to carry on" in str(welcome.render())
        assert _toasts(app) == ""  # said on home, not over the next screen's fields
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DecisionFlowScreen)
        await pilot.press("escape")
        await settle(pilot)
        for _ in range(3):  # leaving may ask whether to keep the draft
            if app.screen is home:
                break
            await pilot.press("y" if "y" in app.screen.active_bindings else "escape")
            await settle(pilot)
        assert app.screen is home
        assert not home.query_one("#welcome", Static).display  # said once


async def test_after_sign_in_without_drafts_the_decisions_list_has_focus(
    make_app: Callable[..., ShareApp], ui_services: Services
) -> None:
    from sharetui.ui.screens.decision_view import DecisionScreen

    pat = ui_services.users.sign_in("pat", PASSPHRASE, "t")
    person = ui_services.people.create(
        pat, PersonInput("Quist", "Jo", date_of_birth=date(2017, 5, 1)), confirm_not_duplicate=True
    )
    ui_services.decisions.log(pat, share(person.id))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "pat")
        home = app.screen
        assert app.focused is home.query_one("#decisions-table", DataTable)
        assert not home.query_one("#welcome", Static).display
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DecisionScreen)
