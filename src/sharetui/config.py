"""Settings from the environment (SHARETUI_*), with defaults for a single workstation."""

from __future__ import annotations

import contextlib
import os
import socket
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from sharetui.domain.clock import Clock

APP_NAME = "sharetui"


def default_data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def default_database_url() -> str:
    return f"sqlite:///{default_data_dir() / 'sharetui.db'}"


def _int_env(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        return default
    return value if value > 0 else default


def terminal_id() -> str:
    """Which workstation wrote an audit event: SHARETUI_TERMINAL_ID, else the SSH client's
    address and port when the app runs for an SSH connection, else host and tty."""
    explicit = os.environ.get("SHARETUI_TERMINAL_ID", "").strip()
    if explicit:
        return explicit[:100]
    over_ssh = ssh_terminal_id(os.environ)
    if over_ssh:
        return over_ssh
    tty = ""
    with contextlib.suppress(OSError):
        tty = os.ttyname(0).removeprefix("/dev/")
    host = socket.gethostname()
    return f"{host}:{tty}"[:100] if tty else host[:100]


def ssh_terminal_id(environ: Mapping[str, str]) -> str:
    """'ssh:ADDRESS:PORT' of the connecting terminal, from what sshd sets (SSH_CONNECTION is
    'client-address client-port server-address server-port'; older servers set SSH_CLIENT).
    The port tells two connections from one machine apart; sshd sets these variables itself,
    and the deploy/ set-up accepts none from the client."""
    for name in ("SSH_CONNECTION", "SSH_CLIENT"):
        parts = environ.get(name, "").split()
        if len(parts) >= 2 and all(_plain(p) for p in parts[:2]):
            return f"ssh:{parts[0]}:{parts[1]}"[:100]
    return ""


def _plain(part: str) -> bool:
    """An address or port as sshd writes them: hex digits, dots and colons (IPv6)."""
    return bool(part) and all(c in "0123456789abcdefABCDEF.:%" for c in part)


@dataclass(frozen=True)
class Settings:
    database_url: str = field(default_factory=default_database_url)
    idle_lock_seconds: int = 300
    timezone: str = "Europe/London"
    terminal: str = field(default_factory=terminal_id)
    key_file: str = ""
    crash_dir: str = ""  # where crash reports go; empty: beside the default database
    # Supervisors and administrators always sign in with a second factor; practitioners
    # too where the site says so (SHARETUI_PRACTITIONER_SECOND_FACTOR=required).
    practitioner_second_factor: bool = False

    @property
    def clock(self) -> Clock:
        """The site's clock (see domain/clock.py); services pass their own source."""
        from sharetui.domain.clock import Clock

        return Clock(self.tz)

    @property
    def crash_path(self) -> Path:
        from sharetui.crash import default_crash_dir

        return Path(self.crash_dir) if self.crash_dir else default_crash_dir()

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @classmethod
    def from_env(cls, database_url: str | None = None) -> Settings:
        tz = os.environ.get("SHARETUI_TIMEZONE", "Europe/London").strip() or "Europe/London"
        try:
            ZoneInfo(tz)
        except Exception:  # noqa: BLE001 - a bad zone name falls back to the default
            tz = "Europe/London"
        return cls(
            database_url=database_url
            or os.environ.get("SHARETUI_DATABASE_URL", "").strip()
            or default_database_url(),
            idle_lock_seconds=_int_env("SHARETUI_IDLE_LOCK_SECONDS", 300),
            timezone=tz,
            key_file=os.environ.get("SHARETUI_KEY_FILE", "").strip(),
            practitioner_second_factor=os.environ.get("SHARETUI_PRACTITIONER_SECOND_FACTOR", "")
            .strip()
            .lower()
            in ("required", "yes", "1", "true"),
        )
