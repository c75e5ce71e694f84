"""What the type-to-search pickers share (a person: person_picker.py; a recipient from the
register: recipient_picker.py): a line to type in, a status line and a list of matches, found
by class so that each picker keeps its own ids; and the app, as the searches need it.

One base rather than the same three properties in each picker: when the parts change, both
pickers change together.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events
from textual.containers import Vertical
from textual.widgets import Input, OptionList, Static

from sharetui.ui.screens.base import ReportsWorkerFailures

if TYPE_CHECKING:
    from sharetui.ui.app import ShareApp


class SearchPicker(ReportsWorkerFailures, Vertical):
    """A picker composes an Input (.picker-input), a Static (.picker-status) and an
    OptionList (.picker-results)."""

    @property
    def input(self) -> Input:
        return self.query_one(".picker-input", Input)

    @property
    def result_list(self) -> OptionList:
        return self.query_one(".picker-results", OptionList)

    @property
    def status(self) -> Static:
        return self.query_one(".picker-status", Static)

    @property
    def query_text(self) -> str:
        return self.input.value

    @property
    def share_app(self) -> ShareApp:
        return self.app  # type: ignore[return-value]  # Textual types .app as App[Any]; it is a ShareApp


def arrows_through_matches(event: events.Key, box: Input, matches: OptionList) -> None:
    """Up and Down typed in a search box move the highlight through its matches, the focus
    staying in the box so that typing goes on (the pickers and the organisation chooser);
    any other key, or a key with the focus elsewhere, is left alone."""
    if event.key not in ("up", "down") or box.screen.focused is not box:
        return
    event.stop()
    event.prevent_default()
    if event.key == "down":
        matches.action_cursor_down()
    else:
        matches.action_cursor_up()
