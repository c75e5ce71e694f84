"""The decision flow's answers kept as a draft: saved at every page change, handed over when
the user switches or signs out, kept when they leave, thrown away with Ctrl+D.

Kept apart from the flow's pages and keys (ui/screens/decision_flow.py) because it answers
one question of its own, what happens to answers not yet saved as a decision, and every
way out of the flow goes through it.
"""

from __future__ import annotations

from sharetui.domain.decision import DecisionInput
from sharetui.domain.errors import NotFound, ShareError
from sharetui.services.views import DecisionView, PersonSummary
from sharetui.ui.flow.page import FlowPage
from sharetui.ui.flow.state import DRAFT_KIND, FlowState
from sharetui.ui.screens.base import DraftSnapshot, KioskScreen
from sharetui.ui.screens.dialogs import ConfirmDialog
from sharetui.ui.widgets.person_text import person_name


class DraftKeepingFlow(KioskScreen):
    """What the decision flow screen builds on to keep its answers; the screen sets these."""

    state: FlowState
    draft_id: int | None
    person_id: int | None
    loaded: bool  # the draft or the first page is in: there is something to keep
    saved: DecisionView | None  # saved as a decision: the draft is gone with it
    saved_or_discarded: bool  # discarded with Ctrl+D: nothing left to keep
    people: dict[int, PersonSummary]

    @property
    def page_widget(self) -> FlowPage | None:
        found = self.query("#flow-body > FlowPage")
        return found.first(FlowPage) if found else None

    async def _leave(self) -> None:
        """Leave the flow, keeping the answers as a draft; if the draft cannot be saved the
        flow stays open (the reason is said) rather than close on answers not kept."""
        if not await self._save_draft():
            return
        if self.draft_id is not None:
            self.notify("Kept as a draft under My drafts on your home screen.", markup=False)
        self.app.pop_screen()

    def action_discard_draft(self) -> None:
        """Ctrl+D: throw the answers and the draft away, after a confirmation."""
        if self.saved is not None:
            return

        ConfirmDialog(
            "Discard this decision and its draft? The answers cannot be brought back.",
            yes="Discard",
            no="Keep it",
        ).ask(
            self.app,
            lambda: self.run_worker(self._discard(), group="flow-nav", exit_on_error=False),
        )

    async def _discard(self) -> None:
        if self.draft_id is not None:
            try:
                await self.call(self.services.drafts.discard, self.actor, self.draft_id)
            except NotFound:
                pass  # already gone
            except ShareError as exc:
                self.notify(
                    f"The draft could not be discarded: {exc.message}",
                    severity="error",
                    markup=False,
                )
                return
        self.saved_or_discarded = True
        self.draft_id = None
        self.app.pop_screen()

    def draft_snapshot(self) -> DraftSnapshot | None:
        """The answers and the current page's typed values, for switch user / sign out."""
        if not self.loaded or self.saved is not None or self.saved_or_discarded:
            return None
        page = self.page_widget
        if page is not None:
            page.collect()
        if self._nothing_answered() and self.draft_id is None:
            return None
        return DraftSnapshot(
            kind=DRAFT_KIND,
            payload=self.state.to_payload(),
            page=self.state.page,
            title=self._draft_title(),
            draft_id=self.draft_id,
        )

    def draft_saved(self, draft_id: int) -> None:
        self.draft_id = draft_id

    def _nothing_answered(self) -> bool:
        """Nothing chosen or typed beyond the person the flow was opened for (from their
        record): leaving at once keeps no draft, as leaving an empty flow keeps none."""
        if self.state.amend_of is not None:
            return False
        return self.state.is_empty or (
            self.state.data == DecisionInput(subject_id=self.person_id)
            and not any(self.state.extras.values())
        )

    def _draft_title(self) -> str:
        d = self.state.data
        title = (
            f"Amendment of decision {self.state.amend_of}"
            if self.state.amend_of is not None
            else "Sharing decision"
        )
        person = self.people.get(d.subject_id or 0)
        if person is not None:
            title += f": {person_name(person)}"
        if d.urgent:
            title += " (urgent)"
        return title

    async def _save_draft(self, *, force: bool = False) -> bool:
        """Saved at every page change; a failure is said, and nothing on screen is lost.
        False when the draft could not be saved."""
        if not self.loaded or self.saved is not None or self.saved_or_discarded:
            return True
        if self._nothing_answered() and self.draft_id is None and not force:
            return True
        for _attempt in range(2):
            try:
                view = await self.call(
                    self.services.drafts.save,
                    self.actor,
                    kind=DRAFT_KIND,
                    payload=self.state.to_payload(),
                    page=self.state.page,
                    title=self._draft_title(),
                    draft_id=self.draft_id,
                )
            except NotFound:
                self.draft_id = None  # discarded elsewhere: keep the work as a new draft
                continue
            except ShareError as exc:
                self.notify(
                    f"The draft could not be saved: {exc.message}. Your answers are still here.",
                    severity="error",
                    markup=False,
                )
                return False
            self.draft_id = view.id
            return True
        return False
