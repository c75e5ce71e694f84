"""Files the app writes for someone to take away (a subject access disclosure, the governors'
report): into a folder they name, or a default one beside the database made readable by this
account only; always a new file, named after what it is and the day, never over another."""

from __future__ import annotations

import os
from pathlib import Path

from sharetui.domain.errors import ValidationFailed


def default_folder(kind: str) -> Path:
    """The default folder for one kind of file, in the platform's user data folder."""
    from sharetui.config import default_data_dir

    return default_data_dir() / kind


def folder_ready(folder: Path, default: Path) -> None:
    """The folder exists and this account can write there (the default one is made,
    readable by this account only). Problems are said on the form's folder field."""
    if folder == default and not folder.exists():
        folder.mkdir(mode=0o700, parents=True)
    if not folder.is_dir():
        raise ValidationFailed({"folder": f"There is no folder {folder}: enter one that exists"})
    if not os.access(folder, os.W_OK):
        raise ValidationFailed({"folder": f"This account cannot write to {folder}"})


def write_new(folder: Path, stem: str, suffix: str, data: bytes) -> Path:
    """A new file folder/stem.suffix (stem-2, stem-3... when taken); never one that exists."""
    from sharetui.services.export import save

    path, n = folder / f"{stem}.{suffix}", 1
    while path.exists():
        n += 1
        path = folder / f"{stem}-{n}.{suffix}"
    save(data, path)
    return path
