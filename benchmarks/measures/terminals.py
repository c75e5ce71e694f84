"""Thirty-two terminals at once on PostgreSQL: each its own process running the concurrency
proof's terminal (tests/proofs/terminal_worker.py, the same worker, not a copy), on the
scratch copy. They race to add the same people and links, then do the proof's mix of work
(decisions, consent, advice raised, claimed, advised and closed); each action is timed in
its terminal, whatever its outcome. Figures: the p95 of each kind of action, and the errors
that reached a user (an unexpected error, or a busy database shown as "try again").

SQLite is not measured: a site with many terminals at once runs on PostgreSQL (one SQLite
file lets one writer in at a time; its writers' row is `writers`)."""

from __future__ import annotations

import random
import sys
from datetime import date
from pathlib import Path
from typing import Any

from measures.common import Result, sample_people, sign_in, summarise
from sharetui.domain.person import PersonInput
from sharetui.services.facade import Services

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # the proof's terminals live in the checkout's tests/proofs
from tests.proofs.terminals import run_terminals  # noqa: E402

TERMINALS = 32
RACES = 2
GOAL = "0 errors reaching a user (p95 of each action reported)"


def title(ops: int, where: str) -> str:
    return (
        f"{TERMINALS} terminal processes at once, mixed work as in the concurrency proof "
        f"({RACES} race rounds, then {ops} actions each), {where}"
    )


def not_applicable(ops: int, where: str) -> Result:
    """The row on SQLite: printed, neither a pass nor a failure."""
    r = Result("terminals", title(ops, where), "ms", GOAL)
    r.not_applicable = (
        "runs only on PostgreSQL (give a PostgreSQL --database): a site with this many "
        "terminals at once runs on PostgreSQL; on SQLite one writer at a time is the "
        "writers row"
    )
    return r


def _link_people(svc: Services, username: str) -> list[int]:
    """New people for the link races, as the proof makes them: nobody has linked them yet."""
    me = sign_in(svc, username)
    tag = random.randrange(10**6)
    return [
        svc.people.create(
            me,
            PersonInput("Linked", f"Bench{tag}x{n}", date_of_birth=date(2011, 1, 1 + n)),
            confirm_not_duplicate=True,
        ).id
        for n in range(2 * RACES)
    ]


def _run(url: str, ops: int, people: list[int], linked: list[int]) -> list[dict[str, Any]]:
    seed = random.randrange(1, 2**31)
    return run_terminals(url, TERMINALS, ops, seed, people, linked, timeout=1800)


def measure_terminals(url: str, svc: Services, ops: int, avoid: int, where: str) -> Result:
    """url and svc are the scratch copy's: the measured database is not written."""
    r = Result("terminals", title(ops, where), "ms", GOAL)
    rng = random.Random(32)
    people = [p["id"] for p in sample_people(svc, 12, rng, avoid)]
    reports = _run(url, ops, people, _link_people(svc, "pat"))
    times: dict[str, list[float]] = {}
    for report in reports:
        for action, values in report["times_ms"].items():
            times.setdefault(action, []).extend(values)
    per_action = {action: summarise(values) for action, values in sorted(times.items())}
    errors = [e for rep in reports for e in rep["errors"]]
    unavailable = sum(sum(rep["unavailable"].values()) for rep in reports)
    conflicts: dict[str, int] = {}
    for rep in reports:
        for k, v in rep["conflicts"].items():
            conflicts[k] = conflicts.get(k, 0) + v
    every = [x for values in times.values() for x in values]
    if every:
        r.median = summarise(every)[0]
        r.p95 = max(p for _, p in per_action.values())  # the slowest action's p95
    r.samples = len(every)
    r.needs = ("median", "p95")
    r.passed = not errors and unavailable == 0
    seconds = max(rep["seconds"] for rep in reports)
    r.note = (
        "p95 per action: "
        + ", ".join(
            f"{a} {p:.0f} ms (median {m:.0f}, n={len(times[a])})"
            for a, (m, p) in per_action.items()
        )
        + f"; the p95 column is the slowest action's; errors reaching a user: {len(errors)} "
        f"unexpected, {unavailable} 'try again'; told someone else was first (expected): "
        f"{sum(conflicts.values())}; {len(every)} actions in {seconds:.0f} s"
        + (f"; first errors: {'; '.join(errors[:3])}" if errors else "")
    )
    r.extra = {
        "per_action_ms": {
            a: {"median": m, "p95": p, "n": len(times[a])} for a, (m, p) in per_action.items()
        },
        "errors": errors[:20],
        "unavailable": unavailable,
        "conflicts": conflicts,
        "seconds": seconds,
    }
    return r
