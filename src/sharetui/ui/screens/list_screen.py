"""The one shape of the screens that list things and act on the row under the cursor.

The accounts, the retention queue, the subject access requests and their review, and every
list of what is kept after the share (ui/screens/keeping.py) are the same screen: a title, a
table, a few lines about the row under the cursor, a status line and the keys in the footer.
They load their rows in a worker after opening, keep the reader's place when they reload,
show the row under the cursor in full as the cursor moves, and let Enter open that row. Each
of them wrote this out again; here it is written once, and a list says only what differs: its
columns, how it fetches its rows, how one row reads and what Enter does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, Generic, TypeVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import DataTable, Header, Static
from textual.worker import Worker

from sharetui.ui.literal import lit
from sharetui.ui.screens.base import LoadingScreen
from sharetui.ui.widgets.keybar import KeyBar
from sharetui.ui.widgets.table import Table, refill, under_cursor

T = TypeVar("T")


class ListScreen(LoadingScreen, Generic[T]):
    """A list loaded after the screen opens, the keys acting on the row under the cursor.

    A list sets its ids (the stylesheets and the tests know them), its COLUMNS, and supplies
    fetch() and row(); detail() and open() when it shows a row in full or opens it on Enter.
    With LOAD_ON_RESUME it loads whenever it comes back on top (after a dialog saved a
    change), else once, when it opens, and again only when it asks (reload()).
    """

    HEADING: str = ""  # the page title
    SUB_TITLE: ClassVar[str] = ""  # the header's words for this screen
    COLUMNS: tuple[str, ...] = ()
    TABLE_ID: ClassVar[str] = "list-table"
    DETAIL_ID: ClassVar[str] = ""  # the lines about the row under the cursor; "": none
    STATUS_ID: ClassVar[str] = "list-status"  # what the last action did (say())
    LOAD_GROUP: ClassVar[str] = "list-load"  # the worker group of a load (keys wait for it)
    LOAD_ON_RESUME: ClassVar[bool] = True
    EMPTY: str = ""  # said in the detail lines when there are no rows
    ENTER_WORDS: str = ""  # the footer's words for Enter ("" : none shown)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Keys typed while the list loads act on the loaded list, not on an empty table: each
        list waits for its own LOAD_GROUP besides any groups of its own writes it names."""
        super().__init_subclass__(**kwargs)
        cls.TYPEAHEAD_WAIT_GROUPS = cls.TYPEAHEAD_WAIT_GROUPS | {cls.LOAD_GROUP}

    def __init__(self) -> None:
        super().__init__()
        self.items: list[T] = []

    # -- the parts ------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header()
        yield from self.compose_heading()
        yield Table(id=self.TABLE_ID, cursor_type="row", zebra_stripes=True)
        yield from self.compose_below()
        yield Static("", id=self.STATUS_ID, classes="hint")
        yield KeyBar(self.ENTER_WORDS)

    def compose_heading(self) -> ComposeResult:
        """What stands above the table: the page title."""
        yield Static(self.HEADING, classes="page-title")

    def compose_below(self) -> ComposeResult:
        """What stands between the table and the status line: the detail lines."""
        if self.DETAIL_ID:
            yield Static("", id=self.DETAIL_ID)

    def on_mount(self) -> None:
        self.sub_title = self.SUB_TITLE or self.HEADING
        table = self.table
        table.add_columns(*self.COLUMNS)
        table.focus()
        if not self.LOAD_ON_RESUME:
            self.reload()
        # Otherwise no load here: ScreenResume follows the first mount too, and loads once.

    def on_screen_resume(self) -> None:
        if self.LOAD_ON_RESUME:
            self.reload()

    @property
    def table(self) -> DataTable[Any]:
        return self.query_one(f"#{self.TABLE_ID}", DataTable)

    # -- loading --------------------------------------------------------------------------
    def reload(self) -> Worker[None]:
        """Fetch the rows again (one load at a time: a newer one cancels the older)."""
        return self.run_worker(
            self._load, name="_load", group=self.LOAD_GROUP, exclusive=True, exit_on_error=False
        )

    async def _load(self) -> None:
        try:
            await self.load_and_show(self.fetch(), self.take)
        finally:
            if self.is_attached:
                self.refresh_bindings()

    async def fetch(self) -> list[T]:
        raise NotImplementedError

    def take(self, items: list[T]) -> None:
        """The rows fetched: keep them and show them."""
        self.items = items
        self._show()

    def row(self, item: T) -> tuple[Any, ...]:
        raise NotImplementedError

    def rows(self) -> list[tuple[Any, ...]]:
        return [self.row(item) for item in self.items]

    def empty_row(self) -> tuple[Any, ...] | None:
        """The one row that says there is nothing (None: the table stays empty)."""
        return None

    def _show(self, cursor: int | None = None) -> None:
        """Show the items, the cursor on the row number it was on (or on `cursor`)."""
        refill(self.table, self.rows(), empty=self.empty_row(), cursor=cursor)
        self._detail()

    # -- the row under the cursor ---------------------------------------------------------
    def chosen(self) -> T | None:
        return under_cursor(self.table, self.items)

    def move_to(self, match: Callable[[T], bool]) -> None:
        """Put the cursor on the first row whose item matches (an id, say)."""
        for i, item in enumerate(self.items):
            if match(item):
                self.table.move_cursor(row=i)
                return

    def detail(self, item: T) -> Text:
        """A few lines about the row under the cursor (nothing by default)."""
        return Text()

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == self.TABLE_ID:
            self._detail()

    def _detail(self) -> None:
        """The lines about the row under the cursor, and the keys that now apply to it."""
        if self.DETAIL_ID:
            item = self.chosen()
            empty = lit(self.EMPTY, style="bold")  # said under the headings, not as a row
            self.query_one(f"#{self.DETAIL_ID}", Static).update(
                self.detail(item) if item is not None else empty
            )
        self.refresh_bindings()

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == self.TABLE_ID:
            item = self.chosen()
            if item is not None:
                self.open(item)

    def open(self, item: T) -> None:
        """Enter on a row (nothing by default)."""

    # -- saying what happened -------------------------------------------------------------
    def say(self, words: str) -> None:
        self.query_one(f"#{self.STATUS_ID}", Static).update(lit(words))

    def action_back(self) -> None:
        self.dismiss()
