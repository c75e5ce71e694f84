"""The retention review queue, for the information governance lead and administrators: the
people whose records have reached their review date under the site's schedule (child
protection records at the 25th birthday, looked-after children's at the 75th, allegations
against staff at retirement age or ten years, and the site's own rules), oldest first.

On the person under the cursor: keep the record (the reason and the next review date),
dispose of it (after a confirmation that names what will be removed and says it cannot be
undone), or place or lift a legal hold, which blocks disposal. The services check and audit
each step; the disposal leaves a tombstone and has the database rewrite its files.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Static

from sharetui.domain.errors import ShareError
from sharetui.domain.governance import RecordKind
from sharetui.services.retention import DisposalPreview, QueueItem
from sharetui.ui.forms.dialog import saving_status
from sharetui.ui.forms.saving import SingleFlight
from sharetui.ui.literal import lit, one_line, plain
from sharetui.ui.screens.dialogs import ConfirmDialog, MessageDialog
from sharetui.ui.screens.list_screen import ListScreen

KIND_WORDS = {
    RecordKind.CHILD_PROTECTION: "child protection",
    RecordKind.LOOKED_AFTER: "looked after",
    RecordKind.ALLEGATION_STAFF: "allegation (staff)",
    RecordKind.ADULT: "adult",
}

# What a disposal removes, table by table, in words (services/disposal.py names the tables).
REMOVED_WORDS = {
    "person": "their details",
    "person_version": "earlier versions of their details",
    "person_name_key": "search keys for their names",
    "person_import_key": "keys matching them to imported files",
    "person_link": "links to family and household members",
    "sharing_decision": "sharing decisions about them (every version)",
    "decision_affected": "mentions as someone affected by a decision",
    "receipt_event": "receipt steps of their shares",
    "consent_event": "consent records",
    "advice_request": "advice requests",
    "advice_event": "steps of those advice requests",
    "incoming_file": "child protection files received about them",
    "draft": "unfinished forms naming them",
    "sar_review": "review decisions of subject access requests",
    "subject_access_request (cleared)": "subject access requests (kept as dates only, "
    "without who asked)",
    "retention_review (cleared)": "retention reviews (kept without their reasons)",
    "person_retention": "their retention setting",
    "legal_hold": "lifted legal holds",
}

RETENTION_HELP = (
    "Retention (storage limitation, UK GDPR Article 5): keep personal data no longer than it "
    "is needed. Defaults, which a site can change (sharetui retention set): child protection "
    "records until the child's 25th birthday, then review (IRMS Information Management "
    "Toolkit for Schools; DfE data protection toolkit for schools), the last setting keeping "
    "the file until the child is on another roll; looked-after children's case records until "
    "the 75th birthday (Care Planning, Placement and Case Review (England) Regulations 2010, "
    "regulation 50); allegations against staff until normal retirement age or ten years, "
    "whichever is longer (Keeping Children Safe in Education, Part 4). A review keeps the "
    "record, with the reason and the next review date, or disposes of it. Disposal removes "
    "everything held about the person, from every table and the search keys, and keeps a "
    "tombstone (the kind of record, the rule, when, by whom); it cannot be undone. A record "
    "under a legal hold (an inquiry, a claim, a court order) cannot be disposed of until the "
    "hold is lifted.\n\n"
    "Keys, on the person under the cursor: k keeps the record, d disposes of it (after a "
    "confirmation), h places a legal hold, l lifts one."
)


def removed_lines(removed: dict[str, int]) -> list[str]:
    """What a disposal removes, one line per kind of row, largest parts first."""
    order = list(REMOVED_WORDS)
    keys = sorted(removed, key=lambda k: order.index(k) if k in order else len(order))
    return [f"  {removed[k]:>4}  {REMOVED_WORDS.get(k, k.replace('_', ' '))}" for k in keys]


class DisposeDialog(ConfirmDialog):
    """The confirmation before a disposal: who, under which rule, what goes, and that it
    cannot be undone. y disposes; n or Esc keeps everything as it is."""

    CSS_PATH = "retention.tcss"

    def __init__(self, preview: DisposalPreview) -> None:
        super().__init__(
            f"Dispose of the record of {preview.name} ({preview.reference})? This cannot be "
            "undone.",
            yes="Dispose of it",
            no="Keep it",
        )
        self.preview = preview

    def compose(self) -> ComposeResult:
        p = self.preview
        lines = [
            f"{p.kind.label}: {p.rule}; due for review since {p.review_on:%d %B %Y}.",
            "",
            "This removes, from every table and the search keys:",
            *removed_lines(p.removed),
            "",
            "A tombstone keeps only the kind of record, the rule, when and by whom; the audit "
            "trail holds ids, never the person's details. This cannot be undone.",
        ]
        with Vertical(classes="dialog"):
            yield Static(lit(self.question), classes="dialog-title")
            with VerticalScroll(classes="dispose-scroll"):
                yield Static(lit("\n".join(lines)), id="dispose-body")
            with Horizontal(classes="dispose-buttons"):
                yield Button(f"{self.yes_label} (y)", id="yes", variant="error")
                yield Button(f"{self.no_label} (n / Esc)", id="no", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()  # Enter alone never disposes


class RetentionScreen(ListScreen[QueueItem]):
    """People whose records are due for review, with the keys that act on the one under the
    cursor."""

    CSS_PATH = "retention.tcss"

    BINDINGS = [
        Binding("k", "keep", "Keep"),
        Binding("d", "dispose", "Dispose"),
        Binding("h", "hold", "Legal hold"),
        Binding("l", "lift", "Lift hold"),
        Binding("escape", "back", "Home"),
    ]
    HEADING = "Retention review: records due for review"
    SUB_TITLE = "Retention"
    COLUMNS = ("Reference", "Name", "Kind", "Due since", "Hold")
    TABLE_ID = "retention-list"
    DETAIL_ID = "retention-detail"
    STATUS_ID = "retention-said"
    LOAD_GROUP = "retention-load"
    TYPEAHEAD_WAIT_GROUPS = frozenset({"retention-write", "retention-holds", "retention-preview"})
    FIELD_HELP = {"retention-list": RETENTION_HELP}

    def __init__(self) -> None:
        super().__init__()
        self.saving = SingleFlight(self, group="retention-write")
        self._asking = False  # a disposal's confirmation is being prepared or shown

    def compose_below(self) -> ComposeResult:
        yield from super().compose_below()
        yield saving_status()

    async def fetch(self) -> list[QueueItem]:
        return await self.call(self.services.retention.queue, self.actor)

    def row(self, q: QueueItem) -> tuple[Any, ...]:
        return (
            one_line(q.reference, 14),
            one_line(q.name, 24),
            KIND_WORDS[q.kind],
            f"{q.review_on:%d %b %Y}",
            "HELD" if q.held else "",
        )

    def empty_row(self) -> tuple[Any, ...]:
        return ("", lit("No record is due for review"), "", "", "")

    def detail(self, q: QueueItem) -> Text:
        lines = [
            f"{q.name} (ref {q.reference}): {q.kind.label.lower()}",
            f"Rule: {q.rule}; due for review since {q.review_on:%d %B %Y}",
            "UNDER A LEGAL HOLD: no disposal until it is lifted (l)"
            if q.held
            else "Not under a legal hold",
        ]
        return lit("\n".join(plain(line) for line in lines))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        q = self.chosen() if self.is_mounted else None
        allowed = {
            "keep": q is not None,
            "dispose": q is not None and not q.held,
            "hold": q is not None,
            "lift": q is not None and q.held,
        }
        if action in allowed:
            return allowed[action]
        return super().check_action(action, parameters)

    # -- the actions ------------------------------------------------------------------------
    def _form_context(self, q: QueueItem) -> dict[str, Any]:
        return {
            "reference": q.reference,
            "person_id": q.person_id,
            "name": q.name,
            "label": q.reference,
        }

    def _open_form(self, form: Any, words: str) -> None:
        def saved(result: Any) -> None:
            if result is not None:
                self.say(words)
                self.reload()

        self.app.push_screen(form, saved)

    def action_keep(self) -> None:
        from sharetui.ui.screens.retention_forms import KeepDialog

        q = self.chosen()
        if q is not None:
            self._open_form(KeepDialog(self._form_context(q)), f"Kept: {q.reference}")

    def action_hold(self) -> None:
        from sharetui.ui.screens.retention_forms import HoldDialog

        q = self.chosen()
        if q is not None:
            self._open_form(
                HoldDialog(self._form_context(q)), f"Legal hold placed on {q.reference}"
            )

    def action_lift(self) -> None:
        q = self.chosen()
        if q is not None:
            self._lift(q)

    @work(group="retention-holds", exit_on_error=False)
    async def _lift(self, q: QueueItem) -> None:
        from sharetui.ui.screens.retention_forms import LiftDialog

        holds = await self.call(self.services.retention.holds, self.actor, q.reference)
        active = [[h.id, h.reason] for h in holds if h.lifted_at is None]
        context = {**self._form_context(q), "holds": active}
        self._open_form(LiftDialog(context), f"Legal hold lifted on {q.reference}")

    def action_dispose(self) -> None:
        q = self.chosen()
        if q is None or self.saving.in_flight or self._asking:
            return
        self._asking = True  # one confirmation at a time, however often d is pressed
        self._confirm_disposal(q)

    @work(group="retention-preview", exit_on_error=False)
    async def _confirm_disposal(self, q: QueueItem) -> None:
        """Count what will go (nothing is removed yet), then ask."""
        try:
            preview = await self.call(
                self.services.retention.disposal_preview, self.actor, q.reference
            )
        except ShareError as exc:
            self._asking = False
            self.app.push_screen(MessageDialog("Not disposed of", exc.message))
            return
        except BaseException:
            self._asking = False
            raise

        def answered(go: bool | None) -> None:
            self._asking = False
            if go:
                self.saving.run(lambda: self._dispose(q), label="Disposing…")
            else:
                self.say(f"Nothing was disposed of: {q.reference} is as it was")

        self.app.push_screen(DisposeDialog(preview), answered)

    async def _dispose(self, q: QueueItem) -> None:
        retention = self.services.retention
        try:
            tomb = await self.call(retention.dispose, self.actor, q.reference)
        except ShareError as exc:
            self.app.push_screen(MessageDialog.refused("Not disposed of", exc))
            return
        cleaned = await self.call(retention.clean_up, self.actor)
        self.say(f"Disposed of {q.reference}: tombstone {tomb.id}")
        self.app.push_screen(
            MessageDialog(
                "Disposed of",
                f"The record {q.reference} was disposed of. Tombstone {tomb.id}: {tomb.rule}, "
                f"by {tomb.disposed_by}.\n\n{cleaned.message}",
            )
        )
        self.reload()
