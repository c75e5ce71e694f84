"""One CSV writer for every CSV the app writes, neutralising every cell a spreadsheet would
run as a formula: = + - @, and a tab or carriage return in front of one."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from pathlib import Path

import pytest

from sharetui.commands.data import report_csv
from sharetui.services.csv_out import SafeCsvWriter, neutralise
from sharetui.services.reports import Reports
from tests.services.helpers import person, share

SRC = Path(__file__).resolve().parents[2] / "src" / "sharetui"


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_is_written_as_text(start: str) -> None:
    out = io.StringIO()
    SafeCsvWriter(out).writerow([f"{start}cmd|' /C calc'!A0", "plain", 3, -4, None])
    row = next(csv.reader(io.StringIO(out.getvalue())))
    assert row == [f"'{start}cmd|' /C calc'!A0", "plain", "3", "-4", ""]
    assert neutralise(f"{start}1+1") == f"'{start}1+1"


def test_text_that_merely_contains_a_sign_is_left_alone() -> None:
    assert neutralise("Smith-Jones") == "Smith-Jones"
    assert neutralise("a=b") == "a=b"
    assert neutralise("") == ""


def test_the_report_csv_neutralises_organisations(svc, actors) -> None:  # type: ignore[no-untyped-def]
    p = person(svc, actors.pat)
    for org in ('=HYPERLINK("http://x")', "+44 council", "-1 team", "@SUM(A1)"):
        svc.decisions.log(actors.pat, share(p.id, recipient_org=org))
    today = date.today()
    report = Reports(svc.store).build(actors.sam, today.replace(day=1), today)
    rows = list(csv.reader(io.StringIO(report_csv(report))))
    cells = [cell for row in rows for cell in row]
    assert [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")] == []
    assert {'\'=HYPERLINK("http://x")', "'+44 council", "'-1 team", "'@SUM(A1)"} <= set(cells)


def test_there_is_one_csv_writer() -> None:
    """No second copy to drift: csv.writer appears in the one module only."""
    users = [
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if re.search(r"csv\.(writer|DictWriter)\(", path.read_text(encoding="utf-8"))
    ]
    assert users == ["services/csv_out.py"]
