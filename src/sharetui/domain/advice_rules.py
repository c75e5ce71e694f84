"""When advice is due: urgent within the hour, today by close of business, routine in three
working days. Weekends and the site's bank holidays are skipped (domain/calendar.py)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sharetui.domain.calendar import WorkingCalendar
from sharetui.domain.enums import Urgency

URGENT_WITHIN = timedelta(hours=1)
CLOSE_OF_BUSINESS = time(17, 0)
ROUTINE_WORKING_DAYS = 3


def due_at(
    urgency: Urgency,
    raised_at: datetime,
    tz: ZoneInfo,
    calendar: WorkingCalendar | None = None,
) -> datetime:
    """The due time (aware, UTC) for advice raised at raised_at (aware), counted in the
    site's working days (England and Wales bank holidays unless the site chose otherwise)."""
    if urgency is Urgency.URGENT:
        return raised_at + URGENT_WITHIN
    cal = calendar or WorkingCalendar()
    local = raised_at.astimezone(tz)
    day = local.date()
    if urgency is Urgency.TODAY:
        if not cal.is_working_day(day) or local.time() >= CLOSE_OF_BUSINESS:
            day = cal.next_working_day(day)
    else:
        day = cal.add_working_days(day, ROUTINE_WORKING_DAYS)
    due = datetime.combine(day, CLOSE_OF_BUSINESS, tzinfo=tz)
    return due.astimezone(ZoneInfo("UTC"))


def duration_words(minutes: float | None) -> str:
    """'45 min', '3.5 h', '2.1 days'; '-' when there is nothing to measure. The advice
    turnaround's median and allowed time, in the same words on the reports screen and in
    `sharetui report`."""
    if minutes is None:
        return "-"
    if minutes < 60:
        return f"{minutes:.0f} min"
    if minutes < 48 * 60:
        return f"{minutes / 60:.1f} h"
    return f"{minutes / 1440:.1f} days"


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
