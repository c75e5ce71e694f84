"""First run: no accounts yet, so the first administrator is created here.

A module of its own, opened only when the database has no accounts: its questions are the
form kit's (errors on their question, pastes kept whole), and the kit's text boxes bring in
Textual's TextArea, which the sign-in screen, the first screen on every other start, does
without."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.widgets import Button, Input, Static

from sharetui.domain.errors import ShareError
from sharetui.ui.forms import ErrorSummary, Field, ShortText, SingleFlight
from sharetui.ui.forms.field import new_passphrase_questions, refusal_errors, show_field_errors
from sharetui.ui.screens.boxes import BoxesScreen
from sharetui.ui.widgets.keybar import KeyBar


class FirstRunScreen(BoxesScreen):
    """No accounts yet: create the first administrator."""

    KEY_LABELS = {"ctrl+q": "Quit"}  # nobody is signed in: the key closes sharetui

    BINDINGS = [Binding("ctrl+s", "submit", "Create administrator", show=True)]
    TYPEAHEAD_WAIT_GROUPS = frozenset({"firstrun"})
    BOXES = ("username", "display_name", "passphrase", "confirm")

    def __init__(self) -> None:
        super().__init__()
        self.flight = SingleFlight(self, group="firstrun")  # one administrator per Ctrl+S

    def compose(self) -> ComposeResult:
        with Center(), Vertical(classes="form narrow", id="firstrun-form"):
            yield Static("sharetui", classes="app-name")
            yield Static("Create the first administrator", classes="page-title")
            yield Static(
                "There are no accounts yet. The administrator manages accounts; "
                "practitioners and supervisors are added afterwards.",
                classes="hint",
            )
            yield ErrorSummary()
            yield Field("username", "Username", ShortText(id="username", max_length=64))
            yield Field("display_name", "Your name", ShortText(id="display_name"))
            yield from new_passphrase_questions("Passphrase")
            yield Button(
                "Create administrator (Ctrl+S)",
                id="create",
                variant="primary",
                action="screen.submit",
            )
        yield KeyBar()

    def action_submit(self) -> None:
        values = {f: self.query_one(f"#{f}", Input).value for f in self.BOXES}
        if values["passphrase"] != values["confirm"]:
            show_field_errors(self, {"confirm": "The two passphrases do not match"})
            return
        show_field_errors(self, {})  # the last attempt's messages go while this one runs
        self.flight.run(lambda: self._create(values))

    async def _create(self, values: dict[str, str]) -> None:
        """The service's refusals go on the fields they are about (the summary lists them);
        one about no field, such as a database that cannot be written, on the summary."""
        try:
            await self.share_app.create_first_admin(
                values["username"], values["display_name"], values["passphrase"]
            )
        except ShareError as exc:
            show_field_errors(self, refusal_errors(exc))
