"""The school's term dates, entered by a supervisor or an administrator. The calendar counts
school days inside the terms entered (the holidays between them, half-terms included, are
skipped, as are weekends and bank holidays), and a child protection file transfer is due 5
school days after an in-year move or by the fifth school day of the new term (Keeping
Children Safe in Education, annex C). Outside the span of the terms entered every working
day counts as a school day, so a site that has entered none still gets due dates."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from sharetui.domain.calendar import Term
from sharetui.domain.errors import ShareError
from sharetui.domain.person import parse_date
from sharetui.ui.forms import Field, ShortText, date_question
from sharetui.ui.forms.dialog import FormDialog
from sharetui.ui.literal import day, lit, one_line
from sharetui.ui.screens.agreements import DATE_ERROR
from sharetui.ui.screens.dialogs import ConfirmDialog
from sharetui.ui.screens.kept_list import KeptList

TERMS_WHY = (
    "School days count only inside the terms entered here: the holidays between terms "
    "(half-terms too) are skipped, as are weekends and bank holidays. A child protection file "
    "goes to the new setting within 5 school days of an in-year move, or within the first 5 "
    "school days of a new term (Keeping Children Safe in Education, annex C). Enter each "
    "term, or each half-term block, with its first and last school day. "
)
TERM_HELP = {
    "term_name": "A name the staff know, such as Autumn 1 or Spring term 2026.",
    "first_day": "The first school day of the term (day/month/year), such as 1/9/2026.",
    "last_day": "The last school day of the term (day/month/year). The days up to the next "
    "term's first day are holidays.",
}


class TermsScreen(KeptList):
    HEADING = "School term dates"
    INTRO = "Terms in date order. School days for transfer due dates fall inside them."
    COLUMNS = ("Term", "First day", "Last day", "School days")
    EMPTY = "No terms entered: every working day counts as a school day. n adds one."
    ENTER_WORDS = ""
    BINDINGS = [
        Binding("n", "add", "Add term"),
        Binding("d", "remove", "Remove term"),
        Binding("escape", "back", "Back"),
    ]
    FIELD_HELP = {
        "kept-table": TERMS_WHY + "n adds a term; d removes the one under the cursor (entered "
        "in error). Each change is audited."
    }

    def __init__(self) -> None:
        super().__init__()
        self.bank_region = ""
        self.school_days: dict[int, int] = {}

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "remove":
            return self.chosen() is not None
        return super().check_action(action, parameters)

    async def fetch(self) -> list[Any]:
        terms = await self.call(self.services.calendar.terms, self.actor)
        cal = await self.call(self.services.calendar.current)
        self.bank_region = cal.region.label
        self.school_days = {
            term_id: cal.school_days_after(t.first_day, t.last_day) + 1 for term_id, t in terms
        }
        return terms

    def _show(self, cursor: int | None = None) -> None:
        super()._show(cursor)
        self.query_one("#kept-intro", Static).update(
            lit(f"{self.INTRO} Bank holidays skipped: {self.bank_region}.")
        )

    def row(self, item: tuple[int, Term]) -> tuple[Any, ...]:
        term_id, t = item
        return (
            one_line(t.name, 30),
            day(t.first_day),
            day(t.last_day),
            str(self.school_days.get(term_id, "")),
        )

    def detail(self, item: tuple[int, Term]) -> Text:
        _, t = item
        return lit(
            f"{t.name}: {t.first_day:%A %d %B %Y} to {t.last_day:%A %d %B %Y}; weekends and "
            "bank holidays inside it are not school days."
        )

    def action_add(self) -> None:
        self.app.push_screen(TermDialog(), lambda added: self.say("Term added.") if added else None)

    def action_remove(self) -> None:
        item = self.chosen()
        if item is None:
            return
        term_id, t = item

        ConfirmDialog(
            f"Remove {t.name} ({day(t.first_day)} to {day(t.last_day)})? Due dates are "
            "counted again without it.",
            yes="Remove",
            no="Cancel",
        ).ask(self.app, lambda: self._remove(term_id, t.name))

    @work(group="terms-change", exit_on_error=False)
    async def _remove(self, term_id: int, name: str) -> None:
        try:
            await self.call(self.services.calendar.remove_term, self.actor, term_id)
        except ShareError as exc:
            self.say(f"Not removed: {exc.message}")
            return
        self.say(f"Removed {name}.")
        self.reload()


class TermDialog(FormDialog):
    DEFAULT_CLASSES = "scrolling-form"
    FIELDS = ("term_name", "first_day", "last_day")
    FIELD_HELP = TERM_HELP

    SAVE_HINT = "Ctrl+S: add the term   Esc: cancel   F1: help"

    def heading(self) -> str:
        return "Add a term"

    def questions(self) -> ComposeResult:
        yield Field(
            "term_name",
            "Name",
            ShortText(id="term_name", max_length=100),
            "Such as Autumn 1 (a half-term block) or Spring term",
        )
        yield date_question(
            "first_day",
            "First school day (day/month/year)",
            "Such as 1/9/2026",
        )
        yield date_question(
            "last_day",
            "Last school day (day/month/year)",
        )

    def field_of(self, error_key: str) -> str:
        return "term_name" if error_key == "name" else error_key

    def check(self, values: dict[str, Any]) -> dict[str, str]:
        errors: dict[str, str] = {}
        for name in ("first_day", "last_day"):
            text = values[name].strip()
            if text and parse_date(text) is None:
                errors[name] = DATE_ERROR
        return errors

    async def submit(self, values: dict[str, Any], **options: Any) -> int:
        return await self.call(
            self.services.calendar.add_term,
            self.actor,
            values["term_name"],
            parse_date(values["first_day"]),
            parse_date(values["last_day"]),
        )
