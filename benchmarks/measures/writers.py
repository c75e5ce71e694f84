"""Eight terminals saving at once: each its own process (spawned), its own Services and
signed-in practitioner, on the scratch copy. Every figure is measured, none extrapolated:
the rate over the whole span, the CPU each writer spent in its span (time.process_time),
the writers' whole lives from resource.getrusage(RUSAGE_CHILDREN), and on PostgreSQL the
CPU of the server processes serving them (/proc/<pid>/stat of each backend, found by its
application_name), when the server runs on this machine.

The baseline, from the same run: the least a durable save must do, through raw SQL. The
same number of spawned processes on the same scratch copy, each on a raw connection of the
app's own engine (so with the app's pragmas: WAL, synchronous=FULL, the busy timeout), each
save one write turn as the app takes it (store/write_turns.py; none on PostgreSQL), one
INSERT of a row the size of a decision and its audit event into a scratch table, and one
COMMIT. Its runs alternate with the app's, so both see the same load."""

from __future__ import annotations

import multiprocessing as mp
import os
import random
import resource
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Column, DateTime, Integer, MetaData, Table, Text, select, text
from sqlalchemy.engine import make_url

from measures.common import Result, at_least, ms, open_services, practitioners, sign_in, summarise
from measures.services import decision_input, subjects
from sharetui.services.facade import Services
from sharetui.store.engine import BUSY_TIMEOUT_MS, make_engine
from sharetui.store.models import AuditEvent, SharingDecision
from sharetui.store.write_turns import WriteTurns

WRITERS = 8
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def backend_cpu(svc: Services, name: str) -> float | None:
    """CPU seconds so far of the PostgreSQL server processes serving connections named
    `name`; None when they cannot be read (another machine, or not PostgreSQL)."""
    if svc.store.engine.dialect.name != "postgresql":
        return None
    with svc.store.engine.connect() as conn:
        pids = conn.execute(
            text("SELECT pid FROM pg_stat_activity WHERE application_name = :n"), {"n": name}
        ).scalars()
        total = 0.0
        for pid in pids:
            try:
                stat = Path(f"/proc/{pid}/stat").read_text()
            except OSError:
                return None
            fields = stat.rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime
    return total


def named(url: str, name: str) -> str:
    """The URL with an application_name, so the server's processes for it can be found."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return url
    return parsed.update_query_dict({"application_name": name}).render_as_string(
        hide_password=False
    )


def writer(
    url: str, username: str, saves: int, avoid: int, seed: int, barrier: Any, results: Any
) -> None:
    """One terminal saving decisions as fast as it can, in its own process."""
    name = f"sharetui-bench-writer-{seed}"
    svc = open_services(named(url, name), f"writer-{seed}")
    actor = sign_in(svc, username)
    rng = random.Random(seed)
    people = subjects(svc, saves, rng, avoid)
    inputs = [decision_input(rng, pid) for pid in people]
    errors: list[str] = []
    latencies: list[float] = []
    server_start = backend_cpu(svc, name)
    barrier.wait()
    start = time.monotonic()
    cpu_start = time.process_time()
    for data in inputs:
        t = time.perf_counter_ns()
        try:
            svc.decisions.log(actor, data)
        except Exception as exc:  # noqa: BLE001 - every failure is a figure here
            errors.append(f"{type(exc).__name__}: {exc}"[:200])
        latencies.append(ms(time.perf_counter_ns() - t))
    end = time.monotonic()
    cpu = time.process_time() - cpu_start
    server_end = backend_cpu(svc, name)
    server = None if server_start is None or server_end is None else server_end - server_start
    svc.close()
    results.put((start, end, len(inputs) - len(errors), errors, latencies, cpu, server))


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def one_run(target: Any, args_of: Any, run: int) -> dict[str, Any]:
    """WRITERS spawned processes running target(*args_of(i), barrier, results) at once."""
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(WRITERS)
    results = ctx.Queue()
    before = children_cpu()
    procs = [
        ctx.Process(target=target, args=(*args_of(i, 1000 * run + i), barrier, results))
        for i in range(WRITERS)
    ]
    for p in procs:
        p.start()
    got = [results.get(timeout=900) for _ in procs]
    for p in procs:
        p.join()
    lives = children_cpu() - before  # only once joined are a child's figures counted
    start = min(g[0] for g in got)
    end = max(g[1] for g in got)
    saved = sum(g[2] for g in got)
    servers = [g[6] for g in got]
    return {
        "seconds": end - start,
        "saved": saved,
        "rate": saved / (end - start),
        "errors": [e for g in got for e in g[3]],
        "latencies": [x for g in got for x in g[4]],
        "span_cpu": sum(g[5] for g in got),
        "lives_cpu": lives,
        "server_cpu": None if any(s is None for s in servers) else sum(servers),
    }


def measure_writers(
    url: str, svc: Services, saves_each: int, avoid: int, runs: int, where: str
) -> Result:
    """url and svc are the scratch copy's: the measured database is not written. The app's
    runs alternate with the raw baseline's (app first in odd runs, raw first in even ones)."""
    sqlite = svc.store.engine.dialect.name == "sqlite"
    r = Result(
        "writers",
        f"{WRITERS} writer processes x {saves_each} saves each, at once, {where}: {runs} runs, "
        f"alternating with the baseline: as many processes each doing INSERT + COMMIT of a "
        f"row of a save's size through raw SQL" + (" in the same write turns" if sqlite else ""),
        "saves/s",
        ">= 300 saves/s (median run), 0 errors",
    )
    r.needs = ("median", "baseline", "ratio")
    names = practitioners(svc)
    size = saved_row_size(svc)
    RAW_TABLE.create(svc.store.engine, checkfirst=True)
    done: list[dict[str, Any]] = []
    raw: list[dict[str, Any]] = []
    raw_failure = ""

    def app_run(run: int) -> None:
        done.append(
            one_run(
                writer,
                lambda i, seed: (url, names[i % len(names)], saves_each, avoid, seed),
                run,
            )
        )

    def raw_run(run: int) -> None:
        nonlocal raw_failure
        if raw_failure:
            return
        try:
            raw.append(one_run(raw_writer, lambda i, seed: (url, saves_each, size, seed), run))
        except Exception as exc:  # noqa: BLE001 - a baseline that failed is a figure missing
            raw_failure = f"{type(exc).__name__}: {exc}"[:200]

    try:
        for run in range(1, runs + 1):
            for step in (app_run, raw_run) if run % 2 else (raw_run, app_run):
                step(run)
    finally:
        RAW_TABLE.drop(svc.store.engine, checkfirst=True)
    rates = [d["rate"] for d in done]
    r.median = statistics.median(rates)
    r.low, r.high = min(rates), max(rates)
    errors = [e for d in done for e in d["errors"]]
    saved = sum(d["saved"] for d in done)
    span_cpu = sum(d["span_cpu"] for d in done)
    server = (
        None if any(d["server_cpu"] is None for d in done) else sum(d["server_cpu"] for d in done)
    )
    # measured saves per CPU second: the writers' own CPU in their spans, plus the
    # server's for them on PostgreSQL
    total_cpu = span_cpu + (server or 0.0)
    r.cpu_median = saved / total_cpu if total_cpu else None
    r.samples = saved + len(errors)
    lat_med, lat_p95 = summarise([x for d in done for x in d["latencies"]])
    per_save = 1000 * span_cpu / max(saved, 1)
    server_words = (
        f"; PostgreSQL server for them {1000 * server / max(saved, 1):.2f} ms per save"
        if server is not None
        else "; PostgreSQL server CPU not readable here"
        if not sqlite
        else ""
    )
    raw_rates = [d["rate"] for d in raw]
    raw_errors = [e for d in raw for e in d["errors"]]
    raw_saved = sum(d["saved"] for d in raw)
    if raw_failure:
        raw_words = f"FAILED: the raw baseline stopped: {raw_failure}"
    elif raw_errors:
        raw_words = f"FAILED: the raw baseline had {len(raw_errors)} errors: {raw_errors[0]}"
    else:
        r.baseline = statistics.median(raw_rates)
        r.ratio = r.median / r.baseline if r.baseline else None
        raw_med, raw_p95 = summarise([x for d in raw for x in d["latencies"]])
        raw_words = (
            f"raw baseline (INSERT + COMMIT of a {size:,}-byte row, the size of a decision and "
            f"its audit event{', in the same write turns' if sqlite else ''}): runs "
            f"{', '.join(f'{x:.0f}' for x in raw_rates)} saves/s, per save median "
            f"{raw_med:.1f} ms, p95 {raw_p95:.1f} ms, its CPU "
            f"{1000 * sum(d['span_cpu'] for d in raw) / max(raw_saved, 1):.2f} ms per save; "
            f"the app saves at {r.ratio:.0%} of that rate"
        )
    r.passed = at_least(r.median, 300) and not errors
    r.note = (
        f"runs: {', '.join(f'{x:.0f}' for x in rates)} saves/s; {saved:,} saved, "
        f"{len(errors)} errors; per save median {lat_med:.1f} ms, p95 {lat_p95:.1f} ms; "
        f"writers' CPU in their spans {per_save:.2f} ms per save{server_words}; writers' "
        f"whole lives (RUSAGE_CHILDREN, start-up included) "
        f"{sum(d['lives_cpu'] for d in done):.1f} s CPU; {raw_words}"
    )
    r.extra = {
        "runs": [
            {k: len(v) if k == "errors" else v for k, v in d.items() if k != "latencies"}
            for d in done
        ],
        "errors": len(errors),
        "first_errors": errors[:5],
        "latency_median_ms": lat_med,
        "latency_p95_ms": lat_p95,
        "writer_cpu_ms_per_save": per_save,
        "server_cpu_ms_per_save": None if server is None else 1000 * server / max(saved, 1),
        "raw_row_bytes": size,
        "raw_runs": [
            {k: len(v) if k == "errors" else v for k, v in d.items() if k != "latencies"}
            for d in raw
        ],
        "raw_errors": len(raw_errors),
        "raw_failure": raw_failure or None,
        "raw_first_errors": raw_errors[:5],
        "raw_cpu_ms_per_save": 1000 * sum(d["span_cpu"] for d in raw) / max(raw_saved, 1),
    }
    return r


# -- the baseline: a durable save through raw SQL ------------------------------------------------
RAW_TABLE = Table(
    "bench_raw_save",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("saved_at", DateTime(timezone=True), nullable=False),
    Column("writer", Integer, nullable=False),
    Column("body", Text, nullable=False),
)


def saved_row_size(svc: Services, sample: int = 200) -> int:
    """Bytes a save stores in its two rows (the decision and its audit event), as text, the
    mean of the latest `sample` of each: the raw baseline's row is made this size."""

    def mean_size(table: Any, order: Any) -> float:
        with svc.store.engine.connect() as conn:
            rows = conn.execute(select(table).order_by(order.desc()).limit(sample)).all()
        sizes = [sum(len(str(v).encode()) for v in row if v is not None) for row in rows]
        return statistics.mean(sizes) if sizes else 0.0

    decisions = SharingDecision.__table__  # type: ignore[attr-defined]
    events = AuditEvent.__table__  # type: ignore[attr-defined]
    return round(mean_size(decisions, decisions.c.id) + mean_size(events, events.c.id))


def raw_writer(url: str, saves: int, size: int, seed: int, barrier: Any, results: Any) -> None:
    """One process doing the least a durable save must do: take the write turn, BEGIN
    (IMMEDIATE on SQLite, as the app's writes), one INSERT, COMMIT; on a raw connection of
    the app's engine, so with its pragmas."""
    engine = make_engine(named(url, f"sharetui-bench-raw-{seed}"))
    turns = WriteTurns.for_engine(engine, BUSY_TIMEOUT_MS / 1000)
    sqlite = engine.dialect.name == "sqlite"
    conn = engine.raw_connection()
    cur = conn.cursor()
    mark = "?" if sqlite else "%s"
    insert = (
        f"INSERT INTO {RAW_TABLE.name} (saved_at, writer, body) VALUES ({mark}, {mark}, {mark})"
    )
    rng = random.Random(seed)
    alphabet = "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    bodies = ["".join(rng.choices(alphabet, k=size)) for _ in range(saves)]
    errors: list[str] = []
    latencies: list[float] = []
    barrier.wait()
    start = time.monotonic()
    cpu_start = time.process_time()
    for body in bodies:
        t = time.perf_counter_ns()
        try:
            with turns.turn():
                if sqlite:
                    cur.execute("BEGIN IMMEDIATE")
                now = datetime.now(UTC)
                cur.execute(insert, (now.isoformat() if sqlite else now, seed, body))
                if sqlite:
                    cur.execute("COMMIT")
                else:
                    conn.commit()
        except Exception as exc:  # noqa: BLE001 - every failure is a figure here
            errors.append(f"{type(exc).__name__}: {exc}"[:200])
            conn.rollback()
        latencies.append(ms(time.perf_counter_ns() - t))
    end = time.monotonic()
    cpu = time.process_time() - cpu_start
    cur.close()
    conn.close()
    turns.close()
    engine.dispose()
    results.put((start, end, saves - len(errors), errors, latencies, cpu, None))
