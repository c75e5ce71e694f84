"""Add a person who is not on record, checking first that they are not held already.

A second record for the same child splits their history in two, and the next person to look
them up sees only half of it. So when someone with the same name and date of birth is held,
the dialog shows them and asks: open that record, or say this is a different person.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option

from sharetui.domain.person import PersonInput, parse_date, validate_person
from sharetui.domain.text import LONG_TEXT
from sharetui.services.people import PossibleDuplicate
from sharetui.services.views import PersonSummary
from sharetui.ui.forms import Choice, Choices, ErrorSummary, Field, LongText, ShortText
from sharetui.ui.forms.dialog import KEEP_OPEN, FormDialog, saving_status
from sharetui.ui.widgets.person_text import person_line

if TYPE_CHECKING:
    from sharetui.ui.app import ShareApp

FIELDS = (
    "family_name",
    "given_names",
    "other_names",
    "date_of_birth",
    "reference",
    "nhs_number",
    "notes",
)

DOB_FORMAT_ERROR = "Enter the date of birth as day/month/year, for example 4/3/2016"


def split_name(text: str) -> tuple[str, str, str]:
    """Turn what was typed in a search box into (given names, family name, date of birth).

    'Jane Smith' -> given 'Jane', family 'Smith'; a single word is taken as the family name;
    a word that reads as a date becomes the date of birth. Words with digits that are not a
    date (a reference) are left out. The person adding checks every field anyway."""
    words, dob = [], ""
    for word in text.split():
        if parse_date(word) is not None:
            dob = word
        elif not any(ch.isdigit() for ch in word):
            words.append(word)
    if not words:
        return "", "", dob
    if len(words) == 1:
        return "", words[0], dob
    return " ".join(words[:-1]), words[-1], dob


class AddPersonDialog(FormDialog):
    """Returns the person added (or the existing record chosen), or None when cancelled."""

    CSS_PATH = "add_person.tcss"

    BINDINGS = [
        Binding("ctrl+s", "save", "Add person", priority=True),
        Binding("ctrl+o", "open_existing", "Open that record"),
        Binding("ctrl+n", "different_person", "A different person"),
    ]

    FIELDS = (*FIELDS[:4], "dob_estimated", *FIELDS[4:])
    DRAFT_KIND = "add-person"
    DRAFT_TITLE = "New person"

    FIELD_HELP = {
        "family_name": "The family name (surname) as the person or family uses it.",
        "given_names": "First and middle names.",
        "other_names": "Previous names, spellings or names the person is known by. Searches "
        "find these too.",
        "date_of_birth": "Day/month/year. Tick 'estimated' when you only know roughly.",
        "reference": "Your organisation's reference, if there is one. Left blank, one is given.",
        "nhs_number": "Ten digits. Checked before saving.",
        "notes": "Only what helps colleagues identify the person. Keep fact apart from opinion.",
    }

    def __init__(
        self,
        prefill_name: str = "",
        *,
        values: dict[str, Any] | None = None,
        draft_id: int | None = None,
    ) -> None:
        given, family, dob = split_name(prefill_name)
        start = {"family_name": family, "given_names": given, "date_of_birth": dob}
        super().__init__(values={**start, **(values or {})}, draft_id=draft_id)
        self.prefill_name = prefill_name
        self.matches: list[PersonSummary] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("Add a person", classes="dialog-title")
            yield ErrorSummary()
            with Vertical(id="duplicates", classes="hidden"):
                yield Static("", id="duplicate-message")
                yield OptionList(id="duplicate-list")
                with Horizontal(id="duplicate-actions"):
                    yield Button(
                        "Open that record (Ctrl+O)",
                        id="open-existing",
                        variant="primary",
                        action="screen.open_existing",
                    )
                    yield Button(
                        "A different person (Ctrl+N)",
                        id="different-person",
                        action="screen.different_person",
                    )
            with VerticalScroll(id="add-person-body"):
                yield Field("family_name", "Family name", ShortText(id="family_name"))
                yield Field("given_names", "Given names", ShortText(id="given_names"))
                yield Field("other_names", "Other names (optional)", ShortText(id="other_names"))
                yield Field(
                    "date_of_birth",
                    "Date of birth (day/month/year, if known)",
                    ShortText(id="date_of_birth", placeholder="4/3/2016", max_length=20),
                )
                yield Field(
                    "dob_estimated",
                    "",
                    Choices(
                        [Choice("e", "yes", "The date of birth is estimated")],
                        id="dob_estimated",
                        multiple=True,
                    ),
                )
                yield Field("reference", "Reference (optional)", ShortText(id="reference"))
                yield Field(
                    "nhs_number",
                    "NHS number (optional)",
                    ShortText(id="nhs_number", max_length=20),
                )
                yield Field(
                    "notes",
                    "Notes (optional)",
                    LongText(id="notes", max_length=LONG_TEXT),
                    "Enter starts a new line; Ctrl+S adds the person.",
                )
            yield saving_status()
            yield Static("Ctrl+S: add this person   Esc: cancel", classes="hint")

    def focus_first(self) -> None:
        target = "#given_names" if self.query_one("#family_name", Input).value else "#family_name"
        self.query_one(target, Input).focus()

    def draft_context(self) -> dict[str, Any]:
        return {}

    # -- reading the form -----------------------------------------------------------------
    def _read(self, values: dict[str, Any]) -> tuple[PersonInput, dict[str, str]]:
        errors: dict[str, str] = {}
        dob_text = values["date_of_birth"].strip()
        dob = parse_date(dob_text) if dob_text else None
        if dob_text and dob is None:
            errors["date_of_birth"] = DOB_FORMAT_ERROR
        data = PersonInput(
            family_name=values["family_name"],
            given_names=values["given_names"],
            other_names=values["other_names"],
            date_of_birth=dob,
            dob_estimated="yes" in values["dob_estimated"],
            reference=values["reference"],
            nhs_number=values["nhs_number"],
            notes=values["notes"],
        )
        # check the rest too, so every problem is listed at once, not one round at a time
        errors.update(validate_person(data.cleaned(), self.share_app.clock.today()))
        return data, errors

    def check(self, values: dict[str, Any]) -> dict[str, str]:
        return self._read(values)[1]

    def _show_duplicates(self, matches: list[PersonSummary], reasons: list[str]) -> None:
        self.matches = matches
        self.query_one("#duplicate-message", Static).update(
            Text(
                "Possible duplicate: someone with the same or a similar name and the same date "
                "of birth is already held. Open that record, or confirm this is a different "
                "person."
            )
        )
        options = self.query_one("#duplicate-list", OptionList)
        options.clear_options()
        options.add_options(
            Option(Text("" if why == "exact" else f"{why}: ") + person_line(m), id=f"m{i}")
            for i, (m, why) in enumerate(zip(matches, reasons, strict=True))
        )
        options.highlighted = 0
        self.query_one("#duplicates").remove_class("hidden")
        options.focus()

    def _hide_duplicates(self) -> None:
        self.matches = []
        self.query_one("#duplicates").add_class("hidden")

    @on(Input.Changed, "#family_name, #given_names, #date_of_birth")
    def _identity_changed(self) -> None:
        """The warning was about what was typed before; it no longer applies."""
        if self.matches:
            self._hide_duplicates()

    # -- actions --------------------------------------------------------------------------
    @on(Input.Submitted)
    def _next_field(self) -> None:
        self.focus_next()

    def action_different_person(self) -> None:
        if self.matches:
            self.save_with(confirm_not_duplicate=True)

    def action_open_existing(self) -> None:
        if not self.matches:
            return
        index = self.query_one("#duplicate-list", OptionList).highlighted or 0
        self.finished = True
        self.dismiss(self.matches[min(index, len(self.matches) - 1)])

    @on(OptionList.OptionSelected, "#duplicate-list")
    def _match_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_open_existing()

    async def submit(self, values: dict[str, Any], **options: Any) -> Any:
        data, _errors = self._read(values)
        try:
            return await self.call(
                self.services.people.create,
                self.actor,
                data,
                confirm_not_duplicate=bool(options.get("confirm_not_duplicate")),
            )
        except PossibleDuplicate as exc:
            self._show_duplicates(exc.matches, exc.reasons)
            return KEEP_OPEN


async def reopen(
    app: ShareApp, draft_id: int, context: dict[str, Any], values: dict[str, Any]
) -> None:
    """A new person kept as a draft: the form opens again; once added, their record opens."""

    def added(person: PersonSummary | None) -> None:
        if person is not None:
            app.open_person(person.id)

    await app.push_screen(AddPersonDialog(values=values, draft_id=draft_id), added)
