"""The reports screen and the consent form take "today" from the site's clock, not the
machine's date: tested just after the site's midnight, when UTC is still on the day before."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from textual.widgets import Static

from sharetui.domain.clock import Clock
from sharetui.ui.app import ShareApp
from sharetui.ui.screens.record_consent import effective_from
from sharetui.ui.screens.reports import ReportsScreen
from tests.ui.conftest import settle, sign_in

# 1 July 2026 00:30 in London; still 30 June in UTC (and on a machine set to UTC).
AFTER_MIDNIGHT = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)
SITE_CLOCK = Clock(ZoneInfo("Europe/London"), lambda: AFTER_MIDNIGHT)


async def test_reports_end_on_the_sites_today(make_app: Callable[..., ShareApp]) -> None:
    app = make_app(clock=SITE_CLOCK)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, "sam")
        app.open_reports()
        await settle(pilot)
        assert isinstance(app.screen, ReportsScreen)
        assert app.screen.period()[1].isoformat() == "2026-07-01"
        shown = str(app.screen.query_one("#report-period", Static).render())
        assert "to 01 Jul 2026" in shown


def test_consent_typed_as_the_sites_today_means_now() -> None:
    assert effective_from("1/7/2026", SITE_CLOCK) == (None, None)  # today on site: now
    moment, error = effective_from("30/6/2026", SITE_CLOCK)  # yesterday on site
    assert error is None and moment is not None
    assert moment.astimezone(UTC) == datetime(2026, 6, 30, 11, 0, tzinfo=UTC)  # midday BST
