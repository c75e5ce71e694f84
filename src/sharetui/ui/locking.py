"""The idle and explicit lock, in a screen mode of its own.

Why a mode: the lock must hide everything of the person's work and leave it exactly as it
was (an open dialog, the typed text, the focus) for the same user's unlock. Textual keeps a
separate screen stack per mode (``App.switch_mode``), so the lock is the base of a "lock"
mode and the work stays untouched in the default mode underneath; unlocking switches back
and drops the lock's stack; switching user clears the work stack while the lock still hides
it.

What Textual does not decide for us: ``push_screen`` and ``pop_screen`` (and so
``Screen.dismiss``) act on the *current* mode. Work under the lock keeps running (a save
finishing, a record loading), and what it opens or closes must land on the work stack, never
above the lock: only the lock's own screens (``SHOWN_OVER_LOCK``) go on the lock's stack. So
push and pop are routed to the right stack; nothing is queued or replayed, and a screen
closing itself under the lock is gone at once, its callback run with its own result.

The time of the last key or click (``App.on_event`` sees every event first; the idle check
in session.py reads it) and the notifications raised while locked (held until the same user
unlocks) live here too.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from textual import events
from textual.app import ScreenStackError
from textual.await_complete import AwaitComplete
from textual.notifications import SeverityLevel
from textual.screen import Screen

from sharetui.domain.errors import SignInFailed
from sharetui.ui.frame import Frame
from sharetui.ui.screens.base import DISMISSING
from sharetui.ui.screens.dialogs import ConfirmDialog, HelpScreen, MessageDialog
from sharetui.ui.screens.lock import LockScreen

WORK_MODE = "work"  # sign-in and the person's work: the stack every screen is on
LOCK_MODE = "lock"  # the lock, with help and its own questions above it

# What may show above the lock: help, and the lock's own questions and messages (a dialog
# made with over_lock=True; any other goes onto the work stack, shown after the unlock).
SHOWN_OVER_LOCK = (LockScreen, HelpScreen, ConfirmDialog, MessageDialog)

ERROR_NOTIFICATION_TIMEOUT = 8  # seconds: an error is read to the end before it goes
INPUT_EVENTS = (events.Key, events.MouseDown, events.MouseScrollDown, events.MouseScrollUp,
                events.Click)  # fmt: skip


def shown_over_lock(screen: Screen[Any] | str) -> bool:
    """The lock, help, or a question or message the app or the lock asks (over_lock=True)."""
    if isinstance(screen, (LockScreen, HelpScreen)):
        return True
    return isinstance(screen, SHOWN_OVER_LOCK) and bool(getattr(screen, "over_lock", False))


class LockModes(Frame):
    """The lock's mode, where a screen goes while it is up, the time of the last key or
    click (for the idle check in session.py), and the notifications held while locked."""

    # The work is a mode of its own, not Textual's unnamed default, since switch_mode goes
    # back only to a mode in MODES. Its base is Textual's blank default screen (the id the
    # type-ahead gate knows as "nothing to type into yet").
    DEFAULT_MODE = WORK_MODE
    MODES = {WORK_MODE: lambda: Screen(id="_default")}

    def _init_lock(self) -> None:
        self._last_input = time.monotonic()
        self._notes_under_lock: list[dict[str, Any]] = []

    # -- where a screen goes --------------------------------------------------------------
    @property
    def lock_is_up(self) -> bool:
        """The lock's mode is showing, perhaps with help or its own question above it."""
        return self.current_mode == LOCK_MODE

    @property
    def is_locked(self) -> bool:
        """The lock screen itself is on top (nothing above it)."""
        return isinstance(self.screen, LockScreen)

    @property
    def work_stack(self) -> list[Screen[Any]]:
        """The screens of sign-in and of the person's work, bottom first, locked or not."""
        return self.get_screen_stack(WORK_MODE)

    def push_screen(
        self,
        screen: Screen[Any] | str,
        callback: Any = None,
        wait_for_dismiss: bool = False,
        *,
        mode: str | None = None,
    ) -> Any:
        """While locked, only the lock's own screens go above the lock; any other (a dialog
        a worker under the lock opens, a record, a one-time passphrase) goes onto the work
        stack, where the same user finds it after unlocking and a switch of user clears it."""
        if mode is None and self.lock_is_up and not shown_over_lock(screen):
            mode = WORK_MODE
        # Passed on as received: Textual's overloads are keyed on a literal wait_for_dismiss.
        return super().push_screen(screen, callback, wait_for_dismiss, mode=mode)  # type: ignore[call-overload]  # overloads want a literal wait_for_dismiss

    def pop_screen(self) -> AwaitComplete:
        """While locked, only the lock's own screen on top closing itself (help, its
        question) closes on the lock's stack; any other close (a screen of the work
        dismissing itself, a worker under the lock calling pop_screen) closes the top of the
        work stack, never the lock nor help above it."""
        if self.lock_is_up and DISMISSING.get() is not self.screen:
            return self._pop_work()
        return super().pop_screen()

    def _pop_work(self) -> AwaitComplete:
        """Pop the top of the work stack, whichever mode is showing."""
        if not self.lock_is_up:
            return super().pop_screen()
        stack = self._screen_stacks[WORK_MODE]  # Textual's own stacks: pop_screen has no mode
        if len(stack) <= 1:
            raise ScreenStackError("Can't pop screen; there must be at least one screen")
        closed = stack.pop()
        closed._pop_result_callback()
        return AwaitComplete(self._replace_screen(closed)).call_next(self)

    # -- lock and unlock ------------------------------------------------------------------
    def action_lock(self) -> None:
        if self.actor is None or self.lock_is_up:
            return
        self.typeahead.drop_held()  # typed for the screen being hidden: never replayed
        self.clear_clipboard()
        self.raise_lock(LockScreen(self.actor.display_name))

    async def unlock(self, passphrase: str) -> str | None:
        """Returns an error message, or None when unlocked."""
        if self.actor is None or self.services is None:
            return "Nobody is signed in"
        try:
            await asyncio.to_thread(self.services.users.check_unlock, self.actor, passphrase)
        except SignInFailed as exc:
            return exc.message
        self._last_input = time.monotonic()
        if self.is_locked:
            self.lower_lock()
        return None

    def _account_revoked(self) -> None:
        """Disabled by an administrator: the screen is locked at once and stays locked (the
        unlock refuses a disabled account); Switch user keeps typed work as drafts."""
        from sharetui.services.unit_of_work import REVOKED

        if self.actor is None:
            return
        self.typeahead.drop_held()
        self.clear_clipboard()
        lock = self.the_lock()
        if lock is not None:
            lock.say_revoked(REVOKED)
        else:
            self.raise_lock(LockScreen(self.actor.display_name, revoked=REVOKED))

    def raise_lock(self, lock: LockScreen) -> None:
        """Show the lock in its own mode; the work stays as it is underneath."""
        self.add_mode(LOCK_MODE, lambda: lock)
        self.switch_mode(LOCK_MODE)

    def lower_lock(self) -> AwaitComplete:
        """Back to the work as it was left; the lock's stack goes. Notifications raised while
        it was up are shown now (a switch of user drops them first)."""
        self.switch_mode(WORK_MODE)
        removed = self.remove_mode(LOCK_MODE)
        notes, self._notes_under_lock = self._notes_under_lock, []
        for note in notes:
            self.notify(**note)
        return removed

    def the_lock(self) -> LockScreen | None:
        """The lock screen, when the lock is up."""
        if LOCK_MODE not in self._screen_stacks:
            return None
        return next(
            (s for s in self.get_screen_stack(LOCK_MODE) if isinstance(s, LockScreen)), None
        )

    # -- every key and click ---------------------------------------------------------------
    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, INPUT_EVENTS):
            self._last_input = time.monotonic()
        if self.typeahead.take(event):
            return  # typed ahead of the screen: replayed in order when it is ready
        await super().on_event(event)

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
            note = {"message": message, "title": title, "severity": severity}
            self._notes_under_lock.append({**note, "timeout": timeout, "markup": markup})
            return
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)
