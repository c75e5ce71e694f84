"""A demo database: fictional families, their consent, decisions and advice, replayed through
the real services over the past six months so every record has its audit event and the
database passes `sharetui audit verify`.

The content (names, families, choices) depends only on the seed; dates are placed relative to
the day the demo is seeded so the advice queue is current. Nothing here is real: every name
is made up and every address or email uses the reserved .example domain.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sharetui.config import Settings, default_data_dir
from sharetui.demo.after_share import plan_after_share
from sharetui.demo.governance import plan_governance
from sharetui.domain.consent import ConsentInput
from sharetui.domain.decision import DecisionInput, QualityCheck
from sharetui.domain.enums import (
    AdviceRole,
    Art9Condition,
    CallerCheck,
    ConsentGiver,
    ConsentMethod,
    ConsentPosition,
    ConsentStatus,
    LawfulBasis,
    NotSoughtReason,
    Outcome,
    Quality,
    Relationship,
    RequestOrigin,
    ShareMethod,
    Urgency,
)
from sharetui.domain.person import PersonInput
from sharetui.services import demo_marks, site
from sharetui.services.demo_marks import DEMO_BEGIN, DEMO_COMPLETE
from sharetui.services.facade import Services
from sharetui.services.store import Actor, Store
from sharetui.services.users import actor_for
from sharetui.services.views import DecisionView

DEFAULT_SEED = 1
FAMILIES = 80
HISTORY_DAYS = 365
STORY_DAYS = 120


@dataclass(frozen=True)
class DemoAccount:
    username: str
    display_name: str
    role: str
    advice_roles: tuple[str, ...]
    role_label: str
    passphrase: str
    # The second factor's secret (RFC 6238, base32), published like the passphrase so that a
    # newcomer can add it to an authenticator app; the sign-in screen of the demo also shows
    # the current code. Supervisors and administrators always have one.
    totp_secret: str = ""


# Fixed passphrases: the demo holds only fictional data, and a reused demo database must
# print the same ones again whatever seed it was made with.
DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("priya", "Priya Shah", "practitioner", (), "Practitioner", "apple orchard lantern"),
    DemoAccount(
        "sam",
        "Sam Okafor",
        "supervisor",
        tuple(r.value for r in AdviceRole),
        "Supervisor: DSL, Caldicott guardian, senior leadership, IG lead",
        "copper kettle harbour",
        "DEMOSAMOKAFORSUPERVISORDSL234567",
    ),
    DemoAccount(
        "dee",
        "Dee Lewis",
        "supervisor",
        (AdviceRole.DSL.value,),
        "Supervisor: DSL",
        "maple ferry willow",
        "DEMODEELEWISSUPERVISORDSL2345672",
    ),
    DemoAccount(
        "alex",
        "Alex Morgan",
        "admin",
        (),
        "Administrator",
        "granite meadow signal",
        "DEMOALEXMORGANADMINISTRATOR23456",
    ),
)


def demo_code(username: str) -> str:
    """The code a demo account's authenticator shows now ('' for an account without one or
    not of the demo): the demo's secrets are published, so showing it gives nothing away."""
    import pyotp

    for acc in DEMO_ACCOUNTS:
        if acc.username == username.strip().lower() and acc.totp_secret:
            return str(pyotp.TOTP(acc.totp_secret).now())
    return ""


def default_demo_url() -> str:
    return f"sqlite:///{default_data_dir() / 'demo.db'}"


# -- the state of a database ----------------------------------------------------------------
_DEMO_USERNAMES = frozenset(a.username for a in DEMO_ACCOUNTS)


def added_since_demo(store: Store) -> str:
    """'' when a finished demo holds only what the demo made; else what was added."""
    return demo_marks.added_since(store, _DEMO_USERNAMES)


def demo_state(store: Store) -> str:
    """'empty', 'demo', 'changed', 'incomplete' or 'other' (see demo_marks.state)."""
    return demo_marks.state(store, _DEMO_USERNAMES)


def inspect_state(settings: Settings) -> str:
    """demo_state() without touching the schema: 'absent' for a missing SQLite file, and
    'other' for a database holding tables that are not sharetui's, which must never be
    migrated into, seeded or deleted. An encrypted demo opens with the site key."""
    return demo_marks.state_untouched(settings, _DEMO_USERNAMES)


def demo_seed_used(store: Store) -> int | None:
    """The seed a finished demo database was made with."""
    return demo_marks.seed_used(store)


def sqlite_file(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for another database."""
    return site.sqlite_file(url)


def remove_sqlite_files(path: Path) -> None:
    """Delete a SQLite database with its WAL, shared-memory and writers' turn files."""
    for suffix in ("", "-wal", "-shm", "-journal", "-writers"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def open_for_seeding(settings: Settings) -> Services:
    """Services on a migrated database, encrypted like any new one (store/encryption.py). On
    SQLite, commits skip the fsync while seeding: the demo can always be made again, and it
    is ten times faster."""
    return Services(site.open_fast(settings))


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
    while True:
        digits = [rng.randrange(10) for _ in range(9)]
        if digits[0] == 0:
            continue
        total = sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True))
        check = 11 - total % 11
        if check == 11:
            check = 0
        if check != 10:
            return "".join(map(str, digits)) + str(check)


def _dob(rng: random.Random, today: date, min_age: int, max_age: int) -> date:
    age_days = rng.randrange(min_age * 365 + 1, max_age * 365 + 364)
    return today - timedelta(days=age_days)


def _families(w: _World, count: int) -> list[_Family]:
    rng, today = w.rng, w.now.date()
    start = w.now - timedelta(days=HISTORY_DAYS)
    families: list[_Family] = []
    for n in range(count):
        surname = rng.choice(SURNAMES)
        adults: list[_Member] = []
        kinship = rng.random() < 0.1
        youngest_parent_age = 19
        if kinship:  # a grandparent brings the children up
            adults.append(
                _Member(
                    f"f{n}a0",
                    surname,
                    rng.choice(ADULT_NAMES),
                    _dob(rng, today, 52, 74),
                    False,
                    True,
                    relationship=Relationship.CARER_WITH_PR,
                )
            )
        else:
            first = _Member(
                f"f{n}a0",
                surname,
                rng.choice(ADULT_NAMES),
                _dob(rng, today, 22, 48),
                False,
                True,
                relationship=Relationship.PARENT_WITH_PR,
            )
            adults.append(first)
            youngest_parent_age = first.age(today)
            if rng.random() < 0.55:
                other = rng.choice(SURNAMES) if rng.random() < 0.35 else surname
                adults.append(
                    _Member(
                        f"f{n}a1",
                        other,
                        rng.choice(ADULT_NAMES),
                        _dob(rng, today, 22, 55),
                        rng.random() < 0.1,
                        True,
                        relationship=rng.choice(
                            (Relationship.PARENT_WITH_PR, Relationship.PARENT_WITHOUT_PR)
                        ),
                    )
                )
            if rng.random() < 0.15:
                adults.append(
                    _Member(
                        f"f{n}a2",
                        rng.choice(SURNAMES),
                        rng.choice(ADULT_NAMES),
                        _dob(rng, today, 20, 50),
                        rng.random() < 0.3,
                        True,
                        relationship=Relationship.HOUSEHOLD_MEMBER,
                    )
                )
        max_child_age = min(17, max(youngest_parent_age - 17, 0))
        kids = rng.choices((1, 2, 3, 4), weights=(30, 35, 22, 13))[0]
        children = []
        used: set[str] = set()
        for k in range(kids):
            name = rng.choice(CHILD_NAMES)
            while name in used:
                name = rng.choice(CHILD_NAMES)
            used.add(name)
            children.append(
                _Member(
                    f"f{n}c{k}",
                    surname if rng.random() < 0.85 else adults[-1].family_name,
                    name,
                    _dob(rng, today, 0, max_child_age),
                    rng.random() < 0.05,
                    False,
                )
            )
        for m in adults + children:
            if rng.random() < 0.65:
                m.nhs = _nhs_number(rng)
        offset = rng.randrange(0, HISTORY_DAYS - 10)
        contact_day = (start + timedelta(days=offset)).date()
        families.append(_Family(f"f{n}", adults, children, _working_time(rng, w.tz, contact_day)))
    return families


def _plan_family(w: _World, plan: _Plan, fam: _Family) -> None:
    t = fam.first_contact
    for i, m in enumerate(fam.adults + fam.children):
        plan.at(t + timedelta(seconds=20 * i), _create_person_step(w, m))
    t_links = t + timedelta(minutes=10)
    for adult in fam.adults:
        for child in fam.children:
            assert adult.relationship is not None
            plan.at(t_links, _link_step(w, adult.key, child.key, adult.relationship))
    for i, a in enumerate(fam.children):
        for b in fam.children[i + 1 :]:
            plan.at(t_links, _link_step(w, a.key, b.key, Relationship.SIBLING))


def _create_person_step(w: _World, m: _Member) -> Callable[[], None]:
    ref = f"DEMO-{w.next_ref:05d}"
    w.next_ref += 1
    notes = ""
    if not m.adult and w.rng.random() < 0.3:
        notes = w.rng.choice(
            (
                "Attends breakfast club most days.",
                "Known to the school nursing team for asthma.",
                "Young carer for a parent.",
                "Moved into the area this term; previous school records requested.",
            )
        )
    person = PersonInput(
        family_name=m.family_name,
        given_names=m.given_names,
        date_of_birth=m.dob,
        dob_estimated=m.estimated,
        reference=ref,
        nhs_number=m.nhs,
        notes=notes,
    )

    creator = "priya" if w.rng.random() < 0.7 else "sam"

    def step() -> None:
        actor = w.actors[creator]
        created = w.svc.people.create(actor, person, confirm_not_duplicate=True)
        w.person_ids[m.key] = created.id
        w.bump("people")

    return step


def _link_step(w: _World, from_key: str, to_key: str, rel: Relationship) -> Callable[[], None]:
    def step() -> None:
        w.svc.people.link(w.actors["priya"], w.person_ids[from_key], w.person_ids[to_key], rel)
        w.bump("links")

    return step


def _plan_linked_families(w: _World, plan: _Plan, families: list[_Family]) -> None:
    """Some households are related: half-siblings and aunts or uncles across families."""
    rng = w.rng
    for fam in families:
        if rng.random() >= 0.18 or len(families) < 2:
            continue
        other = rng.choice([f for f in families if f is not fam])
        when = max(fam.first_contact, other.first_contact) + timedelta(hours=2)
        a = rng.choice(fam.children)
        if rng.random() < 0.5:
            b = rng.choice(other.children)
            rel = Relationship.SIBLING
        else:
            b = rng.choice(other.adults)
            rel = Relationship.OTHER_RELATIVE
        plan.at(when, _link_step(w, b.key, a.key, rel))


# -- consent --------------------------------------------------------------------------------
def _consent_step(
    w: _World,
    person_key: str,
    scope: tuple[str, str, str, int],
    status: ConsentStatus,
    giver: _Member | None,
    box: dict[str, int] | None = None,
    *,
    reason: NotSoughtReason | None = None,
    recorder: str = "priya",
) -> Callable[[], None]:
    info, recipient, purpose, _ = scope
    subject_is_giver = giver is not None and giver.key == person_key
    method: ConsentMethod | None = w.rng.choice(
        (ConsentMethod.VERBAL, ConsentMethod.WRITTEN, ConsentMethod.ELECTRONIC)
    )
    given_by: ConsentGiver | None = ConsentGiver.PARENT_WITH_PR
    if status is ConsentStatus.NOT_SOUGHT:
        given_by = method = None
    elif subject_is_giver:
        given_by = ConsentGiver.PERSON if giver and giver.adult else ConsentGiver.COMPETENT_CHILD

    def step() -> None:
        told = ""
        if status is ConsentStatus.GIVEN:
            told = (
                f"Explained that {info} would go to {recipient} for {purpose}, what it "
                "would be used for, and that consent can be withdrawn at any time."
            )
        view = w.svc.consent.record(
            w.actors[recorder],
            ConsentInput(
                person_id=w.person_ids[person_key],
                status=status,
                not_sought_reason=reason,
                given_by=given_by,
                given_by_name=giver.full_name if giver and given_by else "",
                method=method,
                told=told,
                scope_information=info,
                scope_recipient=recipient,
                scope_purpose=purpose,
            ),
        )
        if box is not None:
            box["consent"] = view.id
        w.bump("consent_events")

    return step


def _giver_for(w: _World, fam: _Family, child: _Member) -> _Member:
    self_consent = w.rng.random() < 0.5
    holders = [a for a in fam.adults if a.relationship in _PR]
    parent = w.rng.choice(holders or fam.adults)
    return child if self_consent and child.age(w.now.date()) >= 13 else parent


_PR = (Relationship.PARENT_WITH_PR, Relationship.CARER_WITH_PR)


def _plan_consent_history(
    w: _World, plan: _Plan, fam: _Family, child: _Member, start: datetime, end: datetime
) -> None:
    """Histories a practitioner meets: given, refused, withdrawn, given again, not sought."""
    rng = w.rng
    for scope in rng.sample(SCOPES, k=rng.choices((0, 1, 2), weights=(35, 45, 20))[0]):
        pattern = rng.choices(
            ("given", "given_withdrawn", "refused", "not_sought", "given_withdrawn_given"),
            weights=(35, 20, 20, 10, 15),
        )[0]
        giver = _giver_for(w, fam, child)
        times = sorted(_between(rng, start, end) for _ in range(3))
        if pattern == "not_sought":
            reason = rng.choice(list(NotSoughtReason))
            plan.at(
                times[0],
                _consent_step(w, child.key, scope, ConsentStatus.NOT_SOUGHT, None, reason=reason),
            )
            continue
        first = ConsentStatus.REFUSED if pattern == "refused" else ConsentStatus.GIVEN
        plan.at(times[0], _consent_step(w, child.key, scope, first, giver))
        if pattern.startswith("given_withdrawn"):
            plan.at(times[1], _consent_step(w, child.key, scope, ConsentStatus.WITHDRAWN, giver))
        if pattern == "given_withdrawn_given":
            plan.at(times[2], _consent_step(w, child.key, scope, ConsentStatus.GIVEN, giver))


# -- decisions ------------------------------------------------------------------------------
def _checks(rng: random.Random) -> dict[str, QualityCheck]:
    checks = {q.value: QualityCheck(True, "") for q in Quality}
    if rng.random() < 0.08:
        checks[Quality.TIMELY.value] = QualityCheck(
            False, "The request came in after hours; shared first thing the next morning."
        )
    return checks


def _decider(rng: random.Random) -> str:
    return rng.choices(("priya", "sam", "dee"), weights=(65, 20, 15))[0]


def _siblings(fam: _Family, child: _Member) -> list[str]:
    return [c.key for c in fam.children if c.key != child.key]


@dataclass
class _DecisionBox:
    view: DecisionView | None = None
    consent: dict[str, int] = field(default_factory=dict)


def _log_step(
    w: _World,
    decider: str,
    build: Callable[[], DecisionInput],
    box: _DecisionBox,
) -> Callable[[], None]:
    def step() -> None:
        box.view = w.svc.decisions.log(w.actors[decider], build())
        w.bump("decisions")
        w.bump(f"outcome.{box.view.outcome.value}")

    return step


def _amend_step(
    w: _World,
    decider: str,
    box: _DecisionBox,
    change: Callable[[DecisionInput], None],
    reason: str,
) -> Callable[[], None]:
    def step() -> None:
        assert box.view is not None
        data = w.svc.decisions.to_input(box.view)
        change(data)
        box.view = w.svc.decisions.amend(w.actors[decider], box.view.id, data, reason)
        if box.view.version == 2:
            w.bump("amended")

    return step


def _plan_decisions(
    w: _World, plan: _Plan, fam: _Family, child: _Member, start: datetime, end: datetime
) -> None:
    rng = w.rng
    count = rng.choices((0, 1, 2, 3), weights=(25, 40, 25, 10))[0]
    for _ in range(count):
        kind = rng.choices(
            (
                "consent_share",
                "protective_share",
                "urgent_share",
                "refused_but_shared",
                "unverified_caller",
                "not_necessary",
                "share_in_part",
                "pending_advice",
            ),
            weights=(22, 18, 10, 8, 9, 9, 12, 12),
        )[0]
        t = _between(rng, start, end)
        _SCENARIOS[kind](w, plan, fam, child, t, end)


def _base_share(
    w: _World,
    rng: random.Random,
    subject: _Member,
    org: _Org,
    *,
    urgent: bool = False,
    others: list[str] | None = None,
    info: str,
    purpose: str,
    basis: LawfulBasis,
    consent_position: ConsentPosition | None,
    outcome: Outcome = Outcome.SHARE,
    reasons: str,
    when: datetime,
) -> DecisionInput:
    special = org.category in ("health", "social_care") or "health" in info
    return DecisionInput(
        subject_id=w.person_ids[subject.key],
        others_affected=[w.person_ids[k] for k in (others or [])],
        urgent=urgent,
        origin=None if urgent else rng.choice(list(RequestOrigin)),
        recipient_org=org.org,
        recipient_role=org.role,
        recipient_name=rng.choice(STAFF_NAMES),
        recipient_contact=org.contact,
        caller_check=rng.choice(
            (CallerCheck.KNOWN_CONTACT, CallerCheck.CALLED_BACK_KNOWN_NUMBER)
            if not urgent
            else (CallerCheck.KNOWN_CONTACT,)
        ),
        purpose=purpose,
        information=info,
        categories=[org.category],
        special_category=special,
        criminal_offence=org.category == "criminal",
        consent_position=consent_position,
        lawful_basis=basis,
        art9_condition=(
            Art9Condition.SCHEDULE1_PARA18_SAFEGUARDING
            if special and consent_position is not ConsentPosition.GIVEN
            else (Art9Condition.HEALTH_OR_SOCIAL_CARE if special else None)
        ),
        necessity=(
            f"{org.role} at {org.org} needs this to {purpose}; nothing less would do, and only "
            "what is relevant is shared."
        ),
        checks={} if urgent else _checks(rng),
        identities_protected=rng.choice(
            (
                "",
                "The address of the parent who left the household is not shared.",
                "The neighbour who raised the concern is not named.",
                "The name of the staff member who noticed the injury is withheld.",
            )
        ),
        person_told=None if urgent else True,
        outcome=outcome,
        reasons=reasons,
        shared_at=when,
        share_method=(
            ShareMethod.PHONE
            if urgent
            else rng.choice((ShareMethod.SECURE_EMAIL, ShareMethod.PORTAL, ShareMethod.MEETING))
        ),
        # Rule 5: an urgent share leaves it to complete later (some are, some are not yet).
        impact_if_not_shared="" if urgent else rng.choice(IMPACT_WORDS[outcome]),
        impact_if_shared=""
        if urgent
        else rng.choice(("", "The parent may be upset when told; the social worker will explain.")),
    )


# What could happen if it were not shared (rule 5), by decision: one is picked per record.
IMPACT_WORDS: dict[Outcome, tuple[str, ...]] = {
    Outcome.SHARE: (
        "The worries would stay with us alone and nobody could act on them.",
        "The child's needs would go unmet while the family waits for help.",
        "Brothers and sisters in the same home would stay at the same risk.",
    ),
    Outcome.SHARE_IN_PART: (
        "Holding back the health notes changes nothing for the child's safety: the plan "
        "needs only attendance.",
    ),
    Outcome.DO_NOT_SHARE: (
        "Nothing is lost for the child: the worker already holds what they need.",
        "The child stays safe as before; the request is logged in case it comes again.",
    ),
    Outcome.PENDING_ADVICE: ("",),
}
URGENT_IMPACT = (
    "Had it waited, the child would have gone home tonight to the adult they are afraid of."
)


def _consent_share(
    w: _World, plan: _Plan, fam: _Family, child: _Member, t: datetime, end: datetime
) -> None:
    rng = w.fork()
    info, _, purpose, _ = rng.choice(SCOPES)
    org = rng.choice([o for o in ORGS if o.category != "criminal"])
    recipient = f"{org.role}, {org.org}"
    scope = (info, recipient, purpose, 0)
    if (child.key, scope) in w.relied_scopes:
        return  # one consent story per scope, so a later withdrawal never undercuts another
    w.relied_scopes.add((child.key, scope))
    giver = _giver_for(w, fam, child)
    box = _DecisionBox()
    decider = _decider(rng)
    plan.at(t, _consent_step(w, child.key, scope, ConsentStatus.GIVEN, giver, box.consent))
    t_dec = min(t + timedelta(minutes=rng.randrange(5, 60 * 24 * 5)), end)

    def build() -> DecisionInput:
        d = _base_share(
            w,
            rng,
            child,
            org,
            info=info.capitalize(),
            purpose=purpose,
            basis=rng.choice((LawfulBasis.CONSENT, LawfulBasis.PUBLIC_TASK)),
            consent_position=ConsentPosition.GIVEN,
            reasons=(
                f"Consent given for {info} to go to {recipient}; the share helps with "
                f"{purpose} and is in the child's interests."
            ),
            when=t_dec,
        )
        d.consent_event_id = box.consent["consent"]
        if d.special_category and rng.random() < 0.5:
            d.art9_condition = Art9Condition.EXPLICIT_CONSENT
        return d

    plan.at(t_dec, _log_step(w, decider, build, box))
    if rng.random() < 0.3:
        t_w = t_dec + timedelta(days=rng.randrange(3, 40))
        if t_w < end:
            plan.at(t_w, _consent_step(w, child.key, scope, ConsentStatus.WITHDRAWN, giver))
    if rng.random() < 0.12:

        def fix(d: DecisionInput) -> None:
            d.recipient_contact = d.recipient_contact.replace("@", ".safeguarding@", 1)

        plan.at(
            w.cap(t_dec + timedelta(hours=rng.randrange(1, 48))),
            _amend_step(
                w,
                decider,
                box,
                fix,
                "Corrected the recipient's contact: the secure mailbox of the team, "
                "not the general one.",
            ),
        )


def _protective_share(
    w: _World, plan: _Plan, fam: _Family, child: _Member, t: datetime, end: datetime
) -> None:
    rng = w.fork()
    org = rng.choice(ORGS[:2] + ORGS[5:6])
    reason = rng.choice((NotSoughtReason.UNSAFE, NotSoughtReason.WOULD_PREJUDICE))
    scope = (
        "concerns about the child's welfare",
        org.org,
        "safeguarding enquiries",
        0,
    )
    box = _DecisionBox()
    decider = _decider(rng)
    if rng.random() < 0.6:
        plan.at(
            t,
            _consent_step(
                w, child.key, scope, ConsentStatus.NOT_SOUGHT, None, box.consent, reason=reason
            ),
        )
    others = _siblings(fam, child) if rng.random() < 0.5 else []
    t_dec = min(t + timedelta(minutes=rng.randrange(5, 120)), end)

    def build() -> DecisionInput:
        d = _base_share(
            w,
            rng,
            child,
            org,
            others=others,
            info=rng.choice(
                (
                    "Bruising seen on the child's arm on Monday, the child's account, "
                    "and attendance this term.",
                    "The child's disclosure to the class teacher, written down word for word.",
                    "Repeated missed health appointments and the home visit notes.",
                )
            ),
            purpose="Safeguarding enquiries (Children Act 1989, section 47)",
            basis=rng.choice((LawfulBasis.PUBLIC_TASK, LawfulBasis.LEGAL_OBLIGATION)),
            consent_position=ConsentPosition.NOT_SOUGHT,
            reasons=(
                "There is reasonable cause to suspect significant harm. Seeking consent would "
                "alert the parents and could place the child at greater risk."
            ),
            when=t_dec,
        )
        d.not_sought_reason = reason
        d.without_consent_reason = (
            "Seeking consent could increase the risk to the child; the share is necessary to "
            "protect them (DPA 2018 Schedule 1 paragraph 18)."
        )
        d.person_told = False
        d.not_told_reason = "Telling the parents now could prejudice the enquiries."
        return d

    plan.at(t_dec, _log_step(w, decider, build, box))


def _urgent_share(
    w: _World, plan: _Plan, fam: _Family, child: _Member, t: datetime, end: datetime
) -> None:
    rng = w.fork()
    org = rng.choice(ORGS[:2])
    box = _DecisionBox()
    decider = _decider(rng)
    others = _siblings(fam, child) if rng.random() < 0.4 else []
    # Urgent shares happen at any hour.
    t = t + timedelta(hours=rng.choice((0, 0, 5, 11)))
    if t > end:
        t = end - timedelta(hours=1)

    def build() -> DecisionInput:
        d = _base_share(
            w,
            rng,
            child,
            org,
            urgent=True,
            others=others,
            info="The child's disclosure this afternoon and the address where they are staying.",
            purpose="Immediate protection of the child",
            basis=rng.choice((LawfulBasis.VITAL_INTERESTS, LawfulBasis.PUBLIC_TASK)),
            consent_position=None,
            reasons="The child said they are afraid to go home tonight; police asked to attend.",
            when=t,
        )
        d.without_consent_reason = "A child is at risk of significant harm tonight."
        return d

    plan.at(t, _log_step(w, decider, build, box))
    if rng.random() < 0.5:

        def complete(d: DecisionInput) -> None:
            d.origin = RequestOrigin.OWN_INITIATIVE
            d.checks = _checks(rng)
            d.person_told = False
            d.not_told_reason = "The parents will be told by the social worker after the visit."
            d.consent_position = ConsentPosition.NOT_SOUGHT
            d.not_sought_reason = NotSoughtReason.UNSAFE
            d.impact_if_not_shared = URGENT_IMPACT
            d.impact_if_shared = "The parents may react angrily; police are aware."

        plan.at(
            w.cap(t + timedelta(hours=rng.randrange(12, 72))),
            _amend_step(w, decider, box, complete, "Completed the record after the urgent share."),
        )


def _refused_but_shared(
    w: _World, plan: _Plan, fam: _Family, child: _Member, t: datetime, end: datetime
) -> None:
    rng = w.fork()
    org = rng.choice((ORGS[0], ORGS[5], ORGS[6]))
    scope = ("family circumstances", org.org, "an assessment of the family's needs", 0)
    giver = _giver_for(w, fam, child)
    box = _DecisionBox()
    decider = _decider(rng)
    plan.at(t, _consent_step(w, child.key, scope, ConsentStatus.REFUSED, giver, box.consent))
    t_dec = min(t + timedelta(hours=rng.randrange(2, 72)), end)

    def build() -> DecisionInput:
        d = _base_share(
            w,
            rng,
            child,
            org,
            info="Worries raised by the school over the last month and the family's situation.",
            purpose="An assessment of the family's needs",
            basis=LawfulBasis.PUBLIC_TASK,
            consent_position=ConsentPosition.REFUSED,
            reasons=(
                "Consent was refused, but the worries have grown and the risk to the child "
                "now outweighs the refusal."
            ),
            when=t_dec,
        )
        d.without_consent_reason = (
            "The risk of harm to the child outweighs the parent's refusal; the parent was told."
        )
        return d

    plan.at(t_dec, _log_step(w, decider, build, box))


def _unverified_caller(
    w: _World, plan: _Plan, fam: _Family, child: _Member, t: datetime, end: datetime
) -> None:
    rng = w.fork()
    decider = _decider(rng)
    box = _DecisionBox()

    def build() -> DecisionInput:
        return DecisionInput(
            subject_id=w.person_ids[child.key],
            urgent=False,
            origin=RequestOrigin.INCOMING_REQUEST,
            recipient_org=rng.choice(("Caller said: police", "Caller said: a solicitor's firm")),
            recipient_name="(gave no name we could verify)",
            caller_check=CallerCheck.NOT_VERIFIED,
            purpose="Caller asked for the child's address and school timetable",
            outcome=Outcome.DO_NOT_SHARE,
            reasons=(
                "The caller could not be verified and would not give a number to call back on "
                "through the switchboard. Nothing shared; logged in case they call again."
            ),
            impact_if_not_shared=(
                "None for the child: anyone with a real need can ask through the switchboard."
            ),
            impact_if_shared=(
                "The child's address could reach someone looking for them, perhaps the adult "
                "they were moved away from."
            ),
        )

    plan.at(t, _log_step(w, decider, build, box))


def _not_necessary(
    w: _World, plan: _Plan, fam: _Family, child: _Member, t: datetime, end: datetime
) -> None:
    rng = w.fork()
    org = rng.choice((ORGS[7], ORGS[3], ORGS[4]))
    decider = _decider(rng)
    box = _DecisionBox()

    def build() -> DecisionInput:
        return DecisionInput(
            subject_id=w.person_ids[child.key],
            urgent=False,
            origin=RequestOrigin.INCOMING_REQUEST,
            recipient_org=org.org,
            recipient_role=org.role,
            recipient_name=rng.choice(STAFF_NAMES),
            recipient_contact=org.contact,
            caller_check=CallerCheck.SECURE_EMAIL_DOMAIN,
            purpose="Asked for the child's health records for a housing priority assessment",
            information="Full health history",
            consent_position=ConsentPosition.REFUSED,
            outcome=Outcome.DO_NOT_SHARE,
            reasons=(
                "Not necessary for the purpose: the housing team can rely on the parent's own "
                "evidence. Explained the refusal to the requester."
            ),
            impact_if_not_shared=(
                "The family's housing priority is unaffected: their own evidence is enough."
            ),
        )

    plan.at(t, _log_step(w, decider, build, box))


def _share_in_part(
    w: _World, plan: _Plan, fam: _Family, child: _Member, t: datetime, end: datetime
) -> None:
    rng = w.fork()
    org = rng.choice((ORGS[5], ORGS[7], ORGS[8]))
    decider = _decider(rng)
    box = _DecisionBox()

    def build() -> DecisionInput:
        d = _base_share(
            w,
            rng,
            child,
            org,
            info="Attendance figures for this term only (not the health notes).",
            purpose="Planning support for the family",
            basis=LawfulBasis.PUBLIC_TASK,
            consent_position=ConsentPosition.NOT_SOUGHT,
            outcome=Outcome.SHARE_IN_PART,
            reasons=(
                "Attendance is relevant to the support plan; the health notes are not needed "
                "and are withheld."
            ),
            when=t,
        )
        d.special_category = False
        d.art9_condition = None
        d.not_sought_reason = NotSoughtReason.NOT_REASONABLY_OBTAINABLE
        d.without_consent_reason = (
            "The parent could not be reached after three attempts; the share is limited to "
            "attendance and is needed for the plan."
        )
        return d

    plan.at(t, _log_step(w, decider, build, box))


def _pending_advice(
    w: _World, plan: _Plan, fam: _Family, child: _Member, t: datetime, end: datetime
) -> None:
    rng = w.fork()
    decider = _decider(rng)
    box = _DecisionBox()
    org = rng.choice(ORGS)
    role = rng.choice((AdviceRole.CALDICOTT, AdviceRole.DSL, AdviceRole.INFORMATION_GOVERNANCE))

    def build() -> DecisionInput:
        return DecisionInput(
            subject_id=w.person_ids[child.key],
            urgent=False,
            origin=RequestOrigin.INCOMING_REQUEST,
            recipient_org=org.org,
            recipient_role=org.role,
            recipient_name=rng.choice(STAFF_NAMES),
            recipient_contact=org.contact,
            purpose="They asked for the child's recent health and attendance information",
            outcome=Outcome.PENDING_ADVICE,
            reasons=f"Unsure whether this can be shared without consent; asked the {role.label}.",
        )

    plan.at(t, _log_step(w, decider, build, box))
    question = (
        f"{org.org} asked for health and attendance information. The parent has not been "
        "asked. Can we share without consent, and how much?"
    )
    still_open = rng.choice(("pending", "claimed"))
    final = still_open if (w.now - t) < timedelta(days=2) else "closed"

    def after_close(t_close: datetime) -> None:
        outcome = rng.choice((Outcome.SHARE, Outcome.DO_NOT_SHARE))

        def change(d: DecisionInput) -> None:
            filled = _base_share(
                w,
                rng,
                child,
                org,
                info="Attendance this term and the school nurse's summary.",
                purpose="Support for the child's health needs",
                basis=LawfulBasis.PUBLIC_TASK,
                consent_position=ConsentPosition.NOT_SOUGHT,
                outcome=outcome,
                reasons=(
                    "Following advice: the share is necessary and proportionate."
                    if outcome is Outcome.SHARE
                    else "Following advice: ask the parent first; nothing shared yet."
                ),
                when=t_close,
            )
            for name in (
                "information",
                "purpose",
                "outcome",
                "reasons",
                "lawful_basis",
                "impact_if_not_shared",
                "impact_if_shared",
            ):
                setattr(d, name, getattr(filled, name))
            if outcome is Outcome.SHARE:
                for name in (
                    "categories",
                    "special_category",
                    "art9_condition",
                    "necessity",
                    "checks",
                    "person_told",
                    "shared_at",
                    "share_method",
                    "caller_check",
                    "consent_position",
                ):
                    setattr(d, name, getattr(filled, name))
                d.not_sought_reason = NotSoughtReason.WOULD_PREJUDICE
                d.without_consent_reason = "Advised that asking first would delay help."

        plan.at(
            w.cap(t_close + timedelta(minutes=15)),
            _amend_step(w, decider, box, change, f"Advice received from the {role.label}."),
        )

    _plan_advice(
        w,
        plan,
        raiser=decider,
        person_key=child.key,
        t_raise=t + timedelta(minutes=2),
        role=role,
        urgency=rng.choice((Urgency.TODAY, Urgency.ROUTINE)),
        final=final,
        question=question,
        decision_box=box,
        on_closed=after_close,
    )


_SCENARIOS: dict[str, Callable[[_World, _Plan, _Family, _Member, datetime, datetime], None]] = {
    "consent_share": _consent_share,
    "protective_share": _protective_share,
    "urgent_share": _urgent_share,
    "refused_but_shared": _refused_but_shared,
    "unverified_caller": _unverified_caller,
    "not_necessary": _not_necessary,
    "share_in_part": _share_in_part,
    "pending_advice": _pending_advice,
}


# -- advice ---------------------------------------------------------------------------------
_TURNAROUND = {
    Urgency.URGENT: ((10, 50), (70, 180)),
    Urgency.TODAY: ((30, 300), (400, 1500)),
    Urgency.ROUTINE: ((120, 2880), (5000, 9000)),
}


def _adviser(rng: random.Random, role: AdviceRole) -> str:
    if role is AdviceRole.DSL:
        return rng.choice(("sam", "dee"))
    return "sam"


def _plan_advice(
    w: _World,
    plan: _Plan,
    *,
    raiser: str,
    person_key: str | None,
    t_raise: datetime,
    role: AdviceRole,
    urgency: Urgency,
    final: str,
    question: str,
    anonymised: bool = False,
    decision_box: _DecisionBox | None = None,
    on_closed: Callable[[datetime], None] | None = None,
) -> None:
    """Raise an advice item and take it as far as `final`: pending, claimed, advised, closed."""
    rng = w.fork()
    handle: dict[str, int] = {}
    adviser = _adviser(rng, role)
    if raiser == adviser:
        raiser = "priya"

    def raise_step() -> None:
        view = w.svc.advice.raise_request(
            w.actors[raiser],
            question=question,
            advice_role=role.value,
            urgency=urgency.value,
            person_id=w.person_ids[person_key] if person_key else None,
            anonymised=anonymised,
            decision_id=(decision_box.view.id if decision_box and decision_box.view else None),
        )
        handle["id"] = view.id
        w.advice_status[f"{view.id}"] = "pending"
        w.bump("advice")

    plan.at(t_raise, raise_step)
    if final == "pending":
        return
    fast, slow = _TURNAROUND[urgency]
    lo, hi = fast if rng.random() < 0.8 else slow
    to_advice = timedelta(minutes=rng.randrange(lo, hi))
    minute = timedelta(minutes=1)
    cap = w.now - 2 * minute
    # Each step strictly after the one before, and none in the future.
    t_claim = t_raise + to_advice * rng.uniform(0.1, 0.5)
    t_claim = min(max(t_claim, t_raise + 5 * minute), cap - 2 * minute)
    t_advise = min(max(t_raise + to_advice, t_claim + minute), cap - minute)
    t_close = min(max(t_advise + minute * rng.randrange(10, 600), t_advise + minute), cap)
    released = role is AdviceRole.DSL and rng.random() < 0.25

    def claim_by(who: str) -> Callable[[], None]:
        def step() -> None:
            w.svc.advice.claim(w.actors[who], handle["id"])
            w.advice_status[f"{handle['id']}"] = "claimed"

        return step

    if released:
        other = "dee" if adviser == "sam" else "sam"
        plan.at(t_claim - timedelta(minutes=3), claim_by(other))

        def release() -> None:
            w.svc.advice.release(w.actors[other], handle["id"])

        plan.at(t_claim - timedelta(minutes=2), release)
    plan.at(t_claim, claim_by(adviser))
    if anonymised and rng.random() < 0.5:

        def reveal() -> None:
            w.svc.advice.reveal(
                w.actors[adviser],
                handle["id"],
                "Need to check whether the family is already known to social care.",
            )

        plan.at(t_claim + timedelta(seconds=30), reveal)
    if final == "claimed":
        return

    def advise() -> None:
        w.svc.advice.advise(
            w.actors[adviser],
            handle["id"],
            rng.choice(
                (
                    "Share only what is needed for the purpose; public task is the basis. "
                    "Record why you did not seek consent.",
                    "Do not share yet: speak to the parent first unless that would put the "
                    "child at risk.",
                    "Refer to children's social care today and tell the parent unless unsafe.",
                    "Health information is special category: rely on Schedule 1 paragraph 18 "
                    "and share the school nurse's summary only.",
                )
            ),
        )
        w.advice_status[f"{handle['id']}"] = "advised"

    plan.at(t_advise, advise)
    if final == "advised":
        return

    def close() -> None:
        w.svc.advice.close(
            w.actors[raiser],
            handle["id"],
            "Advice followed; the decision record was updated.",
        )
        w.advice_status[f"{handle['id']}"] = "closed"

    plan.at(t_close, close)
    if on_closed is not None:
        on_closed(t_close)


def _plan_standalone_advice(w: _World, plan: _Plan, families: list[_Family]) -> None:
    """Advice items in every state, some anonymised, some recent enough to be in the queue."""
    rng = w.rng
    questions = (
        "Mum has asked us not to tell the father anything. He has parental responsibility and "
        "is asking for school reports. What can we share?",
        "The child told a teaching assistant about arguments at home but asked us not to tell "
        "anyone. Is this a referral?",
        "A health visitor asked for attendance dates for the last year. Is that proportionate?",
        "The family has moved out of area. Should we send the records to the new school now?",
        "Grandparent caring informally wants the child's medical information. Can we share?",
    )
    scale = min(1.0, len(families) / FAMILIES)  # a smaller demo has a shorter queue
    states = [
        state
        for state, count in (("pending", 7), ("claimed", 5), ("advised", 6), ("closed", 26))
        for _ in range(max(1, round(count * scale)))
    ]
    for i, final in enumerate(states):
        fam = rng.choice(families)
        child = rng.choice(fam.children)
        urgency = rng.choices(list(Urgency), weights=(25, 35, 40))[0]
        role = rng.choice(list(AdviceRole))
        if final in ("pending", "claimed"):
            back = timedelta(hours=rng.uniform(0.2, 30 if final == "pending" else 8))
        elif final == "advised":
            back = timedelta(hours=rng.uniform(4, 60))
        else:
            back = timedelta(days=rng.uniform(3, HISTORY_DAYS - 5))
        t = max(w.now - back, fam.first_contact + timedelta(hours=1))
        if final != "closed" and t > w.now - timedelta(minutes=10):
            t = w.now - timedelta(minutes=10)
        named = i % 9 != 0
        _plan_advice(
            w,
            plan,
            raiser=rng.choice(("priya", "priya", "sam", "dee")),
            person_key=child.key if named else None,
            t_raise=t,
            role=role,
            urgency=urgency,
            final=final,
            question=rng.choice(questions)
            if named
            else "General question: can we share attendance data with the housing team "
            "without consent when a family is about to be evicted?",
            anonymised=named and rng.random() < 0.3,
        )


def _plan_views(w: _World, plan: _Plan, families: list[_Family]) -> None:
    """Staff opening records, so 'who viewed this' has something to show."""
    rng = w.rng
    for fam in families:
        for child in fam.children:
            for _ in range(rng.choices((0, 1, 2), weights=(60, 30, 10))[0]):
                who = rng.choice(("priya", "sam", "dee"))
                t = _between(rng, fam.first_contact + timedelta(hours=1), w.now)

                def view(who: str = who, key: str = child.key) -> None:
                    w.svc.people.open(w.actors[who], w.person_ids[key])
                    w.bump("views")

                plan.at(t, view)


def _plan_drafts(w: _World, plan: _Plan, families: list[_Family]) -> None:
    """Two unfinished decisions, as a practitioner leaves them when called away."""
    rng = w.rng
    for fam in rng.sample(families, k=min(2, len(families))):
        child = fam.children[0]
        t = w.now - timedelta(hours=rng.uniform(1, 20))

        def save(key: str = child.key) -> None:
            payload = DecisionInput(
                subject_id=w.person_ids[key],
                urgent=False,
                origin=RequestOrigin.INCOMING_REQUEST,
                recipient_org="Northfield Early Help",
                purpose="Family support plan review",
            ).to_dict()
            w.svc.drafts.save(
                w.actors["priya"],
                kind="decision",
                payload=payload,
                page="recipient",
                title="Decision (unfinished)",
            )
            w.bump("drafts")

        plan.at(t, save)


# -- the whole seeding ----------------------------------------------------------------------
def seed(
    svc: Services,
    seed: int = DEFAULT_SEED,
    *,
    families: int = FAMILIES,
    progress: Callable[[int, int], None] | None = None,
) -> SeedSummary:
    """Fill an empty database with the demo through the services. Raises ValueError when
    the database is not empty (it never writes into real records)."""
    state = demo_state(svc.store)
    if state != "empty":
        raise ValueError(f"the database is not empty ({state})")
    settings = svc.store.settings
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    rng = random.Random(seed)
    clock = {"now": now - timedelta(days=HISTORY_DAYS + 1)}
    with site.replayed_clock(lambda: clock["now"]):
        demo_marks.mark(svc.store, DEMO_BEGIN, seed)
        actors: dict[str, Actor] = {}
        for acc in DEMO_ACCOUNTS:
            view = svc.users.create(
                None,
                acc.username,
                acc.display_name,
                acc.role,
                list(acc.advice_roles),
                acc.passphrase,
            )
            if acc.totp_secret:
                svc.users.set_factor_secret(None, acc.username, acc.totp_secret)
            actors[acc.username] = actor_for(view, settings.terminal)
        world = _World(svc, rng, settings.tz, now, actors)
        fams = _families(world, families)
        plan = _Plan()
        for fam in fams:
            _plan_family(world, plan, fam)
        _plan_linked_families(world, plan, fams)
        for fam in fams:
            # A family's story with the service runs for a few months after first contact.
            start = fam.first_contact + timedelta(hours=1)
            end = min(start + timedelta(days=STORY_DAYS), now - timedelta(hours=1))
            for child in fam.children:
                _plan_consent_history(world, plan, fam, child, start, end)
                _plan_decisions(world, plan, fam, child, start, end)
        # A few decisions still waiting for advice today, whatever the seed.
        for fam in rng.sample(fams, k=min(3, len(fams))):
            waiting = now - timedelta(hours=rng.uniform(1, 40))
            _pending_advice(world, plan, fam, fam.children[0], waiting, now)
        _plan_standalone_advice(world, plan, fams)
        _plan_views(world, plan, fams)
        _plan_drafts(world, plan, fams)
        plan_after_share(world, plan, fams)
        plan_governance(world, plan, fams)
        steps = sorted(plan.steps, key=lambda st: (st[0], st[1]))
        total = len(steps)
        for done, (when, _, step) in enumerate(steps, start=1):
            clock["now"] = min(when, now)
            step()
            if progress is not None and (done % 50 == 0 or done == total):
                progress(done, total)
    demo_marks.mark(svc.store, DEMO_COMPLETE, seed)
    by_status: dict[str, int] = {}
    for status in world.advice_status.values():
        by_status[status] = by_status.get(status, 0) + 1
    c = world.counts
    return SeedSummary(
        seed=seed,
        families=len(fams),
        people=c.get("people", 0),
        links=c.get("links", 0),
        consent_events=c.get("consent_events", 0),
        decisions=c.get("decisions", 0),
        amended_decisions=c.get("amended", 0),
        advice_items=c.get("advice", 0),
        advice_by_status=by_status,
        views=c.get("views", 0),
        drafts=c.get("drafts", 0),
    )
