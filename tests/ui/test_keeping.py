"""Keeping what comes after the share, from the keyboard at 80x24, as a supervisor or an
administrator on a terminal with no shell: the register and its review list (merged, kept
as new, corrected, contacts added and changed), agreements (opened from the home screen,
reviewed, added), term dates, and child protection file transfers sent and received. Each
test reads the screen and the stored records."""

from __future__ import annotations

from datetime import UTC, date, datetime

from textual.widgets import DataTable

from sharetui.domain.after_share import ReceiptMethod, ReceiptStep
from sharetui.domain.clock import Clock
from sharetui.domain.enums import LawfulBasis
from sharetui.services.agreements import AgreementInput
from sharetui.ui.screens.agreements import AgreementsScreen
from sharetui.ui.screens.register import OrgScreen, RegisterScreen
from sharetui.ui.screens.register_dialogs import ContactDialog, MergeDialog, OrgDialog
from sharetui.ui.screens.transfer_dialogs import StartTransferDialog
from sharetui.ui.screens.transfers import TransfersScreen
from tests.services.helpers import audit_actions, share
from tests.ui.conftest import settle, sign_in
from tests.ui.test_after_share import LONDON, clock_on
from tests.ui.test_decision_flow import paste, press, screen_text
from tests.ui.typical_call import actor, known_person

SIZE = (80, 24)


def rows(app) -> list[list[str]]:  # type: ignore[no-untyped-def]
    table = app.screen.query_one("#kept-table", DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


def actions(ui_services) -> list[str]:  # type: ignore[no-untyped-def]
    return [a for a, *_ in audit_actions(ui_services)]


async def test_the_register_kept_from_the_review_list_to_a_contact(make_app, ui_services):
    pat, sam = actor(ui_services, "pat"), actor(ui_services, "sam")
    jane = known_person(ui_services, pat)
    for org in (
        "Northshire CSC",
        "Northshire Children's Social Care",
        "northshire children's social-care",
    ):
        ui_services.decisions.log(pat, share(jane.id, recipient_org=org))
    ui_services.register.import_free_text()  # as the upgrade did: the last two are one
    ui_services.register.add_org(pat, "Northfield GP Surgery", "health", from_decision=True)
    ui_services.register.add_org(sam, "[b]Bold[/b] Trust", "other")  # shown as typed
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "sam")
        await press(pilot, "k", "w")
        await settle(pilot)
        assert [r[0] for r in rows(app)] == [
            "Northfield GP Surgery",
            "Northshire CSC",
            "Northshire Children's Social Care",
        ]
        assert "Added from a decision: check it." in screen_text(app, fold=True)
        await press(pilot, "down")  # Northshire CSC: possibly the same as the other
        assert "Possibly the same organisation as: Northshire Children's Social Care" in (
            screen_text(app, fold=True)
        )
        await press(pilot, "s")
        assert isinstance(app.screen, MergeDialog)
        await paste(pilot, "childrens")
        await press(pilot, "enter", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RegisterScreen)
        assert "Northshire CSC merged into Northshire Children's Social Care" in (
            screen_text(app, fold=True)
        )
        await press(pilot, "up", "k", "y")  # Northfield GP Surgery: a new one, checked
        await settle(pilot)
        assert [r[0] for r in rows(app)] == ["Northshire Children's Social Care"]
        review = ui_services.register.orgs(sam, to_review=True)
        assert [o.name for o in review] == ["Northshire Children's Social Care"]

        await press(pilot, "escape", "o")  # the whole register
        await settle(pilot)
        assert "[b]Bold[/b] Trust" in screen_text(app)
        await press(pilot, "n")
        assert isinstance(app.screen, OrgDialog)
        await press(pilot, "ctrl+s")
        assert "Enter the organisation's name" in screen_text(app, fold=True)
        await paste(pilot, "Riverside Junior School")
        await press(pilot, "tab", "1")  # a school; on to its secure routes
        await paste(pilot, "@riverside.sch.uk")
        await press(pilot, "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RegisterScreen)
        row = next(r for r in rows(app) if r[0] == "Riverside Junior School")
        assert row[1:] == ["School", "@riverside.sch.uk", "0"]

        await press(pilot, "enter")  # the cursor is on the entry just added
        await settle(pilot)
        assert isinstance(app.screen, OrgScreen)
        await press(pilot, "n")
        assert isinstance(app.screen, ContactDialog)
        await paste(pilot, "Designated safeguarding lead")
        await press(pilot, "tab")
        await paste(pilot, "Ann Lee")
        await press(pilot, "tab")
        await paste(pilot, "ann.lee@riverside.sch.uk")
        await press(pilot, "ctrl+s")
        await settle(pilot)
        assert rows(app) == [
            ["Designated safeguarding lead", "Ann Lee", "ann.lee@riverside.sch.uk"]
        ]
        await press(pilot, "enter", "tab", "tab", "ctrl+u")  # correct how to reach her
        await paste(pilot, "dsl@riverside.sch.uk")
        await press(pilot, "ctrl+s")
        await settle(pilot)
        assert rows(app)[0][2] == "dsl@riverside.sch.uk"
        await press(pilot, "f1")
        assert "golden rule 6" in screen_text(app, fold=True)
        await press(pilot, "escape")

    found = ui_services.register.search(sam, "riverside")
    assert [(c.org, c.name, c.contact) for c in found] == [
        ("Riverside Junior School", "", ""),
        ("Riverside Junior School", "Ann Lee", "dsl@riverside.sch.uk"),
    ]
    done = [a for a in actions(ui_services) if a.startswith("register.")]
    assert done[-5:] == [
        "register.merge",
        "register.org_edit",  # kept as new: checked
        "register.org_add",
        "register.contact_add",
        "register.contact_edit",
    ]


async def test_agreement_opened_from_home_reviewed_and_one_added(make_app, ui_services):
    sam = actor(ui_services, "sam")
    org = ui_services.register.add_org(sam, "Northshire Children's Social Care", "social_care")
    school = ui_services.register.add_org(sam, "Riverside Junior School", "school")
    for title, review in (
        ("Early help agreement", date(2026, 8, 1)),
        ("Partnership", date(2026, 6, 10)),
    ):
        ui_services.agreements.add(
            sam,
            AgreementInput(
                title=title,
                purposes="Referrals\nChild protection conferences",
                lawful_basis=LawfulBasis.PUBLIC_TASK,
                starts_on=date(2025, 1, 1),
                review_on=review,
                signed_copy="DSL office",
                org_ids=[org.org_id],
            ),
        )
    app = make_app(clock=clock_on(date(2026, 6, 1)))
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "sue")
        table = app.screen.query_one("#agreements-table", DataTable)
        table.focus()
        await press(pilot, "enter")  # the one due first: Partnership, 10 June
        await settle(pilot)
        assert isinstance(app.screen, AgreementsScreen)
        text = screen_text(app, fold=True)
        assert "Partnership From 01 Jan 2025; review by 10 Jun 2026" in text
        assert "Purposes: Referrals; Child protection conferences" in text
        await press(pilot, "r")
        await paste(pilot, "1/6/2026")
        await press(pilot, "ctrl+s")
        assert "Enter a next review date after the current one" in screen_text(app, fold=True)
        await press(pilot, "ctrl+u")
        await paste(pilot, "10/6/2027")
        await press(pilot, "ctrl+s")
        await settle(pilot)
        assert "Saved: Partnership, review by 10 Jun 2027." in screen_text(app, fold=True)

        await press(pilot, "n")
        await paste(pilot, "Transfers between schools")
        await press(pilot, "tab")
        await paste(pilot, "riverside")
        await press(pilot, "enter")  # ticked
        assert "Chosen: Riverside Junior School" in screen_text(app, fold=True)
        await press(pilot, "tab")  # parties, then purposes (one per line)
        await paste(pilot, "Northfield School; Riverside Junior School")
        await press(pilot, "tab")
        await paste(pilot, "Child protection file transfers\nAttendance concerns")
        await press(pilot, "tab", "3")  # legal obligation; on to the categories
        await paste(pilot, "Child protection records")
        await press(pilot, "tab")
        await paste(pilot, "1/9/2026")
        await press(pilot, "tab")
        await paste(pilot, "31/8/2026")
        await press(pilot, "ctrl+s")
        assert "The review date must be after the start" in screen_text(app, fold=True)
        await press(pilot, "ctrl+u")
        await paste(pilot, "1/9/2027")
        await press(pilot, "tab")
        await paste(pilot, "Safeguarding cabinet")
        await press(pilot, "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, AgreementsScreen)
        assert "Transfers between schools" in screen_text(app, fold=True)

    by_title = {a.title: a for a in ui_services.agreements.all(sam)}
    assert by_title["Partnership"].review_on == date(2027, 6, 10)
    added = by_title["Transfers between schools"]
    assert added.org_ids == (school.org_id,)
    assert added.purposes == ("Child protection file transfers", "Attendance concerns")
    assert added.lawful_basis is LawfulBasis.LEGAL_OBLIGATION
    assert (added.starts_on, added.review_on) == (date(2026, 9, 1), date(2027, 9, 1))
    assert {"agreement.review", "agreement.add"} <= set(actions(ui_services))


async def test_term_dates_entered_by_an_administrator(make_app, ui_services):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "ada")
        await press(pilot, "v")  # the home's audit check, moved out of home.py, still works
        await settle(pilot)
        assert "Audit trail verified" in screen_text(app, fold=True)
        await press(pilot, "k")
        await settle(pilot)
        assert "CP file transfers" not in screen_text(app)  # not an administrator's
        await press(pilot, "t")
        await settle(pilot)
        for name, first, last in (
            ("Spring 1", "5/1/2026", "13/2/2026"),
            ("Overlap", "9/2/2026", "20/2/2026"),
            ("Spring 2", "23/2/2026", "27/3/2026"),
        ):
            await press(pilot, "n")
            await paste(pilot, name)
            await press(pilot, "tab")
            await paste(pilot, first)
            await press(pilot, "tab")
            await paste(pilot, last)
            await press(pilot, "ctrl+s")
            await settle(pilot)
            if name == "Overlap":
                text = screen_text(app, fold=True)
                assert "This term overlaps Spring 1: enter the gap as a holiday" in text
                await press(pilot, "escape", "y")  # leave without saving
                await settle(pilot)
        assert rows(app) == [
            ["Spring 1", "05 Jan 2026", "13 Feb 2026", "30"],
            ["Spring 2", "23 Feb 2026", "27 Mar 2026", "25"],
        ]
        await press(pilot, "d", "y")
        await settle(pilot)
        assert [r[0] for r in rows(app)] == ["Spring 2"]
    ada = actor(ui_services, "ada")
    assert [t.name for _, t in ui_services.calendar.terms(ada)] == ["Spring 2"]
    assert actions(ui_services).count("term.add") == 2
    assert "term.remove" in actions(ui_services)


async def test_a_transfer_sent_overdue_on_the_dsls_home_then_confirmed_and_one_received(
    make_app, ui_services
):
    sam = actor(ui_services, "sam")
    jane = known_person(ui_services, actor(ui_services, "pat"))
    org = ui_services.register.add_org(
        sam, "Riverside Junior School", "school", "@riverside.sch.uk"
    )
    ui_services.calendar.add_term(sam, "Spring 1", date(2026, 1, 5), date(2026, 2, 13))
    ui_services.calendar.add_term(sam, "Spring 2", date(2026, 2, 23), date(2026, 3, 27))
    sent = datetime(2026, 2, 11, 9, 30, tzinfo=UTC)
    app = make_app(clock=Clock(LONDON, lambda: sent))
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "sam")
        await press(pilot, "k", "c")
        await settle(pilot)
        await press(pilot, "n")
        await paste(pilot, "Jane Smith")
        await press(pilot, "enter", "enter")  # to the matches; the first is Jane
        await paste(pilot, "riverside")
        await press(pilot, "enter")
        await paste(pilot, "The family moved to Riverside")
        await press(pilot, "tab")
        await paste(pilot, "11/2/2026")
        assert "Due at the new setting by Wednesday 25 Feb 2026" in screen_text(app, fold=True)
        await press(pilot, "f1")  # the guidance behind the question, in its own terms
        assert "5 school days after an in-year move" in screen_text(app, fold=True)
        await press(pilot, "escape")
        await press(pilot, "tab", "tab", "1")  # not ticked 'separately'; secure email
        await press(pilot, "tab", "3", "y", "1")  # legal obligation; special category: para 18
        await paste(pilot, "The new school would not know the risks to Jane")
        kept = app.screen.draft_snapshot()  # what a lock, switch or sign-out would keep
        assert kept is not None and kept.kind == "cp-transfer"
        await press(pilot, "ctrl+s")
        text = screen_text(app, fold=True)
        assert "Send the child protection file separately from the main pupil file" in text
        await press(pilot, "y", "ctrl+s")  # the error took the focus to the tick box
        await settle(pilot)
        assert isinstance(app.screen, TransfersScreen)
        assert rows(app) == [
            ["Jane Smith", "Riverside Junior School", "25 Feb 2026", "Awaiting confirmation"]
        ]
        # The draft, opened again, has the child, the setting and every answer as they were
        await app.push_screen(StartTransferDialog(values=kept.payload["values"]))
        await settle(pilot)
        text = screen_text(app, fold=True)
        assert "Chosen: Smith, Jane born 04 Mar 2016 ref N0001" in text
        assert app.screen.values() == kept.payload["values"]  # the rest, below the fold
        await press(pilot, "escape")
    [view] = ui_services.receipts.transfer_list(sam, date(2026, 2, 11))
    assert view.person_id == jane.id
    record = ui_services.decisions.versions(sam, view.decision_id)[-1].fields
    assert record["recipient_org_id"] == org.org_id
    assert record["moved_on"] == date(2026, 2, 11)
    assert record["pupil_file_separate"] is True
    assert record["share_method"] == "secure_email"
    assert record["art9_condition"] == "sch1_para18"

    app = make_app(clock=clock_on(date(2026, 2, 26)))  # 5 school days on: overdue
    async with app.run_test(size=(100, 50)) as pilot:
        await sign_in(pilot, "sue")
        overdue = app.screen.query_one("#overdue-table", DataTable)
        assert [str(c) for c in overdue.get_row_at(0)][1:] == [
            "Jane Smith",
            "Riverside Junior School",
            "Sam Supervisor",
            "CP file transfer: Unconfirmed: overdue (due 25 Feb 2026)",
        ]
        await press(pilot, "k", "c")
        await settle(pilot)
        await press(pilot, "c", "f", "tab", "tab")  # failed; on to the note
        await paste(pilot, "Bounced: the address is no longer in use")
        await press(pilot, "ctrl+s")
        await settle(pilot)
        assert rows(app)[0][3] == "Failed: send again"
        await press(pilot, "c", "s", "tab", "3", "ctrl+s")  # sent again through the portal
        await settle(pilot)
        await press(pilot, "c", "c")
        await paste(pilot, "DSL, Riverside Junior")
        await press(pilot, "tab", "2", "ctrl+s")  # confirmed by phone
        await settle(pilot)
        assert rows(app)[0][3] == "Receipt confirmed"

        await press(pilot, "i", "n")  # a file received from another setting
        await settle(pilot)
        await paste(pilot, "Jane Smith")
        await press(pilot, "enter", "enter")
        await paste(pilot, "riverside")
        await press(pilot, "enter", "tab", "0", "ctrl+s")  # today; not yet confirmed back
        await settle(pilot)
        assert rows(app) == [["26 Feb 2026", "Jane Smith", "Riverside Junior School", "NOT YET"]]
        await press(pilot, "b", "1", "ctrl+s")
        await settle(pilot)
        assert rows(app)[0][3] == "Secure email"
    steps = ui_services.receipts.status(sam, view.decision_id).steps
    assert [s.step for s in steps] == [
        ReceiptStep.FAILED,
        ReceiptStep.RESENT,
        ReceiptStep.CONFIRMED,
    ]
    [received] = ui_services.transfers.incoming(sam)
    assert received.confirmed_back_method is ReceiptMethod.SECURE_EMAIL
