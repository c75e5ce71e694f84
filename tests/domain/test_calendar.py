"""The one calendar: bank holidays by nation, school days inside entered terms, and the due
times that count them (advice, receipts, child protection file transfers)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from sharetui.domain.advice_rules import due_at
from sharetui.domain.calendar import BankHolidayRegion, Term, WorkingCalendar
from sharetui.domain.enums import Urgency

LONDON = ZoneInfo("Europe/London")
EW = WorkingCalendar(BankHolidayRegion.ENGLAND_AND_WALES)


def test_bank_holidays_differ_by_nation() -> None:
    assert EW.bank_holiday(date(2026, 4, 6)) == "Easter Monday"
    scotland = WorkingCalendar(BankHolidayRegion.SCOTLAND)
    assert scotland.is_working_day(date(2026, 4, 6))  # not a bank holiday in Scotland
    assert not scotland.is_working_day(date(2026, 1, 2))  # 2 January is, there only
    assert EW.is_working_day(date(2026, 1, 2))
    ni = WorkingCalendar(BankHolidayRegion.NORTHERN_IRELAND)
    assert not ni.is_working_day(date(2026, 3, 17))  # St Patrick's Day


@pytest.mark.parametrize(
    ("text", "region"),
    [
        ("england-and-wales", BankHolidayRegion.ENGLAND_AND_WALES),
        ("England and Wales", BankHolidayRegion.ENGLAND_AND_WALES),
        ("Scotland", BankHolidayRegion.SCOTLAND),
        ("northern ireland", BankHolidayRegion.NORTHERN_IRELAND),
        ("NI", BankHolidayRegion.NORTHERN_IRELAND),
    ],
)
def test_region_names_people_type(text: str, region: BankHolidayRegion) -> None:
    assert BankHolidayRegion.parse(text) is region


def test_working_days_skip_the_easter_weekend() -> None:
    # Thursday 2 April 2026; Good Friday 3rd, Easter Monday 6th
    assert EW.add_working_days(date(2026, 4, 2), 1) == date(2026, 4, 7)
    assert EW.add_working_days(date(2026, 4, 2), 3) == date(2026, 4, 9)
    assert EW.working_days_after(date(2026, 4, 2), date(2026, 4, 9)) == 3


def test_routine_advice_is_never_due_on_a_bank_holiday() -> None:
    # Raised Wednesday 23 December 2026: 24th, then 25th, 26th (Sat), 28th (Boxing Day
    # observed) are skipped: 24, 29, 30
    raised = datetime(2026, 12, 23, 10, 0, tzinfo=UTC)
    assert due_at(Urgency.ROUTINE, raised, LONDON, EW) == datetime(2026, 12, 30, 17, 0, tzinfo=UTC)
    # "Today" advice raised on Good Friday is due on the Tuesday after Easter
    good_friday = datetime(2026, 4, 3, 9, 0, tzinfo=UTC)
    assert due_at(Urgency.TODAY, good_friday, LONDON, EW) == datetime(2026, 4, 7, 16, 0, tzinfo=UTC)


# A half-term: term to Friday 13 February 2026, half-term week, back Monday 23 February.
TERMS = (
    Term("Spring 1", date(2026, 1, 5), date(2026, 2, 13)),
    Term("Spring 2", date(2026, 2, 23), date(2026, 3, 27)),
)
SCHOOL = WorkingCalendar(BankHolidayRegion.ENGLAND_AND_WALES, TERMS)


def test_transfer_due_date_counts_school_days_across_half_term() -> None:
    # Left Wednesday 11 February: Thu 12, Fri 13, then half-term, Mon 23, Tue 24, Wed 25
    assert SCHOOL.transfer_due(date(2026, 2, 11)) == date(2026, 2, 25)
    # Without term dates the half-term week counts: Wednesday 18 February
    assert EW.transfer_due(date(2026, 2, 11)) == date(2026, 2, 18)


def test_a_move_in_the_holidays_is_due_within_the_first_five_days_of_term() -> None:
    # Joined during half-term: day one is Monday 23 February, day five Friday 27th
    assert SCHOOL.transfer_due(date(2026, 2, 17)) == date(2026, 2, 27)


def test_outside_the_terms_entered_every_working_day_is_a_school_day() -> None:
    assert SCHOOL.is_school_day(date(2026, 9, 7))  # next year's terms not entered yet
    assert not SCHOOL.is_school_day(date(2026, 2, 16))  # half-term
