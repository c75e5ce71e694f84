"""What a page of the decision flow tells the flow, declared once: the page says what the
person asked for, and the flow (DecisionFlowScreen) decides what happens. A page never calls
its screen, so a page can be tested alone by watching its messages."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


class ContinueAsked(Message):
    """Enter (or the page's own key) on a page: check its answers and go to the next one."""


@dataclass
class PartAsked(Message):
    """Check your answers: change one part (`page`), then come back to the check."""

    page: str


class SavedRecordAsked(Message):
    """The decision is saved: open it as stored."""


class ConsentNowAsked(Message):
    """No consent record fits: record consent now, then come back to this page."""
