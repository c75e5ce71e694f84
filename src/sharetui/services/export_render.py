"""An export written out: JSON (every field and its review mark), CSV (one row per field)
and, through export_pdf, the PDF; saved without overwriting by accident."""

from __future__ import annotations

import io
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from sharetui.domain.errors import ValidationFailed
from sharetui.services.csv_out import SafeCsvWriter
from sharetui.services.export_records import REVIEW_GUIDE, SubjectAccessExport


# -- rendering ------------------------------------------------------------------------------
def _opening(export: SubjectAccessExport, document: str) -> dict[str, Any]:
    """What both JSON documents open with, so that a reader (or a program) tells them apart
    and knows whose record and when it was made before reading on: the document's name, its
    layout's version, the person, the time. The staff export then names who made it; the
    disclosure given to the person does not."""
    return {
        "format": document,
        "version": 1,
        "person": {"reference": export.reference, "name": export.name},
        "generated_at": export.generated_at.isoformat(),
    }


def to_json(export: SubjectAccessExport) -> str:
    if export.disclosure:
        return _disclosure_json(export)
    doc = {
        **_opening(export, "sharetui subject access export"),
        "generated_by": export.generated_by,
        "timezone": export.timezone,
        "review_guide": REVIEW_GUIDE,
        "sections": [
            {
                "key": s.key,
                "title": s.title,
                "records": [
                    {
                        "kind": r.kind,
                        "id": r.id,
                        "title": r.title,
                        "review": r.review,
                        "fields": [
                            {"key": f.key, "label": f.label, "value": f.value, "review": f.review}
                            for f in r.fields
                        ],
                    }
                    for r in s.records
                ],
            }
            for s in export.sections
        ],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def _disclosure_json(export: SubjectAccessExport) -> str:
    doc = {
        **_opening(export, "sharetui subject access disclosure"),
        "timezone": export.timezone,
        "sections": [
            {
                "title": s.title,
                "records": [
                    {
                        "title": r.title,
                        "fields": [{"label": f.label, "value": f.value} for f in r.fields],
                    }
                    for r in s.records
                ],
            }
            for s in export.sections
        ],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


CSV_COLUMNS = (
    "section",
    "record_kind",
    "record_id",
    "record_title",
    "record_review",
    "field",
    "label",
    "value",
    "review",
)


def to_csv(export: SubjectAccessExport) -> str:
    """One row per field, so a reviewer can filter on the review columns in a spreadsheet."""
    out = io.StringIO()
    writer = SafeCsvWriter(out)
    writer.writerow(CSV_COLUMNS)
    for key, label, value in (
        ("person", "Person", f"{export.name} ({export.reference})"),
        ("generated_at", "Produced", export.generated_at.isoformat()),
    ):
        writer.writerow(
            ["export", "export", "", "Subject access export", "", key, label, value, ""]
        )
    for code, text in () if export.disclosure else REVIEW_GUIDE.items():
        writer.writerow(["export", "review_guide", code, "Review marks", "", code, code, text, ""])
    for s in export.sections:
        for r in s.records:
            for f in r.fields:
                writer.writerow(
                    [
                        s.key,
                        r.kind,
                        r.id,
                        r.title,
                        r.review,
                        f.key,
                        f.label,
                        f.value,
                        f.review,
                    ]
                )
    return out.getvalue()


def render(export: SubjectAccessExport, fmt: str) -> bytes:
    if fmt == "json":
        return to_json(export).encode("utf-8")
    if fmt == "csv":
        return ("\ufeff" + to_csv(export)).encode("utf-8")  # BOM: Excel reads it as UTF-8
    if fmt == "pdf":
        from sharetui.services.export_pdf import to_pdf

        return to_pdf(export)
    raise ValidationFailed({"format": "Choose json, csv or pdf"})


def save(data: bytes, path: Path, *, overwrite: bool = False) -> None:
    """Write atomically, readable by the owner only: it holds personal data."""
    path = path.expanduser()
    if path.is_dir():
        raise ValidationFailed({"out": f"{path} is a folder; give a file name"})
    if path.exists() and not overwrite:
        raise ValidationFailed(
            {"out": f"{path} already exists; choose a new file name or add --force"}
        )
    if not path.parent.is_dir():
        raise ValidationFailed({"out": f"The folder {path.parent} does not exist"})
    fd, tmp = tempfile.mkstemp(prefix=".sharetui-", dir=path.parent)  # mode 0600
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
