"""Add a person who is not on record, checking first that they are not held already.

A second record for the same child splits their history in two, and the next person to look
them up sees only half of it. So when someone with the same name and date of birth is held,
the dialog shows them and asks: open that record, or say this is a different person.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Checkbox, Input, Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from sharetui.domain.errors import ShareError, ValidationFailed
from sharetui.domain.person import PersonInput, parse_date, validate_person
from sharetui.services.views import PersonSummary
from sharetui.ui.literal import lit
from sharetui.ui.screens.base import KioskModal
from sharetui.ui.screens.dialogs import cancel_asking_first
from sharetui.ui.widgets.choice import TickBox
from sharetui.ui.widgets.person_text import person_line

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


class AddPersonDialog(KioskModal[PersonSummary | None]):
    """Returns the person added, the existing record chosen instead, or None when cancelled."""

    DEFAULT_CSS = """
    AddPersonDialog > .dialog {
        height: 90%;
    }
    AddPersonDialog #add-person-body {
        height: 1fr;
    }
    AddPersonDialog #notes {
        height: 4;
    }
    AddPersonDialog #duplicates {
        height: auto;
        border: heavy $warning;
        padding: 0 1;
    }
    AddPersonDialog #duplicate-list {
        height: auto;
        max-height: 5;
    }
    AddPersonDialog .form-label {
        text-style: bold;
    }
    AddPersonDialog #duplicate-actions {
        height: auto;
    }
    AddPersonDialog .hidden {
        display: none;
    }
    """

    BINDINGS = [
        Binding("ctrl+s", "save", "Add person"),
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+o", "open_existing", "Open that record"),
        Binding("ctrl+n", "different_person", "A different person"),
    ]

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

    def __init__(self, prefill_name: str = "") -> None:
        super().__init__()
        self.prefill_name = prefill_name
        self.matches: list[PersonSummary] = []

    def compose(self) -> ComposeResult:
        given, family, dob = split_name(self.prefill_name)
        with Vertical(classes="dialog"):
            yield Static("Add a person", classes="dialog-title")
            yield Static("", id="error-summary", classes="error-summary hidden")
            with Vertical(id="duplicates", classes="hidden"):
                yield Static("", id="duplicate-message")
                yield OptionList(id="duplicate-list")
                with Horizontal(id="duplicate-actions"):
                    yield Button("Open that record (Ctrl+O)", id="open-existing", variant="primary")
                    yield Button("A different person (Ctrl+N)", id="different-person")
            with VerticalScroll(id="add-person-body"):
                yield Label("Family name", classes="form-label")
                yield Input(family, id="family_name", max_length=200)
                yield Static("", id="family_name-error", classes="error-message hidden")
                yield Label("Given names", classes="form-label")
                yield Input(given, id="given_names", max_length=200)
                yield Static("", id="given_names-error", classes="error-message hidden")
                yield Label("Other names (optional)", classes="form-label")
                yield Input(id="other_names", max_length=200)
                yield Static("", id="other_names-error", classes="error-message hidden")
                yield Label("Date of birth (day/month/year, if known)", classes="form-label")
                yield Input(dob, id="date_of_birth", placeholder="4/3/2016", max_length=20)
                yield TickBox("The date of birth is estimated", id="dob_estimated")
                yield Static("", id="date_of_birth-error", classes="error-message hidden")
                yield Label("Reference (optional)", classes="form-label")
                yield Input(id="reference", max_length=200)
                yield Static("", id="reference-error", classes="error-message hidden")
                yield Label("NHS number (optional)", classes="form-label")
                yield Input(id="nhs_number", max_length=20)
                yield Static("", id="nhs_number-error", classes="error-message hidden")
                yield Label("Notes (optional)", classes="form-label")
                yield TextArea(id="notes", soft_wrap=True)
                yield Static("", id="notes-error", classes="error-message hidden")
            yield Static("Ctrl+S: add this person   Esc: cancel", classes="hint")

    def on_mount(self) -> None:
        target = "#given_names" if self.query_one("#family_name", Input).value else "#family_name"
        self.query_one(target, Input).focus()

    # -- reading the form -----------------------------------------------------------------
    def _value(self, field: str) -> str:
        if field == "notes":
            return self.query_one("#notes", TextArea).text
        return self.query_one(f"#{field}", Input).value

    def _read(self) -> tuple[PersonInput | None, dict[str, str]]:
        errors: dict[str, str] = {}
        dob_text = self._value("date_of_birth").strip()
        dob = parse_date(dob_text) if dob_text else None
        if dob_text and dob is None:
            errors["date_of_birth"] = DOB_FORMAT_ERROR
        data = PersonInput(
            family_name=self._value("family_name"),
            given_names=self._value("given_names"),
            other_names=self._value("other_names"),
            date_of_birth=dob,
            dob_estimated=self.query_one("#dob_estimated", Checkbox).value,
            reference=self._value("reference"),
            nhs_number=self._value("nhs_number"),
            notes=self._value("notes"),
        )
        # check the rest too, so every problem is listed at once, not one round at a time
        errors.update(validate_person(data.cleaned(), self.share_app.clock.today()))
        return (None if errors else data), errors

    # -- errors ---------------------------------------------------------------------------
    def _show_errors(self, errors: dict[str, str]) -> None:
        for field in FIELDS:
            message = errors.get(field, "")
            error = self.query_one(f"#{field}-error", Static)
            error.update(lit(message))
            error.set_class(not message, "hidden")
            widget = self.query_one(f"#{field}")
            widget.set_class(bool(message), "-invalid")
        summary = self.query_one("#error-summary", Static)
        if errors:
            text = Text("There is a problem\n", style="bold")
            for message in errors.values():
                text.append("- ")
                text.append(lit(message))
                text.append("\n")
            text.rstrip()
            summary.update(text)
            first = next((f for f in FIELDS if f in errors), None)
            if first is not None:
                self.query_one(f"#{first}").focus()
        summary.set_class(not errors, "hidden")

    def _show_duplicates(self, matches: list[PersonSummary]) -> None:
        self.matches = matches
        self.query_one("#duplicate-message", Static).update(
            Text(
                "Possible duplicate: someone with the same name and date of birth is "
                "already held. Open that record, or confirm this is a different person."
            )
        )
        options = self.query_one("#duplicate-list", OptionList)
        options.clear_options()
        options.add_options(Option(person_line(m), id=f"m{i}") for i, m in enumerate(matches))
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

    def action_save(self) -> None:
        self._submit(confirm_not_duplicate=False)

    def action_different_person(self) -> None:
        if self.matches:
            self._submit(confirm_not_duplicate=True)

    def action_open_existing(self) -> None:
        if not self.matches:
            return
        index = self.query_one("#duplicate-list", OptionList).highlighted or 0
        self.dismiss(self.matches[min(index, len(self.matches) - 1)])

    def action_cancel(self) -> None:
        """Esc closes at once only when nothing was typed beyond what the search filled in."""
        cancel_asking_first(
            self, self._typed(), "Discard the details you typed? Nobody has been added."
        )

    def _typed(self) -> bool:
        given, family, dob = split_name(self.prefill_name)
        filled_in = {"family_name": family, "given_names": given, "date_of_birth": dob}
        changed = any(self._value(f).strip() != filled_in.get(f, "") for f in FIELDS)
        return changed or self.query_one("#dob_estimated", Checkbox).value

    @on(OptionList.OptionSelected, "#duplicate-list")
    def _match_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_open_existing()

    @on(Button.Pressed, "#open-existing")
    def _open_pressed(self) -> None:
        self.action_open_existing()

    @on(Button.Pressed, "#different-person")
    def _different_pressed(self) -> None:
        self.action_different_person()

    def _submit(self, *, confirm_not_duplicate: bool) -> None:
        data, errors = self._read()
        self._show_errors(errors)
        if data is not None:
            self._create(data, confirm_not_duplicate)

    @work(exclusive=True, group="add-person", exit_on_error=False)
    async def _create(self, data: PersonInput, confirm_not_duplicate: bool) -> None:
        from sharetui.services.people import PossibleDuplicate

        try:
            person = await self.call(
                self.services.people.create,
                self.actor,
                data,
                confirm_not_duplicate=confirm_not_duplicate,
            )
        except PossibleDuplicate as exc:
            self._show_duplicates(exc.matches)
            return
        except ValidationFailed as exc:
            self._show_errors(exc.field_errors)
            return
        except ShareError as exc:
            self.notify(exc.message, severity="error", markup=False)
            return
        self.dismiss(person)
