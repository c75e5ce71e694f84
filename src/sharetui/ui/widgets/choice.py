"""Radio buttons and checkboxes whose state shows in the glyph, not in colour alone.

Textual draws the same mark for on and off and tells them apart by colour; on a monochrome
or high-contrast terminal, or for someone who cannot tell the colours apart, that hides the
answer. These draw the mark only when chosen.
"""

from __future__ import annotations

from textual.content import Content
from textual.style import Style
from textual.widgets import Checkbox, RadioButton


class _MarkWhenOn:
    """Mixin for toggle buttons: the inner glyph is blank when off."""

    BUTTON_LEFT: str
    BUTTON_INNER: str
    BUTTON_RIGHT: str
    value: bool

    @property
    def _button(self) -> Content:
        button_style = self.get_visual_style("toggle--button")  # type: ignore[attr-defined]  # a mixin for ToggleButton: Widget has it
        side_style = Style(
            foreground=button_style.background,
            background=self.background_colors[1],  # type: ignore[attr-defined]  # a mixin for ToggleButton: Widget has it
        )
        inner = self.BUTTON_INNER if self.value else " " * len(self.BUTTON_INNER)
        return Content.assemble(
            (self.BUTTON_LEFT, side_style),
            (inner, button_style),
            (self.BUTTON_RIGHT, side_style),
        )


class ChoiceButton(_MarkWhenOn, RadioButton):
    """A radio button showing a dot only when chosen."""


class TickBox(_MarkWhenOn, Checkbox):
    """A checkbox showing its mark only when ticked."""
