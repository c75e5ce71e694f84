"""Every screen's stylesheet is found and reads cleanly.

A screen's CSS lives in a .tcss file next to its module (CSS_PATH). Textual reads it only when
the screen is first shown, and resolves a relative path against the module of the class being
shown, not the class that named the file: a missing file, or a subclass moved to another
folder, would stop that screen opening in front of the user, not at start-up.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path

from textual.app import App
from textual.css.stylesheet import Stylesheet
from textual.screen import Screen

import sharetui.ui
from sharetui.ui import screen_css
from tests.ui.conftest import settle

UI = Path(sharetui.ui.__file__).parent


def every_screen_class() -> list[type[Screen[object]]]:
    for module in pkgutil.walk_packages(sharetui.ui.__path__, "sharetui.ui."):
        importlib.import_module(module.name)
    found: list[type[Screen[object]]] = []
    pending: list[type[Screen[object]]] = [Screen]
    while pending:
        cls = pending.pop()
        for sub in cls.__subclasses__():
            pending.append(sub)
            if sub.__module__.startswith("sharetui."):
                found.append(sub)
    return found


def css_files_of(cls: type[Screen[object]]) -> list[Path]:
    """The files Textual reads for this screen (textual/_path.py: relative to the module of
    the class shown)."""
    paths = cls.CSS_PATH
    if paths is None:
        return []
    listed = [paths] if isinstance(paths, str | Path) else list(paths)
    return [Path(inspect.getfile(cls)).parent / path for path in listed]


def test_every_screen_finds_its_stylesheet() -> None:
    missing = [
        f"{cls.__module__}.{cls.__qualname__}: {path}"
        for cls in every_screen_class()
        for path in css_files_of(cls)
        if not path.is_file()
    ]
    assert missing == []


def test_every_stylesheet_is_used_and_reads_cleanly() -> None:
    used = {path.resolve() for cls in every_screen_class() for path in css_files_of(cls)}
    used.add((UI / "app.tcss").resolve())
    on_disk = {path.resolve() for path in UI.rglob("*.tcss")}
    assert on_disk - used == set()
    variables = App().get_css_variables()  # the theme's colours ($accent, $error, ...)
    for path in sorted(on_disk):
        sheet = Stylesheet(variables=variables)
        sheet.read(path)
        sheet.parse()  # raises on a rule Textual cannot read, naming the file and line


async def test_after_start_up_no_screen_waits_to_read_its_stylesheet(make_app) -> None:
    """The screens' files are read once while the sign-in screen waits (ui/screen_css.py):
    opening a search or a record later finds its stylesheet read and restyles nothing."""
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        read = {
            str(path.resolve())
            for cls in every_screen_class()
            for path in css_files_of(cls)
            if app.stylesheet.has_source(str(path.resolve()), "")
        }
        wanted = {str(path.resolve()) for cls in every_screen_class() for path in css_files_of(cls)}
        assert wanted and read == wanted
        assert screen_css.preload(app) == 0  # nothing left to read
