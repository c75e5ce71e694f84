"""Person lookup and consent history, driven through the keyboard as a person at the desk would."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, OptionList, Static, TextArea

from sharetui.domain.consent import ConsentInput
from sharetui.domain.enums import (
    ConsentGiver,
    ConsentMethod,
    ConsentStatus,
    NotSoughtReason,
    Relationship,
)
from sharetui.domain.person import PersonInput
from sharetui.services.facade import Services
from sharetui.services.views import PersonSummary
from sharetui.store.types import replayed_clock
from sharetui.ui.app import ShareApp
from sharetui.ui.screens.add_person import AddPersonDialog
from sharetui.ui.screens.person import PersonScreen
from sharetui.ui.screens.record_consent import (
    ConsentEventDialog,
    RecordConsentDialog,
    WithdrawConsentDialog,
)
from sharetui.ui.screens.search import PAGE_SIZE, PersonSearchScreen
from tests.ui.conftest import settle, sign_in
from tests.ui.person_helpers import actor, arrange_timeline
from tests.ui.screen import screen_text

LONDON = ZoneInfo("Europe/London")
HOSTILE_FAMILY = "[@click=app.quit]x[/]"
HOSTILE_GIVEN = "[/"
HOSTILE_OTHER = "\x1b]0;pwned\x07"


def add(services: Services, family: str, given: str, dob: date | None, ref: str, **extra: str):
    pat = actor(services, "pat")
    return services.people.create(
        pat,
        PersonInput(
            family_name=family, given_names=given, date_of_birth=dob, reference=ref, **extra
        ),
        confirm_not_duplicate=True,
    )


def cells(table: DataTable, column: int = 0) -> list[str]:
    """The text of one column, top to bottom, as shown."""
    return [str(table.get_row_at(i)[column]) for i in range(table.row_count)]


def today_words() -> str:
    return datetime.now(LONDON).strftime("%-d %B %Y")


async def open_search(pilot: Pilot[None], username: str = "pat") -> PersonSearchScreen:
    await sign_in(pilot, username)
    await pilot.press("f")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, PersonSearchScreen)
    return screen


async def search(pilot: Pilot[None], text: str) -> DataTable:
    """Clear the box and type the query key by key, as at the desk."""
    box = pilot.app.screen.query_one("#search", Input)
    box.value = ""
    box.focus()
    await pilot.press(*text)
    await settle(pilot)
    return pilot.app.screen.query_one("#results", DataTable)


async def open_person(pilot: Pilot[None], person_id: int, username: str = "pat") -> PersonScreen:
    await sign_in(pilot, username)
    pilot.app.open_person(person_id)  # type: ignore[attr-defined]
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, PersonScreen)
    return screen


def consent_words(screen: PersonScreen) -> list[str]:
    options = screen.query_one("#consent-lines", OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


# -- search -----------------------------------------------------------------------------------
async def test_search_by_partial_names_in_any_order_ignoring_accents_and_case(
    make_app: Callable[..., ShareApp], ui_services: Services
) -> None:
    add(ui_services, "Smith", "Jane Amélie", date(2016, 3, 4), "A1")
    add(ui_services, "Smyth", "John", date(2015, 1, 2), "A2")
    add(ui_services, "Jones", "Jane", date(2014, 5, 6), "A3", other_names="Brown")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_search(pilot)
        table = await search(pilot, "AME smi")
        assert cells(table) == ["Smith, Jane Amélie"]
        table = await search(pilot, "jane")
        assert cells(table) == ["Jones, Jane", "Smith, Jane Amélie"]
        table = await search(pilot, "brow")  # other names are searched too
        assert cells(table) == ["Jones, Jane"]
        assert cells(table, 1) == ["Brown"]
        table = await search(pilot, "zzz")
        assert table.row_count == 0
        status = str(app.screen.query_one("#search-status", Static).render())
        assert "No one found" in status and "Ctrl+N" in status


async def test_similar_names_come_after_the_exact_ones_under_headings_with_the_reason(
    make_app: Callable[..., ShareApp], ui_services: Services
) -> None:
    add(ui_services, "Smith", "Elizabeth", date(2016, 3, 4), "S1")
    smyth = add(ui_services, "Smyth", "Elizabeth", date(2015, 1, 2), "S2")
    add(ui_services, "Smith", "Beth", date(2014, 5, 6), "S3")
    add(ui_services, "Snith", "Elizabeth", date(2013, 5, 6), "S4")  # a keying slip
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_search(pilot)
        table = await search(pilot, "liz smith")
        assert cells(table) == [
            "Similar names: short form",  # closest spelling first
            "Smith, Elizabeth",
            "Smith, Beth",
            "Similar names: sounds like",
            "Smyth, Elizabeth",
            "Similar names: one letter different",
            "Snith, Elizabeth",
        ]
        table = await search(pilot, "elizabeth smith")
        assert cells(table) == [
            "Smith, Elizabeth",
            "Similar names: short form",
            "Smith, Beth",
            "Similar names: sounds like",
            "Smyth, Elizabeth",
            "Similar names: one letter different",
            "Snith, Elizabeth",
        ]
        status = str(screen.query_one("#search-status", Static).render())
        assert "3 similar names, after the exact ones." in status
        # Enter on a heading does nothing; on a similar name it opens that person
        await pilot.press("down", "down", "enter")
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("down", "down", "down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, PersonScreen) and app.screen.person_id == smyth.id


async def test_search_by_date_of_birth_and_by_reference(
    make_app: Callable[..., ShareApp], ui_services: Services
) -> None:
    add(ui_services, "Smith", "Jane", date(2016, 3, 4), "REF123")
    add(ui_services, "Patel", "Ravi", date(2016, 3, 5), "REF999")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_search(pilot)
        table = await search(pilot, "4/3/2016")
        assert cells(table) == ["Smith, Jane"]
        table = await search(pilot, "2016-03-05")
        assert cells(table) == ["Patel, Ravi"]
        table = await search(pilot, "ref9")
        assert cells(table) == ["Patel, Ravi"]
        assert cells(table, 3) == ["REF999"]
        # Enter opens the record
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, PersonScreen)
        heading = str(app.screen.query_one("#person-heading", Static).render())
        assert heading.startswith("Patel, Ravi")


async def test_search_pages_results_and_shows_only_the_latest_query(
    make_app: Callable[..., ShareApp], ui_services: Services
) -> None:
    for i in range(40):
        add(ui_services, "Taylor", f"Sam{i:02d}", date(2010, 1, 1), f"T{i:03d}")
    add(ui_services, "Okafor", "Ada", date(2012, 2, 2), "O1")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_search(pilot)
        table = await search(pilot, "tay")
        assert table.row_count == PAGE_SIZE
        assert cells(table)[0] == "Taylor, Sam00"
        assert "more on the next page" in str(screen.query_one("#search-status").render())
        await pilot.press("pagedown")
        await settle(pilot)
        assert cells(table)[0] == f"Taylor, Sam{PAGE_SIZE:02d}"
        await pilot.press("pagedown")
        await settle(pilot)
        assert table.row_count == 40 - 2 * PAGE_SIZE
        await pilot.press("pageup")
        await settle(pilot)
        assert cells(table)[0] == f"Taylor, Sam{PAGE_SIZE:02d}"
        # typed quickly, key after key without waiting: only the last query's rows remain
        box = screen.query_one("#search", Input)
        box.value = ""
        await pilot.press(*"taylor")
        box.value = ""
        await pilot.press(*"oka")
        await settle(pilot)
        assert cells(table) == ["Okafor, Ada"]


async def test_namesakes_show_newest_activity_first(
    make_app: Callable[..., ShareApp], ui_services: Services
) -> None:
    first = add(ui_services, "Smith", "Jane", date(2016, 3, 4), "OLD1")
    add(ui_services, "Smith", "Jane", date(2012, 1, 1), "NEW2")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_search(pilot)
        table = await search(pilot, "jane smith")
        assert cells(table, 3) == ["NEW2", "OLD1"]
        # something is recorded about the older record: it comes first now
        ui_services.consent.record(
            actor(ui_services, "pat"),
            ConsentInput(
                person_id=first.id,
                status=ConsentStatus.REFUSED,
                given_by=ConsentGiver.PERSON,
                method=ConsentMethod.VERBAL,
                scope_information="Health",
                scope_recipient="GP",
                scope_purpose="Care",
            ),
        )
        table = await search(pilot, "jane smith")
        assert cells(table, 3) == ["OLD1", "NEW2"]


async def test_add_person_checks_for_a_duplicate_first(
    make_app: Callable[..., ShareApp], ui_services: Services
) -> None:
    existing = add(ui_services, "Smith", "Jane", date(2016, 3, 4), "R1")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_search(pilot)
        table = await search(pilot, "Jane Smith 4/3/2016")
        assert cells(table) == ["Smith, Jane"]
        # she is found, but say the desk goes to add her anyway: the duplicate check stops it
        await pilot.press("ctrl+n")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, AddPersonDialog)
        assert dialog.query_one("#family_name", Input).value == "Smith"
        assert dialog.query_one("#given_names", Input).value == "Jane"
        assert dialog.query_one("#date_of_birth", Input).value == "4/3/2016"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, AddPersonDialog)
        shown = screen_text(pilot)
        assert "Possible duplicate" in shown and "ref R1" in shown
        await pilot.press("ctrl+o")  # open that record
        await settle(pilot)
        assert isinstance(app.screen, PersonScreen)
        assert app.screen.person_id == existing.id
        pat = actor(ui_services, "pat")
        assert len(ui_services.people.find(pat, "smith jane").items) == 1

        # back to the search: this time it is a different child with the same name and DOB
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Possible duplicate" in screen_text(pilot)
        await pilot.press("ctrl+n")  # this is a different person
        await settle(pilot)
        assert isinstance(app.screen, PersonScreen)
        assert app.screen.person_id != existing.id
        assert len(ui_services.people.find(pat, "smith jane").items) == 2


async def test_add_person_shows_similar_names_born_the_same_day_before_adding(
    make_app: Callable[..., ShareApp], ui_services: Services
) -> None:
    existing = add(ui_services, "Smyth", "Katherine", date(2016, 3, 4), "R1")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_search(pilot)
        await search(pilot, "Catherine Smith 4/3/2016")
        await pilot.press("ctrl+n")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, AddPersonDialog)
        shown = screen_text(pilot)
        assert "Possible duplicate" in shown
        assert "sounds like: Smyth, Katherine" in shown and "ref R1" in shown
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert isinstance(app.screen, PersonScreen) and app.screen.person_id == existing.id


async def test_add_person_shows_field_errors_and_keeps_what_was_typed(
    make_app: Callable[..., ShareApp], ui_services: Services
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_search(pilot)
        await search(pilot, "Okafor 31/2/2016")
        await pilot.press("ctrl+n")
        await settle(pilot)
        dialog = app.screen
        dialog.query_one("#date_of_birth", Input).value = "next tuesday"
        await pilot.press("ctrl+s")
        await settle(pilot)
        shown = screen_text(pilot)
        assert "There is a problem" in shown
        assert "Enter the given name or names" in shown
        assert "Enter the date of birth as day/month/year" in shown
        assert dialog.query_one("#family_name", Input).value == "Okafor"
        assert dialog.query_one("#date_of_birth", Input).value == "next tuesday"


async def test_esc_asks_before_discarding_typed_details_of_a_new_person(
    make_app: Callable[..., ShareApp], ui_services: Services
) -> None:
    from sharetui.ui.screens.dialogs import LeaveDialog

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_search(pilot)
        await search(pilot, "Okafor")
        await pilot.press("ctrl+n", "escape")  # only what the search filled in: closes
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("ctrl+n")
        await settle(pilot)
        dialog = app.screen
        await pilot.press(*"Ada")  # the given names
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, LeaveDialog)
        await pilot.press("escape")  # no: keep typing, everything still there
        await settle(pilot)
        assert app.screen is dialog
        assert dialog.query_one("#given_names", Input).value == "Ada"
        await pilot.press("escape", "d")
        await settle(pilot)
        assert app.screen is screen
        assert ui_services.people.find(actor(ui_services, "pat"), "okafor").items == ()


# -- the person view ---------------------------------------------------------------------------
async def test_navigate_through_a_family_link_and_add_one(
    make_app: Callable[..., ShareApp], ui_services: Services
) -> None:
    jane = add(ui_services, "Smith", "Jane", date(2016, 3, 4), "R1")
    mary = add(ui_services, "Smith", "Mary", date(1986, 1, 2), "R2")
    add(ui_services, "Smith", "Tom", date(2018, 7, 8), "R3")
    pat = actor(ui_services, "pat")
    ui_services.people.link(pat, mary.id, jane.id, "parent_with_pr")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_person(pilot, jane.id)
        await pilot.press("p")
        links = screen.query_one("#links", DataTable)
        assert cells(links) == ["Parent (parental responsibility)"]
        assert cells(links, 1) == ["Smith, Mary"]
        await pilot.press("enter")
        await settle(pilot)
        mum = app.screen
        assert isinstance(mum, PersonScreen) and mum.person_id == mary.id
        await pilot.press("p")
        assert cells(mum.query_one("#links", DataTable)) == ["Child"]
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen

        # link Tom as Jane's sibling: pick him by typing, then the relationship
        await pilot.press("l")
        await settle(pilot)
        await pilot.press(*"tom smi")
        await settle(pilot)
        await pilot.press("down", "enter")  # choose the match
        await pilot.press(*["down"] * list(Relationship).index(Relationship.SIBLING), "enter")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert cells(links, 1) == ["Smith, Mary", "Smith, Tom"]
        assert "Sibling" in cells(links)


async def test_the_picker_shows_similar_names_under_a_heading_and_picks_one(
    make_app: Callable[..., ShareApp], ui_services: Services
) -> None:
    from sharetui.ui.screens.link_person import LinkPersonDialog

    jane = add(ui_services, "Smith", "Jane", date(2016, 3, 4), "R1")
    add(ui_services, "O'Brien", "Łucja", date(2017, 3, 4), "R2")
    mohammed = add(ui_services, "Khan", "Mohammed", date(2012, 3, 4), "R3")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_person(pilot, jane.id)
        await pilot.press("p", "l")
        await settle(pilot)
        await pilot.press(*"lucja obrien")
        await settle(pilot)
        assert "O'Brien, Łucja" in screen_text(pilot)
        linking = app.screen
        assert isinstance(linking, LinkPersonDialog)
        box = linking.query_one(".picker-input", Input)
        box.value = ""
        await pilot.press(*"muhammad kahn")
        await settle(pilot)
        shown = screen_text(pilot)
        assert "Similar names: sounds like" in shown and "Khan, Mohammed" in shown
        await pilot.press("down", "enter")  # the first match, not the heading
        await settle(pilot)
        assert "Chosen: Khan, Mohammed" in str(linking.query_one("#chosen", Static).render())
        assert mohammed.id != jane.id


async def test_the_picker_adds_someone_not_on_record_without_leaving_the_form(
    make_app: Callable[..., ShareApp], ui_services: Services
) -> None:
    from sharetui.ui.screens.link_person import LinkPersonDialog

    jane = add(ui_services, "Smith", "Jane", date(2016, 3, 4), "R1")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_person(pilot, jane.id)
        await pilot.press("p", "l")
        await settle(pilot)
        await pilot.press(*"Ola Adebayo")
        await settle(pilot)
        assert "No one found for that search. Ctrl+N: add a person." in screen_text(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        adding = app.screen
        assert isinstance(adding, AddPersonDialog)
        assert adding.query_one("#given_names", Input).value == "Ola"
        assert adding.query_one("#family_name", Input).value == "Adebayo"
        await pilot.press("ctrl+s")
        await settle(pilot)
        linking = app.screen
        assert isinstance(linking, LinkPersonDialog)
        assert "Chosen: Adebayo, Ola" in str(linking.query_one("#chosen", Static).render())
        await pilot.press("3", "ctrl+s")  # Carer (parental responsibility)
        await settle(pilot)
        assert app.screen is screen
        links = screen.query_one("#links", DataTable)
        assert cells(links) == ["Carer (parental responsibility)"]
        assert cells(links, 1) == ["Adebayo, Ola"]


async def test_record_given_then_withdraw_changes_the_current_state_in_words(
    make_app: Callable[..., ShareApp], ui_services: Services
) -> None:
    jane = add(ui_services, "Smith", "Jane", date(2016, 3, 4), "R1")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_person(pilot, jane.id)
        assert "No consent recorded" in screen_text(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, RecordConsentDialog)
        await pilot.press("ctrl+s")  # nothing chosen: every problem is listed, nothing saved
        await settle(pilot)
        shown = screen_text(pilot)
        assert "There is a problem" in shown
        assert "Choose given, refused, withdrawn or not sought" in shown
        await pilot.press(
            "1",  # Given: a choice moves on to the next question
            "2",  # a parent with parental responsibility
            *"Mary Smith",
            "tab", "1",  # verbal
            *"Who would see it and why",
            "tab", *"Health information",
            "tab", *"School nurse",
            "tab", *"Care plan",
        )  # fmt: skip
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        today = today_words()
        assert consent_words(screen) == [
            "GIVEN: Consent given by Mary Smith (a parent with parental responsibility) on "
            f"{today} for sharing Health information with School nurse for Care plan"
        ]

        await pilot.press("w")  # withdraw: one key from the line, then confirm who and how
        await settle(pilot)
        assert isinstance(app.screen, WithdrawConsentDialog)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert consent_words(screen) == [
            "WITHDRAWN: Consent given by Mary Smith (a parent with parental responsibility) "
            f"on {today} for sharing Health information with School nurse for Care plan; "
            f"withdrawn by Mary Smith (a parent with parental responsibility) on {today}"
        ]
        history = ui_services.consent.history(actor(ui_services, "pat"), jane.id)
        assert [e.status for e in history] == [ConsentStatus.WITHDRAWN, ConsentStatus.GIVEN]

        # the timeline holds both events, newest first, each opening in full
        await pilot.press("t")
        timeline = screen.query_one("#timeline", DataTable)
        assert cells(timeline, 1) == ["Consent withdrawn", "Consent given"]
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ConsentEventDialog)
        full = screen_text(pilot)
        for words in (
            "What happened: Consent given",
            "Who: A parent with parental responsibility",
            "Their name: Mary Smith",
            "How: Verbal",
            "What they were told: Who would see it and why",
            "Recorded by: Pat Practitioner",
        ):
            assert words in full


async def test_not_sought_needs_a_reason(
    make_app: Callable[..., ShareApp], ui_services: Services
) -> None:
    jane = add(ui_services, "Smith", "Jane", date(2016, 3, 4), "R1")
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await open_person(pilot, jane.id)
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("4")  # Not sought: on to why
        # past the reason and 'what they were told' (not needed here) to the scope
        await pilot.press(
            "tab", "tab", *"Health information", "tab", *"Social care", "tab", *"Referral"
        )  # fmt: skip
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Choose why consent was not sought" in screen_text(pilot)
        dialog = app.screen
        dialog.query_one("#not_sought_reason").focus()
        await pilot.press("1")  # Seeking it would be unsafe
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert consent_words(screen) == [
            f"NOT SOUGHT: Consent not sought on {today_words()} for sharing Health "
            "information with Social care for Referral (seeking it would be unsafe)"
        ]
        # a line that is not 'given' cannot be withdrawn: say so in words
        await pilot.press("w")
        await settle(pilot)
        assert app.screen is screen
        toasts = " ".join(str(toast.render()) for toast in app.screen.query("Toast"))
        assert "not sought: only consent that is given can be withdrawn" in toasts


async def test_a_half_typed_consent_record_survives_sign_out_as_a_draft(
    make_app: Callable[..., ShareApp], ui_services: Services
) -> None:
    jane = add(ui_services, "Smith", "Jane", date(2016, 3, 4), "R1")
    pat = actor(ui_services, "pat")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_person(pilot, jane.id)
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("1", "1", *"Jane", "tab", "2")
        app.screen.query_one("#told", TextArea).text = "Who would see it"
        await pilot.press("ctrl+q", "y")  # sign out before saving
        await settle(pilot)
        assert ui_services.consent.history(pat, jane.id) == []
        drafts = ui_services.drafts.mine(pat)
        assert [d.title for d in drafts] == ["Consent record: Smith, Jane"]

        await sign_in(pilot, "pat")
        assert "Consent record: Smith, Jane" in screen_text(pilot)
        app.screen.query_one("#drafts-table", DataTable).focus()
        await pilot.press("enter")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, RecordConsentDialog)
        assert dialog.values()["status"] == "given"
        assert dialog.values()["given_by"] == "person"
        assert dialog.values()["given_by_name"] == "Jane"
        assert dialog.values()["method"] == "written"
        assert dialog.values()["told"] == "Who would see it"
        for field, text in (
            ("scope_information", "Health"),
            ("scope_recipient", "GP"),
            ("scope_purpose", "Care"),
        ):
            dialog.query_one(f"#{field}", Input).value = text
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, PersonScreen)
        assert consent_words(app.screen)[0].startswith("GIVEN: Consent given by Jane (the person)")
        assert ui_services.drafts.mine(pat) == []


async def test_esc_on_a_typed_consent_record_asks_and_keeps_it_by_default(
    make_app: Callable[..., ShareApp], ui_services: Services
) -> None:
    from sharetui.ui.screens.dialogs import LeaveDialog

    jane = add(ui_services, "Smith", "Jane", date(2016, 3, 4), "R1")
    pat = actor(ui_services, "pat")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_person(pilot, jane.id)
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("escape")  # nothing typed: it just closes
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("1", "1", *"Jane")
        await pilot.press("escape")  # typed: it asks; k keeps the answers as a draft
        await settle(pilot)
        assert isinstance(app.screen, LeaveDialog)
        await pilot.press("escape")  # Esc: back to the form, nothing lost
        await settle(pilot)
        assert app.screen.query_one("#given_by_name", Input).value == "Jane"
        await pilot.press("escape", "k")
        await settle(pilot)
        assert app.screen is screen
        [draft] = ui_services.drafts.mine(pat)
        assert draft.payload["values"]["given_by_name"] == "Jane"

        screen._open_consent_dialog(values=draft.payload["values"], draft_id=draft.id)
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, RecordConsentDialog)
        dialog.query_one("#scope_recipient", Input).value = "GP"
        await pilot.press("escape", "k")  # keeping now keeps the change as well
        await settle(pilot)
        [kept] = ui_services.drafts.mine(pat)
        assert kept.id == draft.id and kept.payload["values"]["scope_recipient"] == "GP"

        screen._open_consent_dialog(values=kept.payload["values"], draft_id=kept.id)
        await settle(pilot)
        await pilot.press("escape")  # reopened and left untouched: the draft stays as it was
        await settle(pilot)
        assert app.screen is screen
        assert [d.id for d in ui_services.drafts.mine(pat)] == [kept.id]
        screen._open_consent_dialog(values=kept.payload["values"], draft_id=kept.id)
        await settle(pilot)
        await pilot.press("ctrl+d", "y")  # discard: the draft goes, nothing is recorded
        await settle(pilot)
        assert app.screen is screen
        assert ui_services.drafts.mine(pat) == []
        assert ui_services.consent.history(pat, jane.id) == []


async def test_a_consent_draft_this_version_cannot_read_is_said_so_in_words(
    make_app: Callable[..., ShareApp], ui_services: Services
) -> None:
    from sharetui.ui.screens.dialogs import MessageDialog

    pat = actor(ui_services, "pat")
    ui_services.drafts.save(pat, kind="consent", payload={"person_id": "x"}, title="Consent")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "pat")
        app.screen.query_one("#drafts-table", DataTable).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MessageDialog)
        assert "not a consent record this version can open" in screen_text(pilot)


async def test_refused_and_withdrawn_scopes_are_as_visible_as_given(
    make_app: Callable[..., ShareApp], ui_services: Services
) -> None:
    jane = add(ui_services, "Smith", "Jane", date(2016, 3, 4), "R1")
    pat = actor(ui_services, "pat")
    base = dict(
        person_id=jane.id,
        given_by=ConsentGiver.PERSON,
        method=ConsentMethod.WRITTEN,
        told="Everything",
        scope_recipient="GP",
        scope_purpose="Care",
    )
    for info, status in (
        ("Health", ConsentStatus.GIVEN),
        ("School reports", ConsentStatus.REFUSED),
    ):
        ui_services.consent.record(pat, ConsentInput(status=status, scope_information=info, **base))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_person(pilot, jane.id)
        words = consent_words(screen)
        assert len(words) == 2
        assert {w.split(":")[0] for w in words} == {"GIVEN", "REFUSED"}
        shown = screen_text(pilot)
        assert "REFUSED: Consent refused by the person" in shown
        assert "GIVEN: Consent given by the person" in shown


async def test_timeline_pages_through_three_hundred_entries(
    make_app: Callable[..., ShareApp], ui_services: Services
) -> None:
    jane = add(ui_services, "Smith", "Jane", date(2016, 3, 4), "R1")
    total = arrange_timeline(ui_services, actor(ui_services, "pat"), jane.id)
    assert total == 300
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "pat")
        app.open_person(jane.id)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PersonScreen)
        assert "Smith, Jane" in screen_text(pilot)
        await pilot.press("t")
        timeline = screen.query_one("#timeline", DataTable)
        status = screen.query_one("#timeline-status", Static)
        seen: list[str] = []
        times: list[datetime] = []
        pages = 0
        while True:
            pages += 1
            assert 0 < timeline.row_count <= 20
            seen.extend(cells(timeline, 1))
            times.extend(datetime.strptime(t, "%d %b %Y %H:%M") for t in cells(timeline, 0))
            if "PageDown: older" not in str(status.render()):
                break
            await pilot.press("pagedown")
            await settle(pilot)
        assert pages == 15 and len(seen) == 300
        assert str(status.render()).startswith("Entries 281 to 300")
        # newest first: decisions and advice were recorded today, consent dated last winter
        assert seen[:50].count("Decision: Do not share") == 40
        assert seen.count("Advice pending") == 10
        assert times == sorted(times, reverse=True)  # newest first, across every page
        await pilot.press("pageup")
        await settle(pilot)
        assert str(status.render()).startswith("Entries 261 to 280")


async def test_viewed_by_is_shown_to_a_supervisor_and_not_to_a_practitioner(
    make_app: Callable[..., ShareApp], ui_services: Services
) -> None:
    jane = add(ui_services, "Smith", "Jane", date(2016, 3, 4), "R1")
    ui_services.people.open(actor(ui_services, "pip"), jane.id)  # Pip looked earlier
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_person(pilot, jane.id, "pat")
        assert not screen.query("#viewed-by")
        await pilot.press("v")
        assert "Viewed by" not in screen_text(pilot)
        for tab in "cptd":
            await pilot.press(tab)
            assert "Viewed by" not in screen_text(pilot)

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_person(pilot, jane.id, "sam")
        assert "Viewed by (v)" in screen_text(pilot)
        await pilot.press("v")
        viewers = cells(screen.query_one("#viewed-by", DataTable), 1)
        assert viewers == [
            "Sam Supervisor (sam)",
            "Pat Practitioner (pat)",
            "Pip Practitioner (pip)",
        ]


async def test_opening_the_view_writes_an_audit_event(
    make_app: Callable[..., ShareApp], ui_services: Services
) -> None:
    jane = add(ui_services, "Smith", "Jane", date(2016, 3, 4), "R1")
    from sharetui.services import audit

    sam = actor(ui_services, "sam")
    assert audit.viewed_by(ui_services.store, sam, jane.id) == []
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_person(pilot, jane.id, "pat")
    views = audit.viewed_by(ui_services.store, sam, jane.id)
    assert [(v.username, v.terminal) for v in views] == [("pat", "ui-test")]


async def test_from_the_record_seek_advice_start_a_decision_and_open_timeline_entries(
    make_app: Callable[..., ShareApp], ui_services: Services
) -> None:
    from sharetui.ui.screens.decision_flow import DecisionFlowScreen
    from sharetui.ui.screens.decision_view import DecisionScreen
    from sharetui.ui.screens.raise_advice import RaiseAdviceDialog

    jane = add(ui_services, "Smith", "Jane", date(2016, 3, 4), "R1")
    arrange_timeline(
        ui_services, actor(ui_services, "pat"), jane.id, consent=1, decisions=1, advice=0
    )
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_person(pilot, jane.id)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, RaiseAdviceDialog)
        assert app.screen.person_id == jane.id
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, DecisionFlowScreen)
        assert app.screen.person_id == jane.id
        app.pop_screen()
        await settle(pilot)
        await pilot.press("t")
        assert cells(screen.query_one("#timeline", DataTable), 1)[0] == "Decision: Do not share"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DecisionScreen)


# -- hostile data ------------------------------------------------------------------------------
async def test_a_hostile_name_is_shown_literally_and_harms_nothing(
    make_app: Callable[..., ShareApp], ui_services: Services
) -> None:
    person = add(
        ui_services,
        HOSTILE_FAMILY,
        HOSTILE_GIVEN,
        date(2016, 3, 4),
        "H1",
        other_names=HOSTILE_OTHER,
    )
    ui_services.consent.record(
        actor(ui_services, "pat"),
        ConsentInput(
            person_id=person.id,
            status=ConsentStatus.NOT_SOUGHT,
            not_sought_reason=NotSoughtReason.UNSAFE,
            scope_information="[b]bold[/b]",
            scope_recipient="[@click=app.quit]",
            scope_purpose="[/",
        ),
    )
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_search(pilot)
        table = await search(pilot, "quit")
        assert cells(table) == [f"{HOSTILE_FAMILY}, {HOSTILE_GIVEN}"]
        assert cells(table, 1) == ["]0;pwned"]  # the escape and bell were stripped on the way in
        # a click where a link would be, were the name markup, just opens the record
        await pilot.click("#results", offset=(4, 1))
        await settle(pilot)
        assert app.is_running and app.return_code is None
        screen = app.screen
        assert isinstance(screen, PersonScreen)
        shown = screen_text(pilot)
        assert f"{HOSTILE_FAMILY}, {HOSTILE_GIVEN}" in shown
        assert "[b]bold[/b]" in shown and "[@click=app.quit]" in shown
        assert "\x1b" not in shown and "\x07" not in shown
        await pilot.click("#person-heading", offset=(2, 0))
        await pilot.press("d")
        assert "Other names: ]0;pwned" in screen_text(pilot)
        assert app.is_running and app.return_code is None
        assert app.title == "sharetui" and HOSTILE_FAMILY not in app.screen.sub_title


# -- snapshots ---------------------------------------------------------------------------------
@pytest.fixture
def snapshot_people(ui_services: Services) -> PersonSummary:
    """A small family with consent history, all stamped at fixed times."""
    pat = actor(ui_services, "pat")
    with replayed_clock(lambda: datetime(2026, 3, 1, 9, 30, tzinfo=UTC)):
        jane = add(ui_services, "Smith", "Jane", date(2016, 3, 4), "SC0001")
        mary = add(ui_services, "Smith", "Mary", date(1986, 1, 2), "SC0002", other_names="Brown")
        add(ui_services, "Smithson", "Jake", date(2015, 8, 9), "SC0003")
        add(ui_services, "Smith", "Janet", None, "SC0004")
        ui_services.people.link(pat, mary.id, jane.id, "parent_with_pr")
        common = dict(person_id=jane.id, told="What, with whom and why", scope_purpose="Care plan")
        for status, info, recipient, day in (
            (ConsentStatus.GIVEN, "Health information", "School nurse", 3),
            (ConsentStatus.WITHDRAWN, "Health information", "School nurse", 10),
            (ConsentStatus.REFUSED, "School attendance", "Youth service", 12),
            (ConsentStatus.GIVEN, "Contact details", "Health visitor", 14),
        ):
            ui_services.consent.record(
                pat,
                ConsentInput(
                    status=status,
                    given_by=ConsentGiver.PARENT_WITH_PR,
                    given_by_name="Mary Smith",
                    method=ConsentMethod.WRITTEN,
                    scope_information=info,
                    scope_recipient=recipient,
                    effective_at=datetime(2026, 2, day, 12, tzinfo=UTC),
                    **common,
                ),
            )
    return jane


def test_snapshot_search_results(
    snap_compare: Callable[..., bool],
    make_app: Callable[..., ShareApp],
    snapshot_people: PersonSummary,
) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await open_search(pilot)
        await search(pilot, "smi")
        await pilot.press("down")
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_before)


def test_snapshot_person_view(
    snap_compare: Callable[..., bool],
    make_app: Callable[..., ShareApp],
    snapshot_people: PersonSummary,
) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await open_person(pilot, snapshot_people.id)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_before)
