"""A question on a form: its label, hint, error message and the answer box, and the error
summary at the top of a form (GOV.UK order: the error sits between the hint and the answer,
and starts with the word 'Error')."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.containers import Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Static

from sharetui.domain.errors import ShareError, ValidationFailed
from sharetui.ui.forms.text import LimitReached, ShortText
from sharetui.ui.literal import plain


def shown_within(widget: Widget, top: Widget) -> bool:
    """Whether the widget is on show in `top`: it and every container up to `top` displayed
    (a field hidden with its group must not take the focus or be jumped to)."""
    node: Widget | None = widget
    while node is not None and node is not top:
        if not node.display:
            return False
        parent = node.parent
        node = parent if isinstance(parent, Widget) else None
    return True


class FieldHead(Static):
    """A field's label, hint, error message and any note about its limit, in one block."""

    DEFAULT_CSS = """
    FieldHead { margin: 1 0 0 0; height: auto; }
    FieldHead.-bare { margin: 0; }
    """

    def __init__(self, name: str, label: str, hint: str = "", *, id: str | None = None) -> None:
        super().__init__(id=id, classes="field-head")
        self.field_name = name
        self.label, self.hint, self.error, self.note = label, hint, "", ""
        self.set_class(not label and not hint, "-bare")

    def on_mount(self) -> None:
        self._draw()

    def set_error(self, message: str) -> None:
        self.error = message
        self._draw()

    def set_note(self, message: str) -> None:
        self.note = message
        self._draw()

    def set_label(self, label: str, hint: str = "") -> None:
        """A question whose wording follows an earlier answer (the decision's outcome)."""
        self.label, self.hint = label, hint
        self.set_class(not label and not hint, "-bare")
        self._draw()

    def _draw(self) -> None:
        text = Text()
        if self.label:
            text.append(plain(self.label), style="bold")
        if self.hint:
            text.append(("\n" if text else "") + plain(self.hint), style="dim")
        if self.error:
            text.append("\n" if text else "")
            text.append("Error: " + plain(self.error), style="bold red")
        if self.note:
            text.append("\n" if text else "")
            text.append(plain(self.note), style="bold")
        self.update(text)
        self.display = bool(text)


class Field(Vertical):
    """One question: its head (label, hint, error, note) above the answer widget. Shown or
    hidden together; a LimitReached from the box is said here, on the field."""

    DEFAULT_CSS = "Field { height: auto; }"

    def __init__(
        self,
        name: str,
        label: str,
        widget: Widget,
        hint: str = "",
        *,
        head_id: str | None = None,
        id: str | None = None,
        shown: bool = True,
    ) -> None:
        self.head = FieldHead(name, label, hint, id=head_id or f"{name}-error")
        self.widget = widget
        super().__init__(self.head, widget, classes="field", id=id)
        self.field_name = name
        self.display = shown

    def on_limit_reached(self, event: LimitReached) -> None:
        event.stop()
        self.head.set_note(event.message)

    def set_error(self, message: str) -> None:
        self.head.set_error(message)
        self.widget.set_class(bool(message), "-invalid")


def date_question(name: str, label: str, hint: str = "", *, value: str = "") -> Field:
    """A date typed as day/month/year (the domain's parse_date reads it): the same short box
    wherever a form asks for a day."""
    return Field(name, label, ShortText(value, id=name, max_length=20), hint)


def secret_question(name: str, label: str, hint: str = "") -> Field:
    """A passphrase: shown as dots, long enough for a sentence."""
    return Field(name, label, ShortText(id=name, password=True, max_length=1024), hint)


NEW_PASSPHRASE_RULE = "At least 12 characters; not your name or username"


def new_passphrase_questions(
    label: str = "New passphrase", hint: str = NEW_PASSPHRASE_RULE
) -> Iterator[Field]:
    """A new passphrase and the same again ("passphrase" and "confirm"): the first run, the
    step after a one-time passphrase and My account ask for one in the same words. The hint
    states the rule the service checks (domain/passphrase.py); a form with no advice of its
    own above the questions adds some to it."""
    yield secret_question("passphrase", label, hint)
    yield secret_question("confirm", f"{label} again")


def problem_list(errors: Mapping[str, str], labels: Mapping[str, str] | None = None) -> Text:
    """The words of an error summary: "There is a problem", then each problem on a line of
    its own, after its question's label when `labels` has one. The dialogs' summary and the
    decision flow's pages say their problems in these same words."""
    text = Text("There is a problem", style="bold")
    for key, message in errors.items():
        text.append("\n- ")
        if labels and key in labels:
            text.append(plain(labels[key]) + ": ")
        text.append(plain(message))
    return text


def focus_question(widget: Widget) -> None:
    """Focus an answer and bring its whole question (its label, its error and the box) into
    view once laid out, not only the box: on a short terminal the error is above it."""
    widget.focus(scroll_visible=False)
    whole = widget.parent if isinstance(widget.parent, Field) else widget
    widget.call_after_refresh(whole.scroll_visible, animate=False, immediate=True)


def show_field_errors(root: Widget, errors: Mapping[str, str], first: Widget | None = None) -> None:
    """Each Field under `root` shows its own message (none when it has none) and each
    ErrorSummary lists them all; the first question with a problem takes the focus (`first`,
    the answer a form names by the order of its questions; else the first on screen whose
    box can take it), or the summary comes into view when no field has one. Every form of
    the kit's fields, FormDialog's included, says its errors here."""
    fields = list(root.query(Field).results(Field))
    for field in fields:
        field.set_error(errors.get(field.field_name, ""))
    summaries = list(root.query(ErrorSummary).results(ErrorSummary))
    for summary in summaries:
        summary.show(errors)
    if first is None:
        first = next(
            (f.widget for f in fields if f.field_name in errors and f.widget.focusable), None
        )
    if first is not None:
        focus_question(first)
    elif errors:
        for summary in summaries:
            summary.scroll_visible()


def refusal_errors(exc: ShareError, key: str = "") -> dict[str, str]:
    """A service's refusal as a form's errors: a ValidationFailed's own field errors, any
    other refusal's message under `key` (the field it belongs to, or "" for the summary)."""
    return exc.field_errors if isinstance(exc, ValidationFailed) else {key: exc.message}


class ErrorSummary(Static, can_focus=True):
    """'There is a problem', then each problem; Enter (or a click) on the summary jumps to
    the first field with a problem, and each field shows its own message too."""

    DEFAULT_CSS = """
    ErrorSummary { display: none; height: auto; border: heavy $error; padding: 0 1; }
    ErrorSummary.-shown { display: block; }
    ErrorSummary:focus { background: $boost; }
    """

    @dataclass
    class Jump(Message):
        """Go to the field with this name."""

        name: str

    def __init__(self, *, id: str | None = "error-summary") -> None:
        super().__init__("", id=id, classes="error-summary")
        self.names: list[str] = []

    def show(self, errors: Mapping[str, str], labels: Mapping[str, str] | None = None) -> None:
        self.names = list(errors)
        if not errors:
            self.update("")
            self.remove_class("-shown")
            return
        self.update(problem_list(errors, labels))
        self.add_class("-shown")

    @property
    def shown(self) -> bool:
        return self.has_class("-shown")

    def on_key(self, event: events.Key) -> None:
        if event.key == "enter" and self.names:
            event.stop()
            self.post_message(self.Jump(self.names[0]))

    def on_click(self, event: events.Click) -> None:
        line = event.y - 1  # the first line is the heading
        if 0 <= line < len(self.names):
            self.post_message(self.Jump(self.names[line]))
