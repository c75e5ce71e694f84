"""What every measure shares: the Result row, the statistics, the verdict rules (a figure
that is missing is a failure, never a pass), signing in, and timing a service against its
own SQL replayed on a raw database cursor."""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import event, text

from sharetui.config import Settings
from sharetui.services.facade import Services
from sharetui.services.unit_of_work import Actor
from sharetui.store.engine import make_engine

BENCH = Path(__file__).resolve().parent.parent  # benchmarks/
ROOT = BENCH.parent
OUT = BENCH / "out"
PASSPHRASE = "correct horse battery staple"
SPECIAL_REFERENCE = "BENCH-300"
BENCH_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
REPORTED = "reported (no goal)"


@dataclass
class Result:
    key: str
    title: str  # built from the parameters the measure actually used
    unit: str
    goal: str
    median: float | None = None
    p95: float | None = None
    low: float | None = None  # over repeated runs: the lowest and highest run
    high: float | None = None
    baseline: float | None = None  # the same work without the app around it, same run
    ratio: float | None = None
    passed: bool | None = None
    # CPU time (for rates: per CPU second) where it is measured; what it covers is in
    # benchmarks/README.md per row.
    cpu_median: float | None = None
    cpu_p95: float | None = None
    cpu_passed: bool | None = None
    samples: int = 0
    note: str = ""
    # the figures the goal is judged on: any of them missing makes the row a failure
    needs: tuple[str, ...] = ("median",)
    cpu_needs: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)
    # why the row does not apply to this database (a PostgreSQL-only row on SQLite):
    # printed as "n/a" with the reason, neither a pass nor a failure
    not_applicable: str = ""


def at_most(value: float | None, limit: float) -> bool:
    """value <= limit; a missing value never passes."""
    return value is not None and value <= limit


def at_least(value: float | None, limit: float) -> bool:
    return value is not None and value >= limit


def finalise(r: Result) -> Result:
    """The verdict rules for every row: a figure the goal needs that is missing, or a row
    with a goal and no verdict, is a failure; only a row with no goal is merely reported,
    and a row that does not apply to the database is said not to, with its reason."""
    if r.not_applicable:
        r.passed = None
        r.note = f"not applicable: {r.not_applicable}"
        return r
    missing = [name for name in r.needs if getattr(r, name) is None]
    if missing:
        r.passed = False
        r.note = f"FAILED: no {', '.join(missing)} measured. " + r.note
    elif r.passed is None and r.goal != REPORTED:
        r.passed = False
        r.note = "FAILED: not judged. " + r.note
    if r.cpu_needs and any(getattr(r, name) is None for name in r.cpu_needs):
        r.cpu_passed = False
    return r


def failed(key: str, title: str, unit: str, goal: str, why: str) -> Result:
    """A row whose measure could not run: printed, and (once finalised) a failure."""
    return Result(key, title, unit, goal, passed=False, note=why)


def ms(ns: float) -> float:
    return ns / 1e6


def p95(values: Sequence[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]


def summarise(values: Sequence[float]) -> tuple[float, float]:
    return statistics.median(values), p95(values)


def spread(r: Result, runs: Sequence[float]) -> None:
    """Median, lowest and highest of repeated runs, so the noise is visible."""
    r.median, r.low, r.high = statistics.median(runs), min(runs), max(runs)


# -- the database and who acts --------------------------------------------------------------
def open_services(url: str, terminal: str) -> Services:
    return Services.open(Settings(database_url=url, terminal=terminal), migrate=False)


def sign_in(svc: Services, username: str) -> Actor:
    """The acting account as stored (what a finished sign-in gives): the measures time the
    services, and a supervisor's second factor takes each code once."""
    from sharetui.services.users import actor_for

    return actor_for(svc.users.get(None, username), svc.store.settings.terminal)


def ensure_factors(svc: Services) -> None:
    """Supervisors and administrators of a database built before second factors get the
    benchmark's known secret, so the app can be signed in to as they are."""
    for u in svc.users.list(None):
        if u.role.value != "practitioner" and not u.has_factor:
            svc.users.set_factor_secret(None, u.username, BENCH_TOTP_SECRET)


def next_code(url: str, username: str) -> str:
    """The code an authenticator shows for a time step this account has not used yet."""
    import pyotp

    from sharetui.services.second_factor import DRIFT_STEPS, STEP_SECONDS

    engine = make_engine(url)
    with engine.connect() as conn:
        last = conn.execute(
            text("SELECT totp_last_step FROM app_user WHERE username = :u"), {"u": username}
        ).scalar()
    engine.dispose()
    now = int(time.time() // STEP_SECONDS)
    step = now if last is None else max(now, last + 1)  # now: good for 30 s or more
    while step > now + DRIFT_STEPS:  # every code of now used: wait for the next step
        time.sleep(1)
        now = int(time.time() // STEP_SECONDS)
    return str(pyotp.TOTP(BENCH_TOTP_SECRET).at(step * STEP_SECONDS))


def special_person_id(svc: Services) -> int:
    with svc.store.engine.connect() as conn:
        row = conn.execute(
            text("SELECT id FROM person WHERE reference = :r"), {"r": SPECIAL_REFERENCE}
        ).first()
    if row is None:
        raise SystemExit("This database has no BENCH-300 person: build it with generate.py")
    return int(row[0])


def practitioners(svc: Services) -> list[str]:
    return [u.username for u in svc.users.list(None) if u.role.value == "practitioner"]


def sample_people(svc: Services, n: int, rng: random.Random, avoid: int) -> list[dict[str, Any]]:
    with svc.store.engine.connect() as conn:
        top = conn.execute(text("SELECT MAX(id) FROM person")).scalar_one()
        ids = [i for i in rng.sample(range(1, top + 1), min(n * 2, top)) if i != avoid][:n]
        rows = conn.execute(
            text(
                "SELECT id, family_name, given_names, other_names, date_of_birth, reference, "
                "nhs_number FROM person WHERE id IN (" + ",".join(str(i) for i in ids) + ")"
            )
        ).mappings()
        return [dict(r) for r in rows]


def count_rows(svc: Services, table: str, where: str = "") -> int:
    with svc.store.engine.connect() as conn:
        sql = f"SELECT COUNT(*) FROM {table}" + (f" WHERE {where}" if where else "")
        return int(conn.execute(text(sql)).scalar_one())


# -- a service against its own SQL ---------------------------------------------------------------
class Capture:
    """Records the reading SQL a service call sends, so the same statements can be
    replayed raw. Writes (an audit event a read leaves) are not replayed: the baseline
    must not change the database."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self.statements: list[tuple[str, Any]] = []
        self.writes = 0
        self.on = False
        event.listen(engine, "before_cursor_execute", self._hook)

    def _hook(
        self, conn: Any, cursor: Any, statement: str, params: Any, context: Any, executemany: bool
    ) -> None:
        if not self.on:
            return
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            self.statements.append((statement, params))
        else:
            self.writes += 1

    def close(self) -> None:
        event.remove(self.engine, "before_cursor_execute", self._hook)


@dataclass
class Timed:
    """Per call: the service's wall clock and thread CPU, and the same for its reading SQL
    replayed on a raw DBAPI cursor (ms); what each call returned on its warm-up."""

    wall: list[float]
    cpu: list[float]
    raw: list[float]
    raw_cpu: list[float]
    returned: list[Any]
    statements: int  # reading statements replayed, over all the calls
    writes: int  # statements that write (an audit event), not replayed
    sqls: list[list[tuple[str, Any]]] = field(default_factory=list)  # per call, as captured


def service_and_raw(svc: Services, calls: Sequence[Callable[[], Any]], passes: int) -> Timed:
    """One warm-up pass capturing each call's SQL, `passes` timed passes of the service
    calls, then the captured SQL replayed raw: one warm-up pass and `passes` timed passes,
    on a connection from the same engine (autocommit on PostgreSQL)."""
    capture = Capture(svc.store.engine)
    sqls: list[list[tuple[str, Any]]] = []
    returned: list[Any] = []
    try:
        for call in calls:
            capture.statements = []
            capture.on = True
            returned.append(call())
            capture.on = False
            sqls.append(list(capture.statements))
    finally:
        capture.close()
    wall: list[float] = []
    cpu: list[float] = []
    for _ in range(passes):
        for call in calls:
            c = time.thread_time_ns()
            t = time.perf_counter_ns()
            call()
            wall.append(ms(time.perf_counter_ns() - t))
            cpu.append(ms(time.thread_time_ns() - c))
    raw: list[float] = []
    raw_cpu: list[float] = []
    conn = svc.store.engine.raw_connection()
    driver = conn.driver_connection
    pg = svc.store.engine.dialect.name == "postgresql"
    try:
        if pg:
            driver.autocommit = True  # type: ignore[union-attr]
        cur = conn.cursor()
        for stmts in sqls:
            for sql, params in stmts:
                cur.execute(sql, params)
                cur.fetchall()
        for _ in range(passes):
            for stmts in sqls:
                c = time.thread_time_ns()
                t = time.perf_counter_ns()
                for sql, params in stmts:
                    cur.execute(sql, params)
                    cur.fetchall()
                raw.append(ms(time.perf_counter_ns() - t))
                raw_cpu.append(ms(time.thread_time_ns() - c))
        cur.close()
    finally:
        if pg:  # back to the pool as it came out, or later transactions would not be ones
            driver.autocommit = False  # type: ignore[union-attr]
        conn.close()
    return Timed(wall, cpu, raw, raw_cpu, returned, sum(len(s) for s in sqls), capture.writes, sqls)


def judge_against_raw(
    r: Result, timed: Timed, limit_ms: float, backend: str, *, max_ratio: float = 10.0
) -> None:
    """p95 of the service against the p95 of its raw SQL; on CPU as well (on PostgreSQL the
    server's share is in neither CPU figure, so there the wall-clock ratio stands)."""
    r.median, r.p95 = summarise(timed.wall)
    r.cpu_median, r.cpu_p95 = summarise(timed.cpu)
    raw_median, r.baseline = summarise(timed.raw)
    r.ratio = r.p95 / r.baseline if r.baseline else None
    r.samples = len(timed.wall)
    r.needs = ("p95", "ratio")
    r.cpu_needs = ("cpu_p95",)
    r.passed = at_most(r.p95, limit_ms) and at_most(r.ratio, max_ratio)
    raw_cpu_p95 = p95(timed.raw_cpu)
    cpu_ratio = r.cpu_p95 / raw_cpu_p95 if raw_cpu_p95 else None
    if backend != "sqlite":
        cpu_ratio = r.ratio
    r.cpu_passed = at_most(r.cpu_p95, limit_ms) and at_most(cpu_ratio, max_ratio)
    r.extra.update(
        raw_median_ms=raw_median,
        ratio_median=r.median / raw_median if raw_median else None,
        raw_cpu_median_ms=statistics.median(timed.raw_cpu),
        raw_cpu_p95_ms=raw_cpu_p95,
        statements_replayed=timed.statements,
        writes_not_replayed=timed.writes,
    )


def in_unit_of_work_p95(
    svc: Services, actor: Actor, calls: Sequence[list[tuple[str, Any]]], passes: int
) -> float:
    """p95 (ms) of service reads that only send each call's statements (driver SQL as
    captured): the session, the acting account's check and the commit that every read of the
    facade pays, around SQL the service did not have to build or read back into objects. One
    warm-up pass, then `passes`. With one empty call, the least any read costs."""

    def replay_of(statements: list[tuple[str, Any]]) -> Callable[[Any], None]:
        def replay(s: Any) -> None:
            conn = s.connection()
            for sql, params in statements:
                conn.exec_driver_sql(sql, params).fetchall()

        return replay

    replays = [replay_of(statements) for statements in calls]
    for replay in replays:
        svc.store.read(replay, actor)
    wall: list[float] = []
    for _ in range(passes):
        for replay in replays:
            t = time.perf_counter_ns()
            svc.store.read(replay, actor)
            wall.append(ms(time.perf_counter_ns() - t))
    return p95(wall)


def same_sql_bound(p95_ms: float) -> str:
    """The note's words for in_unit_of_work_p95 of a row's own calls."""
    return (
        f"Bound, same run: the same statements as the service sent, replayed inside a unit "
        f"of work (session, the account check, commit), p95 {p95_ms:.2f} ms"
    )
