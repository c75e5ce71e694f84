"""The one choice list of every form: radio-style or tick-box options, each with a one-key
shortcut shown on it.

Nothing is chosen in advance unless the form already holds an answer (a resumed draft). The
chosen option is marked in words and shape ("(x)"), never by colour alone. Only the list's
own keys change an answer: an option's key, or Enter on the option the arrows moved to. Any
other printable key (a letter or space meant for the next text box) changes nothing and
shows a short hint instead, so typing ahead can never silently pick an answer. A choice
posts Choices.Picked, which the form uses to move on to the next question.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any, TypeVar

from rich.text import Text
from textual import events
from textual.geometry import Size
from textual.widget import Widget

from sharetui.ui.control_message import ControlMessage
from sharetui.ui.literal import plain

E = TypeVar("E", bound=Enum)


@dataclass(frozen=True)
class Choice:
    key: str  # the single key that chooses it: "1".."9", "y", "n", "r"...
    value: str
    label: str
    hint: str = ""


def enum_choices(members: Sequence[E], words: dict[Any, str] | None = None) -> list[Choice]:
    """Enum members as options keyed 1 to 9, labelled in words."""
    return [
        Choice(str(i), m.value, (words or {}).get(m) or m.label)  # type: ignore[attr-defined]  # every enum offered has .label; E is bound only to Enum
        for i, m in enumerate(members, start=1)
    ]


class Choices(Widget, can_focus=True):
    """One question's options. Keys: the option's own key, Up/Down and Space."""

    DEFAULT_CSS = """
    Choices {
        height: auto;
        padding: 0 1;
        border-left: blank;
    }
    Choices:focus {
        border-left: thick $accent;
        background: $boost;
    }
    Choices.-invalid {
        border-left: thick $error;
    }
    """

    @dataclass
    class Picked(ControlMessage["Choices"]):
        """An option was chosen (or, in a multiple choice, ticked or unticked)."""

        value: str

    def __init__(
        self,
        options: Sequence[Choice],
        *,
        value: str | None = None,
        values: Sequence[str] = (),
        multiple: bool = False,
        inline: bool = False,
        prompt: str = "",
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.options: list[Choice] = list(options)
        self.multiple = multiple
        self.inline = inline
        self.prompt = prompt
        self.selected: list[str] = list(values) if multiple else ([value] if value else [])
        self.cursor = 0
        self.hint = ""  # shown under the options after a key that is not the list's own
        self._moved = False  # the arrows moved the cursor since the last choice
        if self.selected:
            first = self.selected[0]
            self.cursor = next((i for i, o in enumerate(self.options) if o.value == first), 0)

    # -- value ----------------------------------------------------------------------------
    @property
    def value(self) -> str | None:
        return self.selected[0] if self.selected else None

    @property
    def values(self) -> list[str]:
        return [o.value for o in self.options if o.value in self.selected]

    def set_options(self, options: Sequence[Choice], value: str | None = None) -> None:
        self.options = list(options)
        known = {o.value for o in self.options}
        self.selected = [v for v in ([value] if value else self.selected) if v in known]
        self.cursor = min(self.cursor, max(len(self.options) - 1, 0))
        self.refresh(layout=True)

    def choose(self, value: str, *, announce: bool = True) -> None:
        """Choose (or tick/untick) an option as if its key was pressed."""
        if self.multiple:
            if value in self.selected:
                self.selected.remove(value)
            else:
                self.selected.append(value)
        else:
            self.selected = [value]
        self.cursor = next((i for i, o in enumerate(self.options) if o.value == value), 0)
        self.hint = ""
        self._moved = False
        self.refresh(layout=True)
        if announce:
            self.post_message(self.Picked(self, value))

    def clear(self) -> None:
        self.selected = []
        self.refresh()

    # -- keys -----------------------------------------------------------------------------
    def on_key(self, event: events.Key) -> None:
        key = (event.character or "").lower()
        for option in self.options:
            if key and key == option.key:
                event.stop()
                event.prevent_default()
                self.choose(option.value)
                return
        if event.key in ("up", "left") and self.cursor > 0:
            event.stop()
            self.cursor -= 1
            self._moved = True
            self.refresh()
        elif event.key in ("down", "right") and self.cursor < len(self.options) - 1:
            event.stop()
            self.cursor += 1
            self._moved = True
            self.refresh()
        elif event.key == "enter" and self.options and self._cursor_moved():
            event.stop()
            event.prevent_default()
            self.choose(self.options[self.cursor].value)
        elif event.is_printable and not self._bound_above(event.key):
            event.stop()
            event.prevent_default()
            self._say_keys()

    def _bound_above(self, key: str) -> bool:
        """A key the page or screen binds (a to confirm all, say) is theirs, not a stray."""
        return any(
            key in node._bindings.key_to_bindings
            for node in self.ancestors
            if hasattr(node, "_bindings")
        )

    def _cursor_moved(self) -> bool:
        """Enter chooses the option the arrows moved to; on the chosen one (or with none
        moved to) it goes on, as Enter does everywhere in a form."""
        if not self.options or not self._moved:
            return False
        return self.multiple or self.options[self.cursor].value not in self.selected

    def _say_keys(self) -> None:
        keys = [o.key for o in self.options]
        if keys and all(k.isdigit() for k in keys):
            which = f"{keys[0]} to {keys[-1]}" if len(keys) > 1 else keys[0]
        else:
            which = ", ".join(keys[:-1]) + (f" or {keys[-1]}" if len(keys) > 1 else keys[0])
        self.hint = f"Press {which} to choose, Tab for the next question"
        self.refresh(layout=True)
        self.call_after_refresh(self._show_hint)

    def _show_hint(self) -> None:
        """Once the list has grown by the hint line, scroll so the hint can be read."""
        self.call_after_refresh(self.scroll_visible, animate=False, immediate=True)

    # -- drawing --------------------------------------------------------------------------
    def _mark(self, option: Choice) -> str:
        on = option.value in self.selected
        if self.multiple:
            return "[x]" if on else "[ ]"
        return "(x)" if on else "( )"

    def render(self) -> Text:
        return Text("\n").join(self._lines(self.content_size.width or 76))

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._lines(width))

    def _lines(self, width: int) -> list[Text]:
        """The options, then the key hint if one is due."""
        lines = self._option_lines(width)
        if self.hint:
            lines += [Text(part, style="bold") for part in textwrap.wrap(self.hint, max(width, 20))]
        return lines

    def _option_lines(self, width: int) -> list[Text]:
        """The options wrapped to the width with hanging indents, so a long hint stays
        under its option instead of running back to the margin."""
        width = max(width, 20)
        focused = self.has_focus
        lines: list[Text] = []
        if self.inline:
            row = Text()
            for i, option in enumerate(self.options):
                if i:
                    row.append("   ")
                style = "reverse" if focused and i == self.cursor else ""
                row.append(f"{self._mark(option)} {option.key} {plain(option.label)}", style)
            prompt = plain(self.prompt)
            if prompt and len(prompt) + 2 + len(row) <= width:
                line = Text(prompt + "  ", style="bold")
                line.append_text(row)
                return [line]
            lines = [Text(part, style="bold") for part in textwrap.wrap(prompt, width)]
            return [*lines, Text("  ").append_text(row)]
        if self.prompt:
            lines += [Text(part, style="bold") for part in textwrap.wrap(plain(self.prompt), width)]
        for i, option in enumerate(self.options):
            style = "reverse" if focused and i == self.cursor else ""
            head = f"{self._mark(option)} {option.key}  "
            words = textwrap.wrap(
                head + plain(option.label), width, subsequent_indent=" " * len(head)
            ) or [head]
            for j, part in enumerate(words):
                lines.append(Text(part, style=style if j == 0 else ""))
            if option.hint:
                lines += [
                    Text(part, style="dim")
                    for part in textwrap.wrap(
                        plain(option.hint),
                        width,
                        initial_indent=" " * 9,
                        subsequent_indent=" " * 9,
                    )
                ]
        return lines

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        if self.hint:
            self.hint = ""
            self.refresh(layout=True)
        else:
            self.refresh()
