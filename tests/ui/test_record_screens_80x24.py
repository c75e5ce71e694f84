"""SVG snapshots at 80 x 24 of the screens and dialogs that show records: everything is
stamped at fixed times (the services' replayed clock) and the app runs on a fixed clock, so a
picture shows the same on any day. With tests/ui/test_screens_80x24.py and the snapshots in
the screens' own modules, every screen and dialog has one at the kiosk's smallest size."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from textual.pilot import Pilot

from sharetui.domain.clock import Clock
from sharetui.domain.enums import LawfulBasis
from sharetui.services.agreements import AgreementInput
from sharetui.services.facade import Services
from sharetui.store.types import replayed_clock
from tests.conftest import sign_in_as
from tests.services.helpers import person, share
from tests.ui.conftest import settle, sign_in

FIXED = datetime(2026, 3, 4, 9, 30, tzinfo=UTC)  # a Wednesday in term
FIXED_CLOCK = Clock(ZoneInfo("Europe/London"), lambda: FIXED)


@dataclass
class Ids:
    person: int = 0
    decision: int = 0
    advice: int = 0


def arrange(svc: Services) -> Ids:
    """A child, a share about her, an advice request Sam has claimed, an organisation with
    a contact and an agreement: all made on 2 March 2026."""
    pat, sam = sign_in_as(svc, "pat"), sign_in_as(svc, "sam")
    ids = Ids()
    with replayed_clock(lambda: datetime(2026, 3, 2, 10, 15, tzinfo=UTC)):
        child = person(svc, pat, family="Marker", given="Jo", reference="SNAP01")
        ids.person = child.id
        ids.decision = svc.decisions.log(pat, share(child.id)).id
        ids.advice = svc.advice.raise_request(
            pat,
            question="May I tell the youth worker about the move?",
            advice_role="dsl",
            urgency="routine",
            person_id=child.id,
        ).id
        svc.advice.claim(sam, ids.advice)
        org = svc.register.add_org(sam, "Northshire Children's Social Care", "social_care")
        svc.register.add_contact(
            sam, org.org_id, "Duty social worker", "Sam Patel", "duty@northshire.example"
        )
        svc.agreements.add(
            sam,
            AgreementInput(
                title="Northshire safeguarding partnership agreement",
                purposes="Referrals",
                lawful_basis=LawfulBasis.PUBLIC_TASK,
                starts_on=date(2025, 1, 1),
                review_on=date(2027, 1, 1),
                org_ids=[org.org_id],
            ),
        )
    return ids


Steps = Callable[[Pilot[None], Ids], Awaitable[None]]


def keys_after(user: str, opener: str = "", *keys: str) -> Steps:
    async def steps(pilot: Pilot[None], ids: Ids) -> None:
        await sign_in(pilot, user)
        app = pilot.app
        if opener:
            getattr(app, f"open_{opener}")(getattr(ids, opener))
            await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return steps


CASES: dict[str, Steps] = {
    "decision record": keys_after("pat", "decision"),
    "receipt step over the decision": keys_after("pat", "decision", "c"),
    "advice request, claimed": keys_after("sam", "advice"),
    "consent form over the record": keys_after("pat", "person", "r"),
    "reports": keys_after("sam", "", "r"),
    "keeping, the hub": keys_after("sam", "", "k"),
    "register": keys_after("sam", "", "k", "o"),
    "agreements": keys_after("sam", "", "k", "a"),
    "term dates": keys_after("sam", "", "k", "t"),
    "transfers": keys_after("sam", "", "k", "c"),
    "import people": keys_after("ada", "", "i"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_snapshot_record_screens_at_80x24(make_app, ui_services, snap_compare, name: str) -> None:
    ids = arrange(ui_services)

    async def steps(pilot: Pilot[None]) -> None:
        await CASES[name](pilot, ids)

    app = make_app(clock=FIXED_CLOCK)
    assert snap_compare(app, run_before=steps, terminal_size=(80, 24))
