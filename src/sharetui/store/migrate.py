"""Brings a database to the current schema, and refuses one newer than this app."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from sharetui.domain.errors import ShareError


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
    cfg = Config()
    cfg.set_main_option("script_location", str(schema_dir()))
    return cfg


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head() or ""


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def check_not_newer(engine: Engine) -> None:
    current = current_revision(engine)
    if current is None:
        return
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
    check_not_newer(engine)
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        cfg.attributes["progress"] = progress
        command.upgrade(cfg, "head")
    return head_revision()
