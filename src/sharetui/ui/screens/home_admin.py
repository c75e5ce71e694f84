"""The administrator's home: verifying the audit trail (v), said in words on the home
screen, a broken chain in bold where it cannot be missed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Static

if TYPE_CHECKING:
    from sharetui.ui.screens.home import HomeScreen


async def verify_audit(home: HomeScreen) -> None:
    status = home.query_one("#audit-status", Static)
    status.update("Verifying the audit trail…")
    # The line is the last on a long home: at 80 x 24 it is below the fold, so bring it
    # into view, where the administrator who pressed v reads the answer.
    status.scroll_visible(animate=False)
    result = await home.call(home.services.audit.verify, home.actor)
    if not home.is_attached:
        return
    if result.ok:
        status.update(f"Audit trail verified: {result.checked:,} events, unbroken")
    else:
        status.update(
            Text(
                f"AUDIT TRAIL BROKEN at event {result.first_broken_id}: {result.problem}",
                style="bold reverse",
            )
        )
    home.call_after_refresh(status.scroll_visible, animate=False)
