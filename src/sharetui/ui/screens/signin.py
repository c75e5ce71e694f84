"""First run (create the first administrator) and sign-in."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.widgets import Button, Input, Label, Static

from sharetui.domain.errors import ShareError, ValidationFailed
from sharetui.ui.forms import SingleFlight
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
            yield Label("Username", classes="field-label")
            yield Input(id="username", max_length=64)
            yield Static("", id="username-error", classes="error-message")
            yield Label("Your name", classes="field-label")
            yield Input(id="display_name", max_length=200)
            yield Static("", id="display_name-error", classes="error-message")
            yield Label("Passphrase (at least 12 characters)", classes="field-label")
            yield Input(id="passphrase", password=True, max_length=1024)
            yield Static("", id="passphrase-error", classes="error-message")
            yield Label("Passphrase again", classes="field-label")
            yield Input(id="confirm", password=True, max_length=1024)
            yield Static("", id="confirm-error", classes="error-message")
            yield Button(
                "Create administrator (Ctrl+S)",
                id="create",
                variant="primary",
                action="screen.submit",
            )
        yield KeyBar()

    def action_submit(self) -> None:
        values = {
            f: self.query_one(f"#{f}", Input).value
            for f in ("username", "display_name", "passphrase", "confirm")
        }
        for field in values:
            self.query_one(f"#{field}-error", Static).update("")
        if values["passphrase"] != values["confirm"]:
            self.query_one("#confirm-error", Static).update("The two passphrases do not match")
            return
        self.flight.run(lambda: self._create(values))

    async def _create(self, values: dict[str, str]) -> None:
        try:
            await self.share_app.create_first_admin(
                values["username"], values["display_name"], values["passphrase"]
            )
        except ValidationFailed as exc:
            for field, message in exc.field_errors.items():
                target = self.query(f"#{field}-error")
                if target:
                    target.first(Static).update(lit(message))
                else:
                    self.notify(message, severity="error", markup=False)
        except ShareError as exc:
            self.notify(exc.message, severity="error", markup=False)
