"""The app frame for shared workstations: sign-in, idle lock, switch user, kiosk hardening.

The database layer is imported in a worker after the first screen is up (importing SQLModel
costs more than all of Textual), so a person can start typing their username at once.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import events
from textual.app import App, SystemCommand
from textual.await_complete import AwaitComplete
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.theme import Theme
from textual.widgets import Input
from textual.worker import Worker, WorkerState

from sharetui.config import Settings
from sharetui.crash import plain_message, write_report
from sharetui.domain.clock import Clock
from sharetui.domain.permissions import Permission, allowed
from sharetui.ui import hangup
from sharetui.ui.forms.saving import SingleFlight
from sharetui.ui.screens.base import FAILED_TITLE, KioskMixin, own_actions
from sharetui.ui.screens.dialogs import ConfirmDialog, HelpScreen, MessageDialog
from sharetui.ui.screens.lock import LockScreen
from sharetui.ui.screens.signin import FirstRunScreen, SignInScreen
from sharetui.ui.typeahead import TypeAhead

if TYPE_CHECKING:
    from sharetui.services.facade import Services
    from sharetui.services.signin import SignInStep
    from sharetui.services.store import Actor

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
# How often an open session reads its own account: a disabled account locks, and a new role
# shows, within this plus one read (the promise is 5 seconds).
ACCOUNT_CHECK_SECONDS = 2.0
ERROR_NOTIFICATION_TIMEOUT = 8  # seconds: an error is read to the end before it goes
CRASH_EXIT_CODE = 70  # EX_SOFTWARE: stopped on an internal error (1 is a refused command)

# What may show above the lock: help, and the lock's own questions and messages (a dialog
# made with over_lock=True; any other waits for the unlock: see ShareApp.push_screen).
SHOWN_OVER_LOCK = (LockScreen, HelpScreen, ConfirmDialog, MessageDialog)

# App workers that change the screens (sign-in, sign-out, switch user): keys typed meanwhile
# wait for the screen they lead to.
NAV_WORKER_GROUPS = frozenset({"nav", "switch"})

# Textual actions a kiosk keeps at app level; everything else must be sharetui's own.
APP_ACTIONS = frozenset({"focus_next", "focus_previous", "command_palette"})


class ShareApp(App[None], inherit_bindings=False):
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
        self._last_input = time.monotonic()
        self._high_contrast = high_contrast
        self._popping_lock = False
        self._closed_under_lock = 0
        self._opened_under_lock: list[tuple[Screen[Any], Any]] = []
        self.typeahead = TypeAhead(
            self,
            wait_groups=NAV_WORKER_GROUPS,
            immediate_keys={b.key for b in self.BINDINGS if b.action == "lock"},  # type: ignore[union-attr]
        )
        self._crashed = False
        self._leaving = SingleFlight(self, group="switch")  # switch user / sign out, once
        self._notes_under_lock: list[dict[str, Any]] = []
        self.crash_report: Path | None = None
        self.crash_drafts: tuple[int, int] = (0, 0)
        self._account_check_running = False
        self.account_checks = 0
        self._recovery_left: int | None = None

    # -- start-up -------------------------------------------------------------------------
    def on_mount(self) -> None:
        self.register_theme(HIGH_CONTRAST)
        if self._high_contrast:
            self.theme = HIGH_CONTRAST.name
        self.push_screen(SignInScreen(self.demo_accounts))
        hangup.install(self)  # a dropped connection keeps typed work as drafts (ui/hangup.py)
        # Open the database once the sign-in screen is up: importing the store (SQLModel,
        # SQLAlchemy, Alembic: ~0.6 s) in a thread would otherwise compete with building the
        # first screen for the interpreter lock. Nobody types a username in 0.3 s, and
        # signing in waits for the store anyway.
        self.set_timer(STORE_OPEN_DELAY, self._start_services)
        interval = min(1.0, max(self.settings.idle_lock_seconds / 4, 0.05))
        self.set_interval(interval, self._check_idle)
        self.set_interval(ACCOUNT_CHECK_SECONDS, self._check_account)

    def _start_services(self) -> None:
        self.run_worker(self._open_services, thread=True, group="startup", exit_on_error=False)

    def _open_services(self) -> None:
        try:
            if self.services is None:
                from sharetui.services.facade import Services

                self.services = Services.open(self.settings, create=self.create)
            count = self.services.users.count()
        except Exception as exc:  # noqa: BLE001 - reported on screen, never a traceback
            from sharetui.services.failures import describe

            self.startup_error = describe(exc, on_screen=False)
            self.call_from_thread(self._startup_failed)
            return
        self.call_from_thread(self._startup_done, count)

    def _startup_done(self, user_count: int) -> None:
        self._services_ready.set()
        if user_count == 0:
            self.switch_screen(FirstRunScreen())

    def _startup_failed(self) -> None:
        self.push_screen(MessageDialog("The database could not be opened", self.startup_error))

    async def wait_services(self) -> Services:
        """Wait until the database is open (usually long before anyone finishes typing)."""
        if self.startup_error:
            from sharetui.domain.errors import StoreUnavailable

            raise StoreUnavailable(self.startup_error)
        await self._services_ready.wait()
        assert self.services is not None
        return self.services

    # -- kiosk ----------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "command_palette" and self.lock_is_up:
            return False  # its commands would open screens above the lock
        return action in APP_ACTIONS or action in own_actions(self)

    def action_command_palette(self) -> None:
        """Open the palette unless one is already on the stack. Textual checks only the
        screen on top, so a palette under help or a question (Ctrl+P, F1, Ctrl+P) was
        opened a second time with the same id and the app crashed on DuplicateIds."""
        from textual.command import CommandPalette

        if any(isinstance(s, CommandPalette) for s in self.screen_stack):
            return
        super().action_command_palette()

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Only the app's own commands in the palette; none that opens a record while locked."""
        yield SystemCommand("Help: the seven golden rules", "Show guidance", self.action_help)
        if self.lock_is_up:
            return
        if self.actor is None:
            yield SystemCommand("Quit", "Close sharetui", self.action_sign_out)
            return
        yield SystemCommand("Lock now", "Lock this terminal", self.action_lock)
        yield SystemCommand("Sign out", "Save drafts and sign out", self.action_sign_out)
        yield SystemCommand(
            "High contrast", "Toggle the high-contrast theme", self.action_toggle_contrast
        )
        role = self.actor.role
        if allowed(role, Permission.WORK_WITH_PEOPLE):
            yield SystemCommand("Find a person", "Search people", self.open_search)
            yield SystemCommand("New decision", "Log a sharing decision", self.start_decision)
        if allowed(role, Permission.ADVISE):
            yield SystemCommand("Advice queue", "Open the advice queue", self.open_queue)
        if allowed(role, Permission.OVERSEE):
            yield SystemCommand("Reports", "Decisions and advice reports", self.open_reports)
        if allowed(role, Permission.ADMINISTER):
            yield SystemCommand("Accounts", "Add and change accounts", self.open_accounts)
        yield SystemCommand(
            "My account", "Change your passphrase or second factor", self.open_my_account
        )

    async def on_event(self, event: events.Event) -> None:
        if isinstance(
            event,
            (
                events.Key,
                events.MouseDown,
                events.MouseScrollDown,
                events.MouseScrollUp,
                events.Click,
            ),
        ):
            self._last_input = time.monotonic()
        if self.typeahead.take(event):
            return  # typed ahead of the screen: replayed in order when it is ready
        await super().on_event(event)

    def _check_idle(self) -> None:
        idle = time.monotonic() - self._last_input
        if idle < self.settings.idle_lock_seconds:
            return
        if self.actor is not None:
            self.action_lock()
            return
        # A sign-in left half-way (a code, a passphrase of one's own, a second factor to set
        # up) holds the passphrase's work: left as long as a session would stay unlocked, it
        # starts again, or whoever came next could finish it as that person.
        steps = [getattr(s, "step", None) for s in self.screen_stack]  # help may be above
        ticket = next((t for t in (getattr(s, "ticket", "") for s in steps) if t), "")
        if ticket and not self._leaving.in_flight:
            self._last_input = time.monotonic()
            self.abandon_sign_in(ticket)

    # -- notifications --------------------------------------------------------------------
    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Nothing shows above the lock but the lock: a notification raised while it is up
        (a save finishing under it, a new urgent request) waits until the same user
        unlocks, and is dropped if someone else signs in."""
        if timeout is None and severity == "error":
            timeout = ERROR_NOTIFICATION_TIMEOUT
        if self.lock_is_up:
            self._notes_under_lock.append(
                {
                    "message": message,
                    "title": title,
                    "severity": severity,
                    "timeout": timeout,
                    "markup": markup,
                }
            )
            return
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def get_key_display(self, binding: Binding) -> str:
        """The same key names as the footer: "F1", "Ctrl+L", "Esc"."""
        from sharetui.ui.widgets.keybar import key_name

        return binding.key_display or key_name(binding.key.split(",")[0])

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

    @property
    def is_locked(self) -> bool:
        return isinstance(self.screen, LockScreen)

    @property
    def lock_is_up(self) -> bool:
        """A lock screen is on the stack, perhaps under help or a message: still locked."""
        return any(isinstance(s, LockScreen) for s in self.screen_stack)

    def action_lock(self) -> None:
        if self.actor is None or self.lock_is_up:
            return
        self.typeahead.drop_held()  # typed for the screen being hidden: never replayed
        self.clear_clipboard()
        self.push_screen(LockScreen(self.actor.display_name))

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

    # -- sign-in, lock, switch ------------------------------------------------------------
    async def sign_in(self, username: str, passphrase: str) -> None:
        """Check the pair (raises SignInFailed), then the next step of the sign-in or home, in
        an app-level worker: the sign-in screen's own worker must not await its removal."""
        services = await self.wait_services()
        step = await asyncio.to_thread(
            services.users.begin, username, passphrase, self.settings.terminal
        )
        self.follow_sign_in(step)

    def follow_sign_in(self, step: SignInStep) -> None:
        """Show the step a sign-in needs next (a code, a passphrase of one's own, setting up
        a second factor), or, when it is done, the recovery codes (once) and home."""
        from sharetui.ui.screens import signin_steps as steps

        if step.actor is None:
            screen: Screen[Any]
            if step.needs == "code":
                from sharetui.demo import demo_code

                shown = demo_code(step.username) if self.demo_accounts else ""
                screen = steps.SecondFactorScreen(step, shown)
            elif step.needs == "new_passphrase":
                screen = steps.ChoosePassphraseScreen(step)
            else:
                screen = steps.EnrolScreen(step)
            self.run_worker(self._reset_to(screen), group="nav", exit_on_error=False)
            return
        self.actor = step.actor
        self._last_input = time.monotonic()
        self._recovery_left = step.recovery_left
        if step.recovery_codes:
            self.run_worker(
                self._reset_to(steps.RecoveryCodesScreen(step.recovery_codes)),
                group="nav",
                exit_on_error=False,
            )
            return
        self.run_worker(self.enter_home(), group="nav", exit_on_error=False)

    def abandon_sign_in(self, ticket: str) -> None:
        """Esc half-way through signing in: the ticket is dropped, back to the start."""
        if self.services is not None and ticket:
            self.services.users.forget(ticket)
        self.run_worker(
            self._reset_to(SignInScreen(self.demo_accounts)), group="nav", exit_on_error=False
        )

    async def enter_home(self) -> None:
        from sharetui.ui.screens.home import HomeScreen

        assert self.services is not None and self.actor is not None
        home = HomeScreen()
        await self._reset_to(home)  # first: a lock that comes meanwhile must stay on top
        words = []
        left, self._recovery_left = self._recovery_left, None
        if left is not None:
            words.append(
                f"You signed in with a recovery code: {left} left. If your phone is lost, ask "
                "an administrator to reset your second factor."
            )
        drafts = await asyncio.to_thread(self.services.drafts.mine, self.actor)
        if drafts:
            words.append(
                f"Welcome back: you have {len(drafts)} unfinished draft(s) under My drafts. "
                "The first is selected: press Enter to carry on with it."
            )
        if words and home.is_attached:
            home.show_welcome("\n".join(words))

    async def create_first_admin(self, username: str, display_name: str, passphrase: str) -> None:
        services = await self.wait_services()
        await asyncio.to_thread(
            services.users.create_first_admin,
            username,
            display_name,
            passphrase,
            self.settings.terminal,
        )
        self.run_worker(
            self._reset_to(SignInScreen(message="Administrator created: sign in")),
            group="nav",
            exit_on_error=False,
        )

    async def unlock(self, passphrase: str) -> str | None:
        """Returns an error message, or None when unlocked."""
        if self.actor is None or self.services is None:
            return "Nobody is signed in"
        from sharetui.domain.errors import SignInFailed

        try:
            await asyncio.to_thread(self.services.users.check_unlock, self.actor, passphrase)
        except SignInFailed as exc:
            return exc.message
        self._last_input = time.monotonic()
        if self.is_locked:
            self._pop_lock()
        return None

    # -- the account as it is now ----------------------------------------------------------
    def _check_account(self) -> None:
        """Every few seconds while someone is signed in: is the account still active, with
        the same role? (The services refuse a stale account at once; this shows it.)"""
        if self.actor is None or self.services is None or self._account_check_running:
            return
        self._account_check_running = True
        self.account_checks += 1  # counted, so a test can say "the next check showed it"
        self.run_worker(self._account_check(self.actor), group="account", exit_on_error=False)

    async def _account_check(self, actor: Actor) -> None:
        from sharetui.domain.errors import ShareError

        assert self.services is not None
        try:
            state = await asyncio.to_thread(self.services.users.state, actor)
        except ShareError:
            return  # the database is busy or gone: the next check tries again
        finally:
            self._account_check_running = False
        if self.actor is not actor:
            return  # signed out or changed meanwhile
        if state.actor is None:
            self._account_revoked()
        elif state.actor != actor:
            await self._account_changed(state.actor, state.needs_factor)

    def _account_revoked(self) -> None:
        """Disabled by an administrator: the screen is locked at once and stays locked (the
        unlock refuses a disabled account); Switch user keeps typed work as drafts."""
        from sharetui.services.store import REVOKED

        if self.actor is None:
            return
        self.typeahead.drop_held()
        self.clear_clipboard()
        for screen in self.screen_stack:
            if isinstance(screen, LockScreen):
                screen.say_revoked(REVOKED)
                return
        self.push_screen(LockScreen(self.actor.display_name, revoked=REVOKED))

    async def _account_changed(self, actor: Actor, needs_factor: bool = False) -> None:
        """A new role or new advice roles: typed work is kept as drafts, then the home of
        the new role shows, with a line saying what changed. A role that needs a second
        factor the account has not set up signs it out, to set one up at sign-in."""

        if self.lock_is_up:
            return  # applied by the first check after the unlock
        try:
            await self.save_all_drafts()
        except Exception:  # noqa: BLE001 - the drafts stay on screen; home waits a check
            return
        if needs_factor:
            self.actor = None
            await self._reset_to(
                SignInScreen(
                    self.demo_accounts,
                    message="An administrator changed your role, which signs in with a second "
                    "factor: sign in again to set it up. Unfinished forms are under My drafts.",
                )
            )
            return
        self.actor = actor
        await self.enter_home()
        role = actor.role.label.lower()
        self.notify(
            f"An administrator changed your role: you are now signed in as {role}. "
            "Unfinished forms were kept under My drafts.",
            title="Your role changed",
            severity="warning",
            markup=False,
        )

    def pop_screen(self) -> AwaitComplete:
        """Keep the lock on top. A screen under it that closes itself (its save finished
        after Ctrl+L, say) would pop the lock instead: it is closed when the user unlocks."""
        if isinstance(self.screen, LockScreen) and not self._popping_lock:
            self._closed_under_lock += 1
            return AwaitComplete.nothing()
        return super().pop_screen()

    def push_screen(
        self,
        screen: Screen[Any] | str,
        callback: Any = None,
        wait_for_dismiss: bool = False,
        *,
        mode: str | None = None,
    ) -> Any:
        """While locked, only help and the lock's own questions and messages show above the
        lock; any other screen a worker opens meanwhile (a dialog, a record, a message from a
        screen under the lock, such as a one-time passphrase) waits for the unlock."""
        if (
            self.lock_is_up
            and isinstance(screen, Screen)
            and not _shown_over_lock(screen)
            and not wait_for_dismiss
        ):
            self._opened_under_lock.append((screen, callback))
            return AwaitComplete.nothing()
        # Passed on as received: Textual's overloads are keyed on a literal wait_for_dismiss.
        return super().push_screen(screen, callback, wait_for_dismiss, mode=mode)  # type: ignore[call-overload]

    def _pop_lock(self) -> None:
        """Unlocked: the lock goes, then the screens that closed themselves under it go,
        and those opened under it show."""
        self._popping_lock = True
        try:
            self.pop_screen()
            pending, self._closed_under_lock = self._closed_under_lock, 0
            for _ in range(pending):
                if len(self.screen_stack) > 2 and not isinstance(self.screen, LockScreen):
                    self.pop_screen()  # never home itself, nor another lock
        finally:
            self._popping_lock = False
        opened, self._opened_under_lock = self._opened_under_lock, []
        for screen, callback in opened:
            self.push_screen(screen, callback)
        notes, self._notes_under_lock = self._notes_under_lock, []
        for note in notes:
            self.notify(**note)

    async def save_all_drafts(self) -> None:
        """Save every unfinished form of the current user, durably, before anything changes.
        Raises if a save fails, so the caller keeps the screens (and the typed work)."""
        if self.actor is None or self.services is None:
            return
        for screen in list(self.screen_stack):
            if not isinstance(screen, KioskMixin):
                continue
            snap = screen.draft_snapshot()
            if snap is None:
                continue
            saved = await asyncio.to_thread(
                self.services.drafts.save,
                self.actor,
                kind=snap.kind,
                payload=snap.payload,
                page=snap.page,
                title=snap.title,
                draft_id=snap.draft_id,
            )
            on_saved = getattr(screen, "draft_saved", None)
            if callable(on_saved):
                on_saved(saved.id)

    def leave(self) -> None:
        """Switch user: the drafts are saved once however often the key is pressed (an
        app-level worker, since the screen that asked is cleared on the way)."""
        self._leaving.run(self.switch_user)

    async def switch_user(self) -> None:
        try:
            await self.save_all_drafts()
        except Exception as exc:  # noqa: BLE001 - typed work stays on screen
            self.push_screen(
                MessageDialog(
                    "Your drafts could not be saved",
                    _describe(exc) + "\nNothing was cleared.",
                    over_lock=True,
                )
            )
            return
        self.actor = None
        self.clear_clipboard()
        await self._reset_to(SignInScreen(self.demo_accounts))

    def action_sign_out(self) -> None:
        question = (
            "Sign out? Unfinished forms are kept as drafts." if self.actor else "Quit sharetui?"
        )

        def done(answer: bool | None) -> None:
            if answer:
                self._leaving.run(self._sign_out_or_quit)

        self.push_screen(ConfirmDialog(question, over_lock=True), done)

    async def _sign_out_or_quit(self) -> None:
        if self.actor is None:
            self.exit()
            return
        await self.switch_user()

    async def _reset_to(self, screen: Screen[Any]) -> None:
        """Clear every screen (and what they show), then show one."""
        self.clear_clipboard()
        self._popping_lock, self._closed_under_lock = True, 0
        self._opened_under_lock = []  # opened for the user who is leaving: never shown
        self._notes_under_lock = []
        try:
            while len(self.screen_stack) > 2:
                await self.pop_screen()
        finally:
            self._popping_lock = False
        if len(self.screen_stack) == 2:
            await self.switch_screen(screen)
        else:
            await self.push_screen(screen)
        self.clear_notifications()

    # -- navigation to the other screens --------------------------------------------------
    # A screen pushed while the lock is up would show above it; work that finishes under the
    # lock (a claim, a search) must not open anything until the user unlocks.
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
        from sharetui.ui.screens.person import PersonScreen

        self._open(PersonScreen(person_id))

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

    # -- errors ---------------------------------------------------------------------------
    def _handle_exception(self, error: Exception) -> None:
        """The last line of defence for an exception nothing else caught. Textual would
        print a traceback with local variables (a name, a passphrase) and exit; instead every
        open form is saved as a draft, a report without local values goes to a file only the
        kiosk account can read, and the terminal gets a plain message and a non-zero exit."""
        self._return_code = CRASH_EXIT_CODE
        if self._exception is None:  # run_test re-raises it, so a test sees the fault
            self._exception = error
            self._exception_event.set()
        if self._crashed:
            return
        self._crashed = True
        drafts = self._save_drafts_after_crash()
        report: Path | None = None
        try:
            report = write_report(
                error,
                self.settings.crash_path,
                context=[
                    f"screens: {' > '.join(type(s).__name__ for s in self.screen_stack)}",
                    f"drafts: {drafts}",
                ],
            )
        except OSError:
            report = None
        self.crash_report = report
        self._exit_renderables.append(Text(plain_message(report, drafts)))
        self._close_messages_no_wait()

    def _fatal_error(self) -> None:
        """Never Textual's traceback with local variables: see _handle_exception."""
        self._close_messages_no_wait()

    def _save_drafts_after_crash(self) -> str:
        """Save every open form now, on this thread: the app is about to stop. One form
        that cannot be read or saved does not stop the others."""
        if self.actor is None or self.services is None:
            return "Nobody was signed in: nothing to save."
        saved = failed = 0
        for screen in list(self.screen_stack):
            if not isinstance(screen, KioskMixin):
                continue
            try:
                snap = screen.draft_snapshot()
                if snap is None:
                    continue
                self.services.drafts.save(
                    self.actor,
                    kind=snap.kind,
                    payload=snap.payload,
                    page=snap.page,
                    title=snap.title,
                    draft_id=snap.draft_id,
                )
                saved += 1
            except Exception:  # noqa: BLE001 - counted and said; the others still save
                failed += 1
        self.crash_drafts = (saved, failed)
        if failed:
            return f"{saved} unfinished form(s) saved as drafts; {failed} could not be saved."
        if saved:
            return f"Your unfinished form(s) ({saved}) were saved as drafts: see My drafts."
        return "There was no unfinished form to save."

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A failed worker becomes a message on screen; typed work stays where it was."""
        if event.state is not WorkerState.ERROR:
            return
        self.push_screen(MessageDialog(FAILED_TITLE, _describe(event.worker.error), over_lock=True))


def _shown_over_lock(screen: Screen[Any]) -> bool:
    """The lock, help, or a question or message the app or the lock asks (over_lock=True)."""
    if isinstance(screen, (LockScreen, HelpScreen)):
        return True
    return isinstance(screen, SHOWN_OVER_LOCK) and bool(getattr(screen, "over_lock", False))


def _describe(exc: BaseException | None) -> str:
    """Words for a failure on screen: the same causes as the command line, and that what
    was typed is still there."""
    from sharetui.services.failures import describe

    return describe(exc, on_screen=True)


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
