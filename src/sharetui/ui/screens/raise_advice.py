"""Ask for advice (golden rule 3): the question, who to ask, how urgent, and whether to hide
the person's identity from the adviser. Used from the decision flow and a person's view."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from sharetui.domain.enums import AdviceRole, Urgency
from sharetui.domain.text import LONG_TEXT
from sharetui.services.views import AdviceView
from sharetui.ui.forms import Choice, Choices, ErrorSummary, Field, LongText
from sharetui.ui.forms.dialog import FormDialog, save_buttons, saving_status
from sharetui.ui.literal import lit

if TYPE_CHECKING:
    from sharetui.ui.app import ShareApp

# (shortcut key, stored value, words shown). The shortcut is the first letter people say.
ROLE_CHOICES = [
    Choice("d", AdviceRole.DSL.value, "Designated safeguarding lead (DSL)"),
    Choice("c", AdviceRole.CALDICOTT.value, "Caldicott guardian"),
    Choice("s", AdviceRole.SENIOR_LEADERSHIP.value, "Senior leadership"),
    Choice("i", AdviceRole.INFORMATION_GOVERNANCE.value, "Information governance (IG) lead"),
]
URGENCY_CHOICES = [
    Choice("u", Urgency.URGENT.value, "Urgent: risk of harm now (answer within the hour)"),
    Choice("t", Urgency.TODAY.value, "Today: answer by 5 pm"),
    Choice("r", Urgency.ROUTINE.value, "Routine: answer within three working days"),
]
HIDE_CHOICES = [
    Choice("h", "yes", "Hide the person's identity from the adviser"),
]


class RaiseAdviceDialog(FormDialog):
    """Returns the request as stored, or None when cancelled. What was typed stays on errors,
    and is kept as a draft when the user locks, switches or signs out."""

    CSS_PATH = "raise_advice.tcss"

    FIELDS = ("question", "advice_role", "urgency", "anonymised")
    DRAFT_KIND = "advice-question"
    DRAFT_TITLE = "Question for advice"

    FIELD_HELP = {
        "question": "Say what you need to decide and what worries you. You do not need to name "
        "the person: rule 3 says ask without naming them where you can.",
        "advice_role": "Your designated safeguarding lead for safeguarding concerns; the "
        "Caldicott guardian for health and care records; the information governance lead for "
        "data protection questions; senior leadership when the others are not available. "
        "Press the letter shown to choose.",
        "urgency": "Urgent when someone is at risk of harm now. Never let waiting for advice "
        "delay an urgent share: act, and record the advice afterwards. Press the letter shown.",
        "anonymised": "The adviser sees only a description such as 'a child, aged 7'. They can "
        "ask to see the name, and that is recorded with their reason.",
    }

    def __init__(
        self,
        person_id: int | None = None,
        draft_id: int | None = None,
        decision_id: int | None = None,
        *,
        person_label: str = "",
        values: dict[str, Any] | None = None,
        own_draft_id: int | None = None,
    ) -> None:
        super().__init__(values=values, draft_id=own_draft_id)
        self.person_id = person_id
        self.decision_draft_id = draft_id
        self.decision_id = decision_id
        self.person_label = person_label

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="raise-advice"):
            yield Static("Ask for advice", classes="dialog-title")
            with VerticalScroll(id="raise-body"):
                yield ErrorSummary(id="raise-error-summary")
                yield Static(
                    "If someone is at risk of harm now, do not wait for advice: act, "
                    "then record the advice when it comes.",
                    classes="hint",
                )
                yield Static(self._about(), id="raise-about")
                yield Field(
                    "question",
                    "Your question",
                    LongText(id="question", max_length=LONG_TEXT),
                    "Enter starts a new line; Ctrl+S sends.",
                )
                yield Field(
                    "advice_role",
                    "Who do you want advice from?",
                    Choices(ROLE_CHOICES, id="advice_role"),
                )
                yield Field("urgency", "How urgent is it?", Choices(URGENCY_CHOICES, id="urgency"))
                if self.person_id is not None:
                    yield Field(
                        "anonymised",
                        "",
                        Choices(HIDE_CHOICES, id="anonymised", multiple=True),
                        "The adviser then sees a description such as 'a child, aged 7'; "
                        "revealing the name is recorded.",
                    )
            yield saving_status()
            yield save_buttons("Send request", save_id="send")

    def _about(self) -> Text:
        if self.person_id is None:
            return lit("No person is named: the adviser sees only your question.")
        if self.person_label:
            return lit(f"About: {self.person_label}")
        return lit("About the person you have open.")

    def draft_context(self) -> dict[str, Any]:
        return {
            "person_id": self.person_id,
            "draft_id": self.decision_draft_id,
            "decision_id": self.decision_id,
            "person_label": self.person_label,
        }

    async def submit(self, values: dict[str, Any], **options: Any) -> AdviceView:
        view: AdviceView = await self.call(
            self.services.advice.raise_request,
            self.actor,
            question=values["question"],
            advice_role=values["advice_role"],
            urgency=values["urgency"],
            person_id=self.person_id,
            anonymised="yes" in values.get("anonymised", []),
            decision_id=self.decision_id,
            draft_id=self.decision_draft_id,
        )
        who = view.advice_role.label.lower()
        self.notify(
            f"Advice request sent ({view.urgency.label.lower()}) to the {who}. "
            "The advice will show on your home screen.",
            title="Request sent",
            markup=False,
        )
        return view


async def reopen(
    app: ShareApp, draft_id: int, context: dict[str, Any], values: dict[str, Any]
) -> None:
    """A question for advice kept as a draft: open it again, over the current screen."""
    await app.push_screen(
        RaiseAdviceDialog(
            _int(context.get("person_id")),
            _int(context.get("draft_id")),
            _int(context.get("decision_id")),
            person_label=str(context.get("person_label") or ""),
            values=values,
            own_draft_id=draft_id,
        )
    )


def _int(value: object) -> int | None:
    return value if isinstance(value, int) else None
