"""KeptList, the one shape of the screens of what is kept after the share (the hub, the
recipient register, the agreements, the term dates, the file transfers): a list screen
(ui/screens/list_screen.py) with a line under its title saying what the list is for.

A module of its own, below the hub (ui/screens/keeping.py) and each list, so that each list
and the hub that opens them can import it without importing each other.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widgets import Static

from sharetui.ui.screens.list_screen import ListScreen


class KeptList(ListScreen[Any]):
    """A list of things kept, loaded on opening and again whenever the screen comes back
    (after a dialog saved a change), the cursor kept on the same row."""

    CSS_PATH = "keeping.tcss"
    INTRO = ""
    TABLE_ID = "kept-table"
    DETAIL_ID = "kept-detail"
    STATUS_ID = "kept-status"
    LOAD_GROUP = "kept-load"
    EMPTY = "Nothing here yet"
    ENTER_WORDS = "Open"

    def compose_heading(self) -> ComposeResult:
        yield Static(self.HEADING, classes="page-title", id="kept-title")
        yield Static(self.INTRO, classes="hint", id="kept-intro")
