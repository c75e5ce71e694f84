"""Small dialogs: confirm, message, help. All text shown literally.

over_lock: a question or message of the lock's own (sign out from the lock, a switch of user
that could not keep the drafts) shows above the lock; any other waits for the unlock, since a
screen under the lock may be the one asking (a one-time passphrase, a person's details)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Button, Static

from sharetui.domain.errors import ShareError, ValidationFailed
from sharetui.ui.guidance import rules_text
from sharetui.ui.literal import lit
from sharetui.ui.screens.base import KioskModal


class ConfirmDialog(KioskModal[bool]):
    """A yes/no question; y / n / Esc from the keyboard."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(
        self, question: str, yes: str = "Yes", no: str = "No", *, over_lock: bool = False
    ) -> None:
        super().__init__()
        self.over_lock = over_lock
        self.question = question
        self.yes_label = yes
        self.no_label = no

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(lit(self.question), classes="dialog-title")
            yield Button(f"{self.yes_label} (y)", id="yes", variant="primary")
            yield Button(f"{self.no_label} (n)", id="no")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)

    def ask(self, app: App[Any], then: Callable[[], object]) -> None:
        """Put the question to the person; on yes, do `then` (nothing on no or Esc)."""

        def answered(yes: bool | None) -> None:
            if yes:
                then()

        app.push_screen(self, answered)


class LeaveDialog(KioskModal["str | None"]):
    """Leaving a form with typed answers: discard them (d), keep them as a draft under My
    drafts (k), or stay and keep typing (Esc). Returns "discard", "keep" or None."""

    BINDINGS = [
        Binding("d", "answer('discard')", "Discard"),
        Binding("k", "answer('keep')", "Keep as a draft"),
        Binding("escape", "answer('')", "Keep typing"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(lit(self.question), classes="dialog-title")
            yield Button("Keep it as a draft (k)", id="keep", variant="primary")
            yield Button("Discard what was typed (d)", id="discard", variant="error")
            yield Button("Keep typing (Esc)", id="stay")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_answer("" if event.button.id == "stay" else str(event.button.id))

    def action_answer(self, value: str) -> None:
        self.dismiss(value or None)


class MessageDialog(KioskModal[None]):
    """A message that needs acknowledging (errors the user must not miss)."""

    BINDINGS = [Binding("enter,escape", "close", "Close")]

    def __init__(self, title: str, message: str, *, over_lock: bool = False) -> None:
        super().__init__()
        self.over_lock = over_lock
        self.title_text = title
        self.message = message

    @classmethod
    def refused(cls, title: str, exc: ShareError) -> MessageDialog:
        """A service's refusal of an action taken from a list (no form to mark): each field's
        instruction on a line of its own, or the refusal's message."""
        if isinstance(exc, ValidationFailed):
            return cls(title, "\n".join(exc.field_errors.values()))
        return cls(title, exc.message)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(lit(self.title_text), classes="dialog-title")
            with VerticalScroll(classes="dialog-body"):
                yield Static(lit(self.message), id="message-body")
            yield Button("Close (Enter)", id="close", variant="primary")

    def on_button_pressed(self, _event: Button.Pressed) -> None:
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)


class HelpScreen(KioskModal[None]):
    """The seven golden rules, and the help for the field that had focus."""

    BINDINGS = [Binding("escape,f1,q", "close", "Close help")]

    def __init__(self, field_help: str | None = None) -> None:
        super().__init__()
        self.field_help = field_help

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Static("Help", classes="dialog-title")
            with VerticalScroll(classes="dialog-body", id="help-body"):
                if self.field_help:
                    yield Static("About this field", classes="section-title")
                    yield Static(lit(self.field_help), id="field-help")
                    yield Static("")
                yield Static(lit(rules_text()), id="rules")
            yield Button("Close (Esc)", id="close", variant="primary")

    def on_button_pressed(self, _event: Button.Pressed) -> None:
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
