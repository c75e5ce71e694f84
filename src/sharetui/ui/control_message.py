"""The base of every message a widget of sharetui posts about itself.

Textual matches a handler's selector (`@on(Choices.Picked, "#status")`) against the message's
`control`, which is None unless the message names it: a message that forgot matched no
selector, and its handler never ran. Each of the kit's and the pickers' messages named its
widget in an attribute of its own and returned it from a `control` property of its own; here
the widget is given once, and `control` is the one way to reach it.
"""

from __future__ import annotations

from typing import Generic, TypeVar

from textual.message import Message
from textual.widget import Widget

W = TypeVar("W", bound=Widget)


class ControlMessage(Message, Generic[W]):
    """A message about the widget that posted it (its `control`)."""

    def __init__(self, control: W) -> None:
        super().__init__()
        self._control = control

    @property
    def control(self) -> W:
        return self._control
