"""The base of every message a widget of sharetui posts about itself.

Textual matches a handler's selector (`@on(Choices.Picked, "#status")`) against the message's
`control`, which is None unless the message names it: a message that forgot matched no
selector, and its handler never ran. Each of the kit's and the pickers' messages named its
widget in an attribute of its own and returned it from a `control` property of its own; here
the widget is given once, and `control` is the one way to reach it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from textual.message import Message
from textual.widget import Widget

W = TypeVar("W", bound=Widget)


@dataclass
class ControlMessage(Message, Generic[W]):
    """A message about the widget that posted it (its `control`).

    A dataclass, as Textual's own messages are (`Input.Changed`): a message is declared by
    the fields it carries, after the widget, and is posted as `Picked(self, value)`."""

    _control: W

    @property
    def control(self) -> W:
        return self._control
