"""Governance in the app: the information governance lead's and administrators' home lists
overdue and due subject access requests in words and how many records wait for review (Enter
on a request opens it among the requests); the Reports screen shows the governors' counts as
bars, small counts as "fewer than 5". The work on requests and reviews: test_governance_work."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from rich.text import Text
from textual.widgets import DataTable, Static

from sharetui.services.facade import Services
from sharetui.ui.app import ShareApp
from sharetui.ui.screens.sar import SubjectAccessScreen
from tests.conftest import sign_in_as
from tests.services.helpers import no_share, person, share
from tests.ui.conftest import PASSPHRASE, settle, sign_in
from tests.ui.screen import screen_text


def rows(app: ShareApp, table_id: str) -> list[list[str]]:
    t = app.screen.query_one(table_id, DataTable)
    return [
        [c.plain if isinstance(c, Text) else str(c) for c in t.get_row_at(i)]
        for i in range(t.row_count)
    ]


def arrange(svc: Services) -> None:
    svc.users.set_roles(None, "sue", "supervisor", ["dsl", "information_governance"])
    pat = svc.users.sign_in("pat", PASSPHRASE, "t")
    sue = sign_in_as(svc, "sue")
    today = datetime.now(UTC).date()
    child = person(svc, pat, family="Marker", given="[@click=app.quit]Jo")
    late = today - timedelta(days=45)
    soon = today - timedelta(days=27)
    for received in (late, soon):
        svc.sar.log(
            sue,
            child.reference,
            requester_name="A Parent",
            relationship="parent_with_pr",
            received_on=received,
            identity_confirmed_on=received,
        )
    former = person(svc, pat, family="Former", given="Pupil", dob=date(today.year - 27, 3, 1))
    svc.retention.set_kind(sue, former.reference, "child_protection")
    for _ in range(6):
        svc.decisions.log(pat, share(child.id))
    svc.decisions.log(pat, no_share(child.id))


async def test_governance_lead_home_lists_requests_in_words(
    make_app: Callable[..., ShareApp], ui_services: Services
) -> None:
    arrange(ui_services)
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await sign_in(pilot, "sue")
        await settle(pilot)
        listed = rows(app, "#sar-table")
        assert len(listed) == 2
        assert listed[0][4].startswith("OVERDUE by")
        assert listed[1][4].startswith("due in") or listed[1][4] == "due today"
        status = str(app.screen.query_one("#retention-status", Static).render())
        assert "1 record(s) due for review" in status
        table = app.screen.query_one("#sar-table", DataTable)
        table.focus()
        table.move_cursor(row=0)
        await pilot.press("enter")  # opens the requests, with this one under the cursor
        await settle(pilot)
        assert isinstance(app.screen, SubjectAccessScreen)
        shown = screen_text(app, fold=True)
        assert "Requester: A Parent" in shown and "OVERDUE by" in shown
        assert "Request 1 about [@click=app.quit]Jo Marker" in shown  # stored text literally


async def test_administrator_home_too_and_practitioner_not(
    make_app: Callable[..., ShareApp], ui_services: Services
) -> None:
    arrange(ui_services)
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await sign_in(pilot, "ada")
        await settle(pilot)
        assert rows(app, "#sar-table")[0][4].startswith("OVERDUE by")
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await sign_in(pilot, "pat")
        await settle(pilot)
        assert not app.screen.query("#sar-table")


async def test_reports_screen_shows_the_governors_counts(
    make_app: Callable[..., ShareApp], ui_services: Services
) -> None:
    arrange(ui_services)
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await sign_in(pilot, "sam")
        app.open_reports()
        await settle(pilot)
        bars = str(app.screen.query_one("#governors-bars", Static).render())
        assert "Sharing decisions" in bars
        assert "Total decisions" in bars and "7" in bars
        shared = next(line for line in bars.splitlines() if line.strip().startswith("Shared "))
        assert "█" in shared and shared.rstrip().endswith("6")
        not_shared = next(line for line in bars.splitlines() if "Not shared" in line)
        assert "fewer than 5" in not_shared and "█" not in not_shared
        assert "Marker" not in bars and "Jo" not in bars


async def test_the_governors_report_is_written_from_the_reports_screen(
    make_app: Callable[..., ShareApp], ui_services: Services, tmp_path
) -> None:
    """A kiosk has no shell: w on the Reports screen writes the same one-page PDF, or the
    CSV, as `sharetui governors-report`, for the period on screen, into a folder."""
    from textual.widgets import Input

    arrange(ui_services)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "sam")
        app.open_reports()
        await settle(pilot)
        for fmt in ("c", "p"):
            await pilot.press("w")
            await settle(pilot)
            box = app.screen.query_one("#folder", Input)
            box.value = str(tmp_path / "missing")
            app.screen.query_one("#format").focus()
            await pilot.press(fmt, "ctrl+s")
            await settle(pilot)
            assert "There is no folder" in screen_text(pilot, fold=True)  # said on the field
            box.value = str(tmp_path)
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert "report written:" in screen_text(pilot, fold=True)
    written = {p.suffix: p for p in tmp_path.iterdir()}
    assert written[".pdf"].read_bytes().startswith(b"%PDF")
    text = written[".csv"].read_text(encoding="utf-8")
    assert "fewer than 5" in text and "Marker" not in text and "Jo" not in text
    assert written[".csv"].name.startswith("governors-report-")
