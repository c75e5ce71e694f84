"""Text boxes that keep what is typed or pasted.

Textual's Input keeps only the first line of a paste and drops a paste longer than its
max_length without a word; a TextArea has no limit at all. These keep every line a long
field is given, keep what fits of anything too long, and say so (LimitReached, shown by the
Field around the box), never dropping a paste whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual import events
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import Input, TextArea
from textual.widgets.text_area import EditResult, Location

from sharetui.ui.control_message import ControlMessage


@dataclass
class LimitReached(ControlMessage[Widget]):
    """Text was cut to fit a box's limit (`limit` characters; `dropped` were not kept): the
    field says so."""

    limit: int
    dropped: int

    @property
    def message(self) -> str:
        return (
            f"This answer holds up to {self.limit:,} characters: the last {self.dropped:,} "
            "of what was typed or pasted were not kept."
        )


class ShortText(Input):
    """A one-line answer (a name, a date, a contact). A paste of several lines is joined
    with spaces rather than cut to its first line; past the limit, what fits is kept."""

    def __init__(self, value: str = "", *, max_length: int = 200, **kwargs: Any) -> None:
        super().__init__(value, max_length=max_length, **kwargs)

    def _on_paste(self, event: events.Paste) -> None:
        event.stop()
        event.prevent_default()
        text = " ".join(part.strip() for part in event.text.splitlines() if part.strip())
        self.insert_fitting(text)

    def insert_fitting(self, text: str) -> None:
        """Insert text at the cursor (over a selection), keeping what fits the limit."""
        start, end = sorted(self.selection)
        limit = self.max_length
        room = limit - (len(self.value) - (end - start)) if limit else None
        if limit and room is not None and len(text) > room:
            self.post_message(LimitReached(self, limit, len(text) - max(room, 0)))
            text = text[: max(room, 0)]
        if text:
            self.replace(text, start, end)

    def insert_text_at_cursor(self, text: str) -> None:
        """Typing past the limit says so instead of doing nothing."""
        if self.max_length and len(self.value) + len(text) > self.max_length:
            self.insert_fitting(text)
            return
        super().insert_text_at_cursor(text)


class LongText(TextArea):
    """A multi-line answer (information, purpose, reasons, advice, outcome, notes).

    Pasted line breaks are kept. With submit_on_enter (the decision flow, where Enter goes
    on to the next question), Enter posts Submitted and Ctrl+J starts a new line; in a
    dialog Enter is a new line and Ctrl+S saves.
    """

    DEFAULT_CSS = """
    LongText { height: auto; min-height: 3; max-height: 8; }
    """

    BINDINGS = [Binding("ctrl+j", "new_line", "New line", show=False)]

    class Submitted(ControlMessage["LongText"]):
        """Enter in a box that submits on Enter."""

    def __init__(
        self,
        text: str = "",
        *,
        max_length: int = 20_000,
        submit_on_enter: bool = False,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(
            text[:max_length],
            id=id,
            classes=classes,
            soft_wrap=True,
            show_line_numbers=False,
            tab_behavior="focus",
        )
        self.max_length = max_length
        self.submit_on_enter = submit_on_enter

    @property
    def value(self) -> str:
        """The text as typed, line breaks included (the same name as Input's)."""
        return self.text

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "enter" and self.submit_on_enter:
            event.stop()
            event.prevent_default()
            self.post_message(self.Submitted(self))
            return
        await super()._on_key(event)

    def on_resize(self) -> None:
        """A box that grows with its text stays in view in a scrolling form."""
        if self.has_focus:
            self.call_after_refresh(self.scroll_visible, animate=False, immediate=True)

    def action_new_line(self) -> None:
        self._replace_via_keyboard("\n", *self.selection)

    def _replace_via_keyboard(
        self, insert: str, start: Location, end: Location
    ) -> EditResult | None:
        """Every typed or pasted change passes here: keep what fits, say what did not."""
        insert = insert.replace("\r\n", "\n").replace("\r", "\n")
        removed = len(self.get_text_range(*sorted((start, end))))
        room = self.max_length - (len(self.text) - removed)
        if len(insert) > room:
            self.post_message(LimitReached(self, self.max_length, len(insert) - max(room, 0)))
            insert = insert[: max(room, 0)]
            if not insert and start == end:
                return None
        return super()._replace_via_keyboard(insert, start, end)
