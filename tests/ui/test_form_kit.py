"""What is typed is what is kept, for every form and dialog (the form kit).

Each dialog is one case below. For each: a multi-line paste is read back from the stored
record with its line breaks; the save key pressed twice with no pause stores exactly one
row; letters and a space typed into each of its choice lists change no answer; and what was
typed survives a lock and a switch of user, offered back under My drafts at the next
sign-in.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from textual import events
from textual.pilot import Pilot
from textual.widgets import DataTable, Input

from sharetui.domain.consent import ConsentInput
from sharetui.domain.enums import ConsentGiver, ConsentMethod, ConsentStatus
from sharetui.domain.person import PersonInput
from sharetui.services.facade import Services
from sharetui.services.unit_of_work import Actor
from sharetui.ui.app import ShareApp
from sharetui.ui.forms import Choices, LongText
from sharetui.ui.forms.dialog import FormDialog
from sharetui.ui.forms.field import shown_within
from sharetui.ui.screens.home import HomeScreen
from sharetui.ui.screens.lock import LockScreen
from tests.conftest import sign_in_as
from tests.ui.conftest import settle, sign_in
from tests.ui.screen import screen_text

BORDERS = re.compile("[█▀▄▊▎▔▁▐▌┃━┏┓┗┛│─▇▂▃▅▆]")
PASTED = "line1\nline2\r\nline3"
KEPT = "line1\nline2\nline3"


@dataclass
class World:
    """What a case arranged: people, requests, and who acts."""

    services: Services
    actors: dict[str, Actor] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)

    def who(self, username: str) -> Actor:
        if username not in self.actors:
            self.actors[username] = sign_in_as(self.services, username)
        return self.actors[username]


@dataclass
class Case:
    name: str
    user: str
    arrange: Callable[[World], None]
    open: Callable[[Pilot[None], World], Awaitable[None]]
    fill: Callable[[Pilot[None], World], Awaitable[None]]  # a complete, valid form
    rows: Callable[[World], int]  # how many of what it saves are stored
    pasted_into: str = ""  # id of the long-text field the multi-line paste goes into
    stored_text: Callable[[World], str] | None = None  # that field, read from the record


async def paste(pilot: Pilot[None], text: str) -> None:
    pilot.app.post_message(events.Paste(text))
    await pilot.pause()


def person(w: World, family: str, given: str, ref: str) -> int:
    return w.services.people.create(
        w.who("pat"),
        PersonInput(family, given, date_of_birth=date(2016, 3, 4), reference=ref),
        confirm_not_duplicate=True,
    ).id


def jane(w: World) -> None:
    w.ids["jane"] = person(w, "Smith", "Jane", "R1")


async def open_person_then(pilot: Pilot[None], w: World, *keys: str) -> None:
    app = pilot.app
    assert isinstance(app, ShareApp)
    app.open_person(w.ids["jane"])
    await settle(pilot)
    await pilot.press(*keys)
    await settle(pilot)


def typed_into(pilot: Pilot[None], box_id: str, text: str) -> Callable[[], Awaitable[None]]:
    async def go() -> None:
        pilot.app.screen.query_one(f"#{box_id}").focus()
        await pilot.pause()
        await pilot.press(*text)

    return go


# -- the cases ------------------------------------------------------------------------------
async def fill_consent(pilot: Pilot[None], w: World) -> None:
    await pilot.press("1", "1")  # given, by the person
    await pilot.press(*"Jane", "tab", "2")  # written
    await settle(pilot)
    pilot.app.screen.query_one("#told", LongText).focus()
    await paste(pilot, PASTED)
    for box, text in (("scope_information", "Health"), ("scope_recipient", "GP")):
        await typed_into(pilot, box, text)()
    await typed_into(pilot, "scope_purpose", "Care")()


def consent_rows(w: World) -> int:
    return len(w.services.consent.history(w.who("pat"), w.ids["jane"]))


def arrange_given(w: World) -> None:
    jane(w)
    w.services.consent.record(
        w.who("pat"),
        ConsentInput(
            person_id=w.ids["jane"],
            status=ConsentStatus.GIVEN,
            given_by=ConsentGiver.PERSON,
            method=ConsentMethod.WRITTEN,
            told="All of it",
            scope_information="Health",
            scope_recipient="GP",
            scope_purpose="Care",
        ),
    )


async def fill_withdraw(pilot: Pilot[None], w: World) -> None:
    pilot.app.screen.query_one("#given_by_name", Input).focus()
    await pilot.press(*"Jane herself")


async def open_add_person(pilot: Pilot[None], w: World) -> None:
    from sharetui.ui.screens.add_person import AddPersonDialog

    pilot.app.push_screen(AddPersonDialog())
    await settle(pilot)


async def fill_add_person(pilot: Pilot[None], w: World) -> None:
    await pilot.press(*"Okafor", "tab", *"Ada")
    pilot.app.screen.query_one("#notes", LongText).focus()
    await paste(pilot, PASTED)


def okafors(w: World) -> list[Any]:
    return list(w.services.people.find(w.who("pat"), "okafor").items)


def okafor_notes(w: World) -> str:
    (found,) = okafors(w)
    return w.services.people.open(w.who("pat"), found.id).notes


def arrange_two(w: World) -> None:
    jane(w)
    w.ids["mary"] = person(w, "Smith", "Mary", "R2")


async def fill_link(pilot: Pilot[None], w: World) -> None:
    await pilot.press(*"Mary")
    await settle(pilot)
    await pilot.press("down", "enter")
    await settle(pilot)
    await pilot.press("1")


def links(w: World) -> int:
    return len(w.services.people.open(w.who("pat"), w.ids["jane"]).links)


async def open_raise(pilot: Pilot[None], w: World) -> None:
    from sharetui.ui.screens.raise_advice import RaiseAdviceDialog

    pilot.app.push_screen(RaiseAdviceDialog())
    await settle(pilot)


async def fill_raise(pilot: Pilot[None], w: World) -> None:
    await paste(pilot, PASTED)
    await pilot.press("tab", "d", "t")


def requests(w: World) -> list[Any]:
    return w.services.advice.mine(w.who("pat"), include_closed=True)


def arrange_request(claimed: bool, advised: bool, anonymised: bool = False) -> Callable[[World], None]:
    def arrange(w: World) -> None:
        jane(w)
        view = w.services.advice.raise_request(
            w.who("pat"),
            question="May I share?",
            advice_role="dsl",
            urgency="routine",
            person_id=w.ids["jane"] if anonymised else None,
            anonymised=anonymised,
        )
        w.ids["advice"] = view.id
        if claimed:
            w.services.advice.claim(w.who("sam"), view.id)
        if advised:
            w.services.advice.advise(w.who("sam"), view.id, "Share the attendance only")

    return arrange


def open_item_then(key: str) -> Callable[[Pilot[None], World], Awaitable[None]]:
    async def go(pilot: Pilot[None], w: World) -> None:
        app = pilot.app
        assert isinstance(app, ShareApp)
        app.open_advice(w.ids["advice"])
        await settle(pilot)
        await pilot.press(key)
        await settle(pilot)

    return go


async def fill_text(pilot: Pilot[None], w: World) -> None:
    await paste(pilot, PASTED)


def advice_events(kind: str) -> Callable[[World], int]:
    def count(w: World) -> int:
        history = w.services.advice.history(w.who("sam"), w.ids["advice"])
        return sum(1 for e in history if e.kind == kind)

    return count


def advice_field(name: str) -> Callable[[World], str]:
    def read(w: World) -> str:
        return str(getattr(w.services.advice.get(w.who("sam"), w.ids["advice"]), name))

    return read


def reveal_note(w: World) -> str:
    history = w.services.advice.history(w.who("sam"), w.ids["advice"])
    return next(e.note for e in history if e.kind == "revealed")


async def open_consent_now(pilot: Pilot[None], w: World) -> None:
    from sharetui.ui.flow.consent_dialog import ConsentNowDialog

    pilot.app.push_screen(ConsentNowDialog(w.ids["jane"], "Health", "GP", "Care"))
    await settle(pilot)


async def fill_consent_now(pilot: Pilot[None], w: World) -> None:
    await pilot.press("1", *"Jane", "tab", "2")  # the person; written
    await settle(pilot)
    pilot.app.screen.query_one("#told", LongText).focus()
    await paste(pilot, PASTED)


def arrange_transfer(w: World) -> None:
    jane(w)
    w.services.register.add_org(w.who("sam"), "Riverside Junior School", "school")


async def open_transfer(pilot: Pilot[None], w: World) -> None:
    from sharetui.ui.screens.transfer_dialogs import StartTransferDialog

    pilot.app.push_screen(StartTransferDialog())
    await settle(pilot)


async def fill_transfer(pilot: Pilot[None], w: World) -> None:
    """The child, the new setting, the reason (pasted), the day, separately, how, the basis,
    no special category data, and what could happen if it did not arrive."""
    for text, keys in (("Jane", ("enter", "enter")), ("riverside", ("enter",))):
        await paste(pilot, text)
        await settle(pilot)
        await pilot.press(*keys)
        await settle(pilot)
    await paste(pilot, PASTED)
    await pilot.press("tab")
    await paste(pilot, "11/2/2026")
    await pilot.press("tab", "y", "tab", "1", "tab", "3", "n")
    await settle(pilot)
    await paste(pilot, "The new school would not know")


def transfers(w: World) -> list[Any]:
    return w.services.receipts.transfer_list(w.who("sam"))


def transfer_reason(w: World) -> str:
    [view] = transfers(w)
    record = w.services.decisions.versions(w.who("sam"), view.decision_id)[-1]
    return str(record.fields["transfer_reason"])


def arrange_share(w: World) -> None:
    jane(w)
    from tests.services.helpers import share

    w.ids["decision"] = w.services.decisions.log(w.who("pat"), share(w.ids["jane"])).id


async def open_receipt(pilot: Pilot[None], w: World) -> None:
    app = pilot.app
    assert isinstance(app, ShareApp)
    app.open_decision(w.ids["decision"])
    await settle(pilot)
    await pilot.press("c")
    await settle(pilot)


async def fill_receipt(pilot: Pilot[None], w: World) -> None:
    await pilot.press("c")  # confirmed: on to who
    await pilot.press(*"Sam Patel", "tab", "1")  # by secure email
    pilot.app.screen.query_one("#note").focus()
    await paste(pilot, PASTED)


def receipt_steps(w: World) -> tuple[Any, ...]:
    view = w.services.receipts.status(w.who("pat"), w.ids["decision"])
    assert view is not None
    return view.steps


CASES = [
    Case(
        "record consent",
        "pat",
        jane,
        lambda p, w: open_person_then(p, w, "r"),
        fill_consent,
        consent_rows,
        "told",
        lambda w: w.services.consent.history(w.who("pat"), w.ids["jane"])[0].told,
    ),
    Case(
        "consent given now",
        "pat",
        jane,
        open_consent_now,
        fill_consent_now,
        consent_rows,
        "told",
        lambda w: w.services.consent.history(w.who("pat"), w.ids["jane"])[0].told,
    ),
    Case(
        "withdraw consent",
        "pat",
        arrange_given,
        lambda p, w: open_person_then(p, w, "w"),
        fill_withdraw,
        lambda w: consent_rows(w) - 1,
    ),
    Case(
        "add a person",
        "pat",
        lambda w: None,
        open_add_person,
        fill_add_person,
        lambda w: len(okafors(w)),
        "notes",
        okafor_notes,
    ),
    Case(
        "link a person",
        "pat",
        arrange_two,
        lambda p, w: open_person_then(p, w, "p", "l"),
        fill_link,
        links,
    ),
    Case(
        "ask for advice",
        "pat",
        lambda w: None,
        open_raise,
        fill_raise,
        lambda w: len(requests(w)),
        "question",
        lambda w: requests(w)[0].question,
    ),
    Case(
        "advice",
        "sam",
        arrange_request(claimed=True, advised=False),
        open_item_then("a"),
        fill_text,
        advice_events("advised"),
        "text",
        advice_field("advice_text"),
    ),
    Case(
        "outcome",
        "pat",
        arrange_request(claimed=True, advised=True),
        open_item_then("o"),
        fill_text,
        advice_events("closed"),
        "text",
        advice_field("outcome_text"),
    ),
    Case(
        "reveal reason",
        "sam",
        arrange_request(claimed=True, advised=False, anonymised=True),
        open_item_then("i"),
        fill_text,
        advice_events("revealed"),
        "text",
        reveal_note,
    ),
    Case(
        "child protection file transfer",
        "sam",
        arrange_transfer,
        open_transfer,
        fill_transfer,
        lambda w: len(transfers(w)),
        "transfer_reason",
        transfer_reason,
    ),
    Case(
        "receipt step",
        "pat",
        arrange_share,
        open_receipt,
        fill_receipt,
        lambda w: len(receipt_steps(w)),
        "note",
        lambda w: receipt_steps(w)[-1].note,
    ),
]
IDS = [c.name for c in CASES]


def words(pilot: Pilot[None]) -> str:
    """The whole screen as a person reads it: borders gone, lines wrapped back together."""
    return " ".join(BORDERS.sub(" ", screen_text(pilot)).split())


async def unreached_by_tab(pilot: Pilot[None], dialog: FormDialog) -> list[str]:
    """The questions on show in the dialog that Tab does not reach, or that are not in view
    on the screen when they have the focus (at 80 x 24 a question out of reach is missed).
    The focus is put back where it was, so the form is as it was opened."""
    shown = {}
    for name in dialog.FIELDS:
        widget = dialog._widget(name)
        if widget is not None and shown_within(widget, dialog):
            shown[name] = widget
    reached: set[str] = set()
    start = focused = pilot.app.focused
    for _ in range(6 * len(shown) + 10):
        if focused is None:
            break
        for name, widget in shown.items():
            if focused is widget or widget in focused.ancestors:
                where = dialog.find_widget(focused)  # raises when it is not on screen
                seen = where.visible_region.height
                assert seen >= min(where.region.height, 3), f"{name} out of view: {where}"
                reached.add(name)
        await pilot.press("tab")
        await pilot.pause()
        await pilot.pause()  # the focus scrolls its question into view after a refresh
        focused = pilot.app.focused
        if focused is start:
            break
    if start is not None:
        start.focus()
        await pilot.pause()
    return sorted(set(shown) - reached)


def dialog_of(app: Any) -> FormDialog:
    assert isinstance(app.screen, FormDialog), app.screen
    return app.screen


@pytest.mark.parametrize("case", CASES, ids=IDS)
async def test_saved_once_with_pasted_lines_kept(make_app, ui_services, case: Case) -> None:
    w = World(ui_services)
    case.arrange(w)
    before = case.rows(w)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, case.user)
        await case.open(pilot, w)
        dialog = dialog_of(app)
        # At 80 x 24 every question can be reached by Tab and is in view when it is.
        missing = await unreached_by_tab(pilot, dialog)
        assert not missing, f"not reached by Tab at 80 x 24: {missing}"
        await case.fill(pilot, w)
        await settle(pilot)
        if case.pasted_into:
            # every line of the paste is on the form, and on screen
            assert dialog.query_one(f"#{case.pasted_into}", LongText).value == KEPT
            box = dialog.query_one(f"#{case.pasted_into}", LongText)
            box.focus()
            await settle(pilot)
            shown = screen_text(pilot).splitlines()
            assert any("line1" in row for row in shown) and any("line3" in row for row in shown)
        await pilot.press("ctrl+s", "ctrl+s", "ctrl+s")  # no pause between them
        await settle(pilot)
        assert dialog not in app.screen_stack, "the form closed once its save was done"
    assert case.rows(w) == before + 1  # exactly one row, however often the key was pressed
    if case.stored_text is not None:
        assert case.stored_text(w) == KEPT


@pytest.mark.parametrize("case", CASES, ids=IDS)
async def test_typing_into_a_choice_list_changes_no_answer(
    make_app, ui_services, case: Case
) -> None:
    w = World(ui_services)
    case.arrange(w)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, case.user)
        await case.open(pilot, w)
        dialog = dialog_of(app)
        before = dialog.values()
        lists = [c for c in dialog.query(Choices).results(Choices) if shown_within(c, dialog)]
        for choices in lists:
            own = {o.key for o in choices.options}
            strays = [ch for ch in "xqzjvAB" if ch.lower() not in own][:4] + ["space"]
            choices.focus()
            await pilot.pause()
            await pilot.press(*strays)
            await settle(pilot)
            drawn = " ".join(str(choices.render()).split())
            assert "to choose, Tab for the next question" in drawn
        assert dialog.values() == before


@pytest.mark.parametrize("case", CASES, ids=IDS)
async def test_typed_text_survives_lock_and_switch_user(
    make_app, ui_services, case: Case
) -> None:
    w = World(ui_services)
    case.arrange(w)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, case.user)
        await case.open(pilot, w)
        dialog = dialog_of(app)
        await case.fill(pilot, w)
        await settle(pilot)
        typed = dialog.values()
        kind = dialog.DRAFT_KIND
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert isinstance(app.screen, LockScreen)
        await pilot.press("f6")  # switch user: the typed work is kept as a draft first
        await settle(pilot)
        assert app.actor is None
        await sign_in(pilot, case.user)
        assert isinstance(app.screen, HomeScreen)
        drafts = app.screen.query_one("#drafts-table", DataTable)
        drafts.focus()
        await pilot.press("enter")
        await settle(pilot)
        back = app.screen
        assert isinstance(back, FormDialog) and kind == back.DRAFT_KIND, back
        kept = back.values()
        for name, value in typed.items():
            if name in ("person",):  # the person picked in a link is chosen again
                continue
            assert kept.get(name) == value, name


async def test_a_form_opened_and_left_untouched_keeps_no_draft(make_app, ui_services) -> None:
    w = World(ui_services)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "pat")
        await open_raise(pilot, w)
        await pilot.press("ctrl+l")
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
    assert ui_services.drafts.mine(w.who("pat")) == []


async def test_a_paste_past_a_limit_keeps_what_fits_and_says_so(make_app, ui_services) -> None:
    w = World(ui_services)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "pat")
        await open_add_person(pilot, w)
        await paste(pilot, "x" * 250)  # the family name holds 200
        await settle(pilot)
        box = app.screen.query_one("#family_name", Input)
        assert box.value == "x" * 200
        assert "holds up to 200 characters: the last 50" in words(pilot)


async def test_a_decision_whose_draft_cannot_be_saved_stays_open(make_app, ui_services) -> None:
    """The draft save fails (its table is made read-only by a trigger, as a full or locked
    database would refuse it): Esc does not close the flow on answers that were not kept."""
    import sqlite3

    from sharetui.ui.screens.decision_flow import DecisionFlowScreen

    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await sign_in(pilot, "pat")
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("y")  # one answer: leaving should keep it
        await settle(pilot)
        path = ui_services.store.engine.url.database
        with sqlite3.connect(path) as conn:
            for verb in ("INSERT", "UPDATE"):
                conn.execute(
                    f"CREATE TRIGGER no_draft_{verb.lower()} BEFORE {verb} ON draft "
                    "BEGIN SELECT RAISE(ABORT, 'disk full'); END"
                )
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DecisionFlowScreen)
        assert app.screen.state.data.urgent is True  # the answer is still there
    assert ui_services.drafts.mine(World(ui_services).who("pat")) == []


async def test_drafts_are_discarded_from_the_form_and_from_my_drafts(
    make_app, ui_services
) -> None:
    from sharetui.ui.screens.decision_flow import DecisionFlowScreen

    w = World(ui_services)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "pat")
        for _ in range(2):  # two decisions left with one answer each: two drafts
            await pilot.press("n")
            await settle(pilot)
            await pilot.press("y", "enter")
            await settle(pilot)
            assert isinstance(app.screen, DecisionFlowScreen)
            await pilot.press("escape", "escape")
            await settle(pilot)
        assert len(ui_services.drafts.mine(w.who("pat"))) == 2
        # from My drafts: x, then yes
        app.screen.query_one("#drafts-table", DataTable).focus()
        await pilot.press("x", "y")
        await settle(pilot)
        assert len(ui_services.drafts.mine(w.who("pat"))) == 1
        # from the form: open the other, Ctrl+D, then yes
        app.screen.query_one("#drafts-table", DataTable).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DecisionFlowScreen)
        await pilot.press("ctrl+d", "y")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
    assert ui_services.drafts.mine(w.who("pat")) == []
