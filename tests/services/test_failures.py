"""Failures in words: real database and file faults, each said by its cause, the same on
screen and on the command line (services/failures.py)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text

from sharetui.domain.errors import StoreFailed, StoreUnavailable
from sharetui.domain.person import PersonInput
from sharetui.services import failures
from sharetui.services.facade import Services
from sharetui.services.unit_of_work import Store
from sharetui.store.engine import make_engine
from tests.conftest import PASSPHRASE

CLOSED_PORT = "postgresql://nobody@127.0.0.1:1/nothing"


def _sqlite_copy(sqlite_template: Path, tmp_path: Path) -> str:
    path = tmp_path / "f.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


def _with_pragma(url: str, pragma: str) -> Services:
    """Services whose every connection runs a pragma: SQLite then fails by itself, with its
    own error code (the test runs as root, so a chmod would not stop it writing)."""
    store = Store(make_engine(url))

    @event.listens_for(store.engine, "connect")
    def _limit(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute(pragma)

    store.engine.dispose()
    return Services(store)


def _person(n: int) -> PersonInput:
    return PersonInput("Okafor", "Ada" * 30, reference=f"F{n}", notes="x" * 2000)


def test_a_refused_connection_says_the_database_cannot_be_reached() -> None:
    services = Services(Store(make_engine(CLOSED_PORT)))
    with pytest.raises(StoreUnavailable) as caught:
        services.users.count()
    assert caught.value.message == (
        "The database cannot be reached: nothing was saved, your answers are still here. "
        "Try again in a moment, or tell your administrator"
    )
    assert caught.value.command_line == (
        "The database cannot be reached: nothing was saved. Try again in a moment, or tell "
        "your administrator"
    )


def test_a_full_database_says_the_disk_is_full(sqlite_template: Path, tmp_path: Path) -> None:
    url = _sqlite_copy(sqlite_template, tmp_path)
    pages = make_engine(url).connect().execute(text("PRAGMA page_count")).scalar_one()
    services = _with_pragma(url, f"PRAGMA max_page_count = {pages + 1}")
    pat = services.users.sign_in("pat", PASSPHRASE, "t")
    with pytest.raises(StoreUnavailable) as caught:
        for n in range(200):
            services.people.create(pat, _person(n), confirm_not_duplicate=True)
    assert caught.value.message.startswith("The disk that holds the database is full")
    assert "your answers are still here" in caught.value.message


def test_a_read_only_database_says_so(sqlite_template: Path, tmp_path: Path) -> None:
    services = _with_pragma(_sqlite_copy(sqlite_template, tmp_path), "PRAGMA query_only = ON")
    with pytest.raises(StoreUnavailable) as caught:
        services.users.sign_in("pat", PASSPHRASE, "t")  # sign-in writes an audit event
    assert caught.value.message.startswith("The database is read-only for this account")


def test_a_damaged_file_says_restore_from_a_backup(sqlite_template: Path, tmp_path: Path) -> None:
    url = _sqlite_copy(sqlite_template, tmp_path)
    path = Path(url.removeprefix("sqlite:///"))
    data = bytearray(path.read_bytes())
    page = 4096
    data[page : len(data)] = b"\xa5" * (len(data) - page)  # every page after the first
    path.write_bytes(bytes(data))
    with pytest.raises(StoreFailed) as caught:
        Services(Store(make_engine(url))).users.count()
    assert caught.value.message.startswith("The database file is damaged")


def test_a_trigger_refusing_the_audit_insert_is_a_refusal(
    sqlite_template: Path, tmp_path: Path
) -> None:
    url = _sqlite_copy(sqlite_template, tmp_path)
    with make_engine(url).begin() as conn:
        conn.exec_driver_sql(
            "CREATE TRIGGER no_audit BEFORE INSERT ON audit_event "
            "BEGIN SELECT RAISE(ABORT, 'audit refused'); END"
        )
    with pytest.raises(StoreFailed) as caught:
        Services(Store(make_engine(url))).users.sign_in("pat", PASSPHRASE, "t")
    assert caught.value.message.startswith("The database refused this change")


def test_a_clash_with_a_unique_index_says_check_and_try_again(svc: Services, actors) -> None:
    """On both engines: an IntegrityError becomes words, without the values that clashed."""
    with svc.store.engine.begin() as conn:
        conn.exec_driver_sql("CREATE UNIQUE INDEX one_name ON person (family_name)")
    svc.people.create(actors.pat, PersonInput("Quist", "Ada"), confirm_not_duplicate=True)
    with pytest.raises(StoreFailed) as caught:
        svc.people.create(actors.pat, PersonInput("Quist", "Bo"), confirm_not_duplicate=True)
    assert caught.value.message.startswith("This clashes with a record saved meanwhile")
    assert "Quist" not in caught.value.message


def test_the_command_line_and_the_screen_say_the_same_cause() -> None:
    from sqlalchemy.exc import OperationalError

    from sharetui.cli import describe

    try:
        make_engine(CLOSED_PORT).connect()
    except OperationalError as exc:
        assert describe(exc) == failures.describe(exc, on_screen=False)
        screen = failures.describe(exc, on_screen=True)
        assert screen == describe(exc).replace(
            "nothing was saved", "nothing was saved, your answers are still here"
        )
    full = OSError(28, "No space left on device", "/dev/full")
    assert (
        describe(full)
        == "The disk is full: /dev/full could not be written. Free some space and try again"
    )


def test_a_newer_schema_reads_the_same_everywhere() -> None:
    from sharetui.store.migrate import SchemaTooNew

    exc = SchemaTooNew("This database was written by a newer version of sharetui")
    assert failures.describe(exc, on_screen=True) == exc.message
    assert failures.describe(exc, on_screen=False) == exc.message
