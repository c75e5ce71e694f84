"""One person's row as the use cases that write about a person read and touch it, inside
their own transaction: is the person on record, their summary, their activity time, the
newest rows about them.

Consent, advice, decisions, receipts and transfers all write about a person, and the
person's timeline (services/people.py) reads what they wrote: these helpers sit below all
of them, so none has to import another to reach them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any, TypeVar

from sqlalchemy import bindparam
from sqlalchemy import select as sa_select
from sqlalchemy import update as sa_update
from sqlmodel import Session, col, select

from sharetui.domain.errors import ValidationFailed
from sharetui.services.views import PersonSummary
from sharetui.store.models import Person
from sharetui.store.types import table_of, utcnow

R = TypeVar("R")
NOT_ON_RECORD = "Choose a person who is on record"


def newest_about(
    s: Session, model: type[R], about: Any, at: Any, person_id: int, want: int
) -> Sequence[R]:
    """The newest `want` rows of `model` whose `about` column names the person, newest by
    `at` first: each kind of record on a person's timeline is read only as far as the page
    it may fill, never every row the person has."""
    return s.exec(
        select(model).where(col(about) == person_id).order_by(col(at).desc()).limit(want)
    ).all()


def touch(s: Session, person_id: int) -> None:
    """Record activity on a person so equal names sort newest-activity first."""
    p = s.get(Person, person_id)
    if p is not None:
        p.last_activity_at = utcnow()
        s.add(p)


def load_person(s: Session, person_id: int | None, field: str = "person_id") -> Person:
    """The person's row, for a use case that writes about them; ValidationFailed on `field`
    when there is no such person (the answer named someone not on record)."""
    p = s.get(Person, person_id) if person_id is not None else None
    if p is None:
        raise ValidationFailed({field: NOT_ON_RECORD})
    return p


# A summary's fields, read as plain rows (PersonSummary(*row)): an ORM load of the whole row
# (its JSON details included) cost four times what reading these columns does, for saving a
# decision while other terminals wait their turn as for a page of names. The statements are
# built once.
_PEOPLE = table_of(Person)
SUMMARY_COLUMNS = (
    _PEOPLE.c.id,
    _PEOPLE.c.family_name,
    _PEOPLE.c.given_names,
    _PEOPLE.c.other_names,
    _PEOPLE.c.date_of_birth,
    _PEOPLE.c.dob_estimated,
    _PEOPLE.c.reference,
    _PEOPLE.c.last_activity_at,
)
_SUMMARY_OF = sa_select(*SUMMARY_COLUMNS).where(_PEOPLE.c.id == bindparam("person_id"))
_TOUCH = (
    sa_update(_PEOPLE)
    .where(_PEOPLE.c.id == bindparam("person_id"))
    .values(last_activity_at=bindparam("at"))
)
_TOUCH_RETURNING = _TOUCH.returning(*SUMMARY_COLUMNS)


def summary_of(s: Session, person_id: int | None, field: str = "person_id") -> PersonSummary:
    """The person's summary, read in the caller's transaction; ValidationFailed on `field`
    when there is no such person (load_person's check, without loading the whole row)."""
    row = None if person_id is None else s.execute(_SUMMARY_OF, {"person_id": person_id}).first()
    if row is None:
        raise ValidationFailed({field: NOT_ON_RECORD})
    return PersonSummary(*row)


def touched(s: Session, person_id: int | None, field: str = "person_id") -> PersonSummary:
    """touch() and summary_of() together: the activity time recorded and the summary as it
    now stands, in one statement where the database returns what it updated (PostgreSQL,
    SQLite 3.35 and later). The row is locked from here to the end of the transaction, as
    touch() locks it."""
    if person_id is None:
        raise ValidationFailed({field: NOT_ON_RECORD})
    at = utcnow()
    params = {"person_id": person_id, "at": at}
    if not s.get_bind().dialect.update_returning:  # pragma: no cover - an old SQLite
        before = summary_of(s, person_id, field)
        s.execute(_TOUCH, params)
        return replace(before, last_activity_at=at)
    row = s.execute(_TOUCH_RETURNING, params).first()
    if row is None:
        raise ValidationFailed({field: NOT_ON_RECORD})
    return PersonSummary(*row)
