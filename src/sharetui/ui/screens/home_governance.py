"""The information governance part of the home screen (the information governance lead and
administrators): subject access requests overdue, due within the week and waiting for
identity, in words; how many records wait for a retention review. `s` opens the subject
access requests, `t` the retention review queue, Enter on a request opens it there."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from sharetui.ui.literal import lit
from sharetui.ui.widgets.table import Table

if TYPE_CHECKING:
    from sharetui.ui.screens.home import HomeScreen

SAR_COLUMNS = ("#sar-table", ("No.", "About", "Received", "Due", "Where it stands"))
SAR_EMPTY = "No subject access request overdue or due this week"


def governance_sections() -> ComposeResult:
    yield Static(
        "Subject access requests (s: every request, to log and work on them)",
        classes="section-title",
    )
    yield Table(id="sar-table", cursor_type="row", zebra_stripes=True)
    yield Static("", id="retention-status")


async def fetch_governance(screen: HomeScreen) -> dict[str, Any]:
    svc, actor = screen.services, screen.actor
    return {
        "sar": await screen.call(svc.sar.due, actor, screen.share_app.clock.today()),
        "retention": await screen.call(svc.retention.due_count, actor),
    }


def governance_rows(due: dict[str, Any], today: date) -> list[tuple[Any, ...]]:
    """Overdue requests first, in words as well as order; then due within the week, then
    those whose clock has not started. The last item of each row says what Enter opens."""
    rows = []
    for group in ("overdue", "due_soon", "waiting"):
        for v in due[group]:
            stands = v.clock_text(today)
            rows.append(
                (
                    str(v.id),
                    lit(v.reference or "(disposed of)"),
                    f"{v.received_on:%d %b %Y}",
                    f"{v.due_on:%d %b %Y}" if v.due_on else "-",
                    Text(stands, style="bold reverse") if group == "overdue" else stands,
                    ("sar", v.id),
                )
            )
    return rows


def retention_words(review: tuple[int, int]) -> Text:
    count, held = review
    if not count:
        return lit("Retention: no record is due for review")
    return lit(
        f"Retention: {count} record(s) due for review"
        + (f", {held} under a legal hold" if held else "")
        + " (t: the review queue)"
    )


def show_retention(screen: HomeScreen, review: tuple[int, int]) -> None:
    screen.query_one("#retention-status", Static).update(retention_words(review))
