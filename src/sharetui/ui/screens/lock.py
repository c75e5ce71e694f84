"""The lock screen: replaces everything, shows no personal data, only who locked it."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.widgets import Button, Input, Label, Static

from sharetui.services.failures import describe
from sharetui.ui.forms import SingleFlight
from sharetui.ui.literal import lit
from sharetui.ui.screens.base import KioskScreen
from sharetui.ui.widgets.keybar import KeyBar


class LockScreen(KioskScreen):
    """Unlock with the same user's passphrase, or switch user (drafts are saved first)."""

    BINDINGS = [
        Binding("enter", "unlock", "Unlock", show=True),
        Binding("f6", "switch_user", "Switch user", show=True),
    ]
    TYPEAHEAD_WAIT_GROUPS = frozenset({"unlock"})

    def __init__(self, locked_by: str, revoked: str = "") -> None:
        super().__init__()
        self.locked_by = locked_by
        self.revoked = revoked  # the account was disabled: why this lock will not open
        # An unlock is checked (and audited) once per Enter, however fast it is pressed.
        self.flight = SingleFlight(self, group="unlock")

    def compose(self) -> ComposeResult:
        with Center(), Vertical(classes="form narrow", id="lock-form"):
            yield Static("sharetui", classes="app-name")
            yield Static("This terminal is locked", classes="page-title", id="lock-title")
            yield Static(lit(f"Locked by {self.locked_by}"), id="locked-by")
            yield Static(lit(self.revoked), id="revoked", classes="error-message")
            yield Label("Passphrase", classes="field-label")
            yield Input(id="unlock-passphrase", password=True, max_length=1024)
            yield Static("", id="unlock-error", classes="error-message")
            yield Button("Unlock (Enter)", id="unlock", variant="primary", action="screen.unlock")
            yield Button("Switch user (F6)", id="switch", action="screen.switch_user")
            yield Static(
                "Switching user keeps unfinished work as drafts for its owner.", classes="hint"
            )
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#unlock-passphrase", Input).focus()
        self.query_one("#revoked", Static).display = bool(self.revoked)

    def say_revoked(self, message: str) -> None:
        """The account was disabled while this lock was up: say so here."""
        self.revoked = message
        revoked = self.query_one("#revoked", Static)
        revoked.update(lit(message))
        revoked.display = True

    @on(Input.Submitted, "#unlock-passphrase")
    def _unlock(self) -> None:
        self.action_unlock()

    def action_unlock(self) -> None:
        box = self.query_one("#unlock-passphrase", Input)
        passphrase = box.value
        box.value = ""
        if not passphrase:
            self.query_one("#unlock-error", Static).update("Enter your passphrase")
            return
        self.flight.run(lambda: self._try_unlock(passphrase))

    async def _try_unlock(self, passphrase: str) -> None:
        message = await self.share_app.unlock(passphrase)
        if message and self.is_attached:
            self.query_one("#unlock-error", Static).update(lit(message))

    def worker_failed(self, error: BaseException | None) -> None:
        """An unlock that could not be checked (the database cannot be reached, say) is
        said on the lock's own error line; the screens under the lock keep their work."""
        if self.is_attached:
            self.query_one("#unlock-error", Static).update(lit(describe(error, on_screen=True)))

    def action_switch_user(self) -> None:
        self.share_app.leave()
