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

import io
import json
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from sharetui.domain.decision import IMPACT_NOT_ASKED, DecisionInput
from sharetui.domain.enums import (
    RELATIONSHIP_INVERSE,
    AdviceEventKind,
    AdviceRole,
    AdviceStatus,
    Art9Condition,
    CallerCheck,
    ConsentGiver,
    ConsentMethod,
    ConsentPosition,
    ConsentStatus,
    LabelledEnum,
    LawfulBasis,
    NotSoughtReason,
    Outcome,
    Quality,
    Relationship,
    RequestOrigin,
    ShareMethod,
    Urgency,
)
from sharetui.domain.errors import NotFound, ValidationFailed
from sharetui.domain.permissions import Permission
from sharetui.domain.text import clean_line
from sharetui.services.audit import append, require
from sharetui.services.csv_out import SafeCsvWriter
from sharetui.services.store import Actor, Store
from sharetui.store.models import (
    AdviceEvent,
    AdviceRequest,
    AuditEvent,
    ConsentEvent,
    DecisionAffected,
    Draft,
    Person,
    PersonLink,
    PersonVersion,
    SharingDecision,
    User,
)
from sharetui.store.types import utcnow

FORMATS = ("json", "csv", "pdf")

THIRD_PARTY = "third_party"
STAFF = "staff"
FREE_TEXT = "free_text"
PROTECTED = "protected"
OTHER_SUBJECT = "other_subject"

REVIEW_GUIDE: dict[str, str] = {
    THIRD_PARTY: "Identifies someone other than the requester: withhold or redact unless they "
    "agree or it is reasonable to disclose without their agreement.",
    STAFF: "Names a member of staff acting in their role: usually disclosed, unless that could "
    "put them at risk.",
    FREE_TEXT: "Free text written by staff: read it for details of other people before disclosure.",
    PROTECTED: "Describes identities a sharing decision protects: do not disclose them.",
    OTHER_SUBJECT: "A record about someone else that names the requester: disclose only what "
    "is about the requester.",
}

REVIEW_SHORT: dict[str, str] = {
    THIRD_PARTY: "third party",
    STAFF: "staff name",
    FREE_TEXT: "free text",
    PROTECTED: "protected identity",
    OTHER_SUBJECT: "about someone else",
}


@dataclass(frozen=True)
class ExportField:
    key: str
    label: str
    value: str
    review: str = ""  # one of REVIEW_GUIDE's keys; empty when nothing needs checking


@dataclass(frozen=True)
class ExportRecord:
    kind: str
    id: str
    title: str
    fields: tuple[ExportField, ...]
    review: str = ""  # the whole record needs review


@dataclass(frozen=True)
class ExportSection:
    key: str
    title: str
    records: tuple[ExportRecord, ...]


@dataclass(frozen=True)
class SubjectAccessExport:
    reference: str
    name: str
    generated_at: datetime
    generated_by: str
    timezone: str
    sections: tuple[ExportSection, ...]
    # True for the reviewed file given out (services/sar_review.py): withheld values are
    # gone, review marks and the reviewers' guide are left out.
    disclosure: bool = False

    def records(self, kind: str) -> list[ExportRecord]:
        return [r for s in self.sections for r in s.records if r.kind == kind]


# -- formatting values ----------------------------------------------------------------------
class _Fmt:
    def __init__(self, tz: ZoneInfo) -> None:
        self.tz = tz

    def value(self, v: Any) -> str:
        if v is None:
            return ""
        if isinstance(v, bool):
            return "Yes" if v else "No"
        if isinstance(v, LabelledEnum):
            return v.label
        if isinstance(v, datetime):
            return v.astimezone(self.tz).strftime("%Y-%m-%d %H:%M")
        if hasattr(v, "isoformat"):
            return v.isoformat()
        return str(v)


def _enum(cls: type[LabelledEnum], raw: str | None) -> LabelledEnum | str | None:
    if not raw:
        return None
    try:
        return cls(raw)
    except ValueError:
        return raw


class _Builder:
    """Collects the fields of one record, skipping empty values."""

    def __init__(self, fmt: _Fmt) -> None:
        self.fmt = fmt
        self.fields: list[ExportField] = []

    def add(self, key: str, label: str, value: Any, review: str = "") -> None:
        text = self.fmt.value(value)
        if text == "":
            return
        self.fields.append(ExportField(key, label, text, review))

    def done(self) -> tuple[ExportField, ...]:
        return tuple(self.fields)


# -- the decision record's fields, with labels and review marks -------------------------------
_DECISION_FIELDS: tuple[tuple[str, str, type[LabelledEnum] | None, str], ...] = (
    ("urgent", "Urgent (a child at risk of significant harm)", None, ""),
    ("origin", "How it arose", RequestOrigin, ""),
    ("recipient_org", "Organisation", None, ""),
    ("recipient_role", "Recipient's role", None, ""),
    ("recipient_name", "Recipient's name", None, THIRD_PARTY),
    ("recipient_contact", "Recipient's contact", None, THIRD_PARTY),
    ("caller_check", "How the requester was checked", CallerCheck, ""),
    ("purpose", "Purpose", None, FREE_TEXT),
    ("information", "Information", None, FREE_TEXT),
    ("special_category", "Special category data", None, ""),
    ("criminal_offence", "Criminal offence data", None, ""),
    ("consent_position", "Consent", ConsentPosition, ""),
    ("consent_event_id", "Consent relied on (consent record number)", None, ""),
    ("not_sought_reason", "Why consent was not sought", NotSoughtReason, ""),
    ("without_consent_reason", "Why shared without consent", None, FREE_TEXT),
    ("lawful_basis", "Lawful basis", LawfulBasis, ""),
    ("art9_condition", "Special category condition", Art9Condition, ""),
    ("necessity", "Why sharing is necessary", None, FREE_TEXT),
    ("identities_protected", "Identities protected", None, PROTECTED),
    ("person_told", "Person told about the share", None, ""),
    ("not_told_reason", "Why the person was not told", None, FREE_TEXT),
    ("outcome", "Decision", Outcome, ""),
    ("reasons", "Reasons", None, FREE_TEXT),
    ("shared_at", "When shared", None, ""),
    ("share_method", "How shared", ShareMethod, ""),
    ("impact_if_not_shared", "What could happen if it is not shared (rule 5)", None, FREE_TEXT),
    ("impact_if_shared", "What could happen if it is shared (rule 5)", None, FREE_TEXT),
)

IMPACT_FIELDS = ("impact_if_not_shared", "impact_if_shared")

_ACTIONS: dict[str, str] = {
    "person.create": "Created the record",
    "person.view": "Opened the record",
    "person.summary": "Looked up the person",
    "person.timeline": "Read the chronology",
    "person.link": "Linked to another person",
    "person.children": "Looked up the linked children (for a sharing decision)",
    "person.export": "Subject access export",
    "consent.history": "Read the consent history",
    "consent.view": "Read a consent record",
    "decision.create": "Recorded a sharing decision",
    "decision.amend": "Amended a sharing decision",
    "decision.view": "Read a sharing decision",
    "decision.list": "Listed the sharing decisions",
    "advice.raise": "Asked for advice",
    "advice.claim": "Took the advice request",
    "advice.release": "Released the advice request",
    "advice.advise": "Gave advice",
    "advice.close": "Recorded the outcome of the advice",
    "advice.view": "Read the advice request",
    "advice.reveal": "Revealed who an anonymised advice request is about",
    "retention.kind": "Set the kind of record for retention",
    "retention.keep": "Retention review: kept, with the next review date",
    "retention.hold": "Placed a legal hold",
    "retention.lift": "Lifted a legal hold",
}


def action_label(action: str) -> str:
    if action in _ACTIONS:
        return _ACTIONS[action]
    if action.startswith("consent."):
        status = _enum(ConsentStatus, action.split(".", 1)[1])
        if isinstance(status, ConsentStatus):
            return f"Recorded consent: {status.label.lower()}"
    return action


# -- gathering --------------------------------------------------------------------------------
class Export:
    def __init__(self, store: Store) -> None:
        self.store = store

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
            return _Gather(s, person, _Fmt(tz)).build(actor, self.store.settings.timezone)

        return self.store.write(work, actor)


def gather(s: Session, person: Person, actor: Actor, store: Store) -> SubjectAccessExport:
    """Everything held about the person, read inside the caller's transaction (the caller
    audits it): how a subject access request's review and disclosure read the record."""
    return _Gather(s, person, _Fmt(store.settings.tz)).build(actor, store.settings.timezone)


class _Gather:
    def __init__(self, s: Session, person: Person, fmt: _Fmt) -> None:
        assert person.id is not None
        self.s = s
        self.person = person
        self.pid = person.id
        self.fmt = fmt
        self._users: dict[int, str] = {}
        self._people: dict[int, Person] = {person.id: person}

    def build(self, actor: Actor, timezone: str) -> SubjectAccessExport:
        decisions, affected = self._decisions()
        advice = self._advice(decisions + affected)
        sections = (
            ExportSection("person", "Personal details", (self._details(),)),
            ExportSection(
                "versions", "Earlier versions of the personal details", tuple(self._versions())
            ),
            ExportSection("links", "Linked people", tuple(self._links())),
            ExportSection("consent", "Consent", tuple(self._consent())),
            ExportSection(
                "decisions",
                "Sharing decisions about this person (every version)",
                tuple(self._decision_record(d, about_subject=True) for d in decisions),
            ),
            ExportSection(
                "affected",
                "Sharing decisions about someone else that name this person as affected",
                tuple(self._decision_record(d, about_subject=False) for d in affected),
            ),
            ExportSection("advice", "Advice requests", tuple(advice)),
            ExportSection("drafts", "Unfinished forms naming this person", tuple(self._drafts())),
            ExportSection(
                "audit",
                "Who looked at or changed these records",
                tuple(self._audit(decisions + affected, advice)),
            ),
        )
        return SubjectAccessExport(
            reference=self.person.reference,
            name=f"{self.person.given_names} {self.person.family_name}",
            generated_at=utcnow(),
            generated_by=actor.display_name,
            timezone=timezone,
            sections=sections,
        )

    # -- helpers --------------------------------------------------------------------------
    def user(self, user_id: int | None) -> str:
        if user_id is None:
            return ""
        if user_id not in self._users:
            u = self.s.get(User, user_id)
            self._users[user_id] = u.display_name if u else f"user {user_id}"
        return self._users[user_id]

    def other(self, person_id: int) -> Person | None:
        if person_id not in self._people:
            p = self.s.get(Person, person_id)
            if p is None:
                return None
            self._people[person_id] = p
        return self._people[person_id]

    def b(self) -> _Builder:
        return _Builder(self.fmt)

    # -- sections -------------------------------------------------------------------------
    def _details(self) -> ExportRecord:
        p = self.person
        b = self.b()
        b.add("family_name", "Family name", p.family_name)
        b.add("given_names", "Given names", p.given_names)
        b.add("other_names", "Other names", p.other_names)
        if p.date_of_birth is not None:
            dob = p.date_of_birth.isoformat() + (" (estimated)" if p.dob_estimated else "")
            b.add("date_of_birth", "Date of birth", dob)
        b.add("reference", "Reference", p.reference)
        b.add("nhs_number", "NHS number", p.nhs_number)
        b.add("gender", "Gender", p.gender)
        b.add("upn", "Unique pupil number", p.upn)
        for label, value in sorted((p.other_details or {}).items()):
            b.add("other_details", label, value)
        b.add("notes", "Notes", p.notes, FREE_TEXT)
        b.add("created_at", "Record created", p.created_at)
        b.add("created_by", "Created by", self.user(p.created_by_id), STAFF)
        if p.version > 1:
            b.add("version", "Version of these details", p.version)
        return ExportRecord("person", p.reference, "Personal details", b.done())

    def _versions(self) -> list[ExportRecord]:
        """Earlier versions of the personal details (each replaced by an import or a change)."""
        rows = self.s.exec(
            select(PersonVersion)
            .where(PersonVersion.person_id == self.pid)
            .order_by(col(PersonVersion.version))
        ).all()
        out = []
        for v in rows:
            b = self.b()
            b.add("family_name", "Family name", v.family_name)
            b.add("given_names", "Given names", v.given_names)
            b.add("other_names", "Other names", v.other_names)
            b.add("date_of_birth", "Date of birth", v.date_of_birth)
            b.add("gender", "Gender", v.gender)
            b.add("reference", "Reference", v.reference)
            b.add("upn", "Unique pupil number", v.upn)
            b.add("nhs_number", "NHS number", v.nhs_number)
            for label, value in sorted((v.other_details or {}).items()):
                b.add("other_details", label, value)
            b.add("replaced_at", "Replaced", v.replaced_at)
            b.add("replaced_by", "Replaced by", self.user(v.replaced_by_id), STAFF)
            b.add("reason", "Why", v.reason)
            out.append(
                ExportRecord("person_version", str(v.version), f"Version {v.version}", b.done())
            )
        return out

    def _links(self) -> list[ExportRecord]:
        rows = self.s.exec(
            select(PersonLink)
            .where(
                or_(
                    col(PersonLink.from_person_id) == self.pid,
                    col(PersonLink.to_person_id) == self.pid,
                )
            )
            .order_by(col(PersonLink.id))
        ).all()
        out = []
        for link in rows:
            if link.to_person_id == self.pid:
                other_id, rel = link.from_person_id, Relationship(link.relationship)
            else:
                other_id = link.to_person_id
                rel = RELATIONSHIP_INVERSE[Relationship(link.relationship)]
            other = self.other(other_id)
            b = self.b()
            b.add("relationship", "What they are to this person", rel)
            if other is not None:
                b.add("name", "Name", f"{other.given_names} {other.family_name}", THIRD_PARTY)
                b.add("reference", "Reference", other.reference, THIRD_PARTY)
                if other.date_of_birth:
                    b.add("date_of_birth", "Date of birth", other.date_of_birth, THIRD_PARTY)
            b.add("linked_at", "Linked on", link.created_at)
            b.add("linked_by", "Linked by", self.user(link.created_by_id), STAFF)
            out.append(ExportRecord("link", str(link.id), f"Linked person: {rel.label}", b.done()))
        return out

    def _consent(self) -> list[ExportRecord]:
        rows = self.s.exec(
            select(ConsentEvent)
            .where(ConsentEvent.person_id == self.pid)
            .order_by(col(ConsentEvent.effective_at), col(ConsentEvent.id))
        ).all()
        out = []
        for ev in rows:
            status = ConsentStatus(ev.status)
            giver = _enum(ConsentGiver, ev.given_by)
            own = giver in (ConsentGiver.PERSON, ConsentGiver.COMPETENT_CHILD)
            b = self.b()
            b.add("status", "Consent", status)
            b.add(
                "not_sought_reason", "Why not sought", _enum(NotSoughtReason, ev.not_sought_reason)
            )
            b.add("given_by", "By", giver)
            b.add("given_by_name", "Their name", ev.given_by_name, "" if own else THIRD_PARTY)
            b.add("method", "How", _enum(ConsentMethod, ev.method))
            b.add("told", "What they were told", ev.told, FREE_TEXT)
            b.add("scope_information", "Information", ev.scope_information)
            b.add("scope_recipient", "To whom", ev.scope_recipient)
            b.add("scope_purpose", "For what", ev.scope_purpose)
            b.add("effective_at", "When", ev.effective_at)
            b.add("recorded_by", "Recorded by", self.user(ev.recorded_by_id), STAFF)
            b.add("recorded_at", "Recorded at", ev.recorded_at)
            title = f"Consent record {ev.id}: {status.label.lower()}"
            out.append(ExportRecord("consent", str(ev.id), title, b.done()))
        return out

    def _decisions(self) -> tuple[list[SharingDecision], list[SharingDecision]]:
        """Every version of decisions about the person, and of decisions about others in
        which any version names the person as affected."""
        own_roots = select(SharingDecision.root_id).where(SharingDecision.subject_id == self.pid)
        own = self.s.exec(
            select(SharingDecision)
            .where(col(SharingDecision.root_id).in_(own_roots))
            .order_by(col(SharingDecision.root_id), col(SharingDecision.version))
        ).all()
        named = select(SharingDecision.root_id).where(
            col(SharingDecision.id).in_(
                select(DecisionAffected.decision_id).where(DecisionAffected.person_id == self.pid)
            )
        )
        affected = self.s.exec(
            select(SharingDecision)
            .where(
                col(SharingDecision.root_id).in_(named),
                SharingDecision.subject_id != self.pid,
            )
            .order_by(col(SharingDecision.root_id), col(SharingDecision.version))
        ).all()
        return list(own), list(affected)

    def _decision_record(self, d: SharingDecision, *, about_subject: bool) -> ExportRecord:
        versions = self.s.exec(
            select(SharingDecision.version)
            .where(SharingDecision.root_id == d.root_id)
            .order_by(col(SharingDecision.version).desc())
        ).first()
        b = self.b()
        b.add("decision", "Decision number", d.root_id)
        b.add("version", "Version", f"{d.version} of {versions}")
        if d.supersedes_id:
            b.add("supersedes", "Replaces version record", d.supersedes_id)
        b.add("amend_reason", "Reason for the amendment", d.amend_reason, FREE_TEXT)
        if not about_subject:
            subject = self.other(d.subject_id)
            if subject is not None:
                name = f"{subject.given_names} {subject.family_name} ({subject.reference})"
                b.add("subject", "About", name, THIRD_PARTY)
        for key, label, enum_cls, review in _DECISION_FIELDS:
            raw = getattr(d, key)
            if key in IMPACT_FIELDS and raw is None:  # decided before rule 5 was asked
                b.add(key, label, IMPACT_NOT_ASKED)
                continue
            value = _enum(enum_cls, raw) if enum_cls else raw
            b.add(key, label, value, review)
        if d.categories:
            b.add("categories", "Categories", ", ".join(d.categories))
        for quality in Quality:
            check = (d.checks or {}).get(quality.value)
            if not isinstance(check, dict):
                continue
            confirmed = check.get("confirmed")
            note = check.get("note") or ""
            answers: dict[object, str] = {True: "Confirmed", False: "Not confirmed"}
            text = answers.get(confirmed, "Not answered")
            b.add(f"check.{quality.value}", f"Check: {quality.label}", text)
            b.add(f"check.{quality.value}.note", f"Note: {quality.label}", note, FREE_TEXT)
        others = self.s.exec(
            select(DecisionAffected.person_id).where(DecisionAffected.decision_id == d.id)
        ).all()
        for other_id in others:
            if other_id == self.pid:
                b.add("affected", "Others affected", "This person")
                continue
            other = self.other(other_id)
            if other is not None:
                name = f"{other.given_names} {other.family_name} ({other.reference})"
                b.add("affected", "Others affected", name, THIRD_PARTY)
        b.add("decided_by", "Decided by", self.user(d.decided_by_id), STAFF)
        b.add("decided_at", "Recorded at", d.decided_at)
        outcome = _enum(Outcome, d.outcome)
        label = outcome.label if isinstance(outcome, Outcome) else d.outcome
        title = f"Decision {d.root_id}, version {d.version}: {label}"
        return ExportRecord(
            "decision" if about_subject else "decision_about_other",
            str(d.id),
            title,
            b.done(),
            "" if about_subject else OTHER_SUBJECT,
        )

    def _advice(self, decisions: list[SharingDecision]) -> list[ExportRecord]:
        ids = [d.id for d in decisions if d.id is not None]
        cond: ColumnElement[bool] = col(AdviceRequest.person_id) == self.pid
        if ids:
            cond = or_(cond, col(AdviceRequest.decision_id).in_(ids))
        rows = self.s.exec(select(AdviceRequest).where(cond).order_by(col(AdviceRequest.id))).all()
        out = []
        for a in rows:
            b = self.b()
            b.add("question", "Question", a.question, FREE_TEXT)
            b.add("advice_role", "Asked of", _enum(AdviceRole, a.advice_role))
            b.add("urgency", "Urgency", _enum(Urgency, a.urgency))
            b.add("status", "Status", _enum(AdviceStatus, a.status))
            b.add("anonymised", "Asked without naming the person", a.anonymised)
            if a.person_id is None:
                b.add("person", "Person named", "No (linked through a decision)")
            elif a.person_id != self.pid:
                other = self.other(a.person_id)
                if other is not None:
                    name = f"{other.given_names} {other.family_name} ({other.reference})"
                    b.add("person", "About", name, THIRD_PARTY)
            b.add("decision_id", "Decision record", a.decision_id)
            b.add("raised_by", "Asked by", self.user(a.raised_by_id), STAFF)
            b.add("raised_at", "Asked at", a.raised_at)
            b.add("due_at", "Due", a.due_at)
            b.add("claimed_by", "Taken by", self.user(a.claimed_by_id), STAFF)
            b.add("claimed_at", "Taken at", a.claimed_at)
            b.add("advice_text", "Advice", a.advice_text, FREE_TEXT)
            b.add("advised_by", "Advice given by", self.user(a.advised_by_id), STAFF)
            b.add("advised_at", "Advice given at", a.advised_at)
            b.add("outcome_text", "Outcome", a.outcome_text, FREE_TEXT)
            b.add("closed_by", "Outcome recorded by", self.user(a.closed_by_id), STAFF)
            b.add("closed_at", "Outcome recorded at", a.closed_at)
            for ev in self.s.exec(
                select(AdviceEvent)
                .where(AdviceEvent.advice_id == a.id)
                .order_by(col(AdviceEvent.id))
            ).all():
                kind = _enum(AdviceEventKind, ev.kind)
                label = kind.label if isinstance(kind, AdviceEventKind) else ev.kind
                when = self.fmt.value(ev.at)
                b.add(f"event.{ev.id}", f"{when} {label}", self.user(ev.user_id), STAFF)
                b.add(f"event.{ev.id}.note", f"{when} {label}: note", ev.note, FREE_TEXT)
            about_other = a.person_id is not None and a.person_id != self.pid
            out.append(
                ExportRecord(
                    "advice",
                    str(a.id),
                    f"Advice request {a.id}",
                    b.done(),
                    OTHER_SUBJECT if about_other else "",
                )
            )
        return out

    def _drafts(self) -> list[ExportRecord]:
        out = []
        for d in self.s.exec(select(Draft).order_by(col(Draft.id))).all():
            payload = d.payload or {}
            subject = payload.get("subject_id")
            others = payload.get("others_affected") or []
            if subject != self.pid and self.pid not in others:
                continue
            form = DecisionInput.from_dict(payload) if d.kind == "decision" else None
            b = self.b()
            b.add("kind", "Form", d.kind)
            b.add("title", "Title", d.title)
            b.add("owner", "Started by", self.user(d.user_id), STAFF)
            b.add("updated_at", "Last saved", d.updated_at)
            b.add("status", "Status", d.status.replace("_", " "))
            if form is not None:
                for key, label, _, review in _DECISION_FIELDS:
                    value = getattr(form, key)
                    b.add(key, label, value, review)
            else:
                b.add("payload", "Contents", json.dumps(payload, ensure_ascii=False), FREE_TEXT)
            out.append(
                ExportRecord(
                    "draft",
                    str(d.id),
                    f"Unfinished {d.kind} form {d.id}",
                    b.done(),
                    "" if subject == self.pid else OTHER_SUBJECT,
                )
            )
        return out

    def _audit(
        self, decisions: list[SharingDecision], advice: list[ExportRecord]
    ) -> list[ExportRecord]:
        conds: list[ColumnElement[bool]] = [
            and_(
                col(AuditEvent.entity_type) == "person", col(AuditEvent.entity_id) == str(self.pid)
            )
        ]
        decision_ids = [str(d.id) for d in decisions]
        if decision_ids:
            conds.append(
                (col(AuditEvent.entity_type) == "decision")
                & col(AuditEvent.entity_id).in_(decision_ids)
            )
        advice_ids = [r.id for r in advice]
        if advice_ids:
            conds.append(
                (col(AuditEvent.entity_type) == "advice")
                & col(AuditEvent.entity_id).in_(advice_ids)
            )
        rows = self.s.exec(select(AuditEvent).where(or_(*conds)).order_by(col(AuditEvent.id))).all()
        out = []
        for ev in rows:
            b = self.b()
            b.add("at", "When", ev.at)
            b.add("action", "What", action_label(ev.action))
            who = self.user(ev.user_id) if ev.user_id is not None else ev.username
            b.add("by", "Who", who, STAFF)
            b.add("terminal", "Where", ev.terminal)
            out.append(ExportRecord("audit", str(ev.id), f"Audit event {ev.id}", b.done()))
        return out


# -- rendering ------------------------------------------------------------------------------
def to_json(export: SubjectAccessExport) -> str:
    if export.disclosure:
        return _disclosure_json(export)
    doc = {
        "format": "sharetui subject access export",
        "version": 1,
        "person": {"reference": export.reference, "name": export.name},
        "generated_at": export.generated_at.isoformat(),
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
        "format": "sharetui subject access disclosure",
        "version": 1,
        "person": {"reference": export.reference, "name": export.name},
        "generated_at": export.generated_at.isoformat(),
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
    writer.writerow(
        [
            "export",
            "export",
            "",
            "Subject access export",
            "",
            "person",
            "Person",
            f"{export.name} ({export.reference})",
            "",
        ]
    )
    writer.writerow(
        [
            "export",
            "export",
            "",
            "Subject access export",
            "",
            "generated_at",
            "Produced",
            export.generated_at.isoformat(),
            "",
        ]
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
