"""The records due for review are sifted by the database before the rule decides: the
sifting may let through people who are not due, never leave out one who is. Checked on
stored records on the days around each one's review date, with the default rules and with a
site's own, and for records a reviewer has placed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from sharetui.domain.governance import (
    DEFAULT_RULES,
    RecordKind,
    RetentionRule,
    default_kind,
)
from sharetui.store.models import Person
from tests.services.helpers import person


@pytest.fixture
def ig(actors):
    return actors.ina  # seeded with the information governance role (tests/conftest.py)


BIRTHS = (
    date(2016, 2, 29),  # a leap day: the 25th birthday falls on 28 February
    date(2016, 2, 28),
    date(2016, 3, 1),
    date(2008, 12, 31),
    date(1999, 1, 1),  # an adult when the record was opened
    None,  # no date of birth: an adult's record
)


def _expected(svc, rules: dict[RecordKind, RetentionRule], day: date) -> set[str]:
    """The rule applied by hand to every stored record."""
    tz = svc.store.settings.tz
    with svc.store.engine.connect() as conn:
        rows = conn.execute(
            select(
                Person.reference,
                Person.date_of_birth,
                Person.created_at,
                Person.last_activity_at,
            )
        ).all()
    due = set()
    for ref, dob, created, last in rows:
        rule = rules[default_kind(dob, created.astimezone(tz).date())]
        if rule.review_on(dob, last.astimezone(tz).date()) <= day:
            due.add(ref)
    return due


def _boundary_days(svc, rules: dict[RecordKind, RetentionRule]) -> list[date]:
    """The day before, of and after each record's review date."""
    tz = svc.store.settings.tz
    with svc.store.engine.connect() as conn:
        rows = conn.execute(
            select(Person.date_of_birth, Person.created_at, Person.last_activity_at)
        ).all()
    days = set()
    for dob, created, last in rows:
        rule = rules[default_kind(dob, created.astimezone(tz).date())]
        on = rule.review_on(dob, last.astimezone(tz).date())
        days.update(on + timedelta(days=n) for n in (-1, 0, 1))
    return sorted(days)


def _queue_refs(svc, ig, day: date) -> set[str]:
    return {q.reference for q in svc.retention.queue(ig, day)}


def test_the_queue_holds_exactly_who_the_rule_says_on_each_boundary_day(svc, actors, ig):
    for n, dob in enumerate(BIRTHS):
        person(svc, actors.pat, family=f"Boundary{n}", dob=dob)
    for rules in (
        DEFAULT_RULES,
        {  # a site's own rules: a birthday or years after, whichever is later
            **DEFAULT_RULES,
            RecordKind.CHILD_PROTECTION: RetentionRule(
                RecordKind.CHILD_PROTECTION, 21, 3, "Our policy"
            ),
            RecordKind.ADULT: RetentionRule(RecordKind.ADULT, 40, None, "Our policy"),
        },
    ):
        for kind in (RecordKind.CHILD_PROTECTION, RecordKind.ADULT):
            rule = rules[kind]
            svc.retention.set_rule(
                ig,
                kind.value,
                age_years=rule.age_years,
                years_after=rule.years_after,
                source=rule.source,
            )
        days = _boundary_days(svc, rules)
        assert len(days) >= 3 * 3  # three review dates at least (adults share one)
        for day in days:
            expected = _expected(svc, rules, day)
            assert _queue_refs(svc, ig, day) == expected, day
            assert svc.retention.due_count(ig, day)[0] == len(expected)


def test_a_record_a_reviewer_placed_comes_up_on_its_own_date(svc, actors, ig):
    child = person(svc, actors.pat, family="Placed", dob=date(2016, 2, 29))
    svc.retention.set_kind(ig, child.reference, "looked_after")  # 75th birthday, not 25th
    assert child.reference not in _queue_refs(svc, ig, date(2041, 3, 1))
    assert child.reference in _queue_refs(svc, ig, date(2091, 2, 28))
    kept = date.today() + timedelta(days=30)
    svc.retention.keep(ig, child.reference, "Kept for a court case", kept)
    assert child.reference not in _queue_refs(svc, ig, kept - timedelta(days=1))
    assert child.reference in _queue_refs(svc, ig, kept)
