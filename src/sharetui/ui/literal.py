"""Render stored values as literal text: never parsed as markup, never passing escapes.

Every name, note, reason or organisation shown on screen goes through lit(); a value such as
'[@click=app.quit]x[/]' is then just those characters.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from rich.text import Text

# Anything a terminal could act on: C0/C1 controls (ESC starts ANSI and OSC sequences) and
# bidi overrides, which could make text read differently from what is stored.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def plain(value: object, limit: int | None = None) -> str:
    """The value as a safe plain string (control characters shown as U+FFFD)."""
    text = "" if value is None else str(value)
    text = _UNSAFE.sub("\ufffd", text)
    if limit is not None and len(text) > limit:
        text = text[: max(limit - 1, 0)] + "…"
    return text


def lit(value: object, style: str = "", limit: int | None = None) -> Text:
    """A rich Text that shows the value literally."""
    return Text(plain(value, limit), style=style, no_wrap=False)


def one_line(value: object, limit: int = 80) -> Text:
    """Literal, newlines folded, truncated: for table cells."""
    return Text(plain(" ".join(plain(value).split()), limit), no_wrap=True, overflow="ellipsis")


def one_line_keep_end(value: object, limit: int, sep: str = " / ") -> Text:
    """Like one_line, but the cut falls before the last sep first, so what follows it stays
    whole where it can: for "record / field" cells, where rows cut at the end all read alike
    ("Decision 1, version 1: Share …") and the field that tells them apart was lost. A field
    too long for that keeps its start, after a few characters of the record."""
    text = " ".join(plain(value).split())
    head, found, tail = text.rpartition(sep)
    if len(text) <= limit or not found or limit < len(sep) + 8:
        return one_line(text, limit)
    room = limit - len(sep)
    kept = plain(head, max(room - len(tail), min(len(head), 8)))
    return Text(kept + sep + plain(tail, room - len(kept)), no_wrap=True, overflow="ellipsis")


def labelled_lines(rows: Sequence[tuple[str, object]]) -> Text:
    """One line per (label, value): the label in bold, the stored value as literal text."""
    text = Text()
    for i, (label, value) in enumerate(rows):
        if i:
            text.append("\n")
        text.append(f"{label}: ", style="bold")
        text.append(lit(value))
    return text


def when(value: datetime | None, tz: ZoneInfo, fmt: str = "%d %b %Y %H:%M") -> str:
    if value is None:
        return ""
    return value.astimezone(tz).strftime(fmt)


def day(value: date | None) -> str:
    return "" if value is None else value.strftime("%d %b %Y")
