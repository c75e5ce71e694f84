"""New, empty PostgreSQL databases for tests that need a whole database of their own (a copy
target, a restore target, the server of the SSH set-up), dropped afterwards."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text

from tests.conftest import _pg_admin_engine, _pg_url

_numbers = itertools.count(1)


@contextmanager
def fresh_pg_database(tag: str) -> Iterator[str]:
    """Yield the URL (postgresql://, as a site writes it) of a new empty database."""
    name = f"sharetui_{tag}_{os.getpid()}_{next(_numbers)}"
    admin = _pg_admin_engine()
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield _pg_url(name).replace("postgresql+psycopg://", "postgresql://")
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
