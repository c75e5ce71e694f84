"""`sharetui audit seal` and `audit verify --seal`, through the real command line on both
engines: the forged-chain attack of issue 15 passes a plain `audit verify` and fails against
the seal, naming where; a row jammed ahead of the head stops neither sign-in nor verify, which
names it."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, insert, select

from sharetui.services.audit import event_hash
from sharetui.store.engine import normalise_url
from sharetui.store.models import AuditEvent, AuditHead
from tests.attacker import around_the_triggers, rechain
from tests.cli.conftest import PASSPHRASE, Cli

T, HEAD = AuditEvent.__table__, AuditHead.__table__


def _as_ada(cli: Cli, url: str, *args: str):  # type: ignore[no-untyped-def]
    return cli(*args, "--user", "ada", "--passphrase-stdin", database=url, stdin=PASSPHRASE + "\n")


def _grow(url: str, events: int) -> None:
    """Plain app-like events (sign-in failures as the app writes them), enough for checkpoints."""
    from sharetui.config import Settings
    from sharetui.services.audit import append
    from sharetui.services.unit_of_work import Store
    from sharetui.store.engine import make_engine

    store = Store(make_engine(url), Settings(database_url=url))
    try:
        for _ in range(events):
            store.write(lambda s: append(s, None, "signin.failed", username="(unknown)"))
    finally:
        store.dispose()


def test_forged_chain_passes_alone_and_fails_against_the_seal(
    cli: Cli, database_url: str, tmp_path: Path
) -> None:
    _grow(database_url, 230)
    seal_file = tmp_path / "elsewhere" / "seal.json"
    seal_file.parent.mkdir()
    sealed = _as_ada(cli, database_url, "audit", "seal", "--out", str(seal_file))
    assert sealed.code == 0, sealed.err
    lines = sealed.out.splitlines()
    data = json.loads(seal_file.read_text())
    assert lines[0].startswith(f"Sealed {data['events']:,} events at ")
    assert lines[1:3] == [f"Last event: {data['last_event_id']}", f"Hash: {data['last_hash']}"]
    again = _as_ada(cli, database_url, "audit", "seal", "--out", str(seal_file))
    assert again.error_line() == (
        f"{seal_file} already exists; keep old seals and choose a new file name"
    )

    engine = create_engine(normalise_url(database_url))
    try:
        with engine.begin() as conn:
            with around_the_triggers(conn):
                conn.execute(T.update().where(T.c.id == 150).values(username="someone_else"))
                conn.execute(T.delete().where(T.c.id == 180))
            rechain(conn)
    finally:
        engine.dispose()

    alone = _as_ada(cli, database_url, "audit", "verify")
    assert alone.code == 0, alone.err
    assert "Hashed with plain SHA-256 (this site has no key file (SHARETUI_KEY_FILE))" in alone.out
    caught = _as_ada(cli, database_url, "audit", "verify", "--seal", str(seal_file))
    line = caught.error_line()
    assert line.startswith(
        "The audit trail is broken at event 101: the chain differs from the seal"
    )
    assert line.endswith(
        "an event from 101 to 200 was changed, removed or added, and the chain recomputed "
        "(100 events before it are intact)"
    )


def test_verify_against_a_seal_of_an_untouched_chain(cli: Cli, database_url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    seal_file = tmp_path / "seal.json"
    assert _as_ada(cli, database_url, "audit", "seal", "--out", str(seal_file)).code == 0
    data = json.loads(seal_file.read_text())
    ok = _as_ada(cli, database_url, "audit", "verify", "--seal", str(seal_file))
    assert ok.code == 0, ok.err
    assert (
        f"nothing up to event {data['last_event_id']} ({data['events']:,} events) has changed."
        in ok.out
    )
    not_a_seal = tmp_path / "other.json"
    not_a_seal.write_text("[]")
    bad = _as_ada(cli, database_url, "audit", "verify", "--seal", str(not_a_seal))
    assert bad.error_line() == f"{not_a_seal} is not a sharetui audit seal"


def test_a_jam_row_ahead_of_the_head_stops_no_sign_in(cli: Cli, database_url: str) -> None:
    engine = create_engine(normalise_url(database_url))
    try:
        with engine.begin() as conn:
            last, last_hash = conn.execute(select(HEAD.c.last_event_id, HEAD.c.last_hash)).one()
            row = {
                "id": last + 1,
                "at": datetime(2026, 12, 1, tzinfo=UTC),
                "user_id": None,
                "username": "intruder",
                "terminal": "",
                "action": "user.create",
                "entity_type": "user",
                "entity_id": "99",
                "summary": "",
                "prev_hash": last_hash,
            }
            row["hash"] = event_hash(last_hash, last + 1, *list(row.values())[1:9])
            conn.execute(insert(T).values(row))
    finally:
        engine.dispose()
    jam = last + 1
    added = cli(
        "user",
        "add",
        "newbie",
        "--name",
        "New Person",
        "--role",
        "practitioner",
        "--passphrase-stdin",
        database=database_url,
        stdin=PASSPHRASE + "\n",
    )
    assert added.code == 0, added.err
    verified = _as_ada(cli, database_url, "audit", "verify")  # signs in: writes an event
    assert verified.error_line() == (
        f"The audit trail is broken at event {jam}: event {jam} was not written by the app: "
        f"the chain passes over it (the {jam + 1:,} events the app wrote are intact)"
    )
