"""The fictional material (names, organisations, scopes) and the world the seeding plans in:
its families, its clock, and the plan of steps replayed through the services in time order."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sharetui.domain.enums import (
    Relationship,
)
from sharetui.domain.nhs import check_digit
from sharetui.services.facade import Services
from sharetui.services.unit_of_work import Actor

DEFAULT_SEED = 1
FAMILIES = 80
HISTORY_DAYS = 365
STORY_DAYS = 120


# -- fictional material ---------------------------------------------------------------------
def _words(text: str) -> list[str]:
    return text.split()


SURNAMES = _words(
    "Adeyemi Ahmed Ali Allen Anderson Bailey Baker Begum Bell Bennett Brown Campbell Carter "
    "Chapman Chen Clarke Collins Cooper Cox Davies Edwards Ellis Evans Fox Gray Green Griffiths "
    "Hall Harris Hughes Hunt Hussain Jackson James Johnson Jones Kaur Kelly Khan King Kowalski "
    "Lee Lloyd Marshall Martin Mensah Mitchell Moore Morris Murphy Nguyen Nowak O'Brien Okoro "
    "Parker Patel Phillips Popescu Price Reynolds Richards Roberts Robinson Rose Russell Santos "
    "Scott Shaw Silva Simpson Singh Taylor Thomas Thompson Turner Walker Ward Watson White "
    "Wilkinson Williams Wilson Wood Wright Young"
) + ["Müller", "Zieliński", "Dvořák", "Ó Súilleabháin", "Da Costa", "Al-Sayed"]
ADULT_NAMES = _words(
    "Aisha Amir Amy Andrew Anna Ben Carla Chloe Chris Claire Daniel Dean Ewa Farah Gemma Grace "
    "Hannah Imran Jade Jamal Jason Jen Joanne Kate Kevin Kirsty Laura Lee Leanne Liam Lisa Mark "
    "Marta Matt Michelle Mohammed Nadia Natalie Neil Nicola Omar Paul Rachel Rebecca Ryan Sadia "
    "Sarah Shanice Simon Sophie Stacey Stephen Tom Tomasz Tracey Vikram Yusuf Zainab"
) + ["Chloé", "Zoë", "Siobhán", "Björn"]
CHILD_NAMES = _words(
    "Aaliyah Adam Alfie Amara Archie Arlo Ava Bella Charlie Daisy Darius Eli Ella Elsie Ethan "
    "Evie Finley Freddie George Hafsa Harper Harry Ibrahim Isla Ivy Jack Jacob Kai Layla Leo "
    "Lily Logan Lola Luca Maya Mia Mila Muhammad Noah Nia Oliver Olivia Oscar Poppy Reggie "
    "Riley Rosie Ruby Sienna Sofia Teddy Theo Tommy Willow Yusuf Zara Zayn"
) + ["Zoë", "Léa", "Mateusz", "Łucja"]
STAFF_NAMES = (
    "Helen Price",
    "Marcus Bell",
    "Joanne Hart",
    "Ravi Desai",
    "Kerry Walsh",
    "Owen Pryce",
    "Bea Lindqvist",
    "Tariq Malik",
)


@dataclass(frozen=True)
class _Org:
    org: str
    role: str
    contact: str
    category: str


ORGS = (
    _Org(
        "Northfield Children's Social Care",
        "Duty social worker",
        "duty.team@northfield.example.gov.uk",
        "social_care",
    ),
    _Org(
        "Northfield Police Public Protection Unit",
        "Detective constable",
        "ppu@northfield-police.example",
        "criminal",
    ),
    _Org("Riverside Medical Practice", "GP", "01632 960 118", "health"),
    _Org(
        "St Anne's Primary School",
        "Designated safeguarding lead",
        "dsl@st-annes.example.sch.uk",
        "education",
    ),
    _Org(
        "Northfield Academy",
        "Head of year",
        "safeguarding@northfield-academy.example.sch.uk",
        "education",
    ),
    _Org(
        "Northfield Early Help",
        "Family support worker",
        "earlyhelp@northfield.example.gov.uk",
        "family_circumstances",
    ),
    _Org("Northfield CAMHS", "Clinical lead", "camhs.referrals@nhs.example", "health"),
    _Org(
        "Northfield Housing Options",
        "Housing officer",
        "housing@northfield.example.gov.uk",
        "contact_details",
    ),
    _Org(
        "Northfield Youth Justice Service",
        "Case manager",
        "yjs@northfield.example.gov.uk",
        "criminal",
    ),
    _Org("Health Visiting Team (North)", "Health visitor", "01632 960 447", "health"),
)

SCOPES = (
    ("health information", "school nurse", "a health assessment", 3),
    ("education and attendance records", "the early help team", "a family support plan", 5),
    ("contact details and attendance", "the school", "attendance support", 3),
    ("health information", "the GP surgery", "continuity of care", 2),
    ("family circumstances", "the housing team", "a housing application", 7),
    ("mental health information", "CAMHS", "a referral for assessment", 6),
)


@dataclass
class _Member:
    key: str
    family_name: str
    given_names: str
    dob: date
    estimated: bool
    adult: bool
    nhs: str = ""
    relationship: Relationship | None = None  # what this adult is to the household's children

    @property
    def full_name(self) -> str:
        return f"{self.given_names} {self.family_name}"

    def age(self, today: date) -> int:
        return (
            today.year - self.dob.year - ((today.month, today.day) < (self.dob.month, self.dob.day))
        )


@dataclass
class _Family:
    key: str
    adults: list[_Member]
    children: list[_Member]
    first_contact: datetime


@dataclass(frozen=True)
class SeedSummary:
    seed: int
    families: int
    people: int
    links: int
    consent_events: int
    decisions: int
    amended_decisions: int
    advice_items: int
    advice_by_status: dict[str, int]
    views: int
    drafts: int


@dataclass
class _World:
    svc: Services
    rng: random.Random
    tz: ZoneInfo
    now: datetime
    actors: dict[str, Actor]
    person_ids: dict[str, int] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    advice_status: dict[str, str] = field(default_factory=dict)
    next_ref: int = 1
    relied_scopes: set[tuple[str, tuple[str, str, str, int]]] = field(default_factory=set)

    def bump(self, name: str, n: int = 1) -> None:
        self.counts[name] = self.counts.get(name, 0) + n

    def cap(self, when: datetime, minutes_before: int = 1) -> datetime:
        """Never later than a little before now: the demo holds no future records."""
        return min(when, self.now - timedelta(minutes=minutes_before))

    def fork(self) -> random.Random:
        """A stream of choices for one story, so that the order the steps run in (which
        follows the calendar) never changes what the seed produces."""
        return random.Random(self.rng.getrandbits(64))


class _Plan:
    """Steps with the time they happen; run in time order so the audit trail reads forward."""

    def __init__(self) -> None:
        self.steps: list[tuple[datetime, int, Callable[[], object]]] = []

    def at(self, when: datetime, step: Callable[[], object]) -> None:
        self.steps.append((when, len(self.steps), step))


# -- times ----------------------------------------------------------------------------------
def _working_time(rng: random.Random, tz: ZoneInfo, day: date) -> datetime:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    local = datetime.combine(day, time(8, 30), tzinfo=tz) + timedelta(
        minutes=rng.randrange(0, 8 * 60 + 30)
    )
    return local.astimezone(UTC)


def _between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    if end <= start:
        return start + timedelta(minutes=1)
    span = (end - start).total_seconds()
    return start + timedelta(seconds=rng.uniform(0, span))


# -- building the families ------------------------------------------------------------------
def _nhs_number(rng: random.Random) -> str:
    """A made-up number that passes the domain's own check (the same draws as always, so a
    seed gives the same demo)."""
    while True:
        digits = [rng.randrange(10) for _ in range(9)]
        if digits[0] == 0:
            continue
        first_nine = "".join(map(str, digits))
        check = check_digit(first_nine)
        if check is not None:
            return first_nine + str(check)


def _dob(rng: random.Random, today: date, min_age: int, max_age: int) -> date:
    age_days = rng.randrange(min_age * 365 + 1, max_age * 365 + 364)
    return today - timedelta(days=age_days)
