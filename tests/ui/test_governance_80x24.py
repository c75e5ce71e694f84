"""SVG snapshots at 80 x 24 of the information governance forms and screens: each subject
access form (log, identity, extension, answered, the file to give out), the review before
disclosure and its decision on an entry, each retention form (keep, legal hold, lift) and the
disposal question, and the governors' report. Everything is stamped at fixed times and the
app runs on a fixed clock; the default folders for written files are a fixed kiosk account's,
so a picture shows the same on any day and any machine."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime

import pytest
from textual.pilot import Pilot

from sharetui.services.facade import Services
from sharetui.store.types import replayed_clock
from sharetui.ui.literal import one_line_keep_end
from tests.services.helpers import person, share
from tests.ui.conftest import settle, sign_in
from tests.ui.test_record_screens_80x24 import FIXED, FIXED_CLOCK
from tests.ui.typical_call import actor

pytestmark = pytest.mark.usefixtures("store_at_once")

ARRANGED_AT = datetime(2026, 3, 2, 10, 15, tzinfo=UTC)


def arrange(svc: Services) -> None:
    """A child whose record names a sibling (so the review has entries to decide), two
    subject access requests about her (one open and due on 2 March, one waiting for proof of
    identity), and two former pupils due for a retention review, one under a legal hold."""
    pat, ina = actor(svc, "pat"), actor(svc, "ina")
    with replayed_clock(lambda: ARRANGED_AT):
        child = person(svc, pat, family="Marker", given="Jo", reference="SNAP01")
        sibling = person(svc, pat, family="Marker", given="Kit", reference="SNAP02")
        svc.people.link(pat, sibling.id, child.id, "sibling")
        svc.decisions.log(
            pat,
            share(
                child.id,
                others_affected=[sibling.id],
                reasons="Her aunt told us about the bruising",
                shared_at=ARRANGED_AT,
            ),
        )
        for received, identity, requester in (
            (date(2026, 2, 2), date(2026, 2, 2), "Ann Marker"),
            (date(2026, 3, 2), None, "Bea Solicitor"),
        ):
            svc.sar.log(
                ina,
                child.reference,
                requester_name=requester,
                relationship="parent_with_pr" if identity else "acting_for",
                received_on=received,
                identity_confirmed_on=identity,
            )
        for family, born, ref in (
            ("Older", date(1990, 5, 1), "SNAP03"),
            ("Held", date(1995, 9, 30), "SNAP04"),
        ):
            former = person(svc, pat, family=family, given="Former", dob=born, reference=ref)
            svc.retention.set_kind(ina, former.reference, "child_protection")
        svc.retention.hold(ina, "SNAP04", "Inquiry ref IQ-42")


Steps = Callable[[Pilot[None]], Awaitable[None]]


def after(user: str, *keys: str) -> Steps:
    """Sign in, then press keys, letting each land."""

    async def steps(pilot: Pilot[None]) -> None:
        await sign_in(pilot, user)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return steps


CASES: dict[str, Steps] = {
    "subject access, log a request": after("ina", "s", "n"),
    "subject access, identity confirmed": after("ina", "s", "down", "i"),
    "subject access, extend": after("ina", "s", "e"),
    "subject access, answered": after("ina", "s", "a"),
    "subject access, the review": after("ina", "s", "v"),
    "subject access, decide an entry": after("ina", "s", "v", "c"),
    "subject access, the file to give out": after("ina", "s", "d"),
    "retention, keep": after("ina", "t", "k"),
    "retention, legal hold": after("ina", "t", "h"),
    "retention, lift the hold": after("ina", "t", "down", "l"),
    "retention, dispose of a record": after("ina", "t", "d"),
    "reports, the governors' report": after("sam", "r", "w"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_snapshot_governance_at_80x24(
    make_app, ui_services, snap_compare, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", "/home/kiosk/.local/share")  # the default folders
    arrange(ui_services)
    with replayed_clock(lambda: FIXED):  # what the services stamp and count, at that time
        app = make_app(clock=FIXED_CLOCK)
        assert snap_compare(app, run_before=CASES[name], terminal_size=(80, 24))


def test_a_cut_where_keeps_the_field_that_tells_rows_apart() -> None:
    """The review's "Where" column at 80 columns: the record's title is cut, not the field."""
    cells = [
        one_line_keep_end(f"Decision 1, version 1: Share / {field}", 30).plain
        for field in ("Purpose", "Information", "Reasons")
    ]
    assert cells == [
        "Decision 1, version… / Purpose",
        "Decision 1, ver… / Information",
        "Decision 1, version… / Reasons",
    ]
    long_field = "Decision 1, version 1: Share / Why sharing without consent is justified"
    assert one_line_keep_end(long_field, 30).plain == "Decisio… / Why sharing withou…"
    assert one_line_keep_end("Personal details / Created by", 30).plain == (
        "Personal details / Created by"  # short enough: as it is
    )
    assert one_line_keep_end("[b]x[/b] / Name", 30).plain == "[b]x[/b] / Name"  # literal
