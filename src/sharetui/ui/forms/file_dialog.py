"""A form that writes a file for someone to take away: the governors' report, and the file
given out for a subject access request.

Both ask the same two questions (the format, and the folder, a default one filled in), check
them the same way, make sure the folder exists and takes a new file before anything is made
(a wrong folder costs no audited export), and write the file under a name never in use. Each
wrote this out again; here it is once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from textual.app import ComposeResult

from sharetui.ui import written_files
from sharetui.ui.forms.choices import Choice, Choices
from sharetui.ui.forms.dialog import FormDialog
from sharetui.ui.forms.field import Field
from sharetui.ui.forms.text import ShortText


class FileDialog(FormDialog):
    """FIELDS are ("format", "folder"); a subclass gives its FORMATS, the words of the error
    when none is chosen, what the file is (WHAT) and the kind of its default folder."""

    FIELDS: ClassVar[tuple[str, ...]] = ("format", "folder")
    FORMATS: ClassVar[list[Choice]] = []
    NO_FORMAT: ClassVar[str] = ""  # "Choose PDF (p) or CSV (c)"
    WHAT: ClassVar[str] = "file"  # "Enter the folder to write the file to"
    FOLDER_KIND: ClassVar[str] = ""  # its default folder (ui/written_files.default_folder)

    @classmethod
    def default_folder(cls) -> Path:
        return written_files.default_folder(cls.FOLDER_KIND)

    def file_questions(self) -> ComposeResult:
        yield Field("format", "", Choices(self.FORMATS, id="format", prompt="Format"))
        yield Field("folder", "Folder", ShortText(id="folder", max_length=1000))

    def check(self, values: dict[str, Any]) -> dict[str, str]:
        errors = {}
        if not values["format"]:
            errors["format"] = self.NO_FORMAT
        if not values["folder"].strip():
            errors["folder"] = f"Enter the folder to write the {self.WHAT} to"
        return errors

    async def ready_folder(self, values: dict[str, Any]) -> Path:
        """The folder typed, once it is known to take a new file; before anything is made."""
        folder = Path(values["folder"].strip()).expanduser()
        await self.call(written_files.folder_ready, folder, self.default_folder())
        return folder

    async def write(self, folder: Path, stem: str, values: dict[str, Any], data: bytes) -> Path:
        """The file written as folder/stem.format, under a name not yet in use."""
        return await self.call(written_files.write_new, folder, stem, values["format"], data)
