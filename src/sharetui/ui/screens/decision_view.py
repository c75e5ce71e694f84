"""A sharing decision in full, in words: every field, every version with what changed and
why, and the advice linked to it. The person who made it can amend it (a new version)."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Header, Static

from sharetui.domain.decision import DecisionInput
from sharetui.domain.errors import ShareError
from sharetui.services.receipts import ReceiptView
from sharetui.services.views import AdviceView, DecisionView, PersonSummary
from sharetui.ui.after_share_text import after_share_text
from sharetui.ui.flow.summary import (
    WHEN_FORMAT,
    Part,
    advice_given,
    consent_event_words,
    parts,
)
from sharetui.ui.literal import plain
from sharetui.ui.screens.base import KioskScreen
from sharetui.ui.widgets.keybar import KeyBar
from sharetui.ui.widgets.person_text import person_name

MAX_VERSIONS_BY_KEY = 9


class DecisionScreen(KioskScreen):
    """The record as it would be read at a review. Keys: 1-9 a version, m amend, Esc back."""

    CSS_PATH = "decision_view.tcss"

    BINDINGS = [
        Binding("escape", "close", "Back"),
        Binding("m", "amend", "Amend (new version)"),
        Binding("c", "receipt", "Receipt step"),
        *[
            Binding(str(n), f"show_version({n})", f"Version {n}", show=False)
            for n in range(1, MAX_VERSIONS_BY_KEY + 1)
        ],
    ]
    TYPEAHEAD_WAIT_GROUPS = frozenset({"decision-load"})

    def __init__(self, decision_id: int) -> None:
        super().__init__()
        self.decision_id = decision_id
        self.versions: list[DecisionView] = []
        self.inputs: list[DecisionInput] = []
        self.advice: list[AdviceView] = []
        self.consent_words: dict[int, str] = {}
        self.shown = 0  # index into versions
        self.receipt: ReceiptView | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="decision-body"):
            yield Static("Loading…", id="decision-heading", classes="page-title")
            yield Static("", id="decision-versions", classes="section")
            yield Static("", id="decision-changes", classes="section")
            yield Static("", id="decision-after", classes="section")
            yield Static("", id="decision-record", classes="section")
            yield Static("", id="decision-advice", classes="section")
        yield KeyBar()

    def on_mount(self) -> None:
        self.title = "Sharing decision"
        self.sub_title = "The record"
        self._load(latest=True)

    def on_screen_resume(self) -> None:
        if self.versions:
            self._load(latest=True)

    # -- loading --------------------------------------------------------------------------
    @work(exclusive=True, group="decision-load", exit_on_error=False)
    async def _load(self, latest: bool) -> None:
        svc, actor = self.services, self.actor
        try:
            versions = await self.call(svc.decisions.versions, actor, self.decision_id)
            advice: list[AdviceView] = []
            for view in versions:
                advice += await self.call(svc.advice.for_decision, actor, view.id)
            inputs = [svc.decisions.to_input(v) for v in versions]
            receipt = await self.call(
                svc.receipts.status, actor, self.decision_id, self.share_app.clock.today()
            )
            words: dict[int, str] = {}
            for d in inputs:
                if d.consent_event_id is not None and d.consent_event_id not in words:
                    ev = await self.call(svc.consent.get_event, actor, d.consent_event_id)
                    words[ev.id] = consent_event_words(ev, self.share_app.settings.tz)
        except ShareError as exc:
            self.query_one("#decision-heading", Static).update(Text(exc.message))
            return
        self.versions, self.inputs, self.advice, self.consent_words = (
            versions,
            inputs,
            advice,
            words,
        )
        self.receipt = receipt
        self.query_one("#decision-after", Static).update(
            after_share_text(versions[-1], receipt, self.share_app.settings.tz)
        )
        if latest or self.shown >= len(versions):
            self.shown = len(versions) - 1
        self._draw()
        self.refresh_bindings()

    # -- drawing --------------------------------------------------------------------------
    def _people(self) -> dict[int, PersonSummary]:
        people: dict[int, PersonSummary] = {}
        for v in self.versions:
            people[v.subject.id] = v.subject
            for other in v.others_affected:
                people[other.id] = other
        return people

    def _parts(self, index: int) -> list[Part]:
        people = self._people()

        def person(pid: int) -> str:
            p = people.get(pid)
            if p is None:
                return f"Person {pid}"
            return f"{person_name(p)} (born {p.dob_text}, ref {plain(p.reference, 40)})"

        def consent(event_id: int) -> str:
            return self.consent_words.get(event_id, f"Consent record {event_id}")

        return parts(
            self.inputs[index],
            person=person,
            consent_record=consent,
            tz=self.share_app.settings.tz,
            impact_asked=self.versions[index].impact_asked,
        )

    def _draw(self) -> None:
        tz = self.share_app.settings.tz
        view = self.versions[self.shown]
        latest = self.versions[-1]
        heading = Text(f"Sharing decision {view.root_id}", style="bold")
        heading.append(f"\nShowing version {view.version} of {len(self.versions)}")
        heading.append(" (the latest)" if view is latest else " (NOT the latest)")
        heading.append(f". {view.outcome.label}")
        if view.urgent:
            heading.append(", URGENT")
        if view.caller_unverified:
            heading.append(". CALLER NOT VERIFIED")
        if view is latest and view.to_complete:
            heading.append(
                "\nTO COMPLETE: say what could happen to the child and others if it is shared "
                "and if it is not (rule 5)",
                style="bold",
            )
            if self._may_amend():
                heading.append(": press m.", style="bold")
        self.query_one("#decision-heading", Static).update(heading)

        versions = Text("Versions (press the number to show one)", style="bold underline")
        for i, v in enumerate(self.versions, 1):
            versions.append("\n")
            versions.append("> " if v is view else "  ")
            versions.append(f"{i}  version {v.version}, ")
            versions.append(v.decided_at.astimezone(tz).strftime(WHEN_FORMAT))
            versions.append(", ")
            versions.append(plain(v.decided_by, 60))
            if v.version == 1:
                versions.append(": the original decision")
            else:
                versions.append(": amended because ")
                versions.append(plain(v.amend_reason, 300))
            if v is view:
                versions.append("  (showing)")
        self.query_one("#decision-versions", Static).update(versions)

        changes = self.query_one("#decision-changes", Static)
        changes.update(self._changes_text())
        changes.display = self.shown > 0

        record = Text()
        for i, part in enumerate(self._parts(self.shown)):
            if i:
                record.append("\n\n")
            record.append(part.title, style="bold underline")
            for label, value in part.rows:
                record.append(f"\n  {label}: ", style="bold")
                record.append(plain(value, 2000))
        record.append("\n\nDecided by ", style="bold")
        record.append(plain(view.decided_by, 60))
        record.append(" at " + view.decided_at.astimezone(tz).strftime(WHEN_FORMAT))
        self.query_one("#decision-record", Static).update(record)
        self.query_one("#decision-advice", Static).update(self._advice_text())

    def _changes_text(self) -> Text:
        text = Text("What changed from the version before", style="bold underline")
        if self.shown == 0:
            return text
        before = self._parts(self.shown - 1)
        after = self._parts(self.shown)
        old = {(p.title, label): value for p in before for label, value in p.rows}
        new = {(p.title, label): value for p in after for label, value in p.rows}
        found = False
        for key in [*new, *(k for k in old if k not in new)]:
            previous, current = old.get(key, "not asked"), new.get(key, "not asked")
            if previous != current:
                found = True
                title, label = key
                text.append(f"\n  {title if title == label else f'{title}, {label}'}: ")
                text.append(plain(previous, 300))
                text.append("  ->  ")
                text.append(plain(current, 300))
        if not found:
            text.append("\n  No answer changed.")
        return text

    def _advice_text(self) -> Text:
        text = Text("Advice", style="bold underline")
        if not self.advice:
            text.append("\n  No advice was asked for on this decision.")
            return text
        tz = self.share_app.settings.tz
        for a in self.advice:
            text.append(f"\n  Asked of the {a.advice_role.label.lower()} ")
            text.append(f"({a.urgency.label.lower()}) by ")
            text.append(plain(a.raised_by, 60))
            text.append(" on " + a.raised_at.astimezone(tz).strftime(WHEN_FORMAT) + ": ")
            text.append(plain(a.question, 500))
            text.append(f"\n    Status: {a.status.label}")
            text.append(advice_given(a, "    ", advice_limit=1000, outcome_limit=1000))
        return text

    # -- keys -----------------------------------------------------------------------------
    def _may_amend(self) -> bool:
        if not self.versions:
            return False
        return self.versions[0].decided_by_id == self.actor.user_id

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "receipt":
            return self.receipt is not None
        if action == "amend":
            return self._may_amend()
        if action == "show_version":
            n = parameters[0] if parameters else 0
            return isinstance(n, int) and 1 <= n <= len(self.versions)
        return super().check_action(action, parameters)

    def action_close(self) -> None:
        self.app.pop_screen()

    def action_show_version(self, n: int) -> None:
        if 1 <= n <= len(self.versions):
            self.shown = n - 1
            self._draw()
            self.query_one("#decision-body", VerticalScroll).scroll_home(animate=False)

    def action_receipt(self) -> None:
        """c: record that the recipient confirmed receipt, or that it failed, was sent
        again or was chased."""
        from sharetui.ui.screens.receipt import ReceiptDialog

        if self.receipt is not None:
            self.app.push_screen(ReceiptDialog(self.decision_id))

    def action_amend(self) -> None:
        """Reopen the flow filled in from the latest version; saving makes a new version."""
        if not self._may_amend():
            return
        from sharetui.ui.screens.decision_flow import DecisionFlowScreen

        latest = self.versions[-1]
        self.app.push_screen(
            DecisionFlowScreen(
                amend_of=latest.id,
                initial=self.services.decisions.to_input(latest),
                # Completing an urgent record starts where rule 5 is asked.
                start_page="decision" if latest.to_complete else "check",
            )
        )
