"""Rule 5 in the decision flow, as the person at the desk sees it: a 'do not share' without
what could happen if it is not shared cannot be saved and says so on the field; a decision
about a parent names their children; an urgent share shows 'to complete' on the sender's
home until it is completed; F1 gives the guidance; older records say the question did not
exist yet."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from textual.widgets import DataTable

from sharetui.domain.decision import IMPACT_NOT_ASKED, DecisionInput
from sharetui.domain.enums import Outcome, ShareMethod
from sharetui.domain.person import PersonInput
from sharetui.ui.flow.state import FlowState
from sharetui.ui.flow.summary import parts
from sharetui.ui.forms import FieldHead
from sharetui.ui.screens.decision_view import DecisionScreen
from sharetui.ui.screens.home import HomeScreen
from tests.services.helpers import share
from tests.ui.conftest import settle, sign_in
from tests.ui.screen import TALL
from tests.ui.test_decision_flow import (
    arrange_draft,
    complete_answers,
    flow,
    open_draft,
    paste,
    press,
    screen_text,
)
from tests.ui.typical_call import actor, known_person

MESSAGE = "Enter what could happen to the child and others if this is not shared (rule 5)"


def field_error(app, name: str) -> str:  # type: ignore[no-untyped-def]
    head = app.screen.query_one(f"#e-{name.replace('_', '-')}", FieldHead)
    return head.error


async def test_do_not_share_without_the_impact_cannot_be_saved(make_app, ui_services) -> None:
    pat = actor(ui_services, "pat")
    jane = known_person(ui_services, pat)
    answers = DecisionInput(
        subject_id=jane.id,
        urgent=False,
        outcome=Outcome.DO_NOT_SHARE,
        reasons="Already known to social care",
    )
    draft_id = arrange_draft(ui_services, pat, FlowState(data=answers, page="check"))
    app = make_app()
    async with app.run_test(size=TALL) as pilot:
        await sign_in(pilot, "pat")
        await open_draft(pilot, draft_id)
        await press(pilot, "enter")  # save from check your answers: refused
        assert flow(app).state.page == "check" and flow(app).saved is None
        assert MESSAGE in screen_text(app, fold=True)
        await press(pilot, "8")  # change the decision
        assert flow(app).state.page == "decision"
        await press(pilot, "enter")
        assert flow(app).state.page == "decision"
        assert field_error(app, "impact_if_not_shared") == MESSAGE  # on the field itself
        assert app.focused is app.screen.query_one("#f-impact-if-not-shared")
        await paste(pilot, "already known to social care.")  # the reasons again
        await press(pilot, "enter")
        assert "in words of its own: this repeats the reasons" in field_error(
            app, "impact_if_not_shared"
        )
        await press(pilot, "f7")  # select what was typed, to replace it
        await paste(pilot, "Nothing changes for Jane: her social worker has it all")
        await press(pilot, "enter")
        assert flow(app).state.page == "check"
        assert "If not shared, what could happen (rule 5): Nothing changes for Jane" in (
            screen_text(app, fold=True)
        )
        await press(pilot, "enter")
        saved = flow(app).saved
    assert saved is not None
    assert saved.fields["impact_if_not_shared"].startswith("Nothing changes for Jane")


async def test_a_decision_about_a_parent_names_their_children(make_app, ui_services) -> None:
    pat = actor(ui_services, "pat")
    mum = ui_services.people.create(
        pat,
        PersonInput(
            family_name="Smith", given_names="Ann", date_of_birth=date(1985, 2, 3), reference="A1"
        ),
        confirm_not_duplicate=True,
    )
    jane = known_person(ui_services, pat)
    tom = known_person(ui_services, pat, given="Tom", ref="N0002")
    ui_services.people.link(pat, mum.id, jane.id, "parent_with_pr")
    ui_services.people.link(pat, tom.id, mum.id, "child")
    answers = DecisionInput(subject_id=mum.id, urgent=False, reasons="Her own health only")
    draft_id = arrange_draft(ui_services, pat, FlowState(data=answers, page="decision"))
    app = make_app()
    async with app.run_test(size=TALL) as pilot:
        await sign_in(pilot, "pat")
        await open_draft(pilot, draft_id)
        assert "is a parent or carer of" not in screen_text(app, fold=True)  # asked once decided
        await press(pilot, "3")  # do not share
        text = screen_text(app, fold=True)
        assert "What could happen to the child, and to others affected? (rule 5)" in text
        assert "Smith, Ann is a parent or carer of: " in text
        assert "Smith, Jane (born 04 Mar 2016)" in text and "Smith, Tom (born 04 Mar 2016)" in text
        assert "Weigh what this decision could mean for each of them." in text
        app.screen.query_one("#f-impact-if-not-shared").focus()
        await press(pilot, "f1")
        help_text = screen_text(app, fold=True)
        assert "should evaluate the wider impact not sharing information could cause" in help_text
        assert "Information sharing: advice for practitioners" in help_text


async def test_urgent_share_is_to_complete_on_home_until_completed(make_app, ui_services) -> None:
    pat = actor(ui_services, "pat")
    jane = known_person(ui_services, pat)
    urgent = ui_services.decisions.log(
        pat,
        share(
            jane.id,
            urgent=True,
            impact_if_not_shared="",
            share_method=ShareMethod.PHONE,
            shared_at=datetime.now(UTC) - timedelta(minutes=5),
        ),
    )
    app = make_app()
    async with app.run_test(size=TALL) as pilot:
        await sign_in(pilot, "pat")
        assert isinstance(app.screen, HomeScreen)
        table = app.screen.query_one("#complete-table", DataTable)
        assert table.display and table.row_count == 1
        assert str(table.get_row_at(0)[2]) == "Share (urgent): to complete"
        table.focus()
        await press(pilot, "enter")
        assert isinstance(app.screen, DecisionScreen)
        text = screen_text(app, fold=True)
        assert "TO COMPLETE: say what could happen to the child and others" in text
        assert "If not shared, what could happen (rule 5): Not recorded yet (urgent share)" in text
        await press(pilot, "m")
        assert flow(app).state.page == "decision"
        assert app.focused is app.screen.query_one("#f-impact-if-not-shared")
        await paste(pilot, "Jane would have gone home to him tonight")
        await press(pilot, "enter")
        assert flow(app).state.page == "check"
        await press(pilot, "enter")
        assert "Enter the reason for this amendment" in screen_text(app, fold=True)
        await paste(pilot, "Completed the record after the urgent share")
        await press(pilot, "enter")
        assert flow(app).state.page == "done"
        await press(pilot, "enter")
        await settle(pilot)
        assert isinstance(app.screen, DecisionScreen)  # back to the record it came from
        assert "TO COMPLETE" not in screen_text(app, fold=True)
        await press(pilot, "escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert not app.screen.query_one("#complete-table", DataTable).display
    assert ui_services.decisions.to_complete(pat) == []
    latest = ui_services.decisions.versions(pat, urgent.id)[-1]
    assert latest.fields["impact_if_not_shared"] == "Jane would have gone home to him tonight"


def test_a_record_from_before_the_question_says_so() -> None:
    d = complete_answers(1)
    d.outcome, d.reasons = Outcome.DO_NOT_SHARE, "Not needed"
    rows = dict(
        parts(
            d,
            person=str,
            consent_record=str,
            tz=ZoneInfo("Europe/London"),
            impact_asked=False,
        )[-1].rows
    )
    assert rows["If not shared, what could happen (rule 5)"] == IMPACT_NOT_ASKED
    assert rows["If shared, what could happen (rule 5)"] == IMPACT_NOT_ASKED
