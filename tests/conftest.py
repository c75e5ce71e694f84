"""Fixtures: every service test runs on SQLite and on PostgreSQL (ids carry the backend).

A migrated template (with four accounts already hashed) is built once per session; each test
gets a fresh copy: a file copy on SQLite, CREATE DATABASE ... TEMPLATE on PostgreSQL.
PostgreSQL tests skip with a reason when no server answers, unless SHARETUI_REQUIRE_POSTGRES=1
(set by CI), where an unreachable server is a failure.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlmodel import Session, select

from sharetui.config import Settings
from sharetui.services.facade import Services
from sharetui.services.store import Actor, Store
from sharetui.services.users import Users, actor_for, _view
from sharetui.store.engine import make_engine
from sharetui.store.migrate import upgrade
from sharetui.store.models import User

PG_ADMIN_URL = os.environ.get(
    "SHARETUI_TEST_POSTGRES_URL", "postgresql+psycopg://root@127.0.0.1:5432/test"
)
REQUIRE_PG = os.environ.get("SHARETUI_REQUIRE_POSTGRES") == "1"
PASSPHRASE = "correct horse battery staple"
TEMPLATE_DB = f"sharetui_tpl_{os.getpid()}"

ACCOUNTS = [
    ("pat", "Pat Practitioner", "practitioner", []),
    ("pip", "Pip Practitioner", "practitioner", []),
    ("sam", "Sam Supervisor", "supervisor", ["dsl", "caldicott"]),
    ("sue", "Sue Supervisor", "supervisor", ["dsl"]),
    ("ada", "Ada Admin", "admin", []),
]


def _seed_accounts(store: Store) -> None:
    users = Users(store)
    for username, name, role, roles in ACCOUNTS:
        users.create(None, username, name, role, roles, PASSPHRASE)


def _pg_admin_engine():  # type: ignore[no-untyped-def]
    return create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("tpl") / "template.db"
    store = Store(make_engine(f"sqlite:///{path}"))
    upgrade(store.engine)
    _seed_accounts(store)
    with store.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    store.dispose()
    return path


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    try:
        admin = _pg_admin_engine()
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001
        if REQUIRE_PG:
            pytest.fail(f"PostgreSQL is required (SHARETUI_REQUIRE_POSTGRES=1) but unreachable: "
                        f"{exc}")
        pytest.skip(f"no PostgreSQL server at {PG_ADMIN_URL}: {exc.__class__.__name__}")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{TEMPLATE_DB}"'))
        conn.execute(text(f'CREATE DATABASE "{TEMPLATE_DB}"'))
    url = _pg_url(TEMPLATE_DB)
    store = Store(make_engine(url))
    upgrade(store.engine)
    _seed_accounts(store)
    store.dispose()
    yield TEMPLATE_DB
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{TEMPLATE_DB}" WITH (FORCE)'))
    admin.dispose()


def _pg_url(dbname: str) -> str:
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    return f"{base}/{dbname}"


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, migrated database with the test accounts, on each backend."""
    if request.param == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        path = tmp_path / "sharetui.db"
        shutil.copy(template, path)
        yield f"sqlite:///{path}"
        return
    template = request.getfixturevalue("pg_template")
    name = f"sharetui_t_{uuid.uuid4().hex[:12]}"
    admin = _pg_admin_engine()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    try:
        yield _pg_url(name)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, terminal="test-terminal")


@pytest.fixture
def svc(settings: Settings) -> Iterator[Services]:
    services = Services.open(settings)
    yield services
    services.close()


@dataclass(frozen=True)
class Actors:
    pat: Actor
    pip: Actor
    sam: Actor
    sue: Actor
    ada: Actor


@pytest.fixture
def actors(svc: Services) -> Actors:
    """Signed-in actors built from the stored accounts (no hashing per test)."""
    with Session(svc.store.engine) as s:
        users = {u.username: _view(u) for u in s.exec(select(User)).all()}
    return Actors(**{name: actor_for(users[name], "test-terminal") for name, *_ in ACCOUNTS})
