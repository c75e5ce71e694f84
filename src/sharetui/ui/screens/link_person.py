"""Link a family member or household member to the person on screen."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.widgets import Static

from sharetui.domain.enums import Relationship
from sharetui.services.views import PersonSummary
from sharetui.ui.forms import Choices, Field
from sharetui.ui.forms.choices import enum_choices
from sharetui.ui.forms.dialog import FormDialog
from sharetui.ui.widgets.person_picker import PersonPicker
from sharetui.ui.widgets.person_text import chosen, person_line

RELATIONSHIPS = list(Relationship)


class LinkPersonDialog(FormDialog):
    """Choose a person and what they are to this person; True when a link was saved."""

    DEFAULT_CLASSES = "scrolling-form"

    FIELDS = ("person", "relationship")
    DRAFT_KIND = "link"
    DRAFT_TITLE = "Link between people"

    FIELD_HELP = {
        "relationship": "What the chosen person is to the person whose record is open: "
        "for a mother with parental responsibility, choose 'Parent (parental responsibility)'.",
    }

    def __init__(
        self,
        person_id: int,
        person_label: str,
        *,
        values: dict[str, Any] | None = None,
        draft_id: int | None = None,
    ) -> None:
        super().__init__(values=values, draft_id=draft_id)
        self.person_id = person_id
        self.person_label = person_label
        self.other: PersonSummary | None = None

    SAVE_HINT = "Ctrl+S: save the link   Esc: cancel"

    def heading(self) -> str:
        return "Link a person"

    def questions(self) -> ComposeResult:
        yield Field(
            "person",
            "Who? Type to search, Down and Enter to choose",
            PersonPicker(id="link-picker", page_size=5),
        )
        yield Static("Nobody chosen yet", id="chosen")
        yield Field(
            "relationship",
            "",
            Choices(
                enum_choices(RELATIONSHIPS),
                id="relationship",
                prompt=f"What are they to {self.person_label}?",
            ),
        )

    # The person picker is not one of the kit's boxes: its search text and the chosen
    # person are read and restored here.
    def values(self) -> dict[str, Any]:
        out = super().values()
        out["search"] = self.query_one(PersonPicker).query_text
        out["person"] = self.other.id if self.other else None
        return out

    def restore(self, values: dict[str, Any]) -> None:
        super().restore({k: v for k, v in values.items() if k == "relationship"})
        search = values.get("search")
        if isinstance(search, str) and search:
            self.query_one(PersonPicker).search(search)

    def focus_first(self) -> None:
        self.query_one(PersonPicker).focus_input()

    def draft_context(self) -> dict[str, Any]:
        return {"person_id": self.person_id, "person_label": self.person_label, "link": True}

    @on(PersonPicker.Picked)
    def _picked(self, event: PersonPicker.Picked) -> None:
        self.other = event.person
        self.query_one("#chosen", Static).update(chosen(person_line(event.person)))
        self.query_one("#relationship", Choices).focus()

    def field_of(self, error_key: str) -> str:
        if error_key in ("to_person_id", "from_person_id", "person"):
            return "person"
        return error_key

    def check(self, values: dict[str, Any]) -> dict[str, str]:
        errors = {}
        if self.other is None:
            errors["person"] = "Choose the person to link: search, then Down and Enter"
        if not values["relationship"]:
            errors["relationship"] = "Choose what they are to this person"
        return errors

    async def submit(self, values: dict[str, Any], **options: Any) -> bool:
        assert self.other is not None
        await self.call(
            self.services.people.link,
            self.actor,
            self.other.id,
            self.person_id,
            values["relationship"],
        )
        return True
