"""The screens' stylesheets, read once while the sign-in screen waits for its first key.

A screen keeps its CSS in a .tcss file next to its module (CSS_PATH). Textual reads that file
the first time the screen is shown, then parses every stylesheet of the app again and restyles
what is on screen: about 30 ms on this machine, paid at the first opening of each of the
screens, a person's record or a search among them. Reading them all at once, just after the
first screen is up, pays that once, while nobody has typed yet; Textual then finds each file
already read (App._load_screen_css asks Stylesheet.has_source) and shows the screen at once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.app import App

SCREENS = Path(__file__).parent / "screens"


def screen_stylesheets() -> list[Path]:
    """Every screen's file, as Textual names it (resolved: textual/_path.py)."""
    return sorted(path.resolve() for path in SCREENS.glob("*.tcss"))


def preload(app: App[Any]) -> int:
    """Read the screens' stylesheets not yet read, and restyle once; how many were read."""
    fresh = [p for p in screen_stylesheets() if not app.stylesheet.has_source(str(p), "")]
    for path in fresh:
        app.stylesheet.read(path)
    if fresh:
        app.stylesheet.reparse()
        app.stylesheet.update(app)
    return len(fresh)
