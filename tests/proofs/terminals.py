"""Starting the concurrency proof's terminals (tests/proofs/terminal_worker.py) as processes,
all at once: each connects and signs in, says "ready", waits for "go", works, and reports one
JSON line. The proof (test_concurrent_terminals.py) and the benchmark of 32 terminals
(benchmarks/measures/terminals.py) start them the same way, with this."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def run_terminals(
    url: str,
    count: int,
    ops: int,
    seed: int,
    people: list[int],
    linked: list[int],
    *,
    timeout: float,
    on_start: Callable[[], None] | None = None,
) -> list[dict[str, Any]]:
    """Run count terminals of ops actions each; on_start runs once all are signed in, just
    before they are told to go. A terminal that fails to start or stops is an error."""
    paths = [str(ROOT), os.environ.get("PYTHONPATH", "")]  # the worker lives in tests/proofs
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in paths if p)}
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.proofs.terminal_worker",
                url,
                str(worker),
                str(ops),
                str(seed),
                ",".join(map(str, people)),
                ",".join(map(str, linked)),
            ],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for worker in range(count)
    ]
    try:
        for p in procs:  # every terminal connected and signed in before any starts work
            assert p.stdout is not None and p.stderr is not None
            line = p.stdout.readline().strip()
            if line != "ready":
                raise RuntimeError(f"a terminal did not start: {p.stderr.read()[-500:]}")
        if on_start is not None:
            on_start()
        for p in procs:
            assert p.stdin is not None
            p.stdin.write("go\n")
            p.stdin.flush()
        reports = []
        for p in procs:
            out, err = p.communicate(timeout=timeout)
            if p.returncode != 0:
                raise RuntimeError(f"a terminal stopped: {err[-500:]}")
            reports.append(json.loads(out.strip().splitlines()[-1]))
        return reports
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
