"""Tamper: whoever edits the audit table directly (alters a field or a hash, deletes a row,
deletes the newest rows, swaps two rows, adds a made-up event) is caught by verify, which
names the first broken event; put back as it was, the chain verifies again. Random row,
random kind of tamper, both engines.

(Someone able to rewrite every later hash and the chain head too is not caught by a plain
chain kept inside the same database: the site key and the seal are for that, proved in
tests/services/test_audit_seal.py.)

This proof plays the attacker: it is the one place that writes around the services.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import delete, insert, select, update

from sharetui.domain.person import PersonInput
from sharetui.services.audit import event_hash, verify
from sharetui.services.facade import Services
from sharetui.store.models import AuditEvent, AuditHead
from tests.attacker import around_the_triggers
from tests.proofs.scale import PROFILE
from tests.proofs.workload import consent, share

EVENTS = AuditEvent.__table__
HEAD = AuditHead.__table__
HASHED = ["at", "user_id", "username", "terminal", "action", "entity_type", "entity_id", "summary"]
KINDS = [
    "alter",
    "alter_hash",
    "alter_prev_hash",
    "delete",
    "delete_newest",
    "swap",
    "forge_newest",
    "head",
]


def _rows(svc: Services) -> list[dict[str, Any]]:
    with svc.store.engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(EVENTS).order_by(EVENTS.c.id)).mappings()]


def _changed(column: str, value: Any, nudge: int) -> Any:
    """A different value for the column, that the column can still hold."""
    if column == "at":
        return value + timedelta(microseconds=nudge)
    if column == "user_id":
        return None if value is not None and nudge % 2 else (value or 0) + nudge
    limit = EVENTS.c[column].type.length
    text = (value + "x")[-limit:] if value else "x"
    return text if text != value else text[:-1] + ("y" if text[-1] != "y" else "z")


def _chain(svc: Services, actors: Any) -> None:
    """About forty events of every kind of work, from several accounts."""
    pat, sam = actors.pat, actors.sam
    for n in range(4):
        p = svc.people.create(
            pat, PersonInput("Tamper", f"Toni{n}", date_of_birth=date(2013, 1, 2))
        )
        svc.people.open(sam, p.id)
        svc.consent.record(pat, consent(p.id, f"t{n}"))
        d = svc.decisions.log(pat, share(p.id, f"t{n}"))
        svc.decisions.amend(pat, d.id, share(p.id, f"t{n}b"), "typo in the organisation")
        a = svc.advice.raise_request(
            pat, question="Tell the GP?", advice_role="dsl", urgency="today"
        )
        svc.advice.claim(sam, a.id)
        svc.advice.advise(sam, a.id, "Yes, the minimum")
        svc.advice.close(pat, a.id, "Told the GP")


@PROFILE
@given(
    kind=st.sampled_from(KINDS),
    pick=st.integers(0, 10_000),
    other=st.integers(1, 10_000),
    column=st.sampled_from(HASHED),
    nudge=st.integers(1, 10**6),
)
def test_any_tamper_is_caught_at_the_first_broken_event(
    svc: Services, actors: Any, kind: str, pick: int, other: int, column: str, nudge: int
) -> None:
    if len(_rows(svc)) < 40:
        _chain(svc, actors)
    rows = _rows(svc)
    n = len(rows)
    assert verify(svc.store).ok and verify(svc.store).checked == n
    target = rows[pick % n]
    k = target["id"]
    engine = svc.store.engine

    with engine.begin() as conn, around_the_triggers(conn):
        if kind == "alter":
            new = _changed(column, target[column], nudge)
            conn.execute(update(EVENTS).where(EVENTS.c.id == k).values({column: new}))
            expected: int | None = k
        elif kind in ("alter_hash", "alter_prev_hash"):
            col = "hash" if kind == "alter_hash" else "prev_hash"
            forged = format((int(target[col], 16) + nudge) % 16**64, "064x")
            conn.execute(update(EVENTS).where(EVENTS.c.id == k).values({col: forged}))
            expected = k
        elif kind == "delete":
            conn.execute(delete(EVENTS).where(EVENTS.c.id == k))
            expected = k
        elif kind == "delete_newest":  # the tail: only the chain head can tell
            conn.execute(delete(EVENTS).where(EVENTS.c.id >= k))
            expected = k
        elif kind == "swap":  # reorder: two events exchange places
            j = rows[(pick + other) % n]["id"]
            if j == k:
                j = rows[(pick + 1) % n]["id"]
            a, b = sorted((k, j))
            first, second = rows[a - 1], rows[b - 1]
            for row_id, content in ((a, second), (b, first)):
                values = {c: v for c, v in content.items() if c != "id"}
                conn.execute(update(EVENTS).where(EVENTS.c.id == row_id).values(values))
            expected = a
        elif kind == "forge_newest":  # a made-up event, chained properly, past the head
            last = rows[-1]
            forged = {**last, "id": n + 1, "summary": "nothing to see", "prev_hash": last["hash"]}
            forged["hash"] = event_hash(last["hash"], n + 1, *(forged[c] for c in HASHED))
            conn.execute(insert(EVENTS).values(forged))
            expected = n + 1
        else:  # the chain head itself
            conn.execute(update(HEAD).values(last_event_id=n - 1 - pick % (n - 1)))
            expected = None

    try:
        result = verify(svc.store)
        assert not result.ok, f"{kind} of event {k} went unnoticed"
        if expected is not None:
            assert result.first_broken_id == expected, (kind, k, result)
            assert result.checked == expected - 1
    finally:
        # Put everything back exactly as it was: the chain is whole again.
        with engine.begin() as conn, around_the_triggers(conn):
            conn.execute(delete(EVENTS))
            conn.execute(insert(EVENTS), rows)
            conn.execute(update(HEAD).values(last_event_id=n, last_hash=rows[-1]["hash"]))
    restored = verify(svc.store)
    assert restored.ok and restored.checked == n


def test_untouched_chain_verifies(svc: Services, actors: Any) -> None:
    """The control: the same chain, left alone, verifies (so the failures above are real)."""
    _chain(svc, actors)
    result = verify(svc.store)
    assert result.ok and result.checked == len(_rows(svc)) >= 40
