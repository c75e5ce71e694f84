"""`sharetui sar`, `sharetui retention` and `sharetui governors-report` on the demo: what the
information governance lead sees, disposal from the command line with the audit trail still
verifying, a legal hold refusing it in one line, and the governors' PDF on one page."""

from __future__ import annotations

import shutil
from pathlib import Path

from pypdf import PdfReader

from tests.cli.conftest import DEMO_PASSPHRASES, Cli, Demo, connect


def _as(cli: Cli, url: str, user: str, *args: str):  # type: ignore[no-untyped-def]
    return cli(
        *args,
        "--user",
        user,
        "--passphrase-stdin",
        database=url,
        stdin=DEMO_PASSPHRASES[user] + "\n",
    )


def test_requests_and_reviews_in_the_demo(cli: Cli, demo_db: Demo):
    listed = _as(cli, demo_db.url, "sam", "sar", "list")
    assert listed.code == 0, listed.err
    assert "OVERDUE by" in listed.out and "due in" in listed.out
    assert "clock not started" in listed.out
    everything = _as(cli, demo_db.url, "alex", "sar", "list", "--all")
    assert "answered on time" in everything.out
    queue = _as(cli, demo_db.url, "sam", "retention", "queue")
    assert queue.out.count("DEMO-FP") == 3 and "LEGAL HOLD" in queue.out
    refused = _as(cli, demo_db.url, "priya", "sar", "list")
    assert "information governance lead" in refused.error_line()


def test_disposal_from_the_command_line(cli: Cli, demo_db: Demo, tmp_path: Path):
    db = tmp_path / "copy.db"
    shutil.copy(demo_db.path, db)
    url = f"sqlite:///{db}"
    with connect(db) as conn:
        refs = [
            r
            for (r,) in conn.execute(
                "select reference from person where reference like 'DEMO-FP%' order by reference"
            )
        ]
        held = conn.execute(
            "select p.reference from legal_hold h join person p on p.id = h.person_id"
        ).fetchone()[0]
    free = next(r for r in refs if r != held)
    unsure = _as(cli, url, "sam", "retention", "dispose", free)
    assert "--yes" in unsure.error_line()
    blocked = _as(cli, url, "sam", "retention", "dispose", held, "--yes")
    assert "legal hold" in blocked.error_line()
    done = _as(cli, url, "sam", "retention", "dispose", free, "--yes")
    assert done.code == 0, done.err
    assert "tombstone" in done.out and "rewritten its files" in done.out
    verified = _as(cli, url, "alex", "audit", "verify")
    assert verified.code == 0, verified.err
    tombs = _as(cli, url, "sam", "retention", "tombstones")
    assert "Child protection record" in tombs.out
    with connect(db) as conn:
        assert conn.execute(
            "select count(*) from person where reference = ?", (free,)
        ).fetchone() == (0,)


def test_governors_report_pdf_and_csv(cli: Cli, demo_db: Demo, tmp_path: Path):
    pdf = tmp_path / "governors.pdf"
    made = _as(
        cli,
        demo_db.url,
        "sam",
        "governors-report",
        "--from",
        "2022-01-01",
        "--to",
        "2030-12-31",
        "--out",
        str(pdf),
    )
    assert made.code == 0, made.err
    reader = PdfReader(pdf)
    assert len(reader.pages) == 1
    assert "fewer than 5" in reader.pages[0].extract_text()
    csv = _as(
        cli,
        demo_db.url,
        "alex",
        "governors-report",
        "--from",
        "2022-01-01",
        "--to",
        "2030-12-31",
        "--format",
        "csv",
    )
    assert csv.out.startswith("section,measure,value")
    assert "DEMO-" not in csv.out
