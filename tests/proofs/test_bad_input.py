"""Bad input: hypothesis throws arbitrary text (control characters, lone surrogates, NUL,
markup, huge strings), arbitrary choices, None and arbitrary numbers at every service input.
Only the typed errors may come out, never another exception; a refused call stores nothing;
and nothing invalid is ever stored, on SQLite and on PostgreSQL.

CI runs a few dozen examples per input; SHARETUI_PROOF_SCALE=full runs hundreds.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from enum import Enum
from typing import Any, TypeVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import JSON, String, Text, func, select
from sqlmodel import SQLModel

from sharetui.domain.consent import ConsentInput
from sharetui.domain.decision import DecisionInput, QualityCheck
from sharetui.domain.enums import (
    AdviceRole,
    AdviceStatus,
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
    RequestOrigin,
    Role,
    ShareMethod,
    Urgency,
)
from sharetui.domain.errors import ShareError, StoreFailed
from sharetui.domain.person import PersonInput
from sharetui.domain.text import clean, clean_line, scrub_json
from sharetui.services.facade import Services
from sharetui.services.unit_of_work import Actor
from sharetui.store import models
from tests.proofs.scale import FULL, PROFILE
from tests.proofs.workload import PASSPHRASE, consent, share

# Sign-in and account creation pay for an argon2 hash per example.
SLOW_PROFILE = settings(PROFILE, max_examples=120 if FULL else 12)

# -- strategies ---------------------------------------------------------------------------

ANY_CHAR = st.characters(exclude_categories=())  # every code point, lone surrogates included
HOSTILE = st.sampled_from(
    [
        "\x00",
        "\ud800",
        "\udfff",
        "\x1b[31m",
        "\x1b]0;owned\x07",
        "\u202e",
        "\u2066",
        "\x85",
        "\x9b",
        "\u2028",
        "\ufeff",
        "\r\n",
        "\t",
        "[/]",
        "[@click=app.quit]x[/]",
        "'; DROP TABLE person; --",
        "%s",
        "😀",
        "ß",
        "ﷺ",
        "İ",
        "²",
        "٣",
        "9434765919",
        "1/1/99999999999",
        "1/1/99999999999999999999",
        "4 3 " + "9" * 5000,
        "31/2/2020",
        " ",
    ]
)
TEXT = st.one_of(
    st.text(ANY_CHAR, max_size=40),
    st.lists(st.one_of(HOSTILE, st.text(ANY_CHAR, max_size=4)), max_size=12).map("".join),
    st.builds(
        operator.mul,
        st.sampled_from(["a", "é", "ß", "\x00", "😀", " ", "\n", "ﷺ", "ab "]),
        st.sampled_from([199, 200, 201, 20_000, 20_001, 200_000]),
    ),
)
E = TypeVar("E", bound=Enum)


def choice(enum: type[E]) -> st.SearchStrategy[E | None]:
    return st.none() | st.sampled_from(list(enum))


def choice_text(enum: type[Enum]) -> st.SearchStrategy[Any]:
    """A choice as the screens and the command line pass it: a value, a label, or anything."""
    words = [m.value for m in enum] + [m.label for m in enum]  # type: ignore[attr-defined]
    return st.none() | st.sampled_from(words) | TEXT


IDS = st.integers() | st.integers(min_value=-3, max_value=50)
DATES = st.none() | st.dates() | st.dates(date(1890, 1, 1), date(2100, 1, 1))
ZONES = st.sampled_from(
    [None, UTC, timezone(timedelta(hours=14)), timezone(timedelta(hours=-12, minutes=-30))]
)
TIMES = st.none() | st.datetimes(timezones=ZONES) | st.just(datetime.now(UTC) + timedelta(days=1))
FLAGS = st.none() | st.booleans()
JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12,
)

# -- what may be stored -------------------------------------------------------------------

_NEVER = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_NOT_IN_A_LINE = re.compile("[\n\t]")
ENUM_COLUMNS: dict[tuple[str, str], type[Enum]] = {
    ("app_user", "role"): Role,
    ("consent_event", "status"): ConsentStatus,
    ("consent_event", "not_sought_reason"): NotSoughtReason,
    ("consent_event", "given_by"): ConsentGiver,
    ("consent_event", "method"): ConsentMethod,
    ("sharing_decision", "origin"): RequestOrigin,
    ("sharing_decision", "caller_check"): CallerCheck,
    ("sharing_decision", "consent_position"): ConsentPosition,
    ("sharing_decision", "not_sought_reason"): NotSoughtReason,
    ("sharing_decision", "lawful_basis"): LawfulBasis,
    ("sharing_decision", "art9_condition"): Art9Condition,
    ("sharing_decision", "outcome"): Outcome,
    ("sharing_decision", "share_method"): ShareMethod,
    ("advice_request", "advice_role"): AdviceRole,
    ("advice_request", "urgency"): Urgency,
    ("advice_request", "status"): AdviceStatus,
}


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in _strings(k) + _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def stored_problems(svc: Services) -> list[str]:
    """Everything stored that no service should have let in."""
    problems: list[str] = []
    today = date.today()
    with svc.store.engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            for row in conn.execute(select(table)).mappings():
                for col in table.columns:
                    value = row[col.key]
                    where = f"{table.name}.{col.key} of row {row.get('id', '?')}"
                    for text in _strings(value):
                        if _NEVER.search(text):
                            problems.append(f"{where} holds a control character: {text[:60]!r}")
                        if (
                            isinstance(col.type, String)
                            and not isinstance(col.type, Text | JSON)
                            and _NOT_IN_A_LINE.search(text)
                        ):
                            problems.append(f"{where} holds a line break: {text[:60]!r}")
                    length = getattr(col.type, "length", None)
                    if isinstance(value, str) and length and len(value) > length:
                        problems.append(f"{where} is {len(value)} long, over {length}")
                    enum = ENUM_COLUMNS.get((table.name, col.key))
                    if enum and value is not None and value not in {m.value for m in enum}:
                        problems.append(f"{where} is not a {enum.__name__}: {value!r}")
                if table.name == "person":
                    dob = row["date_of_birth"]
                    if dob is not None and not (date(1900, 1, 1) <= dob <= today):
                        problems.append(f"person {row['id']} born {dob}")
                    if not row["family_name"] or not row["given_names"]:
                        problems.append(f"person {row['id']} has no name")
                if table.name == "sharing_decision" and not row["reasons"].strip():
                    problems.append(f"decision {row['id']} has no reasons (rule 7)")
    return problems


def counts(svc: Services) -> dict[str, int]:
    with svc.store.engine.connect() as conn:
        return {
            t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in SQLModel.metadata.sorted_tables
        }


T = TypeVar("T")


def attempt(svc: Services, call: Callable[[], T], *, writes_on_refusal: bool = False) -> T | None:
    """Run one service call with hostile input: either it succeeds, or a typed error with
    words for the desk comes out and nothing was stored. Then nothing invalid is stored."""
    before = counts(svc)
    result: T | None = None
    try:
        result = call()
    except StoreFailed as exc:  # bad input must never look like a database fault
        raise AssertionError(f"bad input reported as the database being down: {exc}") from exc
    except ShareError as exc:
        assert exc.message.strip(), "an error without words for the person at the desk"
        exc.message.encode("utf-8")  # shown on screen: must be printable text
        assert not _NEVER.search(exc.message), exc.message
        if not writes_on_refusal:
            assert counts(svc) == before, "a refused call stored something"
    assert stored_problems(svc) == []
    return result


# -- the world the inputs act on ----------------------------------------------------------


@dataclass(frozen=True)
class World:
    people: list[int]
    decisions: list[int]
    consents: list[int]
    advice: list[int]
    drafts: list[int]
    actors: list[Actor]


@pytest.fixture
def world(svc: Services, actors: Any) -> World:
    pat, sam = actors.pat, actors.sam
    a = svc.people.create(pat, PersonInput("Mills", "Ava", date_of_birth=date(2015, 4, 1)))
    b = svc.people.create(pat, PersonInput("Mills", "Ben", date_of_birth=date(2012, 9, 9)))
    c = svc.consent.record(pat, consent(a.id, "w"))
    d = svc.decisions.log(pat, share(a.id, "w"))
    pending = svc.advice.raise_request(
        pat, question="Should we tell the GP?", advice_role="dsl", urgency="today"
    )
    claimed = svc.advice.raise_request(
        pat, question="And the school?", advice_role="dsl", urgency="urgent", person_id=b.id
    )
    svc.advice.claim(sam, claimed.id)
    advised = svc.advice.raise_request(
        pat, question="And the dentist?", advice_role="dsl", urgency="routine"
    )
    svc.advice.claim(sam, advised.id)
    svc.advice.advise(sam, advised.id, "Only what they need")
    draft = svc.drafts.save(pat, kind="decision", payload={"reasons": "half typed"})
    return World(
        [a.id, b.id],
        [d.id],
        [c.id],
        [pending.id, claimed.id, advised.id],
        [draft.id],
        [actors.pat, actors.sam, actors.ada],
    )


def some_id(data: st.DataObject, ids: list[int], label: str, none: bool = True) -> int | None:
    """A recent id of a stored record, any number, or None. The strategies stay the same from
    one example to the next (hypothesis requires it) while the lists of records grow."""
    kind = data.draw(st.sampled_from(["known", "any", "none"] if none else ["known", "any"]))
    if kind == "known":
        return ids[-1 - data.draw(st.integers(0, 7), label) % len(ids)]
    return data.draw(IDS, label) if kind == "any" else None


# -- people --------------------------------------------------------------------------------


@PROFILE
@given(data=st.data())
def test_people_create(svc: Services, world: World, data: st.DataObject) -> None:
    person = PersonInput(
        family_name=data.draw(TEXT),
        given_names=data.draw(TEXT),
        other_names=data.draw(TEXT),
        date_of_birth=data.draw(DATES),
        dob_estimated=data.draw(st.booleans()),
        reference=data.draw(TEXT),
        nhs_number=data.draw(TEXT | st.sampled_from(["943 476 5919", "9434765918"])),
        notes=data.draw(TEXT),
    )
    who = data.draw(st.sampled_from(world.actors))
    created = attempt(
        svc,
        lambda: svc.people.create(
            who, person, confirm_not_duplicate=data.draw(st.booleans(), "confirm")
        ),
    )
    if created is not None:
        assert svc.people.open(world.actors[0], created.id).summary == created


@PROFILE
@given(query=TEXT, offset=st.integers(-1000, 10**12), who=st.sampled_from([0, 1, 2]))
def test_people_find(svc: Services, world: World, query: str, offset: int, who: int) -> None:
    attempt(svc, lambda: svc.people.find(world.actors[who], query, offset=offset))


# -- consent -------------------------------------------------------------------------------


@PROFILE
@given(data=st.data())
def test_consent_record(svc: Services, world: World, data: st.DataObject) -> None:
    c = ConsentInput(
        person_id=some_id(data, world.people, "person_id"),
        status=data.draw(choice(ConsentStatus)),
        not_sought_reason=data.draw(choice(NotSoughtReason)),
        given_by=data.draw(choice(ConsentGiver)),
        given_by_name=data.draw(TEXT),
        method=data.draw(choice(ConsentMethod)),
        told=data.draw(TEXT),
        scope_information=data.draw(TEXT),
        scope_recipient=data.draw(TEXT),
        scope_purpose=data.draw(TEXT),
        effective_at=data.draw(TIMES),
    )
    who = data.draw(st.sampled_from(world.actors))
    attempt(svc, lambda: svc.consent.record(who, c))


# -- decisions -----------------------------------------------------------------------------


def decision_input(data: st.DataObject, world: World) -> DecisionInput:
    checks = data.draw(
        st.dictionaries(
            st.sampled_from([q.value for q in Quality]) | TEXT,
            st.builds(QualityCheck, FLAGS, TEXT),
            max_size=8,
        ),
        "checks",
    )
    # Half the time start from a complete share and spoil a few fields, so the inputs reach
    # the database as well as the checks.
    d = share(world.people[data.draw(st.integers(0, 1))], "h") if data.draw(st.booleans()) else None
    fields: dict[str, Any] = {
        "subject_id": lambda: some_id(data, world.people, "subject_id"),
        "others_affected": lambda: [
            some_id(data, world.people, "others") for _ in range(data.draw(st.integers(0, 4)))
        ],
        "urgent": FLAGS,
        "origin": choice(RequestOrigin),
        "recipient_org": TEXT,
        "recipient_role": TEXT,
        "recipient_name": TEXT,
        "recipient_contact": TEXT,
        "caller_check": choice(CallerCheck),
        "purpose": TEXT,
        "information": TEXT,
        "categories": st.lists(TEXT, max_size=25),
        "special_category": FLAGS,
        "criminal_offence": FLAGS,
        "consent_position": choice(ConsentPosition),
        "consent_event_id": lambda: some_id(data, world.consents, "consent"),
        "not_sought_reason": choice(NotSoughtReason),
        "without_consent_reason": TEXT,
        "lawful_basis": choice(LawfulBasis),
        "art9_condition": choice(Art9Condition),
        "necessity": TEXT,
        "identities_protected": TEXT,
        "person_told": FLAGS,
        "not_told_reason": TEXT,
        "outcome": choice(Outcome),
        "reasons": TEXT,
        "shared_at": TIMES,
        "share_method": choice(ShareMethod),
        "impact_if_not_shared": TEXT,
        "impact_if_shared": TEXT,
    }

    def value(name: str) -> Any:
        how = fields[name]
        return data.draw(how, name) if isinstance(how, st.SearchStrategy) else how()

    if d is None:
        d = DecisionInput(checks=checks, **{name: value(name) for name in fields})
    else:
        for name in data.draw(st.lists(st.sampled_from(sorted(fields)), max_size=3), "spoil"):
            setattr(d, name, value(name))
    return d


@PROFILE
@given(data=st.data())
def test_decisions_log(svc: Services, world: World, data: st.DataObject) -> None:
    d = decision_input(data, world)
    who = data.draw(st.sampled_from(world.actors))
    draft_id = data.draw(st.none() | IDS, "draft_id")
    logged = attempt(svc, lambda: svc.decisions.log(who, d, draft_id=draft_id))
    if logged is not None:
        world.decisions.append(logged.id)


@PROFILE
@given(data=st.data())
def test_decisions_amend(svc: Services, world: World, data: st.DataObject) -> None:
    d = decision_input(data, world)
    who = data.draw(st.sampled_from(world.actors))
    decision_id = some_id(data, world.decisions, "decision_id", none=False)
    reason = data.draw(TEXT, "reason")
    amended = attempt(svc, lambda: svc.decisions.amend(who, decision_id, d, reason))
    if amended is not None:
        world.decisions.append(amended.id)


# -- advice --------------------------------------------------------------------------------


@PROFILE
@given(data=st.data())
def test_advice_raise(svc: Services, world: World, data: st.DataObject) -> None:
    who = data.draw(st.sampled_from(world.actors))
    kwargs = {
        "question": data.draw(TEXT, "question"),
        "advice_role": data.draw(choice_text(AdviceRole), "advice_role"),
        "urgency": data.draw(choice_text(Urgency), "urgency"),
        "person_id": some_id(data, world.people, "person_id"),
        "anonymised": data.draw(st.booleans(), "anonymised"),
        "decision_id": some_id(data, world.decisions, "decision_id"),
        "draft_id": some_id(data, world.drafts, "draft_id"),
    }
    raised = attempt(svc, lambda: svc.advice.raise_request(who, **kwargs))
    if raised is not None:
        world.advice.append(raised.id)


@PROFILE
@given(data=st.data())
def test_advice_advise_and_close(svc: Services, world: World, data: st.DataObject) -> None:
    who = data.draw(st.sampled_from(world.actors))
    advice_id = some_id(data, world.advice, "advice_id", none=False)
    text = data.draw(TEXT, "text")
    if data.draw(st.booleans(), "close"):
        attempt(svc, lambda: svc.advice.close(who, advice_id, text))
    else:
        attempt(svc, lambda: svc.advice.advise(who, advice_id, text))


# -- accounts ------------------------------------------------------------------------------


@SLOW_PROFILE
@given(data=st.data())
def test_users_create(svc: Services, world: World, data: st.DataObject) -> None:
    who = data.draw(st.sampled_from([None, *world.actors]), "actor")
    args = (
        data.draw(TEXT | st.sampled_from(["pat", "new.user", "x" * 65]), "username"),
        data.draw(TEXT, "display_name"),
        data.draw(choice_text(Role), "role"),
        data.draw(st.lists(choice_text(AdviceRole), max_size=3), "advice_roles"),
        data.draw(TEXT | st.just(PASSPHRASE) | st.just("x" * 11), "passphrase"),
    )
    attempt(svc, lambda: svc.users.create(who, *args))  # type: ignore[arg-type]


@SLOW_PROFILE
@given(
    username=TEXT | st.sampled_from(["pat", "PAT ", "sam\x00", "nobody"]),
    passphrase=TEXT | st.just(PASSPHRASE),
)
def test_users_sign_in(svc: Services, world: World, username: str, passphrase: str) -> None:
    # A failed sign-in is recorded (audit event, failure count) even though it is refused.
    attempt(svc, lambda: svc.users.sign_in(username, passphrase, "t"), writes_on_refusal=True)


# -- drafts --------------------------------------------------------------------------------


@PROFILE
@given(data=st.data())
def test_drafts_save(svc: Services, world: World, data: st.DataObject) -> None:
    who = data.draw(st.sampled_from(world.actors), "actor")
    kwargs = {
        "kind": data.draw(TEXT | st.just("decision"), "kind"),
        "payload": data.draw(st.dictionaries(TEXT, JSONISH, max_size=5), "payload"),
        "page": data.draw(TEXT, "page"),
        "title": data.draw(TEXT, "title"),
        "draft_id": some_id(data, world.drafts, "draft_id"),
    }
    saved = attempt(svc, lambda: svc.drafts.save(who, **kwargs))
    if saved is not None:
        world.drafts.append(saved.id)
        assert svc.drafts.load(who, saved.id).payload == saved.payload


def test_text_no_database_can_hold_is_taken_out_on_the_way_in() -> None:
    """NUL (PostgreSQL refuses it) and lone surrogates (not UTF-8 at all) never get past the
    domain layer; drafts keep the whitespace a person typed."""
    assert clean(" Ja\ud800ne\x00 \udfff") == "Jane"
    assert clean_line("Mary\n\ud83d Smith") == "Mary Smith"
    assert clean("\U0001f600") == "😀"  # a real astral character is kept
    assert scrub_json({"na\x00me": [" Jane \ud800", 3, None, {"k": "\x1b[2J"}]}) == {
        "name": [" Jane ", 3, None, {"k": "[2J"}]
    }


def test_every_model_is_checked() -> None:
    """The store-wide check covers every table the app has."""
    names = {t.name for t in SQLModel.metadata.sorted_tables}
    assert {"person", "sharing_decision", "consent_event", "advice_request", "draft"} <= names
    assert models.AuditEvent.__tablename__ in names
