"""UI fixtures: an app on a fresh SQLite copy of the test template, and sign-in helpers."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.worker import WorkerCancelled

from sharetui.config import Settings
from sharetui.domain.errors import ShareError
from sharetui.services.facade import Services
from sharetui.services.unit_of_work import Actor
from sharetui.ui.app import ShareApp
from sharetui.ui.screens.base import LoadingScreen
from tests.conftest import PASSPHRASE, sign_in_as, totp_code

__all__ = ["PASSPHRASE", "make_app", "sign_in", "settle"]


@pytest.fixture
def ui_db(sqlite_template: Path, tmp_path: Path) -> str:
    path = tmp_path / "ui.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def make_app(
    ui_db: str, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Callable[..., ShareApp]:
    """Build an app on the test database; idle lock long unless a test says otherwise. The
    store opens as the app starts (store_at_once) unless the test is marked real_start: the
    0.3 s the app waits after its first screen is for a person's cold start, and paid by
    every test it was a minute of the suite."""
    if request.node.get_closest_marker("real_start") is None:
        monkeypatch.setattr("sharetui.ui.app.STORE_OPEN_DELAY", 0.001)

    def factory(idle_lock_seconds: int = 3600, **kwargs: object) -> ShareApp:
        settings = Settings(
            database_url=ui_db, idle_lock_seconds=idle_lock_seconds, terminal="ui-test"
        )
        return ShareApp(settings, **kwargs)  # type: ignore[arg-type]

    return factory


@pytest.fixture
def store_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The store opens as the app starts, not a moment after its first screen is drawn: for
    tests that sign in at once and do not look at the start-up (the snapshots, 0.3 s each)."""
    monkeypatch.setattr("sharetui.ui.app.STORE_OPEN_DELAY", 0.001)  # a timer of 0 divides by it


@pytest.fixture
def ui_services(ui_db: str) -> Services:
    """Services on the same database as the app, for arranging data and checking results."""
    services = Services.open(Settings(database_url=ui_db, terminal="ui-test"))
    yield services
    services.close()


async def settle(pilot: Pilot[None], timeout: float = 30.0) -> None:
    """Let every worker finish and the screen repaint (no sleeps).

    A worker often starts another (sign-in starts the trip home, home starts its load), so
    this waits until no worker is left running rather than a fixed number of rounds; a
    worker replaced by a newer one of its exclusive group is cancelled, which is expected.
    The store opens a moment after the first screen: wait for it too, so what a test sees
    does not depend on that timer. Last, a screen that loads data says when its first load
    is on screen (KioskMixin.loaded): wait for that signal."""
    app = pilot.app
    if isinstance(app, ShareApp) and not app.startup_error:
        with contextlib.suppress(ShareError):
            await asyncio.wait_for(app.wait_services(), timeout=timeout)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        await pilot.pause()
        running = [w for w in app.workers if not w.is_finished]
        if not running:
            screen = app.screen
            loaded = screen.loaded if isinstance(screen, LoadingScreen) else None
            if loaded is None or loaded.is_set():
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(loaded.wait(), timeout=0.05)
            if loaded.is_set():
                continue  # one more round: a load may start workers of its own
        if loop.time() > deadline:
            raise AssertionError(f"still busy after {timeout} s: {running or app.screen}")
        with contextlib.suppress(WorkerCancelled):
            await asyncio.wait_for(app.workers.wait_for_complete(running), timeout=timeout)
    steady_cursors(app)
    await pilot.pause()


def steady_cursors(app: object) -> None:
    """A blinking cursor is drawn or not depending on when the screen is read: a snapshot of
    a focused box taken on a busy machine caught it off. Cursors stay drawn in tests."""
    for screen in getattr(app, "screen_stack", []):
        for widget in screen.query("Input, TextArea"):
            widget.cursor_blink = False  # type: ignore[attr-defined]


async def sign_in(pilot: Pilot[None], username: str = "pat", passphrase: str = PASSPHRASE) -> None:
    await settle(pilot)
    app = pilot.app
    app.screen.query_one("#username").value = username  # type: ignore[attr-defined]
    app.screen.query_one("#passphrase").value = passphrase  # type: ignore[attr-defined]
    app.screen.query_one("#username").focus()
    await pilot.press("enter")  # from the username box: moves to the passphrase
    await pilot.press("enter")  # from the passphrase box: signs in
    await settle(pilot)
    await give_code(pilot, username)


async def give_code(pilot: Pilot[None], username: str) -> None:
    """The second factor's step, where the account has one: the code its app shows now."""
    from sharetui.ui.screens.signin_steps import SecondFactorScreen

    app = pilot.app
    if not isinstance(app.screen, SecondFactorScreen):
        return
    code = totp_code(app.settings.database_url, username, app.settings.key_file)
    app.screen.query_one("#code").value = code  # type: ignore[attr-defined]
    app.screen.query_one("#code").focus()
    await pilot.press("enter")
    await settle(pilot)


async def enrol_through_the_screens(pilot: Pilot[None]) -> None:
    """Setting up a second factor as a person does: read the secret off the screen into an
    authenticator (pyotp here), type a wrong code (said on the field), then the right one,
    and keep the recovery codes."""
    import pyotp

    from sharetui.ui.screens.signin_steps import EnrolScreen, RecoveryCodesScreen
    from tests.ui.screen import screen_text

    app = pilot.app
    assert isinstance(app.screen, EnrolScreen)
    assert "Set up your second factor" in screen_text(app, fold=True)
    assert "▀" in screen_text(app)  # the QR code is drawn
    shown = str(app.screen.query_one("#secret").render())
    secret = shown.split("Secret: ")[1].split("  (")[0].replace(" ", "")
    await pilot.press(*"123456", "enter")
    await settle(pilot)
    assert "That code does not match" in screen_text(app, fold=True)
    app.screen.query_one("#code").value = pyotp.TOTP(secret).now()  # type: ignore[attr-defined]
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(app.screen, RecoveryCodesScreen)
    codes = str(app.screen.query_one("#recovery-codes").render()).split()
    assert len(codes) == 8 and all(len(c) == 11 for c in codes)
    await pilot.press("enter")
    await settle(pilot)


@pytest.fixture
def who(ui_services: Services) -> Callable[[str], Actor]:
    """Signed-in actors on the app's database, for arranging data as a colleague would."""
    cache: dict[str, Actor] = {}

    def actor(username: str) -> Actor:
        if username not in cache:
            cache[username] = sign_in_as(ui_services, username, "ui-test")
        return cache[username]

    return actor
