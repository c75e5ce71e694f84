"""The run's own facts (commit and whether the tree was dirty, the machine, the load
average) and its scratch databases: the measures that write (saves, writers, the app, the
import) never write into the database being measured."""

from __future__ import annotations

import contextlib
import os
import platform
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError

from measures.common import ROOT
from sharetui.services.facade import Services


def git(*args: str) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def source_state() -> dict[str, Any]:
    """The commit measured, and whether the working tree differed from it (changed or
    untracked files, git-ignored ones aside): a dirty tree's figures are not that commit's."""
    changed = [line for line in git("status", "--porcelain").splitlines() if line.strip()]
    return {
        "commit": git("rev-parse", "--short", "HEAD"),
        "commit_full": git("rev-parse", "HEAD"),
        "branch": git("rev-parse", "--abbrev-ref", "HEAD"),
        "dirty": bool(changed),
        "changed_files": [line[3:] for line in changed[:20]],
        "changed_count": len(changed),
    }


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def machine() -> dict[str, Any]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kib = int(Path("/proc/meminfo").read_text().split()[1])
    except OSError:
        mem_kib = 0
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu or platform.processor(),
        "ram_gib": round(mem_kib / 2**20, 1),
        "python": platform.python_version(),
        "os": platform.platform(),
    }


def database_facts(svc: Services) -> dict[str, Any]:
    facts: dict[str, Any] = {"backend": svc.store.engine.dialect.name}
    with svc.store.engine.connect() as conn:
        for table in (
            "person",
            "sharing_decision",
            "consent_event",
            "advice_request",
            "audit_event",
            "recipient_org",
            "recipient_contact",
        ):
            facts[table] = conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one()
        facts["advice_pending"] = conn.execute(
            text("SELECT COUNT(*) FROM advice_request WHERE status = 'pending'")
        ).scalar_one()
        if facts["backend"] == "sqlite":
            facts["version"] = conn.exec_driver_sql("select sqlite_version()").scalar_one()
        else:
            facts["version"] = conn.exec_driver_sql("show server_version").scalar_one()
    return facts


# -- scratch databases ----------------------------------------------------------------------------
def _admin(url: URL) -> Any:
    """A connection to the server's maintenance database, outside any transaction."""
    engine = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    return engine


class Scratch:
    """Databases made for this run and removed after it: a copy of the measured database
    (a file copy on SQLite; CREATE DATABASE ... TEMPLATE on PostgreSQL, which needs nobody
    connected to the measured database, so it is made before anything else opens it) and
    empty ones. Names carry this process's id."""

    def __init__(self, url: str) -> None:
        self.url = make_url(url)
        self.sqlite = self.url.get_backend_name() == "sqlite"
        self.folder = Path(tempfile.mkdtemp(prefix="sharetui-bench-"))
        self.made: list[str] = []  # PostgreSQL databases to drop
        self.seconds: dict[str, float] = {}

    def _name(self, what: str) -> str:
        return f"{self.url.database}_{what}_{os.getpid()}"[:63]

    def copy(self) -> str:
        """A copy of the measured database, as it is now."""
        started = time.perf_counter()
        if self.sqlite:
            source = Path(self.url.database or "")
            target = self.folder / "copy.db"
            shutil.copy(source, target)
            for suffix in ("-wal",):
                side = source.with_name(source.name + suffix)
                if side.exists():
                    shutil.copy(side, target.with_name(target.name + suffix))
            url = f"sqlite:///{target}"
            os.sync()  # the copy on disk now, not written back while the first rows are timed
        else:
            name = self._name("copy")
            engine = _admin(self.url)
            try:
                with engine.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
                    conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{self.url.database}"'))
                    # The copy's pages are written out now, not by the checkpointer while
                    # the first rows are timed (a superuser's right, or pg_checkpoint's).
                    with contextlib.suppress(DBAPIError):
                        conn.execute(text("CHECKPOINT"))
            except DBAPIError as exc:
                raise SystemExit(
                    f"Cannot copy {self.url.database} for the measures that write: "
                    f"{str(exc.orig).strip()} (PostgreSQL copies a database only while nobody "
                    f"else is connected to it)"
                ) from exc
            finally:
                engine.dispose()
            self.made.append(name)
            url = self.url.set(database=name).render_as_string(hide_password=False)
        self.seconds["copy"] = time.perf_counter() - started
        return url

    def empty(self, what: str) -> str:
        """A new, empty database (no tables yet)."""
        if self.sqlite:
            return f"sqlite:///{self.folder / (what + '.db')}"
        name = self._name(what)
        engine = _admin(self.url)
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
        self.made.append(name)
        return self.url.set(database=name).render_as_string(hide_password=False)

    def drop(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
        if self.made:
            engine = _admin(self.url)
            with engine.connect() as conn:
                for name in self.made:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            engine.dispose()
            self.made = []
