"""The home screen's lists after the share: my shares whose receipt is not confirmed
(chase them), and for a DSL everyone's overdue receipts and child protection file
transfers, and the data sharing agreements due for review."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from rich.text import Text
from textual.widget import Widget
from textual.widgets import Static

from sharetui.domain.after_share import DecisionKind, ReceiptState
from sharetui.domain.enums import AdviceRole, Role
from sharetui.ui.literal import day, one_line, when
from sharetui.ui.widgets.table import Table

if TYPE_CHECKING:
    from sharetui.ui.screens.home import HomeScreen

AFTER_SHARE_COLUMNS = (
    ("#chase-table", ("Sent", "Person", "Recipient", "Receipt")),
    ("#overdue-table", ("Sent", "Person", "Recipient", "Sender", "Receipt")),
    ("#agreements-table", ("Review by", "Agreement", "Covers")),
)


def after_share_sections(role: Role) -> Iterator[Widget]:
    yield Static("My shares to chase: receipt not confirmed", classes="section-title")
    yield Table(id="chase-table", cursor_type="row", zebra_stripes=True)
    if role is Role.SUPERVISOR:
        yield Static("Overdue receipts and file transfers (DSL)", classes="section-title")
        yield Table(id="overdue-table", cursor_type="row", zebra_stripes=True)
        yield Static("Data sharing agreements due for review", classes="section-title")
        yield Table(id="agreements-table", cursor_type="row", zebra_stripes=True)


async def fetch_after_share(home: HomeScreen, role: Role) -> dict[str, Any]:
    svc, actor = home.services, home.actor
    today: date = home.share_app.clock.today()
    data: dict[str, Any] = {"chase": await home.call(svc.receipts.to_chase, actor, today)}
    if role is Role.SUPERVISOR:
        data["overdue"] = (
            await home.call(svc.receipts.overdue, actor, today)
            if AdviceRole.DSL.value in actor.advice_roles
            else []
        )
        data["agreements"] = await home.call(svc.agreements.due_for_review, actor, today)
        data["today"] = today
    return data


def _state(v: Any) -> str:
    words = v.state.label
    if v.kind is DecisionKind.CP_TRANSFER:
        words = "CP file transfer: " + words
        if v.due_on is not None:
            words += f" (due {day(v.due_on)})"
    return words


def _share_cells(v: Any, tz: ZoneInfo) -> tuple[str, Text, Text]:
    """The columns both receipt lists open with (AFTER_SHARE_COLUMNS): when the share was
    sent, who it was about, and to whom."""
    return when(v.sent_at, tz, "%d %b %Y"), one_line(v.person_name, 30), one_line(v.recipient, 40)


def after_share_rows(
    data: dict[str, Any], tz: ZoneInfo
) -> Iterator[tuple[str, list[tuple[Any, ...]], str]]:
    if "chase" in data:
        yield (
            "#chase-table",
            [
                (
                    *_share_cells(v, tz),
                    _state(v) + ("" if v.state is ReceiptState.FAILED else ": c on the decision"),
                    ("decision", v.decision_id),
                )
                for v in data["chase"]
            ],
            "Nothing to chase: every share you sent is confirmed or not yet due",
        )
    if "overdue" in data:
        yield (
            "#overdue-table",
            [
                (
                    *_share_cells(v, tz),
                    one_line(v.sender, 20),
                    _state(v),
                    ("decision", v.decision_id),
                )
                for v in data["overdue"]
            ],
            "No overdue receipts or transfers",
        )
    if "agreements" in data:
        today = data["today"]
        yield (
            "#agreements-table",
            [
                (
                    day(a.review_on) + (" (PAST)" if a.past_review(today) else ""),
                    one_line(a.title, 50),
                    one_line(", ".join(a.org_names), 40),
                    ("agreement", a.id),
                )
                for a in data["agreements"]
            ],
            "No agreement due for review in the next 30 days",
        )
