"""The forms of a retention review: keep a record (the reason and the next review date),
place a legal hold (the inquiry or order it is held for), lift one (why). The services check
and audit each; disposal has its own confirmation (ui/screens/retention.py)."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widgets import Static

from sharetui.ui.forms import Choice, Choices, Field, LongText, date_question
from sharetui.ui.literal import lit
from sharetui.ui.screens.governance_forms import (
    DATE_HINT,
    GovernanceForm,
    reason_question,
    reopener,
)


class KeepDialog(GovernanceForm):
    """Keep the record past its review date, with the reason and when to look again."""

    DEFAULT_CLASSES = "scrolling-form"
    FIELDS = ("reason", "next")
    DATE_FIELDS = ("next",)
    DRAFT_KIND = "retention-keep"
    DRAFT_TITLE = "Keep the record"
    SAVED_WORDS = "Kept until the next review."
    FIELD_HELP = {
        "reason": "Why the record is still needed: a claim or complaint expected, a sibling's "
        "case still open, the child not yet on another school's roll. Keeping personal data "
        "longer than needed breaks the storage limitation principle (UK GDPR Article 5).",
        "next": "When to review it again: the record comes back to this queue on that day.",
    }

    def heading(self) -> str:
        return f"Keep the record of {self.context.get('name', '')}"

    def questions(self) -> ComposeResult:
        yield reason_question("Why is the record kept?")
        yield date_question("next", "Date of the next review", DATE_HINT)

    async def submit(self, values: dict[str, Any], **options: Any) -> Any:
        return await self.call(
            self.services.retention.keep,
            self.actor,
            self.context["reference"],
            values["reason"],
            self.day(values, "next"),
        )


class HoldDialog(GovernanceForm):
    """A legal hold: the record is kept, whatever its date, until the hold is lifted."""

    DEFAULT_CLASSES = "scrolling-form"
    FIELDS = ("reason",)
    DRAFT_KIND = "retention-hold"
    DRAFT_TITLE = "Legal hold"
    SAVED_WORDS = "Legal hold placed: no disposal until it is lifted."
    FIELD_HELP = {
        "reason": "The inquiry, claim or court order the record is held for, and its "
        "reference: a record under a legal hold cannot be disposed of, by the app or by the "
        "database itself, until the hold is lifted.",
    }

    def heading(self) -> str:
        return f"Legal hold on the record of {self.context.get('name', '')}"

    def questions(self) -> ComposeResult:
        yield reason_question("What is it held for? (the inquiry or order, with its reference)")

    async def submit(self, values: dict[str, Any], **options: Any) -> Any:
        return await self.call(
            self.services.retention.hold, self.actor, self.context["reference"], values["reason"]
        )


class LiftDialog(GovernanceForm):
    """Lift a legal hold (the record can then be reviewed and disposed of as usual)."""

    DEFAULT_CLASSES = "scrolling-form"
    FIELDS = ("hold", "reason")
    DRAFT_KIND = "retention-lift"
    DRAFT_TITLE = "Lift a legal hold"
    SAVED_WORDS = "Legal hold lifted."

    def heading(self) -> str:
        return f"Lift a legal hold on the record of {self.context.get('name', '')}"

    def _holds(self) -> list[tuple[int, str]]:
        return [(int(h[0]), str(h[1])) for h in self.context.get("holds", [])]

    def questions(self) -> ComposeResult:
        holds = self._holds()
        options = [Choice(str(i), str(h), text[:200]) for i, (h, text) in enumerate(holds, 1)]
        if not options:
            yield Static(lit("This record has no legal hold to lift."))
        only = str(holds[0][0]) if len(holds) == 1 else None
        yield Field(
            "hold",
            "",
            Choices(options[:9], id="hold", value=only, prompt="Which hold?"),
        )
        yield reason_question("Why is it lifted? (the inquiry closed, the order discharged)")

    def focus_first(self) -> None:
        """With one hold (chosen already) the question left is why."""
        if self.query_one("#hold", Choices).value:
            self.query_one("#reason", LongText).focus()
        else:
            super().focus_first()

    def check(self, values: dict[str, Any]) -> dict[str, str]:
        return {} if values["hold"] else {"hold": "Choose the hold to lift"}

    async def submit(self, values: dict[str, Any], **options: Any) -> Any:
        await self.call(
            self.services.retention.lift, self.actor, int(values["hold"]), values["reason"]
        )
        return True


FORMS = (KeepDialog, HoldDialog, LiftDialog)
reopen = reopener(*FORMS)
