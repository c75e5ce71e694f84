"""Pure rules of information governance: the subject access clock, the retention schedule's
defaults, and small-count suppression for reports that leave the building.

Sources (docs/governance.md says more):
- Subject access time limits: UK GDPR Article 12(3); ICO, "Right of access" guidance, "How
  long do we have to comply?": the day of receipt is day one's start; the limit ends on the
  corresponding calendar date of the next month, or that month's last day when it has no such
  date; a limit ending on a weekend or bank holiday runs to the next working day; it can be
  extended by up to two further months for complex or numerous requests, if the requester is
  told within the first month, with the reasons.
- Retention: IRMS Information Management Toolkit for Schools; DfE data protection toolkit
  for schools; Care Planning, Placement and Case Review (England) Regulations 2010, reg 50;
  Keeping Children Safe in Education, Part 4.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from sharetui.domain.enums import LabelledEnum


def may_govern(role: str, advice_roles: tuple[str, ...] | list[str]) -> bool:
    """Information governance work (subject access, retention, disposal): administrators,
    and supervisors who answer as the information governance lead."""
    return role == "admin" or (role == "supervisor" and "information_governance" in advice_roles)


# -- the subject access clock ---------------------------------------------------------------
def add_calendar_months(day: date, months: int) -> date:
    """The corresponding calendar date `months` later; the last day of that month when it
    has no such date (31 January + 1 month = 28 February, or 29 in a leap year)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


def _easter_sunday(year: int) -> date:
    """Gregorian Easter (the anonymous algorithm, Meeus/Jones/Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    leap = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * leap) // 451
    month, day = divmod(h + leap - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _first_monday(year: int, month: int) -> date:
    d = date(year, month, 1)
    return d + timedelta(days=(7 - d.weekday()) % 7)


def _last_monday(year: int, month: int) -> date:
    d = date(year, month, calendar.monthrange(year, month)[1])
    return d - timedelta(days=d.weekday())


@cache
def bank_holidays(year: int) -> frozenset[date]:
    """England and Wales bank holidays by the usual rules (Banking and Financial Dealings
    Act 1971 and the annual proclamations), with weekend substitutes, and the days moved or
    added by proclamation since 2020. Ones proclaimed after this release are not known."""
    days: set[date] = set()

    def substitute(d: date) -> date:
        while d.weekday() >= 5 or d in days:
            d += timedelta(days=1)
        return d

    days.add(substitute(date(year, 1, 1)))
    easter = _easter_sunday(year)
    days.add(easter - timedelta(days=2))
    days.add(easter + timedelta(days=1))
    days.add(_first_monday(year, 5))
    days.add(_last_monday(year, 5))
    days.add(_last_monday(year, 8))
    christmas = substitute(date(year, 12, 25))
    days.add(christmas)
    days.add(substitute(date(year, 12, 26)))
    moved, added = _PROCLAIMED.get(year, ((), ()))
    return frozenset((days - set(moved)) | set(added))


# Bank holidays moved or added by proclamation (gov.uk/bank-holidays): (taken away, added).
_PROCLAIMED: dict[int, tuple[tuple[date, ...], tuple[date, ...]]] = {
    2020: ((date(2020, 5, 4),), (date(2020, 5, 8),)),  # VE Day anniversary
    2022: (
        (date(2022, 5, 30),),
        (date(2022, 6, 2), date(2022, 6, 3), date(2022, 9, 19)),  # Jubilee; state funeral
    ),
    2023: ((), (date(2023, 5, 8),)),  # the coronation
}


def next_working_day(day: date) -> date:
    """The day itself when it is a working day, else the next one (weekends, bank holidays)."""
    while day.weekday() >= 5 or day in bank_holidays(day.year):
        day += timedelta(days=1)
    return day


MAX_EXTENSION_MONTHS = 2


def clock_start(received_on: date, identity_confirmed_on: date | None) -> date | None:
    """The clock runs from receipt, or from when identity was confirmed when that came later
    (ICO: the time limit starts once the information needed to confirm identity arrives).
    None while identity is still to be confirmed."""
    if identity_confirmed_on is None:
        return None
    return max(received_on, identity_confirmed_on)


def due_date(start: date, extension_months: int = 0) -> date:
    """One calendar month from the clock's start, plus any extension, moved to the next
    working day when it falls on a weekend or bank holiday."""
    if not 0 <= extension_months <= MAX_EXTENSION_MONTHS:
        raise ValueError("an extension is one or two further months")
    return next_working_day(add_calendar_months(start, 1 + extension_months))


# -- requests ---------------------------------------------------------------------------------
class RequesterRelationship(LabelledEnum):
    PERSON = "person", "The person themselves"
    PARENT_WITH_PR = "parent_with_pr", "A parent with parental responsibility"
    ACTING_FOR = "acting_for", "Someone acting for them (with their authority)"


class SarStatus(LabelledEnum):
    AWAITING_IDENTITY = "awaiting_identity", "Awaiting proof of identity"
    OPEN = "open"
    ANSWERED = "answered"
    WITHDRAWN = "withdrawn"


class ReviewChoice(LabelledEnum):
    WITHHOLD = "withhold", "Withheld"
    RELEASE = "release", "Released"


# -- retention --------------------------------------------------------------------------------
class RecordKind(LabelledEnum):
    CHILD_PROTECTION = "child_protection", "Child protection record"
    LOOKED_AFTER = "looked_after", "Looked-after child's case record"
    ALLEGATION_STAFF = "allegation_staff", "Allegation against a member of staff"
    ADULT = "adult", "Adult named in children's records"


@dataclass(frozen=True)
class RetentionRule:
    """When a kind of record comes up for review: at a birthday (age_years), or a number of
    years after the last activity on the record (years_after), or the later of the two when
    both are set (allegations: retirement age or ten years, whichever is longer)."""

    kind: RecordKind
    age_years: int | None
    years_after: int | None
    source: str

    def describe(self) -> str:
        parts = []
        if self.age_years is not None:
            parts.append(f"review at the {_ordinal(self.age_years)} birthday")
        if self.years_after is not None:
            parts.append(f"review {self.years_after} years after the last activity")
        return " or ".join(parts) + (", whichever is later" if len(parts) == 2 else "")

    def review_on(self, dob: date | None, last_activity: date) -> date:
        """The first day the record is due for review. Without a date of birth, a birthday
        rule cannot be applied: the years-after rule decides, or the age counted from the
        last activity when only a birthday rule exists (a conservative later date)."""
        dates = []
        if self.age_years is not None and dob is not None:
            dates.append(add_calendar_months(dob, 12 * self.age_years))
        if self.years_after is not None:
            dates.append(add_calendar_months(last_activity, 12 * self.years_after))
        if not dates:
            dates.append(add_calendar_months(last_activity, 12 * (self.age_years or 0)))
        return max(dates)


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


IRMS = "IRMS Information Management Toolkit for Schools (child protection files)"
DEFAULT_RULES: dict[RecordKind, RetentionRule] = {
    RecordKind.CHILD_PROTECTION: RetentionRule(
        RecordKind.CHILD_PROTECTION,
        25,
        None,
        f"{IRMS}; DfE data protection toolkit for schools: until the child's 25th birthday, "
        "then review",
    ),
    RecordKind.LOOKED_AFTER: RetentionRule(
        RecordKind.LOOKED_AFTER,
        75,
        None,
        "Care Planning, Placement and Case Review (England) Regulations 2010, regulation 50: "
        "until the 75th birthday",
    ),
    RecordKind.ALLEGATION_STAFF: RetentionRule(
        RecordKind.ALLEGATION_STAFF,
        67,
        10,
        "Keeping Children Safe in Education, Part 4; IRMS toolkit: normal retirement age "
        "(state pension age, 67) or 10 years from the allegation, whichever is longer",
    ),
    RecordKind.ADULT: RetentionRule(
        RecordKind.ADULT,
        None,
        6,
        "Site's choice: no guidance sets a period for adults named in a child's records; "
        "the default is six years after the last activity (Limitation Act 1980, s2). Set "
        "your own policy",
    ),
}


ADULTHOOD_YEARS = 18


def default_kind(dob: date | None, created_on: date) -> RecordKind:
    """A record opened before the person's 18th birthday is a child protection record;
    others (and people without a date of birth) are adults' records, until a reviewer says
    otherwise."""
    if dob is not None and created_on < add_calendar_months(dob, 12 * ADULTHOOD_YEARS):
        return RecordKind.CHILD_PROTECTION
    return RecordKind.ADULT


def years_back(day: date, years: int) -> date:
    """A day no earlier than any x whose anniversary `years` on (add_calendar_months) falls on
    or before `day`: x <= years_back(day, years) whenever add_calendar_months(x, 12 * years)
    <= day. A 29 February's anniversary is 28 February, hence the days to spare. For a
    database's first sift (retention's queue): the rule itself then decides each record."""
    return add_calendar_months(day, -12 * years) + timedelta(days=3)


# -- suppression ------------------------------------------------------------------------------
SMALL = 5
FEWER_THAN = "fewer than 5"


def suppressed(count: int) -> str:
    """A count as a report that leaves the building shows it: under 5 (none included, so that
    "none" cannot be told from "one") as "fewer than 5", so that no child can be picked out."""
    return FEWER_THAN if count < SMALL else f"{count:,}"
