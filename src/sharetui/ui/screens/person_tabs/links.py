"""The linked people tab: parents, carers, siblings and household members."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.message import Message
from textual.widget import Widget
from textual.widgets import DataTable, Static

from sharetui.services.views import LinkView
from sharetui.ui.literal import one_line
from sharetui.ui.screens.person_tabs.base import RecordTab, record_table
from sharetui.ui.widgets.person_text import person_name

COLUMNS = (("Relationship", 34), ("Name", 26), ("Born", 17))


class LinksTab(RecordTab):
    NAME = "people"
    TITLE = "People (p)"
    FOCUS = "links"

    @dataclass
    class PersonOpened(Message):
        """Enter on a linked person: open their record."""

        person_id: int

    def __init__(self) -> None:
        super().__init__()
        self.links: tuple[LinkView, ...] = ()

    def parts(self) -> Iterable[Widget]:
        yield record_table("links", COLUMNS)
        yield Static("Enter: open that person   l: link a person", classes="pane-hint")

    def show_links(self, links: tuple[LinkView, ...]) -> None:
        self.links = links
        if self.built:
            self.fill()

    def fill(self) -> None:
        table = self.query_one("#links", DataTable)
        table.clear()
        for i, link in enumerate(self.links):
            table.add_row(
                Text(link.relationship.label),
                one_line(person_name(link.person), 26),
                Text(link.person.dob_text),
                key=str(i),
            )
        if not self.links:
            table.add_row(Text("No linked people. Press l to link one."), Text(""), Text(""))

    @on(DataTable.RowSelected, "#links")
    def _opened(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is None:
            return
        index = int(str(event.row_key.value))
        if 0 <= index < len(self.links):
            self.post_message(self.PersonOpened(self.links[index].person.id))
