"""The app never crashes to the terminal: the palette sequence that did, and the last line
of defence for anything unexpected (drafts saved, a crash report without local values, a
plain message, a non-zero exit)."""

from __future__ import annotations

import pytest
from textual.command import CommandPalette

from sharetui.ui.screens.dialogs import ConfirmDialog, HelpScreen
from sharetui.ui.screens.home import HomeScreen
from sharetui.ui.screens.signin import SignInScreen
from tests.ui.conftest import settle, sign_in


@pytest.mark.parametrize("middle", ["f1", "ctrl+q"])
async def test_palette_over_help_or_question_does_not_crash(make_app, middle: str) -> None:
    """Ctrl+P, F1, Ctrl+P (or Ctrl+P, Ctrl+Q, Ctrl+P) raised DuplicateIds on
    --command-palette: the palette under help was not seen as open."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        for signed_in in (False, True):
            if signed_in:
                await sign_in(pilot, "pat")
                assert isinstance(app.screen, HomeScreen)
            await settle(pilot)
            await pilot.press("ctrl+p", middle, "ctrl+p")
            await settle(pilot)
            assert app.is_running
            assert isinstance(app.screen, (HelpScreen, ConfirmDialog))
            assert sum(isinstance(s, CommandPalette) for s in app.screen_stack) == 1
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.screen, CommandPalette)
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.screen, HomeScreen if signed_in else SignInScreen)


SECRET = "Zebedee Quartermaine"


def _explode() -> None:
    person_name = SECRET  # a local value a traceback would have printed
    raise RuntimeError(f"forced fault in {len(person_name)} letters")


async def test_an_unexpected_error_saves_drafts_writes_a_private_report_and_exits_non_zero(
    make_app, ui_services, tmp_path, capsys
) -> None:
    from sharetui.ui.app import CRASH_EXIT_CODE
    from sharetui.ui.screens.decision_flow import DecisionFlowScreen
    from tests.ui.conftest import PASSPHRASE

    crash_dir = tmp_path / "crashes"
    app = make_app()
    app.settings = app.settings.replace(crash_dir=str(crash_dir))
    pat = ui_services.users.sign_in("pat", PASSPHRASE, "t")
    with pytest.raises(RuntimeError, match="forced fault"):
        async with app.run_test(size=(80, 24)) as pilot:
            await sign_in(pilot, "pat")
            app.start_decision()
            await settle(pilot)
            assert isinstance(app.screen, DecisionFlowScreen)
            await pilot.press("y")  # one answer: an unfinished form worth keeping
            await settle(pilot)
            assert ui_services.drafts.mine(pat) == []  # kept so far only on screen
            app.call_later(_explode)
            await pilot.pause()
    assert app.return_code == CRASH_EXIT_CODE
    # The unfinished decision was kept as a draft for its owner.
    assert [d.kind for d in ui_services.drafts.mine(pat)] == ["decision"]
    # One report, readable by the owner only, without local values.
    (report,) = crash_dir.iterdir()
    assert report.stat().st_mode & 0o777 == 0o600
    assert crash_dir.stat().st_mode & 0o777 == 0o700
    text = report.read_text()
    assert "builtins.RuntimeError: forced fault in 20 letters" in text
    assert "test_crash.py:" in text and ":_explode" in text
    assert SECRET not in text and "person_name" not in text
    assert "drafts: Your unfinished form(s) (1) were saved as drafts" in text
    # The terminal gets a plain message, not a traceback.
    printed = capsys.readouterr()
    shown = printed.out + printed.err
    assert "sharetui stopped after an unexpected error" in shown
    assert str(report) in shown.replace("\n", "")
    assert "Traceback" not in shown and SECRET not in shown and "locals" not in shown


def test_a_report_leaves_out_sql_parameters_and_detail_lines(tmp_path) -> None:
    """A database error's text carries the statement's values and PostgreSQL's DETAIL line."""
    from sqlalchemy.exc import IntegrityError

    from sharetui.crash import write_report

    class Driver(Exception):
        pass

    orig = Driver(f"duplicate key value\nDETAIL: Key (name)=({SECRET}) already exists.")
    try:
        raise IntegrityError("INSERT INTO person (name) VALUES (%s)", (SECRET,), orig)
    except IntegrityError as exc:
        path = write_report(exc, tmp_path)
    text = path.read_text()
    assert "sqlalchemy.exc.IntegrityError: duplicate key value" in text
    assert SECRET not in text and "INSERT" not in text
