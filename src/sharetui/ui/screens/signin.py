"""First run (create the first administrator) and sign-in."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.widgets import Button, Input, Label, Static

from sharetui.domain.errors import ShareError
from sharetui.ui.forms import ErrorSummary, Field, ShortText, SingleFlight
from sharetui.ui.forms.field import refusal_errors, show_field_errors
from sharetui.ui.literal import lit, one_line
from sharetui.ui.screens.boxes import BoxesScreen
from sharetui.ui.widgets.keybar import KeyBar


class SignInScreen(BoxesScreen):
    """Username and passphrase. A wrong pair says only that the pair is wrong."""

    KEY_LABELS = {"ctrl+q": "Quit"}  # nobody is signed in: the key closes sharetui

    BINDINGS = [Binding("enter", "submit", "Sign in", show=True)]
    TYPEAHEAD_WAIT_GROUPS = frozenset({"signin"})
    BOXES = ("username", "passphrase")

    def __init__(
        self, demo_accounts: list[tuple[str, str, str]] | None = None, message: str = ""
    ) -> None:
        super().__init__()
        self.demo_accounts = demo_accounts or []
        self.message = message
        # Signing in writes (the attempt is counted and audited): once per Enter however
        # fast it is pressed; keys typed meanwhile wait for the home screen.
        self.flight = SingleFlight(self, group="signin")

    def compose(self) -> ComposeResult:
        with Center(), Vertical(classes="form narrow", id="signin-form"):
            yield Static("sharetui", classes="app-name")
            yield Static("Sign in", classes="page-title")
            yield Label("Username", classes="field-label")
            yield Input(id="username", placeholder="your username", max_length=64)
            yield Label("Passphrase", classes="field-label")
            yield Input(id="passphrase", password=True, max_length=1024)
            yield Static(lit(self.message), id="signin-error", classes="error-message")
            yield Button("Sign in (Enter)", id="signin", variant="primary", action="screen.submit")
            if self.demo_accounts:
                yield Static("Demo accounts (this is demonstration data)", classes="section-title")
                for username, passphrase, role in self.demo_accounts:
                    yield Static(
                        one_line(f"{username:<8} {passphrase:<24} {role}", 58), classes="demo-line"
                    )
        yield KeyBar()

    def action_submit(self) -> None:
        username = self.query_one("#username", Input).value
        passphrase = self.query_one("#passphrase", Input).value
        if not username.strip() or not passphrase:
            self._show_error("Enter your username and passphrase")
            return
        self.flight.run(lambda: self._sign_in(username, passphrase))

    async def _sign_in(self, username: str, passphrase: str) -> None:
        self.query_one("#signin", Button).disabled = True
        try:
            await self.share_app.sign_in(username, passphrase)
        except ShareError as exc:
            self.query_one("#passphrase", Input).value = ""
            self._show_error(exc.message)
            self.query_one("#passphrase", Input).focus()
        finally:
            if self.is_attached:
                self.query_one("#signin", Button).disabled = False

    def _show_error(self, message: str) -> None:
        self.query_one("#signin-error", Static).update(lit(message))


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
            yield Field(
                "passphrase",
                "Passphrase",
                ShortText(id="passphrase", password=True, max_length=1024),
                "At least 12 characters; not your name or username",
            )
            yield Field(
                "confirm",
                "Passphrase again",
                ShortText(id="confirm", password=True, max_length=1024),
            )
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
