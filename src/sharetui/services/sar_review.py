"""The review of a subject access request's export, and the file given out.

The export (services/export.py) marks what needs a human's eye: other people's details,
staff names, free text, protected identities, and whole records about someone else. Each
marked thing is an *entry* here, named so that the same entry has the same name each time
the record is read:

    "kind:id"            a whole record (marked as about someone else)
    "kind:id:key"        one field of a record; "kind:id:key#2" the second field of that key
    "mark:staff"         every entry of one mark not reviewed on its own (for instance, every
                         staff name released because staff acted in their role)

Each is withheld or released with a reason. The file given out is made only when every entry
has a decision: withheld values are replaced by "[withheld]", withheld records keep only a
title saying so, and the review marks and the reviewers' guide are left out. The file itself
is not kept; its SHA-256, format, and counts are, linked to the request.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, replace

from sqlmodel import Session, col, select

from sharetui.domain.errors import NotFound, ValidationFailed
from sharetui.domain.governance import ReviewChoice, SarStatus
from sharetui.services.audit import append
from sharetui.services.export import (
    FORMATS,
    REVIEW_SHORT,
    ExportField,
    ExportRecord,
    ExportSection,
    SubjectAccessExport,
    gather,
    render,
)
from sharetui.services.governance_access import reason_text, require_governance
from sharetui.services.sar import OPEN_STATES
from sharetui.services.unit_of_work import Actor, UseCases, found
from sharetui.store.models import Person, SarDisclosure, SarReview, SubjectAccessRequest
from sharetui.store.types import utcnow

WITHHELD = "[withheld]"
WITHHELD_RECORD = "A record was withheld"


@dataclass(frozen=True)
class Entry:
    """One thing marked for review, where it is, and what has been decided about it."""

    entry: str
    mark: str  # a key of export.REVIEW_GUIDE
    where: str  # the record's title, and the field's label for a field
    value: str  # what would be disclosed
    choice: ReviewChoice | None = None
    reason: str = ""
    by_mark: bool = False  # decided by a "mark:..." review rather than on its own


def entries_of(export: SubjectAccessExport) -> list[tuple[str, str, str, str]]:
    """(entry, mark, where, value) of every marked thing, in the order of the export."""
    out = []
    for section in export.sections:
        for record in section.records:
            base = f"{record.kind}:{record.id}"
            if record.review:
                out.append((base, record.review, record.title, ""))
            seen: Counter[str] = Counter()
            for f in record.fields:
                seen[f.key] += 1
                if not f.review:
                    continue
                n = seen[f.key]
                name = f"{base}:{f.key}" + (f"#{n}" if n > 1 else "")
                out.append((name, f.review, f"{record.title} / {f.label}", f.value))
    return out


def _decide(marked: list[tuple[str, str, str, str]], reviews: dict[str, SarReview]) -> list[Entry]:
    out = []
    for name, mark, where, value in marked:
        own = reviews.get(name)
        rule = reviews.get(f"mark:{mark}")
        chosen = own or rule
        out.append(
            Entry(
                name,
                mark,
                where,
                value,
                ReviewChoice(chosen.choice) if chosen else None,
                chosen.reason if chosen else "",
                own is None and rule is not None,
            )
        )
    return out


def redact(export: SubjectAccessExport, decided: list[Entry]) -> SubjectAccessExport:
    """The file given out: what was withheld is gone, not only marked."""
    withheld = {e.entry for e in decided if e.choice is ReviewChoice.WITHHOLD}
    sections = []
    for section in export.sections:
        records = []
        for record in section.records:
            base = f"{record.kind}:{record.id}"
            if base in withheld:
                records.append(ExportRecord(record.kind, "", WITHHELD_RECORD, ()))
                continue
            seen: Counter[str] = Counter()
            fields = []
            for f in record.fields:
                seen[f.key] += 1
                n = seen[f.key]
                name = f"{base}:{f.key}" + (f"#{n}" if n > 1 else "")
                value = WITHHELD if name in withheld else f.value
                fields.append(ExportField(f.key, f.label, value, ""))
            records.append(replace(record, fields=tuple(fields), review=""))
        sections.append(ExportSection(section.key, section.title, tuple(records)))
    return replace(export, sections=tuple(sections), disclosure=True)


@dataclass(frozen=True)
class Disclosure:
    data: bytes
    sha256: str
    withheld: int
    released: int
    disclosure_id: int


class SarReviews(UseCases):
    def _request(self, s: Session, sar_id: int) -> tuple[SubjectAccessRequest, Person]:
        row = found(s, SubjectAccessRequest, sar_id, f"There is no subject access request {sar_id}")
        person = s.get(Person, row.person_id) if row.person_id is not None else None
        if person is None:
            raise NotFound("The record this request was about has been disposed of")
        return row, person

    def _reviews(self, s: Session, sar_id: int) -> dict[str, SarReview]:
        rows = s.exec(select(SarReview).where(SarReview.request_id == sar_id)).all()
        return {r.entry: r for r in rows}

    def entries(self, actor: Actor, sar_id: int) -> list[Entry]:
        """Every marked entry of the request's export with its decision (None: still to
        review). Reading the record is audited against the request and the person."""
        require_governance(actor)

        def work(s: Session) -> list[Entry]:
            _, person = self._request(s, sar_id)
            export = gather(s, person, actor, self.store)
            decided = _decide(entries_of(export), self._reviews(s, sar_id))
            append(s, actor, "person.export", "person", person.id, f"sar {sar_id} review")
            return decided

        return self.store.write(work, actor)

    def review(self, actor: Actor, sar_id: int, entry: str, choice: str, reason: str) -> None:
        """Withhold or release one entry (or every entry of a mark, with "mark:NAME")."""
        require_governance(actor)
        why = reason_text(reason, "reason", "the reason for this decision")
        try:
            chosen = ReviewChoice(choice)
        except ValueError:
            raise ValidationFailed({"choice": "Choose withhold or release"}) from None
        name = entry.strip()
        if name.startswith("mark:") and name[5:] not in REVIEW_SHORT:
            marks = ", ".join(f"mark:{m}" for m in REVIEW_SHORT)
            raise ValidationFailed({"entry": f"Choose one of {marks}"})

        def work(s: Session) -> None:
            row, person = self._request(s, sar_id)
            if row.status not in OPEN_STATES:
                raise ValidationFailed({"status": "This request is closed"})
            if not name.startswith("mark:"):
                known = {e[0] for e in entries_of(gather(s, person, actor, self.store))}
                if name not in known:
                    raise ValidationFailed(
                        {"entry": f"{name!r} is not an entry marked for review in this export"}
                    )
            existing = s.exec(
                select(SarReview).where(SarReview.request_id == sar_id, SarReview.entry == name)
            ).first()
            rec = existing or SarReview(
                request_id=sar_id, entry=name, choice=chosen.value, reviewed_by_id=0
            )
            rec.choice = chosen.value
            rec.reason = why
            rec.reviewed_by_id = actor.user_id
            rec.reviewed_at = utcnow()
            s.add(rec)
            s.flush()
            append(s, actor, "sar.review", "sar", sar_id, f"{name} {chosen.value}"[:300])

        self.store.write(work, actor)

    def disclose(self, actor: Actor, sar_id: int, fmt: str) -> Disclosure:
        """The reviewed file, once every marked entry has a decision. Linked to the request by
        its SHA-256; the person's audit trail shows it."""
        require_governance(actor)
        if fmt not in FORMATS:
            raise ValidationFailed({"format": "Choose json, csv or pdf"})

        def work(s: Session) -> tuple[SubjectAccessExport, list[Entry]]:
            row, person = self._request(s, sar_id)
            if row.status == SarStatus.WITHDRAWN.value:
                raise ValidationFailed({"status": "This request was withdrawn"})
            if row.due_on is None:
                raise ValidationFailed(
                    {"identity": "Confirm the requester's identity before disclosing anything"}
                )
            export = gather(s, person, actor, self.store)
            return export, _decide(entries_of(export), self._reviews(s, sar_id))

        export, decided = self.store.read(work, actor)
        waiting = [e for e in decided if e.choice is None]
        if waiting:
            shown = ", ".join(e.entry for e in waiting[:5])
            more = f" and {len(waiting) - 5} more" if len(waiting) > 5 else ""
            raise ValidationFailed(
                {"entries": f"{len(waiting)} marked entries still to review: {shown}{more}"}
            )
        data = render(redact(export, decided), fmt)
        digest = hashlib.sha256(data).hexdigest()
        withheld = sum(1 for e in decided if e.choice is ReviewChoice.WITHHOLD)
        released = len(decided) - withheld

        def record(s: Session) -> int:
            row, person = self._request(s, sar_id)
            made = SarDisclosure(
                request_id=sar_id,
                made_at=utcnow(),
                made_by_id=actor.user_id,
                format=fmt,
                sha256=digest,
                withheld=withheld,
                released=released,
            )
            s.add(made)
            s.flush()
            assert made.id is not None
            append(s, actor, "sar.disclose", "sar", sar_id, f"{fmt} {digest[:16]}")
            append(s, actor, "person.export", "person", person.id, f"sar {sar_id} disclosure")
            return made.id

        made_id = self.store.write(record, actor)
        return Disclosure(data, digest, withheld, released, made_id)

    def disclosures(self, actor: Actor, sar_id: int) -> list[SarDisclosure]:
        require_governance(actor)

        def work(s: Session) -> list[SarDisclosure]:
            rows = s.exec(
                select(SarDisclosure)
                .where(SarDisclosure.request_id == sar_id)
                .order_by(col(SarDisclosure.id))
            ).all()
            return [SarDisclosure.model_validate(r.model_dump()) for r in rows]

        return self.store.read(work, actor)
