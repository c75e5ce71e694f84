"""A unit of work around the engine: one transaction per service call, retried when the
database is momentarily busy, so no 'database is locked' reaches a user."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import Engine, bindparam
from sqlalchemy import select as sa_select
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlmodel import Session

from sharetui.config import Settings
from sharetui.domain.enums import Role
from sharetui.domain.errors import AccountChanged, AccountRevoked, NotFound
from sharetui.services.failures import store_failure
from sharetui.store.engine import BUSY_TIMEOUT_MS, is_sqlite, make_engine
from sharetui.store.keys import audit_key
from sharetui.store.models import User, split_advice_roles
from sharetui.store.types import table_of
from sharetui.store.write_turns import WriteTurns

T = TypeVar("T")
M = TypeVar("M")
RETRIES = 8
NO_SUCH_NUMBER = "There is no record with that number"


@dataclass(frozen=True)
class Actor:
    """Who is acting, as established by sign-in. Passed to every service call."""

    user_id: int
    username: str
    display_name: str
    role: Role  # a StrEnum: equal to its stored text too
    advice_roles: tuple[str, ...]
    terminal: str = ""


def found(session: Session, model: type[M], key: object, missing: str) -> M:
    """The row of `model` with that primary key, read in the caller's transaction; NotFound
    with the words for the desk (`missing`) when there is none: a number mistyped at the
    command line, or a record another terminal has removed since the list was drawn."""
    row = session.get(model, key)
    if row is None:
        raise NotFound(missing)
    return row


REVOKED = "This account has been disabled: ask an administrator"
CHANGED = (
    "An administrator has changed your role since you signed in: "
    "nothing was done; your home screen now shows what you can do"
)


_USERS = table_of(User)


# Built once: it runs first in every write transaction, while other terminals wait.
_ACCOUNT = sa_select(_USERS.c.active, _USERS.c.role, _USERS.c.advice_roles).where(
    _USERS.c.id == bindparam("user_id")
)


def check_account(session: Session, actor: Actor, *, allow_disabled: bool = False) -> None:
    """The acting account as it is now, read in the caller's transaction: a cached Actor
    carries no powers the database no longer gives. One primary-key read per call.
    allow_disabled: only for keeping one's own typed work as a draft."""
    row = session.execute(_ACCOUNT, {"user_id": actor.user_id}).first()
    if row is None or (not row.active and not allow_disabled):
        raise AccountRevoked(REVOKED)
    roles = split_advice_roles(row.advice_roles)
    if row.role != actor.role or roles != tuple(actor.advice_roles):
        raise AccountChanged(CHANGED)


def _transient(exc: BaseException) -> bool:
    text = str(exc).lower()
    if "database is locked" in text or "database is busy" in text:
        return True
    orig = getattr(exc, "orig", None)
    sqlstate = getattr(orig, "sqlstate", None)
    return sqlstate in ("40001", "40P01", "55P03")


class Store:
    """The engine plus settings; hands out sessions with the right transaction mode."""

    def __init__(self, engine: Engine, settings: Settings | None = None) -> None:
        self.engine = engine
        self.settings = settings or Settings()
        self._write_engine = (
            engine.execution_options(sqlite_begin="IMMEDIATE") if is_sqlite(engine) else engine
        )
        self._turns = WriteTurns.for_engine(engine, BUSY_TIMEOUT_MS / 1000)
        # The audit chain's key (services/audit.py), handed to every session it opens.
        self.audit_key = audit_key(self.settings)

    @classmethod
    def open(cls, settings: Settings, *, key: str | None = None) -> Store:
        return cls(make_engine(settings.database_url, key=key), settings)

    def write(
        self,
        work: Callable[[Session], T],
        actor: Actor | None = None,
        *,
        allow_disabled: bool = False,
    ) -> T:
        """Run work in a write transaction and commit; retry the whole unit when busy.
        On SQLite, writers on this machine take turns first (see store/write_turns.py).
        With an actor, the account is checked first in the same transaction."""
        return self._run(
            work,
            self._write_engine,
            commit=True,
            actor=actor,
            allow_disabled=allow_disabled,
            turn=self._turns.turn,
        )

    def read(self, work: Callable[[Session], T], actor: Actor | None = None) -> T:
        return self._run(work, self.engine, commit=False, actor=actor)

    def _run(
        self,
        work: Callable[[Session], T],
        engine: Engine,
        *,
        commit: bool,
        actor: Actor | None = None,
        allow_disabled: bool = False,
        turn: Callable[[], AbstractContextManager[None]] = nullcontext,
    ) -> T:
        """One unit of work, retried when busy. A writer's turn (turn) is held from before
        the transaction begins to its commit or rollback, not over the session's closing
        nor over the pause before a retry: the others wait for exactly the transaction."""
        delay = 0.02
        for attempt in range(RETRIES):
            try:
                with Session(
                    engine, expire_on_commit=False, info={"audit_key": self.audit_key}
                ) as session:
                    with turn():
                        try:
                            if actor is not None:
                                check_account(session, actor, allow_disabled=allow_disabled)
                            result = work(session)
                            if commit:
                                session.commit()
                        except BaseException:
                            session.rollback()  # the write lock goes before the turn does
                            raise
                    return result
            except OverflowError as exc:
                # SQLite integers are 64-bit: a larger id (typed or passed) matches no record.
                raise NotFound(NO_SUCH_NUMBER) from exc
            except (OperationalError, DBAPIError) as exc:
                if getattr(exc.orig, "sqlstate", None) == "22003":  # PostgreSQL, same case
                    raise NotFound(NO_SUCH_NUMBER) from exc
                if _transient(exc) and attempt < RETRIES - 1:
                    time.sleep(delay + random.random() * delay)
                    delay = min(delay * 2, 1.0)
                    continue
                raise store_failure(exc) from exc
        raise AssertionError("unreachable")

    def dispose(self) -> None:
        self.engine.dispose()
        self._turns.close()


class UseCases:
    """The base of each area's use cases (people, consent, decisions...): each reaches the data
    only through the one Store it is given, as the facade gives the same Store to them all, so
    that every call is one unit of work with its account check and audit event."""

    def __init__(self, store: Store) -> None:
        self.store = store
