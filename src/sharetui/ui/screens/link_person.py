"""Link a family member or household member to the person on screen."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widgets import Static

from sharetui.domain.enums import Relationship
from sharetui.ui.forms import Choices, Field
from sharetui.ui.forms.choices import enum_choices
from sharetui.ui.forms.person_question import PersonQuestion
from sharetui.ui.widgets.person_picker import PersonPicker

RELATIONSHIPS = list(Relationship)


class LinkPersonDialog(PersonQuestion):
    """Choose a person and what they are to this person; True when a link was saved."""

    DEFAULT_CLASSES = "scrolling-form"

    FIELDS = ("person", "relationship")
    DRAFT_KIND = "link"
    DRAFT_TITLE = "Link between people"
    NEXT = "relationship"

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

    def values(self) -> dict[str, Any]:
        person = self.chosen_person
        return {**super().values(), "person": person.id if person else None}

    def draft_context(self) -> dict[str, Any]:
        return {"person_id": self.person_id, "person_label": self.person_label, "link": True}

    def field_of(self, error_key: str) -> str:
        if error_key in ("to_person_id", "from_person_id", "person"):
            return "person"
        return error_key

    def check(self, values: dict[str, Any]) -> dict[str, str]:
        errors = {}
        if self.chosen_person is None:
            errors["person"] = "Choose the person to link: search, then Down and Enter"
        if not values["relationship"]:
            errors["relationship"] = "Choose what they are to this person"
        return errors

    async def submit(self, values: dict[str, Any], **options: Any) -> bool:
        assert self.chosen_person is not None
        await self.call(
            self.services.people.link,
            self.actor,
            self.chosen_person.id,
            self.person_id,
            values["relationship"],
        )
        return True
