"""SVG snapshots at 80 x 24 of the decision flow's pages and of the dialogs over a person's
record and an advice request: what tests/ui/test_record_screens_80x24.py and the snapshots
in the screens' own modules do not show. Records are stamped at fixed times (the services'
replayed clock) and the app runs on a fixed clock, so a picture shows the same on any day.

Not here, by design: the second factor's set-up (its QR code and secret) and the recovery
codes show random content each time, so no picture of them could stay the same."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from textual.pilot import Pilot

from sharetui.domain.enums import Outcome, ShareMethod
from sharetui.services.facade import Services
from sharetui.store.types import replayed_clock
from sharetui.ui.flow.state import FlowState
from tests.services.helpers import consent, person
from tests.ui.conftest import settle, sign_in
from tests.ui.test_decision_flow import arrange_draft, complete_answers, early_answers
from tests.ui.test_record_screens_80x24 import FIXED, FIXED_CLOCK
from tests.ui.typical_call import actor, type_text

pytestmark = pytest.mark.usefixtures("store_at_once")

ARRANGED_AT = datetime(2026, 3, 2, 10, 15, tzinfo=UTC)


@dataclass
class Ids:
    person: int = 0
    advice: int = 0  # claimed by Sam
    anonymised: int = 0  # claimed by Sam, the child not named
    advised: int = 0  # Sam's advice given, the outcome still to record
    pending: int = 0  # waiting in the queue
    drafts: dict[str, int] | None = None  # the flow's page -> a draft at that page


def arrange(svc: Services) -> Ids:
    """A child with consent given for one share, and advice requests in each state: all
    made on 2 March 2026; a draft decision at each page of the flow."""
    pat, sam = actor(svc, "pat"), actor(svc, "sam")
    ids = Ids()
    with replayed_clock(lambda: ARRANGED_AT):
        child = person(svc, pat, family="Marker", given="Jo", reference="SNAP01")
        ids.person = child.id
        svc.consent.record(
            pat, consent(child.id, given_by_name="Ann Marker", effective_at=ARRANGED_AT)
        )

        def ask(question: str, *, anonymised: bool = False) -> int:
            return svc.advice.raise_request(
                pat,
                question=question,
                advice_role="dsl",
                urgency="routine",
                person_id=child.id,
                anonymised=anonymised,
            ).id

        ids.advice = ask("May I tell the youth worker about the move?")
        ids.anonymised = ask("Should the bruising be reported today?", anonymised=True)
        ids.advised = ask("Can the school nurse see the health plan?")
        ids.pending = ask("Do we tell the new school about the plan?")
        for claimed in (ids.advice, ids.anonymised, ids.advised):
            svc.advice.claim(sam, claimed)
        svc.advice.advise(sam, ids.advised, "Yes: share the plan with the nurse only")
        ids.drafts = {page: arrange_draft(svc, pat, flow_at(child.id, page)) for page in PAGES}
    return ids


PAGES = ("who", "recipient", "what", "consent", "urgent consent", "basis", "decision", "check")


def flow_at(person_id: int, page: str) -> FlowState:
    """The answers a call has given by that page."""
    if page == "urgent consent":  # the urgent path asks only why there is no consent
        return FlowState(data=early_answers(person_id, urgent=True), page="consent")
    if page in ("who", "recipient", "what", "consent", "basis"):
        data = early_answers(person_id)
        if page == "basis":
            data = complete_answers(person_id)
            data.lawful_basis = None
        return FlowState(data=data, page=page)
    data = complete_answers(person_id)
    if page == "check":
        data.outcome, data.reasons = Outcome.SHARE, "Risk of significant harm"
        data.share_method = ShareMethod.SECURE_EMAIL
        data.shared_at = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
        data.impact_if_not_shared = "Social care could not act on the disclosure"
    return FlowState(data=data, page=page)


Steps = Callable[[Pilot[None], Ids], Awaitable[None]]


def as_user(
    user: str, *keys: str, open_: str = "", text: str = "", then: tuple[str, ...] = ()
) -> Steps:
    """Sign in, open a record (open_: "person", "advice"...), press keys, paste text, then
    press the keys in then."""

    async def steps(pilot: Pilot[None], ids: Ids) -> None:
        await sign_in(pilot, user)
        if open_:
            kind = "advice" if open_ in ("anonymised", "advised", "pending") else open_
            getattr(pilot.app, f"open_{kind}")(getattr(ids, open_))
            await settle(pilot)
        await press(pilot, *keys)
        if text:
            await type_text(pilot, text)
            await settle(pilot)
        await press(pilot, *then)

    return steps


async def press(pilot: Pilot[None], *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


def flow_page(page: str, *keys: str) -> Steps:
    async def steps(pilot: Pilot[None], ids: Ids) -> None:
        await sign_in(pilot, "pat")
        assert ids.drafts is not None
        pilot.app.start_decision(draft_id=ids.drafts[page])  # type: ignore[attr-defined]
        await settle(pilot)
        await press(pilot, *keys)

    return steps


async def someone_else_claimed_it(pilot: Pilot[None], ids: Ids) -> None:
    """Sue has the queue open; Sam claims the request first; Sue's claim is refused."""
    await sign_in(pilot, "sue")
    pilot.app.open_queue()  # type: ignore[attr-defined]
    await settle(pilot)
    await press(pilot, "down", "down")  # the request still pending
    svc = pilot.app.services  # type: ignore[attr-defined]
    svc.advice.claim(actor(svc, "sam"), ids.pending)
    await press(pilot, "c")


CASES: dict[str, Steps] = {
    "flow, urgency": as_user("pat", "n"),
    "flow, who": flow_page("who"),
    "flow, recipient": flow_page("recipient"),
    "flow, what": flow_page("what"),
    "flow, consent on the urgent path": flow_page("urgent consent"),
    "flow, record consent given now": flow_page("consent", "1", "r"),
    "flow, basis": flow_page("basis"),
    "flow, decision": flow_page("decision"),
    "flow, done": flow_page("check", "enter"),
    "leave a form with typed text": as_user(
        "pat",
        "s",
        open_="person",
        text="Is the new partner allowed to collect her?",
        then=("escape",),
    ),
    "advice queue, requests claimed": as_user("sue", "a"),
    "a message: someone else claimed it": someone_else_claimed_it,
    "consent record": as_user("pat", "enter", open_="person"),
    "withdraw consent": as_user("pat", "w", open_="person"),
    "link a person": as_user("pat", "p", "l", open_="person"),
    "add a person": as_user("pat", "f", *"Ola Adebayo", "ctrl+n"),
    "advice, record advice": as_user("sam", "a", open_="advice"),
    "advice, record the outcome": as_user("pat", "o", open_="advised"),
    "advice, reveal the identity": as_user("sam", "i", open_="anonymised"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_snapshot_flow_and_dialogs_at_80x24(make_app, ui_services, snap_compare, name: str) -> None:
    ids = arrange(ui_services)

    async def steps(pilot: Pilot[None]) -> None:
        await CASES[name](pilot, ids)

    with replayed_clock(lambda: FIXED):  # what the services stamp and count, at that time
        app = make_app(clock=FIXED_CLOCK)
        assert snap_compare(app, run_before=steps, terminal_size=(80, 24))
