"""SVG snapshots of the sign-in, home and lock screens at 80x24."""

from __future__ import annotations

from textual.pilot import Pilot

from tests.ui.conftest import settle, sign_in


def test_sign_in_snapshot(make_app, snap_compare) -> None:
    async def before(pilot: Pilot[None]) -> None:
        await settle(pilot)

    demo = [("pat", "demo passphrase one", "Practitioner")]
    assert snap_compare(make_app(demo_accounts=demo), run_before=before)


def test_home_snapshot(make_app, snap_compare) -> None:
    async def before(pilot: Pilot[None]) -> None:
        await sign_in(pilot, "pat")

    assert snap_compare(make_app(), run_before=before)


def test_supervisor_home_snapshot(make_app, snap_compare) -> None:
    async def before(pilot: Pilot[None]) -> None:
        await sign_in(pilot, "sam")

    assert snap_compare(make_app(), run_before=before, terminal_size=(100, 30))


def test_lock_snapshot(make_app, snap_compare) -> None:
    async def before(pilot: Pilot[None]) -> None:
        await sign_in(pilot, "pat")
        await pilot.press("ctrl+l")
        await settle(pilot)

    assert snap_compare(make_app(), run_before=before)
