"""Terminals writing to one SQLite file take turns through a lock file beside it.

SQLite lets one writer in at a time and makes the others wait in its busy handler, which
sleeps 1, 2, 5, 10 ... up to 100 ms between tries, so after each commit the file can sit idle
until a sleeper wakes. Taking turns through an exclusive flock, tried every 0.2 to 1 ms, keeps
the file busy instead: with 8 writer processes on 2 cores it saved two to three times as many
decisions a second and cut the median save from about 25 ms to 7 ms (benchmarks/README.md).

Reads never take a turn, and PostgreSQL needs none. A writer that cannot get a turn within
the busy timeout, or cannot open the lock file, goes ahead anyway and lets SQLite decide, so
a stuck terminal can slow the others but never stop them for good.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine

try:
    import fcntl
except ImportError:  # pragma: no cover - not on this platform's terminals
    fcntl = None  # type: ignore[assignment]  # no fcntl here: the module stands in as None

FIRST_TRY_S = 0.0002
LONGEST_PAUSE_S = 0.001


class WriteTurns:
    """One per Store. Threads of a process queue on a lock; processes on the lock file."""

    def __init__(self, lock_path: str | None, timeout_s: float) -> None:
        self.lock_path = lock_path if fcntl is not None else None
        self.timeout_s = timeout_s
        self._threads = threading.RLock()
        self._fd: int | None = None
        self._held = 0

    @classmethod
    def for_engine(cls, engine: Engine, timeout_s: float) -> WriteTurns:
        database = engine.url.database or ""
        on_file = engine.dialect.name == "sqlite" and database not in ("", ":memory:")
        return cls(f"{database}-writers" if on_file else None, timeout_s)

    @contextmanager
    def turn(self) -> Iterator[None]:
        """Hold the turn for one write transaction (re-entrant within a thread)."""
        if self.lock_path is None:
            yield
            return
        deadline = time.monotonic() + self.timeout_s
        if not self._threads.acquire(timeout=self.timeout_s):
            yield  # another thread of this process is stuck: let SQLite arbitrate
            return
        try:
            locked = self._held > 0 or self._lock(deadline)
            self._held += locked
            try:
                yield
            finally:
                self._held -= locked
                if locked and self._held == 0 and self._fd is not None:
                    fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            self._threads.release()

    def _lock(self, deadline: float) -> bool:
        if self._fd is None:
            if self.lock_path is None:  # never: only called while a lock file is in use
                return False
            try:
                self._fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o660)
            except OSError:
                self.lock_path = None  # e.g. a read-only folder: SQLite alone decides
                return False
        pause = FIRST_TRY_S
        while True:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    return False
                time.sleep(pause)
                pause = min(pause * 2, LONGEST_PAUSE_S)

    def close(self) -> None:
        with self._threads:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None
