"""The timeline tab: consent, decisions and advice about the person, newest first, a page
at a time (its table asks for pages with paging.PageAsked; the screen reads each page)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import on
from textual.message import Message
from textual.widget import Widget
from textual.widgets import DataTable, Static

from sharetui.services.views import Page, TimelineEntry
from sharetui.ui.literal import one_line, when
from sharetui.ui.screens.person_tabs.base import RecordTab, record_table
from sharetui.ui.widgets.paging import PagedTable

TIMELINE_PAGE = 20
COLUMNS = (("When", 17), ("What", 24), ("Detail", 28))


def status_words(page: Page[TimelineEntry]) -> str:
    if not page.items:
        return "Nothing recorded about this person yet."
    first, last = page.offset + 1, page.offset + len(page.items)
    words = f"Entries {first} to {last}, newest first."
    if page.has_more:
        words += " PageDown: older."
    if page.offset:
        words += " PageUp: newer."
    return words + " Enter: open in full."


class TimelineTab(RecordTab):
    NAME = "timeline"
    TITLE = "Timeline (t)"
    FOCUS = "timeline"

    @dataclass
    class EntryOpened(Message):
        """Enter on an entry: open it in full."""

        entry: TimelineEntry

    def __init__(self) -> None:
        super().__init__()
        self.page: Page[TimelineEntry] = Page((), 0, TIMELINE_PAGE, False)
        self.tz: ZoneInfo | None = None

    def parts(self) -> Iterable[Widget]:
        yield record_table("timeline", COLUMNS, PagedTable)
        yield Static("", id="timeline-status", classes="pane-hint")

    def show_page(self, page: Page[TimelineEntry], tz: ZoneInfo) -> None:
        moved = page.offset != self.page.offset
        self.page, self.tz = page, tz
        if self.built:
            self.fill()
            if moved:
                self.query_one("#timeline", DataTable).move_cursor(row=0)

    def fill(self) -> None:
        if self.tz is None:
            return
        table = self.query_one("#timeline", DataTable)
        table.clear()
        for i, entry in enumerate(self.page.items):
            table.add_row(
                Text(when(entry.at, self.tz)),
                one_line(entry.title, 24),
                one_line(entry.detail, 28),
                key=str(i),
            )
        self.query_one("#timeline-status", Static).update(Text(status_words(self.page)))

    @on(DataTable.RowSelected, "#timeline")
    def _opened(self, event: DataTable.RowSelected) -> None:
        event.stop()
        index = int(str(event.row_key.value))
        if 0 <= index < len(self.page.items):
            self.post_message(self.EntryOpened(self.page.items[index]))
