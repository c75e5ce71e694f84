"""The keys that work now, on one line of text.

Textual's Footer rebuilds a widget per key on every focus change; on a form that moves the
focus at each answer that is most of the work done per keystroke. One Static redrawn with
the same information keeps the flow quick on a slow terminal.
"""

from __future__ import annotations

from rich.text import Text
from textual.screen import Screen
from textual.widgets import Static

KEY_NAMES = {
    "escape": "Esc",
    "enter": "Enter",
    "tab": "Tab",
    "space": "Space",
    "pageup": "PgUp",
    "pagedown": "PgDn",
    "up": "Up",
    "down": "Down",
    "left": "Left",
    "right": "Right",
    "home": "Home",
    "end": "End",
    "delete": "Del",
    "backspace": "Backspace",
}


def key_name(key: str) -> str:
    """One spelling of every key, everywhere: "F1", "Ctrl+L", "Shift+Tab", "Esc", "n"."""
    *modifiers, last = key.split("+") if key != "+" else [key]
    name = KEY_NAMES.get(last) or (last.upper() if last[:1] == "f" and last[1:].isdigit() else last)
    if modifiers and len(name) == 1:
        name = name.upper()
    return "+".join([*(m.capitalize() for m in modifiers), name])


def _pair(key: str, words: str) -> Text:
    pair = Text(key, style="bold reverse")
    pair.append(" " + words)
    return pair


class KeyBar(Static):
    """A footer in words: 'Esc Back  Enter Continue  F4 Seek advice ...'."""

    DEFAULT_CSS = """
    KeyBar { dock: bottom; height: auto; max-height: 3; background: $panel; padding: 0 1; }
    """

    def __init__(self, enter_words: str = "") -> None:
        super().__init__()
        self.enter_words = enter_words

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._changed)
        self._changed(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _changed(self, screen: Screen[object]) -> None:
        if not self.is_attached or screen is not self.screen:
            return
        pairs: list[Text] = []
        seen: set[str] = set()
        shown_keys: set[str] = set()
        for _node, binding, enabled, _tooltip in screen.active_bindings.values():
            if not binding.show or not enabled or binding.action in seen:
                continue
            seen.add(binding.action)
            shown_keys.add(binding.key)
            pairs.append(_pair(key_name(binding.key.split(",")[0]), binding.description))
        if "enter" not in shown_keys and self.enter_words:
            # In a text box Enter submits the box, which goes on: say so.
            pairs.insert(0, _pair("Enter", self.enter_words))
        self._pairs = pairs
        self._lay_out()

    def on_resize(self) -> None:
        self._lay_out()

    def _lay_out(self) -> None:
        """Whole "key words" pairs per line: a narrow terminal gets a second line rather
        than a key cut in half or dropped."""
        width = max(self.size.width - 2, 20)
        text = Text()
        line = 0
        for pair in getattr(self, "_pairs", []):
            gap = 2 if line else 0
            if line and line + gap + pair.cell_len > width:
                text.append("\n")
                line, gap = 0, 0
            if gap:
                text.append("  ")
            text.append_text(pair)
            line += gap + pair.cell_len
        self.update(text)
