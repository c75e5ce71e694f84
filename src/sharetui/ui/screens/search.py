"""Find a person: search as you type, a page of matches at a time, Enter opens the record.

Each keystroke starts a search that replaces the one before; a result that arrives after the
text changed again is dropped, so the table always matches what is in the box. Only one page
of rows is ever in the table (the database does the paging).
"""

from __future__ import annotations

import asyncio

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Input, Static

from sharetui.services.views import PersonMatch, PersonSummary
from sharetui.ui.literal import lit, one_line
from sharetui.ui.newest_search import NewestSearch
from sharetui.ui.screens.base import KioskScreen
from sharetui.ui.widgets.keybar import KeyBar
from sharetui.ui.widgets.paging import PagedTable, TopPassed
from sharetui.ui.widgets.person_search import (
    HOW_TO_SEARCH,
    PersonSearchPages,
    group_heading,
    similar_words,
)
from sharetui.ui.widgets.person_text import person_name

PAGE_SIZE = 15


class _ResultsTable(PagedTable):
    """Up from the first row returns to the search box; PageDown/PageUp fetch pages."""

    top_returns = True


class PersonSearchScreen(PersonSearchPages, KioskScreen):
    """Search by name (any order, partial, accents ignored), date of birth or reference."""

    CSS_PATH = "search.tcss"

    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("ctrl+n", "add_person", "Add a person"),
        Binding("pagedown", "next_page", "More"),
        Binding("pageup", "previous_page", "Back a page"),
        Binding("down", "to_results", "Matches", show=False),
    ]
    TYPEAHEAD_WAIT_GROUPS = frozenset({"person-search"})
    page_size = PAGE_SIZE

    FIELD_HELP = {
        "search": "Type part of a name in any order (accents, capitals, other alphabets and "
        "punctuation inside names do not matter; other names are searched too), a date of "
        "birth such as 4/3/2016 or a year of birth, or the start of a reference or NHS number. "
        "Words narrow the search: 'smi ja 2016-03-04'. Exact matches come first; then, under "
        "their own headings, similar names: sounds like, spelling, short form (Liz for "
        "Elizabeth), one letter different. "
        "If nobody fits, press Ctrl+N to add the person: the app checks for a duplicate first.",
        "results": "Enter opens the person's record (the opening is recorded). PageDown and "
        "PageUp move between pages of matches.",
    }

    def __init__(self) -> None:
        super().__init__()
        self.searches = NewestSearch(self, self._say_refusal)
        self.results_shown = asyncio.Event()  # set when a query's page is on screen

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder="Name, date of birth or reference", id="search", max_length=200)
        yield Static(HOW_TO_SEARCH, id="search-status")
        yield _ResultsTable(id="results", cursor_type="row", zebra_stripes=True)
        yield KeyBar()  # the keys that work now, without Footer's rebuild per focus change

    def on_mount(self) -> None:
        self.title = "sharetui"
        self.sub_title = "Find a person"
        table = self.query_one("#results", DataTable)
        # fill the screen (the shared sheet sizes tables to their rows, capped at 12)
        table.styles.height = "1fr"
        table.styles.max_height = "100%"
        table.add_column("Name", width=27, key="name")
        table.add_column("Other names", width=15, key="other")
        table.add_column("Born", width=17, key="born")
        table.add_column("Reference", width=11, key="ref")
        self.query_one("#search", Input).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "next_page":
            return self.has_more
        if action == "previous_page":
            return self.page_offset > 0
        return super().check_action(action, parameters)

    def typeahead_ready(self, event: events.Key | events.Paste) -> bool:
        """Text typed ahead goes straight to the box; a key that acts on the matches (Down,
        Enter, PageDown) waits until the matches for what was typed before it are shown."""
        if isinstance(event, events.Paste) or event.is_printable:
            return True
        return super().typeahead_ready(event)

    # -- searching ------------------------------------------------------------------------
    @property
    def query_text(self) -> str:
        return self.query_one("#search", Input).value

    @on(Input.Changed, "#search")
    def _typed(self, event: Input.Changed) -> None:
        self._start(event.value, 0)

    def _start(self, text: str, offset: int) -> None:
        self.results_shown.clear()
        super()._start(text, offset)

    @work(exclusive=True, group="person-search", exit_on_error=False)
    async def _find(self, text: str, offset: int, number: int) -> None:
        await self._fetch_page(self.services, self.actor, text, offset, number)

    def _say_refusal(self, message: str) -> None:
        self.query_one("#search-status", Static).update(lit(message))

    def _show(self, items: tuple[PersonMatch, ...], offset: int, has_more: bool, text: str) -> None:
        paging_changed = (has_more, offset > 0) != (self.has_more, self.page_offset > 0)
        self.results, self.page_offset, self.has_more = items, offset, has_more
        table = self.query_one("#results", DataTable)
        table.clear()
        reason = "exact"
        for i, m in enumerate(items):
            if m.reason != reason:  # a heading row starts each group of similar names
                reason = m.reason
                table.add_row(
                    Text(group_heading(reason), style="bold"),
                    Text(""),
                    Text(""),
                    Text(""),
                    key=f"heading-{i}",
                )
            p = m.person
            table.add_row(
                one_line(person_name(p), 27),
                one_line(p.other_names or "", 15),
                Text(p.dob_text),
                one_line(p.reference, 11),
                key=str(i),
            )
        if not text.strip():
            self.similar_count = 0
        self.query_one("#search-status", Static).update(
            self._status_text(items, offset, has_more, text, self.similar_count)
        )
        if paging_changed:  # redrawing the footer on every key is slow: only when it changes
            self.refresh_bindings()
        self.results_shown.set()

    @staticmethod
    def _status_text(
        items: tuple[PersonMatch, ...],
        offset: int,
        has_more: bool,
        text: str,
        similar: int | None,
    ) -> Text:
        if not text.strip():
            return Text(HOW_TO_SEARCH)
        if not items:
            if offset:
                return Text("No more matches. PageUp: previous page.")
            return Text(
                "No one found. Check the spelling, try fewer letters or the date of birth, "
                "or press Ctrl+N to add the person."
            )
        words = f"Matches {offset + 1} to {offset + len(items)}"
        words += ", more on the next page (PageDown)." if has_more else "."
        words += similar_words(items, similar)
        words += " Down, then Enter to open. Ctrl+N: add a person."
        return Text(words)

    # -- actions --------------------------------------------------------------------------
    def _focus_results(self) -> None:
        self.query_one("#results", DataTable).focus()

    @on(Input.Submitted, "#search")
    def _submitted(self) -> None:
        self.action_to_results()

    def on_top_passed(self, event: TopPassed) -> None:
        event.stop()
        self.query_one("#search", Input).focus()

    @on(DataTable.RowSelected, "#results")
    def _open(self, event: DataTable.RowSelected) -> None:
        key = str(event.row_key.value)
        if not key.isdecimal():
            return  # a group heading
        index = int(key)
        if 0 <= index < len(self.results):
            self.share_app.open_person(self.results[index].person.id)

    def action_add_person(self) -> None:
        from sharetui.ui.screens.add_person import AddPersonDialog

        def added(person: PersonSummary | None) -> None:
            if person is not None:
                self.share_app.open_person(person.id)

        self.app.push_screen(AddPersonDialog(prefill_name=self.query_text), added)

    def action_back(self) -> None:
        self.app.pop_screen()
