"""Move a whole site from one database to another (SQLite to PostgreSQL, and back).

The checks that make a copy safe to rely on live here; store/transfer.py moves the rows.
Before: the source must be a sharetui database at this version's schema (it is never
upgraded or written: a copy leaves it as it was), the target must hold no records, and the
target is migrated first. During: one read snapshot of the source and one transaction on the
target, so a failure leaves the target without records. After: rows per table are compared
inside that transaction (a difference rolls it back and names the table), then the copy's
audit chain is verified from its first event to its head.

No audit event is added on either side: the target's chain is the source's, event for event,
which is what `sharetui audit verify` on both shows.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from sharetui.config import Settings
from sharetui.domain.errors import ShareError
from sharetui.services.audit import verify
from sharetui.services.unit_of_work import Store
from sharetui.store.engine import make_engine, normalise_url
from sharetui.store.keys import check_opens
from sharetui.store.migrate import check_not_newer, current_revision, head_revision, upgrade
from sharetui.store.transfer import (
    BATCH_ROWS,
    RowsRejected,
    copy_rows,
    reset_sequences,
    row_counts,
    site_tables,
    tables_holding_data,
)


class CopyFailed(ShareError):
    """The copy could not start, or the copy differs from the source."""


@dataclass(frozen=True)
class Endpoint:
    """A database to copy from or to: its URL, for encrypted SQLite its key, and the site key
    file that keys its audit chain (HMAC), if any."""

    url: str
    key: str | None = None
    key_file: str = ""

    def chain(self, engine: Engine, key_file: str | None = None) -> Store:
        """A store that checks the audit chain with this site's key (or the one given)."""
        chain_key = self.key_file if key_file is None else key_file
        return Store(engine, Settings(database_url=self.url, key_file=chain_key))

    @property
    def shown(self) -> str:
        """The URL as it may be printed: never a password."""
        parsed = make_url(normalise_url(self.url))
        if parsed.get_backend_name() == "sqlite":
            return parsed.database or ""
        return parsed.render_as_string(hide_password=True).replace("+psycopg", "")

    @property
    def is_sqlite(self) -> bool:
        return make_url(normalise_url(self.url)).get_backend_name() == "sqlite"


@dataclass(frozen=True)
class CopyReport:
    counts: dict[str, int]
    events_verified: int
    seconds: float

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


def copy_site(
    source: Endpoint,
    target: Endpoint,
    *,
    progress: Callable[[int, int], None] | None = None,
    batch_rows: int = BATCH_ROWS,
) -> CopyReport:
    """Copy every table of source into the empty target, then prove the copy is whole."""
    started = time.perf_counter()
    if normalise_url(source.url) == normalise_url(target.url):
        raise CopyFailed("The source and the target are the same database")
    src = _open_source(source)
    try:
        tgt = _open_target(target)
        try:
            counts = _copy(src, tgt, progress, batch_rows)
            # The copy holds the source's chain, keyed (if at all) with the source's site key.
            result = verify(target.chain(tgt, source.key_file or target.key_file))
            if not result.ok or result.checked != counts.get("audit_event", 0):
                raise CopyFailed(_broken_chain_message(src, source, target, result.problem))
        finally:
            tgt.dispose()
    finally:
        src.dispose()
    return CopyReport(counts, result.checked, time.perf_counter() - started)


def _open_source(source: Endpoint) -> Engine:
    if source.is_sqlite:
        path = Path(make_url(normalise_url(source.url)).database or "")
        if not path.is_file():
            # make_engine would create an empty file: the source is never created or changed.
            raise CopyFailed(f"There is no database at {path}")
    engine = make_engine(source.url, key=source.key, pool=False)
    check_opens(engine, keyed=source.key is not None)
    current, head = current_revision(engine), head_revision()
    if current is None:
        engine.dispose()
        raise CopyFailed(f"{source.shown} is not a sharetui database (it has no schema)")
    if current != head:
        try:
            check_not_newer(engine)
        finally:
            engine.dispose()
        raise CopyFailed(
            f"The source is at schema {current} and this sharetui copies {head}: bring it up "
            "to date first with: sharetui --database SOURCE db upgrade"
        )
    return engine


def _open_target(target: Endpoint) -> Engine:
    engine = make_engine(target.url, key=target.key, pool=False)
    try:
        check_opens(engine, keyed=target.key is not None)
        check_not_newer(engine)
        with engine.connect() as conn:
            busy = tables_holding_data(conn)
        if busy:
            raise CopyFailed(
                f"The target {target.shown} is not empty ({', '.join(busy)} hold records): "
                "copy into a new, empty database; nothing was copied"
            )
        upgrade(engine)
    except BaseException:
        engine.dispose()
        raise
    return engine


def _copy(
    src: Engine,
    tgt: Engine,
    progress: Callable[[int, int], None] | None,
    batch_rows: int,
) -> dict[str, int]:
    """One snapshot of the source, one transaction on the target; counts compared before
    the commit, so a difference leaves the target without records."""
    source_conn = src.connect()
    if src.dialect.name == "postgresql":
        # One snapshot for every table while terminals keep writing.
        source_conn = source_conn.execution_options(isolation_level="REPEATABLE READ")
    with source_conn, source_conn.begin():
        counts = row_counts(source_conn)
        total = sum(counts.values())
        with tgt.connect() as target_conn, target_conn.begin():
            try:
                copy_rows(
                    source_conn,
                    target_conn,
                    progress=(lambda done: progress(done, total)) if progress else None,
                    batch_rows=batch_rows,
                )
            except RowsRejected as exc:
                raise CopyFailed(
                    f"Table {exc.table}: the target refused a row ({exc.reason}); the copy "
                    "was undone and the source is unchanged"
                ) from None
            reset_sequences(target_conn)
            copied = row_counts(target_conn)
            for table in site_tables():
                want, got = counts.get(table.name, 0), copied.get(table.name, 0)
                if want != got:
                    raise CopyFailed(
                        f"Table {table.name}: {want:,} rows in the source but {got:,} in the "
                        "copy; the copy was undone and the source is unchanged"
                    )
    return counts


def _broken_chain_message(src: Engine, source: Endpoint, target: Endpoint, problem: str) -> str:
    """Name whose chain is broken: a source already broken is not the copy's fault."""
    source_result = verify(source.chain(src))
    if not source_result.ok:
        return (
            f"The source's own audit trail is broken ({source_result.problem}); the copy in "
            f"{target.shown} has the same break. Investigate the source before moving it"
        )
    return (
        f"Table audit_event: the copy's audit trail does not verify ({problem}) although the "
        f"source's does; do not use {target.shown}: empty it and copy again. The source is "
        "unchanged"
    )


@dataclass(frozen=True)
class CheckReport:
    """What a restore drill found in a copy: every problem, or none."""

    revision: str
    counts: dict[str, int]
    events_verified: int
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def check_copy(
    copy: Endpoint, *, progress: Callable[[int, int], None] | None = None
) -> CheckReport:
    """Open a backup or a restored database the way the app would, without changing its
    records: the file's own integrity (SQLite), the schema version, and the whole audit chain
    from its first event to its head. Nothing is written, so the drill can be repeated."""
    if copy.is_sqlite:
        path = Path(make_url(normalise_url(copy.url)).database or "")
        if not path.is_file():
            raise CopyFailed(f"There is no database at {path}")
    engine = make_engine(copy.url, key=copy.key, pool=False)
    try:
        check_opens(engine, keyed=copy.key is not None)
        problems: list[str] = []
        with engine.connect() as conn:
            if engine.dialect.name == "sqlite":
                found = [r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check").fetchall()]
                if found != ["ok"]:
                    problems.append(f"the file is damaged: {'; '.join(found[:3])}")
            counts = row_counts(conn)
        revision = current_revision(engine) or ""
        head = head_revision()
        if not revision:
            problems.append("it is not a sharetui database (it has no schema)")
        elif revision != head:
            problems.append(f"its schema is {revision}; this sharetui uses {head}")
        missing = [t.name for t in site_tables() if t.name not in counts]
        if missing:
            problems.append(f"tables are missing: {', '.join(missing)}")
        events = 0
        if not missing:
            result = verify(copy.chain(engine), progress)
            events = result.checked
            if not result.ok:
                problems.append(
                    f"the audit trail is broken at event {result.first_broken_id}: {result.problem}"
                )
    finally:
        engine.dispose()
    return CheckReport(revision, counts, events, tuple(problems))
