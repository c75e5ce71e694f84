"""One calendar for every "working day" and "school day" the app counts.

Due times used to skip weekends only, so a routine due date could land on Christmas Day or
Easter Monday. Bank holidays come from the `holidays` library (UK, by nation: England and
Wales share one list, Scotland and Northern Ireland have their own), the site's choice in
settings (SHARETUI_BANK_HOLIDAYS). School days are working days inside a term a site has
entered; outside the span of the terms entered (or with none entered) every working day
counts as a school day, so a site that has not yet entered next year's terms still gets
due dates.

Used by advice due times, receipt chasing and child protection file transfers (KCSIE: the
file goes to the new setting within 5 school days of an in-year move, or within the first
5 school days of a new term).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from sharetui.domain.enums import LabelledEnum


class BankHolidayRegion(LabelledEnum):
    ENGLAND_AND_WALES = "england-and-wales", "England and Wales"
    SCOTLAND = "scotland"
    NORTHERN_IRELAND = "northern-ireland", "Northern Ireland"

    @property
    def subdivision(self) -> str:
        """The `holidays` library's code for the nation (Wales keeps England's list)."""
        return {
            BankHolidayRegion.ENGLAND_AND_WALES: "ENG",
            BankHolidayRegion.SCOTLAND: "SCT",
            BankHolidayRegion.NORTHERN_IRELAND: "NIR",
        }[self]

    @classmethod
    def parse(cls, text: str) -> BankHolidayRegion:
        """'england-and-wales', 'England and Wales', 'scotland', 'NI'... -> the region."""
        key = "-".join(text.strip().lower().replace("&", "and").split())
        aliases = {
            "england": cls.ENGLAND_AND_WALES,
            "wales": cls.ENGLAND_AND_WALES,
            "eng": cls.ENGLAND_AND_WALES,
            "sct": cls.SCOTLAND,
            "ni": cls.NORTHERN_IRELAND,
            "nir": cls.NORTHERN_IRELAND,
        }
        if key in aliases:
            return aliases[key]
        return cls(key)


@lru_cache(maxsize=64)
def _holidays_of(subdivision: str, year: int) -> dict[date, str]:
    import holidays  # imported when first needed: the first screen does not wait for it

    found = holidays.country_holidays("GB", subdiv=subdivision, years=year)
    return dict(found.items())


@dataclass(frozen=True)
class Term:
    """A school term (or half-term block) a site entered: first and last school day."""

    name: str
    first_day: date
    last_day: date

    def contains(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day


@dataclass(frozen=True)
class WorkingCalendar:
    region: BankHolidayRegion = BankHolidayRegion.ENGLAND_AND_WALES
    terms: tuple[Term, ...] = field(default_factory=tuple)

    # -- days -----------------------------------------------------------------------------
    def bank_holiday(self, day: date) -> str | None:
        """The bank holiday's name on that day, or None."""
        return _holidays_of(self.region.subdivision, day.year).get(day)

    def bank_holidays(self, year: int) -> list[tuple[date, str]]:
        return sorted(_holidays_of(self.region.subdivision, year).items())

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and self.bank_holiday(day) is None

    def is_school_day(self, day: date) -> bool:
        if not self.is_working_day(day):
            return False
        if not self.terms or not self.terms[0].first_day <= day <= self.terms[-1].last_day:
            return True  # outside the span the site has entered: every working day counts
        return any(t.contains(day) for t in self.terms)

    # -- counting -------------------------------------------------------------------------
    def next_working_day(self, day: date) -> date:
        return _add(self.is_working_day, day, 1)

    def add_working_days(self, day: date, n: int) -> date:
        """The n-th working day after `day` (the day itself is not counted)."""
        return _add(self.is_working_day, day, n)

    def working_days_after(self, start: date, end: date) -> int:
        """Working days after start up to and including end (0 when end <= start)."""
        return _count(self.is_working_day, start, end)

    def next_school_day(self, day: date) -> date:
        return _add(self.is_school_day, day, 1)

    def add_school_days(self, day: date, n: int) -> date:
        return _add(self.is_school_day, day, n)

    def school_days_after(self, start: date, end: date) -> int:
        return _count(self.is_school_day, start, end)

    def transfer_due(self, moved_on: date) -> date:
        """When a child protection file must reach the new setting (KCSIE): 5 school days
        after an in-year move; when the move falls outside term time, by the fifth school
        day of the new term (its first day counted as day one)."""
        if self.is_school_day(moved_on):
            return self.add_school_days(moved_on, 5)
        first = self.next_school_day(moved_on)
        return self.add_school_days(first, 4)


def _add(is_day: Callable[[date], bool], day: date, n: int) -> date:
    """The n-th day after `day` that is_day counts (working or school days alike; `day`
    itself is not counted, and n = 0 gives `day` back)."""
    for _ in range(n):
        day += timedelta(days=1)
        while not is_day(day):
            day += timedelta(days=1)
    return day


def _count(is_day: Callable[[date], bool], start: date, end: date) -> int:
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        if is_day(day):
            count += 1
    return count


def terms_from(rows: Iterable[tuple[str, date, date]]) -> tuple[Term, ...]:
    return tuple(sorted((Term(n, a, b) for n, a, b in rows), key=lambda t: t.first_day))
