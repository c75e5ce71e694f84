"""Newest search wins: what a search box shows always answers what is typed in it now.

Each keystroke in a search box starts a search on a thread, and the searches can finish out
of order: fewer letters match more rows, so the search for "sm" is often slower than the
one for "smith" typed just after it. Cancelling a worker does not stop the thread it is
waiting on, so without a rule the older answer lands last and the list under the box no
longer matches the box. Each search is numbered as it starts, and its answer (or
its refusal) is shown only while no search has started since and the box is still on
screen. One piece for the person search, the person picker and the recipient picker, so
the rule cannot drift apart between them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Protocol, TypeVar

from sharetui.domain.errors import ShareError

T = TypeVar("T")


class _OnScreen(Protocol):
    @property
    def is_attached(self) -> bool: ...


class NewestSearch:
    """The searches of one box. `say_refusal` shows a refused search's reason (its status
    line), and is called only for the newest search."""

    def __init__(self, box: _OnScreen, say_refusal: Callable[[str], object]) -> None:
        self._box = box
        self._say_refusal = say_refusal
        self._latest = 0

    def begin(self) -> int:
        """Number a search about to start: from now on every earlier one is out of date,
        including one the caller answers at once without searching (an empty box)."""
        self._latest += 1
        return self._latest

    def is_newest(self, number: int) -> bool:
        """Whether search `number` may still show its answer."""
        return number == self._latest and self._box.is_attached

    async def answer(self, number: int, search: Callable[[], T]) -> T | None:
        """Run `search` on a thread and give its answer, or None when there is nothing to
        show: a newer search began meanwhile, the box has left the screen, or the services
        refused it (said through `say_refusal` if it is still the newest)."""
        try:
            found = await asyncio.to_thread(search)
        except ShareError as exc:
            if self.is_newest(number):
                self._say_refusal(exc.message)
            return None
        return found if self.is_newest(number) else None
