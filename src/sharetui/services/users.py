"""Accounts: creating and changing them, by an administrator in the app or by the machine's
owner on the command line (actor None). Signing in is services/signin.py.

Each change is audited, and refused where it would leave no active administrator (nobody
could manage accounts again). A passphrase an administrator hands over is for one use: the
account chooses its own at the next sign-in.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, func, select

from sharetui.domain.enums import AdviceRole, Role
from sharetui.domain.errors import NotFound, ValidationFailed, check
from sharetui.domain.passphrase import MIN_LENGTH, one_time_passphrase, passphrase_problem
from sharetui.domain.permissions import Permission
from sharetui.domain.text import clean_line, required_text_error
from sharetui.services.audit import append, require
from sharetui.services.own_account import OwnAccountSteps
from sharetui.services.second_factor import recovery_left
from sharetui.services.signin import (
    HASHER,
    WRONG_PAIR,
    SignInStep,
    actor_of,
    clear_throttle,
    factor_required,
    name_hash,
)
from sharetui.services.unit_of_work import Actor
from sharetui.store.models import SignInThrottle, User, join_advice_roles, split_advice_roles
from sharetui.store.types import utcnow

MIN_PASSPHRASE = MIN_LENGTH
CLI = "(command line)"

__all__ = [
    "HASHER",
    "MIN_PASSPHRASE",
    "WRONG_PAIR",
    "AccountState",
    "SignInStep",
    "UserView",
    "Users",
    "actor_for",
    "passphrase_error",
]


@dataclass(frozen=True)
class UserView:
    id: int
    username: str
    display_name: str
    role: Role
    advice_roles: tuple[AdviceRole, ...]
    active: bool
    has_factor: bool = False
    must_change_passphrase: bool = False
    recovery_codes_left: int = 0
    slowed_at: int = 0  # terminals where this username must wait before the next try
    created_at: datetime | None = None

    @property
    def state_words(self) -> str:
        words = ["active" if self.active else "disabled"]
        if self.must_change_passphrase:
            words.append("one-time passphrase")
        if self.slowed_at:
            words.append(f"failed sign-ins: waiting at {self.slowed_at} terminal(s)")
        return "; ".join(words)


@dataclass(frozen=True)
class AccountState:
    """The signed-in account as it is now (for the app's periodic check)."""

    active: bool
    actor: Actor | None  # None when the account is gone or disabled
    needs_factor: bool = False  # its role now needs a second factor it has not set up


@dataclass(frozen=True)
class OneTime:
    """An account and the one-time passphrase to hand to its owner (shown once)."""

    user: UserView
    passphrase: str


def _require_admin(actor: Actor | None) -> None:
    """Changing accounts in the app is the administrator's; actor None is the command line,
    run by the machine's owner, who holds the database itself and needs no role in it."""
    if actor is not None:
        require(actor, Permission.ADMINISTER)


def _view(u: User, slowed: int = 0) -> UserView:
    assert u.id is not None
    return UserView(
        u.id,
        u.username,
        u.display_name,
        Role(u.role),
        _roles(u.advice_roles),
        u.active,
        bool(u.totp_secret),
        u.must_change_passphrase,
        recovery_left(u.recovery_codes),
        slowed,
        u.created_at,
    )


def _roles(raw: str) -> tuple[AdviceRole, ...]:
    return tuple(AdviceRole(r) for r in split_advice_roles(raw))


def actor_for(u: UserView, terminal: str) -> Actor:
    return Actor(
        u.id,
        u.username,
        u.display_name,
        u.role,
        tuple(r.value for r in u.advice_roles),
        terminal,
    )


def passphrase_error(passphrase: str, username: str = "", display_name: str = "") -> str | None:
    return passphrase_problem(passphrase, username=username, display_name=display_name)


def _validate_roles(role: str, advice_roles: list[str], e: dict[str, str]) -> tuple[Role | None, tuple[AdviceRole, ...]]:  # fmt: skip
    parsed_role: Role | None = None
    try:
        parsed_role = Role.parse(role)
    except ValueError:
        e["role"] = "Choose practitioner, supervisor or admin"
    roles: list[AdviceRole] = []
    for r in advice_roles:
        try:
            roles.append(AdviceRole.parse(r))
        except ValueError:
            e["advice_roles"] = f"Unknown advice role: {clean_line(r)[:40]}"
    if parsed_role is Role.SUPERVISOR and not roles and "advice_roles" not in e:
        e["advice_roles"] = "Choose at least one advice role for a supervisor"
    if parsed_role is not None and parsed_role is not Role.SUPERVISOR and roles:
        e["advice_roles"] = "Only supervisors answer advice requests"
    return parsed_role, tuple(dict.fromkeys(roles))


def _validate_new(
    username: str,
    display_name: str,
    role: str,
    advice_roles: list[str],
    passphrase: str | None,
) -> tuple[str, str, Role, tuple[AdviceRole, ...]]:
    e: dict[str, str] = {}
    uname = clean_line(username).lower()
    dname = clean_line(display_name)
    if not uname:
        e["username"] = "Enter a username"
    elif len(uname) > 64 or not all(c.isalnum() or c in "._-" for c in uname):
        e["username"] = "Use up to 64 letters, digits, dots, dashes or underscores"
    missing = "Enter the person's name as colleagues know it"
    if msg := required_text_error(dname, 200, missing=missing, noun="name"):
        e["display_name"] = msg
    parsed_role, roles = _validate_roles(role, advice_roles, e)
    if passphrase is not None:
        msg = passphrase_error(passphrase, uname, dname)
        if msg:
            e["passphrase"] = msg
    check(e)
    assert parsed_role is not None
    return uname, dname, parsed_role, roles


class Users(OwnAccountSteps):
    def count(self) -> int:
        return self.store.read(lambda s: s.exec(select(func.count()).select_from(User)).one())

    def state(self, actor: Actor) -> AccountState:
        """The signed-in account as the database has it now: one primary-key read, no audit
        (nothing about anyone else is read). The app asks every few seconds."""

        def work(s: Session) -> AccountState:
            u = s.get(User, actor.user_id)
            if u is None or not u.active:
                return AccountState(False, None)
            required = factor_required(u.role, self.store.settings.practitioner_second_factor)
            return AccountState(True, actor_of(u, actor.terminal), required and not u.totp_secret)

        return self.store.read(work)

    def create_first_admin(
        self, username: str, display_name: str, passphrase: str, terminal: str = ""
    ) -> UserView:
        """First run only: creates the first admin when there are no users at all."""
        uname, dname, _, _ = _validate_new(username, display_name, "admin", [], passphrase)
        digest = HASHER.hash(passphrase)

        def work(s: Session) -> UserView:
            if s.exec(select(func.count()).select_from(User)).one():
                raise ValidationFailed({"username": "An administrator already exists; sign in"})
            u = User(
                username=uname,
                display_name=dname,
                role=Role.ADMIN.value,
                passphrase_hash=digest,
                created_at=utcnow(),
            )
            s.add(u)
            s.flush()
            append(s, None, "user.create_first", "user", u.id, "first administrator",
                   username=uname, terminal=terminal)  # fmt: skip
            return _view(u)

        return self.store.write(work)

    def create(
        self,
        actor: Actor | None,
        username: str,
        display_name: str,
        role: str,
        advice_roles: list[str],
        passphrase: str | None = None,
    ) -> UserView:
        """Create an account. actor None is the command line run by the machine's owner,
        who types the passphrase; from the app use create_with_one_time_passphrase."""
        _require_admin(actor)
        return self._create(actor, username, display_name, role, advice_roles, passphrase)

    def create_with_one_time_passphrase(
        self,
        actor: Actor | None,
        username: str,
        display_name: str,
        role: str,
        advice_roles: list[str],
    ) -> OneTime:
        """An administrator adds an account: the passphrase is made here, shown once to hand
        over, and must be changed at the first sign-in."""
        _require_admin(actor)
        phrase = one_time_passphrase()
        u = self._create(actor, username, display_name, role, advice_roles, phrase, one_time=True)
        return OneTime(u, phrase)

    def _create(
        self,
        actor: Actor | None,
        username: str,
        display_name: str,
        role: str,
        advice_roles: list[str],
        passphrase: str | None,
        *,
        one_time: bool = False,
    ) -> UserView:
        uname, dname, prole, roles = _validate_new(
            username, display_name, role, advice_roles, None if one_time else (passphrase or "")
        )
        digest = HASHER.hash(passphrase or "")

        def work(s: Session) -> UserView:
            if s.exec(select(User).where(User.username == uname)).first():
                raise ValidationFailed({"username": f"The username {uname} is taken"})
            u = User(
                username=uname,
                display_name=dname,
                role=prole.value,
                advice_roles=join_advice_roles(r.value for r in roles),
                passphrase_hash=digest,
                must_change_passphrase=one_time,
                created_at=utcnow(),
            )
            s.add(u)
            s.flush()
            self._audit(s, actor, "user.create", u, f"role {prole.value}")
            return _view(u)

        return self.store.write(work, actor)

    def _audit(self, s: Session, actor: Actor | None, action: str, u: User, summary: str = "") -> None:  # fmt: skip
        append(s, actor, action, "user", u.id, summary, username=CLI)

    def list(self, actor: Actor | None) -> list[UserView]:
        _require_admin(actor)
        key = self._factor_key

        def work(s: Session) -> list[UserView]:
            now = utcnow()
            slowed: dict[str, int] = {}
            for (h,) in s.execute(
                select(SignInThrottle.name_hash).where(col(SignInThrottle.next_try_at) > now)
            ).all():
                slowed[h] = slowed.get(h, 0) + 1
            users = s.exec(select(User).order_by(User.username)).all()
            return [_view(u, slowed.get(name_hash(u.username, key), 0)) for u in users]

        return self.store.read(work, actor)

    def get(self, actor: Actor | None, username: str) -> UserView:
        uname = clean_line(username).lower()
        for u in self.list(actor):
            if u.username == uname:
                return u
        raise NotFound(f"No user called {uname}")

    def _update(
        self,
        actor: Actor | None,
        username: str,
        action: str,
        change: Callable[[User, Session], object],
        summary: str = "",
    ) -> UserView:
        _require_admin(actor)
        uname = clean_line(username).lower()

        def work(s: Session) -> UserView:
            u = s.exec(select(User).where(User.username == uname).with_for_update()).first()
            if u is None:
                raise NotFound(f"No user called {uname}")
            was_admin = u.role == Role.ADMIN.value and u.active
            change(u, s)
            if was_admin and not (u.role == Role.ADMIN.value and u.active):
                # Locked in turn on PostgreSQL: two administrators demoting each other at
                # once cannot both pass the count.
                others = s.exec(
                    select(User.id)
                    .where(User.role == Role.ADMIN.value, User.active, User.id != u.id)
                    .with_for_update()
                ).all()
                if not others:
                    # Without an active administrator nobody could manage accounts again.
                    raise ValidationFailed(
                        {"username": f"{uname} is the last active administrator: add another first"}
                    )
            s.add(u)
            self._audit(s, actor, action, u, summary)
            return _view(u)

        return self.store.write(work, actor)

    def set_active(self, actor: Actor | None, username: str, active: bool) -> UserView:
        key = self._factor_key

        def change(u: User, s: Session) -> None:
            u.active = active
            if active:
                clear_throttle(s, name_hash(u.username, key))

        return self._update(actor, username, "user.enable" if active else "user.disable", change)

    def set_passphrase(self, actor: Actor | None, username: str, passphrase: str) -> UserView:
        """The command line: the machine's owner types the account's new passphrase."""
        _require_admin(actor)  # before hashing or validating anything
        uname = clean_line(username).lower()
        msg = passphrase_error(passphrase, uname)
        if msg:
            raise ValidationFailed({"passphrase": msg})
        change = self._new_passphrase(passphrase, must_change=False)
        return self._update(actor, username, "user.set_passphrase", change)

    def reset_passphrase(self, actor: Actor | None, username: str) -> OneTime:
        """A forgotten passphrase: a one-time one to hand over, changed at the next sign-in.
        The second factor stays, so the one-time passphrase alone opens nothing."""
        _require_admin(actor)
        phrase = one_time_passphrase()
        change = self._new_passphrase(phrase, must_change=True)
        u = self._update(actor, username, "user.reset_passphrase", change, "one-time passphrase")
        return OneTime(u, phrase)

    def _new_passphrase(
        self, passphrase: str, *, must_change: bool
    ) -> Callable[[User, Session], None]:
        """The change that gives an account a new passphrase (hashed here, before the
        transaction) and clears the waits after failed sign-ins, which it makes moot."""
        digest = HASHER.hash(passphrase)
        key = self._factor_key

        def change(u: User, s: Session) -> None:
            u.passphrase_hash = digest
            u.must_change_passphrase = must_change
            clear_throttle(s, name_hash(u.username, key))

        return change

    def set_roles(
        self, actor: Actor | None, username: str, role: str, advice_roles: builtins.list[str]
    ) -> UserView:
        _require_admin(actor)
        e: dict[str, str] = {}
        prole, roles = _validate_roles(role, advice_roles, e)
        check(e)
        assert prole is not None

        def change(u: User, s: Session) -> None:
            u.role = prole.value
            u.advice_roles = join_advice_roles(r.value for r in roles)

        summary = f"role {prole.value}" + (
            f"; {', '.join(r.value for r in roles)}" if roles else ""
        )
        return self._update(actor, username, "user.set_roles", change, summary)

    def reset_factor(self, actor: Actor | None, username: str) -> UserView:
        """A lost phone: the second factor and its recovery codes go; the account sets up a
        new one at its next sign-in (supervisors and administrators must)."""

        def change(u: User, s: Session) -> None:
            if not u.totp_secret:
                raise ValidationFailed({"username": f"{u.username} has no second factor set up"})
            u.totp_secret = ""
            u.totp_last_step = None
            u.totp_enrolled_at = None
            u.recovery_codes = ""

        return self._update(actor, username, "user.reset_factor", change)

    def unlock(self, actor: Actor | None, username: str) -> UserView:
        """Clear the waits after failed sign-ins for this username at every terminal."""
        key = self._factor_key
        cleared: list[int] = []

        def change(u: User, s: Session) -> None:
            cleared.append(clear_throttle(s, name_hash(u.username, key)))

        return self._update(actor, username, "user.unlock", change)

    def set_factor_secret(self, actor: None, username: str, secret: str) -> builtins.list[str]:
        """Give an account a second factor with a known secret, for the demo and for tests
        (its secret is printed for the person trying the demo). The machine's owner only:
        in the app an account sets up its own. Returns the new recovery codes."""
        if actor is not None:
            require(actor, Permission.ADMINISTER)
            raise ValidationFailed({"username": "An account sets up its own second factor"})
        from sharetui.services import second_factor as factor

        codes = factor.new_recovery_codes()
        key = self._factor_key

        def change(u: User, s: Session) -> None:
            assert u.id is not None
            u.totp_secret = factor.seal(secret, u.id, key)
            u.totp_last_step = None
            u.totp_enrolled_at = utcnow()
            u.recovery_codes = factor.hashes_json(codes, u.id, key)

        self._update(None, username, "user.factor_enrol", change, "set by the machine's owner")
        return codes
