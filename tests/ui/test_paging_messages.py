"""A list showing one page of a longer list asks its owner for pages with messages
(ui/widgets/paging.py) and never calls it: alone in a bare app, with nothing to page, its keys
still say what was asked, once each, in order."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.message import Message

from sharetui.ui.widgets.paging import PageAsked, PagedOptions, PagedTable, TopPassed


def asked(seen: list[Message]) -> list[str]:
    """Each paging message once (the hook sees a message at every node it bubbles through)."""
    once: dict[int, str] = {}
    for m in seen:
        if isinstance(m, PageAsked):
            once.setdefault(id(m), "older" if m.forward else "newer")
        elif isinstance(m, TopPassed):
            once.setdefault(id(m), "top")
    return list(once.values())


async def test_a_paged_table_alone_asks_for_pages_and_for_its_search_box() -> None:
    class Host(App[None]):
        def compose(self) -> ComposeResult:
            table = PagedTable(cursor_type="row")
            table.top_returns = True
            yield table

        def on_mount(self) -> None:
            table = self.query_one(PagedTable)
            table.add_column("Name")
            table.add_rows([("Ann",), ("Bob",)])
            table.focus()

    seen: list[Message] = []
    async with Host().run_test(size=(60, 10), message_hook=seen.append) as pilot:
        await pilot.press("pagedown", "down", "up", "up", "pageup")
        await pilot.pause()
        # Up from the second row moves the cursor; from the first, it asks for the box.
        assert asked(seen) == ["older", "top", "newer"]


async def test_a_table_that_does_not_return_to_a_box_keeps_up_for_itself() -> None:
    class Host(App[None]):
        def compose(self) -> ComposeResult:
            yield PagedTable(cursor_type="row")

        def on_mount(self) -> None:
            self.query_one(PagedTable).add_column("Entry")
            self.query_one(PagedTable).focus()

    seen: list[Message] = []
    async with Host().run_test(size=(60, 10), message_hook=seen.append) as pilot:
        await pilot.press("up", "pagedown")
        await pilot.pause()
        assert asked(seen) == ["older"]


async def test_paged_options_alone_ask_for_pages_and_for_the_box() -> None:
    class Host(App[None]):
        def compose(self) -> ComposeResult:
            yield PagedOptions("Ann", "Bob")

        def on_mount(self) -> None:
            options = self.query_one(PagedOptions)
            options.highlighted = 1
            options.focus()

    seen: list[Message] = []
    async with Host().run_test(size=(60, 10), message_hook=seen.append) as pilot:
        await pilot.press("pageup", "up", "up", "pagedown")
        await pilot.pause()
        assert asked(seen) == ["newer", "top", "older"]
