"""After the share, as people see it: an unconfirmed share on the sender's home on the right
working day and on the DSL's when overdue, the receipt confirmed from the decision, and the
agreement due for review on a supervisor's home."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from textual.widgets import DataTable

from sharetui.domain.clock import Clock
from sharetui.domain.enums import LawfulBasis
from sharetui.services.agreements import AgreementInput
from sharetui.ui.screens.decision_view import DecisionScreen
from sharetui.ui.screens.receipt import ReceiptDialog
from tests.services.helpers import share
from tests.ui.conftest import settle, sign_in
from tests.ui.test_decision_flow import paste, press, screen_text
from tests.ui.typical_call import actor, known_person

SENT = datetime(2026, 5, 22, 10, 0, tzinfo=UTC)  # Friday; Monday 25 May is a bank holiday
LONDON = ZoneInfo("Europe/London")


def clock_on(day: date) -> Clock:
    moment = datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC)
    return Clock(LONDON, lambda: moment)


def rows(app, table_id: str) -> list[list[str]]:  # type: ignore[no-untyped-def]
    table = app.screen.query_one(table_id, DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


def _arrange(ui_services):  # type: ignore[no-untyped-def]
    pat, sam = actor(ui_services, "pat"), actor(ui_services, "sam")
    org = ui_services.register.add_org(sam, "Northshire Children's Social Care", "social_care")
    contact = ui_services.register.add_contact(
        sam, org.org_id, "Duty social worker", "Sam Patel", "duty@northshire.gov.uk"
    )
    jane = known_person(ui_services, pat)
    d = ui_services.decisions.log(
        pat,
        share(
            jane.id,
            recipient_org_id=contact.org_id,
            recipient_contact_id=contact.contact_id,
            recipient_org=contact.org,
            shared_at=SENT,
        ),
    )
    return pat, sam, org, d


async def test_unconfirmed_share_on_the_senders_home_then_confirmed(make_app, ui_services):
    _arrange(ui_services)
    app = make_app(clock=clock_on(date(2026, 5, 28)))  # three working days: not yet
    async with app.run_test(size=(100, 40)) as pilot:
        await sign_in(pilot, "pat")
        assert "Nothing to chase" in rows(app, "#chase-table")[0][0]
    app = make_app(clock=clock_on(date(2026, 5, 29)))
    async with app.run_test(size=(100, 40)) as pilot:
        await sign_in(pilot, "pat")
        [row] = rows(app, "#chase-table")
        assert row[1:] == [
            "Jane Smith",
            "Northshire Children's Social Care",
            "Unconfirmed: chase: c on the decision",
        ]
        app.screen.query_one("#chase-table", DataTable).focus()
        await press(pilot, "enter")
        assert isinstance(app.screen, DecisionScreen)
        assert "Receipt: Unconfirmed: chase (chase from 29 May 2026" in screen_text(app)
        await press(pilot, "c")
        assert isinstance(app.screen, ReceiptDialog)
        await press(pilot, "c")  # confirmed; on to who
        await paste(pilot, "Sam Patel")
        await press(pilot, "tab", "1", "ctrl+s")  # by secure email; save
        await settle(pilot)
        assert isinstance(app.screen, DecisionScreen)
        text = screen_text(app)
        assert "Receipt: Receipt confirmed" in text
        assert "Receipt confirmed: Sam Patel (secure email)" in text
        await press(pilot, "escape")
        assert "Nothing to chase" in rows(app, "#chase-table")[0][0]


async def test_overdue_on_the_dsls_home_and_agreement_due_for_review(make_app, ui_services):
    _, sam, org, _ = _arrange(ui_services)
    ui_services.agreements.add(
        sam,
        AgreementInput(
            title="Northshire safeguarding partnership agreement",
            purposes="Referrals",
            lawful_basis=LawfulBasis.PUBLIC_TASK,
            starts_on=date(2025, 1, 1),
            review_on=date(2026, 5, 31),
            org_ids=[org.org_id],
        ),
    )
    app = make_app(clock=clock_on(date(2026, 6, 1)))  # five working days: not yet overdue
    async with app.run_test(size=(100, 50)) as pilot:
        await sign_in(pilot, "sue")
        assert "No overdue receipts" in rows(app, "#overdue-table")[0][0]
        assert rows(app, "#agreements-table") == [
            [
                "31 May 2026 (PAST)",
                "Northshire safeguarding partnership agreement",
                "Northshire Children's Social Care",
            ]
        ]
    app = make_app(clock=clock_on(date(2026, 6, 2)))
    async with app.run_test(size=(100, 50)) as pilot:
        await sign_in(pilot, "sue")
        [row] = rows(app, "#overdue-table")
        assert row[1:] == [
            "Jane Smith",
            "Northshire Children's Social Care",
            "Pat Practitioner",
            "Unconfirmed: overdue",
        ]
