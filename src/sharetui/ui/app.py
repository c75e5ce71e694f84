"""The app frame for shared workstations: start-up, kiosk hardening, navigation.

The database layer is imported in a worker after the first screen is up (importing SQLModel
costs more than all of Textual), so a person can start typing their username at once.

The rest of the frame lives beside it, one story each: ``locking.py`` (the idle and explicit
lock in a screen mode of its own), ``session.py`` (sign-in, account checks, switch user and
sign out), ``palette.py`` (the command palette's own commands), ``crash_guard.py`` (an
uncaught exception saves drafts and exits without a traceback).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.app import SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.theme import Theme
from textual.worker import Worker, WorkerState

from sharetui.config import Settings
from sharetui.domain.clock import Clock
from sharetui.ui import hangup, heap, screen_css
from sharetui.ui.crash_guard import CRASH_EXIT_CODE, CrashGuard
from sharetui.ui.forms.saving import SingleFlight
from sharetui.ui.locking import SHOWN_OVER_LOCK
from sharetui.ui.palette import palette_open, system_commands
from sharetui.ui.screens.base import KioskMixin, own_actions
from sharetui.ui.screens.dialogs import HelpScreen
from sharetui.ui.screens.signin import SignInScreen
from sharetui.ui.session import ACCOUNT_CHECK_SECONDS, SessionFlow
from sharetui.ui.typeahead import TypeAhead
from sharetui.ui.widgets.keybar import key_name

if TYPE_CHECKING:
    from sharetui.services.facade import Services
    from sharetui.services.unit_of_work import Actor

__all__ = ["CRASH_EXIT_CODE", "SHOWN_OVER_LOCK", "ShareApp", "run_app"]

HIGH_CONTRAST = Theme(
    name="sharetui-high-contrast",
    primary="#ffff00",
    secondary="#00ffff",
    accent="#ffffff",
    foreground="#ffffff",
    background="#000000",
    surface="#000000",
    panel="#1a1a1a",
    success="#00ff00",
    warning="#ffff00",
    error="#ff5555",
    dark=True,
)

STORE_OPEN_DELAY = 0.3

# App workers that change the screens (sign-in, sign-out, switch user): keys typed meanwhile
# wait for the screen they lead to.
NAV_WORKER_GROUPS = frozenset({"nav", "switch"})

# How long opening a record waits for it to be read before showing the screen still loading:
# a wait under a tenth of a second goes unnoticed, a flash of "Loading" does not.
PERSON_READ_WAIT = 0.1

# Textual actions a kiosk keeps at app level; everything else must be sharetui's own.
APP_ACTIONS = frozenset({"focus_next", "focus_previous", "command_palette"})


class ShareApp(CrashGuard, SessionFlow, inherit_bindings=False):
    """sharetui. Holds the services and who is signed in; screens do the rest."""

    CSS_PATH = "app.tcss"
    TITLE = "sharetui"
    ALLOW_SELECT = False
    NOTIFICATION_TIMEOUT = 4  # seconds: long enough to read, gone before it is in the way
    ENABLE_COMMAND_PALETTE = True
    COMMAND_PALETTE_BINDING = "ctrl+p"
    BINDINGS = [
        Binding("f1", "help", "Help", priority=True),
        Binding("ctrl+l", "lock", "Lock", priority=True),
        Binding("ctrl+q", "sign_out", "Sign out", priority=True),
        Binding("f2", "toggle_contrast", "High contrast", show=False, priority=True),
        Binding("tab", "focus_next", show=False),
        Binding("shift+tab", "focus_previous", show=False),
    ]

    def __init__(
        self,
        settings: Settings,
        *,
        demo_accounts: list[tuple[str, str, str]] | None = None,
        services: Services | None = None,
        high_contrast: bool = False,
        create: bool = False,
        clock: Clock | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings
        # Only a first run at the default location may make the database (commands/app.py).
        self.create = create
        self.clock: Clock = clock or settings.clock  # every today, overdue and time shown
        self.demo_accounts = demo_accounts
        self.services: Services | None = services
        self.actor: Actor | None = None
        self.startup_error: str = ""
        self._services_ready = asyncio.Event()
        self._init_lock()
        self._high_contrast = high_contrast
        self.typeahead = TypeAhead(
            self,
            wait_groups=NAV_WORKER_GROUPS,
            immediate_keys={b.key for b in self.BINDINGS if b.action == "lock"},  # type: ignore[union-attr]  # BINDINGS here are all Binding, never tuples
        )
        self._crashed = False
        self._leaving = SingleFlight(self, group="switch")  # switch user / sign out, once
        self.crash_report: Path | None = None
        self.crash_drafts: tuple[int, int] = (0, 0)
        self._account_check_running = False
        self.account_checks = 0
        self._recovery_left: int | None = None

    # -- start-up -------------------------------------------------------------------------
    def run(self, *args: Any, **kwargs: Any) -> Any:
        """The app in a process of its own (run_app): what the imports made is held out of
        the collector's passes while the first screen is built (ui/heap.py). Tests drive
        the app with run_test and keep their collector as it is."""
        heap.hold_start()
        return super().run(*args, **kwargs)

    def on_mount(self) -> None:
        self.register_theme(HIGH_CONTRAST)
        if self._high_contrast:
            self.theme = HIGH_CONTRAST.name
        self.push_screen(SignInScreen(self.demo_accounts))
        hangup.install(self)  # a dropped connection keeps typed work as drafts (ui/hangup.py)
        interval = min(1.0, max(self.settings.idle_lock_seconds / 4, 0.05))
        self.set_interval(interval, self._check_idle)
        self.set_interval(ACCOUNT_CHECK_SECONDS, self._check_account)

    def on_ready(self) -> None:
        """Open the database once the sign-in screen is shown (Ready follows the first frame):
        importing the store (SQLModel, SQLAlchemy, Alembic: ~0.6 s) in a thread would
        otherwise compete with building the first screen for the interpreter lock, and a
        timer counted from mounting runs out before a loaded machine has painted it. Nobody
        types a username in 0.3 s, and signing in waits for the store anyway. The screens'
        stylesheets are read at the same moment, once (ui/screen_css.py)."""
        self.set_timer(STORE_OPEN_DELAY, self._after_first_screen)

    def _after_first_screen(self) -> None:
        screen_css.preload(self)
        self._start_services()

    # -- kiosk ----------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "command_palette" and self.lock_is_up:
            return False  # its commands would open screens above the lock
        return action in APP_ACTIONS or action in own_actions(self)

    def action_command_palette(self) -> None:
        if not palette_open(self):  # opened twice, it crashed on DuplicateIds
            super().action_command_palette()

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        return system_commands(self)

    def get_key_display(self, binding: Binding) -> str:
        """The same key names as the footer: "F1", "Ctrl+L", "Esc"."""
        return binding.key_display or key_name(binding.key.split(",")[0])

    def action_toggle_contrast(self) -> None:
        self.theme = "textual-dark" if self.theme == HIGH_CONTRAST.name else HIGH_CONTRAST.name

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        focused = self.focused
        field_help = None
        if focused is not None and isinstance(self.screen, KioskMixin):
            field_help = self.screen.help_for(focused.id)
        self.push_screen(HelpScreen(field_help))

    # -- navigation to the other screens --------------------------------------------------
    # Asked for while the lock is up (work finishing under it: a claim, a search), nothing
    # opens: the person did not see it asked for, and would find it on unlocking.
    def start_decision(self, draft_id: int | None = None, person_id: int | None = None) -> None:
        from sharetui.ui.screens.decision_flow import DecisionFlowScreen

        self._open(DecisionFlowScreen(draft_id=draft_id, person_id=person_id))

    def open_decision(self, decision_id: int) -> None:
        from sharetui.ui.screens.decision_view import DecisionScreen

        self._open(DecisionScreen(decision_id))

    def open_search(self) -> None:
        from sharetui.ui.screens.search import PersonSearchScreen

        self._open(PersonSearchScreen())

    def open_person(self, person_id: int) -> None:
        """The record is read first and the screen shown once it is (or after
        PERSON_READ_WAIT, still loading): keys typed meanwhile wait for it (the nav group)."""
        from sharetui.ui.screens.person import PersonScreen

        if self.actor is None or self.lock_is_up:
            return
        screen = PersonScreen(person_id)
        read = screen.read_ahead()

        async def show_when_read() -> None:
            await asyncio.wait({read}, timeout=PERSON_READ_WAIT)
            self._open(screen)

        self.run_worker(show_when_read(), group="nav", exit_on_error=False)

    def open_queue(self) -> None:
        from sharetui.ui.screens.advice_queue import AdviceQueueScreen

        self._open(AdviceQueueScreen())

    def open_advice(self, advice_id: int) -> None:
        from sharetui.ui.screens.advice_item import AdviceItemScreen

        self._open(AdviceItemScreen(advice_id))

    def open_accounts(self) -> None:
        from sharetui.ui.screens.accounts import AccountsScreen

        self._open(AccountsScreen())

    def open_my_account(self) -> None:
        from sharetui.ui.screens.my_account import MyAccountScreen

        self._open(MyAccountScreen())

    def open_reports(self) -> None:
        from sharetui.ui.screens.reports import ReportsScreen

        self._open(ReportsScreen())

    def open_subject_access(self, sar_id: int | None = None) -> None:
        from sharetui.ui.screens.sar import SubjectAccessScreen

        self._open(SubjectAccessScreen(select=sar_id))

    def open_retention(self) -> None:
        from sharetui.ui.screens.retention import RetentionScreen

        self._open(RetentionScreen())

    def _open(self, screen: Screen[Any]) -> None:
        if self.actor is None or self.lock_is_up:
            return
        self.push_screen(screen)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A failed worker becomes a message on screen; typed work stays where it was."""
        if event.state is not WorkerState.ERROR:
            return
        self.say_failed(event.worker.error, over_lock=True)


def run_app(
    settings: Settings,
    demo_accounts: list[tuple[str, str, str]] | None = None,
    high_contrast: bool = False,
    create: bool = False,
) -> int:
    """Entry point used by the command line; the exit status (non-zero after a crash)."""
    app = ShareApp(
        settings, demo_accounts=demo_accounts, high_contrast=high_contrast, create=create
    )
    app.run()
    return app.return_code or 0
