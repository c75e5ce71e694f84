"""Column types shared by the tables."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

from sqlalchemy import Table, inspect
from sqlalchemy.types import DateTime, TypeDecorator

_replayed_clock: ContextVar[Callable[[], datetime] | None] = ContextVar(
    "sharetui_replayed_clock", default=None
)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores naive UTC, returns aware UTC: SQLite keeps no zone, PostgreSQL may; both agree."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def utcnow() -> datetime:
    """The time every service stamps on what it records."""
    source = _replayed_clock.get()
    return datetime.now(UTC) if source is None else source()


@contextmanager
def replayed_clock(source: Callable[[], datetime]) -> Iterator[None]:
    """Stamp records with source() instead of the wall clock, in this context only.

    Used to replay a plausible history through the real services (the demo database), so
    its records carry dates spread over past months. The app itself never sets it."""
    token = _replayed_clock.set(source)
    try:
        yield
    finally:
        _replayed_clock.reset(token)


def table_of(model: type) -> Table:
    """The Core table behind a table model, for bulk inserts and Core queries. SQLModel sets
    __table__ on its table classes at run time without declaring it; the mapper is typed."""
    table: object = inspect(model).local_table
    assert isinstance(table, Table), model
    return table
