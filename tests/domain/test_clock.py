"""One clock in the site's time zone: the day turns at the site's midnight, whatever the
machine's zone, and a change of the clocks (summer time) moves local times, not moments."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from sharetui.domain.clock import Clock

LONDON = ZoneInfo("Europe/London")


def _at(*parts: int) -> Clock:
    moment = datetime(*parts, tzinfo=UTC)
    return Clock(LONDON, lambda: moment)


def test_the_day_turns_at_the_sites_midnight_not_utcs() -> None:
    # 30 June 23:30 UTC is already 1 July 00:30 in London (summer time).
    assert _at(2026, 6, 30, 22, 59).today() == date(2026, 6, 30)
    assert _at(2026, 6, 30, 23, 0).today() == date(2026, 7, 1)
    # In winter London is on UTC: the day turns at UTC midnight.
    assert _at(2026, 12, 31, 23, 59).today() == date(2026, 12, 31)
    assert _at(2027, 1, 1, 0, 0).today() == date(2027, 1, 1)
    far = Clock(ZoneInfo("Pacific/Auckland"), lambda: datetime(2026, 12, 31, 11, 0, tzinfo=UTC))
    assert far.today() == date(2027, 1, 1)


def test_a_clock_change_moves_the_local_time_not_the_moment() -> None:
    # Clocks go back at 01:00 UTC on 25 October 2026: 01:30 BST, then 01:30 GMT an hour later.
    before, after = _at(2026, 10, 25, 0, 30), _at(2026, 10, 25, 1, 30)
    assert before.local_now().strftime("%H:%M %Z") == "01:30 BST"
    assert after.local_now().strftime("%H:%M %Z") == "01:30 GMT"
    assert (after.now() - before.now()).total_seconds() == 3600
    # Clocks go forward at 01:00 UTC on 29 March 2026: 00:59 GMT, then 02:00 BST.
    assert _at(2026, 3, 29, 0, 59).local_now().strftime("%H:%M") == "00:59"
    assert _at(2026, 3, 29, 1, 0).local_now().strftime("%H:%M") == "02:00"


def test_a_naive_source_is_refused() -> None:
    with pytest.raises(ValueError):
        Clock(LONDON, lambda: datetime(2026, 1, 1)).now()
