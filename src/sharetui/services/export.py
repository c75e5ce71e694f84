"""Subject access export: everything held about one person, with what needs a human's review
before disclosure marked, field by field.

What is included: the person's details; their links (with the linked people marked); every
consent event; every version of every decision about them; decisions about someone else that
name them as affected (marked as a whole); advice items about them or about those decisions,
with their events; unfinished drafts naming them; and the audit trail of who looked at or
changed these records. Producing the export is itself audited, and shows in the export.

Marking, in short: other people's identities are marked third party; staff names are marked
(usually disclosed, unless that could put the member of staff at risk); free text written by
staff is marked for reading, since it may mention others; what a decision says about protected
identities is marked never to disclose. Nothing is removed: redaction is a human decision.
"""

from __future__ import annotations

from sqlmodel import Session, select

from sharetui.domain.errors import NotFound, ValidationFailed
from sharetui.domain.permissions import Permission
from sharetui.domain.text import clean_line
from sharetui.services.audit import append, require
from sharetui.services.export_gather import Gatherer, gather
from sharetui.services.export_records import (
    FORMATS,
    FREE_TEXT,
    OTHER_SUBJECT,
    PROTECTED,
    REVIEW_GUIDE,
    REVIEW_SHORT,
    STAFF,
    THIRD_PARTY,
    ExportField,
    ExportFormatter,
    ExportRecord,
    ExportSection,
    SubjectAccessExport,
)
from sharetui.services.export_render import CSV_COLUMNS, render, save, to_csv, to_json
from sharetui.services.unit_of_work import Actor, UseCases
from sharetui.store.models import Person

# The export's parts, importable from here as before the module was split.
__all__ = [
    "CSV_COLUMNS",
    "FORMATS",
    "FREE_TEXT",
    "OTHER_SUBJECT",
    "PROTECTED",
    "REVIEW_GUIDE",
    "REVIEW_SHORT",
    "STAFF",
    "THIRD_PARTY",
    "Export",
    "ExportField",
    "ExportRecord",
    "ExportSection",
    "SubjectAccessExport",
    "gather",
    "render",
    "save",
    "to_csv",
    "to_json",
]


class Export(UseCases):
    def person(self, actor: Actor, reference: str, fmt: str) -> SubjectAccessExport:
        """Everything held about the person with this reference. Supervisors and admins
        only; audited before anything is read, so the export lists itself."""
        require(actor, Permission.OVERSEE)
        ref = clean_line(reference).upper()
        if not ref:
            raise ValidationFailed({"reference": "Enter the person's reference"})
        if fmt not in FORMATS:
            raise ValidationFailed({"format": "Choose json, csv or pdf"})
        tz = self.store.settings.tz

        def work(s: Session) -> SubjectAccessExport:
            person = s.exec(select(Person).where(Person.reference == ref)).first()
            if person is None or person.id is None:
                raise NotFound(f"No person has the reference {ref}")
            append(s, actor, "person.export", "person", person.id, f"subject access export, {fmt}")
            return Gatherer(s, person, ExportFormatter(tz)).build(
                actor, self.store.settings.timezone
            )

        return self.store.write(work, actor)
