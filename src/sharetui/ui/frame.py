"""What every part of the app frame shares: the settings, who is signed in, the services
(opened after the first screen is up), the clipboard.

The frame is split by story (locking.py, session.py, crash_guard.py, app.py); each part is a
layer on this one, so each reads the same state with its type known.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import App
from textual.widgets import Input

from sharetui.config import Settings
from sharetui.domain.errors import StoreUnavailable
from sharetui.services.failures import describe
from sharetui.ui import heap
from sharetui.ui.forms.saving import SingleFlight
from sharetui.ui.screens.base import FAILED_TITLE
from sharetui.ui.screens.dialogs import MessageDialog
from sharetui.ui.typeahead import TypeAhead

if TYPE_CHECKING:
    from sharetui.services.facade import Services
    from sharetui.services.unit_of_work import Actor


class Frame(App[None]):
    """The state ShareApp.__init__ sets up, and the services' start-up."""

    settings: Settings
    create: bool  # only a first run at the default location may make the database
    demo_accounts: list[tuple[str, str, str]] | None
    services: Services | None
    actor: Actor | None
    startup_error: str
    _services_ready: asyncio.Event
    typeahead: TypeAhead
    _leaving: SingleFlight  # switch user / sign out, once
    _recovery_left: int | None
    _account_check_running: bool
    account_checks: int
    _crashed: bool
    crash_report: Path | None
    crash_drafts: tuple[int, int]

    def _start_services(self) -> None:
        self.run_worker(self._open_services, thread=True, group="startup", exit_on_error=False)

    def _open_services(self) -> None:
        try:
            if self.services is None:
                from sharetui.services.facade import Services

                self.services = Services.open(self.settings, create=self.create)
            count = self.services.users.count()
        except Exception as exc:  # noqa: BLE001 - reported on screen, never a traceback
            self.startup_error = describe(exc, on_screen=False)
            self.call_from_thread(self._startup_failed)
            return
        self.call_from_thread(self._startup_done, count)

    def _startup_done(self, user_count: int) -> None:
        self._services_ready.set()
        heap.settle()  # what the open store left in memory stays for the session
        if user_count == 0:
            from sharetui.ui.screens.first_run import FirstRunScreen  # see its module

            self.switch_screen(FirstRunScreen())

    def say_failed(self, error: BaseException | None, *, over_lock: bool = False) -> None:
        """A failed worker in words (the same causes as the command line), in a message
        above the screen on view; what was typed stays where it was."""
        words = describe(error, on_screen=True)
        self.push_screen(MessageDialog(FAILED_TITLE, words, over_lock=over_lock))

    def _startup_failed(self) -> None:
        self.push_screen(MessageDialog("The database could not be opened", self.startup_error))

    async def wait_services(self) -> Services:
        """Wait until the database is open (usually long before anyone finishes typing)."""
        if self.startup_error:
            raise StoreUnavailable(self.startup_error)
        await self._services_ready.wait()
        assert self.services is not None
        return self.services

    # -- clipboard ------------------------------------------------------------------------
    def copy_to_clipboard(self, text: str) -> None:
        """Copy within sharetui only. Textual also sends the text to the terminal (OSC 52),
        which puts a person's details in the workstation's clipboard, beyond the lock and the
        sign-out; and nothing is ever copied out of a passphrase field."""
        focused = self.focused
        if isinstance(focused, Input) and focused.password:
            return
        self._clipboard = text

    def clear_clipboard(self) -> None:
        """At lock, switch user and sign out: the next person pastes nothing of this one's."""
        self._clipboard = ""
