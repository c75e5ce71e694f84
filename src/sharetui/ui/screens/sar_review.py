"""The review before disclosure of one subject access request: every entry the export marks
(other people's details, staff names, free text written by staff, identities a decision
protects, records about someone else), each withheld or released with a reason, then the file
to give out. Reading the entries reads the person's record, and the service audits it."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from sharetui.domain.governance import ReviewChoice
from sharetui.services.export import REVIEW_GUIDE, REVIEW_SHORT
from sharetui.services.sar import SarView
from sharetui.services.sar_review import Entry
from sharetui.ui.literal import lit, one_line, one_line_keep_end, plain
from sharetui.ui.screens.list_screen import ListScreen
from sharetui.ui.screens.sar_forms import Decided, ReviewDialog, disclose

REVIEW_HELP = (
    "Before anything is given out, read each entry the export marks (ICO right of access "
    "guidance). Other people's details: withhold them unless they agree, or it is reasonable "
    "to disclose without their agreement (what the requester already knows, the person's "
    "role, any duty of confidence). Staff acting in their role are usually named, unless "
    "that could put them at risk. Free text written by staff may mention others: read it. "
    "Identities a decision protects are never disclosed. A record about someone else that "
    "names the requester: disclose only what is about the requester.\n\n"
    "Keys: Enter (or c) decides the entry under the cursor; m decides every entry with the "
    "same mark that has no decision of its own (for instance every staff name); u moves to "
    "the next entry still to review; d makes the file to give out once every entry is "
    "decided. The reason is the record of each decision."
)


def decision_words(e: Entry) -> Text:
    if e.choice is None:
        return Text("TO REVIEW", style="bold reverse")
    words = "Withheld" if e.choice is ReviewChoice.WITHHOLD else "Released"
    return Text(words + (" (mark)" if e.by_mark else ""))


def apply(entries: list[Entry], entry: str, choice: ReviewChoice, reason: str) -> list[Entry]:
    """The entries as the service will now read them (an entry's own decision wins over its
    mark's), so the screen need not read the whole record again after each decision."""
    if entry.startswith("mark:"):
        mark = entry.removeprefix("mark:")
        return [
            replace(e, choice=choice, reason=reason, by_mark=True)
            if e.mark == mark and (e.choice is None or e.by_mark)
            else e
            for e in entries
        ]
    return [
        replace(e, choice=choice, reason=reason, by_mark=False) if e.entry == entry else e
        for e in entries
    ]


class SarReviewScreen(ListScreen[Entry]):
    """The marked entries of one request, with the decision on each."""

    CSS_PATH = "sar_review.tcss"

    BINDINGS = [
        Binding("c", "decide", "Decide"),
        Binding("m", "decide_mark", "Decide the whole mark"),
        Binding("u", "next_todo", "Next to review"),
        Binding("d", "disclose", "Make the file"),
        Binding("escape", "back", "Back"),
    ]
    FIELD_HELP = {"review-table": REVIEW_HELP}

    SUB_TITLE = "Subject access review"
    COLUMNS = ("Decision", "Mark", "Where", "What it says")
    TABLE_ID = "review-table"
    DETAIL_ID = "review-detail"
    STATUS_ID = "sar-status"
    LOAD_GROUP = "review-load"
    LOAD_ON_RESUME = False  # a decision changes the rows in place (apply): no reading again

    def __init__(self, request: SarView) -> None:
        super().__init__()
        self.request = request

    def compose_heading(self) -> ComposeResult:
        r = self.request
        yield Static(
            lit(
                f"Review before disclosure: request {r.id} about {r.person_name} (ref {r.reference})"
            ),
            classes="page-title",
        )
        yield Static("Reading the record…", id="review-summary")

    async def fetch(self) -> list[Entry]:
        return await self.call(self.services.sar_reviews.entries, self.actor, self.request.id)

    def row(self, e: Entry) -> tuple[Any, ...]:
        return (
            decision_words(e),
            lit(REVIEW_SHORT.get(e.mark, e.mark)),
            one_line_keep_end(e.where, 30),  # the field stays: it tells rows apart
            one_line(e.value or "(the whole record)", 60),
        )

    def empty_row(self) -> tuple[Any, ...]:
        return ("", "", lit("Nothing is marked for review"), "")

    def _show(self, cursor: int | None = None) -> None:
        super()._show(cursor)
        entries = self.items
        todo = sum(1 for e in entries if e.choice is None)
        withheld = sum(1 for e in entries if e.choice is ReviewChoice.WITHHOLD)
        released = len(entries) - todo - withheld
        words = (
            f"{len(entries)} entries marked for review: {todo} still to review, {withheld} "
            f"withheld, {released} released."
        )
        words += " Every entry is decided: d makes the file to give out." if not todo else ""
        self.query_one("#review-summary", Static).update(lit(words))

    def detail(self, e: Entry) -> Text:
        lines = [f"{e.where}:", e.value or "(the whole record)", REVIEW_GUIDE.get(e.mark, "")]
        if e.choice is not None:
            lines.append(f"{decision_words(e).plain}: {e.reason}")
        return lit("\n".join(plain(line) for line in lines))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("decide", "decide_mark"):
            return self.is_mounted and self.chosen() is not None
        if action == "next_todo":
            return any(e.choice is None for e in self.items)
        return super().check_action(action, parameters)

    # -- the actions ----------------------------------------------------------------------
    def open(self, e: Entry) -> None:
        self._decide(e.entry, e)

    def action_decide(self) -> None:
        e = self.chosen()
        if e is not None:
            self._decide(e.entry, e)

    def action_decide_mark(self) -> None:
        e = self.chosen()
        if e is not None:
            self._decide(f"mark:{e.mark}", e)

    def _decide(self, entry: str, e: Entry) -> None:
        r = self.request
        context: dict[str, Any] = {
            "sar_id": r.id,
            "person_id": r.person_id,
            "label": f"request {r.id}",
            "entry": entry,
            "mark": e.mark,
            "where": e.where,
            "value": e.value[:600],
        }

        def decided(result: Decided | None) -> None:
            if result is None:
                return
            here = self.table.cursor_row
            self.items = apply(self.items, result.entry, result.choice, result.reason)
            self._show(cursor=self._next_todo(self.items, here))
            self.say(f"{result.choice.label}: {REVIEW_SHORT.get(e.mark, e.mark)}")

        self.app.push_screen(ReviewDialog(context), decided)

    @staticmethod
    def _next_todo(entries: list[Entry], after: int) -> int:
        """The next entry still to review after this one (round to the first), or this one."""
        order = list(range(after + 1, len(entries))) + list(range(0, after + 1))
        return next((i for i in order if entries[i].choice is None), after)

    def action_next_todo(self) -> None:
        self.table.move_cursor(row=self._next_todo(self.items, self.table.cursor_row))

    def action_disclose(self) -> None:
        disclose(self, self.request, lambda: None)
