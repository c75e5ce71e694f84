"""My account (m on every home): who is signed in, their role and second factor, and the two
things a person does for themselves: change their passphrase, and set up a second factor
where their role leaves it optional. Both ask for the current passphrase first (a terminal
left unlocked must not hand the account over); nothing is kept as a draft, since passphrases
and codes are never stored outside the account."""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Header, Input, Static

from sharetui.domain.enums import AdviceRole, Role
from sharetui.domain.errors import ShareError, ValidationFailed
from sharetui.services.own_account import OwnAccount, OwnEnrolment
from sharetui.ui.forms import ErrorSummary, Field, ShortText, SingleFlight
from sharetui.ui.forms.dialog import FormDialog
from sharetui.ui.forms.field import (
    NEW_PASSPHRASE_RULE,
    new_passphrase_questions,
    refusal_errors,
    secret_question,
    show_field_errors,
)
from sharetui.ui.literal import lit
from sharetui.ui.screens.base import KioskScreen, LoadingScreen
from sharetui.ui.widgets.keybar import KeyBar


class ChangePassphraseDialog(FormDialog):
    """The current passphrase, then a new one twice."""

    DEFAULT_CLASSES = "scrolling-form"
    FIELDS = ("current", "passphrase", "confirm")
    SAVED_WORDS = "Your passphrase is changed: use the new one from now on."

    SAVE_HINT = "Ctrl+S: change it   Esc: cancel"

    def heading(self) -> str:
        return "Change your passphrase"

    def questions(self) -> ComposeResult:
        yield secret_question("current", "Current passphrase")
        yield from new_passphrase_questions(
            hint=f"{NEW_PASSPHRASE_RULE}: three or more random words are easy to remember"
        )

    async def submit(self, values: dict[str, Any], **options: Any) -> bool:
        await self.call(
            self.services.users.change_own_passphrase,
            self.actor,
            values["current"],
            values["passphrase"],
            values["confirm"],
        )
        return True


class OwnFactorScreen(KioskScreen):
    """Set up a second factor: the current passphrase, then the QR code (or the secret as
    text) and the first code from the app, then the recovery codes, shown once. Esc leaves
    at any point before the code matches, and nothing is stored."""

    BINDINGS = [Binding("escape", "leave", "Back")]
    TYPEAHEAD_WAIT_GROUPS = frozenset({"own-factor"})
    FIELD_HELP = {
        "current": "Your passphrase now: setting up a second factor changes how you sign in.",
        "code": "The 6 digits your authenticator app shows for sharetui now.",
    }

    CSS_PATH = "my_account.tcss"

    def __init__(self) -> None:
        super().__init__()
        self.flight = SingleFlight(self, group="own-factor")
        self.started: OwnEnrolment | None = None
        self.codes: tuple[str, ...] = ()

    def compose(self) -> ComposeResult:
        with Horizontal(id="factor-body"):
            yield Static("", id="qr")
            with VerticalScroll(id="factor-form"):
                yield Static("Set up your second factor", classes="page-title")
                yield Static(
                    "From your next sign-in you will give a code from an authenticator app "
                    "on your phone as well as your passphrase. Enter your passphrase to start.",
                    id="factor-intro",
                    classes="hint",
                )
                yield ErrorSummary()
                yield secret_question("current", "Your passphrase")
                yield Static("", id="secret")
                yield Field("code", "First code from the app", ShortText(id="code", max_length=20))
                yield Static("", id="recovery-codes")
                yield Static(
                    "Enter: next   Esc: back, nothing set up", id="factor-keys", classes="hint"
                )
        yield KeyBar()

    def on_mount(self) -> None:
        self.title = "sharetui"
        self.sub_title = "Second factor"
        for hidden in ("#secret", "#recovery-codes"):
            self.query_one(hidden).display = False
        self._show_field("code", False)
        self.query_one("#current", Input).focus()

    def _show_field(self, name: str, shown: bool) -> None:
        """A question and its label together (the Field around the box)."""
        field = self.query_one(f"#{name}").parent
        assert isinstance(field, Field)
        field.display = shown

    def show_errors(self, errors: dict[str, str]) -> None:
        show_field_errors(self, errors)

    @on(Input.Submitted, "#current")
    def _passphrase_given(self) -> None:
        box = self.query_one("#current", Input)
        passphrase = box.value
        box.value = ""  # never left on screen, whatever the answer
        if not passphrase:
            self.show_errors({"current": "Enter your passphrase"})
            return
        self.flight.run(lambda: self._start(passphrase))

    async def _start(self, passphrase: str) -> None:
        from sharetui.ui.qr import qr_text, secret_text

        try:
            started = await self.call(
                self.services.users.start_own_enrolment, self.actor, passphrase
            )
        except ValidationFailed as exc:
            self.show_errors(exc.field_errors)
            return
        self.started = started
        self.show_errors({})
        self._show_field("current", False)
        self.query_one("#factor-intro", Static).update(
            "Scan the code with your authenticator app (or type the secret into it), then "
            "enter the 6 digits it shows."
        )
        self.query_one("#qr", Static).update(qr_text(started.enrolment.uri))
        secret = self.query_one("#secret", Static)
        secret.update(secret_text(started.enrolment.secret))
        secret.display = True
        self._show_field("code", True)
        self.query_one("#code", Input).focus()

    @on(Input.Submitted, "#code")
    def _code_given(self) -> None:
        code = self.query_one("#code", Input).value.strip()
        if self.started is None:
            return
        if not code:
            self.show_errors({"code": "Enter the 6 digits the app shows now"})
            return
        started = self.started
        self.flight.run(lambda: self._finish(started, code))

    async def _finish(self, started: OwnEnrolment, code: str) -> None:
        try:
            codes = await self.call(
                self.services.users.finish_own_enrolment, self.actor, started.ticket, code
            )
        except ShareError as exc:
            self.show_errors(refusal_errors(exc, "code"))
            return
        self.codes = codes
        self.started = None
        self.show_errors({})
        self.query_one("#qr", Static).update("")
        self.query_one("#secret").display = False
        self._show_field("code", False)
        self.query_one("#factor-intro", Static).update(
            "Your second factor is set up. These recovery codes each sign you in once if your "
            "phone is lost: write them down and keep them away from this terminal. They are "
            "not shown again."
        )
        shown = self.query_one("#recovery-codes", Static)
        shown.update(lit("\n".join(codes)))
        shown.display = True
        self.query_one("#factor-keys", Static).update("Esc: I have kept them")
        self.focus()

    def action_leave(self) -> None:
        if self.started is not None:
            self.services.users.forget(self.started.ticket)  # in memory: no thread needed
        self.dismiss(bool(self.codes))


class MyAccountScreen(LoadingScreen):
    """The signed-in person's own account."""

    BINDINGS = [
        Binding("p", "change_passphrase", "Change passphrase"),
        Binding("2", "second_factor", "Set up 2nd factor"),
        Binding("escape", "back", "Home"),
    ]
    TYPEAHEAD_WAIT_GROUPS = frozenset({"my-account"})

    def __init__(self) -> None:
        super().__init__()
        self.account: OwnAccount | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("My account", classes="page-title")
        yield Static("Loading…", id="account-facts")
        yield Static("", id="account-status", classes="hint")
        yield KeyBar()

    def on_mount(self) -> None:
        self.title = "sharetui"
        self.sub_title = "My account"
        self._load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "second_factor":
            return self.account is not None and not self.account.has_factor
        return super().check_action(action, parameters)

    @work(exclusive=True, group="my-account", exit_on_error=False)
    async def _load(self) -> None:
        try:
            self.account = await self.call(self.services.users.own_account, self.actor)
            if self.is_attached:
                self.query_one("#account-facts", Static).update(lit(self._facts(self.account)))
                self.refresh_bindings()
        finally:
            if self.is_attached:
                self.mark_loaded()

    @staticmethod
    def _facts(a: OwnAccount) -> str:
        if a.has_factor:
            factor = f"set up ({a.recovery_codes_left} recovery codes left)"
        elif a.factor_required:
            factor = "required for your role: you set it up at your next sign-in"
        else:
            factor = "not set up (optional for your role): press 2 to set one up"
        roles = ", ".join(AdviceRole(r).label for r in a.advice_roles) or "none"
        return (
            f"Name: {a.display_name}\n"
            f"Username: {a.username}\n"
            f"Role: {Role(a.role).label}\n"
            f"Advice roles: {roles}\n"
            f"Second factor: {factor}\n\n"
            "p: change your passphrase"
        )

    def _say(self, words: str) -> None:
        self.query_one("#account-status", Static).update(lit(words))

    def action_back(self) -> None:
        self.dismiss()

    def action_change_passphrase(self) -> None:
        def done(changed: bool | None) -> None:
            if changed:
                self._say("Your passphrase is changed.")

        self.app.push_screen(ChangePassphraseDialog(), done)

    def action_second_factor(self) -> None:
        def done(set_up: bool | None) -> None:
            if set_up:
                self._say("Your second factor is set up: you give a code at each sign-in.")
            self._load()

        self.app.push_screen(OwnFactorScreen(), done)
