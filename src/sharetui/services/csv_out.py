"""The one CSV writer for every CSV the app writes (subject access exports, reports, and an
import's error file), so the protection cannot drift between copies again.

A spreadsheet opening a CSV runs a cell that starts with = + - @ as a formula, and also one
that starts with a tab or a carriage return followed by one (OWASP, "CSV injection"). Names,
organisations and free text are typed by people, so every text cell starting with one of
those characters is written with a leading apostrophe, which spreadsheets show as text.
Numbers passed as numbers are written as they are (a negative count is not a formula).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any, TextIO

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """The text as a spreadsheet will show it, never run it."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return value
    return neutralise(str(value))


class SafeCsvWriter:
    """csv.writer with every text cell neutralised."""

    def __init__(self, out: TextIO, *, lineterminator: str = "\r\n") -> None:
        self._writer = csv.writer(out, lineterminator=lineterminator)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([_cell(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)
