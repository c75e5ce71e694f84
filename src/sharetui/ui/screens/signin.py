"""The sign-in screen: username and passphrase, the first screen most people see."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.widgets import Button, Input, Label, Static

from sharetui.domain.errors import ShareError
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
