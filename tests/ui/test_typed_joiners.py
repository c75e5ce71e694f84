"""Names typed key by key keep their zero-width joiners, non-joiners and variation selectors,
from the keyboard to the stored record and back on screen; bidi overrides still do not get in.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import events
from textual._xterm_parser import XTermParser
from textual.widgets import Input, TextArea

from sharetui.services.facade import Services
from sharetui.ui.app import ShareApp
from sharetui.ui.screens.add_person import AddPersonDialog
from sharetui.ui.screens.person import PersonScreen
from tests.ui.conftest import settle
from tests.ui.person_helpers import actor
from tests.ui.screen import screen_text
from tests.ui.test_person import open_search

MALAYALAM = "അന്\u200dവര്\u200d"  # Anwar, old-style chillu letters: NA, virama, ZWJ
PERSIAN = "نیک\u200cنام"  # Niknam: the non-joiner keeps the two words apart
SINHALA = "ශ්\u200dරීනාත්"  # Srinath: the ZWJ makes the rakaransaya conjunct
FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # one family, not three people
HEART = "\u2764\ufe0f"  # emoji presentation selector
KATSURA = "\u845b\U000e0100"  # an ideographic variation selector
HINDI = "लक्ष्\u200dमी"  # Lakshmi with the half form asked for by ZWJ


async def _type(pilot, field: str, text: str) -> None:  # type: ignore[no-untyped-def]
    """Type as a terminal does: the characters go through Textual's own input parser, one
    key event each. (Pilot.press cannot send a virama or a joiner: it looks a key up by a
    name that only exists for ASCII.)"""
    pilot.app.screen.query_one(f"#{field}").focus()
    await pilot.pause()
    parser = XTermParser()
    for char in text:
        for event in parser.feed(char):
            assert isinstance(event, events.Key), event
            pilot.app._driver.send_message(event)
            await pilot.pause()


async def test_joiners_typed_key_by_key_are_stored_and_shown_as_typed(
    make_app: Callable[..., ShareApp], ui_services: Services
) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_search(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, AddPersonDialog)
        await _type(pilot, "family_name", MALAYALAM)
        await _type(pilot, "given_names", f"{PERSIAN} {SINHALA}")
        await _type(pilot, "notes", f"{HINDI} {FAMILY} {HEART} {KATSURA}")
        # a paste keeps the joiner too, while its bidi override is dropped on saving
        other = dialog.query_one("#other_names", Input)
        other.focus()
        other.post_message(events.Paste(f"{FAMILY}\u202e{HINDI}"))
        await settle(pilot)
        assert dialog.query_one("#family_name", Input).value == MALAYALAM
        assert dialog.query_one("#given_names", Input).value == f"{PERSIAN} {SINHALA}"
        assert dialog.query_one("#notes", TextArea).text == f"{HINDI} {FAMILY} {HEART} {KATSURA}"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, PersonScreen)
        stored = ui_services.people.open(actor(ui_services, "pat"), app.screen.person_id).summary
        assert (stored.family_name, stored.given_names, stored.other_names) == (
            MALAYALAM,
            f"{PERSIAN} {SINHALA}",
            f"{FAMILY}{HINDI}",
        )
        shown = screen_text(pilot)
        for name in (MALAYALAM, PERSIAN, SINHALA):
            assert name in shown, name
