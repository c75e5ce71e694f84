"""Finding a person a page at a time, as the search screen and the person picker both do.

Both put what is typed to the people search, newest search winning (ui/newest_search.py),
keep the page on show and move a page on or back with PageDown and PageUp. Each draws the
page its own way (a table, a short list) and runs the search in a worker of its own; the
searching, the paging and the words about similar names live here once.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from sharetui.services.views import PersonMatch
from sharetui.ui.newest_search import NewestSearch
from sharetui.ui.widgets.paging import OwnsPagedList

if TYPE_CHECKING:
    from sharetui.services.facade import Services
    from sharetui.services.unit_of_work import Actor

HOW_TO_SEARCH = "Type part of a name (any order), a date of birth such as 4/3/2016, or a reference"


def group_heading(reason: str) -> str:
    """The heading over a group of similar names: the reason is said, never left implied."""
    return f"Similar names: {reason}"


def similar_words(items: tuple[PersonMatch, ...], similar: int | None) -> str:
    """How many similar names there are, and where, for a status line."""
    if similar is None:
        return " Similar names, if any, follow the exact ones."
    if not similar:
        return ""
    if any(not m.exact for m in items):
        return f" {similar:,} similar name{'s' if similar != 1 else ''}, after the exact ones."
    return f" {similar:,} similar name{'s' if similar != 1 else ''} after the exact matches."


class PersonSearchPages(OwnsPagedList):
    """The owner's search box is searched as typed, one page of `page_size` matches at a
    time. The owner gives `searches` (its NewestSearch), `query_text` (the box's text),
    `_find` (a worker that calls `_fetch_page`), `_show` (draws a page, or the empty box's
    hint) and `_focus_results`."""

    page_size: int
    searches: NewestSearch
    results: tuple[PersonMatch, ...] = ()
    similar_count: int | None = 0
    page_offset = 0
    has_more = False

    if TYPE_CHECKING:  # the owner's, defined by its own class or its picker base

        @property
        def query_text(self) -> str: ...

    def _start(self, text: str, offset: int) -> None:
        """Search for `text` from match `offset`; an empty box shows its hint at once."""
        number = self.searches.begin()
        if not text.strip():
            self._show((), 0, False, text)
            return
        self._find(text, offset, number)

    def _find(self, text: str, offset: int, number: int) -> object:
        """Start the owner's search worker, which awaits `_fetch_page`."""
        raise NotImplementedError

    async def _fetch_page(
        self, services: Services, actor: Actor, text: str, offset: int, number: int
    ) -> None:
        """The page for search `number`, shown if it is still the newest search."""
        search = partial(services.people.search, actor, text, offset, self.page_size)
        page = await self.searches.answer(number, search)
        if page is not None:
            self.similar_count = page.similar_count
            self._show(page.items, page.offset, page.has_more, text)

    def _show(self, items: tuple[PersonMatch, ...], offset: int, has_more: bool, text: str) -> None:
        raise NotImplementedError

    def _focus_results(self) -> None:
        raise NotImplementedError

    def action_to_results(self) -> None:
        if self.results:
            self._focus_results()

    def action_next_page(self) -> None:
        if self.has_more:
            self._start(self.query_text, self.page_offset + self.page_size)

    def action_previous_page(self) -> None:
        if self.page_offset > 0:
            self._start(self.query_text, max(self.page_offset - self.page_size, 0))
