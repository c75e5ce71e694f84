"""Where the demo lives and what state it is in: its file, whether it finished seeding, and
what was added since (the demo refuses to reseed over real work)."""

from __future__ import annotations

from pathlib import Path

from sharetui.config import Settings, default_data_dir
from sharetui.demo.accounts import DEMO_ACCOUNTS
from sharetui.services import demo_marks, site
from sharetui.services.facade import Services


def default_demo_url() -> str:
    return f"sqlite:///{default_data_dir() / 'demo.db'}"


# -- the state of a database ----------------------------------------------------------------
_DEMO_USERNAMES = frozenset(a.username for a in DEMO_ACCOUNTS)


def added_since_demo(settings: Settings) -> str:
    """'' when a finished demo holds only what the demo made; else what was added (the
    database is opened only to read it)."""
    return demo_marks.added_since_untouched(settings, _DEMO_USERNAMES)


def demo_state(svc: Services) -> str:
    """'empty', 'demo', 'changed', 'incomplete' or 'other' (see demo_marks.state)."""
    return svc.demo_marks.state(_DEMO_USERNAMES)


def inspect_state(settings: Settings) -> str:
    """demo_state() without touching the schema: 'absent' for a missing SQLite file, and
    'other' for a database holding tables that are not sharetui's, which must never be
    migrated into, seeded or deleted. An encrypted demo opens with the site key."""
    return demo_marks.state_untouched(settings, _DEMO_USERNAMES)


def demo_seed_used(svc: Services) -> int | None:
    """The seed a finished demo database was made with."""
    return svc.demo_marks.seed_used()


def sqlite_file(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for another database."""
    return site.sqlite_file(url)


def remove_sqlite_files(path: Path) -> None:
    """Delete a SQLite database with its WAL, shared-memory and writers' turn files."""
    for suffix in ("", "-wal", "-shm", "-journal", "-writers"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def open_for_seeding(settings: Settings) -> Services:
    """Services on a migrated database, encrypted like any new one (store/encryption.py). On
    SQLite, commits skip the fsync while seeding: the demo can always be made again, and it
    is ten times faster."""
    return Services(site.open_fast(settings))
