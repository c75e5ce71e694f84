"""One clock for every "today", "overdue" and displayed time: the site's time zone.

The machine's date (date.today()) is the server's or the terminal's idea of the day, which
is the wrong day for an hour around midnight wherever the machine is not on site time, and
moments are stored in UTC. Everything that asks "what day is it" or "what time is it" asks
a Clock built from the site's time zone (SHARETUI_TIMEZONE). Tests give it a source.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo


def _wall_clock() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Clock:
    """now() is an aware UTC moment; today() and local() are in the site's zone."""

    tz: ZoneInfo
    source: Callable[[], datetime] = field(default=_wall_clock)

    def now(self) -> datetime:
        moment = self.source()
        if moment.tzinfo is None:
            raise ValueError("a clock source must give an aware datetime")
        return moment.astimezone(UTC)

    def local_now(self) -> datetime:
        return self.now().astimezone(self.tz)

    def today(self) -> date:
        return self.local_now().date()

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.tz)
