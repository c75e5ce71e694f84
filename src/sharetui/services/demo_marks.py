"""What a database says about the demo: the audit events that mark a demo seeding begun and
finished, and from them whether the database is empty, a demo, a demo people have since
added to, a seeding that stopped part way, or real records.

`sharetui demo` asks these before it writes or deletes anything, so a database of real
records is never seeded into, reused as a demo or removed.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlmodel import Session, col, func, select

from sharetui.config import Settings
from sharetui.services.at_rest import open_engine
from sharetui.services.audit import append
from sharetui.services.site import sqlite_file, table_names
from sharetui.services.unit_of_work import Store
from sharetui.store.models import AuditEvent, User

DEMO_BEGIN = "demo.begin"
DEMO_COMPLETE = "demo.complete"
DEMO_USERNAME = "(demo)"

# What someone trying the demo does without adding anything: reads, signing in and out,
# checks. Any other audited action after the demo was made added or changed a record.
_READS = (".view", ".list", ".history", ".summary", ".timeline", ".export", ".reveal")
_READ_PREFIXES = ("signin.", "signout", "report.", "audit.", "db.", "demo.", "lock.", "unlock")


def mark(store: Store, action: str, seed: int) -> None:
    """The audit event of a demo seeding begun (DEMO_BEGIN) or finished (DEMO_COMPLETE)."""
    store.write(
        lambda s: append(
            s,
            None,
            action,
            "demo",
            "",
            f"seed {seed}",
            username=DEMO_USERNAME,
            terminal=store.settings.terminal,
        )
    )


def added_since(store: Store, demo_usernames: Collection[str]) -> str:
    """'' when a finished demo holds only what the demo made; else what was added."""
    return store.read(lambda s: _added_since(s, demo_usernames))


def _added_since(s: Session, demo_usernames: Collection[str]) -> str:
    extra = sorted(u for u in s.exec(select(User.username)).all() if u not in demo_usernames)
    if extra:
        return f"the account {extra[0]}" + (f" and {len(extra) - 1} more" if len(extra) > 1 else "")
    done = s.exec(select(func.max(AuditEvent.id)).where(AuditEvent.action == DEMO_COMPLETE)).one()
    later = s.exec(
        select(AuditEvent.action, AuditEvent.id).where(col(AuditEvent.id) > (done or 0))
    ).all()
    for action, event_id in later:
        if not (action.endswith(_READS) or action.startswith(_READ_PREFIXES)):
            return f"records added after the demo was made (audit event {event_id}: {action})"
    return ""


def state(store: Store, demo_usernames: Collection[str]) -> str:
    """'empty' (no accounts yet), 'demo' (a finished demo), 'changed' (a finished demo to
    which someone has since added accounts or records: reused, never reset), 'incomplete' (a
    demo seeding that stopped part way) or 'other' (real records: never seed into it)."""

    def work(s: Session) -> str:
        users = s.exec(select(func.count()).select_from(User)).one()
        marks = set(
            s.exec(
                select(AuditEvent.action).where(
                    col(AuditEvent.action).in_((DEMO_BEGIN, DEMO_COMPLETE))
                )
            ).all()
        )
        if DEMO_COMPLETE in marks:
            return "changed" if _added_since(s, demo_usernames) else "demo"
        if DEMO_BEGIN in marks:
            return "incomplete"
        return "empty" if users == 0 else "other"

    return store.read(work)


def state_untouched(settings: Settings, demo_usernames: Collection[str]) -> str:
    """state() without touching the schema: 'absent' for a missing SQLite file, and
    'other' for a database holding tables that are not sharetui's, which must never be
    migrated into, seeded or deleted."""
    file = sqlite_file(settings.database_url)
    if file is not None and not file.exists():
        return "absent"
    engine, settled = open_engine(settings)  # an encrypted demo opens with the site key
    try:
        tables = table_names(engine)
        if not tables:
            return "empty"
        if not {"app_user", "audit_event", "alembic_version"} <= tables:
            return "other"
        return state(Store(engine, settled.settings), demo_usernames)
    finally:
        engine.dispose()


def added_since_untouched(settings: Settings, demo_usernames: Collection[str]) -> str:
    """added_since() on a database opened only to read it (no migration): what `sharetui demo
    --reset` names when it refuses to delete a demo people have added to."""
    engine, settled = open_engine(settings)  # an encrypted demo opens with the site key
    try:
        return added_since(Store(engine, settled.settings), demo_usernames)
    finally:
        engine.dispose()


def seed_used(store: Store) -> int | None:
    """The seed a finished demo database was made with."""

    def work(s: Session) -> int | None:
        ev = s.exec(select(AuditEvent).where(AuditEvent.action == DEMO_COMPLETE)).first()
        if ev is None:
            return None
        words = ev.summary.split()
        return int(words[1]) if len(words) > 1 and words[1].isdigit() else None

    return store.read(work)


class DemoMarks:
    """The demo's marks as a service of the facade, for the demo and `sharetui demo`, which
    hold only `Services`."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def mark(self, action: str, seed: int) -> None:
        mark(self._store, action, seed)

    def state(self, demo_usernames: Collection[str]) -> str:
        return state(self._store, demo_usernames)

    def seed_used(self) -> int | None:
        return seed_used(self._store)
