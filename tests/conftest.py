"""Fixtures: every service test runs on SQLite and on PostgreSQL (ids carry the backend).

A migrated template (with four accounts already hashed) is built once per session; each test
gets a fresh copy: a file copy on SQLite, CREATE DATABASE ... TEMPLATE on PostgreSQL.
PostgreSQL tests skip with a reason when no server answers, unless SHARETUI_REQUIRE_POSTGRES=1
(set by CI), where an unreachable server is a failure.
"""

from __future__ import annotations

import os
import platform
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text, update
from sqlmodel import Session, SQLModel, select

from sharetui.config import Settings
from sharetui.services.facade import Services
from sharetui.services.unit_of_work import Actor, Store
from sharetui.services.users import Users, _view, actor_for
from sharetui.store.engine import make_engine
from sharetui.store.migrate import upgrade
from sharetui.store.models import User

PG_ADMIN_URL = os.environ.get(
    "SHARETUI_TEST_POSTGRES_URL", "postgresql+psycopg://root@127.0.0.1:5432/test"
)
REQUIRE_PG = os.environ.get("SHARETUI_REQUIRE_POSTGRES") == "1"
# SQLCipher's package (sqlcipher3-binary) exists for Linux x86-64 only. There it installs with
# sharetui and these tests run (a broken install fails them); elsewhere they cannot run.
needs_sqlcipher = pytest.mark.skipif(
    not (sys.platform == "linux" and platform.machine() == "x86_64"),
    reason="SQLCipher has no package for this platform (Linux x86-64 only)",
)
PASSPHRASE = "correct horse battery staple"
# The second factor of the seeded supervisors and administrator (practitioners have none:
# the site default). Codes are computed with pyotp, as an authenticator app would.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
TEMPLATE_DB = f"sharetui_tpl_{os.getpid()}"

ACCOUNTS = [
    ("pat", "Pat Practitioner", "practitioner", []),
    ("pip", "Pip Practitioner", "practitioner", []),
    ("sam", "Sam Supervisor", "supervisor", ["dsl", "caldicott"]),
    ("sue", "Sue Supervisor", "supervisor", ["dsl"]),
    ("ada", "Ada Admin", "admin", []),
    # The information governance lead (subject access, retention): acts as such in the tests
    # of governance, since a service reads the acting account's advice roles as stored.
    ("ina", "Ina Governance", "supervisor", ["information_governance"]),
]


def _seed_accounts(store: Store) -> None:
    users = Users(store)
    for username, name, role, roles in ACCOUNTS:
        users.create(None, username, name, role, roles, PASSPHRASE)
        if role != "practitioner":
            users.set_factor_secret(None, username, TOTP_SECRET)


def totp_code(where: Services | Store | str, username: str, key_file: str = "") -> str:
    """The code an authenticator app would show for an account (its secret as stored; with
    key_file, a database and secrets sealed under that site key), for a time step not yet
    used by it (a code is taken once: the step before, now and after are accepted: this takes
    now's, then the next's, then stands in for the wait). '' for an account without one."""
    import time

    import pyotp

    from sharetui.services.second_factor import STEP_SECONDS, unseal
    from sharetui.store.keys import factor_key, pragma_key, read_key

    if isinstance(where, Services):
        where = where.store
    if isinstance(where, Store):
        engine, fkey = where.engine, factor_key(where.settings)
    else:
        sqlcipher = key_file and where.startswith("sqlite")
        engine = make_engine(where, key=pragma_key(read_key(key_file)) if sqlcipher else None)
        fkey = factor_key(Settings(database_url=where, key_file=key_file)) if key_file else None
    try:
        with Session(engine) as s:
            user_id, token, last = s.exec(
                select(User.id, User.totp_secret, User.totp_last_step).where(
                    User.username == username
                )
            ).one()
            now = int(time.time() // STEP_SECONDS)
            if token and last is not None and last >= now + 1:
                # Every code of now is used: a person would wait up to 30 seconds for the
                # app's next one. The tests that sign in many times stand the wait in by
                # marking only the step before now as used (replay refusal has its own test).
                s.execute(
                    update(User).where(User.id == user_id).values(totp_last_step=now - 1)
                )
                s.commit()
                last = now - 1
    finally:
        if not isinstance(where, Store):
            engine.dispose()
    if not token:
        return ""
    secret = unseal(token, user_id, fkey)
    step = now if last is None else max(now, last + 1)  # now: good for 30 s or more
    return pyotp.TOTP(secret).at(step * STEP_SECONDS)


def sign_in_as(svc: Services, username: str, terminal: str = "t") -> Actor:
    """A full sign-in through the service, with a code where the account has a factor."""
    code = totp_code(svc, username) if username not in ("pat", "pip") else None
    return svc.users.sign_in(username, PASSPHRASE, terminal, code=code)


def _pg_admin_engine():  # type: ignore[no-untyped-def]
    return create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")


@pytest.fixture(scope="session", autouse=True)
def private_config_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """sharetui makes its site key in the user's configuration folder on first use: the tests,
    and the commands they run, get one of their own instead of the real one. One per test
    process, like one kiosk account: the databases its commands make share that key."""
    folder = tmp_path_factory.mktemp("config")
    before = os.environ.get("XDG_CONFIG_HOME")
    os.environ["XDG_CONFIG_HOME"] = str(folder)
    yield folder
    if before is None:
        os.environ.pop("XDG_CONFIG_HOME", None)
    else:
        os.environ["XDG_CONFIG_HOME"] = before


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
            pytest.fail(
                f"PostgreSQL is required (SHARETUI_REQUIRE_POSTGRES=1) but unreachable: {exc}"
            )
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


def _schema_objects(conn: Any) -> frozenset[tuple[str, str]]:
    """The indexes, triggers and functions of the public schema, by name."""
    rows = conn.execute(
        text(
            "SELECT 'index', indexname FROM pg_indexes WHERE schemaname = 'public' "
            "UNION ALL SELECT 'trigger', tgname FROM pg_trigger WHERE NOT tgisinternal "
            "UNION ALL SELECT 'function', p.proname FROM pg_proc p "
            "JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'"
        )
    )
    return frozenset((kind, name) for kind, name in rows)


class PgWorkerDatabase:
    """One PostgreSQL database per test process, reset between tests.

    Creating a database per test costs about a second here (CREATE ... TEMPLATE and DROP each
    flush to disk); emptying the tables and restoring the seeded rows costs a few
    milliseconds. A test that damages the schema (drops a table, stamps another revision) is
    detected and the database is rebuilt from the template.
    """

    def __init__(self, template: str) -> None:
        self.template = template
        self.name = f"sharetui_w_{os.getpid()}"
        self.url = _pg_url(self.name)
        self._create()
        engine = create_engine(self.url)
        self.tables = list(SQLModel.metadata.sorted_tables)
        with engine.connect() as conn:
            self.rows = {
                t.name: [dict(r._mapping) for r in conn.execute(t.select())] for t in self.tables
            }
            self.revision = conn.execute(
                text("SELECT version_num FROM alembic_version")
            ).scalar_one()
            self.schema_objects = _schema_objects(conn)
        engine.dispose()

    def _create(self) -> None:
        admin = _pg_admin_engine()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{self.name}" TEMPLATE "{self.template}"'))
        admin.dispose()

    def _intact(self, conn: object) -> bool:
        try:
            names = set(
                conn.execute(
                    text(  # type: ignore[attr-defined]
                        "SELECT table_name FROM information_schema.tables WHERE table_schema='public'"
                    )
                ).scalars()
            )
            revision = conn.execute(
                text("SELECT version_num FROM alembic_version")  # type: ignore[attr-defined]
            ).scalar_one()
            objects = _schema_objects(conn)
        except Exception:  # noqa: BLE001 - any failure means: rebuild
            return False
        # A test that adds an index or a trigger (to make a clash or a refusal happen) must not
        # leave it for the next test on this worker: the rows reset would not remove it.
        return (
            revision == self.revision
            and {t.name for t in self.tables} <= names
            and objects == self.schema_objects
        )

    def reset(self) -> str:
        admin = _pg_admin_engine()
        with admin.connect() as conn:
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :db AND pid <> pg_backend_pid()"
                ),
                {"db": self.name},
            )
        admin.dispose()
        engine = create_engine(self.url)
        with engine.begin() as conn:
            intact = self._intact(conn)
        if not intact:
            engine.dispose()
            self._create()
            return self.url
        with engine.begin() as conn:
            # DELETE, not TRUNCATE: on tables this small it avoids new files and their fsyncs.
            # Replica mode (superuser) lets the reset past the append-only triggers.
            conn.execute(text("SET LOCAL session_replication_role = replica"))
            for table in reversed(self.tables):
                conn.execute(table.delete())
            for table in self.tables:
                rows = self.rows[table.name]
                if rows:
                    conn.execute(table.insert(), rows)
                if "id" in table.c and table.c.id.autoincrement is not False:
                    conn.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                            f'coalesce((SELECT max(id) FROM "{table.name}"), 0) + 1, false)'
                        )
                    )
        engine.dispose()
        return self.url

    def drop(self) -> None:
        admin = _pg_admin_engine()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def pg_worker(pg_template: str) -> Iterator[PgWorkerDatabase]:
    worker = PgWorkerDatabase(pg_template)
    yield worker
    worker.drop()


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, migrated database with the test accounts, on each backend."""
    if request.param == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        path = tmp_path / "sharetui.db"
        shutil.copy(template, path)
        yield f"sqlite:///{path}"
        return
    worker: PgWorkerDatabase = request.getfixturevalue("pg_worker")
    yield worker.reset()


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
    ina: Actor


@pytest.fixture
def actors(svc: Services) -> Actors:
    """Signed-in actors built from the stored accounts (no hashing per test)."""
    with Session(svc.store.engine) as s:
        users = {u.username: _view(u) for u in s.exec(select(User)).all()}
    return Actors(**{name: actor_for(users[name], "test-terminal") for name, *_ in ACCOUNTS})
