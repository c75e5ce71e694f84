"""SVG snapshots at 80 x 24 of the screens and dialogs that show records: the homes of a
supervisor, an administrator and the information governance lead, a decision and an advice
request, reports, and everything kept after the share (register, agreements, term dates,
transfers, each with its forms). Everything is stamped at fixed times (the services' replayed
clock) and the app runs on a fixed clock, so a picture shows the same on any day.

With tests/ui/test_screens_80x24.py, test_dialogs_80x24.py, test_governance_80x24.py and the
snapshots in the screens' own modules, every screen and dialog has one at the kiosk's
smallest size, but for the second factor's set-up and the recovery codes, which show random
content by design (a QR code and its secret, the codes themselves)."""

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
from tests.services.helpers import person, share
from tests.ui.conftest import settle, sign_in
from tests.ui.typical_call import actor

pytestmark = pytest.mark.usefixtures("store_at_once")

FIXED = datetime(2026, 3, 4, 9, 30, tzinfo=UTC)  # a Wednesday in term
FIXED_CLOCK = Clock(ZoneInfo("Europe/London"), lambda: FIXED)
ARRANGED_AT = datetime(2026, 3, 2, 10, 15, tzinfo=UTC)  # when the records were made


@dataclass
class Ids:
    person: int = 0
    decision: int = 0
    advice: int = 0
    org: int = 0


def arrange(svc: Services) -> Ids:
    """A child, a share about her, an advice request Sam has claimed, an organisation with
    a contact and an agreement: all made on 2 March 2026."""
    pat, sam = actor(svc, "pat"), actor(svc, "sam")
    ids = Ids()
    with replayed_clock(lambda: ARRANGED_AT):
        child = person(svc, pat, family="Marker", given="Jo", reference="SNAP01")
        ids.person = child.id
        ids.decision = svc.decisions.log(pat, share(child.id, shared_at=ARRANGED_AT)).id
        ids.advice = svc.advice.raise_request(
            pat,
            question="May I tell the youth worker about the move?",
            advice_role="dsl",
            urgency="routine",
            person_id=child.id,
        ).id
        svc.advice.claim(sam, ids.advice)
        org = svc.register.add_org(sam, "Northshire Children's Social Care", "social_care")
        ids.org = org.org_id
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


def a_setting_typed_in_a_decision(svc: Services, ids: Ids) -> None:
    with replayed_clock(lambda: ARRANGED_AT):
        svc.register.add_org(actor(svc, "pat"), "Westfield Academy", "school", from_decision=True)


def a_file_received(svc: Services, ids: Ids) -> None:
    with replayed_clock(lambda: ARRANGED_AT):
        svc.transfers.record_incoming(
            actor(svc, "pat"),
            ids.person,
            from_org_id=ids.org,
            received_on=date(2026, 3, 2),
            confirmed_back=None,
            note="Two lever-arch files, sealed",
        )


def a_request_due_today(svc: Services, ids: Ids) -> None:
    """For the governance lead's home: a request received on 2 February, overdue by then."""
    with replayed_clock(lambda: ARRANGED_AT):
        svc.sar.log(
            actor(svc, "ina"),
            "SNAP01",
            requester_name="Ann Marker",
            relationship="parent_with_pr",
            received_on=date(2026, 2, 2),
            identity_confirmed_on=date(2026, 2, 2),
        )


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
    "home, supervisor": keys_after("sam"),
    "home, administrator": keys_after("ada"),
    "home, information governance lead": keys_after("ina"),
    "register, add an organisation": keys_after("sam", "", "k", "o", "n"),
    "register, an organisation and its contacts": keys_after("sam", "", "k", "o", "enter"),
    "register, add a contact": keys_after("sam", "", "k", "o", "enter", "n"),
    "register, to review": keys_after("sam", "", "k", "w"),
    "register, same as another": keys_after("sam", "", "k", "w", "s"),
    "agreements, add one": keys_after("sam", "", "k", "a", "n"),
    "agreements, reviewed": keys_after("sam", "", "k", "a", "r"),
    "term dates, add a term": keys_after("sam", "", "k", "t", "n"),
    "transfers, record a file sent": keys_after("sam", "", "k", "c", "n"),
    "transfers, files received": keys_after("sam", "", "k", "c", "i"),
    "transfers, record a file received": keys_after("sam", "", "k", "c", "i", "n"),
    "transfers, confirmed back": keys_after("sam", "", "k", "c", "i", "b"),
}
# What a case needs beyond arrange(), made before the app starts (so the other pictures stay
# as they are).
MORE: dict[str, Callable[[Services, Ids], None]] = {
    "home, information governance lead": a_request_due_today,
    "register, to review": a_setting_typed_in_a_decision,
    "register, same as another": a_setting_typed_in_a_decision,
    "transfers, confirmed back": a_file_received,
    "transfers, files received": a_file_received,
}


@pytest.mark.parametrize("name", list(CASES))
def test_snapshot_record_screens_at_80x24(make_app, ui_services, snap_compare, name: str) -> None:
    ids = arrange(ui_services)
    if name in MORE:
        MORE[name](ui_services, ids)

    async def steps(pilot: Pilot[None]) -> None:
        await CASES[name](pilot, ids)

    with replayed_clock(lambda: FIXED):  # what the services stamp and count, at that time
        app = make_app(clock=FIXED_CLOCK)
        assert snap_compare(app, run_before=steps, terminal_size=(80, 24))
