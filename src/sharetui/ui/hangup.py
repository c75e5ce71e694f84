"""A dropped connection ends the session the way closing the terminal would.

When an SSH connection drops (a cable pulled, a laptop lid shut, the client killed), the
kernel hangs up the terminal and sends SIGHUP. Python's default is to die on the spot, and
what was typed into an open form would be lost. Instead: stop drawing on the dead terminal,
save every unfinished form as a draft for its owner (offered at their next sign-in, as after
signing out), forget who was signed in, and end the app.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sharetui.ui.app import ShareApp

# Bounded, so a database that does not answer cannot keep a process alive for ever.
SAVE_SECONDS = 30.0


def install(app: ShareApp) -> None:
    """Handle SIGHUP on the app's event loop (call from on_mount, in the main thread)."""
    hung_up = False

    def on_hangup() -> None:
        nonlocal hung_up
        if hung_up:
            return
        hung_up = True
        if not app.is_headless:
            _silence_terminal()
        app.run_worker(_end_session(app), group="hangup", exit_on_error=False)

    with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
        asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, on_hangup)


async def _end_session(app: ShareApp) -> None:
    # Nobody is left to tell of a failure; the session ends either way.
    with contextlib.suppress(Exception):
        await asyncio.wait_for(app.save_all_drafts(), SAVE_SECONDS)
    app.actor = None
    app.exit()


def _silence_terminal() -> None:
    """Point the terminal's descriptors at /dev/null: writing to a hung-up terminal fails,
    and Textual's writer would stop (and the app with it) before the drafts are saved."""
    devnull = os.open(os.devnull, os.O_RDWR)
    try:
        for fd in (0, 1, 2):
            with contextlib.suppress(OSError):
                os.dup2(devnull, fd)
    finally:
        os.close(devnull)
