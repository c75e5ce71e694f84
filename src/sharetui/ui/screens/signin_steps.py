"""The sign-in steps after the passphrase: the second factor's code, a passphrase of one's
own (after a one-time one), setting up the second factor (a QR code drawn in the terminal,
the secret as text, a first code), and the recovery codes, shown once.

Each step holds only the ticket of a sign-in in progress (services/signin.py): nobody is
signed in until the last step, so Esc goes back to the sign-in screen and leaves nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, Static

from sharetui.domain.errors import ShareError
from sharetui.services.signin import SignInStep
from sharetui.ui.forms import ErrorSummary, Field, ShortText, SingleFlight
from sharetui.ui.forms.field import (
    new_passphrase_questions,
    refusal_errors,
    show_field_errors,
)
from sharetui.ui.literal import lit
from sharetui.ui.screens.base import KioskScreen
from sharetui.ui.screens.boxes import BoxesScreen
from sharetui.ui.widgets.keybar import KeyBar


class _StepScreen(BoxesScreen):
    """A step of a sign-in in progress: Esc starts again from the sign-in screen."""

    KEY_LABELS = {"ctrl+q": "Quit"}  # nobody is signed in yet
    BINDINGS = [Binding("escape", "start_again", "Start again")]

    def __init__(self, step: SignInStep) -> None:
        super().__init__()
        self.step = step
        # A step's write runs once however often Enter is pressed; keys typed meanwhile
        # wait for it (the screens name "signin-step" in TYPEAHEAD_WAIT_GROUPS).
        self.flight = SingleFlight(self, group="signin-step")

    def _heading(self, title: str, words: str) -> ComposeResult:
        """The step's title and what to do now, addressed to the person signing in by name."""
        yield Static(title, classes="page-title")
        yield Static(lit(f"{self.step.display_name}: {words}"), classes="hint")

    def action_start_again(self) -> None:
        self.share_app.abandon_sign_in(self.step.ticket)

    def show_errors(self, errors: dict[str, str]) -> None:
        show_field_errors(self, errors)

    async def _go(self, call: Callable[..., SignInStep], *args: object) -> None:
        """Run one step in a thread; its errors go on the fields, the next step follows."""
        try:
            step = await self.call(call, self.step.ticket, *args)
        except ShareError as exc:
            self.show_errors(refusal_errors(exc, self.BOXES[0]))
            return
        self.share_app.follow_sign_in(step)

    BOXES: ClassVar[tuple[str, ...]] = ("code",)  # a refusal with no field: said on the first


class SecondFactorScreen(_StepScreen):
    """The code from the authenticator app (or a recovery code)."""

    BINDINGS = [Binding("enter", "submit", "Sign in", show=True)]
    TYPEAHEAD_WAIT_GROUPS = frozenset({"signin-step"})

    def __init__(self, step: SignInStep, demo_code: str = "") -> None:
        super().__init__(step)
        self.demo_code = demo_code

    def compose(self) -> ComposeResult:
        with Center(), Vertical(classes="form narrow", id="code-form"):
            yield Static("sharetui", classes="app-name")
            yield from self._heading(
                "Second factor",
                "enter the 6-digit code your authenticator app shows now, or one of your "
                "recovery codes.",
            )
            yield Field("code", "Code", ShortText(id="code", max_length=20))
            if self.demo_code:
                yield Static(
                    lit(f"Demo account: its authenticator shows {self.demo_code} now."),
                    id="demo-code",
                    classes="hint",
                )
            yield Static("Enter: sign in   Esc: start again", classes="hint")
        yield KeyBar()

    def action_submit(self) -> None:
        if self.flight.in_flight:
            return  # the code given is being checked; the emptied box is not a new answer
        box = self.query_one("#code", Input)
        code = box.value.strip()
        if not code:
            self.show_errors({"code": "Enter the code from your authenticator app"})
            return
        box.value = ""  # a code is used once: never left on screen
        self._submit(code)

    def _submit(self, code: str) -> None:
        self.flight.run(lambda: self._go(self.services.users.give_code, code))


class ChoosePassphraseScreen(_StepScreen):
    """After a one-time passphrase from an administrator: a passphrase of one's own."""

    BINDINGS = [Binding("ctrl+s", "submit", "Save passphrase", show=True)]
    TYPEAHEAD_WAIT_GROUPS = frozenset({"signin-step"})
    BOXES = ("passphrase", "confirm")

    def compose(self) -> ComposeResult:
        with Center(), Vertical(classes="form narrow", id="choose-form"):
            yield Static("sharetui", classes="app-name")
            yield from self._heading(
                "Choose your own passphrase",
                "the passphrase you were given works once. Choose one only you know: three or "
                "more random words are easy to remember and hard to guess.",
            )
            yield ErrorSummary()
            yield from new_passphrase_questions()
            yield Static(
                "Ctrl+S or Enter on the second box: save   Esc: start again", classes="hint"
            )
        yield KeyBar()

    def action_submit(self) -> None:
        self._submit(
            self.query_one("#passphrase", Input).value, self.query_one("#confirm", Input).value
        )

    def _submit(self, passphrase: str, confirm: str) -> None:
        self.flight.run(
            lambda: self._go(self.services.users.choose_passphrase, passphrase, confirm)
        )


class EnrolScreen(_StepScreen):
    """Set up the second factor: scan the QR code (or type the secret) into an authenticator
    app, then give the first code it shows."""

    BINDINGS = [Binding("enter", "submit", "Confirm code", show=True)]
    TYPEAHEAD_WAIT_GROUPS = frozenset({"signin-step", "enrol-load"})

    CSS_PATH = "signin_steps.tcss"

    def compose(self) -> ComposeResult:
        # The QR code beside the words and the box, so that at 80 x 24 all of it is in view
        # while the person scans and types.
        with Horizontal(id="enrol-body"):
            yield Static("", id="qr")
            with VerticalScroll(id="enrol-form"):
                yield from self._heading(
                    "Set up your second factor",
                    "your role signs in with a code from an authenticator app as well as your "
                    "passphrase. Scan the code with the app (or type the secret into it), then "
                    "enter the 6 digits it shows.",
                )
                yield Static("", id="secret")
                yield Field("code", "First code from the app", ShortText(id="code", max_length=20))
                yield Static("Enter: confirm   Esc: start again", classes="hint")
        yield KeyBar()

    def on_mount(self) -> None:
        self._load()

    @work(exclusive=True, group="enrol-load", exit_on_error=False)
    async def _load(self) -> None:
        from sharetui.ui.qr import qr_text, secret_text

        enrolment = await self.call(self.services.users.start_enrolment, self.step.ticket)
        self.query_one("#qr", Static).update(qr_text(enrolment.uri))
        self.query_one("#secret", Static).update(secret_text(enrolment.secret))

    def action_submit(self) -> None:
        code = self.query_one("#code", Input).value.strip()
        if not code:
            self.show_errors({"code": "Enter the 6 digits the app shows now"})
            return
        self._submit(code)

    def _submit(self, code: str) -> None:
        self.flight.run(lambda: self._go(self.services.users.finish_enrolment, code))


class RecoveryCodesScreen(KioskScreen):
    """The recovery codes, once: each signs in once if the phone is lost."""

    BINDINGS = [Binding("enter", "done", "I have kept them", show=True)]

    def __init__(self, codes: tuple[str, ...]) -> None:
        super().__init__()
        self.codes = codes

    def compose(self) -> ComposeResult:
        with Center(), Vertical(classes="form narrow", id="recovery-form"):
            yield Static("Your recovery codes", classes="page-title")
            yield Static(
                "Each code signs you in once if your phone is lost. Write them down and keep "
                "them somewhere safe, away from this terminal: they are not shown again.",
                classes="hint",
            )
            yield Static(lit("\n".join(self.codes)), id="recovery-codes")
            yield Static("Enter: I have kept them", classes="hint")
        yield KeyBar()

    def action_done(self) -> None:
        self.share_app.run_worker(self.share_app.enter_home(), group="nav", exit_on_error=False)
