"""Which people may be due for review on a day, as a condition the database applies.

The count of records due is read each time the information governance lead's home is shown,
so the database sifts out, by index, everyone whose rule cannot have come round; the rule
itself (services/retention.py, Retention._placed) then decides each person that is left.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, and_, or_
from sqlmodel import col, select

from sharetui.domain.governance import (
    ADULTHOOD_YEARS,
    RecordKind,
    RetentionRule,
    add_calendar_months,
    years_back,
)
from sharetui.store.models import Person, PersonRetention


def _before_day(day: date) -> datetime:
    """An instant after every moment of `day` in any time zone (UTC offsets are under a
    day): a stored time on or before `day` where the site is, is earlier than this."""
    return datetime.combine(day + timedelta(days=2), time(), tzinfo=UTC)


def _may_be_due(rule: RetentionRule, day: date) -> ColumnElement[bool]:
    """True for every person whose review date under `rule` (RetentionRule.review_on) is on
    or before `day`, and for a few more: each date the rule takes the latest of must be on
    or before `day`, so each is bounded on its own, with days to spare."""
    dob, last = col(Person.date_of_birth), col(Person.last_activity_at)
    if rule.years_after is not None:
        active_long_ago = last < _before_day(years_back(day, rule.years_after))
        if rule.age_years is None:
            return active_long_ago
        return and_(active_long_ago, or_(dob.is_(None), dob <= years_back(day, rule.age_years)))
    age = rule.age_years or 0
    if rule.age_years is None:
        return last < _before_day(years_back(day, 0))
    return or_(
        and_(dob.is_not(None), dob <= years_back(day, age)),
        and_(dob.is_(None), last < _before_day(years_back(day, age))),
    )


def sift(rules: dict[RecordKind, RetentionRule], day: date) -> ColumnElement[bool]:
    """The people who may be due by `day`, as a condition the database applies: everyone a
    reviewer has placed (their own kind or date), and those whose default kind's rule may
    have come round. A child protection record (opened before the 18th birthday) due at a
    birthday was also opened well before that birthday: a bound on its opening too, which
    leaves out the adults of the same age. The rule itself then decides each one (_placed)."""
    child = rules[RecordKind.CHILD_PROTECTION]
    if child.age_years is not None and child.years_after is None:
        # due at a birthday alone: born long enough ago (no date of birth, no such birthday),
        # one bound the index on opening and birth dates serves (schema 0010)
        as_child = col(Person.date_of_birth) <= years_back(day, child.age_years)
    else:
        as_child = and_(col(Person.date_of_birth).is_not(None), _may_be_due(child, day))
    if child.age_years is not None:
        opened_by = add_calendar_months(
            years_back(day, child.age_years), 12 * ADULTHOOD_YEARS
        ) + timedelta(days=3)
        as_child = and_(as_child, col(Person.created_at) < _before_day(opened_by))
    return or_(
        col(Person.id).in_(select(PersonRetention.person_id)),
        as_child,
        _may_be_due(rules[RecordKind.ADULT], day),
    )
