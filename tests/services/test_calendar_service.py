"""The site calendar on both engines: term dates entered by a supervisor, refused when they
overlap, and advice due times that skip the site's bank holidays."""

from __future__ import annotations

from datetime import date

import pytest

from sharetui.config import Settings
from sharetui.domain.calendar import BankHolidayRegion
from sharetui.domain.errors import NotAllowed, ValidationFailed
from sharetui.services.facade import Services


def test_terms_are_entered_by_supervisors_and_make_school_days(svc, actors):
    svc.calendar.add_term(actors.sam, "Spring 1", date(2026, 1, 5), date(2026, 2, 13))
    svc.calendar.add_term(actors.sam, "Spring 2", date(2026, 2, 23), date(2026, 3, 27))
    cal = svc.calendar.current()
    assert not cal.is_school_day(date(2026, 2, 16))
    assert cal.transfer_due(date(2026, 2, 11)) == date(2026, 2, 25)
    with pytest.raises(NotAllowed):
        svc.calendar.add_term(actors.pat, "Summer 1", date(2026, 4, 13), date(2026, 5, 22))
    with pytest.raises(ValidationFailed) as err:
        svc.calendar.add_term(actors.sam, "Oops", date(2026, 3, 1), date(2026, 3, 2))
    assert "overlaps Spring 2" in err.value.field_errors["first_day"]
    with pytest.raises(ValidationFailed) as err:
        svc.calendar.add_term(actors.sam, "Back", date(2026, 6, 2), date(2026, 6, 1))
    assert err.value.field_errors["last_day"].startswith("The last day of term must be")


def test_the_site_chooses_its_nation_in_settings(database_url):
    scottish = Services.open(
        Settings(database_url=database_url, terminal="t", bank_holidays="scotland")
    )
    try:
        cal = scottish.calendar.current()
        assert cal.region is BankHolidayRegion.SCOTLAND
        assert not cal.is_working_day(date(2026, 1, 2))
    finally:
        scottish.close()


def test_advice_raised_before_easter_is_due_after_easter_monday(svc, actors, monkeypatch):
    from datetime import UTC, datetime

    import sharetui.services.advice as advice_module

    # Raised Thursday 2 April 2026 at 10:00: three working days are 7, 8 and 9 April.
    monkeypatch.setattr(advice_module, "utcnow", lambda: datetime(2026, 4, 2, 9, 0, tzinfo=UTC))
    a = svc.advice.raise_request(
        actors.pat, question="Share with the GP?", advice_role="dsl", urgency="routine"
    )
    assert a.due_at == datetime(2026, 4, 9, 16, 0, tzinfo=UTC)
