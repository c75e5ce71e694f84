"""The subject access clock and small-count suppression, as pure rules (the services' tests
check the same dates stored on both engines)."""

from __future__ import annotations

from datetime import date

import pytest

from sharetui.domain.governance import (
    DEFAULT_RULES,
    FEWER_THAN,
    RecordKind,
    add_calendar_months,
    bank_holidays,
    clock_start,
    default_kind,
    due_date,
    suppressed,
)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 1, 31), 3, date(2024, 4, 30)),
        (date(2025, 12, 15), 1, date(2026, 1, 15)),
        (date(2025, 8, 31), 1, date(2025, 9, 30)),
    ],
)
def test_calendar_months(day, months, expected):
    assert add_calendar_months(day, months) == expected


def test_bank_holidays_of_england_and_wales():
    assert sorted(bank_holidays(2026)) == [
        date(2026, 1, 1),
        date(2026, 4, 3),
        date(2026, 4, 6),
        date(2026, 5, 4),
        date(2026, 5, 25),
        date(2026, 8, 31),
        date(2026, 12, 25),
        date(2026, 12, 28),  # Boxing Day on a Saturday
    ]
    assert date(2022, 12, 27) in bank_holidays(2022)  # Christmas Day on a Sunday
    assert date(2023, 5, 8) in bank_holidays(2023)  # proclaimed
    assert date(2020, 5, 8) in bank_holidays(2020) and date(2020, 5, 4) not in bank_holidays(2020)


def test_due_dates():
    assert due_date(date(2025, 12, 25)) == date(2026, 1, 26)  # 25 Jan 2026 is a Sunday
    assert due_date(date(2025, 3, 31), 2) == date(2025, 6, 30)
    assert clock_start(date(2025, 1, 10), None) is None
    assert clock_start(date(2025, 1, 10), date(2025, 1, 12)) == date(2025, 1, 12)
    with pytest.raises(ValueError):
        due_date(date(2025, 1, 1), 3)


def test_retention_rules_and_kinds():
    cp = DEFAULT_RULES[RecordKind.CHILD_PROTECTION]
    assert cp.review_on(date(2001, 2, 28), date(2010, 1, 1)) == date(2026, 2, 28)
    staff = DEFAULT_RULES[RecordKind.ALLEGATION_STAFF]
    assert staff.review_on(date(1990, 1, 1), date(2020, 6, 1)) == date(2057, 1, 1)
    assert staff.review_on(date(1960, 1, 1), date(2020, 6, 1)) == date(2030, 6, 1)
    assert all(rule.source for rule in DEFAULT_RULES.values())
    assert default_kind(date(2010, 1, 1), date(2020, 1, 1)) is RecordKind.CHILD_PROTECTION
    assert default_kind(date(1980, 1, 1), date(2020, 1, 1)) is RecordKind.ADULT
    assert default_kind(None, date(2020, 1, 1)) is RecordKind.ADULT


def test_small_counts_read_fewer_than_5():
    assert [suppressed(n) for n in (0, 1, 4, 5, 1234)] == [
        FEWER_THAN,
        FEWER_THAN,
        FEWER_THAN,
        "5",
        "1,234",
    ]
