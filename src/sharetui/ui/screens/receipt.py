"""Record a step after a share was sent (ICO data sharing code: share securely and be able
to show it; KCSIE: a child protection file goes with confirmation of receipt, chased when
none comes): the recipient confirmed receipt (who, how), it failed, it was sent again, or
it was chased. Opened with c on a decision."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from sharetui.domain.after_share import ReceiptMethod, ReceiptStep
from sharetui.domain.text import LONG_TEXT, SHORT_TEXT
from sharetui.services.receipts import ReceiptView
from sharetui.ui.forms import Choice, Choices, ErrorSummary, Field, LongText, ShortText
from sharetui.ui.forms.choices import enum_choices
from sharetui.ui.forms.dialog import FormDialog, save_buttons, saving_status

if TYPE_CHECKING:
    from sharetui.ui.app import ShareApp

STEP_CHOICES = [
    Choice("c", ReceiptStep.CONFIRMED.value, "The recipient confirmed receipt"),
    Choice("f", ReceiptStep.FAILED.value, "It failed to arrive (bounced, refused, lost)"),
    Choice("s", ReceiptStep.RESENT.value, "It was sent again"),
    Choice("h", ReceiptStep.CHASED.value, "We chased the recipient for a confirmation"),
]
METHOD_CHOICES = enum_choices(list(ReceiptMethod))


class ReceiptDialog(FormDialog):
    CSS_PATH = "receipt.tcss"

    FIELDS = ("step", "who", "method", "note")
    DRAFT_KIND = "receipt-step"
    DRAFT_TITLE = "Receipt step"
    FIELD_HELP = {
        "step": "Confirmed: the recipient told you they have it. Failed: it did not arrive; "
        "send it again and record that. Chased: you asked them to confirm.",
        "who": "Who confirmed, at the recipient: a name or a role.",
        "method": "How they confirmed, or how it was sent again. Send securely: never by "
        "ordinary post or with parents for a child protection file (KCSIE).",
        "note": "What happened, in a line or two.",
    }

    def __init__(
        self,
        decision_id: int,
        *,
        values: dict[str, Any] | None = None,
        own_draft_id: int | None = None,
    ) -> None:
        super().__init__(values=values, draft_id=own_draft_id)
        self.decision_id = decision_id

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="receipt"):
            yield Static("Record a receipt step", classes="dialog-title")
            with VerticalScroll(id="receipt-body"):
                yield ErrorSummary(id="receipt-error-summary")
                yield Field("step", "What happened?", Choices(STEP_CHOICES, id="step"))
                yield Field(
                    "who",
                    "Who confirmed it (name or role at the recipient)",
                    ShortText(id="who", max_length=SHORT_TEXT),
                )
                yield Field("method", "How?", Choices(METHOD_CHOICES, id="method"))
                yield Field(
                    "note", "Note", LongText(id="note", max_length=LONG_TEXT), "Ctrl+S saves."
                )
            yield saving_status()
            yield save_buttons()

    def draft_context(self) -> dict[str, Any]:
        return {"decision_id": self.decision_id}

    async def submit(self, values: dict[str, Any], **options: Any) -> ReceiptView:
        view: ReceiptView = await self.call(
            self.services.receipts.record,
            self.actor,
            self.decision_id,
            values.get("step") or None,
            who=values.get("who", ""),
            method=values.get("method") or None,
            note=values.get("note", ""),
        )
        self.notify(f"Recorded: {view.state.label}.", markup=False)
        return view


async def reopen(
    app: ShareApp, draft_id: int, context: dict[str, Any], values: dict[str, Any]
) -> None:
    decision_id = context.get("decision_id")
    if isinstance(decision_id, int):
        await app.push_screen(ReceiptDialog(decision_id, values=values, own_draft_id=draft_id))
