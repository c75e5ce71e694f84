"""Builds the scale database that benchmarks/measure.py runs against.

100,000 people (name search keys in person_name_key), 1,000,000 sharing decisions, 1,000,000 consent
events, 50,000 advice items of which 5,000 pending, their advice events, and the audit events
they imply, on one valid hash chain. Rows go in with bulk Core inserts (COPY on PostgreSQL)
against the app's own tables after the app's own migrations, in the value formats the services
write, so that every service reads them as its own. Accounts are made through the users service
so that sign-in works (passphrase below). One person (reference BENCH-300) has exactly 300
timeline entries.

    .venv/bin/python benchmarks/generate.py                      # benchmarks/out/scale.db
    .venv/bin/python benchmarks/generate.py --scale 0.01         # a quick small one
    .venv/bin/python benchmarks/generate.py --replace \\
        --database postgresql+psycopg://root@127.0.0.1:5432/sharetui_bench
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import json
import math
import random
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from operator import itemgetter
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from sqlalchemy import JSON, Engine, Table, create_engine, select, text, update
from sqlalchemy.engine import Connection, make_url

import names
from sharetui.config import Settings
from sharetui.domain.advice_rules import due_at
from sharetui.domain.consent import ConsentInput, scope_key, validate_consent
from sharetui.domain.decision import DecisionInput, validate_decision
from sharetui.domain.enums import (
    URGENCY_ORDER,
    AdviceEventKind,
    AdviceRole,
    AdviceStatus,
    Art9Condition,
    CallerCheck,
    ConsentGiver,
    ConsentMethod,
    ConsentPosition,
    ConsentStatus,
    InfoCategory,
    LawfulBasis,
    NotSoughtReason,
    Outcome,
    Quality,
    Relationship,
    RequestOrigin,
    ShareMethod,
    Urgency,
)
from sharetui.domain.name_match import person_keys
from sharetui.domain.person import anonymous_description
from sharetui.services.audit import GENESIS, event_hash
from sharetui.services.people import sort_key
from sharetui.services.unit_of_work import Store
from sharetui.services.users import Users
from sharetui.store.engine import make_engine, normalise_url
from sharetui.store.migrate import upgrade
from sharetui.store.models import (
    AdviceEvent,
    AdviceRequest,
    AuditEvent,
    AuditHead,
    ConsentEvent,
    DecisionAffected,
    Person,
    PersonLink,
    PersonNameKey,
    SharingDecision,
)
from sharetui.store.register_import import import_free_text
from sharetui.store.types import UTCDateTime

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
DEFAULT_DATABASE = OUT / "scale.db"
PASSPHRASE = "correct horse battery staple"
SPECIAL_REFERENCE = "BENCH-300"
SPECIAL_CONSENT, SPECIAL_DECISIONS, SPECIAL_ADVICE = 120, 160, 20  # 300 timeline entries
YEARS = 6
CHUNK = 20_000
DAY = 86_400.0
HOUR = 3_600.0
TZ = ZoneInfo("Europe/London")

# (username, display name, role, advice roles): the site's staff.
SUPERVISORS = [
    ("sam", "Sam Whitfield", ["dsl", "caldicott", "senior_leadership", "information_governance"]),
    ("sue", "Sue Marsh", ["dsl"]),
    ("carys", "Carys Price", ["caldicott"]),
    ("dev", "Dev Mistry", ["senior_leadership", "dsl"]),
    ("iona", "Iona Reid", ["information_governance"]),
    ("tom", "Tom Hale", ["dsl", "caldicott"]),
]
BULK_TABLES = [
    "person",
    "person_name_key",
    "person_link",
    "consent_event",
    "sharing_decision",
    "decision_affected",
    "advice_request",
    "advice_event",
    "audit_event",
]
BASE_COUNTS = {
    "people": 100_000,
    "consent": 1_000_000,
    "decisions": 1_000_000,
    "advice": 50_000,
    "pending": 5_000,
}


# -- the staff ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Staff:
    id: int
    username: str
    terminal: str
    role: str
    advice_roles: tuple[str, ...]


def accounts(scale: float) -> list[tuple[str, str, str, list[str]]]:
    """The accounts to create: an admin, six supervisors and up to 40 practitioners."""
    rng = random.Random(1)
    out: list[tuple[str, str, str, list[str]]] = [("ada", "Ada Okafor", "admin", [])]
    out += [(u, n, "supervisor", roles) for u, n, roles in SUPERVISORS]
    out += [("pat", "Pat Kearney", "practitioner", []), ("pip", "Pip Adeyemi", "practitioner", [])]
    for i in range(1, max(2, min(38, math.ceil(380 * scale))) + 1):
        first = rng.choice(names.ADULT_WOMEN + names.ADULT_MEN)
        out.append(
            (f"prac{i:02d}", f"{first} {rng.choice(names.FAMILY_NAMES)}", "practitioner", [])
        )
    return out


def create_accounts(store: Store, scale: float, progress: Progress) -> list[Staff]:
    """Through the users service (argon2 hashes, audit events), so sign-in works as usual."""
    wanted = accounts(scale)
    task = progress.add_task("Accounts (users service)", total=len(wanted))
    users = Users(store)
    for username, display, role, roles in wanted:
        users.create(None, username, display, role, roles, PASSPHRASE)
        progress.advance(task)
    out = []
    for i, u in enumerate(users.list(None)):
        out.append(
            Staff(
                u.id,
                u.username,
                f"desk-{i % 12 + 1:02d}",
                u.role.value,
                tuple(r.value for r in u.advice_roles),
            )
        )
    return out


# -- people and households ---------------------------------------------------------------------
@dataclass(slots=True)
class PersonPlan:
    family: str
    given: str
    other: str
    dob: date | None
    estimated: bool
    child: bool
    created: float
    creator: int  # index into the practitioners list
    id: int = 0
    reference: str = ""
    nhs: str | None = None
    notes: str = ""
    siblings: tuple[int, ...] = ()
    weight: float = 0.0
    last: float = 0.0


def nhs_number(rng: random.Random) -> str:
    """A number that passes the modulus 11 check, as a real one would."""
    while True:
        digits = [rng.randrange(10) for _ in range(9)]
        if digits[0] == 0:
            continue
        check = 11 - sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True)) % 11
        if check == 11:
            check = 0
        if check != 10:
            return "".join(map(str, digits)) + str(check)


def dob_between(rng: random.Random, at: float, min_years: float, max_years: float) -> date:
    age_days = rng.uniform(min_years * 365.25, max_years * 365.25)
    return (datetime.fromtimestamp(at, UTC) - timedelta(days=age_days)).date()


@dataclass
class World:
    """Everything planned in memory before it is written."""

    start: float
    end: float
    people: list[PersonPlan] = field(default_factory=list)
    links: list[tuple[int, int, str, int, float]] = field(default_factory=list)
    audit: list[tuple[float, int, str, str, str, str]] = field(default_factory=list)
    special: PersonPlan | None = None


def plan_people(rng: random.Random, world: World, count: int, n_prac: int) -> None:
    """Households of 0-2 adults and 1-4 children, created over the years, ids in time order."""
    households: list[tuple[float, int, list[PersonPlan], list[tuple[int, int, str]]]] = []
    total = 0
    special_added = False
    span = world.end - world.start
    while total < count:
        at = world.start + rng.random() ** 1.3 * span * 0.98
        creator = rng.randrange(n_prac)
        family = rng.choice(names.FAMILY_NAMES)
        members: list[PersonPlan] = []
        links: list[tuple[int, int, str]] = []  # (from index, to index, relationship)
        if not special_added:
            at = world.start + 10 * DAY
            n_adults, n_children = 2, 1
        else:
            n_adults = rng.choices((0, 1, 2), (25, 45, 30))[0]
            n_children = rng.choices((1, 2, 3, 4), (40, 33, 18, 9))[0]
        for a in range(n_adults):
            woman = a == 0 or rng.random() < 0.3
            given = rng.choice(names.ADULT_WOMEN if woman else names.ADULT_MEN)
            fam = family if a == 0 or rng.random() < 0.6 else rng.choice(names.FAMILY_NAMES)
            dob = None if rng.random() < 0.04 else dob_between(rng, at, 19, 55)
            members.append(
                PersonPlan(
                    fam,
                    given,
                    "",
                    dob,
                    dob is not None and rng.random() < 0.03,
                    False,
                    at + len(members) * 60,
                    creator,
                )
            )
        for _ in range(n_children):
            given = rng.choice(names.GIRLS if rng.random() < 0.5 else names.BOYS)
            other = ""
            if rng.random() < 0.06:
                other = rng.choice(names.KNOWN_AS + tuple(names.FAMILY_NAMES[:40]))
            dob = dob_between(rng, at, 0.05, 17.5)
            members.append(
                PersonPlan(
                    family,
                    given,
                    other,
                    dob,
                    rng.random() < 0.01,
                    True,
                    at + len(members) * 60,
                    creator,
                )
            )
        children = [i for i, m in enumerate(members) if m.child]
        for a in range(n_adults):
            rel = rng.choices(
                (
                    Relationship.PARENT_WITH_PR,
                    Relationship.PARENT_WITHOUT_PR,
                    Relationship.CARER_WITH_PR,
                ),
                (80, 12, 8),
            )[0]
            for c in children:
                links.append((a, c, rel.value))
        for i, c1 in enumerate(children):
            for c2 in children[i + 1 :]:
                links.append((c1, c2, Relationship.SIBLING.value))
        if not special_added:
            special = members[n_adults]
            special.family, special.given, special.other = "Hartley-Cole", "Amelia", ""
            special.reference = SPECIAL_REFERENCE
            world.special = special
            special_added = True
        members = members[: count - total]
        links = [ln for ln in links if ln[0] < len(members) and ln[1] < len(members)]
        households.append((at, creator, members, links))
        total += len(members)
    households.sort(key=itemgetter(0))
    next_id = 1
    for at, creator, members, links in households:
        for m in members:
            m.id = next_id
            next_id += 1
            if not m.reference:
                m.reference = f"P{m.id:06d}" if rng.random() < 0.7 else f"CIN{400000 + m.id}"
            m.nhs = nhs_number(rng) if rng.random() < 0.65 else None
            m.notes = rng.choice(
                ("",) * 12
                + (
                    "Interpreter needed (Polish)",
                    "Known to Youth Justice",
                    "Lives with grandparents",
                )
            )
            m.weight = rng.lognormvariate(0, 1.1) * (2.0 if m.child else 1.0)
            m.last = m.created
            world.people.append(m)
        kids = tuple(m.id for m in members if m.child)
        for m in members:
            if m.child:
                m.siblings = tuple(k for k in kids if k != m.id)
        for f, t, rel in links:
            world.links.append((members[f].id, members[t].id, rel, creator, at + 300))
    assert world.special is not None
    world.special.weight = 0.0


# -- helpers -----------------------------------------------------------------------------------
def when(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


class Picker:
    """Weighted choice of a person (busy families recur), never the BENCH-300 person."""

    def __init__(self, people: list[PersonPlan]) -> None:
        self.people = people
        self.cum = list(itertools.accumulate(p.weight for p in people))

    def many(self, rng: random.Random, k: int) -> list[PersonPlan]:
        return rng.choices(self.people, cum_weights=self.cum, k=k)


def time_after(rng: random.Random, p: PersonPlan, end: float, *, recent: float = 0.0) -> float:
    lo = max(p.created + 600, end - recent) if recent else p.created + 600
    return lo + rng.random() * max(end - lo, 60.0)


# -- consent -----------------------------------------------------------------------------------
@dataclass
class ConsentIndex:
    """Per person, events by effective time: what a decision at time t could rely on."""

    eff: dict[int, list[float]] = field(default_factory=lambda: defaultdict(list))
    rows: dict[int, list[tuple[int, str]]] = field(default_factory=lambda: defaultdict(list))

    def latest_before(self, person_id: int, ts: float) -> tuple[int, str] | None:
        times = self.eff.get(person_id)
        if not times:
            return None
        i = bisect.bisect_right(times, ts) - 1
        return self.rows[person_id][i] if i >= 0 else None


TOLD = (
    "Told what would be shared, with whom and why, and that consent can be withdrawn at any time.",
    "Explained the referral and what the school nurse would do with the information.",
    "Leaflet given and explained; parent asked questions about who sees the records.",
)


def plan_consent(
    rng: random.Random, world: World, picker: Picker, count: int, staff: list[Staff]
) -> list[tuple[Any, ...]]:
    """Events per person in effective-time order, each scope moving between states as in
    life (given, then withdrawn, given again...); returned in recording order."""
    special = world.special
    assert special is not None
    picks = picker.many(rng, count - SPECIAL_CONSENT) + [special] * SPECIAL_CONSENT
    by_person: dict[int, list[float]] = defaultdict(list)
    for p in picks:
        by_person[p.id].append(time_after(rng, p, world.end))
    pracs = [s for s in staff if s.role == "practitioner"]
    people = world.people
    events: list[tuple[Any, ...]] = []
    for pid, times in by_person.items():
        person = people[pid - 1]
        times.sort()
        scopes = rng.sample(range(len(names.CONSENT_SCOPES)), rng.randint(1, 3))
        state: dict[int, str] = {}
        for eff in times:
            scope = rng.choice(scopes)
            prev = state.get(scope)
            if prev == "given":
                status = rng.choices(
                    ("withdrawn", "given", "refused", "not_sought"), (40, 30, 10, 20)
                )[0]
            else:
                status = rng.choices(("given", "refused", "not_sought"), (50, 20, 30))[0]
            state[scope] = status
            rec = eff if rng.random() < 0.8 else min(eff + rng.random() * 2 * DAY, world.end)
            recorder = rng.choice(pracs).id
            events.append((rec, eff, pid, status, scope, person.child, person.dob, recorder))
            person.last = max(person.last, rec)
    events.sort(key=itemgetter(0))
    return events


def consent_rows(
    rng: random.Random, events: list[tuple[Any, ...]], index: ConsentIndex
) -> Iterator[dict[str, Any]]:
    for n, (rec, eff, pid, status, scope, child, dob, recorder) in enumerate(events, start=1):
        info, recipient, purpose = names.CONSENT_SCOPES[scope]
        not_sought = None
        given_by = method = None
        given_by_name = ""
        if status == "not_sought":
            not_sought = rng.choice(list(NotSoughtReason)).value
        else:
            old_enough = child and dob is not None and (date.fromtimestamp(eff) - dob).days > 4380
            if not child:
                given_by = ConsentGiver.PERSON.value
            elif old_enough and rng.random() < 0.4:
                given_by = ConsentGiver.COMPETENT_CHILD.value
            else:
                given_by = rng.choices(
                    (ConsentGiver.PARENT_WITH_PR.value, ConsentGiver.OTHER.value), (92, 8)
                )[0]
                first = rng.choice(names.ADULT_WOMEN + names.ADULT_MEN)
                given_by_name = f"{first} {rng.choice(names.FAMILY_NAMES)}"
            method = rng.choices([m.value for m in ConsentMethod], (55, 30, 12, 3))[0]
        told = rng.choice(TOLD) if status == "given" or rng.random() < 0.3 else ""
        row = {
            "id": n,
            "person_id": pid,
            "status": status,
            "not_sought_reason": not_sought,
            "given_by": given_by,
            "given_by_name": given_by_name,
            "method": method,
            "told": told,
            "scope_information": info,
            "scope_recipient": recipient,
            "scope_purpose": purpose,
            "scope_key": scope_key(info, recipient, purpose),
            "effective_at": when(eff),
            "recorded_by_id": recorder,
            "recorded_at": when(rec),
        }
        index.eff[pid].append(eff)
        index.rows[pid].append((n, status))
        if n % 97 == 0:
            errors = validate_consent(
                ConsentInput(
                    person_id=pid,
                    status=ConsentStatus(status),
                    not_sought_reason=NotSoughtReason(not_sought) if not_sought else None,
                    given_by=ConsentGiver(given_by) if given_by else None,
                    given_by_name=given_by_name,
                    method=ConsentMethod(method) if method else None,
                    told=told,
                    scope_information=info,
                    scope_recipient=recipient,
                    scope_purpose=purpose,
                    effective_at=when(eff),
                ),
                now=when(rec),
            )
            if errors:
                raise AssertionError(f"generated consent event {n} is invalid: {errors}")
        yield row


def sort_consent_index(index: ConsentIndex) -> None:
    """Rows were appended in recording order; lookups need effective order."""
    for pid, times in index.eff.items():
        if any(b < a for a, b in itertools.pairwise(times)):
            pairs = sorted(zip(times, index.rows[pid], strict=True), key=lambda x: (x[0], x[1][0]))
            index.eff[pid] = [t for t, _ in pairs]
            index.rows[pid] = [r for _, r in pairs]


# -- decisions ---------------------------------------------------------------------------------
WITHOUT_CONSENT = (
    "Seeking consent would alert the alleged abuser and put the child at greater risk.",
    "The child is at risk of significant harm; sharing cannot wait for consent.",
    "Consent was refused but the risk to the siblings outweighs the refusal.",
    "The parent could not be reached and the concern needs a same-day response.",
)
NOT_TOLD = (
    "Telling the parent would put the child at risk before the strategy discussion.",
    "Police asked us not to inform the family while enquiries continue.",
)
# Rule 5: what could happen to the child and others if it were not shared (and, for a share,
# sometimes what sharing could bring), in words of their own, never the reasons again.
IMPACT_NOT_SHARED = (
    "Social care would assess the risk without what the school has seen.",
    "The child could stay at home with the risk unassessed over the weekend.",
    "The siblings' needs would not be known to the team supporting the family.",
    "The nurse would not know of the missed appointments when planning care.",
)
IMPACT_SHARED = (
    "The parent may stop bringing the child to school for a few days.",
    "The family may feel watched; the worker will explain why it was needed.",
)
AMEND_REASONS = (
    "The recipient's role was recorded wrongly.",
    "Added the time the information was actually sent.",
    "Corrected the lawful basis after advice from the DSL.",
    "Clarified which records were shared.",
)


def contact_for(org: int, person: int) -> str:
    """The same person at the same organisation is reached the same way every time (a
    phone number or an email address), so the register made from the decisions holds each
    contact once."""
    if (org + person) % 3:
        return f"01632 9{org:02d}{person:03d}"
    initial, surname = names.CONTACT_NAMES[person].replace(".", "").lower().split()
    return f"{initial}.{surname.replace(chr(39), '')}@org{org:02d}.example.org"


def decision_fields(
    rng: random.Random, p: PersonPlan, ts: float, index: ConsentIndex
) -> dict[str, Any]:
    """One decision as the desk would record it, valid under the golden-rule checks."""
    urgent = rng.random() < 0.05
    outcome = rng.choices(
        (Outcome.SHARE, Outcome.SHARE_IN_PART, Outcome.DO_NOT_SHARE, Outcome.PENDING_ADVICE),
        (55, 20, 23, 2),
    )[0]
    sharing = outcome in (Outcome.SHARE, Outcome.SHARE_IN_PART)
    org_index = (
        rng.randrange(len(names.ORGANISATIONS))
        if rng.random() < 0.85
        else len(names.ORGANISATIONS) + rng.randrange(len(names.LOCAL_ORGANISATIONS))
    )
    org, role = (names.ORGANISATIONS + names.LOCAL_ORGANISATIONS)[org_index]
    origin = rng.choice((RequestOrigin.INCOMING_REQUEST, RequestOrigin.OWN_INITIATIVE))
    if origin is RequestOrigin.INCOMING_REQUEST:
        caller = rng.choices(list(CallerCheck), (25, 35, 25, 12, 3))[0]
    else:
        caller = CallerCheck.NOT_BY_PHONE
    person = rng.randrange(len(names.CONTACT_NAMES))
    contact = contact_for(org_index, person)
    categories = rng.sample([c.value for c in InfoCategory], rng.randint(1, 3))
    special = "health" in categories
    latest = index.latest_before(p.id, ts)
    consent_event_id = None
    not_sought = None
    without = ""
    if latest is None:
        position = ConsentPosition.NOT_SOUGHT
    else:
        position = ConsentPosition(latest[1])
        if position is ConsentPosition.GIVEN:
            consent_event_id = latest[0]
    if urgent and position is not ConsentPosition.GIVEN and rng.random() < 0.5:
        position_value = None
    else:
        position_value = position.value
    if position is ConsentPosition.NOT_SOUGHT and position_value is not None:
        not_sought = rng.choice(list(NotSoughtReason)).value
    if position is not ConsentPosition.GIVEN:
        without = rng.choice(WITHOUT_CONSENT)
    basis = art9 = None
    if sharing:
        if position is ConsentPosition.GIVEN:
            basis = rng.choices(
                (LawfulBasis.CONSENT, LawfulBasis.PUBLIC_TASK, LawfulBasis.LEGAL_OBLIGATION),
                (40, 40, 20),
            )[0]
        else:
            basis = rng.choices(
                (
                    LawfulBasis.PUBLIC_TASK,
                    LawfulBasis.LEGAL_OBLIGATION,
                    LawfulBasis.VITAL_INTERESTS,
                ),
                (65, 25, 10),
            )[0]
        if special:
            if position is ConsentPosition.GIVEN and rng.random() < 0.1:
                art9 = Art9Condition.EXPLICIT_CONSENT
            else:
                art9 = rng.choices(
                    (
                        Art9Condition.SCHEDULE1_PARA18_SAFEGUARDING,
                        Art9Condition.HEALTH_OR_SOCIAL_CARE,
                    ),
                    (85, 15),
                )[0]
    checks: dict[str, dict[str, Any]] = {}
    told: bool | None = None
    not_told = ""
    if sharing:
        checks = {q.value: {"confirmed": True, "note": ""} for q in Quality}
        if rng.random() < 0.03:
            q = rng.choice(list(Quality)).value
            checks[q] = {"confirmed": False, "note": "Only partly: some details still unverified."}
        told = rng.random() < 0.7
        not_told = "" if told else rng.choice(NOT_TOLD)
    concern = rng.choice(names.CONCERNS)
    purpose = rng.choice(names.PURPOSES)
    return {
        "urgent": urgent,
        "origin": origin.value,
        "recipient_org": org,
        "recipient_role": role,
        "recipient_name": names.CONTACT_NAMES[person],
        "recipient_contact": contact,
        "caller_check": caller.value,
        "caller_unverified": caller is CallerCheck.NOT_VERIFIED,
        "purpose": purpose.capitalize(),
        "information": rng.choice(names.INFORMATION).capitalize(),
        "categories": categories,
        "special_category": special,
        "criminal_offence": "criminal" in categories,
        "consent_position": position_value,
        "consent_event_id": consent_event_id,
        "not_sought_reason": not_sought,
        "without_consent_reason": without,
        "lawful_basis": basis.value if basis else None,
        "art9_condition": art9.value if art9 else None,
        "necessity": f"Needed {purpose}; less information would not let them act."
        if sharing
        else "",
        "checks": checks,
        "identities_protected": "Neighbour who reported is not named."
        if rng.random() < 0.15
        else "",
        "person_told": told,
        "not_told_reason": not_told,
        "outcome": outcome.value,
        "reasons": f"{concern.capitalize()} ({rng.choice(names.SOURCES)}); "
        f"{rng.choice(names.ACTIONS)}.",
        "shared_at": when(ts - rng.random() * 2 * HOUR) if sharing else None,
        "share_method": rng.choice(list(ShareMethod)).value if sharing else None,
        # an urgent share leaves rule 5 for later; a few were never completed
        "impact_if_not_shared": ""
        if urgent and sharing and rng.random() < 0.3
        else rng.choice(IMPACT_NOT_SHARED),
        "impact_if_shared": rng.choice(IMPACT_SHARED)
        if outcome is Outcome.SHARE and rng.random() < 0.2
        else "",
    }


def check_decision(fields: dict[str, Any], subject_id: int, at: datetime, n: int) -> None:
    data = dict(fields, subject_id=subject_id)
    if data["shared_at"] is not None:  # as a form or draft holds it
        data["shared_at"] = data["shared_at"].isoformat()
    errors = validate_decision(DecisionInput.from_dict(data), now=at)
    if errors:
        raise AssertionError(f"generated decision {n} is invalid: {errors}")


def plan_decisions(
    rng: random.Random, world: World, picker: Picker, count: int, staff: list[Staff]
) -> list[tuple[float, int, int, int]]:
    """(time, person id, decider id, base index or -1) in time order; 2% are amendments."""
    special = world.special
    assert special is not None
    amends = round(count * 0.02)
    pracs = [s.id for s in staff if s.role == "practitioner"]
    sups = [s.id for s in staff if s.role == "supervisor"]
    picks = picker.many(rng, count - amends - SPECIAL_DECISIONS) + [special] * SPECIAL_DECISIONS
    base: list[tuple[float, int, int, int]] = []
    for p in picks:
        ts = time_after(rng, p, world.end)
        decider = rng.choice(sups) if rng.random() < 0.05 else rng.choice(pracs)
        base.append((ts, p.id, decider, -1))
        p.last = max(p.last, ts)
    plan = list(base)
    candidates = [i for i, b in enumerate(base) if b[1] != special.id]
    for i in rng.sample(candidates, amends):
        ts, pid, decider, _ = base[i]
        later = min(ts + HOUR + rng.random() * 20 * DAY, world.end)
        plan.append((max(later, ts + 1), pid, decider, i))
        world.people[pid - 1].last = max(world.people[pid - 1].last, later)
    # Index of each base entry survives sorting through a stable key; remember positions.
    order = sorted(range(len(plan)), key=lambda k: plan[k][0])
    position = {k: n for n, k in enumerate(order)}
    return [
        (plan[k][0], plan[k][1], plan[k][2], position[plan[k][3]] if plan[k][3] >= 0 else -1)
        for k in order
    ]


def decision_rows(
    rng: random.Random,
    world: World,
    plan: list[tuple[float, int, int, int]],
    index: ConsentIndex,
    affected: list[dict[str, Any]],
) -> Iterator[dict[str, Any]]:
    """Rows in id order; amendments copy their base and point at it, as amend() does."""
    amended = {b for *_, b in plan if b >= 0}
    kept: dict[int, tuple[dict[str, Any], list[int]]] = {}
    people = world.people
    for n, (ts, pid, decider, base) in enumerate(plan):
        at = when(ts)
        did = n + 1
        if base < 0:
            p = people[pid - 1]
            fields = decision_fields(rng, p, ts, index)
            others: list[int] = []
            if p.siblings and rng.random() < 0.15:
                others = rng.sample(p.siblings, min(len(p.siblings), rng.randint(1, 2)))
            row = dict(fields, id=did, root_id=did, version=1, supersedes_id=None, amend_reason="")
            if n in amended:
                kept[n] = (fields, others)
        else:
            fields, others = kept.pop(base)
            fields = dict(fields, reasons=fields["reasons"] + " " + rng.choice(AMEND_REASONS))
            if not fields["impact_if_not_shared"]:  # completing an urgent record answers rule 5
                fields["impact_if_not_shared"] = rng.choice(IMPACT_NOT_SHARED)
            root = base + 1
            row = dict(
                fields,
                id=did,
                root_id=root,
                version=2,
                supersedes_id=root,
                amend_reason=rng.choice(AMEND_REASONS),
            )
        row.update(subject_id=pid, decided_by_id=decider, decided_at=at)
        if n % 101 == 0:
            check_decision(fields, pid, at, did)
        for other in others:
            affected.append({"decision_id": did, "person_id": other})
        if base < 0:
            summary = f"person {pid}; {row['outcome']}"
            world.audit.append((ts, decider, "decision.create", "decision", str(did), summary))
        else:
            summary = f"version 2 of {base + 1}"
            world.audit.append((ts, decider, "decision.amend", "decision", str(did), summary))
        yield row


# -- advice ------------------------------------------------------------------------------------
def advice_rows(
    rng: random.Random,
    world: World,
    picker: Picker,
    count: int,
    pending: int,
    staff: list[Staff],
    events: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    special = world.special
    assert special is not None
    pracs = [s.id for s in staff if s.role == "practitioner"]
    by_role: dict[str, list[int]] = defaultdict(list)
    for s in staff:
        for r in s.advice_roles:
            by_role[r].append(s.id)
    closed = count - pending - SPECIAL_ADVICE
    plans: list[tuple[float, PersonPlan | None, bool]] = []
    named = picker.many(rng, count)
    for i in range(count):
        if i < SPECIAL_ADVICE:
            p: PersonPlan | None = special
        else:
            p = named[i] if rng.random() < 0.85 else None
        is_pending = SPECIAL_ADVICE + closed <= i
        anchor = p or world.people[rng.randrange(len(world.people))]
        if is_pending:
            ts = time_after(rng, anchor, world.end, recent=14 * DAY)
        else:
            ts = time_after(rng, anchor, world.end - 10 * DAY)
        plans.append((ts, p, is_pending))
        if p is not None:
            p.last = max(p.last, ts)
    plans.sort(key=lambda x: x[0])
    rows: list[dict[str, Any]] = []
    audit = world.audit
    for n, (ts, p, is_pending) in enumerate(plans, start=1):
        role = rng.choices(list(AdviceRole), (60, 15, 10, 15))[0]
        urgency = rng.choices(list(Urgency), (10, 30, 60))[0]
        raiser = rng.choice(pracs)
        anonymised = p is not None and p is not special and rng.random() < 0.4
        raised = when(ts)
        row: dict[str, Any] = {
            "id": n,
            "question": rng.choice(names.QUESTIONS),
            "anonymised": anonymised,
            "person_id": p.id if p else None,
            "person_description": anonymous_description(p.dob, raised.date()) if p else "",
            "advice_role": role.value,
            "urgency": urgency.value,
            "urgency_rank": URGENCY_ORDER[urgency],
            "due_at": due_at(urgency, raised, TZ),
            "decision_id": None,
            "draft_id": None,
            "status": AdviceStatus.PENDING.value,
            "raised_by_id": raiser,
            "raised_at": raised,
            "claimed_by_id": None,
            "claimed_at": None,
            "advice_text": "",
            "advised_by_id": None,
            "advised_at": None,
            "outcome_text": "",
            "closed_by_id": None,
            "closed_at": None,
        }
        note = f"{urgency.label}; {role.label}" + ("; anonymised" if anonymised else "")
        events.append(
            {"advice_id": n, "kind": "raised", "user_id": raiser, "at": raised, "note": note}
        )
        about = f"person {p.id}" if p else "no person named"
        audit.append((ts, raiser, "advice.raise", "advice", str(n), about))
        if not is_pending:
            adviser = rng.choice(by_role[role.value])
            quick = 0.2 if urgency is Urgency.URGENT else 1.0
            t_claim = ts + (300 + rng.random() * 4 * HOUR) * quick
            t_advise = t_claim + (600 + rng.random() * 2 * DAY) * quick
            t_close = t_advise + 600 + rng.random() * 3 * DAY
            row.update(
                status=AdviceStatus.CLOSED.value,
                claimed_by_id=adviser,
                claimed_at=when(t_claim),
                advice_text=rng.choice(names.ADVICE),
                advised_by_id=adviser,
                advised_at=when(t_advise),
                outcome_text=rng.choice(names.OUTCOMES),
                closed_by_id=raiser,
                closed_at=when(t_close),
            )
            steps = [
                (t_claim, "claimed", adviser, ""),
                (t_advise, "advised", adviser, ""),
                (t_close, "closed", raiser, ""),
            ]
            if anonymised and rng.random() < 0.15:
                reveal = "Need to check whether the family is already open to social care."
                steps.insert(1, (t_claim + 120, "revealed", adviser, reveal))
            for t, kind, who, text_ in steps:
                events.append(
                    {
                        "advice_id": n,
                        "kind": AdviceEventKind(kind).value,
                        "user_id": who,
                        "at": when(t),
                        "note": text_,
                    }
                )
                if kind == "revealed":
                    audit.append(
                        (t, who, "advice.reveal", "person", str(p.id if p else ""), f"advice {n}")
                    )
                else:
                    action = {
                        "claimed": "advice.claim",
                        "advised": "advice.advise",
                        "closed": "advice.close",
                    }[kind]
                    audit.append((t, who, action, "advice", str(n), ""))
        rows.append(row)
    events.sort(key=lambda e: e["at"])
    for i, e in enumerate(events, start=1):
        e["id"] = i
    return rows


# -- writing -----------------------------------------------------------------------------------
class Loader:
    """Bulk writes on one connection: Core executemany on SQLite (with fsync off while
    loading: the file is thrown away if generation fails), COPY on PostgreSQL."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.pg = engine.dialect.name == "postgresql"
        self.conn: Connection = engine.connect()
        if not self.pg:
            raw = self.conn.connection.driver_connection
            raw.execute("PRAGMA synchronous=OFF")  # type: ignore[union-attr]
            raw.execute("PRAGMA cache_size=-524288")  # type: ignore[union-attr]

    def insert(self, table: Table, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        with self.conn.begin():
            if self.pg:
                self._copy(table, rows)
            else:
                self.conn.execute(table.insert(), rows)

    def _copy(self, table: Table, rows: list[dict[str, Any]]) -> None:
        cols = list(rows[0].keys())
        convert: list[Callable[[Any], Any]] = []
        for name in cols:
            ctype = table.c[name].type
            if isinstance(ctype, UTCDateTime):
                convert.append(
                    lambda v: None if v is None else v.astimezone(UTC).replace(tzinfo=None)
                )
            elif isinstance(ctype, JSON):
                convert.append(lambda v: json.dumps(v))
            else:
                convert.append(lambda v: v)
        quoted = ", ".join(f'"{c}"' for c in cols)
        raw = self.conn.connection.driver_connection
        with raw.cursor() as cur, cur.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as cp:  # type: ignore[union-attr]
            for r in rows:
                cp.write_row([f(r[c]) for f, c in zip(convert, cols, strict=True)])

    def stream(
        self, table: Table, rows: Iterable[dict[str, Any]], progress: Progress, task: TaskID
    ) -> int:
        batch: list[dict[str, Any]] = []
        n = 0
        for row in rows:
            batch.append(row)
            if len(batch) >= CHUNK:
                self.insert(table, batch)
                progress.advance(task, len(batch))
                n += len(batch)
                batch = []
        self.insert(table, batch)
        progress.advance(task, len(batch))
        return n + len(batch)

    def drop_indexes(self, tables: list[str]) -> list[str]:
        """Set aside the secondary indexes of the tables about to be filled: building each
        once at the end is many times faster than keeping it up to date row by row. Indexes
        behind a primary key or unique constraint stay. Returns the statements that rebuild
        them, exactly as the migrations made them."""
        if self.pg:
            rows = self.conn.execute(
                text(
                    "SELECT i.indexname, i.indexdef FROM pg_indexes i "
                    "WHERE i.schemaname = current_schema() AND i.tablename = ANY(:t) "
                    "AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
                    "WHERE c.conname = i.indexname)"
                ),
                {"t": tables},
            ).all()
        else:
            rows = self.conn.execute(
                text(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                    "AND sql IS NOT NULL AND tbl_name IN ("
                    + ",".join(f"'{t}'" for t in tables)
                    + ")"
                )
            ).all()
        self.conn.commit()  # the look-up above began a transaction
        with self.conn.begin():
            for name, _ in rows:
                self.conn.execute(text(f'DROP INDEX "{name}"'))
        return [sql for _, sql in rows]

    def rebuild_indexes(self, statements: list[str], progress: Progress) -> None:
        task = progress.add_task("Indexes", total=len(statements))
        for sql in statements:
            with self.conn.begin():
                self.conn.execute(text(sql))
            progress.advance(task)

    def close(self) -> None:
        self.conn.close()


def write_chain(
    loader: Loader, world: World, staff: list[Staff], progress: Progress
) -> tuple[int, int]:
    """Append the planned audit events after the accounts' ones, in time order, hashing each
    exactly as services.audit.append does, then move the chain head."""
    audit = world.audit
    task = progress.add_task("Audit chain (hashing)", total=len(audit))
    audit.sort(key=itemgetter(0))
    by_id = {s.id: s for s in staff}
    with loader.engine.connect() as conn:
        head = conn.execute(select(AuditHead.__table__)).one()
    prev = head.last_hash or GENESIS
    event_id = head.last_event_id

    def rows() -> Iterator[dict[str, Any]]:
        nonlocal prev, event_id
        for ts, uid, action, etype, eid, summary in audit:
            event_id += 1
            at = when(ts)
            who = by_id[uid]
            digest = event_hash(
                prev, event_id, at, uid, who.username, who.terminal, action, etype, eid, summary
            )
            yield {
                "id": event_id,
                "at": at,
                "user_id": uid,
                "username": who.username,
                "terminal": who.terminal,
                "action": action,
                "entity_type": etype,
                "entity_id": eid,
                "summary": summary,
                "prev_hash": prev,
                "hash": digest,
            }
            prev = digest

    n = loader.stream(AuditEvent.__table__, rows(), progress, task)
    with loader.conn.begin():
        loader.conn.execute(
            update(AuditHead.__table__)
            .where(AuditHead.__table__.c.id == 1)
            .values(last_event_id=event_id, last_hash=prev)
        )
    return n, event_id


# -- the target database -----------------------------------------------------------------------
def prepare_target(url: str, replace: bool) -> None:
    """Refuse to write over a database that holds anything unless --replace is given."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = Path(parsed.database or "")
        if path.exists():
            if not replace:
                raise SystemExit(f"{path} exists; pass --replace to rebuild it")
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        return
    dbname = parsed.database
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": dbname}
        ).first()
        if exists and not replace:
            raise SystemExit(f"database {dbname} exists; pass --replace to rebuild it")
        if exists:
            conn.execute(text(f'DROP DATABASE "{dbname}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{dbname}"'))
    admin.dispose()


def finish(engine: Engine) -> None:
    """PostgreSQL: move the id sequences past the explicit ids, and VACUUM (ANALYZE) as
    autovacuum would have done by the time a site's database is this size: a freshly loaded
    table's first reads set every row's hint bits (writing each page again) and cannot use
    index-only scans, so measuring before a vacuum measures the load, not the site. SQLite:
    fold the WAL back into the file (no ANALYZE: the app never runs one)."""
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            for table in (
                "app_user",
                "person",
                "person_link",
                "consent_event",
                "sharing_decision",
                "advice_request",
                "advice_event",
                "audit_event",
            ):
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f'(SELECT COALESCE(MAX(id), 1) FROM "{table}"))'
                    )
                )
            conn.commit()
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
                "VACUUM (ANALYZE)"
            )
        else:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


# -- main --------------------------------------------------------------------------------------
def counts_for(scale: float) -> dict[str, int]:
    out = {k: max(1, round(v * scale)) for k, v in BASE_COUNTS.items()}
    out["people"] = max(out["people"], 20)
    out["consent"] = max(out["consent"], SPECIAL_CONSENT + 10)
    out["decisions"] = max(out["decisions"], SPECIAL_DECISIONS + 10)
    out["advice"] = max(out["advice"], SPECIAL_ADVICE + out["pending"] + 1)
    return out


def generate(url: str, scale: float, seed: int, replace: bool, console: Console) -> dict[str, Any]:
    url = normalise_url(url)
    prepare_target(url, replace)
    counts = counts_for(scale)
    rng = random.Random(seed)
    started = time.perf_counter()
    stages: dict[str, float] = {}
    end = (datetime.now(UTC) - timedelta(hours=1)).timestamp()
    world = World(start=end - YEARS * 365.25 * DAY, end=end)
    engine = make_engine(url)
    upgrade(engine)
    store = Store(engine, Settings(database_url=url, terminal="generator"))
    columns = [
        TextColumn("{task.description:<28}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    ]
    with Progress(*columns, console=console) as progress:
        t = time.perf_counter()
        staff = create_accounts(store, scale, progress)
        stages["accounts"] = time.perf_counter() - t
        pracs = [s for s in staff if s.role == "practitioner"]

        t = time.perf_counter()
        plan_task = progress.add_task("Planning", total=4)
        plan_people(rng, world, counts["people"], len(pracs))
        picker = Picker(world.people)
        progress.advance(plan_task)
        consent_plan = plan_consent(rng, world, picker, counts["consent"], staff)
        progress.advance(plan_task)
        decision_plan = plan_decisions(rng, world, picker, counts["decisions"], staff)
        progress.advance(plan_task)
        advice_events: list[dict[str, Any]] = []
        advice = advice_rows(
            rng, world, picker, counts["advice"], counts["pending"], staff, advice_events
        )
        progress.advance(plan_task)
        stages["planning"] = time.perf_counter() - t

        loader = Loader(engine)
        t = time.perf_counter()
        set_aside = loader.drop_indexes(BULK_TABLES)
        stages["drop_indexes"] = time.perf_counter() - t
        t = time.perf_counter()
        people_task = progress.add_task("People, names, links", total=len(world.people))
        loader.stream(Person.__table__, person_rows(world, pracs), progress, people_task)
        keys = [
            {"key": key, "person_id": p.id}
            for p in world.people
            for key in sorted(person_keys(p.family, p.given, p.other))
        ]
        key_task = progress.add_task("Name search keys", total=len(keys))
        loader.stream(PersonNameKey.__table__, iter(keys), progress, key_task)
        link_task = progress.add_task("Links", total=len(world.links))
        loader.stream(PersonLink.__table__, link_rows(world, pracs), progress, link_task)
        stages["people"] = time.perf_counter() - t

        t = time.perf_counter()
        index = ConsentIndex()
        consent_task = progress.add_task("Consent events", total=len(consent_plan))
        loader.stream(
            ConsentEvent.__table__, consent_rows(rng, consent_plan, index), progress, consent_task
        )
        world.audit.extend(
            (rec, recorder, f"consent.{status}", "person", str(pid), f"consent event {n}")
            for n, (rec, _eff, pid, status, _s, _c, _d, recorder) in enumerate(consent_plan, 1)
        )
        sort_consent_index(index)
        stages["consent"] = time.perf_counter() - t

        t = time.perf_counter()
        affected: list[dict[str, Any]] = []
        decision_task = progress.add_task("Sharing decisions", total=len(decision_plan))
        loader.stream(
            SharingDecision.__table__,
            decision_rows(rng, world, decision_plan, index, affected),
            progress,
            decision_task,
        )
        affected_task = progress.add_task("Others affected", total=len(affected))
        loader.stream(DecisionAffected.__table__, iter(affected), progress, affected_task)
        stages["decisions"] = time.perf_counter() - t

        t = time.perf_counter()
        advice_task = progress.add_task(
            "Advice requests and events", total=len(advice) + len(advice_events)
        )
        loader.stream(AdviceRequest.__table__, iter(advice), progress, advice_task)
        loader.stream(AdviceEvent.__table__, iter(advice_events), progress, advice_task)
        stages["advice"] = time.perf_counter() - t

        t = time.perf_counter()
        _, last_id = write_chain(loader, world, staff, progress)
        stages["audit"] = time.perf_counter() - t

        t = time.perf_counter()
        loader.rebuild_indexes(set_aside, progress)
        stages["indexes"] = time.perf_counter() - t
        loader.close()

        t = time.perf_counter()
        register_task = progress.add_task("Recipient register", total=1)
        with engine.begin() as conn:  # as `sharetui db upgrade` makes it from free text
            register = import_free_text(conn, when(world.end))
        progress.advance(register_task)
        stages["register"] = time.perf_counter() - t

        t = time.perf_counter()
        finish_task = progress.add_task("Checkpoint / analyse", total=1)
        finish(engine)
        progress.advance(finish_task)
        stages["finish"] = time.perf_counter() - t
    engine.dispose()
    total = time.perf_counter() - started
    special = world.special
    assert special is not None
    report = {
        "database": make_url(url).render_as_string(hide_password=True),
        "backend": make_url(url).get_backend_name(),
        "scale": scale,
        "seed": seed,
        "seconds": round(total, 1),
        "stages": {k: round(v, 1) for k, v in stages.items()},
        "counts": {
            "accounts": len(staff),
            "people": len(world.people),
            "person_links": len(world.links),
            "consent_events": len(consent_plan),
            "sharing_decisions": len(decision_plan),
            "decision_affected": len(affected),
            "advice_requests": len(advice),
            "advice_pending": sum(1 for a in advice if a["status"] == "pending"),
            "advice_events": len(advice_events),
            "audit_events": last_id,
            "register_organisations": register.organisations,
            "register_contacts": register.contacts,
        },
        "timeline_person": {"id": special.id, "reference": SPECIAL_REFERENCE},
        "passphrase": PASSPHRASE,
    }
    if report["backend"] == "sqlite":
        report["file_mib"] = round(Path(make_url(url).database or "").stat().st_size / 2**20)
    return report


def person_rows(world: World, pracs: list[Staff]) -> Iterator[dict[str, Any]]:
    for p in world.people:
        creator = pracs[p.creator].id
        world.audit.append((p.created, creator, "person.create", "person", str(p.id), ""))
        yield {
            "id": p.id,
            "family_name": p.family,
            "given_names": p.given,
            "other_names": p.other,
            "sort_key": sort_key(p.family, p.given),
            "date_of_birth": p.dob,
            "dob_estimated": p.estimated,
            "reference": p.reference,
            "nhs_number": p.nhs,
            "notes": p.notes,
            "created_by_id": creator,
            "created_at": when(p.created),
            "last_activity_at": when(p.last),
        }


def link_rows(world: World, pracs: list[Staff]) -> Iterator[dict[str, Any]]:
    for n, (frm, to, rel, creator, ts) in enumerate(world.links, start=1):
        uid = pracs[creator].id
        world.audit.append((ts, uid, "person.link", "person", str(to), f"linked to {frm}"))
        yield {
            "id": n,
            "from_person_id": frm,
            "to_person_id": to,
            "relationship": rel,
            "created_by_id": uid,
            "created_at": when(ts),
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database",
        default=str(DEFAULT_DATABASE),
        help="a SQLite file path or a SQLAlchemy URL (postgresql+psycopg://...)",
    )
    parser.add_argument(
        "--scale", type=float, default=1.0, help="fraction of the full size (1.0 = 100,000 people)"
    )
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument(
        "--replace",
        action="store_true",
        help="rebuild the database if it exists (everything in it is lost)",
    )
    args = parser.parse_args(argv)
    if not 0 < args.scale <= 10:
        parser.error("--scale must be above 0 and at most 10")
    console = Console()
    report = generate(args.database, args.scale, args.seed, args.replace, console)
    OUT.mkdir(exist_ok=True)
    scale = "" if args.scale == 1 else f"-scale{args.scale:g}"
    name = f"generate-{report['backend']}{scale}.json"
    (OUT / name).write_text(json.dumps(report, indent=2) + "\n")
    c = report["counts"]
    console.print(
        f"Built {report['database']} in {report['seconds']:.0f} s: {c['people']:,} people, "
        f"{c['sharing_decisions']:,} decisions, {c['consent_events']:,} consent events, "
        f"{c['advice_requests']:,} advice items ({c['advice_pending']:,} pending), "
        f"{c['audit_events']:,} audit events. Report: benchmarks/out/{name}",
        markup=False,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
