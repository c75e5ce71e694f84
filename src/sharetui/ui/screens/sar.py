"""Subject access requests, for the information governance lead and administrators: a
locked-down terminal has no shell, so everything `sharetui sar` does is here too.

The list shows each request's person, requester, status and where it stands against its due
date in words. On the request under the cursor: record the day identity was confirmed (the
clock starts), extend it, review the entries marked for review, make the reviewed file to
give out (saying where it was written), record the day it was answered, or that it was
withdrawn. The services check the rules and audit every step; this screen says their words.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from sharetui.domain.errors import ShareError
from sharetui.domain.governance import SarStatus, due_date
from sharetui.services.sar import SarView
from sharetui.ui.forms.dialog import saving_status
from sharetui.ui.forms.saving import SingleFlight
from sharetui.ui.literal import lit, one_line, plain
from sharetui.ui.screens.dialogs import ConfirmDialog, MessageDialog
from sharetui.ui.screens.list_screen import ListScreen

STATUS_WORDS = {
    SarStatus.AWAITING_IDENTITY: "ID to confirm",
    SarStatus.OPEN: "Open",
    SarStatus.ANSWERED: "Answered",
    SarStatus.WITHDRAWN: "Withdrawn",
}

SAR_HELP = (
    "Subject access (UK GDPR Articles 12 and 15; ICO right of access guidance). A person, a "
    "parent with parental responsibility or someone acting for them with their authority can "
    "ask for what is held about the person; in Scotland a child of 12 or over is presumed "
    "able to ask. Answer within one calendar month of receiving the request, or of confirming "
    "the requester's identity when that came later: a month from 31 January ends on the last "
    "day of February, and a deadline on a weekend or bank holiday moves to the next working "
    "day. A complex request, or many from the same person, can be extended by up to two "
    "further months if the requester is told, with the reasons, within the first month. "
    "Before anything is given out, other people's details are reviewed: each entry marked "
    "for review is withheld or released, with a reason; the file given out leaves out what "
    "was withheld.\n\n"
    "Keys: n logs a new request; on the request under the cursor: i its identity confirmed "
    "(the clock starts), e an extension, v (or Enter) the review of marked entries, d the "
    "reviewed file to give out, a the day it was answered, w withdrawn. o shows answered and "
    "withdrawn requests too."
)


# The list's column is narrower than the words the request's own screen uses
_SHORTER = {SarStatus.AWAITING_IDENTITY: "clock not started", SarStatus.WITHDRAWN: "-"}


def due_words(v: SarView, today: date) -> str:
    """Where the request stands against its due date, in words: the service's own words
    (SarView.clock_text), shortened where the list's column needs it."""
    return _SHORTER.get(v.status) or v.clock_text(today)


def request_row(v: SarView, today: date) -> tuple[Any, ...]:
    """The request as a row of the list; late ones stand out."""
    stands = due_words(v, today)
    late = v.overdue(today) or stands == "answered late"
    return (
        str(v.id),
        one_line(v.person_name or "(disposed of)", 22),
        one_line(v.requester_name or "-", 18),
        STATUS_WORDS[v.status],
        Text(stands, style="bold reverse") if late else stands,
    )


def detail_lines(v: SarView, today: date) -> str:
    """The request under the cursor, in full (stored values as plain text)."""
    about = f"{v.person_name} (ref {v.reference})" if v.reference else "(disposed of)"
    lines = [
        f"Request {v.id} about {about}",
        f"Requester: {v.requester_name}, {v.relationship.label.lower()}",
        f"Received {v.received_on:%d %b %Y}; identity "
        + (
            f"confirmed {v.identity_confirmed_on:%d %b %Y}"
            if v.identity_confirmed_on
            else "to confirm"
        )
        + (f"; due {v.due_on:%d %b %Y} ({v.clock_text(today)})" if v.due_on else ""),
    ]
    if v.extension_months:
        told = f"{v.extension_told_on:%d %b %Y}" if v.extension_told_on else "-"
        lines.append(
            f"Extended by {v.extension_months} month(s), requester told {told}: "
            + " ".join(v.extension_reason.split())[:120]
        )
    lines.append(
        f"Handled by {v.handler or '-'}; reviewed files made: {v.disclosures}"
        + (f"; answered {v.answered_on:%d %b %Y}" if v.answered_on else "")
    )
    return "\n".join(plain(line) for line in lines)


class SubjectAccessScreen(ListScreen[SarView]):
    """Every open request (o: all of them), soonest due first, with the keys that work on
    the one under the cursor."""

    CSS_PATH = "sar.tcss"

    BINDINGS = [
        Binding("n", "new", "New request"),
        Binding("i", "identity", "Identity confirmed"),
        Binding("e", "extend", "Extend"),
        Binding("v", "review", "Review"),
        Binding("d", "disclose", "Make the file"),
        Binding("a", "answer", "Answered"),
        Binding("w", "withdraw", "Withdrawn"),
        Binding("o", "toggle_all", "All requests"),
        Binding("escape", "back", "Home"),
    ]
    SUB_TITLE = "Subject access"
    COLUMNS = ("No.", "About", "Requester", "Status", "Due")
    TABLE_ID = "sar-list"
    DETAIL_ID = "sar-detail"
    STATUS_ID = "sar-status"
    LOAD_GROUP = "sar-load"
    TYPEAHEAD_WAIT_GROUPS = frozenset({"sar-write"})
    FIELD_HELP = {"sar-list": SAR_HELP}

    def __init__(self, select: int | None = None) -> None:
        super().__init__()
        self.open_only = True
        self.wanted = select  # the request to put the cursor on once the list is shown
        self.saving = SingleFlight(self, group="sar-write")
        self.KEY_LABELS = {}

    def compose_heading(self) -> ComposeResult:
        yield Static("Subject access requests: open", id="sar-title", classes="page-title")

    def compose_below(self) -> ComposeResult:
        yield from super().compose_below()
        yield saving_status()

    # -- loading --------------------------------------------------------------------------
    async def fetch(self) -> list[SarView]:
        return await self.call(self.services.sar.list, self.actor, open_only=self.open_only)

    def take(self, views: list[SarView]) -> None:
        """The requests, the cursor on the one asked for, else on the one it was on."""
        current = self.chosen()
        wanted = self.wanted if self.wanted is not None else (current.id if current else None)
        self.wanted = None
        self.items = views
        self._show(cursor=next((i for i, v in enumerate(views) if v.id == wanted), 0))
        self.query_one("#sar-title", Static).update(
            "Subject access requests: " + ("open" if self.open_only else "all")
        )

    def rows(self) -> list[tuple[Any, ...]]:
        today = self._today()
        return [request_row(v, today) for v in self.items]

    def empty_row(self) -> tuple[Any, ...]:
        return ("", lit("No open requests" if self.open_only else "No requests"), "", "", "")

    def detail(self, v: SarView) -> Text:
        return lit(detail_lines(v, self._today()))

    # -- which keys work on the request under the cursor --------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        v = self.chosen() if self.is_mounted else None
        state = v.status if v else None
        open_now = state in (SarStatus.AWAITING_IDENTITY, SarStatus.OPEN)
        about = v is not None and bool(v.reference)
        allowed = {
            "identity": state is SarStatus.AWAITING_IDENTITY,
            "extend": state is SarStatus.OPEN,  # a second asks again (1 or 2 in all)
            "review": about,
            "disclose": about and state is SarStatus.OPEN,
            "answer": state is SarStatus.OPEN,
            "withdraw": open_now,
        }
        if action in allowed:
            return allowed[action]
        return super().check_action(action, parameters)

    # -- the actions --------------------------------------------------------------------
    def action_toggle_all(self) -> None:
        self.open_only = not self.open_only
        self.KEY_LABELS = {} if self.open_only else {"o": "Open only"}
        self.refresh_bindings()
        self.reload()

    def _form_context(self, v: SarView) -> dict[str, Any]:
        return {"sar_id": v.id, "person_id": v.person_id, "label": f"request {v.id}"}

    def _open_form(self, form: Any, done: str) -> None:
        """Push a form; when it saved, say so and show the request as it now is."""

        def saved(result: Any) -> None:
            if result is None:
                return
            if isinstance(result, SarView):
                self.wanted = result.id
                self.say(f"{done}: request {result.id}, {due_words(result, self._today())}")
            self.reload()

        self.app.push_screen(form, saved)

    def _today(self) -> date:
        return self.share_app.clock.today()

    def action_new(self) -> None:
        from sharetui.ui.screens.sar_forms import NewRequestDialog

        self._open_form(NewRequestDialog(), "Logged")

    def action_identity(self) -> None:
        from sharetui.ui.screens.sar_forms import IdentityDialog

        v = self.chosen()
        if v is not None:
            self._open_form(IdentityDialog(self._form_context(v)), "Identity confirmed")

    def action_extend(self) -> None:
        from sharetui.ui.screens.sar_forms import ExtendDialog

        v = self.chosen()
        if v is None or v.clock_started_on is None:
            return
        first_due = due_date(v.clock_started_on)
        context = {**self._form_context(v), "told_by": f"{first_due:%d %B %Y}"}
        self._open_form(ExtendDialog(context), "Extended")

    def action_answer(self) -> None:
        from sharetui.ui.screens.sar_forms import AnswerDialog

        v = self.chosen()
        if v is not None:
            self._open_form(AnswerDialog(self._form_context(v)), "Answered")

    def open(self, v: SarView) -> None:
        self.action_review()

    def action_review(self) -> None:
        from sharetui.ui.screens.sar_review import SarReviewScreen

        v = self.chosen()
        if v is not None and v.reference:
            self.app.push_screen(SarReviewScreen(v))

    def action_disclose(self) -> None:
        from sharetui.ui.screens.sar_forms import disclose

        v = self.chosen()
        if v is not None:
            disclose(self, v, self.reload)

    def action_withdraw(self) -> None:
        v = self.chosen()
        if v is None:
            return

        ConfirmDialog(
            f"Record that request {v.id} was withdrawn by the requester? It is closed and "
            "no longer on the clock.",
            yes="Withdrawn",
            no="Cancel",
        ).ask(self.app, lambda: self.saving.run(lambda: self._withdraw(v), label="Saving…"))

    async def _withdraw(self, v: SarView) -> None:
        try:
            await self.call(self.services.sar.withdraw, self.actor, v.id)
        except ShareError as exc:
            self.app.push_screen(MessageDialog.refused("Not changed", exc))
            return
        self.say(f"Request {v.id} withdrawn")
        self.reload()
