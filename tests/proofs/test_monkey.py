"""Random keys: the shell holds under any key. A seeded run sends keys drawn from every
binding of the current screen plus letters, digits, Esc, Enter, Tab, F-keys, Ctrl+P, Ctrl+Q,
Ctrl+L, F6, pastes and resizes (80x24 up to 200x60), in signed-out, practitioner and
supervisor sessions on a demo database. After every key the app must be running (no crash,
no exception), and while the lock is up nothing but the lock (or help, or its own question)
may show, with no notification above it. At the end the audit chain must verify.

CI runs a short version; SHARETUI_PROOF_SCALE=full runs 3 seeds x 7,000 keys (see
docs/proofs.md for the command and the figures).
"""

from __future__ import annotations

import random
import shutil
import string
import time
from pathlib import Path

import pytest
from textual import events
from textual.widgets import Input

from sharetui import demo
from sharetui.config import Settings
from sharetui.services import audit
from sharetui.services.facade import Services
from sharetui.ui.app import SHOWN_OVER_LOCK, ShareApp
from sharetui.ui.screens.dialogs import ConfirmDialog
from sharetui.ui.screens.lock import LockScreen
from tests.proofs.scale import scaled
from tests.ui.conftest import give_code, settle

SEEDS = scaled(1, 3)
KEYS_PER_SEED = scaled(120, 7000)
SESSION_KEYS = scaled(40, 400)  # keys per session before the next sign-in
SIZES = [(80, 24), (100, 30), (120, 40), (200, 60)]
BASE_KEYS = (
    list(string.ascii_lowercase)
    + list(string.digits)
    + ["escape", "enter", "tab", "shift+tab", "space", "backspace", "up", "down"]
    + ["pageup", "pagedown", "left", "right", "home", "end"]
    + [f"f{n}" for n in range(1, 13)]
    + ["ctrl+p", "ctrl+q", "ctrl+l", "f6", "ctrl+s", "ctrl+n", "ctrl+c", "ctrl+v", "ctrl+x"]
)
PASTES = ["Quist Ada", "4/3/2016", "[/", "[@click=app.quit]x[/]", "line one\nline two", "x" * 300]
SESSIONS = [None, "priya", "sam"]  # signed out, practitioner, supervisor


@pytest.fixture(scope="module")
def demo_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("monkey")
    path = folder / "demo.db"
    svc = demo.open_for_seeding(Settings(database_url=f"sqlite:///{path}", terminal="monkey"))
    try:
        demo.seed(svc, 3, families=4)
    finally:
        svc.close()
    return path


def _passphrase(username: str) -> str:
    return next(a.passphrase for a in demo.DEMO_ACCOUNTS if a.username == username)


async def _start_session(pilot, username: str | None) -> None:  # type: ignore[no-untyped-def]
    app: ShareApp = pilot.app
    if app.actor is not None or app.lock_is_up:
        await app.switch_user()
        await settle(pilot)
    if username is None:
        return
    from sharetui.ui.screens.signin import SignInScreen

    if not isinstance(app.screen, SignInScreen):  # a question or help over sign-in
        await app._reset_to(SignInScreen(app.demo_accounts))
        await settle(pilot)
    app.screen.query_one("#username").value = username  # type: ignore[attr-defined]
    app.screen.query_one("#passphrase").value = _passphrase(username)  # type: ignore[attr-defined]
    app.screen.query_one("#passphrase").focus()
    await pilot.press("enter")
    await settle(pilot)
    await give_code(pilot, username)  # a supervisor's second factor
    assert app.actor is not None and app.actor.username == username


def _check(app: ShareApp, step: str) -> None:
    assert app.is_running and app._exception is None, f"crashed at {step}"
    if app.lock_is_up:
        assert isinstance(app.screen, SHOWN_OVER_LOCK), f"{type(app.screen).__name__} over lock"
        assert not app.screen.query("Toast"), f"a notification above the lock at {step}"
        if isinstance(app.screen, LockScreen):
            assert not app.screen.query("DataTable"), step


async def _run_seed(path: Path, tmp: Path, seed: int) -> dict[str, int]:
    db = tmp / f"seed{seed}.db"
    shutil.copy(path, db)
    settings = Settings(
        database_url=f"sqlite:///{db}", terminal="monkey", crash_dir=str(tmp / "crashes")
    )
    accounts = [(a.username, a.passphrase, a.role_label) for a in demo.DEMO_ACCOUNTS]
    app = ShareApp(settings, demo_accounts=accounts)
    rng = random.Random(seed)
    counts = {"keys": 0, "pastes": 0, "resizes": 0, "sessions": 0, "locked_checks": 0}
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        while counts["keys"] < KEYS_PER_SEED:
            await _start_session(pilot, SESSIONS[counts["sessions"] % len(SESSIONS)])
            counts["sessions"] += 1
            for _ in range(SESSION_KEYS):
                roll = rng.random()
                step = f"seed {seed} key {counts['keys']} on {type(app.screen).__name__}"
                if roll < 0.03:
                    await pilot.resize_terminal(*rng.choice(SIZES))
                    counts["resizes"] += 1
                elif roll < 0.07 and app.focused is not None:
                    app.focused.post_message(events.Paste(rng.choice(PASTES)))
                    counts["pastes"] += 1
                else:
                    keys = BASE_KEYS + list(app.screen.active_bindings)
                    key = rng.choice(keys)
                    if rng.random() < 0.02:
                        key = "ctrl+l"  # lock more often than chance would, to test the lock
                    if app.actor is None and isinstance(app.screen, ConfirmDialog):
                        key = "n"  # "Quit sharetui?": a yes would end the run, not a fault
                    if isinstance(app.screen, LockScreen) and key == "enter" and app.actor:
                        # A person unlocking: random passphrases would lock the account
                        # after five tries (tested on its own in tests/ui/test_shell.py).
                        box = app.screen.query_one("#unlock-passphrase", Input)
                        box.value = _passphrase(app.actor.username)
                    await pilot.press(key)
                counts["keys"] += 1
                await pilot.pause()
                _check(app, step)
                counts["locked_checks"] += app.lock_is_up
        await settle(pilot)
        _check(app, f"seed {seed} end")
    services = Services.open(settings)
    try:
        result = audit.verify(services.store)
    finally:
        services.close()
    assert result.ok, f"audit chain broken at {result.first_broken_id}: {result.problem}"
    counts["audit_events"] = result.checked
    return counts


async def test_random_keys_never_crash_or_leak_above_the_lock(
    demo_copy: Path, tmp_path: Path
) -> None:
    started = time.monotonic()
    totals: dict[str, int] = {}
    for seed in range(1, SEEDS + 1):
        for name, value in (await _run_seed(demo_copy, tmp_path, seed)).items():
            totals[name] = totals.get(name, 0) + value
    assert not (tmp_path / "crashes").exists(), "a crash report was written"
    print(f"\nmonkey: {SEEDS} seed(s), {totals}, {time.monotonic() - started:.0f} s")
