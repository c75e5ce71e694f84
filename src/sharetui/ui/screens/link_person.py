"""Link a family member or household member to the person on screen."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Label, RadioSet, Static

from sharetui.domain.enums import Relationship
from sharetui.domain.errors import ShareError, ValidationFailed
from sharetui.services.views import PersonSummary
from sharetui.ui.literal import lit
from sharetui.ui.screens.base import KioskModal
from sharetui.ui.screens.record_consent import DIALOG_CSS, chosen_member, radio_set
from sharetui.ui.widgets.person_picker import PersonPicker
from sharetui.ui.widgets.person_text import person_line

RELATIONSHIPS = list(Relationship)


class LinkPersonDialog(KioskModal[bool]):
    """Choose a person and what they are to this person; True when a link was saved."""

    DEFAULT_CSS = DIALOG_CSS.format(name="LinkPersonDialog")

    BINDINGS = [
        Binding("ctrl+s", "save", "Save link"),
        Binding("escape", "cancel", "Cancel"),
    ]

    FIELD_HELP = {
        "relationship": "What the chosen person is to the person whose record is open: "
        "for a mother with parental responsibility, choose 'Parent (parental responsibility)'.",
    }

    def __init__(self, person_id: int, person_label: str) -> None:
        super().__init__()
        self.person_id = person_id
        self.person_label = person_label
        self.other: PersonSummary | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("Link a person", classes="dialog-title")
            yield Static("", id="error-summary", classes="error-summary hidden")
            with VerticalScroll(classes="form-body"):
                yield Label("Who? Type to search, Down and Enter to choose", classes="form-label")
                yield PersonPicker(id="link-picker", page_size=5)
                yield Static("Nobody chosen yet", id="chosen")
                yield Static("", id="person-error", classes="error-message hidden")
                yield Label(
                    Text.assemble("What are they to ", lit(self.person_label), "?"),
                    classes="form-label",
                )
                yield radio_set("relationship", RELATIONSHIPS)
                yield Static("", id="relationship-error", classes="error-message hidden")
            yield Static("Ctrl+S: save the link   Esc: cancel", classes="hint")

    def on_mount(self) -> None:
        self.query_one(PersonPicker).focus_input()

    @on(PersonPicker.Picked)
    def _picked(self, event: PersonPicker.Picked) -> None:
        self.other = event.person
        self.query_one("#chosen", Static).update(
            Text.assemble(("Chosen: ", "bold"), person_line(event.person))
        )
        self.query_one("#relationship", RadioSet).focus()

    def _show_errors(self, errors: dict[str, str]) -> None:
        person_msg = next(
            (errors[k] for k in ("to_person_id", "from_person_id", "person") if k in errors), ""
        )
        rel_msg = errors.get("relationship", "")
        for target, message in (("#person-error", person_msg), ("#relationship-error", rel_msg)):
            static = self.query_one(target, Static)
            static.update(lit(message))
            static.set_class(not message, "hidden")
        summary = self.query_one("#error-summary", Static)
        if errors:
            text = Text("There is a problem\n", style="bold")
            text.append(lit("\n".join(f"- {m}" for m in errors.values())))
            summary.update(text)
        summary.set_class(not errors, "hidden")

    def action_save(self) -> None:
        relationship = chosen_member(self.query_one("#relationship", RadioSet), RELATIONSHIPS)
        errors = {}
        if self.other is None:
            errors["person"] = "Choose the person to link: search, then Down and Enter"
        if relationship is None:
            errors["relationship"] = "Choose what they are to this person"
        self._show_errors(errors)
        if self.other is not None and relationship is not None:
            self._link(self.other.id, relationship)

    @work(exclusive=True, group="link-person", exit_on_error=False)
    async def _link(self, other_id: int, relationship: Relationship) -> None:
        try:
            await self.call(
                self.services.people.link,
                self.actor,
                other_id,
                self.person_id,
                relationship.value,
            )
        except ValidationFailed as exc:
            self._show_errors(exc.field_errors)
            return
        except ShareError as exc:
            self.notify(exc.message, severity="error", markup=False)
            return
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
