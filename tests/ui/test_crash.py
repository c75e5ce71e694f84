"""The app never crashes to the terminal: the palette sequence that did, and the last line
of defence for anything unexpected (drafts saved, a crash report without local values, a
plain message, a non-zero exit)."""

from __future__ import annotations

import pytest
from textual.command import CommandPalette

from sharetui.ui.screens.dialogs import ConfirmDialog, HelpScreen
from sharetui.ui.screens.home import HomeScreen
from sharetui.ui.screens.signin import SignInScreen
from tests.ui.conftest import settle, sign_in


@pytest.mark.parametrize("middle", ["f1", "ctrl+q"])
async def test_palette_over_help_or_question_does_not_crash(make_app, middle: str) -> None:
    """Ctrl+P, F1, Ctrl+P (or Ctrl+P, Ctrl+Q, Ctrl+P) raised DuplicateIds on
    --command-palette: the palette under help was not seen as open."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        for signed_in in (False, True):
            if signed_in:
                await sign_in(pilot, "pat")
                assert isinstance(app.screen, HomeScreen)
            await settle(pilot)
            await pilot.press("ctrl+p", middle, "ctrl+p")
            await settle(pilot)
            assert app.is_running
            assert isinstance(app.screen, (HelpScreen, ConfirmDialog))
            assert sum(isinstance(s, CommandPalette) for s in app.screen_stack) == 1
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.screen, CommandPalette)
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.screen, HomeScreen if signed_in else SignInScreen)
