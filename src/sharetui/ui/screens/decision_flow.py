"""Log a sharing decision, one question per page, by the seven golden rules.

Enter goes on, Esc goes back a page, F4 asks for advice from any page. The draft is saved at
every page change, and the page's typed values go with it when the user switches, so a lock, a
switch of user or a crash brings them back to the same page with the same answers. Nothing is
saved as a decision until check-your-answers.

The draft keeping is ui/screens/flow_drafts.py; the help for each question, ui/flow/help.py.
"""

from __future__ import annotations

import asyncio

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Header, Static

from sharetui.domain.decision import DecisionInput
from sharetui.domain.enums import AdviceStatus
from sharetui.domain.errors import NotFound, ShareError
from sharetui.services.views import (
    AdviceView,
    ConsentEventView,
    ConsentLine,
    DecisionView,
    PersonSummary,
)
from sharetui.ui.flow import make_page
from sharetui.ui.flow.help import flow_help
from sharetui.ui.flow.messages import ConsentNowAsked, ContinueAsked, PartAsked, SavedRecordAsked
from sharetui.ui.flow.page import FlowPage
from sharetui.ui.flow.state import ALL_PAGES, DRAFT_KIND, PART_NAMES, SKIPPABLE, FlowState
from sharetui.ui.flow.summary import consent_event_words
from sharetui.ui.forms.field import refusal_errors
from sharetui.ui.literal import plain
from sharetui.ui.screens.dialogs import ConfirmDialog, MessageDialog
from sharetui.ui.screens.flow_drafts import DraftKeepingFlow
from sharetui.ui.widgets.keybar import KeyBar
from sharetui.ui.widgets.person_text import person_name


class DecisionFlowScreen(DraftKeepingFlow):
    """The step-by-step decision. See the module docstring for the keys."""

    CSS_PATH = "decision_flow.tcss"

    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("enter", "continue", "Continue"),
        Binding("f4", "seek_advice", "Seek advice"),
        Binding("f9", "to_decision", "Not sharing: decide"),
        Binding("ctrl+d", "discard_draft", "Discard"),
    ]
    TYPEAHEAD_WAIT_GROUPS = frozenset({"flow-nav"})  # keys typed ahead reach the next page

    def __init__(
        self,
        draft_id: int | None = None,
        person_id: int | None = None,
        *,
        amend_of: int | None = None,
        initial: DecisionInput | None = None,
        start_page: str = "check",
    ) -> None:
        super().__init__()
        self.draft_id = draft_id
        self.person_id = person_id
        self.amend_of = amend_of
        self.initial = initial
        self.state = FlowState()
        self.loaded = False
        self.saved_or_discarded = False  # discarded with Ctrl+D: nothing left to keep
        self.people: dict[int, PersonSummary] = {}
        self.consent_lines: list[ConsentLine] = []
        self.advice: list[AdviceView] = []
        self.saved: DecisionView | None = None
        self._lock = asyncio.Lock()
        self.FIELD_HELP = flow_help()
        # Rule 5: the children linked to the person as a parent or carer, named on the
        # decision page (fetched for this person when that page is shown).
        self.linked_children: tuple[PersonSummary, ...] = ()
        self._children_of: int | None = None
        self.start_page = start_page

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="flow-body"):
            yield Static("Loading…", id="flow-loading")
        yield KeyBar(enter_words="Continue")

    def on_mount(self) -> None:
        self.title = "Amend a sharing decision" if self.amend_of else "Log a sharing decision"
        self._load()

    # -- what the pages use ---------------------------------------------------------------
    def person_label(self, person_id: int) -> str:
        p = self.people.get(person_id)
        if p is None:
            return f"Person {person_id}"
        return f"{person_name(p)} (born {p.dob_text}, ref {plain(p.reference, 40)})"

    def consent_label(self, event_id: int) -> str:
        tz = self.share_app.settings.tz
        for line in self.consent_lines:
            for ev in line.history:
                if ev.id == event_id:
                    return consent_event_words(ev, tz)
        return f"Consent record {event_id}"

    # -- keys -----------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        page = self.state.page if self.loaded else ""
        if action in ("continue", "back", "seek_advice"):
            if not self.loaded:
                return False
            if action == "seek_advice":
                return page != "done"
            if action == "back":
                return page != "done"
        if action == "to_decision":
            return self.loaded and page in SKIPPABLE
        if action == "discard_draft":
            return self.loaded and page != "done"
        return super().check_action(action, parameters)

    # -- what the pages ask for (ui/flow/messages.py) ---------------------------------------
    @on(ContinueAsked)
    def _continue_asked(self, event: ContinueAsked) -> None:
        event.stop()
        self.action_continue()

    @on(PartAsked)
    def _part_asked(self, event: PartAsked) -> None:
        event.stop()
        self.change_part(event.page)

    @on(SavedRecordAsked)
    def _saved_record_asked(self, event: SavedRecordAsked) -> None:
        event.stop()
        self.open_saved()

    @on(ConsentNowAsked)
    def _consent_now_asked(self, event: ConsentNowAsked) -> None:
        event.stop()
        self.record_consent_now()

    def action_continue(self) -> None:
        self._nav("continue")

    def action_back(self) -> None:
        self._nav("back")

    def action_to_decision(self) -> None:
        self._nav("goto", "decision")

    def change_part(self, page: str) -> None:
        """From check-your-answers: change one part, then come straight back."""
        if page not in self.state.pages():
            return
        self.state.return_to_check = True
        self._nav("goto", page)

    # -- moving between pages -------------------------------------------------------------
    @work(group="flow-nav", exit_on_error=False)
    async def _load(self) -> None:
        async with self._lock:
            svc, actor = self.services, self.actor
            try:
                if self.draft_id is not None:
                    draft = await self.call(svc.drafts.load, actor, self.draft_id)
                    if draft.kind != DRAFT_KIND:
                        raise NotFound("That draft is not a sharing decision")
                    state = FlowState.from_payload(draft.payload, draft.page)
                    self.advice = await self.call(svc.advice.for_draft, actor, self.draft_id)
                elif self.initial is not None:
                    state = FlowState(data=self.initial, page=self.start_page)
                    state.amend_of = self.amend_of
                    state.return_to_check = self.start_page != "check"
                else:
                    state = FlowState()
                    state.data.subject_id = self.person_id
                for pid in [state.data.subject_id, *state.data.others_affected]:
                    if pid is not None and pid not in self.people:
                        self.people[pid] = await self.call(svc.people.summary, actor, pid)
                if state.page == "check" and state.data.consent_event_id is not None:
                    await self._load_consent(state.data.subject_id)
            except ShareError as exc:
                self.app.pop_screen()
                self.app.push_screen(
                    MessageDialog("This decision could not be opened", exc.message)
                )
                return
            self.state = state
            self.loaded = True
            await self._show(state.page)
            self.refresh_bindings()

    @work(group="flow-nav", exit_on_error=False)
    async def _nav(self, how: str, target: str = "") -> None:
        async with self._lock:
            page = self.page_widget
            if page is None or not self.loaded:
                return
            state = self.state
            if how == "continue":
                errors = page.collect()
                if page.PAGE == "done":
                    self.app.pop_screen()
                    return
                if page.PAGE == "check":
                    await self._save_decision(page)
                    return
                errors = {**state.page_errors(page.PAGE), **page.extra_errors(), **errors}
                if errors:
                    page.show_errors(errors)
                    return
                target = state.next_page()
            elif how == "back":
                page.collect()
                if page.PAGE == "check":
                    state.return_to_check = False
                previous = state.previous_page()
                if previous is None:
                    await self._leave()
                    return
                target = previous
            else:
                page.collect()
                target = target or state.page
            await self._show(target)
            await self._save_draft()

    async def _show(self, name: str) -> None:
        await self._prepare(name)
        self.state.page = name
        body = self.query_one("#flow-body", Vertical)
        await body.remove_children()
        page = make_page(name, self)
        await body.mount(page)
        page.focus_first()
        self.sub_title = self._step_words(name)
        self.refresh_bindings()

    def _step_words(self, name: str) -> str:
        """The step's number is the key that changes it on Check your answers, on every path:
        the urgent path skips a step rather than renumbering the ones after it."""
        parts = ALL_PAGES[:-1]
        if name in PART_NAMES and name in parts:
            words = f"Step {parts.index(name) + 1} of {len(parts)}: {PART_NAMES[name]}"
            skipped = [PART_NAMES[p].lower() for p in parts if p not in self.state.pages()]
            if skipped:
                words += f" (not needed now: {', '.join(skipped)})"
            return words
        return {"check": "Check your answers", "done": "Saved"}.get(name, "")

    async def _prepare(self, name: str) -> None:
        """Fetch what a page shows before it appears, so it never flickers half-filled."""
        try:
            if name in ("consent", "check") and not self.state.urgent_path:
                await self._load_consent(self.state.data.subject_id)
            subject = self.state.data.subject_id
            if name == "decision" and subject != self._children_of:
                self.linked_children = (
                    ()
                    if subject is None
                    else await self.call(self.services.impact.linked_children, self.actor, subject)
                )
                self._children_of = subject
        except ShareError as exc:
            self.notify(exc.message, severity="error", markup=False)

    async def _load_consent(self, person_id: int | None) -> None:
        self.consent_lines = (
            []
            if person_id is None
            else await self.call(self.services.consent.current, self.actor, person_id)
        )

    # -- saving the decision --------------------------------------------------------------
    async def _save_decision(self, page: FlowPage) -> None:
        state = self.state
        errors = state.all_errors()
        if errors:
            page.show_errors(errors)
            return
        svc, actor = self.services, self.actor
        try:
            if state.amend_of is not None:
                view = await self.call(
                    svc.decisions.amend,
                    actor,
                    state.amend_of,
                    state.data,
                    state.extras.get("amend_reason", ""),
                    draft_id=self.draft_id,
                )
            else:
                view = await self.call(svc.decisions.log, actor, state.data, draft_id=self.draft_id)
        except ShareError as exc:
            page.show_errors(refusal_errors(exc, "save"))
            return
        self.draft_id = None
        self.saved = view
        await self._close_advice()
        await self._show("done")

    async def _close_advice(self) -> None:
        """The outcome of the advice, when typed, is recorded with the advice."""
        outcome = self.state.extras.get("advice_outcome", "").strip()
        if not outcome:
            return
        for advice in self.advice:
            if advice.status is AdviceStatus.ADVISED:
                try:
                    await self.call(self.services.advice.close, self.actor, advice.id, outcome)
                except ShareError as exc:
                    self.notify(exc.message, severity="error", markup=False)

    def open_saved(self) -> None:
        if self.saved is None:
            return
        decision_id = self.saved.id
        app = self.share_app
        below = app.screen_stack[-2] if len(app.screen_stack) > 1 else None
        app.pop_screen()
        from sharetui.ui.screens.decision_view import DecisionScreen

        if not isinstance(below, DecisionScreen):
            app.open_decision(decision_id)  # an amendment returns to the record it came from

    # -- seek advice ----------------------------------------------------------------------
    def action_seek_advice(self) -> None:
        self._seek_advice()

    @work(group="flow-nav", exit_on_error=False)
    async def _seek_advice(self) -> None:
        async with self._lock:
            page = self.page_widget
            if page is None:
                return
            page.collect()
            await self._save_draft(force=True)
        if self.draft_id is None:
            return
        from sharetui.ui.screens.raise_advice import RaiseAdviceDialog

        self.app.push_screen(
            RaiseAdviceDialog(person_id=self.state.data.subject_id, draft_id=self.draft_id),
            self._advice_raised,
        )

    def _advice_raised(self, advice: AdviceView | None) -> None:
        if advice is None:
            return
        self._after_advice()

    @work(group="flow-nav", exit_on_error=False)
    async def _after_advice(self) -> None:
        async with self._lock:
            if self.draft_id is not None:
                self.advice = await self.call(
                    self.services.advice.for_draft, self.actor, self.draft_id
                )
            await self._show(self.state.page)
        if self.state.urgent_path:
            self.notify(
                "Advice requested. Do not wait for it: carry on with the share.", markup=False
            )
            return

        ConfirmDialog(
            "Advice requested. This decision waits under My drafts as pending advice; "
            "carry on from there when the advice comes back. Leave it for now?",
            yes="Leave it for now",
            no="Carry on now",
        ).ask(self.app, lambda: self.app.pop_screen())

    # -- record consent now ---------------------------------------------------------------
    def record_consent_now(self) -> None:
        page = self.page_widget
        if page is not None:
            page.collect()
        d = self.state.data
        if d.subject_id is None:
            self.notify("Choose the person first (step 2).", severity="error", markup=False)
            return
        from sharetui.ui.flow.consent_dialog import ConsentNowDialog

        self.app.push_screen(
            ConsentNowDialog(d.subject_id, d.information, d.recipient_org, d.purpose),
            self._consent_recorded,
        )

    def _consent_recorded(self, event: ConsentEventView | None) -> None:
        if event is not None:
            self._reload_consent(event.id)

    @work(group="flow-nav", exit_on_error=False)
    async def _reload_consent(self, event_id: int) -> None:
        async with self._lock:
            await self._load_consent(self.state.data.subject_id)
            self.state.data.consent_event_id = event_id
            page = self.page_widget
            refresh = getattr(page, "refresh_records", None)
            if callable(refresh):
                refresh(event_id)
                if page is not None:
                    page.advance(page.query_one("#f-consent-event-id"))
