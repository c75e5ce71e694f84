"""Child protection file transfers, for supervisors (Keeping Children Safe in Education,
annex C: the DSL sends the file to the new setting within 5 school days of an in-year move
or within the first 5 school days of a new term, separately from the main pupil file,
securely, and gets confirmation of receipt, chasing when none comes).

Files sent: those still open first (failed, overdue, to chase, awaiting; by due date), then
the confirmed. n records a file sent; c records a receipt step (confirmed, failed, sent
again, chased); Enter opens the record. i switches to files received: n records one, b
records that receipt was confirmed back. An overdue transfer is on the DSL's home too."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.binding import Binding

from sharetui.domain.after_share import ReceiptState
from sharetui.services.receipts import ReceiptView
from sharetui.services.transfers import IncomingView
from sharetui.services.views import DecisionView
from sharetui.ui.literal import day, lit, one_line, plain, when
from sharetui.ui.screens.kept_list import KeptList
from sharetui.ui.screens.receipt import ReceiptDialog
from sharetui.ui.screens.transfer_dialogs import (
    ConfirmBackDialog,
    IncomingFileDialog,
    StartTransferDialog,
)

TRANSFERS_WHY = (
    "Keeping Children Safe in Education (annex C, the DSL's role): when a child moves, the "
    "child protection file goes to the new setting within 5 school days of an in-year move, "
    "or within the first 5 school days of a new term; separately from the main pupil file; "
    "securely, never by ordinary post or with parents; with confirmation of receipt, chased "
    "when none comes. School days skip weekends, bank holidays and the holidays between the "
    "terms entered (k, then t, on the home screen). "
)


class TransfersScreen(KeptList):
    BINDINGS = [
        Binding("n", "add", "Record"),
        Binding("c", "receipt", "Receipt step"),
        Binding("b", "confirmed_back", "Confirmed back"),
        Binding("i", "switch(True)", "Files received"),
        Binding("o", "switch(False)", "Files sent"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, *, incoming: bool = False) -> None:
        super().__init__()
        self.incoming = incoming
        if incoming:
            self.HEADING = "Child protection files received"
            self.INTRO = "Not yet confirmed back first. n records a file received."
            self.COLUMNS = ("Received", "Child", "From", "Confirmed back")
            self.EMPTY = "No files received recorded: n records one"
            self.ENTER_WORDS = ""
        else:
            self.HEADING = "Child protection files sent"
            self.INTRO = "Open transfers first, by due date. n records a file sent."
            self.COLUMNS = ("Child", "New setting", "Due by", "Receipt")
            self.EMPTY = "No transfers recorded: n records a file sent"
            self.ENTER_WORDS = "Open record"
        self.FIELD_HELP = {
            "kept-table": TRANSFERS_WHY
            + (
                "Files received: n records one (from whom, when, and whether receipt was "
                "confirmed back); b records that it was. o: files sent."
                if incoming
                else "n records a file sent; on the one under the cursor c records a receipt "
                "step (confirmed, failed, sent again, chased) and Enter opens its record. "
                "i: files received."
            )
        }

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "receipt":
            return not self.incoming and self.chosen() is not None
        if action == "confirmed_back":
            item = self.chosen()
            return self.incoming and item is not None and item.confirmed_back_method is None
        if action == "switch":
            return parameters != (self.incoming,)  # to the other list only
        return super().check_action(action, parameters)

    def action_switch(self, incoming: bool) -> None:
        self.app.switch_screen(TransfersScreen(incoming=incoming))

    async def fetch(self) -> list[Any]:
        if self.incoming:
            return await self.call(self.services.transfers.incoming, self.actor)
        today = self.share_app.clock.today()
        return await self.call(self.services.receipts.transfer_list, self.actor, today)

    def row(self, item: Any) -> tuple[Any, ...]:
        if self.incoming:
            f: IncomingView = item
            back = f.confirmed_back_method.label if f.confirmed_back_method else "NOT YET"
            return (
                day(f.received_on),
                one_line(f.person_name, 24),
                one_line(f.from_name, 26),
                back,
            )
        v: ReceiptView = item
        state: str | Text = v.state.label
        if v.state is ReceiptState.OVERDUE:
            state = Text(v.state.label, style="bold reverse")
        return (
            one_line(v.person_name, 16),
            one_line(v.recipient, 23),
            day(v.due_on) if v.due_on else "-",
            state,
        )

    def detail(self, item: Any) -> Text:
        tz = self.share_app.settings.tz
        if self.incoming:
            f: IncomingView = item
            text = lit(f"{f.person_name}: file from {f.from_name}, received {day(f.received_on)}")
            text.append(f"; recorded by {plain(f.recorded_by, 40)}")
            if f.confirmed_back_at:
                text.append(f"\nConfirmed back {when(f.confirmed_back_at, tz)}")
            else:
                text.append("\nNot yet confirmed back to them: b records it.", style="bold")
            if f.note:
                text.append("\n" + plain(f.note, 160))
            return text
        v: ReceiptView = item
        text = lit(f"{v.person_name} to {v.recipient}", style="bold")
        text.append(f"\nSent {when(v.sent_at, tz)} by {plain(v.sender, 40)}")
        if v.due_on:
            text.append(f"; due at the new setting by {day(v.due_on)}")
        text.append(f"\n{v.state.label}")
        if v.state is not ReceiptState.CONFIRMED:
            text.append(
                f" (chase from {day(v.times.chase_on)}, overdue from {day(v.times.overdue_on)})"
            )
        if v.steps:
            last = v.steps[-1]
            text.append(f"\nLast step: {last.step.label} {when(last.at, tz)}")
            if last.note:
                text.append(" - " + plain(last.note, 80))
        return text

    def open(self, item: Any) -> None:
        if not self.incoming:
            self.share_app.open_decision(item.decision_id)

    def action_add(self) -> None:
        if self.incoming:
            self.app.push_screen(
                IncomingFileDialog(), lambda v: self.say("File recorded.") if v else None
            )
            return

        def sent(view: DecisionView | None) -> None:
            if view is not None:
                self.say(f"Transfer recorded for {view.subject.full_name}.")

        self.app.push_screen(StartTransferDialog(), sent)

    def action_receipt(self) -> None:
        item = self.chosen()
        if item is not None and not self.incoming:
            self.app.push_screen(
                ReceiptDialog(item.decision_id),
                lambda v: self.say(f"Recorded: {v.state.label}.") if v else None,
            )

    def action_confirmed_back(self) -> None:
        item = self.chosen()
        if item is not None and self.incoming:
            self.app.push_screen(
                ConfirmBackDialog(item.id, item.from_name),
                lambda v: self.say("Receipt confirmed back.") if v else None,
            )
