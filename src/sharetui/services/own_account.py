"""What a signed-in person does with their own account: unlock their own screen, change their
passphrase, and set up a second factor where their role does not require one (a practitioner
at a site that leaves it optional may still want one).

Each asks for the current passphrase again: a colleague at a terminal left unlocked must not
be able to take the account over. A wrong passphrase here counts like a failed sign-in (the
same waits, the same audit), so this is no side door for guessing.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlmodel import Session, select

from sharetui.domain.errors import SignInFailed, ValidationFailed
from sharetui.domain.passphrase import passphrase_problem
from sharetui.services import second_factor as factor
from sharetui.services.audit import append
from sharetui.services.signin import (
    ALREADY_ENROLLED,
    DISABLED,
    HASHER,
    TICKET_SECONDS,
    SignIn,
    Ticket,
    clear_throttle,
    factor_required,
    name_hash,
    passphrase_matches,
    record_failure,
    seconds_to_wait,
    wait_words,
)
from sharetui.services.unit_of_work import Actor
from sharetui.store.models import User, split_advice_roles
from sharetui.store.types import utcnow

WRONG_PASSPHRASE = "That passphrase is not right for this account"


@dataclass(frozen=True)
class OwnAccount:
    """The signed-in person's account as they see it on My account."""

    username: str
    display_name: str
    role: str
    advice_roles: tuple[str, ...]
    has_factor: bool
    factor_required: bool
    recovery_codes_left: int


@dataclass(frozen=True)
class OwnEnrolment:
    """A second factor being set up from My account: the ticket that carries the secret to
    the first code, and the secret (as text and as a URI for the QR code)."""

    ticket: str
    enrolment: factor.Enrolment


class OwnAccountSteps(SignIn):
    """Mixed into Users (services/users.py)."""

    def own_account(self, actor: Actor) -> OwnAccount:
        """One primary-key read of the person's own account (nobody else's: no audit)."""

        def work(s: Session) -> OwnAccount:
            u = s.get(User, actor.user_id)
            if u is None or not u.active:
                raise SignInFailed(DISABLED)
            return OwnAccount(
                u.username,
                u.display_name,
                u.role,
                split_advice_roles(u.advice_roles),
                bool(u.totp_secret),
                factor_required(u.role, self.store.settings.practitioner_second_factor),
                factor.recovery_left(u.recovery_codes) if u.totp_secret else 0,
            )

        return self.store.read(work)

    def _check_passphrase(self, actor: Actor, passphrase: str, failed: str) -> None:
        """The person's current passphrase, throttled and audited like a sign-in; raises
        SignInFailed with the words (and the wait, after repeated failures)."""
        key = name_hash(actor.username, self._factor_key)
        term = actor.terminal[:100]
        wait = self.store.read(lambda s: seconds_to_wait(s, key, term, utcnow()))
        if wait:
            raise SignInFailed(wait_words(wait))

        def load(s: Session) -> tuple[str, bool] | None:
            row = s.execute(
                select(User.passphrase_hash, User.active).where(User.id == actor.user_id)
            ).first()
            return None if row is None else (row[0], row[1])

        row = self.store.read(load)
        good = passphrase_matches(row[0] if row else None, passphrase)
        if row is None or not row[1]:
            raise SignInFailed(DISABLED)
        if not good:

            def fail(s: Session) -> int:
                wait = record_failure(s, key, term)
                append(s, None, failed, "user", actor.user_id, "",
                       username=actor.username, terminal=term)  # fmt: skip
                return wait

            wait = self.store.write(fail)
            raise SignInFailed(WRONG_PASSPHRASE + (f". {wait_words(wait)}" if wait else ""))

    # -- the lock screen ---------------------------------------------------------------------
    def check_unlock(self, actor: Actor, passphrase: str) -> None:
        """The signed-in user unlocks their own screen with their passphrase (the second
        factor was given at sign-in). Failures are throttled like sign-in failures; an
        account disabled meanwhile does not unlock. Raises SignInFailed with the words."""
        self._check_passphrase(actor, passphrase, "unlock.failed")
        key = name_hash(actor.username, self._factor_key)

        def ok(s: Session) -> None:
            clear_throttle(s, key, actor.terminal[:100])
            append(s, actor, "unlock", "user", actor.user_id, "")

        self.store.write(ok)

    # -- My account --------------------------------------------------------------------------
    def _current(self, actor: Actor, passphrase: str) -> None:
        """The current passphrase on a My account form: its problems belong to its field."""
        if not passphrase:
            raise ValidationFailed({"current": "Enter your current passphrase"})
        try:
            self._check_passphrase(actor, passphrase, "account.passphrase_failed")
        except SignInFailed as exc:
            raise ValidationFailed({"current": exc.message}) from None

    def change_own_passphrase(
        self, actor: Actor, current: str, passphrase: str, confirm: str
    ) -> None:
        """A new passphrase of the person's own choosing, after the current one."""
        problem = passphrase_problem(
            passphrase, username=actor.username, display_name=actor.display_name
        )
        errors = {"passphrase": problem} if problem else {}
        if not problem and passphrase != confirm:
            errors["confirm"] = "Type the same passphrase again"
        if not current:
            errors["current"] = "Enter your current passphrase"
        if errors:
            raise ValidationFailed(errors)
        self._current(actor, current)
        if passphrase == current:
            raise ValidationFailed({"passphrase": "Choose a passphrase you have not used here"})
        digest = HASHER.hash(passphrase)
        key = name_hash(actor.username, self._factor_key)

        def work(s: Session) -> None:
            u = s.get(User, actor.user_id, with_for_update=True)
            if u is None or not u.active:
                raise SignInFailed(DISABLED)
            u.passphrase_hash = digest
            u.must_change_passphrase = False
            s.add(u)
            clear_throttle(s, key, actor.terminal[:100])
            append(s, actor, "user.change_passphrase", "user", u.id, "by its owner")

        self.store.write(work, actor)

    def start_own_enrolment(self, actor: Actor, passphrase: str) -> OwnEnrolment:
        """After the current passphrase: a new secret to scan, held (not stored) until the
        first code from the app matches it."""
        self._current(actor, passphrase)
        if self.own_account(actor).has_factor:
            raise ValidationFailed({"current": ALREADY_ENROLLED})
        t = Ticket(
            actor.user_id,
            actor.username,
            actor.terminal[:100],
            time.monotonic() + TICKET_SECONDS,
            needs="own_enrol",  # never a step of a sign-in
            pending_secret=factor.new_secret(),
        )
        return OwnEnrolment(self._keep(t), factor.enrolment(t.pending_secret, t.username))

    def finish_own_enrolment(self, actor: Actor, ticket_id: str, code: str) -> tuple[str, ...]:
        """The first code from the app: the factor is kept; the recovery codes are returned
        to be shown once. From the next sign-in on, the code is asked for."""
        t = self._ticket(ticket_id, "own_enrol")
        if t.user_id != actor.user_id:
            raise SignInFailed(DISABLED)  # another person's ticket: never theirs to finish
        codes = self._enrol(t, code.strip(), "by its owner", actor)
        self.forget_ticket(t)
        return tuple(codes)
