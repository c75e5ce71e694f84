"""What a list showing one page of a longer list tells the screen or widget that holds it.

A list never calls its owner: PageDown and PageUp post `PageAsked`, and Up from its first row
posts `TopPassed`. The owner (the search screen, the person picker, the person's timeline)
fetches the page or moves the focus, so a list is the same wherever it is used and can be
tested alone by watching its messages. The type-ahead gate (ui/typeahead.py) holds the keys
after one of these until its owner has handled it, so a burst keeps its order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual.message import Message
from textual.widgets import OptionList

from sharetui.ui.widgets.table import Table


@dataclass
class PageAsked(Message):
    """PageDown (forward: the next, older page) or PageUp (the previous page)."""

    forward: bool


class TopPassed(Message):
    """Up on the first row: back to where the list was reached from (its search box)."""


class _AsksForPages:
    """The keys of a paged list, as messages to its owner."""

    post_message: Callable[[Message], bool]

    def action_page_down(self) -> None:
        self.post_message(PageAsked(forward=True))

    def action_page_up(self) -> None:
        self.post_message(PageAsked(forward=False))


class PagedTable(_AsksForPages, Table):
    """A table of one page of rows; `top_returns` makes Up on its first row post TopPassed."""

    top_returns = False

    def action_cursor_up(self) -> None:
        if self.top_returns and self.cursor_row <= 0:
            self.post_message(TopPassed())
        else:
            super().action_cursor_up()


class PagedOptions(_AsksForPages, OptionList):
    """Options showing one page of matches; Up on the first posts TopPassed."""

    def action_cursor_up(self) -> None:
        if self.highlighted in (None, 0):
            self.post_message(TopPassed())
        else:
            super().action_cursor_up()


class OwnsPagedList:
    """The owner's side of `PageAsked`: PageDown and PageUp on its list fetch the next or
    previous page from the database rather than scrolling. Mixed into a screen or widget that
    has `action_next_page` and `action_previous_page` (its keys call them too)."""

    def action_next_page(self) -> None:
        raise NotImplementedError

    def action_previous_page(self) -> None:
        raise NotImplementedError

    def on_page_asked(self, event: PageAsked) -> None:
        event.stop()
        if event.forward:
            self.action_next_page()
        else:
            self.action_previous_page()
