"""The shell on a shared workstation: first run, sign-in, lockout, idle lock, switch user,
kiosk hardening and literal text."""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

from textual import events
from textual.widgets import Input

from sharetui.config import Settings
from sharetui.domain.person import PersonInput
from sharetui.domain.text import clean_line
from sharetui.services.facade import Services
from sharetui.services.unit_of_work import Store
from sharetui.store.engine import make_engine
from sharetui.store.migrate import upgrade
from sharetui.ui.app import ShareApp
from sharetui.ui.literal import lit
from sharetui.ui.screens.dialogs import MessageDialog
from sharetui.ui.screens.first_run import FirstRunScreen
from sharetui.ui.screens.home import HomeScreen
from sharetui.ui.screens.lock import LockScreen
from sharetui.ui.screens.signin import SignInScreen
from tests.conftest import sign_in_as
from tests.services.helpers import share
from tests.ui.conftest import PASSPHRASE, enrol_through_the_screens, settle, sign_in
from tests.ui.screen import screen_text

HOSTILE = [
    "[@click=app.quit]x[/]",
    "[/",
    "[link=https://evil.example]click[/link]",
    "\x1b[31mred\x1b[0m",
    "\x1b]0;pwned\x07",
    "\u202eevil\u202c",
    "[b]bold[/b] $name ${x}",
]


def shown(cell: object) -> str:
    """A DataTable cell as the table draws it."""
    from textual.widgets._data_table import default_cell_formatter

    return default_cell_formatter(cell).plain  # type: ignore[union-attr]


async def test_a_missing_database_is_not_offered_as_a_first_run(tmp_path: Path) -> None:
    """A mistyped path named to the app: a message naming it, no 'create the first
    administrator' for whoever is at the terminal, and no file made."""
    missing = tmp_path / "typo" / "sharetui.db"
    app = ShareApp(Settings(database_url=f"sqlite:///{missing}", terminal="t"))
    async with app.run_test(size=(100, 24)) as pilot:
        while not app.startup_error:
            await pilot.pause()
        await settle(pilot)
        assert not isinstance(app.screen, FirstRunScreen)
        assert f"There is no database at {missing}" in app.startup_error
        assert "The database could not be opened" in screen_text(app)
    assert not missing.parent.exists()


async def test_first_run_creates_the_first_admin(tmp_path: Path) -> None:
    app = ShareApp(
        Settings(database_url=f"sqlite:///{tmp_path / 'new.db'}", terminal="t"), create=True
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await app.wait_services()  # the store opens a moment after the first screen
        await settle(pilot)
        assert isinstance(app.screen, FirstRunScreen)
        screen = app.screen
        screen.query_one("#username", Input).value = "boss"
        screen.query_one("#display_name", Input).value = "Bo Boss"
        screen.query_one("#passphrase", Input).value = "short"
        screen.query_one("#confirm", Input).value = "short"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "at least 12 characters" in str(screen.query_one("#passphrase-error").render())
        assert screen.query_one("#username", Input).value == "boss"  # typed values kept
        # A refusal is said on its question, which takes the focus and comes into view
        # whole at 80 x 24 (the summary above has pushed it down).
        screen.query_one("#passphrase", Input).value = PASSPHRASE
        screen.query_one("#confirm", Input).value = PASSPHRASE + "x"
        await pilot.press("ctrl+s")
        await settle(pilot)
        shown = screen_text(app)
        assert "Passphrase again" in shown
        assert "Error: The two passphrases do not match" in shown
        assert app.focused is screen.query_one("#confirm", Input)
        # A name pasted over two lines is kept as one line, not cut at the first.
        screen.query_one("#display_name", Input).value = ""
        screen.query_one("#display_name", Input).focus()
        await pilot.pause()
        screen.query_one("#display_name", Input).post_message(events.Paste("Bo\nBoss"))
        await settle(pilot)
        assert screen.query_one("#display_name", Input).value == "Bo Boss"
        screen.query_one("#confirm", Input).value = PASSPHRASE
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        await sign_in(pilot, "boss")
        # An administrator sets up a second factor before reaching home.
        await enrol_through_the_screens(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert "Bo Boss" in screen_text(app)


def test_the_sign_in_screen_loads_without_the_form_kits_text_boxes() -> None:
    """Every start but the first opens on the sign-in screen: the first-run screen and the
    form kit's text boxes (Textual's TextArea with them) load only when asked for, so the
    first screen is up sooner."""
    probe = (
        "import sys, sharetui.ui.app, sharetui.ui.screens.signin; "
        "print(sorted(m for m in sys.modules if 'text_area' in m or m.endswith('first_run')))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert loaded.strip() == "[]"


async def test_sign_in_and_wrong_pair(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "pat", "wrong passphrase!!")
        assert isinstance(app.screen, SignInScreen)
        wrong = str(app.screen.query_one("#signin-error").render())
        assert wrong == "That username and passphrase do not match"
        await sign_in(pilot, "nobody-here", "wrong passphrase!!")
        # Same words for an unknown user: no hint whether the account exists.
        assert str(app.screen.query_one("#signin-error").render()) == wrong
        await sign_in(pilot, "pat")
        assert isinstance(app.screen, HomeScreen)
        assert app.actor is not None and app.actor.username == "pat"


async def test_failures_make_the_next_try_wait_the_same_for_any_username(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        said = {}
        for name in ("pip", "nobody-here"):
            for _ in range(4):
                await sign_in(pilot, name, "not the passphrase")
                assert "do not match" in str(app.screen.query_one("#signin-error").render())
            await sign_in(pilot, name, "not the passphrase")
            said[name] = str(app.screen.query_one("#signin-error").render())
        assert said["pip"] == said["nobody-here"]
        assert "try again in 30 seconds" in said["pip"]
        await sign_in(pilot, "pip", PASSPHRASE)  # the wait holds at this terminal
        assert isinstance(app.screen, SignInScreen)
        assert "Too many failed attempts" in str(app.screen.query_one("#signin-error").render())


def _arrange_person_and_decision(services: Services, name: str) -> None:
    """A person and a decision whose names must never show on a lock screen."""
    actor = services.users.sign_in("pat", PASSPHRASE, "ui-test")
    person = services.people.create(
        actor,
        PersonInput(name, "Child", date_of_birth=date(2017, 5, 1)),
        confirm_not_duplicate=True,
    )
    services.decisions.log(actor, share(person.id, recipient_org=name))


async def test_idle_lock_hides_everything_and_unlock_returns(make_app, ui_services) -> None:
    _arrange_person_and_decision(ui_services, "Zzyzx")
    app = make_app(idle_lock_seconds=60)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "pat")
        assert isinstance(app.screen, HomeScreen)
        assert "Zzyzx" in str(app.screen.query_one("#decisions-table").get_row_at(0))
        # No input for longer than the setting (the last key is moved back in time rather
        # than waited for, so a slow sign-in cannot lock first): the idle timer locks the
        # terminal by itself, within its one-second check.
        app._last_input -= 61
        for _ in range(60):
            await pilot.pause(0.1)
            if isinstance(app.screen, LockScreen):
                break
        assert isinstance(app.screen, LockScreen)
        await settle(pilot)
        text = screen_text(app)
        assert "locked" in text.lower() and "Pat Practitioner" in text
        for secret in ("Zzyzx", "P00", "Child", "Urgent", "Total"):
            assert secret not in text
        # Only the lock screen is painted: nothing of the screen below shows through.
        painted = app.export_screenshot()
        assert "Zzyzx" not in painted and "Locked by" in painted.replace("&#160;", " ")
        app.screen.query_one("#unlock-passphrase", Input).value = "wrong one entirely"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LockScreen)
        assert str(app.screen.query_one("#unlock-error").render()) == (
            "That passphrase is not right for this account"  # there is no username here
        )
        app.settings = app.settings.replace(idle_lock_seconds=3600)  # no re-lock meanwhile
        app.screen.query_one("#unlock-passphrase", Input).value = PASSPHRASE
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)


async def test_lock_now_key_and_switch_user_clears_everything(make_app, ui_services) -> None:
    _arrange_person_and_decision(ui_services, "Quixote")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "pat")
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert isinstance(app.screen, LockScreen)
        await pilot.press("f6")
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        assert app.actor is None
        assert len(app.screen_stack) == 2  # the default screen and sign-in: nothing else kept
        await sign_in(pilot, "pip")
        assert isinstance(app.screen, HomeScreen)
        assert "Quixote" not in str(app.screen.query_one("#decisions-table").get_row_at(0))


async def test_sign_out_asks_first(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "pat")
        await pilot.press("ctrl+q")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("ctrl+q")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen) and app.actor is None


async def test_kiosk_offers_nothing_outside_the_app(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "pat")
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Lock now" in titles
        for forbidden in (
            "Quit the application",
            "Keys",
            "Screenshot",
            "Theme",
            "Maximize",
            "Save screenshot",
            "Change theme",
        ):
            assert forbidden not in titles
        # Actions that reach outside the app are refused, however they are asked for.
        for action in (
            "app.quit",
            "app.suspend_process",
            "app.screenshot",
            "app.change_theme",
            "app.toggle_dark",
            "app.bell",
            "app.push_screen('x')",
            "app.open_url('https://example.com')",
            "screen.maximize",
            "app.simulate_key('ctrl+q')",
        ):
            assert await app.run_action(action) is False, action
        for key in ("ctrl+z", "ctrl+c", "ctrl+backslash", "ctrl+s", "escape"):
            await pilot.press(key)
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, HomeScreen)
        assert app.ALLOW_SELECT is False
        assert app.title == "sharetui"


async def test_hostile_text_renders_literally(sqlite_template: Path, tmp_path: Path) -> None:
    path = tmp_path / "hostile.db"
    shutil.copy(sqlite_template, path)
    url = f"sqlite:///{path}"
    services = Services(Store(make_engine(url)))
    upgrade(services.store.engine)
    admin = sign_in_as(services, "ada")
    for i, text in enumerate(HOSTILE):
        services.users.create(admin, f"h{i}", text, "practitioner", [], PASSPHRASE)
        _arrange_person_and_decision(services, text)
        pat = services.users.sign_in("pat", PASSPHRASE, "t")
        services.drafts.save(pat, kind="decision", payload={}, page=text, title=text)
    services.close()
    app = ShareApp(Settings(database_url=url, terminal="t"))
    async with app.run_test(size=(80, 24)) as pilot:
        for i, text in enumerate(HOSTILE):
            expected = clean_line(text)  # control characters never get into the store
            await sign_in(pilot, f"h{i}")
            assert isinstance(app.screen, HomeScreen), text
            assert expected in str(app.screen.query_one("#whoami").render())
            await pilot.press("ctrl+l")
            await settle(pilot)
            assert f"Locked by {expected}" in screen_text(app)
            await pilot.press("f6")
            await settle(pilot)
            assert app.is_running
        await sign_in(pilot, "pat")
        table = app.screen.query_one("#decisions-table")
        cells = " ".join(str(cell) for r in range(table.row_count) for cell in table.get_row_at(r))
        for text in HOSTILE:
            assert clean_line(text)[:20] in cells
        # A draft's page as the table draws it (a str cell would be read as markup).
        drafts = app.screen.query_one("#drafts-table")
        drawn = {shown(drafts.get_row_at(r)[1]) for r in range(drafts.row_count)}
        assert {clean_line(text)[:40] for text in HOSTILE} <= drawn
        long_text = "[b]" + "A" * 10_000 + "[/"
        app.push_screen(MessageDialog("Stored text", long_text))
        await settle(pilot)
        # Shown as typed, markup and all (the start is on screen; the rest scrolls).
        assert "[b]" + "A" * 40 in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, HomeScreen)


def test_lit_shows_escapes_and_markup_literally() -> None:
    text = lit("[@click=app.quit]x[/] \x1b]0;pwned\x07 \u202eevil")
    assert text.plain == "[@click=app.quit]x[/] \ufffd]0;pwned\ufffd \ufffdevil"
    assert not text.spans


async def test_unlock_returns_to_the_same_screen_with_typed_text(make_app) -> None:
    from sharetui.ui.screens.search import PersonSearchScreen

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "pat")
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, PersonSearchScreen)
        await pilot.press(*"mcgregor 2016")
        await settle(pilot)
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert isinstance(app.screen, LockScreen)
        assert "mcgregor" not in screen_text(app)
        app.screen.query_one("#unlock-passphrase", Input).value = PASSPHRASE
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PersonSearchScreen)
        box = app.screen.query_one("#search", Input)
        assert box.value == "mcgregor 2016"
        assert app.focused is box


async def test_nothing_opens_above_the_lock(make_app) -> None:
    """Ctrl+P on the lock screen offered "Find a person": the search opened above the lock,
    without the passphrase. Locked, the palette stays shut and nothing opens a screen."""
    from sharetui.ui.screens.dialogs import HelpScreen

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "pat")
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert isinstance(app.screen, LockScreen)
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert isinstance(app.screen, LockScreen)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert titles == ["Help: the seven golden rules"]
        # Work finishing under the lock (a claim, a search) cannot open a record over it.
        app.open_search()
        app.start_decision()
        await settle(pilot)
        assert isinstance(app.screen, LockScreen)
        # Help over the lock: still locked, so no second lock and still no palette.
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen) and app.lock_is_up
        await pilot.press("ctrl+p", "ctrl+l")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        assert sum(isinstance(s, LockScreen) for s in app.screen_stack) == 1
        await pilot.press("escape")
        await settle(pilot)
        app.screen.query_one("#unlock-passphrase", Input).value = PASSPHRASE
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen) and not app.lock_is_up
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert "Find a person" in [c.title for c in app.get_system_commands(app.screen)]
        assert type(app.screen).__name__ == "CommandPalette"


async def test_a_screen_closing_itself_under_the_lock_leaves_the_lock_in_place(
    make_app, ui_services
) -> None:
    """A save that finishes after Ctrl+L used to close the screen on top: the lock itself.
    The screen that asked to close goes at once, underneath the lock."""
    from sharetui.ui.screens.decision_flow import DecisionFlowScreen

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "pat")
        app.start_decision()
        await settle(pilot)
        flow = app.screen
        assert isinstance(flow, DecisionFlowScreen)
        await pilot.press("y")  # one answer, so leaving keeps a draft
        await pilot.press("ctrl+l")
        await settle(pilot)
        flow.action_back()  # Esc pressed just before the lock: saves the draft, then leaves
        await settle(pilot)
        assert isinstance(app.screen, LockScreen)
        assert flow not in app.work_stack
        app.screen.query_one("#unlock-passphrase", Input).value = PASSPHRASE
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert flow not in app.screen_stack
        pat = ui_services.users.sign_in("pat", PASSPHRASE, "t")
        assert [d.kind for d in ui_services.drafts.mine(pat)] == ["decision"]


async def test_a_screen_opened_under_the_lock_shows_only_after_unlocking(
    make_app, ui_services
) -> None:
    """A record that finished loading after Ctrl+L opened its consent dialog (naming the
    person) above the lock. It now waits for the unlock, and a switch of user drops it."""
    from sharetui.domain.person import PersonInput
    from sharetui.ui.screens.person import PersonScreen
    from sharetui.ui.screens.record_consent import RecordConsentDialog

    pat = ui_services.users.sign_in("pat", PASSPHRASE, "t")
    jane = ui_services.people.create(pat, PersonInput("Quist", "Jane", reference="R1"))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "pat")
        for then in ("unlock", "switch"):
            app.open_person(jane.id)
            await settle(pilot)
            record = app.screen
            assert isinstance(record, PersonScreen)
            await pilot.press("ctrl+l")
            await settle(pilot)
            record._open_consent_dialog()  # as the loading worker does for a consent draft
            await settle(pilot)
            assert isinstance(app.screen, LockScreen)
            assert "Quist" not in screen_text(app)
            if then == "unlock":
                app.screen.query_one("#unlock-passphrase", Input).value = PASSPHRASE
                await pilot.press("enter")
                await settle(pilot)
                assert isinstance(app.screen, RecordConsentDialog)
                await pilot.press("escape")  # nothing typed: closes
                await settle(pilot)
                assert app.screen is record
                await pilot.press("escape")
                await settle(pilot)
            else:
                await pilot.press("f6")
                await settle(pilot)
                await sign_in(pilot, "pip")
                assert isinstance(app.screen, HomeScreen)
                assert len(app.screen_stack) == 2


async def test_a_screen_asked_about_its_keys_after_sign_out_says_no_instead_of_stopping(
    make_app, ui_services
) -> None:
    """Found by the full random-keys run: signing out from a decision left the footer asking
    the decision screen whether its user may amend it, with nobody signed in any more."""
    from sharetui.ui.screens.decision_view import DecisionScreen
    from tests.conftest import sign_in_as
    from tests.services.helpers import person, share

    pat = sign_in_as(ui_services, "pat")
    jane = person(ui_services, pat)
    decision = ui_services.decisions.log(pat, share(jane.id))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "pat")
        app.open_decision(decision.id)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DecisionScreen) and screen.check_action("amend", ())
        app.actor = None  # the moment sign-out has cleared the session, before the screens
        assert screen.check_action("amend", ()) is False
        assert "amend" not in {b.action for _, b, *_ in screen.active_bindings.values()}
