"""The audit trail on both databases: every write and every opened record leaves an event,
the hash chain verifies, tampering is found at the right event, and terminals writing at
once keep one unbroken chain."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, text, update

from sharetui.domain.consent import ConsentInput
from sharetui.domain.enums import ConsentGiver, ConsentMethod
from sharetui.services import audit
from sharetui.services.facade import Services
from sharetui.store.models import AuditEvent
from sharetui.store.types import replayed_clock
from tests.attacker import around_the_triggers
from tests.services.helpers import audit_actions, consent, last_audit_id, no_share, person

T = AuditEvent.__table__


def _some_history(svc, actors) -> None:
    p = person(svc, actors.pat, "Quux", "Zebedee")
    svc.people.open(actors.pat, p.id)
    ev = svc.consent.record(actors.pat, consent(p.id))
    svc.consent.withdraw(actors.pat, ev.id, ConsentGiver.PERSON, ConsentMethod.VERBAL)
    svc.decisions.log(actors.pat, no_share(p.id))
    svc.people.open(actors.sam, p.id)


def test_every_write_leaves_an_event(svc, actors):
    p = person(svc, actors.pat)
    q = person(svc, actors.pat, "Smith", "Tom")
    state: dict[str, int] = {}

    def remember(key: str, value) -> object:  # type: ignore[no-untyped-def]
        state[key] = value.id
        return value

    steps: list[tuple[str, Callable[[], object]]] = [
        ("person.create", lambda: person(svc, actors.pat, "New", "Person")),
        ("person.link", lambda: svc.people.link(actors.pat, q.id, p.id, "sibling")),
        (
            "consent.given",
            lambda: remember("consent", svc.consent.record(actors.pat, consent(p.id))),
        ),
        (
            "consent.withdrawn",
            lambda: svc.consent.withdraw(
                actors.pat, state["consent"], ConsentGiver.PERSON, ConsentMethod.WRITTEN
            ),
        ),
        (
            "decision.create",
            lambda: remember("decision", svc.decisions.log(actors.pat, no_share(p.id))),
        ),
        (
            "decision.amend",
            lambda: svc.decisions.amend(
                actors.pat, state["decision"], no_share(p.id, "Again"), "typo"
            ),
        ),
        (
            "advice.raise",
            lambda: remember(
                "advice",
                svc.advice.raise_request(
                    actors.pat, question="?", advice_role="dsl", urgency="today", person_id=p.id
                ),
            ),
        ),
        ("advice.claim", lambda: svc.advice.claim(actors.sam, state["advice"])),
        ("advice.release", lambda: svc.advice.release(actors.sam, state["advice"])),
        ("advice.claim", lambda: svc.advice.claim(actors.sam, state["advice"])),
        ("advice.reveal", lambda: svc.advice.reveal(actors.sam, state["advice"], "need to know")),
        ("advice.advise", lambda: svc.advice.advise(actors.sam, state["advice"], "Share")),
        ("advice.close", lambda: svc.advice.close(actors.pat, state["advice"], "Shared")),
        (
            "draft.create",
            lambda: remember("draft", svc.drafts.save(actors.pat, kind="decision", payload={})),
        ),
        ("draft.discard", lambda: svc.drafts.discard(actors.pat, state["draft"])),
        ("user.disable", lambda: svc.users.set_active(actors.ada, "pip", False)),
        ("user.enable", lambda: svc.users.set_active(actors.ada, "pip", True)),
        ("user.set_roles", lambda: svc.users.set_roles(actors.ada, "pip", "supervisor", ["dsl"])),
        ("audit.verify", lambda: audit.verify_as(svc.store, actors.ada)),
    ]
    for action, step in steps:
        before = last_audit_id(svc)
        step()
        assert action in [a for a, *_ in audit_actions(svc, before)], action
    assert audit.verify(svc.store).ok


def test_opening_a_person_is_recorded_and_visible_to_supervisors(svc, actors):
    p = person(svc, actors.pat)
    before = last_audit_id(svc)
    svc.people.open(actors.pat, p.id)
    svc.people.open(actors.sam, p.id)
    assert audit_actions(svc, before) == [
        ("person.view", "person", str(p.id)),
        ("person.view", "person", str(p.id)),
    ]
    views = audit.viewed_by(svc.store, actors.ada, p.id)
    assert [(v.username, v.display_name, v.terminal) for v in views] == [
        ("sam", "Sam Supervisor", "test-terminal"),
        ("pat", "Pat Practitioner", "test-terminal"),
    ]
    assert views[0].at >= views[1].at


def test_summaries_hold_no_personal_details(svc, actors):
    _some_history(svc, actors)
    with svc.store.engine.connect() as conn:
        summaries = conn.execute(select(T.c.summary, T.c.entity_id)).all()
    assert summaries
    assert not any("Zebedee" in s or "Quux" in s for s, _ in summaries)


def test_verify_passes_on_an_untouched_chain(svc, actors):
    _some_history(svc, actors)
    total = last_audit_id(svc)
    result = audit.verify(svc.store)
    assert (result.ok, result.checked, result.first_broken_id) == (True, total, None)
    progress: list[tuple[int, int]] = []
    assert audit.verify_as(svc.store, actors.ada, lambda done, of: progress.append((done, of))).ok
    assert progress[-1] == (total, total)
    assert audit_actions(svc, total) == [("audit.verify", "audit", "")]


def test_an_event_stamped_before_the_year_1000_verifies(svc, actors):
    """A clock far out (a replayed history, a machine whose clock was reset) stamps a year of
    three digits; the check must read it as the append hashed it, with no leading zero,
    although both databases hand it over with one."""
    with replayed_clock(lambda: datetime(999, 12, 31, 23, 59, 58, 5, tzinfo=UTC)):
        person(svc, actors.pat, "Early", "Stamp")
    _some_history(svc, actors)
    result = audit.verify(svc.store)
    assert (result.ok, result.problem, result.checked) == (True, "", last_audit_id(svc))


def _tamper(svc, sql: str, **params: object) -> None:
    with svc.store.engine.begin() as conn, around_the_triggers(conn):
        conn.execute(text(sql), params)


def _row(svc, event_id: int) -> dict:
    with svc.store.engine.connect() as conn:
        return dict(conn.execute(select(T).where(T.c.id == event_id)).mappings().one())


@pytest.fixture
def chain(svc, actors) -> int:
    """A chain of at least ten events; returns the id of the last one."""
    _some_history(svc, actors)
    last = last_audit_id(svc)
    assert last >= 10
    return last


def test_altered_summary_is_found(svc, chain):
    _tamper(svc, "UPDATE audit_event SET summary = 'nothing happened' WHERE id = 5")
    result = audit.verify(svc.store)
    assert (result.ok, result.first_broken_id, result.problem) == (False, 5, "event 5 was altered")


def test_a_break_in_an_early_batch_is_named_and_the_next_check_runs(svc, chain, monkeypatch):
    """Batches of three rows: the break is found while later batches are still to come (on
    PostgreSQL, being fetched ahead on a thread of their own), and the check stops there
    without leaving its connection busy: the next check of the mended chain walks it all."""
    from sharetui.services import audit_verify

    monkeypatch.setattr(audit_verify, "BATCH", 3)
    summary = _row(svc, 4)["summary"]
    _tamper(svc, "UPDATE audit_event SET summary = 'nothing happened' WHERE id = 4")
    result = audit.verify(svc.store)
    assert (result.ok, result.first_broken_id, result.checked) == (False, 4, 3)
    _tamper(svc, "UPDATE audit_event SET summary = :s WHERE id = 4", s=summary)
    result = audit.verify(svc.store)
    assert (result.ok, result.checked) == (True, chain)


def test_altered_row_with_a_recomputed_hash_breaks_the_next_link(svc, chain):
    row = _row(svc, 5)
    row["username"] = "someone_else"
    digest = audit.event_hash(
        row["prev_hash"],
        5,
        row["at"],
        row["user_id"],
        row["username"],
        row["terminal"],
        row["action"],
        row["entity_type"],
        row["entity_id"],
        row["summary"],
    )
    _tamper(
        svc, "UPDATE audit_event SET username = 'someone_else', hash = :h WHERE id = 5", h=digest
    )
    result = audit.verify(svc.store)
    assert (result.ok, result.first_broken_id) == (False, 6)
    assert result.problem == "event 6 does not follow event 5"


def test_deleted_middle_row_is_found(svc, chain):
    _tamper(svc, "DELETE FROM audit_event WHERE id = 4")
    result = audit.verify(svc.store)
    assert (result.ok, result.first_broken_id) == (False, 4)
    assert result.problem == "event 4 is missing (next found is 5)"


def test_deleted_last_row_is_found(svc, chain):
    _tamper(svc, "DELETE FROM audit_event WHERE id = :i", i=chain)
    result = audit.verify(svc.store)
    assert (result.ok, result.first_broken_id) == (False, chain)
    assert result.problem == f"events after {chain - 1} are missing (the chain head says {chain})"


def test_swapped_rows_are_found(svc, chain):
    a, b = _row(svc, 3), _row(svc, 7)
    cols = [c for c in a if c != "id"]
    with svc.store.engine.begin() as conn, around_the_triggers(conn):
        conn.execute(update(T).where(T.c.id == 3).values({c: b[c] for c in cols}))
        conn.execute(update(T).where(T.c.id == 7).values({c: a[c] for c in cols}))
    result = audit.verify(svc.store)
    assert (result.ok, result.first_broken_id) == (False, 3)


def test_verify_as_reports_the_break_to_the_administrator(svc, actors, chain):
    _tamper(svc, "UPDATE audit_event SET action = 'person.create' WHERE id = 2")
    result = audit.verify_as(svc.store, actors.ada)
    assert (result.ok, result.first_broken_id) == (False, 2)
    with svc.store.engine.connect() as conn:
        last = conn.execute(select(T.c.action, T.c.summary).order_by(T.c.id.desc()).limit(1)).one()
    assert tuple(last) == ("audit.verify", "broken at 2")


def test_terminals_appending_at_once_keep_one_chain(settings, svc, actors):
    p = person(svc, actors.pat)
    start = last_audit_id(svc)
    terminals = [Services.open(settings, migrate=False) for _ in range(4)]
    who = [actors.pat, actors.pip, actors.sam, actors.sue]
    barrier = threading.Barrier(len(terminals))
    errors: list[BaseException] = []
    per_terminal = 12

    def work(t: Services, actor) -> None:  # type: ignore[no-untyped-def]
        try:
            barrier.wait()
            for i in range(per_terminal):
                if i % 3 == 0:
                    t.consent.record(actor, ConsentInput(**vars(consent(p.id))))
                else:
                    t.people.open(actor, p.id)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [
        threading.Thread(target=work, args=(t, a)) for t, a in zip(terminals, who, strict=True)
    ]
    try:
        for th in threads:
            th.start()
        for th in threads:
            th.join(timeout=120)
    finally:
        for t in terminals:
            t.close()
    assert errors == []
    with svc.store.engine.connect() as conn:
        ids = [r[0] for r in conn.execute(select(T.c.id).where(T.c.id > start).order_by(T.c.id))]
        users = conn.execute(
            select(T.c.username, func.count()).where(T.c.id > start).group_by(T.c.username)
        ).all()
    assert ids == list(range(start + 1, start + 1 + len(terminals) * per_terminal))
    assert dict(users) == {a.username: per_terminal for a in who}
    result = audit.verify(svc.store)
    assert result.ok, result.problem
    assert result.checked == start + len(terminals) * per_terminal


def test_opening_an_advice_request_about_a_named_person_is_on_their_trail(svc, actors):
    """'Viewed by' lists every read that shows the person's details, saying where."""
    from sharetui.services.audit import viewed_by

    p = person(svc, actors.pat)
    named = svc.advice.raise_request(
        actors.pat, question="Share?", advice_role="dsl", urgency="today", person_id=p.id
    )
    hidden = svc.advice.raise_request(
        actors.pat,
        question="Share?",
        advice_role="dsl",
        urgency="today",
        person_id=p.id,
        anonymised=True,
    )
    svc.advice.get(actors.sam, named.id)
    svc.advice.get(actors.sue, hidden.id)  # anonymised: the person is not shown to Sue
    views = viewed_by(svc.store, actors.sam, p.id)
    assert [(v.username, v.what) for v in views] == [("sam", "an advice request")]
    svc.advice.reveal(actors.sue, hidden.id, "to ring the school")
    views = viewed_by(svc.store, actors.sam, p.id)
    assert [(v.username, v.what) for v in views][0] == ("sue", "revealed in advice")


@pytest.mark.parametrize(
    ("user_id", "summary"),
    [
        (None, "plain"),
        (7, 'Zoë "Jo" O\'Brien \\ Ó Súilleabháin 😀\nsecond line\ttab'),
        (12345678901, "\u2028\u2029</script>\x7f"),
    ],
)
def test_an_event_hash_is_sha256_over_the_previous_hash_and_compact_json(user_id, summary):
    """The chain's definition, which chains written by earlier releases were made with: the
    previous hash, then the fields as a compact JSON array with non-ASCII kept."""
    at = datetime(2025, 3, 4, 5, 6, 7, 89, tzinfo=UTC)
    fields = [41, "2025-03-04 05:06:07.000089", user_id, "sam", "desk-1", "decision.create",
              "decision", "98", summary]  # fmt: skip
    wanted = hashlib.sha256(
        ("a" * 64 + json.dumps(fields, ensure_ascii=False, separators=(",", ":"))).encode()
    ).hexdigest()
    assert audit.event_hash("a" * 64, 41, at, user_id, *fields[3:]) == wanted
