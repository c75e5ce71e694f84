"""Ask for advice (golden rule 3): the question, who to ask, how urgent, and whether to hide
the person's identity from the adviser. Used from the decision flow and a person's view."""

from __future__ import annotations

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Button, Label, RadioButton, RadioSet, Static, TextArea

from sharetui.domain.enums import AdviceRole, Urgency
from sharetui.domain.errors import ShareError, ValidationFailed
from sharetui.ui.literal import lit
from sharetui.ui.screens.base import KioskModal
from sharetui.ui.widgets.choice import ChoiceButton, TickBox

# (shortcut key, stored value, words shown). The shortcut is the first letter people say.
ROLE_CHOICES: list[tuple[str, str, str]] = [
    ("d", AdviceRole.DSL.value, "Designated safeguarding lead (DSL)"),
    ("c", AdviceRole.CALDICOTT.value, "Caldicott guardian"),
    ("s", AdviceRole.SENIOR_LEADERSHIP.value, "Senior leadership"),
    ("i", AdviceRole.INFORMATION_GOVERNANCE.value, "Information governance (IG) lead"),
]
URGENCY_CHOICES: list[tuple[str, str, str]] = [
    ("u", Urgency.URGENT.value, "Urgent: risk of harm now (answer within the hour)"),
    ("t", Urgency.TODAY.value, "Today: answer by 5 pm"),
    ("r", Urgency.ROUTINE.value, "Routine: answer within three working days"),
]

FIELDS = ("question", "advice_role", "urgency", "anonymised")


class ChoiceList(RadioSet):
    """Radio-style options with a one-key shortcut each (shown in the label) and no answer
    chosen in advance, so nobody sends a request to the wrong adviser by default."""

    def __init__(self, choices: list[tuple[str, str, str]], *, id: str) -> None:
        self.choices = choices
        buttons = [ChoiceButton(Text(f"{key}  {words}")) for key, _value, words in choices]
        super().__init__(*buttons, id=id, compact=True)

    @property
    def value(self) -> str:
        """The stored value of the chosen option, or "" when nothing is chosen."""
        index = self.pressed_index
        return self.choices[index][1] if index >= 0 else ""

    def choose(self, value: str) -> None:
        for index, (_key, stored, _words) in enumerate(self.choices):
            if stored == value:
                self.query(RadioButton)[index].value = True
                self._selected = index

    def on_key(self, event: events.Key) -> None:
        for key, value, _words in self.choices:
            if event.character and event.character.lower() == key:
                event.stop()
                event.prevent_default()
                self.choose(value)
                return


class RaiseAdviceDialog(KioskModal["AdviceView | None"]):
    """Returns the request as stored, or None when cancelled. What was typed stays on errors."""

    DEFAULT_CSS = """
    RaiseAdviceDialog #raise-advice { height: 90%; max-height: 40; padding: 0 1; }
    RaiseAdviceDialog #raise-body { height: 1fr; }
    RaiseAdviceDialog #question { height: 5; }
    RaiseAdviceDialog ChoiceList { width: 100%; }
    RaiseAdviceDialog #raise-error-summary { display: none; }
    RaiseAdviceDialog #raise-error-summary.-shown { display: block; }
    RaiseAdviceDialog #raise-buttons { height: auto; }
    RaiseAdviceDialog #raise-buttons Button { margin: 0 1 0 0; }
    """

    BINDINGS = [
        Binding("ctrl+s", "send", "Send request", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

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
    ) -> None:
        super().__init__()
        self.person_id = person_id
        self.draft_id = draft_id
        self.decision_id = decision_id
        self.person_label = person_label

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="raise-advice"):
            yield Static("Ask for advice", classes="dialog-title")
            with VerticalScroll(id="raise-body"):
                yield Static("", id="raise-error-summary", classes="error-summary")
                yield Static(
                    "If someone is at risk of harm now, do not wait for advice: act, "
                    "then record the advice when it comes.",
                    classes="hint",
                )
                yield Static(self._about(), id="raise-about")
                yield Label("Your question", classes="field-label")
                yield TextArea(id="question", soft_wrap=True, show_line_numbers=False)
                yield Static("", id="question-error", classes="error-message")
                yield Label("Who do you want advice from?", classes="field-label")
                yield ChoiceList(ROLE_CHOICES, id="advice_role")
                yield Static("", id="advice_role-error", classes="error-message")
                yield Label("How urgent is it?", classes="field-label")
                yield ChoiceList(URGENCY_CHOICES, id="urgency")
                yield Static("", id="urgency-error", classes="error-message")
                if self.person_id is not None:
                    yield TickBox(
                        "Hide the person's identity from the adviser", id="anonymised", compact=True
                    )
                    yield Static(
                        "The adviser then sees a description such as 'a child, aged 7'; "
                        "revealing the name is recorded.",
                        classes="hint",
                    )
            with Horizontal(id="raise-buttons"):
                yield Button("Send request (Ctrl+S)", id="send", variant="primary")
                yield Button("Cancel (Esc)", id="cancel")

    def _about(self) -> Text:
        if self.person_id is None:
            return lit("No person is named: the adviser sees only your question.")
        if self.person_label:
            return lit(f"About: {self.person_label}")
        return lit("About the person you have open.")

    def on_mount(self) -> None:
        self.query_one("#question", TextArea).focus()

    @on(Button.Pressed, "#send")
    def _send_pressed(self) -> None:
        self.action_send()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def values(self) -> dict[str, object]:
        anonymised = self.query("#anonymised")
        return {
            "question": self.query_one("#question", TextArea).text,
            "advice_role": self.query_one("#advice_role", ChoiceList).value,
            "urgency": self.query_one("#urgency", ChoiceList).value,
            "anonymised": bool(anonymised) and anonymised.first(TickBox).value,
        }

    def action_send(self) -> None:
        self.query_one("#send", Button).disabled = True
        self._send(self.values())

    @work(exclusive=True, group="raise-advice", exit_on_error=False)
    async def _send(self, values: dict[str, object]) -> None:
        try:
            view = await self.call(
                self.services.advice.raise_request,
                self.actor,
                question=values["question"],
                advice_role=values["advice_role"],
                urgency=values["urgency"],
                person_id=self.person_id,
                anonymised=values["anonymised"],
                decision_id=self.decision_id,
                draft_id=self.draft_id,
            )
        except ValidationFailed as exc:
            self.show_errors(exc.field_errors)
            return
        except ShareError as exc:
            self.show_errors({"": exc.message})
            return
        finally:
            if self.is_attached:
                self.query_one("#send", Button).disabled = False
        who = view.advice_role.label.lower()
        self.notify(
            f"Advice request sent ({view.urgency.label.lower()}) to the {who}. "
            "The advice will show on your home screen.",
            title="Request sent",
            markup=False,
        )
        self.dismiss(view)

    def show_errors(self, errors: dict[str, str]) -> None:
        """An error summary at the top, each message also under its field; nothing cleared."""
        summary = self.query_one("#raise-error-summary", Static)
        for name in FIELDS:
            for target in self.query(f"#{name}-error").results(Static):
                target.update(lit(errors.get(name, "")))
        if not errors:
            summary.update("")
            summary.remove_class("-shown")
            return
        text = Text("There is a problem\n", style="bold")
        text.append_text(lit("\n".join(f"- {message}" for message in errors.values())))
        summary.update(text)
        summary.add_class("-shown")
        # From the top (the summary), down only as far as the first field with a problem, so
        # on a tall screen both show and on a small one the field being typed into does.
        first = next((name for name in FIELDS if name in errors), None)
        if first is not None:
            field = self.query_one(f"#{first}")
            field.focus(scroll_visible=False)
            self.call_after_refresh(self._bring_into_view, self.query_one(f"#{first}-error"))

    def _bring_into_view(self, message: Widget) -> None:
        body = self.query_one("#raise-body", VerticalScroll)
        body.scroll_home(animate=False, immediate=True)
        body.scroll_to_widget(message, animate=False, immediate=True)
