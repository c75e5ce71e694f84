"""Single-flight saving: a save runs once however often its key is pressed.

An exclusive worker does not help here: cancelling it cancels its await, not the thread
doing the write, which still commits (a second Ctrl+S stored a consent record twice). So a
form asks its SingleFlight whether a save may start; while one is in flight every further
press is ignored (not queued), the form says "Saving…", and the guard opens again only when
the write has returned, successfully or not.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from textual.dom import DOMNode
from textual.widget import Widget
from textual.widgets import Button, Static


class SingleFlight:
    """Owned by one form. `run(coro_factory)` starts a save unless one is in flight."""

    def __init__(
        self, owner: DOMNode, *, status_id: str = "saving-status", group: str = "single-flight-save"
    ) -> None:
        self.owner = owner
        self.status_id = status_id
        # The worker group: a screen whose TYPEAHEAD_WAIT_GROUPS names it holds keys typed
        # during the write until the write has returned.
        self.group = group
        self.in_flight = False

    def run(self, save: Callable[[], Awaitable[Any]], *, label: str = "Saving…") -> bool:
        """Start the save in a worker; False (and nothing started) while one is running."""
        if self.in_flight:
            return False
        self.in_flight = True
        self._show(label)

        async def guarded() -> None:
            try:
                await save()
            finally:
                self.in_flight = False
                if self.owner.is_attached:
                    self._show("")

        self.owner.run_worker(guarded(), group=self.group, exit_on_error=False)
        return True

    def _show(self, label: str) -> None:
        if not isinstance(self.owner, Widget):
            return  # the app's own flights (switching user) have no form to mark
        for status in self.owner.query(f"#{self.status_id}").results(Static):
            status.update(label)
            status.display = bool(label)
        for button in self.owner.query(".save-button").results(Button):
            button.disabled = bool(label)
