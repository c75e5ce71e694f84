"""Newest search wins (ui/newest_search.py), the one rule behind the person search screen, the
person picker and the recipient picker: an older, slower search finishing last never
replaces what the newer one showed, nor says its refusal over it."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from datetime import date

from textual.widgets import Input

from sharetui.domain.errors import ShareError
from sharetui.services.facade import Services
from sharetui.services.people import People
from sharetui.ui.app import ShareApp
from sharetui.ui.newest_search import NewestSearch
from sharetui.ui.widgets.person_picker import PersonPicker
from sharetui.ui.widgets.recipient_picker import RecipientPicker
from tests.ui.conftest import settle
from tests.ui.test_person import add, cells, open_search


class _Box:
    """A search box that is on screen until told otherwise."""

    is_attached = True


def _slow(answer: str, release: threading.Event) -> Callable[[], str]:
    """A search that finishes only once `release` is set."""

    def search() -> str:
        release.wait(timeout=10)
        return answer

    return search


def _refused(release: threading.Event) -> Callable[[], str]:
    def search() -> str:
        release.wait(timeout=10)
        raise ShareError("The search was refused")

    return search


async def test_an_older_search_finishing_last_gives_nothing_to_show() -> None:
    searches = NewestSearch(_Box(), lambda message: None)
    release = threading.Event()
    older = searches.begin()
    older_answer = asyncio.create_task(searches.answer(older, _slow("sm", release)))
    newer = searches.begin()
    assert await searches.answer(newer, lambda: "smith") == "smith"
    release.set()
    assert await older_answer is None


async def test_an_older_refusal_is_not_said_over_the_newer_answer() -> None:
    said: list[str] = []
    searches = NewestSearch(_Box(), said.append)
    release = threading.Event()
    older = searches.begin()
    older_answer = asyncio.create_task(searches.answer(older, _refused(release)))
    newer = searches.begin()
    assert await searches.answer(newer, lambda: "smith") == "smith"
    release.set()
    assert await older_answer is None
    assert said == []
    assert await searches.answer(searches.begin(), _refused(release)) is None
    assert said == ["The search was refused"]  # the newest search's refusal is said


async def test_an_emptied_box_outdates_a_search_still_running() -> None:
    searches = NewestSearch(_Box(), lambda message: None)
    release = threading.Event()
    older = searches.begin()
    older_answer = asyncio.create_task(searches.answer(older, _slow("sm", release)))
    searches.begin()  # the box was emptied: its hint is shown without a search
    release.set()
    assert await older_answer is None


async def test_a_box_that_left_the_screen_shows_nothing() -> None:
    box = _Box()
    searches = NewestSearch(box, lambda message: None)
    release = threading.Event()
    number = searches.begin()
    answer = asyncio.create_task(searches.answer(number, _slow("sm", release)))
    box.is_attached = False
    release.set()
    assert await answer is None


def test_every_search_box_keeps_to_the_rule() -> None:
    """The search screen and both pickers number their searches with NewestSearch, not a
    counter of their own."""
    from sharetui.ui.screens.search import PersonSearchScreen

    for owner in (PersonSearchScreen(), PersonPicker(), RecipientPicker()):
        assert isinstance(owner.searches, NewestSearch)


async def test_the_search_screen_keeps_the_newer_query_when_the_older_ends_last(
    make_app: Callable[..., ShareApp], ui_services: Services, monkeypatch
) -> None:
    """'tay' is held in its thread until 'oka' is on screen; then it ends, and the table
    still holds only what matches 'oka'."""
    add(ui_services, "Taylor", "Sam", date(2010, 1, 1), "T1")
    add(ui_services, "Okafor", "Ada", date(2012, 2, 2), "O1")
    release = threading.Event()
    started = threading.Event()
    real_search = People.search

    def search(self: People, actor, text: str, *args, **kwargs):  # type: ignore[no-untyped-def]
        if text == "tay":
            started.set()
            release.wait(timeout=10)
        return real_search(self, actor, text, *args, **kwargs)

    monkeypatch.setattr(People, "search", search)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_search(pilot)
        table = screen.query_one("#results")
        box = screen.query_one("#search", Input)
        box.value = "tay"
        await asyncio.to_thread(started.wait, 10)
        box.value = "oka"
        await screen.results_shown.wait()  # type: ignore[attr-defined]
        await pilot.pause()
        assert cells(table) == ["Okafor, Ada"]
        release.set()
        await settle(pilot)
        assert cells(table) == ["Okafor, Ada"]
