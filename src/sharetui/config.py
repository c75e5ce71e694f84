"""Settings from the environment (SHARETUI_*), with defaults for a single workstation.

Read and checked here without pydantic: importing pydantic and building its models cost about
a third of the app's cold start, before the sign-in screen could show. The settings are a
handful of strings, numbers and switches; each has its check below."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import socket
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sharetui.domain.errors import ShareError

if TYPE_CHECKING:
    from sharetui.domain.clock import Clock

APP_NAME = "sharetui"


def default_data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def default_database_url() -> str:
    return f"sqlite:///{default_data_dir() / 'sharetui.db'}"


def default_key_file() -> Path:
    """Where the site key is made on first use when SHARETUI_KEY_FILE is not set: the user's
    configuration folder (on Linux ~/.config/sharetui/site.key), so that it is not in the
    data folder beside the database, nor in a copy of that folder."""
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME, appauthor=False)) / "site.key"


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


class SettingsInvalid(ShareError):
    """A SHARETUI_* variable holds a value the app cannot use. Start-up stops with one line
    naming the variable, its value and what is allowed: a kiosk that silently ignored its lock
    setting would be left unlocked."""


IDLE_LOCK_MIN = 15
IDLE_LOCK_MAX = 3600

DEFAULT_TIMEZONE = "Europe/London"
DEFAULT_BANK_HOLIDAYS = "england-and-wales"

# What each checked setting allows, as the one line that stops start-up says it.
_ALLOWED = {
    "bank_holidays": "england-and-wales, scotland or northern-ireland",
    "receipt_days": "kinds with working days to chase/overdue, such as "
    "urgent=1/2,share=3/5,cp_transfer=5/5",
    "practitioner_second_factor": "required or optional",
    "idle_lock_seconds": f"a whole number of seconds from {IDLE_LOCK_MIN} to {IDLE_LOCK_MAX}",
    "timezone": "an IANA time zone name such as Europe/London",
    "plain": "1 for plain SQLite (new databases not encrypted), or 0",
}

_TRUE = frozenset({"1", "on", "t", "true", "y", "yes"})
_FALSE = frozenset({"0", "off", "f", "false", "n", "no"})


class _Bad(ValueError):
    """One setting's value is not allowed; the caller names it (the variable or the field)."""

    def __init__(self, name: str, value: object, allowed: str = "") -> None:
        super().__init__(name)
        self.name = name
        self.value = value
        self.allowed = allowed or _ALLOWED.get(name, "text")

    def line(self, variable: bool = False) -> str:
        """'SHARETUI_NAME=value is not allowed: use ...' (the environment) or 'name=...'."""
        name = f"SHARETUI_{self.name.upper()}" if variable else self.name
        return f"{name}={self.value!r} is not allowed: use {self.allowed}"


def _whole_seconds(value: object) -> int:
    """A number of seconds: an int, or its digits as text (surrounding spaces allowed)."""
    if isinstance(value, bool):
        raise _Bad("idle_lock_seconds", value)
    if isinstance(value, int):
        seconds = value
    elif isinstance(value, str):
        try:
            seconds = int(value.strip())
        except ValueError:
            raise _Bad("idle_lock_seconds", value) from None
    else:
        raise _Bad("idle_lock_seconds", value)
    if not IDLE_LOCK_MIN <= seconds <= IDLE_LOCK_MAX:
        raise _Bad("idle_lock_seconds", value)
    return seconds


def _switch(name: str, allowed: str = "") -> Callable[[object], bool]:
    def check(value: object) -> bool:
        """A switch: a bool, or 1/0, true/false, yes/no, on/off as text."""
        if isinstance(value, bool):
            return value
        if isinstance(value, str):
            word = value.strip().lower()
            if word in _TRUE:
                return True
            if word in _FALSE:
                return False
        raise _Bad(name, value, allowed)

    return check


def _text(name: str) -> Callable[[object], str]:
    def check(value: object) -> str:
        if not isinstance(value, str):
            raise _Bad(name, value)
        return value

    return check


def _valid_zone(value: object) -> str:
    if not isinstance(value, str):
        raise _Bad("timezone", value)
    name = value.strip()
    try:
        ZoneInfo(name)
    except Exception:  # noqa: BLE001 - ZoneInfo raises several kinds for bad names
        raise _Bad("timezone", value) from None
    return name


def _valid_region(value: object) -> str:
    """The nation whose bank holidays working days skip (domain/calendar.py). The default
    needs no check, which keeps the calendar out of the start-up imports."""
    if value == DEFAULT_BANK_HOLIDAYS:
        return DEFAULT_BANK_HOLIDAYS
    if not isinstance(value, str):
        raise _Bad("bank_holidays", value)
    from sharetui.domain.calendar import BankHolidayRegion

    try:
        return BankHolidayRegion.parse(value).value
    except ValueError:
        raise _Bad("bank_holidays", value) from None


def _valid_receipt_days(value: object) -> str:
    """'urgent=1/2,share=3/5,cp_transfer=5/5': every part names a kind and its days. Empty
    (the default: every kind keeps its own days) needs no check."""
    if not isinstance(value, str):
        raise _Bad("receipt_days", value)
    if not value.strip():
        return ""
    from sharetui.domain.after_share import strict_receipt_days

    try:
        strict_receipt_days(value)
    except ValueError:
        raise _Bad("receipt_days", value) from None
    return value.strip()


# Each field's check: it returns the value to keep or raises _Bad naming the field.
_CHECKS: dict[str, Callable[[Any], Any]] = {
    "database_url": _text("database_url"),
    "idle_lock_seconds": _whole_seconds,
    "timezone": _valid_zone,
    "terminal": _text("terminal"),
    "key_file": _text("key_file"),
    "default_key_file": _text("default_key_file"),
    "plain": _switch("plain"),
    "crash_dir": _text("crash_dir"),
    "bank_holidays": _valid_region,
    "receipt_days": _valid_receipt_days,
    "practitioner_second_factor": _switch("practitioner_second_factor", "True or False"),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    """Everything the app reads from its surroundings, typed and validated once.

    Built directly (tests, commands that know their database) or from the environment with
    `from_env`, where every SHARETUI_* variable is checked and a bad one stops start-up. A bad
    value given in code raises SettingsInvalid too, naming the field."""

    database_url: str = field(default_factory=default_database_url)
    idle_lock_seconds: int = 300
    timezone: str = DEFAULT_TIMEZONE
    terminal: str = field(default_factory=terminal_id)
    key_file: str = ""  # the site key in force (SHARETUI_KEY_FILE, or settled: store/encryption.py)
    # Encrypted by default: a new SQLite database is encrypted under the key at this path, made
    # on first use, unless key_file names another. Empty (settings built in code, as the tests
    # do): no default key, so a new database is plain.
    default_key_file: str = ""
    plain: bool = False  # SHARETUI_PLAIN / --plain: make new SQLite databases plain, by choice
    crash_dir: str = ""  # where crash reports go; empty: beside the default database
    bank_holidays: str = DEFAULT_BANK_HOLIDAYS  # or scotland, northern-ireland
    receipt_days: str = ""  # per kind: 'urgent=1/2,share=3/5,cp_transfer=5/5'
    # Supervisors and administrators always sign in with a second factor; practitioners
    # too where the site says so (SHARETUI_PRACTITIONER_SECOND_FACTOR=required).
    practitioner_second_factor: bool = False

    def __post_init__(self) -> None:
        for name, check in _CHECKS.items():
            try:
                kept = check(getattr(self, name))
            except _Bad as bad:
                raise SettingsInvalid(bad.line()) from None
            object.__setattr__(self, name, kept)  # frozen: the checked form is the one kept

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

    def replace(self, **changes: Any) -> Settings:
        """A copy with some values changed, validated like the original."""
        return dataclasses.replace(self, **changes)

    @classmethod
    def from_env(cls, database_url: str | None = None) -> Settings:
        """Settings from SHARETUI_* variables; raises SettingsInvalid naming the first bad one.
        Unknown SHARETUI_* names are ignored so that older wrappers keep working; known ones
        must hold valid values. Names are matched without regard to case."""
        env = {
            key.lower().removeprefix("sharetui_"): value
            for key, value in os.environ.items()
            if key.lower().startswith("sharetui_")
        }
        try:
            second_factor = env.get("practitioner_second_factor", "")
            if second_factor not in ("required", "optional", ""):
                raise _Bad("practitioner_second_factor", second_factor)
            return cls(
                database_url=(
                    database_url or env.get("database_url", "").strip() or default_database_url()
                ),
                idle_lock_seconds=_whole_seconds(env.get("idle_lock_seconds", 300)),
                timezone=_valid_zone(env.get("timezone", DEFAULT_TIMEZONE)),
                terminal=terminal_id(),
                key_file=env.get("key_file", "").strip(),
                bank_holidays=_valid_region(env.get("bank_holidays", DEFAULT_BANK_HOLIDAYS)),
                receipt_days=_valid_receipt_days(env.get("receipt_days", "")),
                default_key_file=str(default_key_file()),
                plain=_switch("plain")(env.get("plain", False)),
                practitioner_second_factor=second_factor == "required",
            )
        except _Bad as bad:
            raise SettingsInvalid(bad.line(variable=True)) from None
