"""Who viewed the record (supervisors only): every read of the person's details."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from rich.text import Text
from textual.widget import Widget
from textual.widgets import DataTable

from sharetui.ui.literal import one_line, when
from sharetui.ui.screens.person_tabs.base import RecordTab, record_table

if TYPE_CHECKING:
    from sharetui.services.audit import ViewRecord

COLUMNS = (("When", 17), ("Who", 26), ("What", 18), ("Terminal", 16))


class ViewedByTab(RecordTab):
    NAME = "viewed"
    TITLE = "Viewed by (v)"
    FOCUS = "viewed-by"

    def __init__(self) -> None:
        super().__init__()
        self.views: list[ViewRecord] | None = None
        self.tz: ZoneInfo | None = None

    def parts(self) -> Iterable[Widget]:
        yield record_table("viewed-by", COLUMNS)

    def show_views(self, views: list[ViewRecord], tz: ZoneInfo) -> None:
        self.views, self.tz = views, tz
        if self.built:
            self.fill()

    def fill(self) -> None:
        if self.views is None or self.tz is None:
            return
        table = self.query_one("#viewed-by", DataTable)
        table.clear()
        for v in self.views:
            table.add_row(
                Text(when(v.at, self.tz)),
                one_line(f"{v.display_name} ({v.username})", 26),
                one_line(v.what, 18),
                one_line(v.terminal, 16),
            )
        if not self.views:
            table.add_row(Text("Nobody has opened this record yet"), Text(""), Text(""), Text(""))
