"""Seek advice through the screens: raising (named and anonymised), the queue order and its
overdue words, paging and filters, claim / release, losing a claim race, advice reaching the
requester, closing with the outcome, and new urgent items showing without a key press."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from rich.text import Text
from textual.pilot import Pilot
from textual.widgets import DataTable, Static, TextArea

from sharetui.domain.clock import Clock
from sharetui.domain.enums import AdviceStatus
from sharetui.domain.person import anonymous_description
from sharetui.services.facade import Services
from sharetui.services.unit_of_work import Actor
from sharetui.services.views import AdviceView
from sharetui.store.types import replayed_clock
from sharetui.ui.app import ShareApp
from sharetui.ui.screens.advice_item import AdviceItemScreen, TextEntryDialog
from sharetui.ui.screens.advice_queue import AdviceQueueScreen
from sharetui.ui.screens.decision_flow import DecisionFlowScreen
from sharetui.ui.screens.dialogs import MessageDialog
from sharetui.ui.screens.home import HomeScreen
from sharetui.ui.screens.raise_advice import RaiseAdviceDialog
from tests.services.helpers import person
from tests.ui.conftest import settle, sign_in
from tests.ui.screen import screen_text

MARKUP_QUESTION = "Can I tell the school nurse? [b]not bold[/b] [@click=app.quit]x[/]"


def rows(app: ShareApp, table_id: str) -> list[list[str]]:
    """The cells of a table on the current screen as plain text ([] while it is not there)."""
    tables = app.screen.query(table_id).results(DataTable)
    table = next(iter(tables), None)
    if table is None:
        return []
    return [
        [cell.plain if isinstance(cell, Text) else str(cell) for cell in table.get_row_at(i)]
        for i in range(table.row_count)
    ]


def history(app: ShareApp) -> list[str]:
    """The item's history, one line per step: 'when  who: what (note)'."""
    return str(app.screen.query_one("#item-history", Static).render()).splitlines()


async def wait_for(
    pilot: Pilot[None], condition: Callable[[], bool], timeout: float = 10.0
) -> None:
    """Let the app run (timers included) until condition holds; fail after timeout seconds."""
    waited = 0.0
    while not condition():
        if waited >= timeout:
            raise AssertionError(f"not seen within {timeout} s")
        await pilot.pause(0.05)
        waited += 0.05


def ask(svc: Services, actor: Actor, question: str = "May I share?", **kw: object) -> AdviceView:
    kw.setdefault("advice_role", "dsl")
    kw.setdefault("urgency", "routine")
    return svc.advice.raise_request(actor, question=question, **kw)  # type: ignore[arg-type]


def seven_year_old_dob() -> date:
    today = date.today()
    return date(today.year - 7, 1, 1)


async def open_dialog(pilot: Pilot[None], dialog: RaiseAdviceDialog) -> list[AdviceView | None]:
    results: list[AdviceView | None] = []
    pilot.app.push_screen(dialog, results.append)
    await settle(pilot)
    return results


# -- raising ------------------------------------------------------------------------------
async def test_raise_shows_errors_on_fields_keeps_text_then_sends(
    make_app: Callable[..., ShareApp], ui_services: Services, who: Callable[[str], Actor]
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "pat")
        results = await open_dialog(pilot, RaiseAdviceDialog())
        await pilot.press("ctrl+s")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, RaiseAdviceDialog)
        summary = str(dialog.query_one("#raise-error-summary", Static).render())
        assert summary.startswith("There is a problem")
        assert "Enter the question you need advice on" in screen_text(
            app, fold=True
        )  # under the box
        for field, words in (
            ("question", "Enter the question you need advice on"),
            ("advice_role", "Choose who to ask"),
            ("urgency", "Choose urgent, today or routine"),
        ):
            message = dialog.query_one(f"#{field}-error", Static).render()
            assert words in str(message), field

        await pilot.press(*"Is a referral needed?")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert dialog.values()["question"] == "Is a referral needed?"  # typed text kept
        assert "Enter the question" not in str(dialog.query_one("#question-error").render())
        assert "Choose who to ask" in str(dialog.query_one("#advice_role-error").render())

        dialog.query_one("#advice_role").focus()
        await pilot.press("c")  # Caldicott guardian, one key: on to the next question
        await pilot.press("t")  # today
        await pilot.press("ctrl+s")
        await settle(pilot)

        assert not isinstance(app.screen, RaiseAdviceDialog)
        assert results and results[0] is not None
        stored = ui_services.advice.mine(who("pat"))
        assert [(a.question, a.advice_role.value, a.urgency.value) for a in stored] == [
            ("Is a referral needed?", "caldicott", "today")
        ]
        assert stored[0].person_label == "no person named"


async def test_raise_cancel_sends_nothing(
    make_app: Callable[..., ShareApp], ui_services: Services, who: Callable[[str], Actor]
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "pat")
        results = await open_dialog(pilot, RaiseAdviceDialog())
        await pilot.press(*"half a question")
        await pilot.press("escape", "d")  # typed: it asks; d discards
        await settle(pilot)
        assert results == [None]
        assert ui_services.advice.mine(who("pat")) == []


async def test_named_request_shows_the_name_to_the_adviser(
    make_app: Callable[..., ShareApp], ui_services: Services, who: Callable[[str], Actor]
) -> None:
    child = person(ui_services, who("pat"), family="Brown", given="Ellie", dob=seven_year_old_dob())
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "pat")
        await open_dialog(pilot, RaiseAdviceDialog(person_id=child.id))
        await pilot.press(*"Should I share the bruising report?")
        await pilot.press("tab", "d", "u")  # a choice moves on to the next question
        await pilot.press("ctrl+s")
        await settle(pilot)
        (request,) = ui_services.advice.mine(who("pat"))
        assert request.urgency.value == "urgent" and not request.anonymised

    view = ui_services.advice.get(who("sam"), request.id)
    assert view.person_label.startswith("Ellie Brown")
    assert view.person_id == child.id


async def test_anonymised_request_adviser_sees_description_and_reveal_is_recorded(
    make_app: Callable[..., ShareApp], ui_services: Services, who: Callable[[str], Actor]
) -> None:
    child = person(ui_services, who("pat"), family="Brown", given="Ellie", dob=seven_year_old_dob())
    description = anonymous_description(child.date_of_birth, date.today())
    assert description == "a child, aged 7"

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "pat")
        await open_dialog(pilot, RaiseAdviceDialog(person_id=child.id))
        await pilot.press(*"Father asks for school reports")
        await pilot.press("tab", "d", "t", "h")  # DSL, today, tick "hide identity"
        await pilot.press("ctrl+s")
        await settle(pilot)
    (request,) = ui_services.advice.mine(who("pat"))
    assert request.anonymised

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "sam")
        app.open_queue()
        await settle(pilot)
        queue_text = screen_text(app, fold=True)
        assert "about a child, aged 7" in queue_text
        assert "Ellie" not in queue_text and "Brown" not in queue_text

        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AdviceItemScreen)
        item_text = screen_text(app, fold=True)
        assert "About: a child, aged 7" in item_text
        assert "Ellie" not in item_text

        await pilot.press("i")
        await settle(pilot)
        assert isinstance(app.screen, TextEntryDialog)
        await pilot.press("ctrl+s")  # no reason given
        await settle(pilot)
        assert "Enter why you need to know who this is about" in screen_text(app, fold=True)
        await pilot.press(*"Need to check the child protection plan")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, AdviceItemScreen)
        item_text = screen_text(app, fold=True)
        assert "Ellie Brown" in item_text
        assert "Revealed the identity" in item_text
        assert "Need to check the child protection plan" in item_text

    # Other advisers still see only the description.
    assert ui_services.advice.get(who("sue"), request.id).person_label == "a child, aged 7"


# -- the queue ----------------------------------------------------------------------------
async def test_queue_urgent_first_then_oldest_with_overdue_in_words(
    make_app: Callable[..., ShareApp], ui_services: Services, who: Callable[[str], Actor]
) -> None:
    pat = who("pat")
    now = datetime.now(UTC)
    for question, urgency, age in (
        ("Routine, eight days old", "routine", timedelta(days=8)),
        ("Today, just raised", "today", timedelta(0)),
        ("Urgent, new", "urgent", timedelta(0)),
        ("Urgent, three hours old", "urgent", timedelta(hours=3, minutes=1)),
    ):
        with replayed_clock(lambda age=age: now - age):
            ask(ui_services, pat, question, urgency=urgency)
    ask(ui_services, pat, "For the IG lead", advice_role="information_governance")

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "sam")
        app.open_queue()
        await settle(pilot)
        table = rows(app, "#queue-table")
        assert [r[4] for r in table] == [
            "Urgent, three hours old",
            "Urgent, new",
            "Today, just raised",
            "Routine, eight days old",
        ]  # and nothing for a role Sam does not hold
        assert table[0][0] == "URGENT"
        assert table[0][2].startswith("OVERDUE by 2 h")
        assert table[0][1].startswith("3 h")
        assert not table[1][2].startswith("OVERDUE")
        assert table[3][2].startswith("OVERDUE by")  # routine, eight days: overdue too
        assert "2 OVERDUE" in screen_text(app, fold=True)

        await pilot.press("u")  # urgent only
        await settle(pilot)
        assert [r[4] for r in rows(app, "#queue-table")] == [
            "Urgent, three hours old",
            "Urgent, new",
        ]
        assert "Urgency: Urgent" in screen_text(app, fold=True)
        await pilot.press("u", "u")  # today, then routine
        await settle(pilot)
        assert [r[4] for r in rows(app, "#queue-table")] == ["Routine, eight days old"]
        await pilot.press("u")  # back to all
        await pilot.press("r", "r")  # Sam's second role: Caldicott guardian, none for it
        await settle(pilot)
        assert "Role: Caldicott guardian" in screen_text(app, fold=True)
        assert "No open requests for your roles with these filters" in screen_text(app, fold=True)


async def test_queue_pages_through_many_items(
    make_app: Callable[..., ShareApp], ui_services: Services, who: Callable[[str], Actor]
) -> None:
    pat = who("pat")
    start = datetime.now(UTC) - timedelta(hours=2)
    for i in range(45):
        with replayed_clock(lambda i=i: start + timedelta(seconds=i)):
            ask(ui_services, pat, f"Question {i:02d}")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "sam")
        app.open_queue()
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AdviceQueueScreen)
        first = [r[4] for r in rows(app, "#queue-table")]
        assert first == [f"Question {i:02d}" for i in range(screen.PAGE_SIZE)]
        assert "Showing 1 to 20 · PageDown for more" in screen_text(app, fold=True)

        await pilot.press("pagedown")
        await settle(pilot)
        assert [r[4] for r in rows(app, "#queue-table")][0] == "Question 20"
        await pilot.press("pagedown")
        await settle(pilot)
        assert [r[4] for r in rows(app, "#queue-table")] == [f"Question {i}" for i in range(40, 45)]
        assert "PageDown for more" not in screen_text(app, fold=True)
        await pilot.press("pageup", "pageup")
        await settle(pilot)
        assert [r[4] for r in rows(app, "#queue-table")] == first


# -- claiming -----------------------------------------------------------------------------
async def test_claim_and_release_from_the_item(
    make_app: Callable[..., ShareApp], ui_services: Services, who: Callable[[str], Actor]
) -> None:
    request = ask(ui_services, who("pat"), "Claim me")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "sam")
        app.open_advice(request.id)
        await settle(pilot)
        assert "PENDING: waiting for an adviser" in screen_text(app, fold=True)
        await pilot.press("c")
        await settle(pilot)
        assert "CLAIMED by Sam Supervisor" in screen_text(app, fold=True)
        stored = ui_services.advice.get(who("sam"), request.id)
        assert stored.status is AdviceStatus.CLAIMED and stored.claimed_by == "Sam Supervisor"
        assert history(app)[-1].endswith("Sam Supervisor: Claimed")

        await pilot.press("l")
        await settle(pilot)
        assert "PENDING" in screen_text(app, fold=True)
        assert ui_services.advice.get(who("sam"), request.id).status is AdviceStatus.PENDING
        steps = [line.split("  ", 1)[1] for line in history(app)]  # after the time
        assert steps == [
            "Pat Practitioner: Asked for advice (Routine (three working days); "
            "Designated safeguarding lead)",
            "Sam Supervisor: Claimed",
            "Sam Supervisor: Released to the queue",
        ]


async def test_losing_the_claim_race_on_the_item_says_who_has_it(
    make_app: Callable[..., ShareApp], ui_services: Services, who: Callable[[str], Actor]
) -> None:
    request = ask(ui_services, who("pat"), "Two advisers at once")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "sam")
        app.open_advice(request.id)
        await settle(pilot)
        assert "PENDING" in screen_text(app, fold=True)
        # Sue, at another terminal, claims it between Sam's refresh and Sam's key press.
        won = ui_services.advice.claim(who("sue"), request.id)
        at = won.claimed_at.astimezone(app.settings.tz).strftime("%H:%M")  # type: ignore[union-attr]
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, MessageDialog)
        assert f"Already claimed by Sue Supervisor at {at}" in screen_text(app, fold=True)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AdviceItemScreen)
        shown = screen_text(app, fold=True)
        assert f"CLAIMED by Sue Supervisor at {at}" in shown  # the view refreshed
        assert f"Already claimed by Sue Supervisor at {at}" in shown  # and the notice stays
    assert ui_services.advice.get(who("sue"), request.id).claimed_by == "Sue Supervisor"


async def test_losing_the_claim_race_from_the_queue_refreshes_the_list(
    make_app: Callable[..., ShareApp], ui_services: Services, who: Callable[[str], Actor]
) -> None:
    request = ask(ui_services, who("pat"), "Race from the list")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "sam")
        app.open_queue()
        await settle(pilot)
        assert rows(app, "#queue-table")[0][3] == "Pending"
        ui_services.advice.claim(who("sue"), request.id)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, MessageDialog)
        assert "Already claimed by Sue Supervisor at" in screen_text(app, fold=True)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AdviceQueueScreen)
        assert rows(app, "#queue-table")[0][3] == "Claimed"  # fits its column at 80
        assert "Claimed by Sue Supervisor at" in screen_text(app, fold=True)  # in full below


async def test_claim_from_the_queue_opens_the_item(
    make_app: Callable[..., ShareApp], ui_services: Services, who: Callable[[str], Actor]
) -> None:
    request = ask(ui_services, who("pat"), "Quick claim")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "sam")
        app.open_queue()
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, AdviceItemScreen)
        assert "CLAIMED by Sam Supervisor" in screen_text(app, fold=True)
    assert ui_services.advice.get(who("sam"), request.id).status is AdviceStatus.CLAIMED


# -- advice and outcome -------------------------------------------------------------------
async def test_adviser_records_advice_and_the_outcome(
    make_app: Callable[..., ShareApp], ui_services: Services, who: Callable[[str], Actor]
) -> None:
    request = ask(ui_services, who("pat"), MARKUP_QUESTION)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "sam")
        app.open_advice(request.id)
        await settle(pilot)
        assert MARKUP_QUESTION in screen_text(app, fold=True)  # shown literally, nothing run
        await pilot.press("a")  # not offered before claiming
        await settle(pilot)
        assert isinstance(app.screen, AdviceItemScreen)
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, TextEntryDialog)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Enter your advice" in screen_text(app, fold=True)
        await pilot.press(*"Share with social care under public task")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, AdviceItemScreen)
        assert "ADVICE GIVEN by Sam Supervisor" in screen_text(app, fold=True)
        assert "Share with social care under public task" in screen_text(app, fold=True)

        await pilot.press("o")
        await settle(pilot)
        await pilot.press(*"Discussed with Pat; referral made")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "CLOSED at" in screen_text(app, fold=True)
        assert [line.split(": ", 1)[1].split(" (")[0] for line in history(app)] == [
            "Asked for advice",
            "Claimed",
            "Gave advice",
            "Recorded the outcome",
        ]
    stored = ui_services.advice.get(who("pat"), request.id)
    assert stored.status is AdviceStatus.CLOSED
    assert stored.outcome_text == "Discussed with Pat; referral made"


async def test_requester_sees_the_advice_on_home_and_closes_with_outcome(
    make_app: Callable[..., ShareApp], ui_services: Services, who: Callable[[str], Actor]
) -> None:
    request = ask(ui_services, who("pat"), "Can I tell the GP?")
    ui_services.advice.claim(who("sam"), request.id)
    ui_services.advice.advise(who("sam"), request.id, "Yes: health and social care condition")

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "pat")
        assert isinstance(app.screen, HomeScreen)
        (row,) = rows(app, "#advice-table")
        assert row[0] == "Can I tell the GP?"
        assert row[2] == "Advice given: record the outcome"
        assert row[3].startswith("Yes: health and social care")

        app.screen.query_one("#advice-table", DataTable).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AdviceItemScreen)
        shown = screen_text(app, fold=True)
        assert "Sam Supervisor" in shown and "Yes: health and social care condition" in shown
        await pilot.press("c")  # a requester cannot claim: nothing happens
        await settle(pilot)
        assert isinstance(app.screen, AdviceItemScreen)

        await pilot.press("o")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Enter the outcome of the advice" in screen_text(app, fold=True)
        await pilot.press(*"Told the GP by secure email")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "CLOSED at" in screen_text(app, fold=True)

        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert rows(app, "#advice-table")[0][0] == "No open advice requests"
    stored = ui_services.advice.get(who("pat"), request.id)
    assert stored.status is AdviceStatus.CLOSED
    assert stored.outcome_text == "Told the GP by secure email"


async def test_requester_continues_the_linked_decision(
    make_app: Callable[..., ShareApp], ui_services: Services, who: Callable[[str], Actor]
) -> None:
    pat = who("pat")
    draft = ui_services.drafts.save(pat, kind="decision", payload={}, title="Unfinished")
    request = ask(ui_services, pat, "Before I decide", draft_id=draft.id)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "pat")
        app.open_advice(request.id)
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, DecisionFlowScreen)


# -- without a key press ------------------------------------------------------------------
async def test_new_urgent_item_appears_on_queue_and_home_without_input(
    make_app: Callable[..., ShareApp],
    ui_services: Services,
    who: Callable[[str], Actor],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(AdviceQueueScreen, "REFRESH_SECONDS", 0.2)
    monkeypatch.setattr(HomeScreen, "QUEUE_REFRESH_SECONDS", 0.2)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "sam")
        counts = app.screen.query_one("#queue-counts", Static)
        assert "Urgent: 0" in str(counts.render())
        ask(ui_services, who("pat"), "Home: is the child safe tonight?", urgency="urgent")
        await wait_for(pilot, lambda: "Urgent: 1" in str(counts.render()))

        app.open_queue()
        await wait_for(pilot, lambda: len(rows(app, "#queue-table")) == 1)
        assert [r[4] for r in rows(app, "#queue-table")] == ["Home: is the child safe tonight?"]
        ask(ui_services, who("pip"), "Queue: disclosure just made", urgency="urgent")
        await wait_for(pilot, lambda: len(rows(app, "#queue-table")) == 2)
        assert rows(app, "#queue-table")[1][4] == "Queue: disclosure just made"
        assert rows(app, "#queue-table")[1][0] == "URGENT"


# -- pictures -----------------------------------------------------------------------------
FIXED = datetime(2026, 3, 4, 9, 30, tzinfo=UTC)  # a Wednesday
FIXED_CLOCK = Clock(ZoneInfo("Europe/London"), lambda: FIXED)


def test_snapshot_raise_dialog_with_errors(
    snap_compare: Callable[..., bool], make_app: Callable[..., ShareApp]
) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await sign_in(pilot, "pat")
        await open_dialog(pilot, RaiseAdviceDialog(person_id=None))
        question = pilot.app.screen.query_one("#question", TextArea)
        question.cursor_blink = False
        await pilot.press("ctrl+s")
        await settle(pilot)
        send = pilot.app.screen.query_one("#send")
        await wait_for(pilot, lambda: question.has_focus and not send.disabled)

    assert snap_compare(make_app(clock=FIXED_CLOCK), run_before=run_before, terminal_size=(80, 24))


def test_snapshot_queue(
    snap_compare: Callable[..., bool],
    make_app: Callable[..., ShareApp],
    ui_services: Services,
    who: Callable[[str], Actor],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pat = who("pat")
    child = person(ui_services, pat, dob=date(2018, 1, 1), reference="SNAP01")
    for question, urgency, age, anonymised in (
        ("Father asks for school reports [b]x[/b]", "today", timedelta(hours=2), True),
        ("Disclosure in class this morning", "urgent", timedelta(hours=3), False),
        ("Housing officer wants contact details", "routine", timedelta(days=1), False),
        ("Is a referral needed after the home visit?", "urgent", timedelta(minutes=20), True),
    ):
        with replayed_clock(lambda age=age: FIXED - age):
            ask(
                ui_services,
                pat,
                question,
                urgency=urgency,
                person_id=child.id,
                anonymised=anonymised,
            )

    async def run_before(pilot: Pilot[None]) -> None:
        await sign_in(pilot, "sam")
        pilot.app.open_queue()  # type: ignore[attr-defined]
        await settle(pilot)

    with replayed_clock(lambda: FIXED):  # the services count overdue items at the same time
        assert snap_compare(
            make_app(clock=FIXED_CLOCK), run_before=run_before, terminal_size=(80, 24)
        )


def test_snapshot_anonymised_item_claimed_large(
    snap_compare: Callable[..., bool],
    make_app: Callable[..., ShareApp],
    ui_services: Services,
    who: Callable[[str], Actor],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pat = who("pat")
    child = person(
        ui_services, pat, family="Brown", given="Ellie", dob=date(2018, 1, 1), reference="SNAP02"
    )
    with replayed_clock(lambda: FIXED - timedelta(hours=2)):
        request = ask(
            ui_services,
            pat,
            "Mother's new partner asks the school for the child's address. [b]Share?[/b]",
            urgency="urgent",
            person_id=child.id,
            anonymised=True,
        )
    with replayed_clock(lambda: FIXED - timedelta(minutes=90)):
        ui_services.advice.claim(who("sam"), request.id)

    async def run_before(pilot: Pilot[None]) -> None:
        await sign_in(pilot, "sam")
        pilot.app.open_advice(request.id)  # type: ignore[attr-defined]
        await settle(pilot)

    with replayed_clock(lambda: FIXED):
        assert snap_compare(
            make_app(clock=FIXED_CLOCK), run_before=run_before, terminal_size=(120, 36)
        )
