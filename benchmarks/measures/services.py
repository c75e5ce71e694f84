"""The services as the app calls them (signed in, role checks, validation, audit events),
each with its own SQL replayed raw as the baseline where it only reads."""

from __future__ import annotations

import random
import statistics
import time
from datetime import datetime
from typing import Any

from sqlalchemy import text

from measures.common import (
    REPORTED,
    Result,
    at_least,
    at_most,
    in_unit_of_work_p95,
    judge_against_raw,
    ms,
    same_sql_bound,
    service_and_raw,
    spread,
    summarise,
)
from sharetui.domain.decision import DecisionInput
from sharetui.domain.enums import Outcome
from sharetui.domain.sample_share import sample_share
from sharetui.services.audit import verify
from sharetui.services.facade import Services
from sharetui.services.unit_of_work import Actor


def backend(svc: Services) -> str:
    return svc.store.engine.dialect.name


# -- person search ------------------------------------------------------------------------------
def search_queries(people: list[dict[str, Any]], rng: random.Random) -> list[str]:
    """What people type at the desk: partial names in either order, a date of birth typed
    the British way or as ISO, a reference or NHS number, a bare family-name prefix."""
    out: list[str] = []
    kinds = [
        "partial",
        "partial",
        "partial",
        "reversed",
        "name_dob",
        "name_dob",
        "dob",
        "reference",
        "reference",
        "reference_prefix",
        "nhs",
        "family_only",
        "given_family",
    ]
    for i, p in enumerate(people):
        kind = kinds[i % len(kinds)]
        family = str(p["family_name"]).split()[0].split("-")[0]
        given = str(p["given_names"]).split()[0]
        dob = p["date_of_birth"]
        if isinstance(dob, str):
            dob = datetime.strptime(dob, "%Y-%m-%d").date()
        if kind in ("name_dob", "dob") and dob is None:
            kind = "partial"
        if kind == "nhs" and not p["nhs_number"]:
            kind = "reference"
        if kind == "partial":
            q = f"{given[: rng.randint(2, 4)]} {family[: rng.randint(3, 5)]}"
        elif kind == "reversed":
            q = f"{family} {given}"
        elif kind == "name_dob":
            q = f"{family[:4]} {dob.day}/{dob.month}/{dob.year}"
        elif kind == "dob":
            q = dob.isoformat()
        elif kind == "reference":
            q = str(p["reference"]).lower()
        elif kind == "reference_prefix":
            q = str(p["reference"])[:-2]
        elif kind == "nhs":
            q = str(p["nhs_number"])
        elif kind == "family_only":
            q = family[:3]
        else:
            q = f"{given} {family}"
        out.append(q)
    return out


def misspell(query: str, rng: random.Random) -> str:
    """The query as a caller might spell it: in its longest word (five letters or more), one
    letter transposed, dropped, doubled or changed to a vowel, or a vowel changed."""
    words = query.split()
    longest = max(range(len(words)), key=lambda i: len(words[i]))
    w = words[longest]
    if len(w) < 5 or not w.isalpha():
        return query
    i = rng.randrange(1, len(w) - 1)
    kind = rng.randrange(4)
    if kind == 0:
        w = w[:i] + w[i + 1] + w[i] + w[i + 2 :]
    elif kind == 1:
        w = w[:i] + w[i + 1 :]
    elif kind == 2:
        w = w[:i] + w[i] + w[i:]
    else:
        w = w[:i] + ("e" if w[i] != "e" else "a") + w[i + 1 :]
    words[longest] = w
    return " ".join(words)


def misspelt_queries(
    people: list[dict[str, Any]], rng: random.Random, n: int
) -> list[tuple[str, int]]:
    """(query, the person it was built from): names as a caller gives them (full names in
    either order, a short given name with the family name, a family name with a date of
    birth), each misspelt in its longest word. People whose longest word cannot be misspelt
    (under five letters, an apostrophe) are passed over."""
    out: list[tuple[str, int]] = []
    for p in people:
        family = str(p["family_name"]).split()[0].split("-")[0]
        given = str(p["given_names"]).split()[0]
        dob = p["date_of_birth"]
        if isinstance(dob, str):
            dob = datetime.strptime(dob, "%Y-%m-%d").date()
        kind = len(out) % 4
        if kind == 0:
            q = f"{given} {family}"
        elif kind == 1:
            q = f"{family} {given}"
        elif kind == 2:
            q = f"{given[:3]} {family}"
        else:
            q = f"{family} {dob.day}/{dob.month}/{dob.year}" if dob else f"{given} {family}"
        wrong = misspell(q, rng)
        if wrong != q:
            out.append((wrong, int(p["id"])))
        if len(out) == n:
            break
    return out


def measure_search(svc: Services, actor: Actor, queries: list[str], passes: int) -> Result:
    r = Result(
        "search",
        f"Person search, exact group (people.find): {len(queries)} queries x {passes} passes",
        "ms",
        "p95 <= 5 ms and <= 10x raw SQL",
    )
    timed = service_and_raw(svc, [lambda q=q: svc.people.find(actor, q) for q in queries], passes)
    judge_against_raw(r, timed, 5.0, backend(svc))
    hits = sum(bool(page.items) for page in timed.returned)
    slowest = sorted(zip(timed.wall, queries * passes, strict=True), reverse=True)[:5]
    through = in_unit_of_work_p95(svc, actor, timed.sqls, passes)
    r.note = (
        f"{hits}/{len(queries)} queries found someone; raw SQL median "
        f"{r.extra['raw_median_ms']:.2f} ms, p95 {r.baseline:.2f} ms. {same_sql_bound(through)}"
    )
    r.extra.update(
        slowest=[(round(t, 2), q) for t, q in slowest],
        queries=queries,
        same_sql_in_unit_of_work_p95_ms=through,
    )
    return r


def measure_misspelt(
    svc: Services, actor: Actor, queries: list[tuple[str, int]], passes: int
) -> Result:
    r = Result(
        "search_misspelt",
        f"Person search, misspelt names (people.search, exact then similar names): "
        f"{len(queries)} queries x {passes} passes",
        "ms",
        "p95 <= 20 ms and <= 10x raw SQL",
    )
    if not queries:
        r.note = "no person's name could be misspelt"
        return r
    calls = [lambda q=q: svc.people.search(actor, q) for q, _ in queries]
    timed = service_and_raw(svc, calls, passes)
    judge_against_raw(r, timed, 20.0, backend(svc))
    found = sum(
        any(m.person.id == pid for m in page.items)
        for page, (_, pid) in zip(timed.returned, queries, strict=True)
    )
    similar = sum(any(not m.exact for m in page.items) for page in timed.returned)
    through = in_unit_of_work_p95(svc, actor, timed.sqls, passes)
    r.note = (
        f"the misspelt person on the first page for {found}/{len(queries)} queries; "
        f"similar names shown for {similar}; raw SQL median {r.extra['raw_median_ms']:.2f} ms. "
        f"{same_sql_bound(through)}"
    )
    r.extra.update(
        found_on_first_page=found,
        queries=[q for q, _ in queries],
        same_sql_in_unit_of_work_p95_ms=through,
    )
    return r


def measure_similar_count(svc: Services, actor: Actor, n: int, rng: random.Random) -> Result:
    """Precision: how long the similar-names group is for people with the commonest family
    names, searched by full name as a caller gives it, and for each such family name alone."""
    with svc.store.engine.connect() as conn:
        common = [
            row[0]
            for row in conn.execute(
                text(
                    "SELECT family_name FROM person GROUP BY family_name "
                    "ORDER BY COUNT(*) DESC, family_name LIMIT 20"
                )
            )
        ]
        people = [
            (row[0], row[1])
            for row in conn.execute(
                text(
                    "SELECT family_name, given_names FROM person WHERE family_name IN ("
                    + ",".join(f"'{f}'" for f in common if "'" not in f)
                    + ") ORDER BY id"
                )
            )
        ]
    chosen = rng.sample(people, min(n, len(people)))
    r = Result(
        "similar_count",
        f"Similar names listed for {len(chosen)} full names with the {len(common)} "
        f"commonest family names",
        "names",
        REPORTED,
    )
    counts = [
        float(
            svc.people.search(
                actor, f"{given.split()[0]} {family}", count_similar=True
            ).similar_count
            or 0
        )
        for family, given in chosen
    ]
    alone = [
        float(svc.people.search(actor, family, count_similar=True).similar_count or 0)
        for family in common
    ]
    r.median, r.p95 = summarise(counts)
    r.needs = ("median", "p95")
    r.samples = len(counts)
    alone_median, alone_p95 = summarise(alone)
    r.note = (
        f"the {len(common)} commonest family names alone: median {alone_median:.0f}, "
        f"p95 {alone_p95:.0f}, most {max(alone):.0f}"
    )
    r.extra = {
        "common_family_names": common,
        "family_alone": dict(zip(common, alone, strict=True)),
        "max_full_name": max(counts),
    }
    return r


# -- opening a person -----------------------------------------------------------------------------
def timeline_size(svc: Services, actor: Actor, person_id: int) -> int:
    """Entries in the whole timeline, counted through the service as a user would page."""
    n, offset = 0, 0
    while True:
        page = svc.people.timeline(actor, person_id, offset=offset, limit=100)
        n += len(page.items)
        offset += 100
        if not page.has_more:
            return n


def measure_open(svc: Services, actor: Actor, person_id: int, runs: int) -> Result:
    count = timeline_size(svc, actor, person_id)
    parts: dict[str, list[float]] = {"open": [], "consent": [], "timeline": []}
    shown: list[int] = []

    def opening() -> None:
        t0 = time.perf_counter_ns()
        svc.people.open(actor, person_id)
        t1 = time.perf_counter_ns()
        svc.consent.current(actor, person_id)
        t2 = time.perf_counter_ns()
        page = svc.people.timeline(actor, person_id)
        t3 = time.perf_counter_ns()
        for name, took in zip(parts, (t1 - t0, t2 - t1, t3 - t2), strict=True):
            parts[name].append(ms(took))
        shown.append(len(page.items))

    timed = service_and_raw(svc, [opening], runs)
    r = Result(
        "open_person",
        f"Open a person with {count} timeline entries, services only (people.open + "
        f"consent.current + timeline page of {shown[0]}): {runs} runs",
        "ms",
        "p95 <= 50 ms (painted: the app rows)",
    )
    r.median, r.p95 = summarise(timed.wall)
    r.cpu_median, r.cpu_p95 = summarise(timed.cpu)
    r.baseline = statistics.median(timed.raw)
    r.ratio = r.median / r.baseline if r.baseline else None
    r.samples = len(timed.wall)
    r.needs = ("p95",)
    r.cpu_needs = ("cpu_p95",)
    r.passed = at_most(r.p95, 50.0)
    r.cpu_passed = at_most(r.cpu_p95, 50.0)
    split = ", ".join(f"{k} {statistics.median(v[1:]):.1f}" for k, v in parts.items())
    r.note = (
        f"medians ms: {split}; baseline: its {timed.statements} reading statements replayed "
        f"raw (median; its {timed.writes} writing statements, the audit events of reading a "
        f"record and their commit, are not); ratio of medians"
    )
    r.extra = {
        "timeline_entries": count,
        "median_parts_ms": {k: statistics.median(v[1:]) for k, v in parts.items()},
    }
    return r


# -- advice queue ---------------------------------------------------------------------------------
def measure_queue(svc: Services, actor: Actor, runs: int) -> Result:
    counts = svc.advice.counts(actor)
    timed = service_and_raw(svc, [lambda: svc.advice.queue(actor)], runs)
    shown = len(timed.returned[0].items)
    r = Result(
        "advice_queue",
        f"Advice queue, first page ({shown} of {counts['total']:,} open for "
        f"{actor.username}): {runs} runs",
        "ms",
        "p95 <= 50 ms",
    )
    r.median, r.p95 = summarise(timed.wall)
    r.cpu_median, r.cpu_p95 = summarise(timed.cpu)
    r.baseline = statistics.median(timed.raw)
    r.ratio = r.median / r.baseline if r.baseline else None
    r.samples = len(timed.wall)
    r.needs = ("p95",)
    r.cpu_needs = ("cpu_p95",)
    r.passed = at_most(r.p95, 50.0)
    r.cpu_passed = at_most(r.cpu_p95, 50.0)
    r.note = "baseline: the same SQL replayed raw (median); ratio of medians"
    return r


# -- saving decisions -----------------------------------------------------------------------------
def decision_input(rng: random.Random, subject_id: int) -> DecisionInput:
    """The sample share (complete, valid, without consent on the usual basis: what the desk
    logs most), with the categories a desk ticks and a decision and case drawn at random."""
    return sample_share(
        subject_id,
        categories=["education", "family_circumstances"],
        outcome=rng.choice((Outcome.SHARE, Outcome.SHARE_IN_PART)),
        reasons=f"Disclosure at school on case {rng.randrange(10**6)}; strategy discussion due.",
    )


def subjects(svc: Services, n: int, rng: random.Random, avoid: int) -> list[int]:
    with svc.store.engine.connect() as conn:
        top = conn.execute(text("SELECT MAX(id) FROM person")).scalar_one()
    return [i for i in (rng.randint(1, top) for _ in range(n + 1)) if i != avoid][:n]


def measure_save(svc: Services, actor: Actor, runs: int, avoid: int) -> Result:
    """On the scratch copy (svc is opened on it): the measured database is not written."""
    r = Result(
        "save_decision",
        f"Save a decision (decisions.log: validation, account check, audit), {runs} saves "
        f"after 10 warm-up, on a scratch copy",
        "ms",
        "p95 <= 15 ms",
    )
    rng = random.Random(15)
    people = subjects(svc, runs + 10, rng, avoid)
    times: list[float] = []
    cpu: list[float] = []
    for i, pid in enumerate(people):
        data = decision_input(rng, pid)
        c = time.thread_time_ns()
        t = time.perf_counter_ns()
        svc.decisions.log(actor, data)
        if i >= 10:
            times.append(ms(time.perf_counter_ns() - t))
            cpu.append(ms(time.thread_time_ns() - c))
    r.median, r.p95 = summarise(times)
    r.cpu_median, r.cpu_p95 = summarise(cpu)
    r.samples = len(times)
    r.needs = ("p95",)
    r.cpu_needs = ("cpu_p95",)
    r.passed = at_most(r.p95, 15.0)
    r.cpu_passed = at_most(r.cpu_p95, 15.0)
    return r


# -- audit verify ---------------------------------------------------------------------------------
def measure_verify(svc: Services, runs: int) -> Result:
    rates: list[float] = []
    cpu_rates: list[float] = []
    checked = 0
    ok = True
    for _ in range(runs):
        # Process time: on PostgreSQL verify fetches the next batch on a thread of its own.
        c = time.process_time()
        t = time.perf_counter()
        result = verify(svc.store)
        elapsed = time.perf_counter() - t
        rates.append(result.checked / elapsed)
        cpu_rates.append(result.checked / (time.process_time() - c))
        checked = result.checked
        ok = ok and result.ok
    r = Result(
        "audit_verify",
        f"Audit verify (services.audit.verify) over {checked:,} events: {runs} runs",
        "events/s",
        ">= 200,000 events/s (median), chain intact",
    )
    spread(r, rates)
    r.cpu_median = statistics.median(cpu_rates)
    r.samples = runs
    r.cpu_needs = ("cpu_median",)
    r.passed = at_least(r.median, 200_000) and ok
    r.cpu_passed = at_least(r.cpu_median, 200_000) and ok
    r.note = (
        f"chain {'intact' if ok else 'BROKEN'}; runs: "
        + ", ".join(f"{x:,.0f}" for x in rates)
        + " events/s; CPU: events per CPU second of the verifying process, all its threads (on "
        "PostgreSQL the server's share is not in it)"
    )
    r.extra = {"runs": rates, "cpu_runs": cpu_rates, "events": checked}
    return r


# -- the account check (revocation at once) -------------------------------------------------------
def measure_account_check(svc: Services, actor: Actor, runs: int) -> Result:
    """What reading the acting account in every service call adds: the same unit of work
    (one trivial statement, so both pay the connection and the transaction) with and without
    the check, interleaved. The check is a primary-key read of one row."""
    warm = 20
    r = Result(
        "account_check",
        f"Account check (revocation) on every service call: {runs} calls with it, {runs} "
        f"without, interleaved, after {warm} warm-up pairs",
        "ms",
        "<= 1 ms added per call (median with - median without)",
    )
    with_check: list[float] = []
    without: list[float] = []
    cpu: list[float] = []
    for i in range(runs + warm):
        t = time.perf_counter_ns()
        svc.store.read(lambda s: s.execute(text("SELECT 1")).scalar())
        bare = ms(time.perf_counter_ns() - t)
        c = time.thread_time_ns()
        t = time.perf_counter_ns()
        svc.store.read(lambda s: s.execute(text("SELECT 1")).scalar(), actor)
        checked = ms(time.perf_counter_ns() - t)
        checked_cpu = ms(time.thread_time_ns() - c)
        if i >= warm:
            without.append(bare)
            with_check.append(checked)
            cpu.append(checked_cpu)
    r.median, r.p95 = summarise(with_check)
    r.baseline = statistics.median(without)
    r.ratio = r.median / r.baseline if r.baseline else None
    r.cpu_median, r.cpu_p95 = summarise(cpu)
    r.samples = len(with_check)
    r.needs = ("median", "baseline")
    added = r.median - r.baseline
    r.passed = added <= 1.0
    r.note = (
        f"added per call: {added:.3f} ms (median with {r.median:.3f}, without "
        f"{r.baseline:.3f}); baseline: the same unit of work without the check"
    )
    r.extra = {"added_ms": added}
    return r
