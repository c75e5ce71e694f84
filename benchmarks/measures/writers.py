"""Eight terminals saving at once: each its own process (spawned), its own Services and
signed-in practitioner, on the scratch copy. Every figure is measured, none extrapolated:
the rate over the whole span, the CPU each writer spent in its span (time.process_time),
the writers' whole lives from resource.getrusage(RUSAGE_CHILDREN), and on PostgreSQL the
CPU of the server processes serving them (/proc/<pid>/stat of each backend, found by its
application_name), when the server runs on this machine."""

from __future__ import annotations

import multiprocessing as mp
import os
import random
import resource
import statistics
import time
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import make_url

from measures.common import Result, at_least, ms, open_services, practitioners, sign_in, summarise
from measures.services import decision_input, subjects
from sharetui.services.facade import Services

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


def one_run(url: str, names: list[str], saves_each: int, avoid: int, run: int) -> dict[str, Any]:
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(WRITERS)
    results = ctx.Queue()
    before = children_cpu()
    procs = [
        ctx.Process(
            target=writer,
            args=(
                url,
                names[i % len(names)],
                saves_each,
                avoid,
                1000 * run + i,
                barrier,
                results,
            ),
        )
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
    """url and svc are the scratch copy's: the measured database is not written."""
    r = Result(
        "writers",
        f"{WRITERS} writer processes x {saves_each} saves each, at once, {where}: {runs} runs",
        "saves/s",
        ">= 300 saves/s (median run), 0 errors",
    )
    names = practitioners(svc)
    done = [one_run(url, names, saves_each, avoid, run + 1) for run in range(runs)]
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
    r.passed = at_least(r.median, 300) and not errors
    lat_med, lat_p95 = summarise([x for d in done for x in d["latencies"]])
    per_save = 1000 * span_cpu / max(saved, 1)
    server_words = (
        f"; PostgreSQL server for them {1000 * server / max(saved, 1):.2f} ms per save"
        if server is not None
        else "; PostgreSQL server CPU not readable here"
        if svc.store.engine.dialect.name == "postgresql"
        else ""
    )
    r.note = (
        f"runs: {', '.join(f'{x:.0f}' for x in rates)} saves/s; {saved:,} saved, "
        f"{len(errors)} errors; per save median {lat_med:.1f} ms, p95 {lat_p95:.1f} ms; "
        f"writers' CPU in their spans {per_save:.2f} ms per save{server_words}; writers' "
        f"whole lives (RUSAGE_CHILDREN, start-up included) "
        f"{sum(d['lives_cpu'] for d in done):.1f} s CPU"
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
    }
    return r
