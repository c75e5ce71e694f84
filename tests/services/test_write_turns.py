"""Writers to one SQLite file take turns through a lock file; nothing else is held up."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine

from sharetui.store.write_turns import WriteTurns


def test_a_second_terminal_waits_for_the_turn_then_gets_it(tmp_path: Path) -> None:
    lock = str(tmp_path / "site.db-writers")
    first = WriteTurns(lock, timeout_s=5)
    second = WriteTurns(lock, timeout_s=0)  # gives up at once instead of waiting
    with first.turn():
        assert first._held == 1
        with second.turn():
            assert second._held == 0  # did not get it: SQLite alone would arbitrate
    with second.turn():
        assert second._held == 1
    first.close()
    second.close()


def test_nested_writes_in_one_thread_keep_the_turn(tmp_path: Path) -> None:
    turns = WriteTurns(str(tmp_path / "db-writers"), timeout_s=1)
    other = WriteTurns(str(tmp_path / "db-writers"), timeout_s=0)
    with turns.turn(), turns.turn():
        assert turns._held == 2
    with turns.turn():
        with turns.turn():
            pass
        with other.turn():
            assert other._held == 0  # the outer turn is still held
    with other.turn():
        assert other._held == 1
    turns.close()
    other.close()


def test_a_lock_file_that_cannot_be_made_means_no_turns_not_an_error(tmp_path: Path) -> None:
    turns = WriteTurns(str(tmp_path / "no such folder" / "db-writers"), timeout_s=1)
    with turns.turn():
        assert turns.lock_path is None  # SQLite's own locking still applies
    with turns.turn():
        pass


def test_only_sqlite_files_take_turns(tmp_path: Path) -> None:
    on_file = WriteTurns.for_engine(create_engine(f"sqlite:///{tmp_path / 'a.db'}"), 1)
    in_memory = WriteTurns.for_engine(create_engine("sqlite://"), 1)
    postgres = WriteTurns.for_engine(create_engine("postgresql+psycopg://u@localhost/x"), 1)
    assert on_file.lock_path == f"{tmp_path / 'a.db'}-writers"
    assert in_memory.lock_path is None
    assert postgres.lock_path is None
