"""The consent tab: the current state of each consent scope, in words."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import on
from textual.message import Message
from textual.widget import Widget
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from sharetui.services.consent import describe
from sharetui.services.views import ConsentLine
from sharetui.ui.literal import lit
from sharetui.ui.screens.person_tabs.base import RecordTab

NO_CONSENT = (
    "No consent recorded for this person. Press r to record consent given, refused, "
    "withdrawn, or not sought (with the reason)."
)


def consent_prompt(line: ConsentLine, tz: ZoneInfo) -> Text:
    """One scope on one line: the state in capitals, then the event in words (refused and
    withdrawn as visible as given)."""
    text = Text()
    text.append(line.current.status.label.upper(), style="bold")
    text.append(": ")
    text.append(lit(describe(line, tz)))
    return text


class ConsentTab(RecordTab):
    """Shown as the record opens: built with the screen, not late."""

    NAME = "consent"
    TITLE = "Consent (c)"
    FOCUS = "consent-lines"
    LAZY = False

    @dataclass
    class LineOpened(Message):
        """Enter on a consent line: show its event in full."""

        line: ConsentLine

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[ConsentLine] = []

    def parts(self) -> Iterable[Widget]:
        yield Static(NO_CONSENT, id="no-consent", classes="hidden")
        yield OptionList(id="consent-lines")
        yield Static(
            "r: record consent   w: withdraw the selected consent   Enter: in full",
            classes="pane-hint",
        )

    def show_lines(self, lines: list[ConsentLine], tz: ZoneInfo) -> None:
        """Every scope's current state, keeping the highlighted line where it was."""
        self.lines = lines
        options = self.query_one("#consent-lines", OptionList)
        highlighted = options.highlighted
        options.clear_options()
        # one call for every line: each call measures and lays out the list again
        options.add_options(
            [Option(consent_prompt(line, tz), id=f"c{i}") for i, line in enumerate(lines)]
        )
        if lines:
            options.highlighted = min(highlighted or 0, len(lines) - 1)
        self.query_one("#no-consent").set_class(bool(lines), "hidden")
        options.set_class(not lines, "hidden")

    def selected(self) -> ConsentLine | None:
        """The highlighted line, if any."""
        index = self.query_one("#consent-lines", OptionList).highlighted
        if index is None or not 0 <= index < len(self.lines):
            return None
        return self.lines[index]

    @on(OptionList.OptionSelected, "#consent-lines")
    def _opened(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if 0 <= event.option_index < len(self.lines):
            self.post_message(self.LineOpened(self.lines[event.option_index]))
