"""What the information governance forms share (subject access: ui/screens/sar_forms.py;
retention: ui/screens/retention_forms.py): one dialog layout, dates typed as people say them,
and drafts.

Each form is a FormDialog, so what is typed is kept as a draft when the user locks, switches or
signs out, and comes back from My drafts. A draft's context names the form ("form") and the
ids it needs; it names the person ("person_id") too, so that disposing of that person's record
removes the draft with everything else about them (services/disposal.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

from sharetui.domain.errors import NotFound
from sharetui.domain.person import parse_date
from sharetui.ui.forms import Field, LongText
from sharetui.ui.forms.dialog import FormDialog

if TYPE_CHECKING:
    from sharetui.ui.app import ShareApp

DATE_HINT = "day/month/year, like 31/1/2026"
DATE_WORDS = "Enter the date as day/month/year, for example 31/1/2026"
REASON_HINT = "Ctrl+S saves; Enter starts a new line"


def day_text(day: date) -> str:
    """A date as the forms take it back (day/month/year)."""
    return f"{day.day}/{day.month}/{day.year}"


def reason_question(label: str) -> Field:
    """The reason a governance form records (to keep, hold or lift; to extend; to withhold or
    release): the record of why, so a box of several lines, where Enter starts a new line
    and Ctrl+S saves."""
    return Field("reason", label, LongText(id="reason", max_length=2000), REASON_HINT)


class GovernanceForm(FormDialog):
    """A governance dialog: the kit's form (a title, the questions, Ctrl+S to save).
    `context` holds the ids and labels the form needs; it is kept with a draft."""

    DATE_FIELDS: ClassVar[tuple[str, ...]] = ()

    def __init__(
        self,
        context: dict[str, Any],
        *,
        values: dict[str, Any] | None = None,
        draft_id: int | None = None,
    ) -> None:
        super().__init__(values=values, draft_id=draft_id)
        self.context: dict[str, Any] = dict(context)

    def check(self, values: dict[str, Any]) -> dict[str, str]:
        """Dates that cannot be read are said on their field before anything is sent."""
        return {
            name: DATE_WORDS
            for name in self.DATE_FIELDS
            if str(values.get(name, "")).strip() and parse_date(str(values[name])) is None
        }

    @staticmethod
    def day(values: dict[str, Any], name: str) -> date | None:
        """A typed date; None when blank (the service then asks for it in its own words)."""
        return parse_date(str(values.get(name, "")))

    def draft_context(self) -> dict[str, Any]:
        return {**self.context, "form": self.DRAFT_KIND}

    def draft_title(self) -> str:
        label = self.context.get("label")
        return self.DRAFT_TITLE + (f": {label}" if isinstance(label, str) and label else "")


Reopen = Callable[["ShareApp", int, dict[str, Any], dict[str, Any]], Awaitable[None]]


def reopener(*forms: type[GovernanceForm]) -> Reopen:
    """The reopen(app, draft_id, context, values) of a module of governance forms, which My
    drafts calls (ui/screens/resume.py): the kept form opens again over the screen on view,
    as it was left. A draft's context names its form by the kind it was kept under."""
    by_kind = {form.DRAFT_KIND: form for form in forms}

    async def reopen(
        app: ShareApp, draft_id: int, context: dict[str, Any], values: dict[str, Any]
    ) -> None:
        form = by_kind.get(str(context.get("form", "")))
        if form is None:
            raise NotFound("That draft is not a form this version can open")
        await app.push_screen(form(context, values=values, draft_id=draft_id))

    return reopen
