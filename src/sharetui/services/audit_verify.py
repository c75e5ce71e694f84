"""The check of the audit chain: every hash recomputed from the first event, the first broken
event named, the head and any seal compared; administrators run it through audit.verify_as and
seal_as, the command line through verify."""

from __future__ import annotations

import contextlib
import hashlib
import queue
import threading
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Label, Row, String, literal_column, type_coerce
from sqlalchemy import select as sa_select
from sqlmodel import func

from sharetui.services import audit_chain as chain
from sharetui.services.audit_chain import fields_text
from sharetui.services.audit_seal import SEAL_EVERY, Seal
from sharetui.services.unit_of_work import Store
from sharetui.store.engine import is_sqlite


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int  # events on the app's chain verified (before the first problem)
    first_broken_id: int | None = None
    problem: str = ""
    keyed_from: int | None = None  # first event keyed with the site key; None: plain SHA-256
    last_event_id: int = 0
    last_hash: str = ""
    inserted: tuple[int, ...] = ()  # rows the chain passes over: written around the app
    checkpoints: dict[int, str] = field(default_factory=dict)  # for a seal
    sealed: Seal | None = None  # the seal checked against, when one was given


class _Broken(Exception):
    def __init__(self, event_id: int, problem: str, checked: int | None = None) -> None:
        self.event_id = event_id
        self.problem = problem
        self.checked = checked


_Batch = Sequence[Sequence[Any]]
BATCH = 20_000  # rows fetched at a time; progress is told after each full batch


def _batches(conn: Connection, sqlite: bool) -> Generator[_Batch]:
    """Every event in id order, BATCH rows at a time, as the driver's plain tuples: from the
    driver's cursor on this connection (inside its read transaction), without SQLAlchemy's
    per-row result objects, which cost as much as hashing. Both databases hand over the time
    as the canonical text itself: SQLite keeps it so, read as text; PostgreSQL writes it with
    to_char on the server, in place of a datetime per row for Python to build and format
    again. PostgreSQL's rows come from a server-side (named) cursor, so the 2.4 million rows
    of a large site are never all in memory at once."""
    cols = chain.EVENTS.c
    at_col: Label[Any]
    if sqlite:
        at_col = type_coerce(cols.at, String()).label("at")
    else:
        at_col = func.to_char(cols.at, literal_column("'YYYY-MM-DD HH24:MI:SS.US'")).label("at")
    query = sa_select(
        cols.id,
        at_col,
        cols.user_id,
        cols.username,
        cols.terminal,
        cols.action,
        cols.entity_type,
        cols.entity_id,
        cols.summary,
        cols.prev_hash,
        cols.hash,
    ).order_by(cols.id)
    cursor = conn.connection.cursor() if sqlite else conn.connection.cursor(name="audit_verify")
    try:
        cursor.execute(str(query.compile(dialect=conn.dialect)))
        while batch := cursor.fetchmany(BATCH):
            yield batch
    finally:
        cursor.close()


def _fetched_ahead(batches: Generator[_Batch]) -> Generator[_Batch]:
    """The batches, the next one fetched by a thread of its own while the caller hashes this
    one: on PostgreSQL the server's work on a batch (reading, to_char) then overlaps Python's
    hashing of the one before, instead of each waiting for the other. Only that thread uses
    the cursor; it stops at the next batch when the caller stops early (a break found), and
    a database error is raised here, in the caller."""
    ready: queue.Queue[_Batch | BaseException | None] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def fetch() -> None:
        try:
            for batch in batches:
                ready.put(batch)
                if stop.is_set():
                    break
            ready.put(None)
        except BaseException as exc:  # handed to the caller, raised there
            ready.put(exc)
        finally:
            batches.close()

    fetcher = threading.Thread(target=fetch, name="audit-verify-fetch", daemon=True)
    fetcher.start()
    try:
        while (item := ready.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        while fetcher.is_alive():  # let a put waiting for room finish, then the thread ends
            with contextlib.suppress(queue.Empty):
                ready.get(timeout=0.1)
        fetcher.join()


def _fields(row: Sequence[Any]) -> Sequence[object]:
    """The nine hashed fields, the time in its canonical text. _batches reads the time as text
    on both databases; both write a year before 1000 with a leading zero, where the canonical
    text has none (chain.canonical_time), and a row written around the app may hold other text."""
    at: str = row[1]
    if len(at) == 26 and at[0] != "0":  # the canonical text already
        return row
    return [row[0], chain.canonical_time(datetime.fromisoformat(at)), *row[2:9]]


def verify(
    store: Store,
    progress: Callable[[int, int], None] | None = None,
    seal: Seal | None = None,
) -> VerifyResult:
    """Walk the whole chain. Detects altered rows, deleted rows (gaps or a missing tail),
    reordered rows, and rows written around the app (the chain passes over them); names the
    first event at which something is wrong. Events from the head's keyed_from on are checked
    with the site key. With a seal, also proves that no event up to the sealed one changed."""
    key = store.audit_key
    sqlite = is_sqlite(store.engine)
    with store.engine.connect() as conn:
        if not sqlite:
            # One snapshot for the head and every row: terminals appending meanwhile must
            # not look like a broken chain. (A SQLite read transaction is a snapshot already.)
            conn.execution_options(isolation_level="REPEATABLE READ")
        total = conn.execute(sa_select(func.count()).select_from(chain.EVENTS)).scalar_one()
        head = conn.execute(sa_select(chain.HEAD)).first()
        keyed_from = head.keyed_from if head is not None else None
        walk = _Walk(key, keyed_from, seal, head.last_event_id if head is not None else None)
        try:
            # Both closed here, on a break too, while the connection is still open.
            with (
                contextlib.closing(_batches(conn, sqlite)) as rows,
                contextlib.closing(rows if sqlite else _fetched_ahead(rows)) as batches,
            ):
                for batch in batches:
                    walk.run(batch)
                    if progress and walk.seen % BATCH == 0:
                        progress(walk.seen, total)
            if progress:
                progress(walk.seen, total)
            walk.finish(head)
        except _Broken as broken:
            return VerifyResult(
                False,
                walk.checked if broken.checked is None else broken.checked,
                broken.event_id,
                broken.problem,
                keyed_from,
                walk.last_id,
                walk.prev,
                tuple(walk.inserted),
                sealed=seal,
            )
    if walk.inserted:
        first, more = walk.inserted[0], len(walk.inserted) - 1
        also = f" (and {more} more: {', '.join(map(str, walk.inserted[1:6]))})" if more else ""
        return VerifyResult(
            False,
            walk.checked,
            first,
            f"event {first} was not written by the app: the chain passes over it{also}",
            keyed_from,
            walk.last_id,
            walk.prev,
            tuple(walk.inserted),
            walk.checkpoints,
            seal,
        )
    return VerifyResult(
        True,
        walk.checked,
        None,
        "",
        keyed_from,
        walk.last_id,
        walk.prev,
        (),
        walk.checkpoints,
        seal,
    )


class _Walk:
    """The state of one walk along the chain, in id order.

    The app's chain is the line of rows each naming the previous one's hash. A row that does
    not continue it is either a break (altered, deleted, reordered) or a row written around
    the app, which the next app row passes over: it names the hash before the stranger.
    """

    def __init__(
        self, key: bytes | None, keyed_from: int | None, seal: Seal | None, head_id: int | None
    ) -> None:
        self.head_id = head_id
        self.past_head = 0  # rows taken onto the chain beyond the head's last event
        self.mac = chain.keyed_mac(key)
        self.keyed_from = keyed_from
        self.seal = seal
        self.prev = chain.GENESIS  # hash of the last row on the chain
        self.before: str | None = None  # hash of the row before that one
        self.last_id = 0  # id of the last row on the chain
        self.last_seen = 0  # id of the last row read
        self.checked = 0
        self.seen = 0
        self.inserted: list[int] = []
        self.suspect: tuple[Sequence[Any], _Broken] | None = None  # held until the next row
        self.checkpoints: dict[int, str] = {}
        self.last_checkpoint = 0
        self.checked_at_checkpoint = 0
        self.sealed: dict[int, str] = {}
        if seal is not None:
            self.sealed = dict(seal.checkpoints)
            if seal.events:
                self.sealed[seal.last_event_id] = seal.last_hash
        self.sealed_ids = sorted(self.sealed, reverse=True)  # next one to meet at the end

    def _hash(self, row: Sequence[Any]) -> str:
        eid = row[0]
        if self.keyed_from is not None and eid >= self.keyed_from:
            if self.mac is None:
                raise _Broken(
                    eid,
                    f"events from {self.keyed_from} on are keyed with the site key, which this "
                    "check does not have: set SHARETUI_KEY_FILE to the site's key file",
                )
            return chain.event_digest(row[9], _fields(row), self.mac)
        return chain.event_digest(row[9], _fields(row))

    def _altered(self, row: Sequence[Any]) -> _Broken:
        eid = row[0]
        keyed = self.keyed_from is not None and eid >= self.keyed_from
        if keyed and chain.event_digest(row[9], _fields(row)) == row[10]:
            return _Broken(eid, f"event {eid} is not keyed with the site key (forged)")
        return _Broken(eid, f"event {eid} was altered")

    def _accept(self, row: Sequence[Any], digest: str) -> None:
        eid = row[0]
        self.before, self.prev = self.prev, digest
        self.last_id = eid
        self.checked += 1
        if self.head_id is not None and eid > self.head_id:
            self.past_head += 1
        if eid % SEAL_EVERY == 0:
            self.checkpoints[eid] = digest
        if self.sealed_ids:
            self._check_seal(eid, digest)

    def _check_seal(self, eid: int, digest: str) -> None:
        """Each sealed hash must be on the chain, at its own id, unchanged."""
        while self.sealed_ids and self.sealed_ids[-1] <= eid:
            sealed_id = self.sealed_ids.pop()
            if sealed_id < eid:
                raise self._seal_missing(sealed_id)
            if self.sealed[sealed_id] != digest:
                raise self._seal_differs(eid, "changed, removed or added")
            self.last_checkpoint = eid
            self.checked_at_checkpoint = self.checked

    def _seal_differs(self, eid: int, what: str) -> _Broken:
        assert self.seal is not None
        lo = self.last_checkpoint + 1
        return _Broken(
            lo,
            checked=self.checked_at_checkpoint,
            problem=f"the chain differs from the seal of {self.seal.sealed_at:%Y-%m-%d %H:%M} UTC: "
            f"an event from {lo} to {eid} was {what}, and the chain recomputed",
        )

    def _seal_missing(self, sealed_id: int) -> _Broken:
        return self._seal_differs(sealed_id, "removed or renumbered (sealed event missing)")

    def run(self, rows: Sequence[Sequence[Any]]) -> None:
        """Take rows in order: each that continues the chain as the app wrote it (its previous
        hash is the last hash, its own hash recomputes, no suspect held, no sealed id reached)
        is taken here with the walk's state in local variables; any other goes to step(),
        which decides what it is. Either way every row's hash is recomputed."""
        sha256 = hashlib.sha256
        mac = self.mac
        keyed_from = self.keyed_from
        head_id = self.head_id
        sealed_ids = self.sealed_ids
        checkpoints = self.checkpoints
        prev, before, last_id = self.prev, self.before, self.last_id
        checked, seen, last_seen = self.checked, self.seen, self.last_seen
        for row in rows:
            eid = row[0]
            if (
                row[9] == prev
                and self.suspect is None
                and not (sealed_ids and sealed_ids[-1] <= eid)
            ):
                digest: str | None
                if keyed_from is None or eid < keyed_from:
                    digest = sha256((prev + fields_text(_fields(row))).encode("utf-8")).hexdigest()
                elif mac is not None:
                    keyed = mac.copy()
                    keyed.update((prev + fields_text(_fields(row))).encode("utf-8"))
                    digest = keyed.hexdigest()
                else:
                    digest = None  # keyed, and this check has no key: step() says so
                if digest is not None and digest == row[10]:
                    before, prev, last_id = prev, digest, eid
                    checked += 1
                    seen += 1
                    last_seen = eid
                    if head_id is not None and eid > head_id:
                        self.past_head += 1
                    if eid % SEAL_EVERY == 0:
                        checkpoints[eid] = digest
                    continue
            self.prev, self.before, self.last_id = prev, before, last_id
            self.checked, self.seen, self.last_seen = checked, seen, last_seen
            self.step(row)
            prev, before, last_id = self.prev, self.before, self.last_id
            checked, seen, last_seen = self.checked, self.seen, self.last_seen
        self.prev, self.before, self.last_id = prev, before, last_id
        self.checked, self.seen, self.last_seen = checked, seen, last_seen

    def step(self, row: Sequence[Any]) -> None:
        """Take the next row. A row that does not continue the chain is held as a suspect:
        if the row after it continues the chain from before it, the chain passes over it
        (written around the app); otherwise it is the break."""
        eid, prev_hash, stored = row[0], row[9], row[10]
        self.seen += 1
        suspect, self.suspect = self.suspect, None
        if prev_hash == self.prev:
            digest = self._hash(row)
            if digest == stored:
                if suspect is not None:
                    self.inserted.append(suspect[0][0])
                self._accept(row, digest)
            elif suspect is not None:
                raise suspect[1]
            else:
                self.suspect = (row, self._altered(row))
        elif suspect is not None:
            raise suspect[1]
        elif self.before is not None and prev_hash == self.before:
            # The last row taken was not the app's: this one follows the row before it.
            digest = self._hash(row)
            if digest != stored:
                raise _Broken(eid, f"event {eid} does not follow event {eid - 1}")
            stranger = self.last_id
            self.inserted.append(stranger)
            self.checked -= 1
            if self.head_id is not None and stranger > self.head_id:
                self.past_head -= 1
            self.checkpoints.pop(stranger, None)
            self.prev = self.before
            self._accept(row, digest)
        elif eid != self.last_seen + 1:
            missing = self.last_seen + 1
            self.suspect = (
                row,
                _Broken(missing, f"event {missing} is missing (next found is {eid})"),
            )
        else:
            self.suspect = (row, _Broken(eid, f"event {eid} does not follow event {eid - 1}"))
        self.last_seen = eid

    def finish(self, head: Row[*tuple[Any, ...]] | None) -> None:
        last_id = head.last_event_id if head is not None else None
        if self.suspect is not None:
            eid = self.suspect[0][0]
            if last_id is not None and eid > last_id and self.last_id == last_id:
                raise _Broken(
                    eid, f"event {eid} was added after the last event the app wrote ({last_id})"
                )
            raise self.suspect[1]
        if self.sealed_ids:
            raise self._seal_missing(self.sealed_ids[-1])
        if head is None:
            return
        assert last_id is not None  # the head row is written with its last event
        if last_id < self.last_id:  # rows on the chain past the head: added around the app
            past = last_id + 1
            raise _Broken(
                past,
                f"event {past} was added after the last event the app wrote ({last_id})",
                self.checked - self.past_head,
            )
        if last_id != self.last_id or (self.checked and head.last_hash != self.prev):
            raise _Broken(
                self.last_id + 1,
                f"events after {self.last_id} are missing (the chain head says {last_id})",
            )
        if self.last_id:
            self.checkpoints[self.last_id] = self.prev
