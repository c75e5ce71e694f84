"""The decision flow's pages and widgets (the screen is ui/screens/decision_flow.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sharetui.ui.flow.page import FlowPage
from sharetui.ui.flow.pages_consent import BasisPage, ConsentPage
from sharetui.ui.flow.pages_end import CheckPage, ChecksPage, DecisionPage, DonePage
from sharetui.ui.flow.pages_start import RecipientPage, UrgencyPage, WhatPage, WhoPage

if TYPE_CHECKING:
    from sharetui.ui.screens.decision_flow import DecisionFlowScreen

PAGE_CLASSES: dict[str, type[FlowPage]] = {
    cls.PAGE: cls
    for cls in (
        UrgencyPage,
        WhoPage,
        RecipientPage,
        WhatPage,
        ConsentPage,
        BasisPage,
        ChecksPage,
        DecisionPage,
        CheckPage,
        DonePage,
    )
}


def make_page(name: str, flow: DecisionFlowScreen) -> FlowPage:
    return PAGE_CLASSES[name](flow)
