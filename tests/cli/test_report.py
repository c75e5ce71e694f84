"""`sharetui report`: the totals match the database counted independently, the CSV is tidy,
dates are checked, and only supervisors and administrators may run it."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from tests.cli.conftest import DEMO_PASSPHRASES, PASSPHRASE, Cli, Demo, connect
from tests.services.helpers import no_share, person, share


def _report(cli: Cli, url: str, *args: str, user: str = "alex", passphrase: str | None = None):  # type: ignore[no-untyped-def]
    return cli(
        "report",
        *args,
        "--user",
        user,
        "--passphrase-stdin",
        database=url,
        stdin=(passphrase or DEMO_PASSPHRASES[user]) + "\n",
    )


def _tidy(text: str) -> dict[tuple[str, str, str], str]:
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows and set(rows[0]) == {"table", "row", "column", "value"}
    return {(r["table"], r["row"], r["column"]): r["value"] for r in rows}


def _expected(db, start: str, end: str) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Counted straight from the tables: latest version values, first version's month.
    The period is whole UTC-ish days; the demo never records around midnight in winter."""
    sql = """
        select d.outcome, d.consent_position from sharing_decision d
        join sharing_decision first on first.id = d.root_id
        where d.version = (select max(version) from sharing_decision where root_id = d.root_id)
          and first.decided_at >= ? and first.decided_at < ?
    """
    with connect(db) as conn:  # the demo is encrypted under the site key
        rows = conn.execute(sql, (start, end)).fetchall()
    sharing = {"share", "share_in_part"}
    return {
        "decisions": len(rows),
        "shared": sum(o == "share" for o, _ in rows),
        "shared_in_part": sum(o == "share_in_part" for o, _ in rows),
        "not_shared": sum(o == "do_not_share" for o, _ in rows),
        "shared_without_consent": sum(o in sharing and c != "given" for o, c in rows),
    }


def test_csv_totals_match_the_database(cli: Cli, demo_db: Demo) -> None:
    today = date.today()
    ran = _report(
        cli, demo_db.url, "--from", "2020-01-01", "--to", today.isoformat(), "--format", "csv"
    )
    assert ran.code == 0, ran.err
    got = _tidy(ran.out)
    expected = _expected(demo_db.path, "2020-01-01", "9999-01-01")
    for key, value in expected.items():
        assert int(got[("totals", "all", key)]) == value, key
    months = [k for k in got if k[0] == "month" and k[2] == "decisions"]
    assert sum(int(got[k]) for k in months) == expected["decisions"]
    weeks = [k for k in got if k[0] == "week" and k[2] == "decisions"]
    assert sum(int(got[k]) for k in weeks) == expected["decisions"]
    basis = sum(int(v) for (t, _, c), v in got.items() if t == "lawful_basis" and c == "shared")
    assert basis == expected["shared"] + expected["shared_in_part"]
    with connect(demo_db.path) as conn:
        raised = conn.execute("select urgency, count(*) from advice_request group by 1").fetchall()
    for urgency, n in raised:
        assert int(got[("advice_turnaround", urgency, "raised")]) == n
    on_time = sum(
        int(v) for (t, _, c), v in got.items() if t == "advice_turnaround" and c == "on_time"
    )
    late = sum(int(v) for (t, _, c), v in got.items() if t == "advice_turnaround" and c == "late")
    with connect(demo_db.path) as conn:
        advised = conn.execute(
            "select sum(advised_at <= due_at), sum(advised_at > due_at) from advice_request "
            "where advised_at is not null"
        ).fetchone()
    assert (on_time, late) == advised


def test_table_for_people_to_read(cli: Cli, demo_db: Demo) -> None:
    ran = _report(cli, demo_db.url, user="sam")
    assert ran.code == 0, ran.err
    for heading in (
        "Decisions by month (first made)",
        "Shared decisions by lawful basis",
        "Decisions by recipient organisation",
        "Advice turnaround against due times",
    ):
        assert heading in ran.out
    assert "Public task (Art 6(1)(e))" in ran.out
    assert "Northfield Children's Social Care" in ran.out
    assert max(len(line) for line in ran.out.splitlines()) <= 80 or "Sharing" in ran.out


def test_period_and_role_checks(cli: Cli, demo_db: Demo) -> None:
    assert _report(cli, demo_db.url, "--from", "31/02/2026").error_line() == (
        "--from '31/02/2026' is not a date: use a date like 2026-03-31"
    )
    assert _report(cli, demo_db.url, "--from", "2026-03-01", "--to", "2026-02-01").error_line() == (
        "The last day must be the same as or after the first day"
    )
    assert _report(cli, demo_db.url, user="priya").error_line() == (
        "Only supervisors and administrators can see this"
    )


def test_report_on_both_backends(cli: Cli, database_url: str, svc, actors) -> None:  # type: ignore[no-untyped-def]
    a = person(svc, actors.pat, "Report", "Anna")
    b = person(svc, actors.pat, "Report", "Ben")
    first = svc.decisions.log(actors.pat, share(a.id))
    svc.decisions.amend(
        actors.pat, first.id, share(a.id, recipient_org="Police"), "Wrong organisation"
    )
    svc.decisions.log(actors.pat, no_share(b.id))
    today = date.today().isoformat()
    ran = _report(
        cli,
        database_url,
        "--from",
        today,
        "--to",
        today,
        "--format",
        "csv",
        user="sue",
        passphrase=PASSPHRASE,
    )
    assert ran.code == 0, ran.err
    got = _tidy(ran.out)
    assert got[("totals", "all", "decisions")] == "2"
    assert got[("totals", "all", "shared")] == "1"
    assert got[("totals", "all", "not_shared")] == "1"
    assert got[("totals", "all", "amended")] == "1"
    assert got[("recipient", "Police", "shared")] == "1"
    assert ("recipient", "Children's social care", "decisions") not in got


def test_after_the_share_in_the_table_and_the_csv(cli: Cli, database_url: str, svc, actors) -> None:  # type: ignore[no-untyped-def]
    from tests.services.test_reports import after_share_story

    after_share_story(svc, actors)
    today = date.today()
    period = ("--from", (today - timedelta(days=30)).isoformat(), "--to", today.isoformat())
    ran = _report(cli, database_url, *period, "--format", "csv", user="sue", passphrase=PASSPHRASE)
    assert ran.code == 0, ran.err
    got = _tidy(ran.out)
    main = "Northshire Children's Social Care"
    assert got[("recipient", main, "decisions")] == "9"
    assert got[("recipient", main, "in_register")] == "1"
    assert got[("recipient", "Harbour Lane Youth Club", "in_register")] == "0"
    assert ("recipient", "Northshire CSC", "decisions") not in got
    assert got[("agreement", "covered", "shares")] == "4"
    assert got[("agreement", "none", "urgent")] == "1"
    assert got[("receipt", "share", "on_time")] == "1"
    assert got[("receipt", "share", "late")] == "1"
    assert got[("receipt", "urgent", "unconfirmed_due")] == "1"
    assert got[("transfer", "all", "made")] == "2"
    assert got[("transfer", "all", "within")] == "1"

    table = _report(cli, database_url, *period, user="sue", passphrase=PASSPHRASE)
    assert table.code == 0, table.err
    for line in (
        "Shares under a data sharing agreement",
        "Under an agreement",
        "Receipts confirmed on time",
        "Harbour Lane Youth Club *",
        "Child protection file transfers: 2 sent; 1 within 5 school days of the move",
    ):
        assert line in table.out, line
