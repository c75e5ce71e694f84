"""Settings from the environment (SHARETUI_*), with defaults for a single workstation."""

from __future__ import annotations

import contextlib
import os
import socket
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal
from zoneinfo import ZoneInfo

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

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


def _valid_zone(name: str) -> str:
    name = name.strip()
    try:
        ZoneInfo(name)
    except Exception as exc:  # noqa: BLE001 - ZoneInfo raises several kinds for bad names
        raise ValueError("an IANA time zone name such as Europe/London") from exc
    return name


Zone = Annotated[str, AfterValidator(_valid_zone)]


def _valid_region(name: str) -> str:
    """The nation whose bank holidays working days skip (domain/calendar.py)."""
    from sharetui.domain.calendar import BankHolidayRegion

    try:
        return BankHolidayRegion.parse(name).value
    except ValueError as exc:
        raise ValueError("england-and-wales, scotland or northern-ireland") from exc


def _valid_receipt_days(text: str) -> str:
    """'urgent=1/2,share=3/5,cp_transfer=5/5': every part names a kind and its days."""
    if not text.strip():
        return ""  # the defaults: nothing to check, and nothing to import before the first screen
    from sharetui.domain.after_share import strict_receipt_days

    strict_receipt_days(text)
    return text.strip()


Region = Annotated[str, AfterValidator(_valid_region)]
ReceiptDays = Annotated[str, AfterValidator(_valid_receipt_days)]


class Settings(BaseModel):
    """Everything the app reads from its surroundings, typed and validated once.

    Built directly (tests, commands that know their database) or from the environment with
    `from_env`, where every SHARETUI_* variable is checked and a bad one stops start-up."""

    model_config = ConfigDict(frozen=True)

    database_url: str = Field(default_factory=default_database_url)
    idle_lock_seconds: int = Field(default=300, ge=IDLE_LOCK_MIN, le=IDLE_LOCK_MAX)
    timezone: Zone = "Europe/London"
    terminal: str = Field(default_factory=terminal_id)
    key_file: str = ""  # the site key in force (SHARETUI_KEY_FILE, or settled: store/encryption.py)
    # Encrypted by default: a new SQLite database is encrypted under the key at this path, made
    # on first use, unless key_file names another. Empty (settings built in code, as the tests
    # do): no default key, so a new database is plain.
    default_key_file: str = ""
    plain: bool = False  # SHARETUI_PLAIN / --plain: make new SQLite databases plain, by choice
    crash_dir: str = ""  # where crash reports go; empty: beside the default database
    bank_holidays: Region = "england-and-wales"  # or scotland, northern-ireland
    receipt_days: ReceiptDays = ""  # per kind: 'urgent=1/2,share=3/5,cp_transfer=5/5'
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

    def replace(self, **changes: object) -> Settings:
        """A copy with some values changed, validated like the original."""
        return Settings.model_validate({**self.model_dump(), **changes})

    @classmethod
    def from_env(cls, database_url: str | None = None) -> Settings:
        """Settings from SHARETUI_* variables; raises SettingsInvalid naming the first bad one."""
        try:
            env = _Environment()
        except ValidationError as exc:
            raise SettingsInvalid(_first_problem(exc)) from None
        return cls(
            database_url=database_url or env.database_url.strip() or default_database_url(),
            idle_lock_seconds=env.idle_lock_seconds,
            timezone=env.timezone,
            terminal=terminal_id(),
            key_file=env.key_file.strip(),
            bank_holidays=env.bank_holidays,
            receipt_days=env.receipt_days,
            default_key_file=str(default_key_file()),
            plain=env.plain,
            practitioner_second_factor=env.practitioner_second_factor == "required",
        )


class _Environment(BaseSettings):
    """The variables a site sets (see README, "Settings"). Unknown SHARETUI_* names are ignored
    so that older wrappers keep working; known ones must hold valid values."""

    model_config = SettingsConfigDict(env_prefix="SHARETUI_", extra="ignore", frozen=True)

    database_url: str = ""
    idle_lock_seconds: int = Field(default=300, ge=IDLE_LOCK_MIN, le=IDLE_LOCK_MAX)
    timezone: Zone = "Europe/London"
    key_file: str = ""
    bank_holidays: Region = "england-and-wales"
    receipt_days: ReceiptDays = ""
    plain: bool = False
    practitioner_second_factor: Literal["required", "optional", ""] = ""


_ALLOWED = {
    "bank_holidays": "england-and-wales, scotland or northern-ireland",
    "receipt_days": "kinds with working days to chase/overdue, such as "
    "urgent=1/2,share=3/5,cp_transfer=5/5",
    "practitioner_second_factor": "required or optional",
    "idle_lock_seconds": f"a whole number of seconds from {IDLE_LOCK_MIN} to {IDLE_LOCK_MAX}",
    "timezone": "an IANA time zone name such as Europe/London",
    "plain": "1 for plain SQLite (new databases not encrypted), or 0",
}


def _first_problem(exc: ValidationError) -> str:
    error = exc.errors()[0]
    name = str(error["loc"][0]) if error["loc"] else "?"
    value = error.get("input")
    shown = value if isinstance(value, str) else repr(value)
    allowed = _ALLOWED.get(name, error["msg"])
    return f"SHARETUI_{name.upper()}={shown!r} is not allowed: use {allowed}"
