"""A form whose first question is who: a person found with the person picker.

Linking a person and logging a subject access request both ask this first. The picker is not
one of the kit's boxes, so each of them read and restored it by hand, the same way; here it is
done once: the search text is kept with the answers (and so in a draft) and searched again
when they are restored, the form opens with the focus in the search box, and the person
chosen is shown under it before the focus moves on to the next question.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on
from textual.widgets import Static

from sharetui.services.views import PersonSummary
from sharetui.ui.forms.dialog import FormDialog
from sharetui.ui.widgets.person_picker import PersonPicker
from sharetui.ui.widgets.person_text import chosen, person_line


class PersonQuestion(FormDialog):
    """The form composes a PersonPicker and a Static #chosen under it; NEXT is the id of the
    question that takes the focus once a person is chosen."""

    NEXT: ClassVar[str] = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.chosen_person: PersonSummary | None = None

    def values(self) -> dict[str, Any]:
        out = super().values()
        out["search"] = self.query_one(PersonPicker).query_text
        return out

    def restore(self, values: dict[str, Any]) -> None:
        super().restore({k: v for k, v in values.items() if k != "search"})
        search = values.get("search")
        if isinstance(search, str) and search:
            self.query_one(PersonPicker).search(search)

    def focus_first(self) -> None:
        self.query_one(PersonPicker).focus_input()

    @on(PersonPicker.Picked)
    def _picked_person(self, event: PersonPicker.Picked) -> None:
        self.chosen_person = event.person
        self.query_one("#chosen", Static).update(chosen(person_line(event.person)))
        self.query_one(f"#{self.NEXT}").focus()
