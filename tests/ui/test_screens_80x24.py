"""SVG snapshots at 80 x 24, the smallest terminal a kiosk must support, of the screens and
dialogs whose content does not move with the date: the sign-in steps, My account and its
dialogs, help, the sign-out question, and an administrator's accounts and their dialogs.
(The screens that show records are snapshotted in their own test modules; the form dialogs
are checked at 80 x 24 by tests/ui/test_form_kit.py, question by question.)"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input

from sharetui.config import Settings
from sharetui.services.facade import Services
from sharetui.ui.app import ShareApp
from tests.conftest import PASSPHRASE
from tests.ui.conftest import settle, sign_in

Steps = Callable[[Pilot[None]], Awaitable[None]]


def after(user: str, *keys: str) -> Steps:
    """Sign in as user, then press keys, letting each land."""

    async def steps(pilot: Pilot[None]) -> None:
        await sign_in(pilot, user)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return steps


async def roles_of_pat(pilot: Pilot[None]) -> None:
    await after("ada", "u")(pilot)
    table = pilot.app.screen.query_one("#accounts-table", DataTable)
    usernames = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
    table.move_cursor(row=usernames.index("pat"))
    await pilot.press("r")
    await settle(pilot)


async def at_passphrase_step(pilot: Pilot[None], username: str) -> None:
    await settle(pilot)
    pilot.app.screen.query_one("#username", Input).value = username
    pilot.app.screen.query_one("#passphrase", Input).value = PASSPHRASE
    pilot.app.screen.query_one("#passphrase", Input).focus()
    await pilot.press("enter")
    await settle(pilot)


async def second_factor_step(pilot: Pilot[None]) -> None:
    await at_passphrase_step(pilot, "sam")


CASES: dict[str, Steps] = {
    "second factor step": second_factor_step,
    "my account": after("pat", "m"),
    "change passphrase": after("pat", "m", "p"),
    "help over home": after("pat", "f1"),
    "sign out question": after("pat", "ctrl+q"),
    "accounts": after("ada", "u"),
    "add account": after("ada", "u", "n"),
    "roles of an account": roles_of_pat,
}


@pytest.mark.parametrize("name", list(CASES))
def test_snapshot_at_80x24(make_app, snap_compare, name: str) -> None:
    assert snap_compare(make_app(), run_before=CASES[name], terminal_size=(80, 24))


def test_snapshot_choose_a_passphrase_at_80x24(make_app, ui_services: Services, snap_compare):
    """After a one-time passphrase from an administrator (the one given is typed here, as a
    person would, in a box that shows bullets)."""
    given = ui_services.users.reset_passphrase(None, "pip")

    async def steps(pilot: Pilot[None]) -> None:
        await settle(pilot)
        pilot.app.screen.query_one("#username", Input).value = "pip"
        pilot.app.screen.query_one("#passphrase", Input).value = given.passphrase
        pilot.app.screen.query_one("#passphrase", Input).focus()
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(make_app(), run_before=steps, terminal_size=(80, 24))


def test_snapshot_first_run_at_80x24(tmp_path: Path, snap_compare) -> None:
    app = ShareApp(
        Settings(database_url=f"sqlite:///{tmp_path / 'new.db'}", terminal="t"), create=True
    )

    async def steps(pilot: Pilot[None]) -> None:
        await app.wait_services()
        await settle(pilot)

    assert snap_compare(app, run_before=steps, terminal_size=(80, 24))
