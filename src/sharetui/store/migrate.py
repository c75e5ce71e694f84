"""Brings a database to the current schema, and refuses one newer than this app.

Alembic is imported only when a schema is to change or be checked against the scripts:
opening a database already at SCHEMA_HEAD, as every terminal does every day, reads the
recorded revision with one plain query. Loading Alembic (with Mako and Pygments, which its
script templates pull in) held about 13 MiB in every terminal for the whole day."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

from sharetui.domain.errors import ShareError

if TYPE_CHECKING:
    from alembic.config import Config

# The newest script in schema/versions; test_migrations checks that it is, so a new
# migration cannot be skipped by the fast path below.
SCHEMA_HEAD = "0010"


class SchemaTooNew(ShareError):
    """The database was written by a newer sharetui."""


def schema_dir() -> Path:
    """schema/ beside src/ in a checkout, or sharetui/_schema inside an installed wheel."""
    here = Path(__file__).resolve()
    for candidate in (here.parents[3] / "schema", here.parents[1] / "_schema"):
        if (candidate / "env.py").exists():
            return candidate
    raise FileNotFoundError("the schema migrations are missing from this installation")


def alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(schema_dir()))
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head() or ""


def current_revision(engine: Engine) -> str | None:
    """The revision the database records, None for a database without sharetui's schema."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        found = list(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())
    if len(found) > 1:  # branches: Alembic's own reading says what is wrong
        from alembic.runtime.migration import MigrationContext

        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    return found[0] if found else None


def check_not_newer(engine: Engine) -> None:
    current = current_revision(engine)
    if current is None or current == SCHEMA_HEAD:
        return
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    try:
        script.get_revision(current)
    except Exception as exc:  # noqa: BLE001 - alembic raises several kinds here
        raise SchemaTooNew(
            f"This database was written by a newer version of sharetui (schema {current}); "
            "install that version or newer to open it"
        ) from exc


def upgrade(engine: Engine, progress: Callable[[int, int], None] | None = None) -> str:
    """Upgrade to head inside one transaction; returns the new revision. A migration that
    rewrites every person (0002's search keys) reports progress(done, total) as it goes."""
    if current_revision(engine) == SCHEMA_HEAD:
        return SCHEMA_HEAD
    check_not_newer(engine)
    from alembic import command

    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        cfg.attributes["progress"] = progress
        command.upgrade(cfg, "head")
    return head_revision()
