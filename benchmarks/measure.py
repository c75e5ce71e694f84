"""Measures sharetui against the speed goals on the scale database, prints one table and
writes it as JSON (benchmarks/out/results.json, and results-<backend>.json beside it).

    .venv/bin/python benchmarks/measure.py                       # benchmarks/out/scale.db
    .venv/bin/python benchmarks/measure.py --database postgresql+psycopg://root@127.0.0.1:5432/sharetui_bench
    .venv/bin/python benchmarks/measure.py --only search,save --previous benchmarks/out/before.json

Every figure goes through the services as the app calls them (sign-in, role checks,
validation, audit events), on the database generate.py built, or through the app itself run
headless. The measures that write (saves, the writers, the app, cold start, the import) run
on a scratch copy or a scratch database made for the run and removed after it, so the
database being measured is only read (reads leave their audit events, as in the app). Each
row's title says what was timed, with the parameters used; benchmarks/README.md says from
which event to which. A row whose figure is missing is a failure, and the exit status is 1.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import traceback
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from sqlalchemy.engine import make_url

from measures import app as app_measures
from measures import newer, services, terminals, writers
from measures.common import (
    OUT,
    Result,
    ensure_factors,
    failed,
    finalise,
    open_services,
    sample_people,
    sign_in,
    special_person_id,
)
from measures.report import markdown, render
from measures.run import Scratch, database_facts, load_average, machine, source_state
from sharetui.store.engine import normalise_url

DEFAULT_DATABASE = OUT / "scale.db"

ALL = (
    "search",
    "search_misspelt",
    "similar_count",
    "open",
    "open_app",
    "queue",
    "save",
    "writers",
    "verify",
    "cold_start",
    "memory",
    "keystrokes",
    "account_check",
    "register",
    "retention_due",
    "retention_queue",
    "import",
    "terminals",
)
MEASURES = """measures (--only), each a row unless said (benchmarks/README.md says exactly what
each times, from which event to which):
  search           people.find, the exact group, queries built from real people
  search_misspelt  people.search with every query misspelt: exact then similar names
  similar_count    how many similar names are listed for common names (reported)
  open             opening a person through the services (open, consent, timeline page)
  open_app         two rows: the app opening a person, to the frame painted; then the
                   timeline tab, from the t key to the frame painted
  queue            the advice queue's first page
  save             one terminal saving decisions (on the scratch copy)
  writers          8 processes saving at once, 3 runs (on the scratch copy)
  verify           audit verify over the whole chain, 3 runs
  cold_start       the app's cold start against a bare Textual app (on the scratch copy)
  memory           peak memory visiting every screen (on the scratch copy)
  keystrokes       the typical call's keys, driven once on a fresh database
  account_check    what the account (revocation) check adds to a service call
  register         the recipient register searched key by key as in the decision flow
  retention_due    the count of records due for review (a governance lead's home screen)
  retention_queue  the retention review queue
  import           importing people into an empty scratch database (people per second)
  terminals        32 terminal processes doing the concurrency proof's mixed work at once:
                   p95 per action, errors reaching a user (PostgreSQL only; on the copy)
"""


class Help(argparse.ArgumentDefaultsHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Defaults shown, and the list of measures kept as written."""


ON_THE_COPY = {"open_app", "save", "writers", "cold_start", "memory", "terminals"}
POSTGRESQL_ONLY = {"terminals"}


def arguments() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description="Measures sharetui against its speed goals on the scale database: prints\n"
        "one table and writes it as JSON and Markdown (benchmarks/out/results.*).",
        epilog=MEASURES,
        formatter_class=Help,
    )
    parser.add_argument(
        "--database", default=str(DEFAULT_DATABASE), help="a SQLite file path or a SQLAlchemy URL"
    )
    parser.add_argument(
        "--only",
        default="all",
        help="comma-separated measures to run (listed below)",
    )
    parser.add_argument("--queries", type=int, default=200, help="person search queries")
    parser.add_argument("--passes", type=int, default=3, help="timed passes over the queries")
    parser.add_argument("--runs", type=int, default=50, help="timed runs: open, advice queue")
    parser.add_argument("--saves", type=int, default=200, help="decisions saved, one terminal")
    parser.add_argument("--writer-saves", type=int, default=400, help="saves per writer")
    parser.add_argument("--writer-runs", type=int, default=3, help="runs of the 8 writers")
    parser.add_argument("--verify-runs", type=int, default=3, help="runs of audit verify")
    parser.add_argument("--start-runs", type=int, default=7, help="cold start pairs")
    parser.add_argument("--ui-runs", type=int, default=20, help="openings timed in the app")
    parser.add_argument(
        "--account-runs", type=int, default=1000, help="calls with and without the check"
    )
    parser.add_argument("--register-keys", type=int, default=200, help="register searches")
    parser.add_argument("--retention-runs", type=int, default=10, help="retention reads")
    parser.add_argument("--import-pupils", type=int, default=2000, help="pupils in the file")
    parser.add_argument("--import-contacts", type=int, default=3000, help="their contacts")
    parser.add_argument(
        "--terminal-ops", type=int, default=30, help="actions per terminal (32 terminals)"
    )
    parser.add_argument("--label", default="", help="stored in the JSON, e.g. 'before'")
    parser.add_argument("--previous", help="a results JSON to show beside this run")
    parser.add_argument("--out", default=str(OUT / "results.json"), help="the JSON written")
    return parser


class Run:
    """One run: the measured database, the scratch copy, and who acts."""

    def __init__(self, args: argparse.Namespace, url: str, wanted: list[str]) -> None:
        self.args = args
        self.url = url
        self.scratch = Scratch(url)
        # PostgreSQL copies from a template nobody is connected to: before anything opens it
        on_copy = ON_THE_COPY & set(wanted)
        if self.scratch.sqlite:
            on_copy -= POSTGRESQL_ONLY  # printed as not applicable, without a copy
        self.copy_url = self.scratch.copy() if on_copy else None
        self.where = "on a scratch copy of the database"
        self.svc = open_services(url, "bench-desk")
        self.copy = open_services(self.copy_url, "bench-copy") if self.copy_url else None
        if self.copy is not None:
            ensure_factors(self.copy)  # supervisors sign in to the app with a known secret
        self.special = special_person_id(self.svc)
        self.practitioner = sign_in(self.svc, "pat")
        self.supervisor = sign_in(self.svc, "sam")
        self.rng = random.Random(200)

    def close(self) -> None:
        self.svc.close()
        if self.copy is not None:
            self.copy.close()
        self.scratch.drop()

    def measure(self, key: str) -> list[Result]:
        a, svc, copy = self.args, self.svc, self.copy
        if key == "search":
            people = sample_people(svc, a.queries, self.rng, self.special)
            queries = services.search_queries(people, self.rng)
            return [services.measure_search(svc, self.practitioner, queries, a.passes)]
        if key == "search_misspelt":
            people = sample_people(svc, a.queries * 6, self.rng, self.special)
            queries = services.misspelt_queries(people, self.rng, a.queries)
            return [services.measure_misspelt(svc, self.practitioner, queries, a.passes)]
        if key == "similar_count":
            return [services.measure_similar_count(svc, self.practitioner, a.queries, self.rng)]
        if key == "open":
            return [services.measure_open(svc, self.practitioner, self.special, a.runs)]
        if key == "queue":
            return [services.measure_queue(svc, self.supervisor, a.runs)]
        if key == "verify":
            return [services.measure_verify(svc, a.verify_runs)]
        if key == "account_check":
            return [services.measure_account_check(svc, self.practitioner, a.account_runs)]
        if key == "register":
            return [newer.measure_register(svc, self.practitioner, a.register_keys, a.passes)]
        if key in ("retention_due", "retention_queue"):
            queue = key == "retention_queue"
            return [newer.measure_retention(svc, self.supervisor, a.retention_runs, queue=queue)]
        if key == "import":
            where = "an empty scratch database"
            url = self.scratch.empty("import")
            return [
                newer.measure_import(
                    url, self.scratch.folder, a.import_pupils, a.import_contacts, where
                )
            ]
        if key == "keystrokes":
            return [app_measures.measure_keystrokes()]
        if key == "terminals" and self.scratch.sqlite:
            return [terminals.not_applicable(a.terminal_ops, self.where)]
        assert copy is not None and self.copy_url is not None
        if key == "save":
            pat = sign_in(copy, "pat")
            return [services.measure_save(copy, pat, a.saves, self.special)]
        if key == "writers":
            return [
                writers.measure_writers(
                    self.copy_url, copy, a.writer_saves, self.special, a.writer_runs, self.where
                )
            ]
        if key == "terminals":
            return [
                terminals.measure_terminals(
                    self.copy_url, copy, a.terminal_ops, self.special, self.where
                )
            ]
        if key == "open_app":
            entries = services.timeline_size(svc, self.practitioner, self.special)
            return list(
                app_measures.measure_person_painted(
                    self.copy_url, self.special, entries, a.ui_runs, self.where
                )
            )
        if key == "cold_start":
            return [app_measures.measure_cold_start(self.copy_url, a.start_runs)]
        if key == "memory":
            return [app_measures.measure_memory(self.copy_url, copy, self.special, self.where)]
        raise ValueError(key)


def main(argv: list[str] | None = None) -> int:
    parser = arguments()
    args = parser.parse_args(argv)
    wanted = [w.strip() for w in args.only.split(",") if w.strip()]
    if wanted == ["all"]:
        wanted = list(ALL)
    unknown = [w for w in wanted if w not in ALL]
    if unknown:
        parser.error(f"unknown measure(s): {', '.join(unknown)}; choose from {', '.join(ALL)}")
    url = normalise_url(args.database)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and not Path(parsed.database or "").exists():
        parser.error(f"{parsed.database} does not exist: build it with benchmarks/generate.py")
    previous = json.loads(Path(args.previous).read_text()) if args.previous else None
    console = Console(width=None if sys.stdout.isatty() else 240)
    started_at = datetime.now(UTC).isoformat(timespec="seconds")
    load_start = load_average()
    source = source_state()
    run = Run(args, url, wanted)
    results: list[Result] = []
    try:
        facts = database_facts(run.svc)
        for key in ALL:
            if key not in wanted:
                continue
            console.print(f"measuring {key}...", style="dim")
            try:
                results += run.measure(key)
            except Exception as exc:  # noqa: BLE001 - a measure that fails is a row that fails
                last = traceback.format_exception_only(exc)[-1].strip()
                results.append(failed(key, f"{key} (did not finish)", "-", "-", last[:300]))
                traceback.print_exc()
    finally:
        run.close()
    results = [finalise(r) for r in results]
    report: dict[str, Any] = {
        "measured_at": started_at,
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "label": args.label,
        "commit": source["commit"],
        "source": source,
        "load_average": {"start": load_start, "end": load_average()},
        "machine": machine(),
        "database": {"url": parsed.render_as_string(hide_password=True), **facts},
        "scratch_copy_seconds": run.scratch.seconds.get("copy"),
        "parameters": vars(args),
        "results": [asdict(r) for r in results],
    }
    render(report, previous, console)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, default=str) + "\n")
    backend_copy = out.with_name(f"{out.stem}-{facts['backend']}{out.suffix}")
    backend_copy.write_text(out.read_text())
    out.with_suffix(".md").write_text(markdown(report))
    console.print(f"written {out} and {backend_copy.name}", markup=False)
    broken = [r.key for r in results if r.note.startswith("FAILED")]
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
