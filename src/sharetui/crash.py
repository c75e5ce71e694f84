"""Crash reports: what an administrator needs to find a fault, and nothing about a person.

A traceback with local variables can hold a name, a date of birth or a passphrase typed a
moment before, and on a shared screen anyone walking past reads it. A report therefore holds
the exception's type, the first line of its message, and the stack as file:line:function for
it and each exception it was raised from; never local values, source lines or SQL parameters.
It is written to a file only the kiosk account can read (0600, in a 0700 folder).
"""

from __future__ import annotations

import os
import platform
import traceback
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from sharetui import __version__

MESSAGE_LIMIT = 200
CRASH_FOLDER = "crash-reports"


def default_crash_dir() -> Path:
    """Beside the default database, in the platform's user data folder."""
    from sharetui.config import default_data_dir

    return default_data_dir() / CRASH_FOLDER


def first_line(exc: BaseException) -> str:
    """The first line of the message, cut short. For a database error, the driver's own
    first line: SQLAlchemy appends the statement and its parameters, which may hold names,
    and PostgreSQL puts the offending values on a DETAIL line."""
    source: BaseException = exc
    orig = getattr(exc, "orig", None)
    if type(exc).__module__.startswith("sqlalchemy") and isinstance(orig, BaseException):
        source = orig
    text = str(source).strip().splitlines()
    line = text[0] if text else ""
    return line[:MESSAGE_LIMIT]


def _chain(exc: BaseException) -> list[BaseException]:
    """The exception and those it was raised from or during, outermost last (as Python
    prints them), each once."""
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return list(reversed(seen))


def frames(exc: BaseException) -> list[str]:
    """file:line:function for each frame, innermost last."""
    return [f"{f.filename}:{f.lineno}:{f.name}" for f in traceback.extract_tb(exc.__traceback__)]


def report_text(exc: BaseException, *, context: Iterable[str] = ()) -> str:
    """The whole report as text; see the module docstring for what it leaves out."""
    lines = [
        "sharetui crash report",
        f"time (UTC): {datetime.now(UTC).isoformat(timespec='seconds')}",
        f"sharetui {__version__}, Python {platform.python_version()}, {platform.platform()}",
        *context,
        "",
    ]
    for i, item in enumerate(_chain(exc)):
        if i:
            lines.append("which led to:")
        lines.append(f"{type(item).__module__}.{type(item).__qualname__}: {first_line(item)}")
        lines.extend(f"  {frame}" for frame in frames(item))
        lines.append("")
    return "\n".join(lines)


def write_report(
    exc: BaseException, directory: Path | None = None, *, context: Iterable[str] = ()
) -> Path:
    """Write a new report (never overwriting one) readable by the owner only; its path."""
    folder = directory or default_crash_dir()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    text = report_text(exc, context=context)
    for n in range(1000):
        path = folder / f"crash-{stamp}-{os.getpid()}-{n}.txt"
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            continue
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(path, 0o600)  # whatever the umask
        return path
    raise FileExistsError(f"no free crash report name in {folder}")


def plain_message(report: Path | None, drafts: str) -> str:
    """What the person at the screen reads after a crash: no traceback, what to do."""
    where = (
        f"A report for your administrator was saved in {report}."
        if report is not None
        else "No report could be written."
    )
    return (
        "sharetui stopped after an unexpected error.\n"
        f"{drafts}\n{where}\n"
        "Start sharetui again to carry on; if it happens again, tell your administrator."
    )
