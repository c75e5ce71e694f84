"""What every page of the decision flow shares: the question as title, a hint, the error
summary at the top, a message under each field, the advice given so far, and moving on to the
next question when a choice is made."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, ClassVar, TypeVar

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Input, Static

from sharetui.domain.decision import DecisionInput
from sharetui.domain.enums import AdviceStatus
from sharetui.ui.flow.messages import ContinueAsked
from sharetui.ui.flow.state import QUESTIONS
from sharetui.ui.flow.summary import advice_given
from sharetui.ui.forms import Choice, Choices, Field, FieldHead, LongText, ShortText
from sharetui.ui.forms.choices import enum_choices
from sharetui.ui.forms.field import problem_list, shown_within
from sharetui.ui.literal import plain

if TYPE_CHECKING:
    from sharetui.ui.screens.decision_flow import DecisionFlowScreen

E = TypeVar("E", bound=Enum)

URGENT_BANNER = (
    "URGENT: share now. Consent is not needed when a child is at risk of significant harm, "
    "and waiting for advice must not delay the share (F4 asks for advice without stopping)."
)


def field_id(name: str) -> str:
    """Widget id of a field: 'checks.relevant' -> 'f-checks-relevant'."""
    return "f-" + name.replace(".", "-").replace("_", "-")


def bool_value(value: bool | None) -> str | None:
    """A yes/no answer as its choice's value (None: not answered)."""
    return None if value is None else ("yes" if value else "no")


def to_bool(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


def error_id(name: str) -> str:
    return "e-" + name.replace(".", "-").replace("_", "-")


class FocusText(Static, can_focus=True):
    """Text that can hold the focus, so Enter on it goes on and Tab reaches it."""

    DEFAULT_CSS = """
    FocusText { padding: 0 1; border-left: blank; }
    FocusText:focus { border-left: thick $accent; background: $boost; }
    """


class FlowPage(VerticalScroll, can_focus=False):
    """One question (or a few tightly related fields) of the flow."""

    DEFAULT_CSS = """
    FlowPage { height: 1fr; padding: 0 1; }
    FlowPage .field { height: auto; }
    FlowPage .field-label { margin: 1 0 0 0; }
    FlowPage .error-summary { display: none; margin: 1 0 0 0; }
    FlowPage .error-summary.-shown { display: block; }
    FlowPage .urgent-banner { border: heavy $warning; padding: 0 1; height: auto; }
    FlowPage .advice-panel { border: round $secondary; padding: 0 1; height: auto; }
    FlowPage .warning { text-style: bold; height: auto; }
    FlowPage Input { width: 100%; }
    """

    PAGE: ClassVar[str] = ""
    HINT: ClassVar[str] = ""

    def __init__(self, flow: DecisionFlowScreen) -> None:
        super().__init__(id=f"page-{self.PAGE}", classes="flow-page")
        self.flow = flow

    @property
    def data(self) -> DecisionInput:
        return self.flow.state.data

    @property
    def question(self) -> str:
        return QUESTIONS[self.PAGE]

    # -- layout ---------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static(self.question, classes="page-title", id="page-title")
        if self.HINT:
            yield Static(self.HINT, classes="hint", id="page-hint")
        if self.flow.state.urgent_path and self.PAGE not in ("urgency", "done"):
            yield Static(URGENT_BANNER, classes="urgent-banner", id="urgent-banner")
        yield Static("", classes="error-summary", id="error-summary")
        if self.flow.advice and self.PAGE != "done":
            yield Static(self.advice_text(), classes="advice-panel", id="advice-panel")
        yield from self.body()

    def body(self) -> ComposeResult:
        yield from ()

    def advice_text(self) -> Text:
        text = Text("Advice on this decision", style="bold")
        for a in self.flow.advice:
            text.append("\n")
            text.append(f"Asked {a.advice_role.label.lower()} ({a.urgency.label.lower()}): ")
            text.append(plain(" ".join(a.question.split()), 120))
            if a.status in (AdviceStatus.ADVISED, AdviceStatus.CLOSED):
                text.append(advice_given(a, "  ", advice_limit=400, outcome_limit=200))
            else:
                text.append(f"\n  {a.status.label}: waiting for advice")
        return text

    def field(
        self, name: str, label: str, widget: Widget, hint: str = "", *, shown: bool = True
    ) -> Field:
        """A label, its hint, the widget and its error line, shown or hidden together."""
        return Field(
            name,
            label,
            widget,
            hint,
            head_id=error_id(name),
            id=f"g-{field_id(name)[2:]}",
            shown=shown,
        )

    def yes_no(self, name: str, options: list[Choice], prompt: str, value: bool | None) -> Field:
        """A yes-or-no question on one line, its prompt before the keys that answer it."""
        box = Choices(
            options, inline=True, prompt=prompt, value=bool_value(value), id=field_id(name)
        )
        return self.field(name, "", box)

    def enum_question(
        self, name: str, label: str, kind: type[E], answer: E | None, *, shown: bool = True
    ) -> Field:
        """A question answered by one member of an enum, every member offered in its order
        and keyed from 1, the draft's answer (if any) already chosen."""
        box = Choices(
            enum_choices(list(kind)),
            value=answer.value if answer else None,
            id=field_id(name),
        )
        return self.field(name, label, box, shown=shown)

    def long_text(self, name: str, value: str, limit: int) -> LongText:
        """A multi-line answer: Enter goes on as everywhere in the flow, Ctrl+J starts a new
        line, and pasted lines are kept."""
        return LongText(value, id=field_id(name), max_length=limit, submit_on_enter=True)

    def short_text(self, name: str, value: str, limit: int) -> ShortText:
        return ShortText(value, id=field_id(name), max_length=limit)

    def show_group(self, name: str, shown: bool) -> None:
        for group in self.query(f"#g-{field_id(name)[2:]}"):
            group.display = shown

    # -- values ---------------------------------------------------------------------------
    def collect(self) -> dict[str, str]:
        """Write what is on the page into the answers; return problems only the screen can
        see (a date it cannot read). Never clears anything typed."""
        return {}

    def extra_errors(self) -> dict[str, str]:
        """Checks the page adds to the domain's (none by default)."""
        return {}

    def choice(self, name: str) -> str | None:
        return self.query_one(f"#{field_id(name)}", Choices).value

    def text_of(self, name: str) -> str:
        box = self.query_one(f"#{field_id(name)}")
        assert isinstance(box, ShortText | LongText)
        return box.value

    # -- focus ----------------------------------------------------------------------------
    def fields_in_order(self) -> list[Widget]:
        return [
            w
            for w in self.query("Choices, Input, LongText, FocusText").results(Widget)
            if w.focusable and shown_within(w, self)
        ]

    def focus_first(self) -> None:
        """The first question has the focus, and the page shows from its title."""
        fields = self.fields_in_order()
        if fields:
            fields[0].focus(scroll_visible=False)

    def advance(self, after: Widget) -> None:
        """Move to the next question on the page (the last one keeps the focus)."""
        fields = self.fields_in_order()
        if after in fields:
            index = fields.index(after)
            if index + 1 < len(fields):
                fields[index + 1].focus()

    def on_choices_picked(self, event: Choices.Picked) -> None:
        event.stop()
        target = self.picked(event.control, event.value)
        if target is None:
            self.call_after_refresh(self.advance, event.control)
        elif isinstance(target, Widget):
            self.call_after_refresh(target.focus)

    def picked(self, choices: Choices, value: str) -> Widget | bool | None:
        """A choice was made: show or hide what depends on it. Returns where the focus goes:
        None for the next question, a widget, or False to stay."""
        return None

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in a text box goes on, as everywhere in the flow."""
        event.stop()
        self.post_message(ContinueAsked())

    def on_long_text_submitted(self, event: LongText.Submitted) -> None:
        event.stop()
        self.post_message(ContinueAsked())

    # -- errors ---------------------------------------------------------------------------
    def show_errors(self, errors: dict[str, str], labels: dict[str, str] | None = None) -> None:
        """An error summary at the top and each message on its field; focus the first."""
        summary = self.query_one("#error-summary", Static)
        for widget in self.query(".-invalid"):
            widget.remove_class("-invalid")
        invalid: list[Widget] = []
        by_id = {error_id(key): message for key, message in errors.items()}
        for head in self.query(FieldHead).results(FieldHead):
            message = by_id.get(head.id or "", "")
            if message or head.error:
                head.set_error(message)
        if not errors:
            summary.remove_class("-shown")
            return
        summary.update(problem_list(errors, labels))
        summary.add_class("-shown")
        for key in errors:
            for widget in self.query(f"#{field_id(key)}"):
                widget.add_class("-invalid")
                invalid.append(widget)
        self.scroll_home(animate=False)
        first = next((w for w in self.fields_in_order() if w in invalid), None)
        if first is not None:
            first.focus(scroll_visible=False)
