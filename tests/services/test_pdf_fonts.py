"""The fonts the subject access PDF draws with ship inside the package, each with its licence
and a line in the folder's README, and the coverage check knows what none of them can draw."""

from __future__ import annotations

from pathlib import Path

from sharetui.services.pdf_fonts import BODY, FALLBACKS, font_folder, undrawable


def _folder() -> Path:
    return Path(str(font_folder()))


def test_every_font_is_in_the_package_with_its_licence_and_source() -> None:
    folder = _folder()
    assert folder.parent.name == "sharetui"  # package data: a wheel carries it
    used = {*BODY, *FALLBACKS}
    assert {p.name for p in folder.glob("*.ttf")} == used  # nothing shipped unused
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert [name for name in sorted(used) if name not in readme] == []
    assert "SIL OPEN FONT LICENSE" in (folder / "OFL.txt").read_text(encoding="utf-8")
    assert "Apache License" in (folder / "LICENSE-Apache-2.0.txt").read_text(encoding="utf-8")


def test_undrawable_names_what_no_font_has() -> None:
    folder = _folder()
    assert (
        undrawable("Łucja 李小龍 김민준 ሰላም \U0001f468\u200d\U0001f469\u200d\U0001f467", folder)
        is None
    )
    assert undrawable("\u845b\U000e0100 \u2764\ufe0f نیک\u200cنام\nx", folder) is None
    assert undrawable("Ada \ue000 \U0010fffd", folder) == "\ue000"
    assert undrawable("unassigned \u0378", folder) == "\u0378"
    assert undrawable("Kaithi number sign \U000110bd", folder) == "\U000110bd"  # drawn, not ours
    assert undrawable("soft\u00adhyphen, word\u2060joiner", folder) is None  # not drawn
