"""An audit chain that cannot be rewritten unseen, on both engines.

- The forged-chain attack of issue 15: change one event's user, delete another, recompute
  every hash and the head. A plain SHA-256 chain then verifies; against a seal kept elsewhere
  it fails, naming the hundred events where it differs. A chain keyed with the site key fails
  even without a seal.
- A site that gets a key later: events before are plain, events from then on keyed.
- A row inserted ahead of the head no longer jams writes or sign-in, and verify names it.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import insert, select, update

from sharetui.config import Settings
from sharetui.domain.errors import ShareError
from sharetui.services import audit
from sharetui.services.audit_seal import SealError, read_seal, write_seal
from sharetui.services.facade import Services
from sharetui.services.unit_of_work import Store
from sharetui.services.users import Users
from sharetui.store.engine import make_engine
from sharetui.store.keys import create_key_file
from sharetui.store.models import AuditEvent, AuditHead
from tests.attacker import around_the_triggers, rechain
from tests.conftest import PASSPHRASE, totp_code
from tests.services.helpers import last_audit_id, person

T, HEAD = AuditEvent.__table__, AuditHead.__table__


def _events(svc: Services, actor, upto: int) -> None:
    """Open records until the chain holds at least upto events."""
    p = person(svc, actor)
    while last_audit_id(svc) < upto:
        svc.people.open(actor, p.id)


def _forge(svc: Services, altered: int, deleted: int) -> None:
    """Change event altered's user, delete event deleted, recompute the chain and the head,
    all without the site key."""
    with svc.store.engine.begin() as conn:
        with around_the_triggers(conn):
            conn.execute(update(T).where(T.c.id == altered).values(username="someone_else"))
            conn.execute(T.delete().where(T.c.id == deleted))
        rechain(conn)


def test_a_recomputed_plain_chain_passes_alone_but_not_against_its_seal(svc, actors, tmp_path):
    _events(svc, actors.pat, 250)
    result, seal = audit.seal_as(svc.store, actors.ada)
    assert result.ok and seal is not None and seal.keyed_from is None
    assert seal.events == seal.last_event_id == last_audit_id(svc) - 1  # then the seal event
    assert sorted(seal.checkpoints) == [100, 200, seal.last_event_id]
    path = write_seal(seal, tmp_path / "seal.json")
    assert read_seal(path) == seal

    _forge(svc, altered=150, deleted=180)
    alone = audit.verify(svc.store)
    assert alone.ok and alone.keyed_from is None  # what a plain chain cannot tell

    caught = audit.verify(svc.store, seal=read_seal(path))
    assert (caught.ok, caught.first_broken_id, caught.checked) == (False, 101, 100)
    assert caught.problem.startswith("the chain differs from the seal of ")
    assert caught.problem.endswith(
        "an event from 101 to 200 was changed, removed or added, and the chain recomputed"
    )


def test_a_seal_from_an_untouched_chain_verifies_as_it_grows(svc, actors):
    _events(svc, actors.pat, 120)
    _, seal = audit.seal_as(svc.store, actors.ada)
    _events(svc, actors.pat, 260)
    result = audit.verify(svc.store, seal=seal)
    assert result.ok and result.checked == last_audit_id(svc)


def test_a_seal_catches_events_cut_from_the_end(svc, actors):
    _events(svc, actors.pat, 130)
    _, seal = audit.seal_as(svc.store, actors.ada)
    assert seal is not None
    with svc.store.engine.begin() as conn:
        with around_the_triggers(conn):
            conn.execute(T.delete().where(T.c.id > 110))
        rechain(conn)
    assert audit.verify(svc.store).ok
    cut = audit.verify(svc.store, seal=seal)
    assert (cut.ok, cut.first_broken_id) == (False, 101)
    assert f"to {seal.last_event_id} was removed or renumbered" in cut.problem


def _keyed(svc: Services, tmp_path) -> Store:  # type: ignore[no-untyped-def]
    """The same database through a store holding a site key (plain SQLite stays plain: the
    store's audit key comes from the key file whatever the engine)."""
    key_file = create_key_file(tmp_path / "keys" / "site.key")
    url = svc.store.settings.database_url
    return Store(make_engine(url), Settings(database_url=url, key_file=str(key_file)))


def test_a_keyed_chain_cannot_be_recomputed_without_the_key(svc, actors, tmp_path):
    store = _keyed(svc, tmp_path)
    keyed = Services(store)
    try:
        first = last_audit_id(svc) + 1  # the accounts were made before the site had a key
        _events(keyed, actors.pat, 60)
        result = audit.verify(store)
        assert result.ok and result.keyed_from == first
        assert audit.verify(svc.store).problem == (  # the same chain, checked without the key
            f"events from {first} on are keyed with the site key, which this check does not "
            "have: set SHARETUI_KEY_FILE to the site's key file"
        )
        with store.engine.begin() as conn:
            with around_the_triggers(conn):
                conn.execute(update(T).where(T.c.id == 50).values(username="someone_else"))
            rechain(conn)  # without the key: a plain chain, head claims keyed from 1
            conn.execute(update(HEAD).values(keyed_from=first))  # and puts the mark back
        forged = audit.verify(store)
        assert (forged.ok, forged.first_broken_id) == (False, first)
        assert forged.problem == f"event {first} is not keyed with the site key (forged)"
    finally:
        store.dispose()


def test_a_store_without_the_key_writes_nothing_onto_a_keyed_chain(svc, actors, tmp_path):
    """A command run without the site key (another account's configuration, say) used to chain
    plain hashes onto the keyed trail, which verify then called forged: now it refuses the
    write, says why, and the chain stays whole."""
    store = _keyed(svc, tmp_path)
    keyed = Services(store)
    try:
        p = person(keyed, actors.pat)
        before = last_audit_id(svc)
        with pytest.raises(ShareError, match="the key is not available here"):
            svc.people.open(actors.pat, p.id)  # the same database, through a store with no key
        assert last_audit_id(svc) == before
        assert audit.verify(store).ok
    finally:
        store.dispose()


def _jam(svc: Services, *, linked: bool) -> int:
    """A row with id head + 1, written around the app: well linked (a plain hash after the
    head, as someone who read the head would forge it) or just any row."""
    with svc.store.engine.begin() as conn:
        last, last_hash = conn.execute(select(HEAD.c.last_event_id, HEAD.c.last_hash)).one()
        row = {
            "id": last + 1,
            "at": datetime(2026, 12, 1, tzinfo=UTC),
            "user_id": None,
            "username": "intruder",
            "terminal": "",
            "action": "person.view",
            "entity_type": "person",
            "entity_id": "1",
            "summary": "",
            "prev_hash": last_hash if linked else "0" * 64,
            "hash": "f" * 64,
        }
        if linked:
            row["hash"] = audit.event_hash(last_hash, last + 1, *(row[c] for c in list(row)[1:9]))
        conn.execute(insert(T).values(row))
    return last + 1


@pytest.mark.parametrize("linked", [True, False], ids=["linked", "garbage"])
def test_a_row_ahead_of_the_head_stops_no_write_and_is_named(svc, actors, linked):
    jam = _jam(svc, linked=linked)
    before = audit.verify(svc.store)
    assert (before.ok, before.first_broken_id) == (False, jam)
    assert before.problem == f"event {jam} was added after the last event the app wrote ({jam - 1})"

    users = Users(svc.store)
    actor = users.sign_in("ada", PASSPHRASE, "t", code=totp_code(svc, "ada"))  # writes: not jammed
    users.create(actor, "newbie", "Robin Example", "practitioner", [], PASSPHRASE)
    person(svc, actors.pat)
    after = audit.verify(svc.store)
    assert (after.ok, after.first_broken_id, after.inserted) == (False, jam, (jam,))
    assert after.problem == f"event {jam} was not written by the app: the chain passes over it"
    assert after.checked == last_audit_id(svc) - 1  # every event the app wrote is intact


def test_a_file_that_is_not_a_seal_is_named(tmp_path):
    bad = tmp_path / "seal.json"
    bad.write_text('{"format": "something else"}')
    with pytest.raises(SealError, match="is not a sharetui audit seal"):
        read_seal(bad)
    with pytest.raises(SealError, match="There is no seal file at"):
        read_seal(tmp_path / "missing.json")
