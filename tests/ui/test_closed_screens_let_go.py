"""A closed screen leaves nothing behind: a terminal stays signed in all day at the desk, and
what each record opened kept would grow its memory and every garbage collection's walk."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Callable
from datetime import date

from textual.widget import Widget

from sharetui.services.facade import Services
from sharetui.ui.app import ShareApp
from sharetui.ui.screens.home import HomeScreen
from sharetui.ui.screens.person import PersonScreen
from tests.ui.conftest import settle, sign_in
from tests.ui.test_person import add


def closed_widgets() -> list[Widget]:
    """Widgets still in memory that are on no screen."""
    gc.collect()
    return [o for o in gc.get_objects() if isinstance(o, Widget) and not o.is_attached]


async def test_opening_and_closing_records_keeps_no_closed_widget_alive(
    make_app: Callable[..., ShareApp], ui_services: Services
) -> None:
    jane = add(ui_services, "Smith", "Jane", date(2016, 3, 4), "L1")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot, "pat")
        for round_ in range(4):
            app.open_person(jane.id)
            await settle(pilot)
            assert isinstance(app.screen, PersonScreen)
            await pilot.press("t")  # the timeline tab: its table painted
            await settle(pilot)
            await pilot.press("escape")
            await settle(pilot)
            if round_ == 0:
                kept = len(closed_widgets())  # whatever the first opening set up for good
        left = closed_widgets()
        assert len(left) <= kept, sorted(type(w).__name__ for w in left)


async def test_a_signed_out_session_leaves_nothing_behind(make_app: Callable[..., ShareApp]) -> None:
    """Several people use one terminal in a day: a session's screens are let go once it has
    signed out, however the collector's passes are kept short (ui/heap.py). (A supervisor's
    home is also held for up to its queue refresh interval by Textual's cancelled timer.)"""
    app = make_app()
    homes: list[weakref.ref[HomeScreen]] = []
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(3):
            await sign_in(pilot, "pat")
            assert isinstance(app.screen, HomeScreen)
            homes.append(weakref.ref(app.screen))
            await pilot.press("ctrl+q")
            await settle(pilot)
            await pilot.press("y")
            await settle(pilot)
        await sign_in(pilot, "pat")
        gc.collect()  # a frozen object would outlive this (ui/heap.py freezes only at start)
        assert [home() for home in homes] == [None, None, None]
