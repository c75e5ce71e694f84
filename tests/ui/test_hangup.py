"""A hang-up (SIGHUP: the SSH connection or terminal window went away) ends the session like
a sign-out: the open form is saved as a draft for its owner, nobody stays signed in, and the
app stops. The same over a real SSH connection: tests/deploy/test_ssh.py."""

from __future__ import annotations

import asyncio
import os
import signal

from tests.ui.conftest import settle, sign_in


async def test_hangup_keeps_the_open_form_as_a_draft_and_ends(make_app, ui_services) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await sign_in(pilot, "pat")
        pat = app.actor
        assert pat is not None and ui_services.drafts.mine(pat) == []
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("n")  # not urgent: answered, not yet saved by a page change
        await settle(pilot)
        os.kill(os.getpid(), signal.SIGHUP)
        await pilot.pause()  # the loop runs the handler, which starts the hang-up worker
        await asyncio.wait_for(app.workers.wait_for_complete(), 30)
        assert app._exit  # the app is ending
    (draft,) = ui_services.drafts.mine(pat)
    assert draft.page == "urgency"
    assert draft.payload["data"]["urgent"] is False
    assert app.actor is None
