"""When advice is due: urgent within the hour, today by close of business, routine in three
working days. Weekends are skipped; bank holidays are not known to the app."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sharetui.domain.enums import Urgency

URGENT_WITHIN = timedelta(hours=1)
CLOSE_OF_BUSINESS = time(17, 0)
ROUTINE_WORKING_DAYS = 3


def _next_working_day(day: datetime) -> datetime:
    day = day + timedelta(days=1)
    while day.weekday() >= 5:
        day = day + timedelta(days=1)
    return day


def due_at(urgency: Urgency, raised_at: datetime, tz: ZoneInfo) -> datetime:
    """The due time (aware, UTC) for advice raised at raised_at (aware)."""
    if urgency is Urgency.URGENT:
        return raised_at + URGENT_WITHIN
    local = raised_at.astimezone(tz)
    if urgency is Urgency.TODAY:
        if local.weekday() >= 5 or local.time() >= CLOSE_OF_BUSINESS:
            local = _next_working_day(local)
        due = datetime.combine(local.date(), CLOSE_OF_BUSINESS, tzinfo=tz)
        return due.astimezone(ZoneInfo("UTC"))
    day = local
    for _ in range(ROUTINE_WORKING_DAYS):
        day = _next_working_day(day)
    due = datetime.combine(day.date(), CLOSE_OF_BUSINESS, tzinfo=tz)
    return due.astimezone(ZoneInfo("UTC"))


def age_in_words(delta: timedelta) -> str:
    """'3 h 5 min', '2 days 4 h': how long something has waited."""
    minutes = int(delta.total_seconds() // 60)
    if minutes < 60:
        return f"{max(minutes, 0)} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {minutes} min"
    days, hours = divmod(hours, 24)
    return f"{days} day{'s' if days != 1 else ''} {hours} h"
