"""The decision flow's pages tell the flow what the person asked for with messages
(ui/flow/messages.py) and never call their screen: a page works alone, hosted by a bare app,
and the flow's own run shows the sequence of messages as the person moves through it."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

from textual.app import App, ComposeResult
from textual.message import Message

from sharetui.ui.app import ShareApp
from sharetui.ui.flow.messages import ContinueAsked, PartAsked
from sharetui.ui.flow.pages_end import PART_KEYS, CheckPage
from sharetui.ui.flow.pages_start import WhatPage
from sharetui.ui.flow.state import FlowState
from sharetui.ui.forms import LongText
from sharetui.ui.screens.decision_flow import DecisionFlowScreen
from tests.ui.conftest import settle, sign_in
from tests.ui.screen import screen_text

FLOW_MESSAGES = (ContinueAsked, PartAsked)


def asked(seen: list[Message]) -> list[Message]:
    """Each flow message once (the hook sees a message at every node it bubbles through)."""
    once: dict[int, Message] = {}
    for m in seen:
        if isinstance(m, FLOW_MESSAGES):
            once.setdefault(id(m), m)
    return list(once.values())


def _host(page_class: type, state: FlowState) -> App[None]:
    """A bare app holding one page, with only what a page reads from its flow."""
    flow = SimpleNamespace(
        state=state,
        advice=[],
        people={},
        consent_lines=[],
        person_label=lambda person_id: f"person {person_id}",
        consent_label=lambda event_id: f"consent record {event_id}",
        share_app=SimpleNamespace(settings=SimpleNamespace(tz=ZoneInfo("Europe/London"))),
    )

    class Host(App[None]):
        def compose(self) -> ComposeResult:
            yield page_class(flow)

    return Host()


async def test_a_page_alone_asks_to_go_on_when_enter_is_pressed_in_its_text() -> None:
    seen: list[Message] = []
    state = FlowState()
    app = _host(WhatPage, state)
    async with app.run_test(size=(80, 24), message_hook=seen.append) as pilot:
        box = app.query_one(LongText)
        box.focus()
        await pilot.press(*"Attendance dropped", "enter")
        await pilot.pause()
    assert [type(m) for m in asked(seen)] == [ContinueAsked]
    assert box.value == "Attendance dropped"  # Enter went on; it added no line


async def test_check_your_answers_asks_for_the_part_to_change() -> None:
    seen: list[Message] = []
    state = FlowState()
    state.data.information = "What was shared"
    app = _host(CheckPage, state)
    async with app.run_test(size=(100, 100), message_hook=seen.append) as pilot:
        app.query_one(CheckPage).focus()
        await pilot.press(PART_KEYS["what"])  # the key Check your answers gives that part
        await pilot.pause()
    assert [(type(m), getattr(m, "page", "")) for m in asked(seen)] == [(PartAsked, "what")]


async def test_the_flow_moves_on_each_time_a_page_asks(
    make_app: Callable[..., ShareApp], ui_services: Any
) -> None:
    seen: list[Message] = []
    app = make_app()
    async with app.run_test(size=(80, 24), message_hook=seen.append) as pilot:
        await sign_in(pilot, "pat")
        await pilot.press("n")
        await settle(pilot)
        flow = app.screen
        assert isinstance(flow, DecisionFlowScreen)
        assert flow.state.page == "urgency"
        await pilot.press("n", "enter")  # not urgent, and on
        await settle(pilot)
        assert flow.state.page == "who"
        assert [type(m) for m in asked(seen)] == []  # a choice's Enter is the flow's own key
        start = len(seen)
        await pilot.press("enter")  # no one chosen: the page asks to go on, the flow refuses
        await settle(pilot)
        assert [type(m) for m in asked(seen[start:])] == [ContinueAsked]
        assert flow.state.page == "who"
        assert "Choose the person" in screen_text(pilot, fold=True)
