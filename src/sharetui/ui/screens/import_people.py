"""Import people from the administrator's home (i): the same import as `sharetui import
people`, with the form kit's fields and single-flight saving, run in a worker thread with a
progress bar, and the mapping found and the summary shown in the dialog (literal text: names
and headers from a file are never markup).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.app import ComposeResult
from textual.widgets import ProgressBar, Static

from sharetui.ui.forms import Choice, Choices, Field, ShortText
from sharetui.ui.forms.dialog import KEEP_OPEN, FormDialog

MODES = [
    Choice("1", "dry_run", "Check only: show what would be done, write nothing"),
    Choice("2", "all", "Import: the whole file, or nothing if any row is refused"),
    Choice("3", "partial", "Import the rows that can be taken; refuse the others"),
]


class ImportPeopleDialog(FormDialog):
    """Choose a file (and a map file), how to import, and run it; stays open on the result."""

    DEFAULT_CLASSES = "scrolling-form"
    CSS_PATH = "import_people.tcss"

    FIELDS = ("path", "map_path", "mode", "new_rows")
    FIELD_HELP = {
        "path": "The export's full path on this machine: a CSV (UTF-8 or Windows-1252, any "
        "usual delimiter) or an Excel .xlsx file. SIMS, Arbor and generic headers are "
        "recognised.",
        "map_path": "Only for a layout that is not recognised: a TOML or JSON file of lines "
        'like family_name = "Legal Surname".',
        "new_rows": "Rows held back as possibly someone already held, that you checked are "
        "new people: their row numbers, like 12, 40.",
    }

    SAVE_HINT = "Ctrl+S: run   Esc: close"

    def heading(self) -> str:
        return "Import people from an export"

    def questions(self) -> ComposeResult:
        yield Field("path", "File to import (CSV or XLSX)", ShortText(id="path", max_length=1000))
        yield Field(
            "map_path",
            "Map file (leave blank to recognise the headers)",
            ShortText(id="map_path", max_length=1000),
        )
        yield Field("mode", "", Choices(MODES, id="mode", prompt="What to do"))
        yield Field(
            "new_rows",
            "Rows checked to be new people (optional)",
            ShortText(id="new_rows", max_length=200),
        )
        yield ProgressBar(id="import-progress", show_eta=False)
        yield Static("", id="import-result", markup=False)

    def check(self, values: dict[str, Any]) -> dict[str, str]:
        errors = {}
        if not values["path"].strip():
            errors["path"] = "Enter the full path of the file to import"
        if not values["mode"]:
            errors["mode"] = "Choose what to do: check only, import all or nothing, or partial"
        rows = values["new_rows"].replace(",", " ").split()
        if any(not r.isdecimal() for r in rows):
            errors["new_rows"] = "Enter row numbers only, like 12, 40"
        return errors

    async def submit(self, values: dict[str, Any], **options: Any) -> Any:
        from sharetui.services.importing import summary_lines, write_refusals

        imports = self.services.imports
        path = Path(values["path"].strip()).expanduser()
        mapping = values["map_path"].strip()
        new_rows = frozenset(int(r) for r in values["new_rows"].replace(",", " ").split())
        bar = self.query_one("#import-progress", ProgressBar)
        shown = self.query_one("#import-result", Static)
        shown.update("Reading the file…")
        file = await self.call(imports.read, self.actor, path, Path(mapping) if mapping else None)
        shown.update("\n".join([f"{path.name}: {file.described}.", *file.mapping.lines()]))
        bar.update(total=None, progress=0)
        bar.add_class("-running")

        def progress(done: int, total: int) -> None:
            self.app.call_from_thread(bar.update, total=total, progress=done)

        try:
            result = await self.call(
                imports.run,
                self.actor,
                file,
                dry_run=values["mode"] == "dry_run",
                partial=values["mode"] == "partial",
                as_of=file.modified_at,
                new_rows=new_rows,
                progress=progress,
            )
        finally:
            bar.remove_class("-running")
        written_to = await self.call(write_refusals, result, path)
        lines = summary_lines(result, written_to)
        if not result.written and not result.dry_run:
            lines[1] = lines[1].replace("with --partial", "importing the rows that can be taken")
        if result.dry_run and result.lines:
            lines += ["", "What would be done:", *result.lines[:200]]
            if len(result.lines) > 200:
                lines.append(f"… and {len(result.lines) - 200:,} more (the command line lists all)")
        shown.update("\n".join(lines))
        self.call_after_refresh(shown.scroll_visible, animate=False, top=True)
        self._baseline = self.values()  # nothing new typed since: Esc closes without asking
        return KEEP_OPEN
