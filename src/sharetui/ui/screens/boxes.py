"""The sign-in screens' way through their boxes with the keyboard.

Signing in, creating the first administrator, the second factor and choosing a passphrase
are each a few boxes and nothing else: the first box has the focus when the screen opens,
Enter in a box moves to the next, and Enter in the last one submits. Each screen wired this
up again; here it is once, and a screen names its boxes in order.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.widgets import Input

from sharetui.ui.screens.base import KioskScreen


class BoxesScreen(KioskScreen):
    """A screen of boxes, BOXES (their ids) in order; Enter in the last runs action_submit."""

    BOXES: ClassVar[tuple[str, ...]] = ()

    def on_mount(self) -> None:
        self.query_one(f"#{self.BOXES[0]}", Input).focus()

    @on(Input.Submitted)
    def _enter_in_a_box(self, event: Input.Submitted) -> None:
        name = event.input.id or ""
        if name not in self.BOXES:
            return
        later = self.BOXES[self.BOXES.index(name) + 1 :]
        if later:
            self.query_one(f"#{later[0]}", Input).focus()
        else:
            self.action_submit()

    def action_submit(self) -> None:
        raise NotImplementedError
