"""The governors' report written from the Reports screen (w): the same one page of PDF, or
CSV, that `sharetui governors-report` writes, for the period on screen, so a kiosk with no
shell can give it to governors and trustees. Counts only, small counts shown as "fewer than
5"; nothing in it names anyone, so it keeps no draft."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from sharetui.services.governors import to_csv, to_pdf
from sharetui.ui.forms import Choice, ErrorSummary
from sharetui.ui.forms.dialog import saving_status
from sharetui.ui.forms.file_dialog import FileDialog
from sharetui.ui.literal import lit


class GovernorsFileDialog(FileDialog):
    """The format and the folder; the file is named after the period."""

    DEFAULT_CLASSES = "scrolling-form"
    FORMATS = [
        Choice("p", "pdf", "PDF: one page to print or send"),
        Choice("c", "csv", "CSV: the counts, for a spreadsheet"),
    ]
    NO_FORMAT = "Choose PDF (p) or CSV (c)"
    WHAT = "report"
    FOLDER_KIND = "reports"
    FIELD_HELP = {
        "folder": "The folder on this machine the report is written to. It holds counts "
        'only, with counts under 5 shown as "fewer than 5", so no child can be identified.',
    }

    def __init__(self, start: date, end: date) -> None:
        super().__init__(values={"format": "pdf", "folder": str(self.default_folder())})
        self.start, self.end = start, end

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(
                lit(f"The governors' report, {self.start:%d %b %Y} to {self.end:%d %b %Y}"),
                classes="dialog-title",
            )
            yield ErrorSummary()
            with VerticalScroll(classes="form-body"):
                yield from self.file_questions()
            yield saving_status()
            yield Static("Ctrl+S: write the file   Esc: cancel   F1: help", classes="hint")

    async def submit(self, values: dict[str, Any], **options: Any) -> Path:
        folder = await self.ready_folder(values)
        report = await self.call(self.services.governors.build, self.actor, self.start, self.end)
        data = to_pdf(report) if values["format"] == "pdf" else to_csv(report).encode("utf-8")
        stem = f"governors-report-{self.start:%Y-%m-%d}-to-{self.end:%Y-%m-%d}"
        return await self.write(folder, stem, values, data)
