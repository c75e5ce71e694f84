"""Signing in, in steps: the passphrase, then (where there is one) the second factor, then a
new passphrase where the one given was for one use, then enrolment where the role needs a
second factor and the account has none. Only the last step gives an Actor.

What a guesser learns: nothing. A username that matches no account gets the same words,
the same hashing time and the same throttle as a known one, and is never stored as typed
(a keyed hash in the throttle table, "(unknown account)" in the audit trail). Failures slow
the next try at that terminal for that username, with waits that grow; they never lock an
account, so a stranger cannot keep a colleague out during an emergency (another terminal
still works, and an administrator clears the waits at once).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from sharetui.domain.enums import Role
from sharetui.domain.errors import SignInFailed, ValidationFailed
from sharetui.domain.passphrase import passphrase_problem
from sharetui.domain.text import clean_line
from sharetui.services import second_factor as factor
from sharetui.services.audit import append
from sharetui.services.unit_of_work import Actor, Store, UseCases
from sharetui.store.keys import factor_key
from sharetui.store.models import SignInThrottle, User, split_advice_roles
from sharetui.store.types import utcnow

# RFC 9106 second recommended option, scaled for a two-core terminal: argon2id, t=3, m=64 MiB,
# p=4. About 0.1 s a check here: slow for a guesser, unnoticeable at the desk.
HASHER = PasswordHasher(time_cost=3, memory_cost=65536, parallelism=4, hash_len=32, salt_len=16)
_DUMMY_HASH = HASHER.hash("sharetui timing equaliser passphrase")

WRONG_PAIR = "That username and passphrase do not match"
WRONG_CODE = (
    "That code is not right: enter the 6-digit code your authenticator app shows now, "
    "or one of your recovery codes"
)
CODE_NEEDED = "Enter the 6-digit code from your authenticator app"
DISABLED = "This account is disabled; ask an administrator"
EXPIRED = "Signing in took too long: start again with your username and passphrase"
OUT_OF_TURN = "That is not the next step of this sign-in: start again with your username"
ALREADY_ENROLLED = "Your second factor is already set up; an administrator can reset it"
UNKNOWN_ACCOUNT = "(unknown account)"
FREE_FAILURES = 4  # failures at one terminal before the waits start
FIRST_WAIT = 30  # seconds after the fifth failure, doubling with each one after
MAX_WAIT = 15 * 60
TICKET_SECONDS = 5 * 60


def wait_after(failures: int) -> int:
    """Seconds to wait before the next try after this many failures (0: none)."""
    if failures <= FREE_FAILURES:
        return 0
    return min(FIRST_WAIT * 2 ** (failures - FREE_FAILURES - 1), MAX_WAIT)


def wait_words(seconds: float) -> str:
    whole = max(1, int(seconds + 0.999))
    span = f"{whole} seconds" if whole < 120 else f"{(whole + 59) // 60} minutes"
    return (
        "Too many failed attempts with this username at this terminal: try again in "
        f"{span}, use another terminal, or ask an administrator to unlock it"
    )


def secret_bytes(passphrase: str) -> bytes:
    """The bytes hashed: UTF-8, and a broken character typed at sign-in is just wrong."""
    return passphrase.encode("utf-8", "surrogatepass")


def passphrase_matches(stored_hash: str | None, passphrase: str) -> bool:
    """Whether the passphrase is the one hashed, checked the same way at sign-in and when a
    signed-in person confirms theirs. Without an account (None) it is checked against a
    dummy hash, so an unknown name takes as long to refuse as a wrong passphrase."""
    stored = _DUMMY_HASH if stored_hash is None else stored_hash
    try:
        return HASHER.verify(stored, secret_bytes(passphrase))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def factor_required(role: str, practitioners_too: bool) -> bool:
    """Supervisors and administrators always; practitioners where the site says so."""
    return role != Role.PRACTITIONER.value or practitioners_too


@dataclass(frozen=True)
class SignInStep:
    """Where a sign-in has got to. needs: "" (done: actor is set), "code", "new_passphrase"
    or "enrol"; ticket carries the sign-in on to the next step (five minutes, this process)."""

    needs: str
    ticket: str = ""
    actor: Actor | None = None
    display_name: str = ""
    recovery_codes: tuple[str, ...] = ()  # shown once, after enrolment
    recovery_left: int | None = None  # after a recovery code was used
    username: str = ""


@dataclass
class Ticket:
    """A sign-in (or a My account enrolment) in progress. needs: the one step it may take
    next ("code", "new_passphrase", "enrol", or "own_enrol" for My account)."""

    user_id: int
    username: str
    terminal: str
    expires: float
    needs: str = ""
    code_ok: bool = False
    passphrase_changed: bool = False
    pending_secret: str = ""
    recovery_left: int | None = None
    extra: dict[str, object] = field(default_factory=dict)


def name_hash(username: str, key: bytes | None) -> str:
    """A typed username as the throttle keeps it: keyed with the site's factor key."""
    return hmac.new(
        key or b"sharetui sign-in throttle", ("signin:" + username).encode(), hashlib.sha256
    ).hexdigest()


def throttle_place(terminal: str) -> str:
    """Where failures are counted: the terminal, and over SSH the connecting machine's
    address without the client's port, which is new at every connection (counted with it,
    a guesser who reconnected after four failures was never slowed)."""
    if terminal.startswith("ssh:") and terminal.count(":") >= 2:
        return terminal.rsplit(":", 1)[0]
    return terminal


def seconds_to_wait(s: Session, key: str, terminal: str, now: datetime) -> float:
    """How long this account (or terminal) must still wait after failed sign-ins: 0 when
    it may try now."""
    row = s.get(SignInThrottle, (key, throttle_place(terminal)))
    if row is None or row.next_try_at is None or row.next_try_at <= now:
        return 0.0
    return (row.next_try_at - now).total_seconds()


def record_failure(s: Session, key: str, terminal: str) -> int:
    """Count one failure (locked row: parallel guesses on PostgreSQL lose no count);
    returns the wait it starts, in seconds."""
    now = utcnow()
    terminal = throttle_place(terminal)
    values = {"name_hash": key, "terminal": terminal, "failures": 0, "last_failure_at": now}
    dialect = postgresql if s.get_bind().dialect.name == "postgresql" else sqlite
    s.execute(dialect.insert(SignInThrottle).values(**values).on_conflict_do_nothing())
    row = s.exec(
        select(SignInThrottle)
        .where(SignInThrottle.name_hash == key, SignInThrottle.terminal == terminal)
        .with_for_update()
    ).one()
    row.failures += 1
    row.last_failure_at = now
    wait = wait_after(row.failures)
    row.next_try_at = now + timedelta(seconds=wait) if wait else None
    s.add(row)
    return wait


def clear_throttle(s: Session, key: str, terminal: str | None = None) -> int:
    stmt = delete(SignInThrottle).where(col(SignInThrottle.name_hash) == key)
    if terminal is not None:
        stmt = stmt.where(col(SignInThrottle.terminal) == throttle_place(terminal))
    return int(s.execute(stmt).rowcount or 0)  # type: ignore[attr-defined]  # a DELETE gives a CursorResult; SQLAlchemy types Result


class SignIn(UseCases):
    """The sign-in steps; mixed into Users (services/users.py)."""

    store: Store

    def __init__(self, store: Store) -> None:
        super().__init__(store)
        self._factor_key = factor_key(store.settings)
        self._tickets: dict[str, Ticket] = {}
        self._lock = threading.Lock()

    # -- step 1: the passphrase ----------------------------------------------------------
    def begin(self, username: str, passphrase: str, terminal: str = "") -> SignInStep:
        uname = clean_line(username).lower()[:64]
        key = name_hash(uname, self._factor_key)
        term = terminal[:100]
        wait = self.store.read(lambda s: seconds_to_wait(s, key, term, utcnow()))
        if wait:
            raise SignInFailed(wait_words(wait))  # no hash either way: the same time

        def load(s: Session) -> tuple[int, str, bool] | None:
            row = s.execute(
                select(User.id, User.passphrase_hash, User.active).where(User.username == uname)
            ).first()
            return None if row is None else (row[0], row[1], row[2])

        user = self.store.read(load)
        good = passphrase_matches(user[1] if user else None, passphrase)
        if user is None or not good:
            user_id = user[0] if user else None

            def fail(s: Session) -> int:
                wait = record_failure(s, key, term)
                if user_id is None:
                    append(s, None, "signin.failed", "user", "", "unknown account",
                           username=UNKNOWN_ACCOUNT, terminal=term)  # fmt: skip
                else:
                    append(s, None, "signin.failed", "user", user_id, "", username=uname,
                           terminal=term)  # fmt: skip
                return wait

            wait = self.store.write(fail)
            raise SignInFailed(WRONG_PAIR + (f". {wait_words(wait)}" if wait else ""))
        user_id, stored_hash, active = user
        if not active:
            self.store.write(
                lambda s: append(
                    s, None, "signin.disabled", "user", user_id, "", username=uname, terminal=term
                )
            )
            raise SignInFailed(DISABLED)
        if HASHER.check_needs_rehash(stored_hash):
            new_hash = HASHER.hash(passphrase)
            self.store.write(lambda s: _set_hash(s, user_id, new_hash))
        ticket = Ticket(user_id, uname, term, time.monotonic() + TICKET_SECONDS)
        return self._next(ticket)

    def sign_in(
        self, username: str, passphrase: str, terminal: str = "", code: str | None = None
    ) -> Actor:
        """Every step at once, for the command line and scripts: the code, where the account
        has a second factor, is given with the passphrase. An account that must first choose
        a passphrase or set up its second factor is told to sign in at a terminal."""
        step = self.begin(username, passphrase, terminal)
        if step.needs == "code":
            if not code or not code.strip():
                self.forget(step.ticket)
                raise SignInFailed(CODE_NEEDED)
            step = self.give_code(step.ticket, code)
        if step.actor is None:
            self.forget(step.ticket)
            what = (
                "choose a new passphrase"
                if step.needs == "new_passphrase"
                else "set up its second factor"
            )
            raise SignInFailed(f"This account must first {what}: sign in at a sharetui terminal")
        return step.actor

    # -- step 2: the code ----------------------------------------------------------------
    def give_code(self, ticket_id: str, code: str) -> SignInStep:
        t = self._ticket(ticket_id, "code")
        key = name_hash(t.username, self._factor_key)
        wait = self.store.read(lambda s: seconds_to_wait(s, key, t.terminal, utcnow()))
        if wait:
            raise SignInFailed(wait_words(wait))
        now = time.time()
        fkey = self._factor_key

        def check(s: Session) -> tuple[bool, int | None]:
            u = s.exec(select(User).where(User.id == t.user_id).with_for_update()).one()
            if not u.active:
                raise SignInFailed(DISABLED)
            if u.totp_secret:
                secret = factor.unseal(u.totp_secret, t.user_id, fkey)
                step = factor.matching_step(secret, code, now, u.totp_last_step)
                if step is not None:
                    u.totp_last_step = step  # this code, and any before it, never again
                    s.add(u)
                    return True, None
            if factor.looks_like_recovery_code(code):
                left = factor.take_recovery_code(u.recovery_codes, code, t.user_id, fkey)
                if left is not None:
                    u.recovery_codes = left
                    s.add(u)
                    remaining = factor.recovery_left(left)
                    append(s, None, "signin.recovery_code", "user", u.id, f"{remaining} left",
                           username=u.username, terminal=t.terminal)  # fmt: skip
                    return True, remaining
            return False, None

        ok, remaining = self.store.write(check)
        if not ok:

            def fail(s: Session) -> int:
                wait = record_failure(s, key, t.terminal)
                append(s, None, "signin.code_failed", "user", t.user_id, "",
                       username=t.username, terminal=t.terminal)  # fmt: skip
                return wait

            wait = self.store.write(fail)
            raise SignInFailed(WRONG_CODE + (f". {wait_words(wait)}" if wait else ""))
        t.code_ok = True
        t.recovery_left = remaining
        return self._next(t)

    # -- step 3: a passphrase of one's own -------------------------------------------------
    def choose_passphrase(self, ticket_id: str, passphrase: str, confirm: str) -> SignInStep:
        t = self._ticket(ticket_id, "new_passphrase")

        def names(s: Session) -> tuple[str, str]:
            u = s.get(User, t.user_id)
            assert u is not None
            return u.display_name, u.passphrase_hash

        display_name, old_hash = self.store.read(names)
        problem = passphrase_problem(passphrase, username=t.username, display_name=display_name)
        if problem:
            raise ValidationFailed({"passphrase": problem})
        if passphrase != confirm:
            raise ValidationFailed({"confirm": "Type the same passphrase again"})
        with contextlib.suppress(VerificationError, InvalidHashError):
            if HASHER.verify(old_hash, secret_bytes(passphrase)):
                raise ValidationFailed(
                    {"passphrase": "Choose a passphrase of your own, not the one you were given"}
                )
        digest = HASHER.hash(passphrase)

        def work(s: Session) -> None:
            u = s.get(User, t.user_id, with_for_update=True)
            if u is None or not u.active:  # disabled since the passphrase step began
                raise SignInFailed(DISABLED)
            u.passphrase_hash = digest
            u.must_change_passphrase = False
            s.add(u)
            append(s, None, "user.change_passphrase", "user", u.id, "at first sign-in",
                   username=u.username, terminal=t.terminal)  # fmt: skip

        self.store.write(work)
        t.passphrase_changed = True
        return self._next(t)

    # -- step 4: setting up the second factor ---------------------------------------------
    def start_enrolment(self, ticket_id: str) -> factor.Enrolment:
        t = self._ticket(ticket_id, "enrol")
        if not t.pending_secret:
            t.pending_secret = factor.new_secret()
        return factor.enrolment(t.pending_secret, t.username)

    def finish_enrolment(self, ticket_id: str, code: str) -> SignInStep:
        t = self._ticket(ticket_id, "enrol")
        codes = self._enrol(t, code, "")
        t.code_ok = True
        return replace(self._next(t), recovery_codes=tuple(codes))

    def _enrol(self, t: Ticket, code: str, summary: str, actor: Actor | None = None) -> list[str]:
        """Keep the pending secret once the first code from the app matches it: sealed, with
        new recovery codes (returned, to be shown once). Used at sign-in and from My account."""
        if not t.pending_secret:
            raise SignInFailed(EXPIRED)
        step = factor.matching_step(t.pending_secret, code, time.time(), None)
        if step is None:
            raise ValidationFailed(
                {"code": "That code does not match: enter the 6 digits the app shows now"}
            )
        codes = factor.new_recovery_codes()
        sealed = factor.seal(t.pending_secret, t.user_id, self._factor_key)
        hashes = factor.hashes_json(codes, t.user_id, self._factor_key)

        def work(s: Session) -> None:
            u = s.get(User, t.user_id, with_for_update=True)
            if u is None or not u.active:  # disabled since the enrolment began
                raise SignInFailed(DISABLED)
            if u.totp_secret:  # set up meanwhile at another terminal: never written over
                raise SignInFailed(ALREADY_ENROLLED)
            u.totp_secret = sealed
            u.totp_last_step = step
            u.totp_enrolled_at = utcnow()
            u.recovery_codes = hashes
            s.add(u)
            append(s, actor, "user.factor_enrol", "user", u.id, summary,
                   username=u.username, terminal=t.terminal)  # fmt: skip

        self.store.write(work)
        t.pending_secret = ""
        return codes

    # -- the end: who is signed in ---------------------------------------------------------
    def _next(self, t: Ticket) -> SignInStep:
        practitioners_too = self.store.settings.practitioner_second_factor

        def look(s: Session) -> User:
            u = s.get(User, t.user_id)
            if u is None or not u.active:
                raise SignInFailed(DISABLED)
            return u

        u = self.store.read(look)
        enrolled = bool(u.totp_secret)
        needs = ""
        if enrolled and not t.code_ok:
            needs = "code"
        elif u.must_change_passphrase and not t.passphrase_changed:
            needs = "new_passphrase"
        elif not enrolled and factor_required(u.role, practitioners_too):
            needs = "enrol"
        if needs:
            t.needs = needs  # the one step this ticket may take next
            ticket_id = self._keep(t)
            return SignInStep(needs, ticket_id, display_name=u.display_name, username=u.username)
        key = name_hash(t.username, self._factor_key)

        def ok(s: Session) -> Actor:
            user = s.get(User, t.user_id)
            assert user is not None
            clear_throttle(s, key, t.terminal)
            append(s, None, "signin.ok", "user", user.id, "", username=user.username,
                   terminal=t.terminal)  # fmt: skip
            return actor_of(user, t.terminal)

        actor = self.store.write(ok)
        self.forget_ticket(t)
        return SignInStep(
            "", actor=actor, display_name=actor.display_name, recovery_left=t.recovery_left
        )

    # -- tickets ---------------------------------------------------------------------------
    def _keep(self, t: Ticket) -> str:
        with self._lock:
            now = time.monotonic()
            for k in [k for k, v in self._tickets.items() if v.expires < now]:
                del self._tickets[k]
            existing = next((k for k, v in self._tickets.items() if v is t), None)
            if existing:
                return existing
            ticket_id = secrets.token_urlsafe(24)
            self._tickets[ticket_id] = t
            return ticket_id

    def _ticket(self, ticket_id: str, needs: str) -> Ticket:
        """The sign-in in progress, for the step it is due to take. A ticket offered for
        another step (the code step's ticket for setting up a new factor over the one the
        account has, say) ends that sign-in: steps are taken in turn or not at all."""
        with self._lock:
            t = self._tickets.get(ticket_id)
            if t is None or t.expires < time.monotonic():
                self._tickets.pop(ticket_id, None)
                raise SignInFailed(EXPIRED)
            if t.needs != needs:
                self._tickets.pop(ticket_id, None)
                raise SignInFailed(OUT_OF_TURN)
            return t

    def forget(self, ticket_id: str) -> None:
        """A sign-in left half-way (Esc, switch user): its ticket is no good any more."""
        with self._lock:
            self._tickets.pop(ticket_id, None)

    def forget_ticket(self, t: Ticket) -> None:
        with self._lock:
            for k in [k for k, v in self._tickets.items() if v is t]:
                del self._tickets[k]


def _set_hash(s: Session, user_id: int, digest: str) -> None:
    u = s.get(User, user_id)
    if u is not None:
        u.passphrase_hash = digest
        s.add(u)


def actor_of(u: User, terminal: str) -> Actor:
    """Who acts, from their account as stored: role and advice roles read afresh."""
    assert u.id is not None
    advice_roles = split_advice_roles(u.advice_roles)
    return Actor(u.id, u.username, u.display_name, Role(u.role), advice_roles, terminal)
