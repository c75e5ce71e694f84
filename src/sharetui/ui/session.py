"""Who is at the terminal: sign-in and its steps, the account as it is now, switch user and
sign out.

Kept apart from the app frame because it is one story, from the first passphrase to the
last draft saved on the way out, and it is where a person's work could leak to the next
person: every way out saves the drafts first and clears the work stack (even under the lock,
which is dropped once nobody is signed in to unlock it).

The services (and SQLModel behind them) are imported only when a sign-in needs them, after
the first screen is up (see app.py).
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Any

from textual.screen import Screen

from sharetui.domain.errors import ShareError
from sharetui.services.failures import describe
from sharetui.ui.locking import WORK_MODE, LockModes
from sharetui.ui.screens.base import KioskMixin
from sharetui.ui.screens.dialogs import ConfirmDialog, MessageDialog
from sharetui.ui.screens.signin import SignInScreen

if TYPE_CHECKING:
    from sharetui.services.signin import SignInStep
    from sharetui.services.unit_of_work import Actor

# How often an open session reads its own account: a disabled account locks, and a new role
# shows, within this plus one read (the promise is 5 seconds).
ACCOUNT_CHECK_SECONDS = 2.0


class SessionFlow(LockModes):
    """Sign-in, idle, account checks, switch user and sign out."""

    # -- sign-in ----------------------------------------------------------------------------
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
            self._navigate(self._reset_to(screen))
            return
        self.actor = step.actor
        self._last_input = time.monotonic()
        self._recovery_left = step.recovery_left
        if step.recovery_codes:
            self._navigate(self._reset_to(steps.RecoveryCodesScreen(step.recovery_codes)))
            return
        self._navigate(self.enter_home())

    def _navigate(self, work: Any) -> None:
        """Change the screens in an app-level worker ("nav": keys typed meanwhile wait)."""
        self.run_worker(work, group="nav", exit_on_error=False)

    def abandon_sign_in(self, ticket: str) -> None:
        """Esc half-way through signing in: the ticket is dropped, back to the start."""
        if self.services is not None and ticket:
            self.services.users.forget(ticket)
        self._navigate(self._reset_to(SignInScreen(self.demo_accounts)))

    async def enter_home(self) -> None:
        from sharetui.ui.screens.home import HomeScreen

        assert self.services is not None and self.actor is not None
        home = HomeScreen()
        await self._reset_to(home)  # a lock that comes meanwhile stays on top
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
        self._navigate(self._reset_to(SignInScreen(message="Administrator created: sign in")))

    def _check_idle(self) -> None:
        """Idle for the lock's time: locked, or a sign-in left half-way starts again."""
        idle = time.monotonic() - self._last_input
        if idle < self.settings.idle_lock_seconds:
            return
        if self.actor is not None:
            self.action_lock()
            return
        # A sign-in left half-way (a code, a passphrase of one's own, a second factor to set
        # up) holds the passphrase's work: left as long as a session would stay unlocked, it
        # starts again, or whoever came next could finish it as that person.
        steps = [getattr(s, "step", None) for s in self.work_stack]  # help may be above
        ticket = next((t for t in (getattr(s, "ticket", "") for s in steps) if t), "")
        if ticket and not self._leaving.in_flight:
            self._last_input = time.monotonic()
            self.abandon_sign_in(ticket)

    # -- the account as it is now ---------------------------------------------------------
    def _check_account(self) -> None:
        """Every few seconds while someone is signed in: is the account still active, with
        the same role? (The services refuse a stale account at once; this shows it.)"""
        if self.actor is None or self.services is None or self._account_check_running:
            return
        self._account_check_running = True
        self.account_checks += 1  # counted, so a test can say "the next check showed it"
        self.run_worker(self._account_check(self.actor), group="account", exit_on_error=False)

    async def _account_check(self, actor: Actor) -> None:
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

    # -- switch user and sign out ---------------------------------------------------------
    async def save_all_drafts(self) -> None:
        """Save every unfinished form of the current user, durably, before anything changes.
        Raises if a save fails, so the caller keeps the screens (and the typed work)."""
        if self.actor is None or self.services is None:
            return
        for screen in self.work_stack:
            if not isinstance(screen, KioskMixin):
                continue
            snap = screen.draft_snapshot()
            if snap is None:
                continue
            saved = await asyncio.to_thread(snap.save, self.services, self.actor)
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
                    describe(exc, on_screen=True) + "\nNothing was cleared.",
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
        """Clear every screen of the work (and what they show), then show one. Under the
        lock the work is cleared unseen; the lock goes only once nobody is signed in."""
        self.clear_clipboard()
        self._notes_under_lock = []  # raised for the user who is leaving: never shown
        with self.batch_update():
            while len(self.work_stack) > 1:  # down to Textual's blank default screen
                await self._pop_work()
            await self.push_screen(screen, mode=WORK_MODE)
            if self.lock_is_up and self.actor is None:
                await self.lower_lock()  # nobody is left to unlock it for
        self.clear_notifications()
