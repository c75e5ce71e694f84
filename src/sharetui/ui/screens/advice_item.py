"""One advice request, for the adviser (claim, release, advise, reveal, record the outcome) and
for the requester (read the advice, record the outcome, carry on with the decision). Every
step shows who and when; the service decides who may do what, the keys only follow it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Header, Static
from textual.worker import Worker

from sharetui.domain.enums import AdviceEventKind, AdviceStatus
from sharetui.domain.errors import Conflict, NotFound, ShareError
from sharetui.domain.permissions import Permission, allowed
from sharetui.domain.text import LONG_TEXT
from sharetui.services.views import AdviceEventView, AdviceView
from sharetui.ui.forms import ErrorSummary, Field, LongText, SingleFlight
from sharetui.ui.forms.dialog import FormDialog, save_buttons, saving_status
from sharetui.ui.literal import lit, when
from sharetui.ui.screens import advice_queue
from sharetui.ui.screens.base import KioskScreen, SerialLoadMixin
from sharetui.ui.screens.dialogs import MessageDialog
from sharetui.ui.widgets.keybar import KeyBar

if TYPE_CHECKING:
    from sharetui.ui.app import ShareApp


EVENT_WORDS = {
    AdviceEventKind.RAISED.value: "Asked for advice",
    AdviceEventKind.CLAIMED.value: "Claimed",
    AdviceEventKind.RELEASED.value: "Released to the queue",
    AdviceEventKind.ADVISED.value: "Gave advice",
    AdviceEventKind.REVEALED.value: "Revealed the identity",
    AdviceEventKind.CLOSED.value: "Recorded the outcome",
}


# What each text step asks: (title, label, hint, service method name, error field, draft title)
TEXT_STEPS: dict[str, tuple[str, str, str, str, str, str]] = {
    "advise": (
        "Record your advice",
        "Your advice",
        "What you advise and why. The requester sees it on their home screen.",
        "advise",
        "advice_text",
        "Advice",
    ),
    "close": (
        "Record the outcome",
        "What happened after the advice",
        "For example: shared with children's social care under public task; or not "
        "shared, and why.",
        "close",
        "outcome_text",
        "Outcome of advice",
    ),
    "reveal": (
        "Reveal who this is about",
        "Why do you need to know who this is about?",
        "Your reason is recorded with your name in the request's history and the audit trail.",
        "reveal",
        "reason",
        "Reason to reveal an identity",
    ),
}


class TextEntryDialog(FormDialog):
    """One piece of text for an advice request (the advice, the outcome, the reason to
    reveal an identity); its error shows on the field, the text is kept, and it is kept as
    a draft when the user locks, switches or signs out."""

    CSS_PATH = "advice_item.tcss"

    FIELDS = ("text",)
    DRAFT_KIND = "advice-text"

    def __init__(
        self,
        advice_id: int,
        step: str,
        *,
        values: dict[str, Any] | None = None,
        draft_id: int | None = None,
    ) -> None:
        super().__init__(values=values, draft_id=draft_id)
        self.advice_id = advice_id
        self.step = step
        self.title_text, self.label, self.hint, self.method, self.field, self.title = TEXT_STEPS[
            step
        ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="entry-dialog"):
            yield Static(lit(self.title_text), classes="dialog-title")
            yield ErrorSummary()
            yield Field(
                "text",
                self.label,
                LongText(id="text", max_length=LONG_TEXT, classes="entry-text"),
                self.hint + " Enter starts a new line; Ctrl+S saves.",
                head_id="entry-error",
            )
            yield saving_status()
            yield save_buttons()

    def draft_title(self) -> str:
        return self.title or ""

    def draft_context(self) -> dict[str, Any]:
        return {"advice_id": self.advice_id, "step": self.step}

    def field_of(self, error_key: str) -> str:
        return "text" if error_key in (self.field, "text") else error_key

    async def submit(self, values: dict[str, Any], **options: Any) -> AdviceView:
        fn = getattr(self.services.advice, self.method)
        view: AdviceView = await self.call(fn, self.actor, self.advice_id, values["text"])
        return view


async def reopen(
    app: ShareApp, draft_id: int, context: dict[str, Any], values: dict[str, Any]
) -> None:
    """Advice, an outcome or a reveal reason kept as a draft: the request opens with the
    dialog on top, the text as it was left."""
    advice_id, step = context.get("advice_id"), context.get("step")
    if not isinstance(advice_id, int) or step not in TEXT_STEPS:
        raise NotFound("That draft is not one this version can open")
    screen = AdviceItemScreen(advice_id)
    await app.push_screen(screen)
    screen.open_entry(TextEntryDialog(advice_id, str(step), values=values, draft_id=draft_id))


class AdviceItemScreen(SerialLoadMixin, KioskScreen):
    """The whole request and its history. Keys appear only when the step is open to you."""

    CSS_PATH = "advice_item.tcss"

    BINDINGS = [
        Binding("c", "claim", "Claim"),
        Binding("l", "release", "Release"),
        Binding("a", "advise", "Record advice"),
        Binding("o", "close_item", "Record outcome"),
        Binding("i", "reveal", "Reveal identity"),
        Binding("d", "continue_decision", "Continue decision"),
        Binding("g", "reload", "Refresh"),
        Binding("escape", "back", "Back"),
    ]

    FIELD_HELP = {
        "item-body": "Claim the request so nobody else works on it, record your advice, and "
        "make sure the outcome is recorded: every advice discussion ends with its outcome "
        "written down (rule 7).",
    }

    def __init__(self, advice_id: int) -> None:
        super().__init__()
        self.advice_id = advice_id
        self.view: AdviceView | None = None
        self._loader: Worker[None] | None = None
        self._again = False
        self.acting = SingleFlight(self, group="advice-item-act")  # one claim or release

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="item-body"):
            yield Static("Loading…", id="item-status")
            yield Static("", id="item-notice", classes="error-message")
            yield Static("", id="item-facts")
            yield Static("Question", classes="section-title")
            yield Static("", id="item-question")
            yield Static("Advice", classes="section-title")
            yield Static("", id="item-advice")
            yield Static("Outcome", classes="section-title")
            yield Static("", id="item-outcome")
            yield Static("History", classes="section-title")
            yield Static("", id="item-history")
        yield KeyBar()

    def on_mount(self) -> None:
        self.title = "sharetui"
        self.sub_title = "Advice request"
        self.query_one("#item-body", VerticalScroll).focus()  # arrows and PageDown scroll it

    def on_screen_resume(self) -> None:
        self.action_reload()

    # -- who may do what ------------------------------------------------------------------
    # Each is False until the item has loaded, and after sign-out (no one is signed in).
    @property
    def is_adviser(self) -> bool:
        view, actor = self.view, self.share_app.actor
        if view is None or actor is None:
            return False
        return (
            allowed(actor.role, Permission.ADVISE) and view.advice_role.value in actor.advice_roles
        )

    @property
    def is_requester(self) -> bool:
        view, actor = self.view, self.share_app.actor
        if view is None or actor is None:
            return False
        return view.raised_by_id == actor.user_id

    @property
    def holds_it(self) -> bool:
        view, actor = self.view, self.share_app.actor
        if view is None or actor is None:
            return False
        held = view.status in (AdviceStatus.CLAIMED, AdviceStatus.ADVISED)
        return held and view.claimed_by_id == actor.user_id

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        view = self.view
        status = view.status if view else None
        allowed = {
            "claim": self.is_adviser and status is AdviceStatus.PENDING,
            "release": self.holds_it and status is AdviceStatus.CLAIMED,
            "advise": self.holds_it and status is AdviceStatus.CLAIMED,
            "close_item": status is AdviceStatus.ADVISED and (self.is_requester or self.holds_it),
            "reveal": self.is_adviser
            and view is not None
            and view.anonymised
            and view.person_id is None
            and not self.is_requester,
            "continue_decision": self.is_requester
            and view is not None
            and view.draft_id is not None,
        }
        if action in allowed:
            return allowed[action]
        return super().check_action(action, parameters)

    # -- loading and showing --------------------------------------------------------------
    async def _fetch_and_show(self) -> None:
        try:
            view = await self.call(self.services.advice.get, self.actor, self.advice_id)
            history = await self.call(self.services.advice.history, self.actor, self.advice_id)
        except ShareError as exc:
            if self.is_attached:
                self.query_one("#item-status", Static).update(
                    lit(f"This request could not be opened: {exc.message}")
                )
            return
        if self.is_attached:
            self._show(view, history)

    def _show(self, view: AdviceView, history: list[AdviceEventView]) -> None:
        self.view = view
        tz = self.share_app.settings.tz
        now = self.share_app.clock.now()
        self.query_one("#item-status", Static).update(self._status_line(view))
        facts = Text()
        facts.append(f"Urgency:   {view.urgency.label}\n")
        facts.append(f"Due:       {when(view.due_at, tz)}")
        if view.overdue(now):
            facts.append("  ")
            facts.append_text(advice_queue.due_words(view, now, tz))
        facts.append(f"\nAsked of:  {view.advice_role.label}\n")
        facts.append_text(lit(f"Asked by:  {view.raised_by} at {when(view.raised_at, tz)}\n"))
        facts.append("About:     ")
        facts.append_text(lit(view.person_label))
        if view.anonymised and view.person_id is None:
            facts.append("  (identity hidden; i reveals it and the reveal is recorded)")
        elif view.anonymised:
            facts.append("  (hidden from other advisers)")
        if view.draft_id is not None:
            facts.append("\nLinked to: an unfinished decision")
        if view.decision_id is not None:
            facts.append(f"\nLinked to: decision {view.decision_id}")
        self.query_one("#item-facts", Static).update(facts)
        self.query_one("#item-question", Static).update(lit(view.question))
        if view.advice_text:
            advice = lit(f"{view.advised_by}, {when(view.advised_at, tz)}:\n", style="italic")
            advice.append_text(lit(view.advice_text))
        else:
            advice = Text("No advice recorded yet.")
        self.query_one("#item-advice", Static).update(advice)
        outcome = (
            lit(f"{when(view.closed_at, tz)}:\n{view.outcome_text}")
            if view.outcome_text
            else Text("Not recorded yet: every advice request ends with its outcome recorded.")
        )
        self.query_one("#item-outcome", Static).update(outcome)
        lines = Text()
        for event in history:
            if lines:
                lines.append("\n")
            lines.append(f"{when(event.at, tz)}  ")
            lines.append_text(lit(event.by))
            lines.append(f": {EVENT_WORDS.get(event.kind, event.kind)}")
            if event.note:
                lines.append_text(lit(f" ({event.note})"))
        self.query_one("#item-history", Static).update(lines)
        self.refresh_bindings()

    def _status_line(self, view: AdviceView) -> Text:
        tz = self.share_app.settings.tz
        if view.status is AdviceStatus.PENDING:
            text = "PENDING: waiting for an adviser to claim it"
        elif view.status is AdviceStatus.CLAIMED:
            text = f"CLAIMED by {view.claimed_by} at {when(view.claimed_at, tz, '%H:%M')}"
            if self.holds_it:
                text += " (you): record your advice, or release it"
        elif view.status is AdviceStatus.ADVISED:
            text = (
                f"ADVICE GIVEN by {view.advised_by} at {when(view.advised_at, tz, '%H:%M')}: "
                "the outcome is still to be recorded"
            )
        else:
            text = f"CLOSED at {when(view.closed_at, tz)}: outcome recorded"
        return lit(text)

    def _notice(self, message: str) -> None:
        self.query_one("#item-notice", Static).update(lit(message))

    # -- actions --------------------------------------------------------------------------
    def action_claim(self) -> None:
        self.acting.run(lambda: self._act("claim"))

    def action_release(self) -> None:
        self.acting.run(lambda: self._act("release"))

    async def _act(self, step: str) -> None:
        advice = self.services.advice
        fn = advice.claim if step == "claim" else advice.release
        try:
            await self.call(fn, self.actor, self.advice_id)
        except Conflict as exc:
            self._notice(exc.message)
            title = "Someone else has this request" if step == "claim" else "Not released"
            self.app.push_screen(MessageDialog(title, exc.message))
        except ShareError as exc:
            self._notice(exc.message)
        else:
            self._notice("")
            if step == "claim":
                self.notify("Claimed: it is yours until you release it or give advice.")
            else:
                self.notify("Released back to the queue.")
        self.action_reload()

    def action_advise(self) -> None:
        self.open_entry(TextEntryDialog(self.advice_id, "advise"))

    def action_close_item(self) -> None:
        self.open_entry(TextEntryDialog(self.advice_id, "close"))

    def action_reveal(self) -> None:
        self.open_entry(TextEntryDialog(self.advice_id, "reveal"))

    def open_entry(self, dialog: TextEntryDialog) -> None:
        def done(view: AdviceView | None) -> None:
            if view is not None:
                self._notice("")
                self.notify(f"Saved. Status: {view.status.label}.", markup=False)
                self.action_reload()

        self.app.push_screen(dialog, done)

    def action_continue_decision(self) -> None:
        if self.view is not None and self.view.draft_id is not None:
            self.share_app.start_decision(draft_id=self.view.draft_id)

    def action_back(self) -> None:
        self.app.pop_screen()
