"""What every tab of a person's record shares: its name, its key, and being built late."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from textual.widget import Widget
from textual.widgets import DataTable, TabPane

from sharetui.ui.widgets.table import Table


class RecordTab(TabPane):
    """A tab whose widgets are mounted the first time it is wanted (build), not when the
    record opens: building every tab up front was most of the time taken to open a record.
    What the screen hands it before then is kept and shown once built."""

    NAME: ClassVar[str]  # the word the screen's keys use: "timeline"
    TITLE: ClassVar[str]  # the tab's label, with its key
    FOCUS: ClassVar[str | None] = None  # the widget (id) that takes the keys when shown
    LAZY: ClassVar[bool] = True

    def __init__(self) -> None:
        super().__init__(self.TITLE, id=f"{self.NAME}-tab")
        self.built = not self.LAZY

    def compose(self) -> Iterable[Widget]:
        return self.parts() if not self.LAZY else ()

    def parts(self) -> Iterable[Widget]:
        """The tab's widgets."""
        return ()

    def build(self) -> None:
        """Mount the widgets (once) and fill them with what was handed over so far."""
        if self.built:
            return
        self.built = True
        self.mount_all(list(self.parts()))
        self.fill()

    def fill(self) -> None:
        """Show what was handed over (only called once built)."""

    def focus_content(self) -> None:
        if self.FOCUS is not None:
            self.build()
            self.query_one(f"#{self.FOCUS}").focus()


def record_table(
    table_id: str, columns: tuple[tuple[str, int], ...], cls: type[Table] = Table
) -> DataTable[Any]:
    """A table of the record, its columns sized to fill the tab."""
    table = cls(id=table_id, cursor_type="row", zebra_stripes=True)
    # fill the tab (the shared sheet sizes tables to their rows, capped at 12)
    table.styles.height = "1fr"
    table.styles.max_height = "100%"
    for label, width in columns:
        table.add_column(label, width=width)
    return table
