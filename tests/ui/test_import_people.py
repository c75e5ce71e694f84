"""Import people from the administrator's home: i opens the form, Ctrl+S runs it in a worker
with a progress bar, and the summary is shown in the dialog; stored names are literal text."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from sharetui.store.models import Person
from sharetui.ui.screens.import_people import ImportPeopleDialog
from tests.services.helpers import count
from tests.ui.conftest import settle, sign_in
from tests.ui.screen import screen_text

BORDERS = re.compile("[█▊▎▔▁▀▄]")  # the dialog's frame: a sentence wraps across it
SAMPLE = Path(__file__).resolve().parents[2] / "docs" / "sample-pupils.csv"


async def run_import(pilot, path: Path, mode_key: str) -> str:
    dialog = pilot.app.screen
    assert isinstance(dialog, ImportPeopleDialog)
    dialog.query_one("#path").value = str(path)
    dialog.query_one("#mode").focus()
    await pilot.press(mode_key)
    await pilot.press("ctrl+s")
    await settle(pilot)
    return " ".join(BORDERS.sub(" ", screen_text(pilot)).split())


async def test_an_administrator_checks_then_imports_from_home(make_app, ui_services, tmp_path):
    path = tmp_path / "pupils.csv"
    shutil.copy(SAMPLE, path)
    before = count(ui_services, Person)
    app = make_app()
    async with app.run_test(size=(110, 40)) as pilot:
        await sign_in(pilot, "ada")
        await pilot.press("i")
        await settle(pilot)
        text = await run_import(pilot, path, "1")
        assert "It would do: 15 people created, 0 updated with newer details" in text
        assert "Dry run: nothing was written." in text
        assert count(ui_services, Person) == before
        text = await run_import(pilot, path, "2")
        assert "Done: 15 people created" in text
        assert count(ui_services, Person) == before + 15
        text = await run_import(pilot, path, "2")
        assert "Done: 0 people created, 0 updated with newer details, 15 already up to date" in text
        await pilot.press("escape")  # nothing typed since the run: closes without asking
        await settle(pilot)
        assert not isinstance(app.screen, ImportPeopleDialog)


async def test_problems_are_said_on_the_form_and_names_stay_literal(make_app, tmp_path):
    odd = tmp_path / "odd.csv"
    odd.write_text("Surname,Forename,DOB\n[@click=app.quit]Jane[/],[b]Jo[/b],4/3/2016\n")
    app = make_app()
    async with app.run_test(size=(110, 40)) as pilot:
        await sign_in(pilot, "ada")
        await pilot.press("i")
        await settle(pilot)
        text = await run_import(pilot, tmp_path / "missing.csv", "1")
        assert "There is no file at" in text
        text = await run_import(pilot, odd, "1")
        assert "new person [b]Jo[/b] [@click=app.quit]Jane[/]" in text
        assert app.is_running


async def test_import_is_not_offered_to_practitioners(make_app):
    app = make_app()
    async with app.run_test(size=(110, 40)) as pilot:
        await sign_in(pilot, "pat")
        await pilot.press("i")
        await settle(pilot)
        assert not isinstance(app.screen, ImportPeopleDialog)
