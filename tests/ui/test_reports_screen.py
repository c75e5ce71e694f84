"""The Reports screen: decisions per week and advice turnaround drawn from what was recorded,
the same numbers in the tables, periods on one key, and only for supervisors and admins."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from rich.text import Text
from textual.widgets import DataTable, Static
from textual_plotext import PlotextPlot

from sharetui.services.facade import Services
from sharetui.store.types import replayed_clock
from sharetui.ui.app import ShareApp
from sharetui.ui.screens.reports import ReportsScreen
from tests.conftest import sign_in_as
from tests.services.helpers import no_share, person, share
from tests.ui.conftest import PASSPHRASE, settle, sign_in


def table(app: ShareApp, table_id: str) -> dict[str, list[str]]:
    """Rows of a table keyed by their first cell, as plain text."""
    t = app.screen.query_one(table_id, DataTable)
    out = {}
    for i in range(t.row_count):
        cells = [c.plain if isinstance(c, Text) else str(c) for c in t.get_row_at(i)]
        out[cells[0]] = cells[1:]
    return out


def arrange(svc: Services) -> None:
    """This week: two shares and a refusal to share. Three weeks ago: one share. Advice: an
    urgent request answered in 30 minutes (on time) and a routine one still open."""
    pat = svc.users.sign_in("pat", PASSPHRASE, "t")
    sam = sign_in_as(svc, "sam")
    child = person(svc, pat)
    now = datetime.now(UTC)
    earlier = now - timedelta(weeks=3)
    with replayed_clock(lambda: earlier):
        svc.decisions.log(pat, share(child.id, shared_at=earlier - timedelta(minutes=5)))
    svc.decisions.log(pat, share(child.id, recipient_org="Police"))
    svc.decisions.log(pat, share(child.id))
    svc.decisions.log(pat, no_share(child.id))
    asked = now - timedelta(hours=2)
    with replayed_clock(lambda: asked):
        urgent = svc.advice.raise_request(pat, question="q", advice_role="dsl", urgency="urgent")
    with replayed_clock(lambda: asked + timedelta(minutes=30)):
        svc.advice.claim(sam, urgent.id)
        svc.advice.advise(sam, urgent.id, "Share now")
    svc.advice.raise_request(pat, question="q2", advice_role="dsl", urgency="routine")


async def test_supervisor_sees_charts_and_tables_of_what_was_recorded(
    make_app: Callable[..., ShareApp], ui_services: Services
) -> None:
    arrange(ui_services)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "sam")
        app.open_reports()
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        assert screen.weeks == 13
        period = str(screen.query_one("#report-period", Static).render())
        assert "4 decision(s), 3 shared, 1 not shared" in period

        totals = table(app, "#report-totals")
        assert totals["Decisions made"] == ["4"]
        assert totals["Shared"] == ["3"]
        assert totals["Not shared"] == ["1"]
        assert totals["Shared without consent"] == ["3"]

        weekly = screen.series["decisions"]
        assert len(weekly["Not shared"]) == 13
        assert weekly["Shared (in full or part)"][-1] == 2  # this week
        assert weekly["Not shared"][-1] == 1
        assert weekly["Shared (in full or part)"][-4] == 1  # three weeks ago
        assert sum(weekly["Shared (in full or part)"]) == 3

        turnaround = table(app, "#report-turnaround")
        # Asked, Advised, On time, Late, Open, Overdue, Median, Target
        assert turnaround["Urgent"] == ["1", "1", "1", "0", "0", "0", "30 min", "1.0 h"]
        assert turnaround["Routine"][:6] == ["1", "0", "0", "0", "1", "0"]
        (percent,) = screen.series["turnaround"].values()
        assert percent == [50.0, 0.0, 0.0]  # urgent: 30 of 60 minutes allowed
        assert sum(screen.series["advice_weeks"]["On time"]) == 1
        assert table(app, "#report-recipients")["Police"] == ["1", "1", "0", "No: free text"]
        for chart in screen.query(PlotextPlot):
            assert chart.size.height > 0

        await pilot.press("4")
        await settle(pilot)
        assert screen.weeks == 4
        assert len(screen.series["decisions"]["Not shared"]) == 4
        assert table(app, "#report-totals")["Decisions made"] == ["4"]  # three weeks ago is in
        await pilot.press("5")
        await settle(pilot)
        assert len(screen.series["decisions"]["Not shared"]) == 52
        assert screen.report is not None
        assert screen.report.start.weekday() == 0  # whole weeks, from a Monday
        assert screen.report.end == date.today()


async def test_administrator_can_see_reports_practitioner_cannot(
    make_app: Callable[..., ShareApp], ui_services: Services
) -> None:
    arrange(ui_services)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "ada")
        await pilot.press("r")  # from home
        await settle(pilot)
        assert isinstance(app.screen, ReportsScreen)
        assert table(app, "#report-totals")["Decisions made"] == ["4"]

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "pat")
        await pilot.press("r")  # not offered on a practitioner's home
        await settle(pilot)
        assert not isinstance(app.screen, ReportsScreen)
        app.open_reports()  # and refused by the service if reached another way
        await settle(pilot)
        period = str(app.screen.query_one("#report-period", Static).render())
        assert "Only supervisors and administrators can see this" in period
        assert table(app, "#report-totals") == {}


async def test_after_the_share_organisations_agreements_receipts_and_transfers(
    make_app: Callable[..., ShareApp], ui_services: Services
) -> None:
    from types import SimpleNamespace

    from tests.services.test_reports import after_share_story
    from tests.ui.screen import screen_text

    actors = SimpleNamespace(
        pat=ui_services.users.sign_in("pat", PASSPHRASE, "t"),
        sam=sign_in_as(ui_services, "sam"),
    )
    after_share_story(ui_services, actors)
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await sign_in(pilot, "sam")
        app.open_reports()
        await settle(pilot)
        orgs = table(app, "#report-recipients")
        # Two spellings and an entry merged later: one line, as the register names it.
        assert orgs["Northshire Children's Social Care"] == ["9", "9", "0", "Yes"]
        assert orgs["Harbour Lane Youth Club"] == ["1", "1", "0", "No: free text"]
        assert "Northshire CSC" not in orgs
        agreements = table(app, "#report-agreements")
        assert agreements["Under an agreement"] == ["4", "0"]
        assert agreements["No agreement"] == ["8", "1"]
        receipts = table(app, "#report-receipts")
        # Days allowed, Sent, On time, Late, Failed, Due unconfirmed, Awaiting
        assert receipts["Share"] == ["3 working", "4", "1", "1", "1", "0", "1"]
        assert receipts["Urgent share"][1:] == ["1", "0", "0", "0", "1", "0"]
        assert receipts["Child protection file transfer"][:3] == ["5 school", "2", "1"]
        transfers = table(app, "#report-transfers")
        assert transfers["Within 5 school days"] == ["1"]
        assert transfers["Later, or not shown to be in time"] == ["1"]

        # What a person sees, scrolled to it.
        app.screen.query_one("#report-transfers").scroll_visible(animate=False)
        await settle(pilot)
        shown = screen_text(app)
        assert "Child protection file transfers within 5 school days" in shown
        assert "Within 5 school days" in shown
