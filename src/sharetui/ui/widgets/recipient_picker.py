"""Choose who the information goes to from the recipient register, by typing.

The focus stays in the search box: each keystroke searches the register (organisations and
their contacts), Up and Down move through the matches, Enter takes the one highlighted.
With nothing typed the register entries this user shared with lately are listed. A name the
register lacks is offered as a new entry (Ctrl+N, or Enter on the offer): it is added for a
supervisor to review, so the desk is never stopped by a missing entry.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from functools import partial

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from sharetui.domain.errors import ShareError
from sharetui.services.register import RecipientChoice
from sharetui.ui.control_message import ControlMessage
from sharetui.ui.literal import lit, plain
from sharetui.ui.newest_search import NewestSearch
from sharetui.ui.widgets.picker import SearchPicker, arrows_through_matches

HOW_TO = "Type part of the organisation, role, name or contact; Up/Down, then Enter takes it."


def choice_line(c: RecipientChoice) -> Text:
    """'Organisation - role - name  contact' as literal text, the organisation in bold."""
    text = Text(plain(c.org, 60), style="bold")
    for part in (c.role, c.name):
        if part:
            text.append(" - ")
            text.append(plain(part, 40))
    if c.contact:
        text.append("  ")
        text.append(plain(c.contact, 50), style="italic")
    elif c.contact_id is None:
        text.append("  (anyone there)", style="dim")
    if c.to_review:
        text.append("  [to review]", style="dim")
    return text


class _Matches(OptionList, can_focus=False):
    """The matches; the search box keeps the focus and moves the highlight."""


class RecipientPicker(SearchPicker):
    DEFAULT_CSS = """
    RecipientPicker { height: auto; }
    RecipientPicker > .picker-results { height: auto; max-height: 8; }
    RecipientPicker > .picker-status { height: auto; color: $text-muted; }
    """

    BINDINGS = [Binding("ctrl+n", "add_new", "Add to register")]

    @dataclass
    class Picked(ControlMessage["RecipientPicker"]):
        """An organisation or one of its contacts was chosen."""

        choice: RecipientChoice

    class Continue(Message):
        """Enter in an empty box with a recipient already chosen: go on."""

    def __init__(self, *, chosen: bool = False, id: str | None = None) -> None:
        super().__init__(id=id)
        self.results: tuple[RecipientChoice, ...] = ()
        self.chosen = chosen
        self.searches = NewestSearch(self, lambda message: self.status.update(lit(message)))

    def compose(self) -> ComposeResult:
        yield Input(
            placeholder="Search the recipient register",
            max_length=200,
            classes="picker-input",
            id="f-recipient-search",
        )
        yield Static(HOW_TO, classes="picker-status")
        yield _Matches(classes="picker-results")

    def on_mount(self) -> None:
        self._start("")

    # -- searching ------------------------------------------------------------------------
    @on(Input.Changed, ".picker-input")
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        self._start(event.value)

    def _start(self, text: str) -> None:
        self._find(text, self.searches.begin())

    @work(exclusive=True, group="recipient-picker", exit_on_error=False)
    async def _find(self, text: str, number: int) -> None:
        app = self.share_app
        services, actor = app.services, app.actor
        if services is None or actor is None:
            return
        found = await self.searches.answer(number, partial(services.register.search, actor, text))
        if found is not None:
            self._show(tuple(found), text)

    def _show(self, found: tuple[RecipientChoice, ...], text: str) -> None:
        self.results = found
        options = [Option(choice_line(c), id=f"r{i}") for i, c in enumerate(found)]
        typed = text.strip()
        if typed:
            offer = Text("+ Add ", style="bold")
            offer.append(plain(typed, 60))
            offer.append(" to the register as a new organisation (Ctrl+N)")
            options.append(Option(offer, id="add"))
        results = self.result_list
        results.clear_options()
        results.add_options(options)
        if options and (found or typed):
            results.highlighted = 0
        if not typed:
            words = (
                "Recently used from the register: Down to choose, Enter takes it."
                if found
                else HOW_TO
            )
        elif found:
            words = f"{len(found)} in the register. Up/Down, then Enter takes the one highlighted."
        else:
            words = "Not in the register. Enter or Ctrl+N adds it, for a supervisor to review."
        self.query_one(".picker-status", Static).update(words)

    # -- keys -----------------------------------------------------------------------------
    def on_key(self, event: events.Key) -> None:
        arrows_through_matches(event, self.input, self.result_list)

    @on(Input.Submitted, ".picker-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        results = self.result_list
        index = results.highlighted
        if not self.query_text.strip() and (self.chosen or index is None):
            self.post_message(self.Continue())
            return
        if index is None:
            return
        option = results.get_option_at_index(index)
        if option.id == "add":
            self.action_add_new()
        elif option.id and option.id.startswith("r"):
            self._pick(self.results[int(option.id[1:])])

    def _pick(self, choice: RecipientChoice) -> None:
        self.chosen = True
        self.input.value = ""
        self.post_message(self.Picked(self, choice))

    def action_add_new(self) -> None:
        name = self.query_text.strip()
        if name:
            self._add(name)

    @work(group="recipient-add", exit_on_error=False)
    async def _add(self, name: str) -> None:
        app = self.share_app
        services, actor = app.services, app.actor
        assert services is not None and actor is not None  # the picker is only shown signed in
        try:
            added = await asyncio.to_thread(
                services.register.add_org,
                actor,
                name,
                "other",
                from_decision=True,
            )
        except ShareError as exc:
            self.status.update(lit(exc.message))
            return
        self.notify("Added to the register for a supervisor to review.", markup=False)
        self._pick(added)
