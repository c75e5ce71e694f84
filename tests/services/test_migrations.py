"""The schema: a fresh database upgrades to head, the tables match the models, and a
database written by a newer sharetui is refused with a clear message."""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlmodel import SQLModel

from sharetui.config import Settings
from sharetui.services.facade import Services
from sharetui.store.migrate import (
    SCHEMA_HEAD,
    SchemaTooNew,
    current_revision,
    head_revision,
    upgrade,
)
from tests.conftest import _pg_admin_engine, _pg_url
from tests.services.helpers import insert_as_written


@pytest.fixture(params=["sqlite", "postgres"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with nothing in it at all, on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    request.getfixturevalue("pg_template")  # the same skip-or-fail rule as every PG test
    name = f"sharetui_e_{uuid.uuid4().hex[:12]}"
    admin = _pg_admin_engine()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield _pg_url(name)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_fresh_database_upgrades_to_head(empty_url):
    svc = Services.open(Settings(database_url=empty_url, terminal="t"))
    try:
        assert current_revision(svc.store.engine) == head_revision() != ""
        assert svc.users.count() == 0
        assert upgrade(svc.store.engine) == head_revision()  # a second upgrade changes nothing
    finally:
        svc.close()


def test_the_fast_path_knows_the_newest_script():
    """Opening a database at SCHEMA_HEAD skips Alembic: a migration added without moving
    SCHEMA_HEAD would never run, so this fails until it is moved."""
    assert head_revision() == SCHEMA_HEAD


def test_a_current_database_opens_without_loading_alembic(tmp_path):
    """Every terminal opens a database already at head: that must not load Alembic (and the
    Mako and Pygments it pulls in), which it would then hold all day."""
    url = f"sqlite:///{tmp_path / 'current.db'}"
    Services.open(Settings(database_url=url, terminal="t")).close()
    probe = (
        "import sys\n"
        "from sharetui.config import Settings\n"
        "from sharetui.services.facade import Services\n"
        f"svc = Services.open(Settings(database_url={url!r}, terminal='t'), create=False)\n"
        "print(svc.users.count(), sorted(m for m in ('alembic', 'mako') if m in sys.modules))\n"
        "svc.close()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.split() == ["0", "[]"]


def test_tables_match_the_models(empty_url):
    svc = Services.open(Settings(database_url=empty_url, terminal="t"))
    try:
        with svc.store.engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(ctx, SQLModel.metadata)
        assert diff == [], "models changed without a migration in schema/versions"
    finally:
        svc.close()


def test_newer_schema_is_refused(settings, svc):
    with svc.store.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
    with pytest.raises(SchemaTooNew) as err:
        Services.open(settings)
    assert err.value.message == (
        "This database was written by a newer version of sharetui (schema 9999_from_the_future); "
        "install that version or newer to open it"
    )
    assert current_revision(svc.store.engine) == "9999_from_the_future"  # left as it was


def test_upgrade_from_0001_builds_search_keys_for_everyone_held(empty_url):
    """A site on the first schema: 0002 fills person_name_key for each person already held,
    reporting progress, and the search then finds them by a similar name."""
    from alembic import command
    from sqlalchemy import column as sa_column
    from sqlalchemy import table as sa_table

    from sharetui.store.engine import make_engine
    from sharetui.store.migrate import alembic_config
    from sharetui.store.types import utcnow

    PERSON_0001_COLUMNS = (  # noqa: N806
        "family_name", "given_names", "other_names", "sort_key", "dob_estimated",
        "reference", "created_by_id", "created_at", "last_activity_at",
    )

    engine = make_engine(empty_url)
    try:
        cfg = alembic_config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "0001")
        now = utcnow()
        with engine.begin() as conn:
            insert_as_written(
                conn,
                "app_user",
                [
                    {
                        "id": 1,
                        "username": "ada",
                        "display_name": "Ada",
                        "role": "practitioner",
                        "advice_roles": "",
                        "passphrase_hash": "x",
                        "active": True,
                        "failed_signins": 0,
                        "created_at": now,
                    }
                ],
            )
            # The table as it was at 0001 (the model has columns of later schemas).
            person_0001 = sa_table(
                "person", *(sa_column(c) for c in PERSON_0001_COLUMNS), sa_column("notes")
            )
            conn.execute(
                person_0001.insert(),
                [
                    {
                        "family_name": family,
                        "given_names": given,
                        "other_names": "",
                        "sort_key": f"{family} {given}".lower(),
                        "dob_estimated": False,
                        "reference": f"R{n}",
                        "notes": "",
                        "created_by_id": 1,
                        "created_at": now,
                        "last_activity_at": now,
                    }
                    for n, (family, given) in enumerate(
                        [("Wójcik", "Łucja"), ("O'Brien", "Siobhan"), ("Mohammed", "Ali")]
                    )
                ],
            )
        seen: list[tuple[int, int]] = []
        assert upgrade(engine, lambda done, total: seen.append((done, total))) == head_revision()
        assert seen[0] == (0, 3) and seen[-1] == (3, 3)
        with engine.connect() as conn:
            keys = {
                r[0]
                for r in conn.execute(text("SELECT key FROM person_name_key WHERE key LIKE 'w:%'"))
            }
        assert {"w:lucja", "w:wojcik", "w:obrien", "w:mohammed"} <= keys
    finally:
        engine.dispose()
    svc = Services.open(Settings(database_url=empty_url, terminal="t"))
    try:
        from sharetui.services.unit_of_work import Actor

        pat = Actor(1, "ada", "Ada", "practitioner", (), "t")
        found = svc.people.search(pat, "ali muhammad")
        assert [(m.person.family_name, m.reason) for m in found.items] == [
            ("Mohammed", "sounds like")
        ]
    finally:
        svc.close()



def test_0009_lets_a_disposal_reach_receipt_steps_and_earlier_details(empty_url):
    """A site at 0007: the receipt steps and earlier versions of a person's details refuse
    every DELETE, so a person with either could not be disposed of. 0009 puts the disposal
    guard on them (a row goes only while its person's disposal is pending: the disposal
    tests show it working); its downgrade takes it off again."""
    from alembic import command

    from sharetui.store.engine import make_engine
    from sharetui.store.migrate import alembic_config

    engine = make_engine(empty_url)

    def migrate(step, revision: str) -> None:
        cfg = alembic_config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            step(cfg, revision)

    def guarded() -> set[str]:
        """The tables whose DELETE trigger asks about a pending disposal."""
        with engine.connect() as conn:
            if engine.dialect.name == "sqlite":
                rows = conn.execute(
                    text("SELECT tbl_name, sql FROM sqlite_master WHERE type = 'trigger'")
                ).all()
                return {t for t, sql in rows if "_no_delete" in sql and "disposal_pending" in sql}
            rows = conn.execute(
                text(
                    "SELECT c.relname, p.proname FROM pg_trigger t "
                    "JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid "
                    "WHERE NOT t.tgisinternal"
                )
            ).all()
            return {t for t, fn in rows if fn == f"sharetui_guard_{t}"}

    try:
        migrate(command.upgrade, "0007")
        assert {"consent_event", "sharing_decision"} <= guarded()
        assert not {"receipt_event", "person_version"} & guarded()
        migrate(command.upgrade, "head")
        assert {"consent_event", "receipt_event", "person_version"} <= guarded()
        migrate(command.downgrade, "0007")
        assert not {"receipt_event", "person_version"} & guarded()
        assert "consent_event" in guarded()
    finally:
        engine.dispose()
