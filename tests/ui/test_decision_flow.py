"""Logging a sharing decision from the keyboard: the typical call in 26 keys or fewer, the
urgent path, shares with and without consent, 'do not share', special category data without a
condition, seeking advice and finishing later, a draft kept across a switch of user, and an
amendment that keeps both versions. Snapshots of the consent, checks and check-your-answers
pages at 80x24."""

from __future__ import annotations

from datetime import UTC, datetime

from textual.widget import Widget
from textual.widgets import DataTable, Input

from sharetui.domain.decision import DecisionInput, QualityCheck
from sharetui.domain.enums import (
    AdviceStatus,
    Art9Condition,
    CallerCheck,
    ConsentPosition,
    ConsentStatus,
    LawfulBasis,
    NotSoughtReason,
    Outcome,
    Quality,
    RequestOrigin,
    ShareMethod,
)
from sharetui.services.facade import Services
from sharetui.services.unit_of_work import Actor
from sharetui.ui.app import ShareApp
from sharetui.ui.flow.state import DRAFT_KIND, FlowState
from sharetui.ui.forms.choices import Choices
from sharetui.ui.screens.decision_flow import DecisionFlowScreen
from sharetui.ui.screens.decision_view import DecisionScreen
from sharetui.ui.screens.home import HomeScreen
from sharetui.ui.screens.lock import LockScreen
from sharetui.ui.screens.signin import SignInScreen
from tests.ui.conftest import settle, sign_in
from tests.ui.screen import TALL, screen_text
from tests.ui.typical_call import (
    IMPACT,
    INFORMATION,
    PURPOSE,
    RECIPIENT_ORG,
    actor,
    calm,
    consent_given,
    drive,
    earlier_share,
    keystrokes,
    known_person,
    type_text,
    typical_call_steps,
)


# -- helpers --------------------------------------------------------------------------------
def shown(widget: Widget) -> bool:
    node: Widget | None = widget
    while node is not None:
        if not node.display:
            return False
        node = node.parent if isinstance(node.parent, Widget) else None
    return True


def flow(app: ShareApp) -> DecisionFlowScreen:
    assert isinstance(app.screen, DecisionFlowScreen), app.screen
    return app.screen


async def press(pilot, *keys: str) -> None:  # type: ignore[no-untyped-def]
    for key in keys:
        await pilot.press(key)
        await calm(pilot)


async def paste(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    await type_text(pilot, text)
    await calm(pilot)


def early_answers(subject_id: int, **changes: object) -> DecisionInput:
    """What a call has answered by the consent page."""
    d = DecisionInput(
        subject_id=subject_id,
        urgent=False,
        origin=RequestOrigin.INCOMING_REQUEST,
        caller_check=CallerCheck.KNOWN_CONTACT,
        recipient_org=RECIPIENT_ORG,
        recipient_role="Duty social worker",
        purpose=PURPOSE,
        information=INFORMATION,
        special_category=False,
        criminal_offence=False,
    )
    for name, value in changes.items():
        setattr(d, name, value)
    return d


def complete_answers(subject_id: int) -> DecisionInput:
    d = early_answers(subject_id)
    d.consent_position = ConsentPosition.NOT_SOUGHT
    d.not_sought_reason = NotSoughtReason.WOULD_PREJUDICE
    d.without_consent_reason = "Asking would alert the adult suspected of harm"
    d.lawful_basis = LawfulBasis.PUBLIC_TASK
    d.checks = {q.value: QualityCheck(True) for q in Quality}
    d.person_told = False
    d.not_told_reason = "Telling would put the child at risk"
    return d


def arrange_draft(svc: Services, who: Actor, state: FlowState) -> int:
    return svc.drafts.save(
        who, kind=DRAFT_KIND, payload=state.to_payload(), page=state.page, title="Sharing decision"
    ).id


async def open_draft(pilot, draft_id: int) -> None:  # type: ignore[no-untyped-def]
    pilot.app.start_decision(draft_id=draft_id)
    await settle(pilot)


# -- the typical call -----------------------------------------------------------------------
async def test_typical_call_takes_no_more_than_26_keys(make_app, ui_services) -> None:
    pat = actor(ui_services, "pat")
    jane = known_person(ui_services, pat)
    consent = consent_given(ui_services, pat, jane.id)
    earlier_share(ui_services, pat, jane.id)
    steps = typical_call_steps()
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "pat")
        count = await drive(pilot, steps)
        print(f"\ntypical call: {count} keystrokes beyond the free text")
        screen = flow(app)
        assert screen.state.page == "done"
        assert "Decision saved" in screen_text(app, fold=True)
        saved = screen.saved
        assert saved is not None
        assert f"Reference: decision {saved.root_id}" in screen_text(app, fold=True)
    assert count == keystrokes(steps) <= 26  # with the recipient picked from the register
    record = ui_services.decisions.to_input(ui_services.decisions.versions(pat, saved.id)[-1])
    assert record.consent_position is ConsentPosition.GIVEN
    assert record.consent_event_id == consent.id
    assert record.recipient_org == RECIPIENT_ORG
    assert record.recipient_contact == "duty@northshire.gov.uk"  # from the register's entry
    assert record.recipient_org_id is not None and record.recipient_contact_id is not None
    assert record.caller_check is CallerCheck.KNOWN_CONTACT
    assert record.lawful_basis is LawfulBasis.PUBLIC_TASK
    assert all(c.confirmed for c in record.checks.values()) and len(record.checks) == 6
    assert record.outcome is Outcome.SHARE and record.share_method is ShareMethod.SECURE_EMAIL
    assert record.impact_if_not_shared == IMPACT  # rule 5, in a few words
    assert ui_services.drafts.mine(pat) == []  # saved: the draft is gone


# -- the urgent path ------------------------------------------------------------------------
async def test_urgent_path_says_consent_is_not_needed_and_asks_only_what_is_needed(
    make_app, ui_services
) -> None:
    pat = actor(ui_services, "pat")
    jane = known_person(ui_services, pat)
    earlier_share(ui_services, pat, jane.id)
    app = make_app()
    async with app.run_test(size=TALL) as pilot:
        await sign_in(pilot, "pat")
        app.start_decision(person_id=jane.id)
        await settle(pilot)
        await press(pilot, "y")
        assert "Consent is not needed" in screen_text(app, fold=True)
        assert "Do not let seeking consent or advice delay the share" in screen_text(app, fold=True)
        await press(pilot, "enter", "enter")  # urgency, then the person already chosen
        assert flow(app).state.page == "recipient"
        text = screen_text(app, fold=True)
        assert "URGENT: share now" in text
        assert "incoming request or our own initiative" not in text  # not needed to share now
        await press(pilot, "enter")  # the recipient used lately, from the register
        await paste(pilot, "Immediate protection")
        await press(pilot, "enter")
        await press(pilot, "y", "n")  # special category yes; on to the information
        await paste(pilot, "Bruising seen today")
        await press(pilot, "enter")
        assert flow(app).state.page == "consent"
        assert "Why are you sharing without consent?" in screen_text(app, fold=True)
        await press(pilot, "enter")
        assert "Enter why you are sharing without consent" in screen_text(app, fold=True)
        await paste(pilot, "A child is at risk of significant harm")
        await press(pilot, "enter")
        assert flow(app).state.page == "basis"
        await press(pilot, "1", "1", "enter")  # public task; Sch 1 para 18
        assert flow(app).state.page == "decision"  # no rule 6 checklist on the urgent path
        await press(pilot, "1")  # share: on to the reasons
        assert "Urgent share: this is asked when you complete the record" in screen_text(app, fold=True)
        await paste(pilot, "Child at immediate risk")
        await press(pilot, "tab", "2", "enter")  # by phone; rule 5 waits for completion
        assert flow(app).state.page == "check"
        assert "Not needed: a child is at risk of significant harm" in screen_text(app, fold=True)
        assert "Not recorded yet (urgent share): to complete" in screen_text(app, fold=True)
        await press(pilot, "enter")
        screen = flow(app)
        assert screen.state.page == "done"
        assert "It is marked urgent" in screen_text(app, fold=True)
        saved = screen.saved
    assert saved is not None and saved.urgent and saved.to_complete
    record = ui_services.decisions.to_input(saved)
    assert record.consent_position is None
    assert record.without_consent_reason == "A child is at risk of significant harm"
    assert record.art9_condition is Art9Condition.SCHEDULE1_PARA18_SAFEGUARDING
    assert record.checks == {}


# -- without consent; consent that was refused; special category without a condition ---------
async def test_share_without_consent_needs_a_reason_and_refused_consent_cannot_be_relied_on(
    make_app, ui_services
) -> None:
    pat = actor(ui_services, "pat")
    jane = known_person(ui_services, pat)
    consent_given(ui_services, pat, jane.id, status=ConsentStatus.REFUSED)
    state = FlowState(data=early_answers(jane.id, special_category=True), page="consent")
    draft_id = arrange_draft(ui_services, pat, state)
    app = make_app()
    async with app.run_test(size=TALL) as pilot:
        await sign_in(pilot, "pat")
        await open_draft(pilot, draft_id)
        assert "REFUSED" in screen_text(app, fold=True)  # the consent on record, said in words
        await press(pilot, "1")  # "consent given": stopped, with the reason why
        assert "You cannot rely on consent: it was refused on 03 March 2026" in screen_text(app, fold=True)
        await press(pilot, "enter")
        assert flow(app).state.page == "consent"
        assert "There is a problem" in screen_text(app, fold=True)
        await press(pilot, "shift+tab", "2", "enter")  # consent refused, no reason yet
        assert flow(app).state.page == "consent"
        assert "Enter why you are sharing without consent" in screen_text(app, fold=True)
        await paste(pilot, "Risk of harm outweighs the refusal")
        await press(pilot, "enter")
        assert flow(app).state.page == "basis"
        assert app.screen.query_one("#f-lawful-basis", Choices).value is None  # nothing chosen
        await press(pilot, "f1")
        assert "Public task (1): usual for a public body" in screen_text(app, fold=True)
        await press(pilot, "escape")
        await press(pilot, "4", "enter")  # consent as the basis, although it was refused
        assert "You cannot rely on consent: it is consent refused" in screen_text(app, fold=True)
        await press(pilot, "1", "enter")  # public task, but no Article 9 condition
        assert flow(app).state.page == "basis"
        text = screen_text(app, fold=True)
        assert "Choose an Article 9 condition: special category data is shared" in text
        assert "Schedule 1 paragraph 18" in text
        await press(pilot, "1", "enter")
        assert flow(app).state.page == "checks"
        await press(pilot, "a", "n")
        await paste(pilot, "Telling them would put the child at risk")
        await press(pilot, "enter", "1")  # share: on to the reasons
        await paste(pilot, "Needed for the enquiry despite the refusal")
        await press(pilot, "tab", "1")  # by secure email: on to rule 5
        await paste(pilot, "The enquiry would go ahead without it")
        await press(pilot, "enter", "enter")
        saved = flow(app).saved
    assert saved is not None
    record = ui_services.decisions.to_input(saved)
    assert record.consent_position is ConsentPosition.REFUSED
    assert record.without_consent_reason == "Risk of harm outweighs the refusal"
    assert record.art9_condition is Art9Condition.SCHEDULE1_PARA18_SAFEGUARDING
    assert record.person_told is False


# -- do not share ---------------------------------------------------------------------------
async def test_do_not_share_still_needs_reasons(make_app, ui_services) -> None:
    pat = actor(ui_services, "pat")
    jane = known_person(ui_services, pat)
    app = make_app()
    async with app.run_test(size=TALL) as pilot:
        await sign_in(pilot, "pat")
        app.start_decision(person_id=jane.id)
        await settle(pilot)
        await press(pilot, "n", "enter", "enter", "1", "5")  # incoming; caller not verified
        assert "Caller not verified: this will be flagged on the record" in screen_text(app, fold=True)
        await press(pilot, "f9")  # not sharing: straight to the decision
        assert flow(app).state.page == "decision"
        await press(pilot, "3", "enter")
        assert flow(app).state.page == "decision"
        assert "Enter the reasons for this decision" in screen_text(app, fold=True)
        assert "Enter what could happen to the child and others if this is not shared" in (
            screen_text(app, fold=True)
        )
        await paste(pilot, "Already known to social care; nothing new to add")
        await press(pilot, "tab")  # rule 5: if it is not shared
        await paste(pilot, "Nothing changes for the child: social care hold it all")
        await press(pilot, "enter")
        assert flow(app).state.page == "check"
        assert "Do not share" in screen_text(app, fold=True)
        assert "CALLER NOT VERIFIED" in screen_text(app, fold=True)
        await press(pilot, "enter")
        saved = flow(app).saved
    assert saved is not None and saved.outcome is Outcome.DO_NOT_SHARE
    assert saved.caller_unverified
    record = ui_services.decisions.to_input(saved)
    assert record.reasons == "Already known to social care; nothing new to add"
    assert record.impact_if_not_shared == "Nothing changes for the child: social care hold it all"
    assert record.shared_at is None and record.share_method is None


# -- seek advice, finish later --------------------------------------------------------------
async def test_seek_advice_then_finish_from_home_with_the_advice_on_record(
    make_app, ui_services
) -> None:
    pat, sam = actor(ui_services, "pat"), actor(ui_services, "sam")
    jane = known_person(ui_services, pat)
    answers = complete_answers(jane.id)
    answers.consent_position, answers.not_sought_reason = None, None
    answers.without_consent_reason = ""
    draft_id = arrange_draft(ui_services, pat, FlowState(data=answers, page="consent"))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "pat")
        await open_draft(pilot, draft_id)
        await press(pilot, "1")  # consent given, and none on record yet
        assert "No consent is on record: record it now (r)" in screen_text(app, fold=True)
        await press(pilot, "r", "2")  # record it now: given by a parent with PR
        await paste(pilot, "Ann Smith")
        await press(pilot, "tab", "1")  # verbally
        await paste(pilot, "Who would see the attendance record, and why")
        await press(pilot, "ctrl+s")
        assert flow(app).state.page == "consent"
        assert "Given " in str(app.screen.query_one("#f-consent-event-id", Choices).render())
        [recorded] = ui_services.consent.history(pat, jane.id)
        assert flow(app).state.data.consent_event_id == recorded.id
        assert recorded.scope_recipient == RECIPIENT_ORG  # filled in from this share
        await press(pilot, "enter", "enter", "enter")  # consent, basis, checks: answered
        assert flow(app).state.page == "decision"
        await press(pilot, "f4")
        await paste(pilot, "Should we share the health notes too?")
        await press(pilot, "tab", "d", "t", "ctrl+s")
        await press(pilot, "y")  # leave it until the advice comes back
        assert isinstance(app.screen, HomeScreen)
        drafts = ui_services.drafts.mine(pat)
        assert [d.status for d in drafts] == ["pending_advice"]

        [advice] = ui_services.advice.for_draft(pat, draft_id)
        ui_services.advice.claim(sam, advice.id)
        ui_services.advice.advise(sam, advice.id, "Share the attendance only, not health notes")

        await press(pilot, "g")  # refresh home
        app.screen.query_one("#drafts-table", DataTable).focus()
        await press(pilot, "enter")
        screen = flow(app)
        assert screen.state.page == "decision"  # the same page, the same answers
        assert "Share the attendance only, not health notes" in screen_text(app, fold=True)
        await press(pilot, "2")  # share in part: on to the reasons
        await paste(pilot, "Attendance only, as advised")
        await press(pilot, "tab", "1")  # by secure email: on to rule 5
        await paste(pilot, "The health notes add nothing to the child's safety")
        await press(pilot, "enter")
        assert screen.state.page == "check"
        await press(pilot, "tab")
        await paste(pilot, "Followed: health notes not shared")
        await press(pilot, "enter")
        saved = screen.saved
    assert saved is not None and saved.outcome is Outcome.SHARE_IN_PART
    [linked] = ui_services.advice.for_decision(pat, saved.id)
    assert linked.id == advice.id
    assert linked.status is AdviceStatus.CLOSED
    assert linked.outcome_text == "Followed: health notes not shared"
    assert ui_services.decisions.to_input(saved).consent_event_id == recorded.id
    assert ui_services.drafts.mine(pat) == []


async def test_esc_in_record_consent_now_asks_before_discarding_what_was_typed(
    make_app, ui_services
) -> None:
    from sharetui.ui.flow.consent_dialog import ConsentNowDialog
    from sharetui.ui.screens.dialogs import LeaveDialog

    pat = actor(ui_services, "pat")
    jane = known_person(ui_services, pat)
    answers = complete_answers(jane.id)
    answers.consent_position, answers.not_sought_reason = None, None
    answers.without_consent_reason = ""
    draft_id = arrange_draft(ui_services, pat, FlowState(data=answers, page="consent"))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "pat")
        await open_draft(pilot, draft_id)
        await press(pilot, "1", "r")  # consent given: record it now
        assert isinstance(app.screen, ConsentNowDialog)
        await press(pilot, "escape")  # only the share's own details: closes at once
        assert flow(app).state.page == "consent"
        await press(pilot, "r", "2")  # a parent with parental responsibility
        await paste(pilot, "Ann Smith")
        await press(pilot, "escape")
        assert isinstance(app.screen, LeaveDialog)
        await press(pilot, "escape")  # no: keep typing
        dialog = app.screen
        assert isinstance(dialog, ConsentNowDialog)
        assert dialog.query_one("#given_by_name", Input).value == "Ann Smith"
        await press(pilot, "escape", "d")
        assert flow(app).state.page == "consent"
    assert ui_services.consent.history(pat, jane.id) == []


async def test_leaving_at_once_from_a_persons_record_keeps_no_draft(make_app, ui_services) -> None:
    pat = actor(ui_services, "pat")
    jane = known_person(ui_services, pat)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "pat")
        app.start_decision(person_id=jane.id)
        await settle(pilot)
        await press(pilot, "escape")  # nothing answered: nothing to keep
        assert isinstance(app.screen, HomeScreen)
        assert ui_services.drafts.mine(pat) == []
        app.start_decision(person_id=jane.id)
        await settle(pilot)
        await press(pilot, "y", "escape")  # one answer: kept
        assert isinstance(app.screen, HomeScreen)
        [draft] = ui_services.drafts.mine(pat)
        assert FlowState.from_payload(draft.payload).data.urgent is True


# -- switch user ----------------------------------------------------------------------------
async def test_draft_is_restored_after_switch_user_on_the_same_page(make_app, ui_services) -> None:
    pat = actor(ui_services, "pat")
    jane = known_person(ui_services, pat)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "pat")
        app.start_decision(person_id=jane.id)
        await settle(pilot)
        await press(pilot, "n", "enter", "enter", "2")  # own initiative; focus moves on
        await paste(pilot, "Northshire Early Help")  # typed, not yet submitted
        await press(pilot, "escape")
        assert flow(app).state.page == "who"
        await press(pilot, "enter")  # back on the page: what was typed is still there
        search = "#recipient-picker Input"
        assert app.screen.query_one(search, Input).value == "Northshire Early Help"
        await press(pilot, "ctrl+l")
        assert isinstance(app.screen, LockScreen)
        await press(pilot, "f6")
        assert isinstance(app.screen, SignInScreen)
        await sign_in(pilot, "pat")
        assert isinstance(app.screen, HomeScreen)
        drafts = app.screen.query_one("#drafts-table", DataTable)
        assert str(drafts.get_row_at(0)[0]) == "Sharing decision: Smith, Jane"  # offered
        drafts.focus()
        await press(pilot, "enter")
        screen = flow(app)
        assert screen.state.page == "recipient"
        assert app.screen.query_one(search, Input).value == "Northshire Early Help"
        assert app.screen.query_one("#f-origin", Choices).value == "own_initiative"
    [draft] = ui_services.drafts.mine(pat)
    assert draft.page == "recipient"


# -- amendment ------------------------------------------------------------------------------
async def test_amendment_is_a_new_version_and_both_are_visible(make_app, ui_services) -> None:
    pat = actor(ui_services, "pat")
    jane = known_person(ui_services, pat, given="[/]Jo [@click=app.quit]x[/]")  # shown literally
    earlier_share(ui_services, pat, jane.id)
    [original] = ui_services.decisions.mine(pat)
    app = make_app()
    async with app.run_test(size=TALL) as pilot:
        await sign_in(pilot, "pat")
        app.open_decision(original.id)
        await settle(pilot)
        assert "Showing version 1 of 1" in screen_text(app, fold=True)
        assert "Smith, [/]Jo [@click=app.quit]x[/]" in screen_text(app, fold=True)
        await press(pilot, "m")
        assert flow(app).state.page == "check"
        await press(pilot, "8", "tab", "f7")  # the decision's reasons, all selected
        await paste(pilot, "Risk of significant harm; the school nurse confirmed the bruising")
        await press(pilot, "enter")
        assert flow(app).state.page == "check"  # straight back to the summary
        await press(pilot, "enter")
        assert "Enter the reason for this amendment" in screen_text(app, fold=True)
        assert app.focused is app.screen.query_one("#f-amend-reason")  # the field with the problem
        await paste(pilot, "Added what the nurse confirmed")
        await press(pilot, "enter")
        assert flow(app).state.page == "done"
        await press(pilot, "o")
        assert isinstance(app.screen, DecisionScreen)
        text = screen_text(app, fold=True)
        assert "Showing version 2 of 2 (the latest)" in text
        assert "version 1" in text and "the original decision" in text
        assert "amended because Added what the nurse confirmed" in text
        assert "the school nurse confirmed the bruising" in text
        await press(pilot, "1")
        text = screen_text(app, fold=True)
        assert "Showing version 1 of 2 (NOT the latest)" in text
        assert "Reasons: Risk of significant harm" in text
    versions = ui_services.decisions.versions(pat, original.id)
    assert [v.version for v in versions] == [1, 2]
    assert versions[1].amend_reason == "Added what the nurse confirmed"


# -- snapshots ------------------------------------------------------------------------------
def _snapshot_run(draft_id: int):  # type: ignore[no-untyped-def]
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await sign_in(pilot, "pat")
        await open_draft(pilot, draft_id)
        pilot.app.clear_notifications()
        await settle(pilot)

    return run_before


def test_snapshot_consent_page(make_app, ui_services, snap_compare) -> None:
    pat = actor(ui_services, "pat")
    jane = known_person(ui_services, pat)
    consent_given(ui_services, pat, jane.id)
    draft_id = arrange_draft(
        ui_services, pat, FlowState(data=early_answers(jane.id), page="consent")
    )
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=_snapshot_run(draft_id))


def test_snapshot_checks_page(make_app, ui_services, snap_compare) -> None:
    pat = actor(ui_services, "pat")
    jane = known_person(ui_services, pat)
    d = complete_answers(jane.id)
    d.checks, d.person_told, d.not_told_reason = {}, None, ""
    draft_id = arrange_draft(ui_services, pat, FlowState(data=d, page="checks"))
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=_snapshot_run(draft_id))


def test_snapshot_check_your_answers(make_app, ui_services, snap_compare) -> None:
    pat = actor(ui_services, "pat")
    jane = known_person(ui_services, pat)
    d = complete_answers(jane.id)
    d.outcome, d.reasons = Outcome.SHARE, "Risk of significant harm"
    d.share_method = ShareMethod.SECURE_EMAIL
    d.shared_at = datetime(2026, 3, 5, 14, 30, tzinfo=UTC)
    draft_id = arrange_draft(ui_services, pat, FlowState(data=d, page="check"))
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=_snapshot_run(draft_id))
