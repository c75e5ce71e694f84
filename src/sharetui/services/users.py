"""Accounts and sign-in: argon2id hashes, lockout after five failures, no user enumeration."""

from __future__ import annotations

import builtins
import contextlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlmodel import Session, func, select

from sharetui.domain.enums import AdviceRole, Role
from sharetui.domain.errors import NotFound, SignInFailed, ValidationFailed, check
from sharetui.domain.permissions import Permission
from sharetui.domain.text import clean_line
from sharetui.services.audit import append, require
from sharetui.services.store import Actor, Store
from sharetui.store.models import User
from sharetui.store.types import utcnow

# RFC 9106 second recommended option, scaled for a two-core terminal: argon2id, t=3, m=64 MiB,
# p=4. About 0.1 s a check here: slow for a guesser, unnoticeable at the desk.
HASHER = PasswordHasher(time_cost=3, memory_cost=65536, parallelism=4, hash_len=32, salt_len=16)
MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
MIN_PASSPHRASE = 12
WRONG_PAIR = "That username and passphrase do not match"
_DUMMY_HASH = HASHER.hash("sharetui timing equaliser passphrase")


@dataclass(frozen=True)
class UserView:
    id: int
    username: str
    display_name: str
    role: Role
    advice_roles: tuple[AdviceRole, ...]
    active: bool
    locked_until: datetime | None


def _view(u: User) -> UserView:
    assert u.id is not None
    return UserView(
        u.id,
        u.username,
        u.display_name,
        Role(u.role),
        _roles(u.advice_roles),
        u.active,
        u.locked_until,
    )


def _roles(raw: str) -> tuple[AdviceRole, ...]:
    return tuple(AdviceRole(r) for r in raw.split(",") if r)


def actor_for(u: UserView, terminal: str) -> Actor:
    return Actor(
        u.id,
        u.username,
        u.display_name,
        u.role.value,
        tuple(r.value for r in u.advice_roles),
        terminal,
    )


def passphrase_error(passphrase: str) -> str | None:
    if len(passphrase) < MIN_PASSPHRASE:
        return f"Enter a passphrase of at least {MIN_PASSPHRASE} characters"
    if len(passphrase) > 1024:
        return "Enter a passphrase of 1,024 characters or fewer"
    if any("\ud800" <= ch <= "\udfff" for ch in passphrase):
        return "Enter the passphrase again: it holds a broken character"
    return None


def _secret(passphrase: str) -> bytes:
    """The bytes hashed: UTF-8, and a broken character typed at sign-in is just wrong."""
    return passphrase.encode("utf-8", "surrogatepass")


def _validate_new(
    username: str, display_name: str, role: str, advice_roles: list[str], passphrase: str
) -> tuple[str, str, Role, tuple[AdviceRole, ...]]:
    e: dict[str, str] = {}
    uname = clean_line(username).lower()
    dname = clean_line(display_name)
    if not uname:
        e["username"] = "Enter a username"
    elif len(uname) > 64 or not all(c.isalnum() or c in "._-" for c in uname):
        e["username"] = "Use up to 64 letters, digits, dots, dashes or underscores"
    if not dname:
        e["display_name"] = "Enter the person's name as colleagues know it"
    elif len(dname) > 200:
        e["display_name"] = "Enter a name of 200 characters or fewer"
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
    msg = passphrase_error(passphrase)
    if msg:
        e["passphrase"] = msg
    check(e)
    assert parsed_role is not None
    return uname, dname, parsed_role, tuple(dict.fromkeys(roles))


class Users:
    def __init__(self, store: Store) -> None:
        self.store = store

    def count(self) -> int:
        return self.store.read(lambda s: s.exec(select(func.count()).select_from(User)).one())

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
            append(
                s,
                None,
                "user.create_first",
                "user",
                u.id,
                "first administrator",
                username=uname,
                terminal=terminal,
            )
            return _view(u)

        return self.store.write(work)

    def create(
        self,
        actor: Actor | None,
        username: str,
        display_name: str,
        role: str,
        advice_roles: list[str],
        passphrase: str,
    ) -> UserView:
        """Create an account. actor None is the command line run by the machine's owner."""
        if actor is not None:
            require(actor, Permission.ADMINISTER)
        uname, dname, prole, roles = _validate_new(
            username, display_name, role, advice_roles, passphrase
        )
        digest = HASHER.hash(passphrase)

        def work(s: Session) -> UserView:
            if s.exec(select(User).where(User.username == uname)).first():
                raise ValidationFailed({"username": f"The username {uname} is taken"})
            u = User(
                username=uname,
                display_name=dname,
                role=prole.value,
                advice_roles=",".join(r.value for r in roles),
                passphrase_hash=digest,
                created_at=utcnow(),
            )
            s.add(u)
            s.flush()
            append(
                s,
                actor,
                "user.create",
                "user",
                u.id,
                f"role {prole.value}",
                username="(command line)",
            )
            return _view(u)

        return self.store.write(work)

    def sign_in(self, username: str, passphrase: str, terminal: str = "") -> Actor:
        """Check the pair. Unknown usernames cost the same hashing time as known ones."""
        uname = clean_line(username).lower()[:64]
        now = utcnow()

        def load(s: Session) -> User | None:
            return s.exec(select(User).where(User.username == uname)).first()

        user = self.store.read(load)
        if user is None:
            with contextlib.suppress(VerificationError):
                HASHER.verify(_DUMMY_HASH, _secret(passphrase + "x"))
            self.store.write(
                lambda s: append(
                    s,
                    None,
                    "signin.failed",
                    "user",
                    "",
                    "unknown username",
                    username=uname[:64],
                    terminal=terminal,
                )
            )
            raise SignInFailed(WRONG_PAIR)
        if user.locked_until is not None and user.locked_until > now:
            with contextlib.suppress(VerificationError, InvalidHashError):
                HASHER.verify(user.passphrase_hash, _secret(passphrase))
            until = user.locked_until.astimezone(self.store.settings.tz)
            raise SignInFailed(
                f"This account is locked until {until:%H:%M} after too many failed attempts; "
                "try again then or ask an administrator"
            )
        good: bool
        try:
            good = HASHER.verify(user.passphrase_hash, _secret(passphrase))
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            good = False
        if good and user.active:
            rehash = HASHER.check_needs_rehash(user.passphrase_hash)
            new_hash = HASHER.hash(passphrase) if rehash else None

            def ok(s: Session) -> UserView:
                u = s.get(User, user.id)
                assert u is not None
                u.failed_signins = 0
                u.locked_until = None
                if new_hash:
                    u.passphrase_hash = new_hash
                s.add(u)
                append(
                    s, None, "signin.ok", "user", u.id, "", username=u.username, terminal=terminal
                )
                return _view(u)

            return actor_for(self.store.write(ok), terminal)
        if good and not user.active:
            self.store.write(
                lambda s: append(
                    s,
                    None,
                    "signin.disabled",
                    "user",
                    user.id,
                    "",
                    username=uname,
                    terminal=terminal,
                )
            )
            raise SignInFailed("This account is disabled; ask an administrator")

        def fail(s: Session) -> datetime | None:
            # Locked for the count: parallel guesses on PostgreSQL must not lose increments.
            u = s.get(User, user.id, with_for_update=True)
            assert u is not None
            u.failed_signins += 1
            locked = None
            if u.failed_signins >= MAX_FAILURES:
                u.locked_until = locked = utcnow() + LOCKOUT
                u.failed_signins = 0
            s.add(u)
            append(
                s,
                None,
                "signin.locked" if locked else "signin.failed",
                "user",
                u.id,
                "",
                username=u.username,
                terminal=terminal,
            )
            return locked

        locked = self.store.write(fail)
        if locked is not None:
            raise SignInFailed("Too many failed attempts: " + _locked_message(locked, self.store))
        raise SignInFailed(WRONG_PAIR)

    def verify_passphrase(self, actor: Actor, passphrase: str) -> bool:
        """Unlock check for the signed-in user (counts towards lockout like a sign-in)."""
        try:
            self.sign_in(actor.username, passphrase, actor.terminal)
        except SignInFailed:
            return False
        return True

    def list(self, actor: Actor | None) -> list[UserView]:
        if actor is not None:
            require(actor, Permission.ADMINISTER)
        return self.store.read(
            lambda s: [_view(u) for u in s.exec(select(User).order_by(User.username)).all()]
        )

    def _update(self, actor: Actor | None, username: str, action: str, change: object) -> UserView:
        if actor is not None:
            require(actor, Permission.ADMINISTER)
        uname = clean_line(username).lower()

        def work(s: Session) -> UserView:
            u = s.exec(select(User).where(User.username == uname)).first()
            if u is None:
                raise NotFound(f"No user called {uname}")
            was_admin = u.role == Role.ADMIN.value and u.active
            change(u)  # type: ignore[operator]
            if was_admin and not (u.role == Role.ADMIN.value and u.active):
                others = s.exec(
                    select(func.count())
                    .select_from(User)
                    .where(User.role == Role.ADMIN.value, User.active, User.id != u.id)
                ).one()
                if not others:
                    # Without an active administrator nobody could manage accounts again.
                    raise ValidationFailed(
                        {"username": f"{uname} is the last active administrator: add another first"}
                    )
            s.add(u)
            append(s, actor, action, "user", u.id, "", username="(command line)")
            return _view(u)

        return self.store.write(work)

    def set_active(self, actor: Actor | None, username: str, active: bool) -> UserView:
        def change(u: User) -> None:
            u.active = active
            if active:
                u.failed_signins = 0
                u.locked_until = None

        return self._update(actor, username, "user.enable" if active else "user.disable", change)

    def set_passphrase(self, actor: Actor | None, username: str, passphrase: str) -> UserView:
        if actor is not None:
            require(actor, Permission.ADMINISTER)  # before hashing or validating anything
        msg = passphrase_error(passphrase)
        if msg:
            raise ValidationFailed({"passphrase": msg})
        digest = HASHER.hash(passphrase)

        def change(u: User) -> None:
            u.passphrase_hash = digest
            u.failed_signins = 0
            u.locked_until = None

        return self._update(actor, username, "user.set_passphrase", change)

    def set_roles(
        self, actor: Actor | None, username: str, role: str, advice_roles: builtins.list[str]
    ) -> UserView:
        if actor is not None:
            require(actor, Permission.ADMINISTER)
        _, _, prole, roles = _validate_new(username, "x", role, advice_roles, "x" * MIN_PASSPHRASE)

        def change(u: User) -> None:
            u.role = prole.value
            u.advice_roles = ",".join(r.value for r in roles)

        return self._update(actor, username, "user.set_roles", change)


def _locked_message(until: datetime, store: Store) -> str:
    local = until.astimezone(store.settings.tz)
    return f"this account is locked for 15 minutes, until {local:%H:%M}"
