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
        text = Text()  # wraps to a second line rather than dropping keys at 80 columns
        seen: set[str] = set()
        shown_keys: set[str] = set()
        for _node, binding, enabled, _tooltip in screen.active_bindings.values():
            if not binding.show or not enabled or binding.action in seen:
                continue
            seen.add(binding.action)
            shown_keys.add(binding.key)
            if text:
                text.append("  ")
            text.append(key_name(binding.key.split(",")[0]), style="bold reverse")
            text.append(" " + binding.description)
        if "enter" not in shown_keys and self.enter_words:
            # In a text box Enter submits the box, which goes on: say so.
            start = Text()
            start.append("Enter", style="bold reverse")
            start.append(f" {self.enter_words}  ")
            text = start + text
        self.update(text)
