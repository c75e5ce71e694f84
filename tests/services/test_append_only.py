"""Append-only tables are kept by the database: an UPDATE or DELETE on audit events, consent
history, decision versions (and the people each names), advice history or the earlier
versions of people's details is refused by the
database itself, on both engines, and the row is left as it was. On PostgreSQL, the app role of
deploy/postgres-roles-append-only.sql may not even try, and cannot drop the triggers."""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from sharetui.config import Settings
from sharetui.services.facade import Services
from sharetui.store.append_only import APPEND_ONLY_TABLES, refusal
from tests.conftest import PASSPHRASE, TOTP_SECRET, _pg_admin_engine, _pg_url, totp_code
from tests.services.helpers import consent, person, share

ROLES_SQL = Path(__file__).resolve().parents[2] / "deploy" / "postgres-roles-append-only.sql"


def _history(svc, actors) -> None:
    """At least one row in every append-only table, made through the services."""
    p = person(svc, actors.pat)
    sibling = person(svc, actors.pat, given="Jo")
    svc.consent.record(actors.pat, consent(p.id))
    shared = svc.decisions.log(actors.pat, share(p.id, others_affected=[sibling.id]))
    svc.receipts.record(actors.pat, shared.id, "chased", note="Asked them to confirm")
    a = svc.advice.raise_request(
        actors.pat, question="Tell the GP?", advice_role="dsl", urgency="today"
    )
    svc.advice.claim(actors.sam, a.id)
    # an import that gives the person newer details: their earlier version is kept
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "pupils.csv"
        path.write_text("Surname,Forename,DOB,Year\nSmith,Jane,4/3/2016,Year 5\n")
        svc.imports.run(actors.ada, svc.imports.read(actors.ada, path))


def _first_id_column(table: str) -> str:
    return "decision_id" if table == "decision_affected" else "id"


def _snapshot(conn, table: str) -> list:
    return [tuple(r) for r in conn.execute(text(f"SELECT * FROM {table} ORDER BY 1, 2"))]


@pytest.mark.parametrize("table", APPEND_ONLY_TABLES)
@pytest.mark.parametrize("statement", ["UPDATE", "DELETE"])
def test_update_and_delete_are_refused_by_the_database(svc, actors, table, statement):
    _history(svc, actors)
    key = _first_id_column(table)
    sql = (
        f"UPDATE {table} SET {key} = {key} WHERE {key} = (SELECT min({key}) FROM {table})"
        if statement == "UPDATE"
        else f"DELETE FROM {table}"
    )
    engine = svc.store.engine
    with engine.connect() as conn:
        before = _snapshot(conn, table)
    assert before, f"no {table} rows to try"
    with pytest.raises(DBAPIError) as refused, engine.begin() as conn:
        conn.execute(text(sql))
    assert refusal(table) in str(refused.value.orig)
    with engine.connect() as conn:
        assert _snapshot(conn, table) == before


def test_truncate_is_refused_on_postgres(svc, actors, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite has no TRUNCATE; DELETE without WHERE is refused above")
    _history(svc, actors)
    for table in APPEND_ONLY_TABLES:
        with pytest.raises(DBAPIError) as refused, svc.store.engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {table} CASCADE"))
        assert "append-only" in str(refused.value.orig)


def test_a_decision_amended_twice_keeps_every_version(svc, actors):
    """The first version names itself as root without an update afterwards."""
    p = person(svc, actors.pat)
    first = svc.decisions.log(actors.pat, share(p.id))
    second = svc.decisions.amend(
        actors.pat, first.id, share(p.id, purpose="Referral, corrected"), "typo"
    )
    third = svc.decisions.amend(
        actors.pat, second.id, share(p.id, purpose="Referral, again"), "typo"
    )
    versions = svc.decisions.versions(actors.pat, first.id)
    assert [(v.version, v.root_id) for v in versions] == [
        (1, first.id),
        (2, first.id),
        (3, first.id),
    ]
    assert third.version == 3


@pytest.fixture
def roles_database():
    """A new database set up as deploy/postgres-roles-append-only.sql says, with role names
    of its own (roles are server-wide); yields (owner url, app url)."""
    try:
        admin = _pg_admin_engine()
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001
        pytest.skip(f"no PostgreSQL server: {exc.__class__.__name__}")
    tag = uuid.uuid4().hex[:8]
    name, owner, app = f"sharetui_roles_{tag}", f"sharetui_owner_{tag}", f"sharetui_app_{tag}"
    script = ROLES_SQL.read_text().replace("sharetui_owner", owner).replace("sharetui_app", app)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    db_admin = create_engine(_pg_url(name), isolation_level="AUTOCOMMIT")
    try:
        with db_admin.connect() as conn:
            raw = conn.connection.driver_connection  # as psql sends it: no placeholders
            raw.execute(script)
            raw.execute(script)  # safe to run again
        base = _pg_url(name).replace("root@", "{}@")
        yield base.format(owner), base.format(app)
    finally:
        db_admin.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'DROP ROLE IF EXISTS "{app}"'))
            conn.execute(text(f'DROP ROLE IF EXISTS "{owner}"'))
        admin.dispose()


def test_the_app_role_may_only_insert_and_read_append_only_tables(roles_database):
    owner_url, app_url = roles_database
    Services.open(Settings(database_url=owner_url, terminal="t")).close()  # db upgrade as owner
    svc = Services.open(Settings(database_url=app_url, terminal="t"))  # the app, as app role
    try:
        svc.users.create(None, "ada", "Ada Admin", "admin", [], PASSPHRASE)
        svc.users.create(None, "pat", "Pat Practitioner", "practitioner", [], PASSPHRASE)
        svc.users.create(None, "sam", "Sam Supervisor", "supervisor", ["dsl"], PASSPHRASE)
        actors = type("A", (), {})()
        svc.users.set_factor_secret(None, "sam", TOTP_SECRET)
        svc.users.set_factor_secret(None, "ada", TOTP_SECRET)
        actors.pat = svc.users.sign_in("pat", PASSPHRASE, "t")
        for name in ("sam", "ada"):
            setattr(actors, name, svc.users.sign_in(name, PASSPHRASE, "t", code=totp_code(svc, name)))
        _history(svc, actors)  # every kind of work the services do still works as the app role
        p = person(svc, actors.pat)
        d = svc.decisions.log(actors.pat, share(p.id))
        svc.decisions.amend(actors.pat, d.id, share(p.id, purpose="Corrected"), "typo")
        for table in APPEND_ONLY_TABLES:
            key = _first_id_column(table)
            for sql in (
                f"UPDATE {table} SET {key} = {key}",
                f"DELETE FROM {table}",
                f"TRUNCATE {table}",
                f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only",
                f"DROP TRIGGER {table}_append_only ON {table}",
            ):
                with pytest.raises(DBAPIError) as refused, svc.store.engine.begin() as conn:
                    conn.execute(text(sql))
                message = str(refused.value.orig)
                assert "permission denied" in message or "must be owner" in message, (sql, message)
    finally:
        svc.close()
    # The owner, who may, is still stopped by the triggers.
    owner = create_engine(owner_url)
    try:
        with pytest.raises(DBAPIError) as refused, owner.begin() as conn:
            conn.execute(text("DELETE FROM audit_event"))
        assert refusal("audit_event") in str(refused.value.orig)
    finally:
        owner.dispose()
