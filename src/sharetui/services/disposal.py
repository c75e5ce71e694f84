"""Disposal of a person's record at the end of its retention: every row about them goes, from
every table and from the search keys, in one transaction; a tombstone says what kind of
record went, when, under which rule and by whom; the audit trail stays whole.

Why the audit trail needs no change: its events hold ids, actions, staff usernames and
terminals, never a person's details (services/audit.py append()). Once the person's rows are
gone, "person 42 was opened" says nothing about anyone, and every hash still verifies.

The database's part (which rows the append-only triggers let go, and only while the disposal
is under way) is explained in store/disposal_sql.py. After disposal, clean_up() has the
database rewrite its files (SQLite VACUUM and a WAL checkpoint; PostgreSQL VACUUM FULL, run by
the owner role), so that no deleted page still holds the old values.

Other modules that keep personal data about a person in tables of their own add a cleaner
to CLEANERS (called inside the disposal's transaction with the person's id; returns rows
removed per table). Rows in other people's records that merely mention the person in free
text are part of those records and are kept with them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, or_, text, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from sharetui.store.disposal_sql import DISPOSE_FUNCTION, STATEMENTS
from sharetui.store.engine import is_sqlite
from sharetui.store.models import (
    AdviceRequest,
    Disposal,
    DisposalPending,
    Draft,
    IncomingFile,
    LegalHold,
    Person,
    PersonRetention,
    RetentionReview,
    SarReview,
    SharingDecision,
    SubjectAccessRequest,
)

Cleaner = Callable[[Session, int], dict[str, int]]


def forget_incoming_files(s: Session, pid: int) -> dict[str, int]:
    """Child protection files received about the person (who sent them, when, our note):
    part of their record, so they go with it. The receipt steps of their outgoing shares and
    transfers are append-only and go with the decisions (store/disposal_sql.py)."""
    r = s.exec(delete(IncomingFile).where(col(IncomingFile.person_id) == pid))
    return {"incoming_file": r.rowcount or 0}


def count_incoming_files(s: Session, pid: int) -> dict[str, int]:
    """What forget_incoming_files would remove, for the confirmation before a disposal."""
    n = s.execute(
        sa_select(func.count()).select_from(IncomingFile).where(col(IncomingFile.person_id) == pid)
    ).scalar_one()
    return {"incoming_file": n}


# Hook for tables added by other features: each is called with the session and the person's
# id before their rows go. The register's tables (schema 0006) hold organisations and their
# contacts, never a person; what they hold about a person is above. A cleaner's counter (same
# keys, nothing removed) goes in COUNTERS, so the confirmation names what the cleaner removes.
CLEANERS: list[Cleaner] = [forget_incoming_files]
COUNTERS: list[Cleaner] = [count_incoming_files]
# Tables the cleaners change, for clean_up()'s VACUUM.
CLEANED_TABLES = {"incoming_file"}

_PERSON_KEYS = ("subject_id", "person_id", "from_person_id", "to_person_id")
_DECISION_KEYS = ("decision_id", "amend_of")


def next_person_id(s: Session) -> int | None:
    """SQLite gives a new row the highest id + 1, so a disposed person's id could come back
    for someone new, and old audit events for that number would seem to be about them. A new
    person's id is therefore set above every disposed one. PostgreSQL's sequence never goes
    back: None lets it choose."""
    bind = s.get_bind()
    if bind.dialect.name != "sqlite":
        return None
    tomb = s.execute(sa_select(func.max(col(Disposal.former_person_id)))).scalar()
    if tomb is None:
        return None
    high = s.execute(sa_select(func.max(col(Person.id)))).scalar() or 0
    return max(high, tomb) + 1


@dataclass(frozen=True)
class _About:
    """The ids a draft may hold that lead to the person: theirs, their decisions' (every
    version), their advice requests'."""

    person: int
    decisions: frozenset[int]
    advice: frozenset[int]


def _about(s: Session, pid: int) -> _About:
    decisions = frozenset(
        s.exec(select(SharingDecision.id).where(SharingDecision.subject_id == pid)).all()
    )
    advice = frozenset(
        s.exec(
            select(AdviceRequest.id).where(
                or_(
                    col(AdviceRequest.person_id) == pid,
                    col(AdviceRequest.decision_id).in_(decisions or {-1}),
                )
            )
        ).all()
    )
    return _About(pid, decisions, advice)  # type: ignore[arg-type]  # SQLModel types ids as int | None; stored rows have one


def _names_person(payload: object, about: _About) -> bool:
    """A draft is about the person when its answers or the context its form reopens with
    (a decision flow's "data", a form's "context") name them, one of their decisions or one
    of their advice requests."""
    if not isinstance(payload, dict):
        return False
    parts = [payload] + [
        payload[k] for k in ("data", "context") if isinstance(payload.get(k), dict)
    ]
    for part in parts:
        if any(part.get(k) == about.person for k in _PERSON_KEYS):
            return True
        if any(part.get(k) in about.decisions for k in _DECISION_KEYS):
            return True
        if part.get("advice_id") in about.advice:
            return True
        others = part.get("others_affected") or []
        if isinstance(others, list) and about.person in others:
            return True
    return False


def _own_tables(s: Session, pid: int) -> dict[str, int]:
    """Rows in tables the app role may change: drafts, the governance tables."""
    removed: dict[str, int] = {}
    about = _about(s, pid)
    drafts = [d for d in s.exec(select(Draft)).all() if _names_person(d.payload, about)]
    for d in drafts:
        s.delete(d)
    removed["draft"] = len(drafts)
    sar_ids = list(
        s.exec(select(SubjectAccessRequest.id).where(SubjectAccessRequest.person_id == pid)).all()
    )
    if sar_ids:
        r = s.exec(delete(SarReview).where(col(SarReview.request_id).in_(sar_ids)))
        removed["sar_review"] = r.rowcount or 0
        # The request stays for the counts (received, due, answered), without who asked.
        s.execute(
            update(SubjectAccessRequest)
            .where(col(SubjectAccessRequest.person_id) == pid)
            .values(person_id=None, requester_name="", extension_reason="")
        )
    removed["subject_access_request (cleared)"] = len(sar_ids)
    r = s.exec(
        update(RetentionReview)
        .where(col(RetentionReview.person_id) == pid)
        .values(person_id=None, reason="")
    )
    removed["retention_review (cleared)"] = r.rowcount or 0
    r = s.exec(delete(PersonRetention).where(col(PersonRetention.person_id) == pid))
    removed["person_retention"] = r.rowcount or 0
    r = s.exec(delete(LegalHold).where(col(LegalHold.person_id) == pid))
    removed["legal_hold"] = r.rowcount or 0
    for cleaner in CLEANERS:
        removed.update(cleaner(s, pid))
    s.flush()
    return removed


def _count(s: Session, model: Any, where: Any) -> int:
    return int(s.execute(sa_select(func.count()).select_from(model).where(where)).scalar_one())


def count_person_rows(s: Session, pid: int) -> dict[str, int]:
    """What remove_person_rows would remove, per table under the same names, counted without
    removing anything: the confirmation before a disposal names what will go. The statements
    are the disposal's own with DELETE read as a count, so the two cannot drift apart."""
    about = _about(s, pid)
    counted: dict[str, int] = {
        "draft": sum(1 for d in s.exec(select(Draft)).all() if _names_person(d.payload, about))
    }
    sar_ids = list(
        s.exec(select(SubjectAccessRequest.id).where(SubjectAccessRequest.person_id == pid)).all()
    )
    if sar_ids:
        counted["sar_review"] = _count(s, SarReview, col(SarReview.request_id).in_(sar_ids))
    counted["subject_access_request (cleared)"] = len(sar_ids)
    counted["retention_review (cleared)"] = _count(
        s, RetentionReview, col(RetentionReview.person_id) == pid
    )
    counted["person_retention"] = _count(s, PersonRetention, col(PersonRetention.person_id) == pid)
    counted["legal_hold"] = _count(s, LegalHold, col(LegalHold.person_id) == pid)
    for counter in COUNTERS:
        counted.update(counter(s, pid))
    for table, sql in STATEMENTS:
        query = sql.replace("DELETE FROM", "SELECT count(*) FROM", 1).format(p=":p")
        counted[table] = int(s.connection().execute(text(query), {"p": pid}).scalar_one())
    return {k: v for k, v in counted.items() if v}


def remove_person_rows(s: Session, pid: int) -> dict[str, int]:
    """Everything about the person, inside the caller's transaction, which must already hold
    the person's disposal_pending row. Returns rows removed per table."""
    removed = _own_tables(s, pid)
    if s.get_bind().dialect.name == "sqlite":
        for table, sql in STATEMENTS:
            r = s.connection().execute(text(sql.format(p=":p")), {"p": pid})
            removed[table] = r.rowcount or 0
    else:
        raw = s.execute(text(f"SELECT {DISPOSE_FUNCTION}(:p)"), {"p": pid}).scalar_one()
        removed.update(json.loads(raw))
    return {k: v for k, v in removed.items() if v}


@dataclass(frozen=True)
class Tombstone:
    id: int
    former_person_id: int
    record_kind: str
    rule: str
    disposed_at: datetime
    disposed_by: str
    removed: dict[str, int]


def dispose_in(
    s: Session, pid: int, *, kind: str, rule: str, by_user_id: int, at: datetime
) -> Disposal:
    """The whole disposal inside one transaction: pending row (refused by the database under
    a legal hold), every row about the person, the tombstone, pending row gone."""
    s.add(DisposalPending(person_id=pid))
    s.flush()
    removed = remove_person_rows(s, pid)
    tomb = Disposal(
        former_person_id=pid,
        record_kind=kind,
        rule=rule,
        disposed_at=at,
        disposed_by_id=by_user_id,
        removed=removed,
    )
    s.add(tomb)
    s.execute(delete(DisposalPending).where(col(DisposalPending.person_id) == pid))
    s.flush()
    return tomb


@dataclass(frozen=True)
class CleanUp:
    done: bool
    message: str


def clean_up(engine) -> CleanUp:
    """Have the database rewrite its files so deleted rows are not left in free pages.
    SQLite: VACUUM, then a WAL checkpoint that empties the -wal file. PostgreSQL: VACUUM FULL
    of the tables a disposal touches (the owner role only; the app role is told to ask)."""
    tables = sorted(
        {t for t, _ in STATEMENTS}
        | CLEANED_TABLES
        | {
            "draft",
            "subject_access_request",
            "sar_review",
            "retention_review",
            "person_retention",
            "legal_hold",
        }
    )
    try:
        if is_sqlite(engine):
            # The raw connection: the engine's own connections always BEGIN first, and VACUUM
            # cannot run inside a transaction.
            raw = engine.raw_connection()
            try:
                cursor = raw.cursor()
                cursor.execute("VACUUM")
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                cursor.close()
            finally:
                raw.close()
        else:
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                # VACUUM skips, with only a warning, a table the role does not own.
                foreign = conn.exec_driver_sql(
                    "SELECT count(*) FROM pg_class WHERE relname = ANY(%(t)s) "
                    "AND relnamespace = current_schema()::regnamespace "
                    "AND NOT pg_has_role(relowner, 'USAGE')",
                    {"t": tables},
                ).scalar_one()
                if foreign:
                    raise PermissionError("this database role does not own the tables")
                for table in tables:
                    conn.exec_driver_sql(f"VACUUM (FULL, ANALYZE) {table}")
    except Exception as exc:  # noqa: BLE001 - reported in words, the disposal itself stands
        text_ = str(getattr(exc, "orig", exc))
        first = text_.splitlines()[0] if text_ else type(exc).__name__
        if is_sqlite(engine):
            advice = "run `sharetui retention clean-up` when no terminal is using the database"
        else:
            advice = f"ask the database owner to run VACUUM FULL on: {', '.join(tables)}"
        return CleanUp(False, f"The database could not clean up its files yet ({first}); {advice}")
    return CleanUp(True, "The database has rewritten its files: the deleted rows are gone")
