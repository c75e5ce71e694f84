"""Choose a person by typing: a search box with a short, paged list of matches under it.

Used wherever a form needs a person (the decision flow, linking family members). Each
keystroke starts a fresh search that replaces the one before, and a result that arrives
after the text has changed again is dropped, so the list always matches what is typed.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from sharetui.services.views import PersonMatch, PersonSummary
from sharetui.ui.control_message import ControlMessage
from sharetui.ui.literal import lit
from sharetui.ui.newest_search import NewestSearch
from sharetui.ui.widgets.paging import PagedOptions, TopPassed
from sharetui.ui.widgets.person_search import (
    HOW_TO_SEARCH,
    PersonSearchPages,
    group_heading,
    similar_words,
)
from sharetui.ui.widgets.person_text import person_line
from sharetui.ui.widgets.picker import SearchPicker


class PersonPicker(PersonSearchPages, SearchPicker):
    """A search box and its matches. Enter on a match posts PersonPicker.Picked."""

    DEFAULT_CSS = """
    PersonPicker {
        height: auto;
    }
    PersonPicker > .picker-results {
        height: auto;
        max-height: 10;
    }
    PersonPicker > .picker-status {
        height: auto;
        color: $text-muted;
    }
    """

    BINDINGS = [
        Binding("down", "to_results", "Matches", show=False),
        Binding("pagedown", "next_page", "More matches", show=False),
        Binding("pageup", "previous_page", "Previous matches", show=False),
        Binding("ctrl+n", "add_person", "Add a person"),
    ]

    @dataclass
    class Picked(ControlMessage["PersonPicker"]):
        """A person was chosen (an existing match, or one just added)."""

        person: PersonSummary

    def __init__(
        self,
        *,
        page_size: int = 8,
        allow_add: bool = True,
        placeholder: str = "Name, date of birth or reference",
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.page_size = page_size
        self.allow_add = allow_add
        self.placeholder = placeholder
        self.chosen: PersonSummary | None = None
        self.searches = NewestSearch(self, lambda message: self.status.update(lit(message)))

    def compose(self) -> ComposeResult:
        yield Input(placeholder=self.placeholder, max_length=200, classes="picker-input")
        yield Static(HOW_TO_SEARCH, classes="picker-status")
        yield PagedOptions(classes="picker-results")

    def focus_input(self) -> None:
        self.input.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "add_person":
            return self.allow_add
        return True

    # -- searching ------------------------------------------------------------------------
    def search(self, text: str) -> None:
        """Put text in the box and search for it (as if typed)."""
        self.input.value = text  # posts Input.Changed, which searches

    @on(Input.Changed, ".picker-input")
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        self._start(event.value, 0)

    @work(exclusive=True, group="person-picker", exit_on_error=False)
    async def _find(self, text: str, offset: int, number: int) -> None:
        app = self.share_app
        services, actor = app.services, app.actor
        if services is None or actor is None:
            return
        await self._fetch_page(services, actor, text, offset, number)

    def _show(self, items: tuple[PersonMatch, ...], offset: int, has_more: bool, text: str) -> None:
        self.results, self.page_offset, self.has_more = items, offset, has_more
        if not text.strip():
            self.similar_count = 0
        results = self.result_list
        results.clear_options()
        options: list[Option] = []
        reason = "exact"
        for i, m in enumerate(items):
            if m.reason != reason:  # each group of similar names under its own heading
                reason = m.reason
                options.append(Option(Text(group_heading(reason), style="bold"), disabled=True))
            options.append(Option(person_line(m.person), id=f"p{i}"))
        results.add_options(options)
        if items:
            results.highlighted = next(n for n, o in enumerate(options) if not o.disabled)
        self.status.update(self._status_text(items, offset, has_more, text))

    def _status_text(
        self, items: tuple[PersonMatch, ...], offset: int, has_more: bool, text: str
    ) -> Text:
        if not text.strip():
            return Text(HOW_TO_SEARCH)
        add = " Ctrl+N: add a person." if self.allow_add else ""
        if not items:
            if offset:
                return Text("No more matches. PageUp: previous matches.")
            return Text(f"No one found for that search.{add}")
        first, last = offset + 1, offset + len(items)
        words = f"Matches {first} to {last}"
        words += ", more: PageDown." if has_more else "."
        if offset:
            words += " PageUp: previous."
        words += similar_words(items, self.similar_count)
        words += " Down then Enter to choose."
        return Text(words)

    # -- actions --------------------------------------------------------------------------
    def _focus_results(self) -> None:
        self.result_list.focus()

    def on_top_passed(self, event: TopPassed) -> None:
        event.stop()
        self.focus_input()

    @on(Input.Submitted, ".picker-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_to_results()

    @on(OptionList.OptionSelected, ".picker-results")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        option_id = event.option.id or ""
        if not option_id.startswith("p"):
            return  # a group heading
        index = int(option_id[1:])
        if 0 <= index < len(self.results):
            self._pick(self.results[index].person)

    def _pick(self, person: PersonSummary) -> None:
        self.chosen = person
        self.post_message(self.Picked(self, person))

    def action_add_person(self) -> None:
        """Add someone who is not on record yet, without leaving the form."""
        from sharetui.ui.screens.add_person import AddPersonDialog

        def added(person: PersonSummary | None) -> None:
            if person is not None:
                self._pick(person)

        self.app.push_screen(AddPersonDialog(prefill_name=self.query_text), added)
