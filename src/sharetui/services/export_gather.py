"""Gathering everything held about one person into an export, section by section, with
the review marks a human needs before disclosure."""

from __future__ import annotations

import json

from sqlalchemy import and_, or_
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from sharetui.domain.decision import IMPACT_NOT_ASKED, DecisionInput
from sharetui.domain.enums import (
    RELATIONSHIP_INVERSE,
    AdviceEventKind,
    AdviceRole,
    AdviceStatus,
    ConsentGiver,
    ConsentMethod,
    ConsentStatus,
    NotSoughtReason,
    Outcome,
    Quality,
    Relationship,
    Urgency,
)
from sharetui.services.export_records import (
    DECISION_FIELDS,
    FREE_TEXT,
    IMPACT_FIELDS,
    OTHER_SUBJECT,
    STAFF,
    THIRD_PARTY,
    ExportFormatter,
    ExportRecord,
    ExportSection,
    RecordBuilder,
    SubjectAccessExport,
    action_label,
    labelled_or_raw,
)
from sharetui.services.unit_of_work import Actor, Store
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


def gather(s: Session, person: Person, actor: Actor, store: Store) -> SubjectAccessExport:
    """Everything held about the person, read inside the caller's transaction (the caller
    audits it): how a subject access request's review and disclosure read the record."""
    return Gatherer(s, person, ExportFormatter(store.settings.tz)).build(
        actor, store.settings.timezone
    )


class Gatherer:
    """Reads one person's records, section by section, in one session: the names of the
    people and staff the records point at are read once each."""

    def __init__(self, s: Session, person: Person, fmt: ExportFormatter) -> None:
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

    def b(self) -> RecordBuilder:
        return RecordBuilder(self.fmt)

    # -- sections -------------------------------------------------------------------------
    def _details(self) -> ExportRecord:
        p = self.person
        b = self.b()
        _identity(b, p, estimated=p.dob_estimated)
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
            _identity(b, v)
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
            giver = labelled_or_raw(ConsentGiver, ev.given_by)
            own = giver in (ConsentGiver.PERSON, ConsentGiver.COMPETENT_CHILD)
            b = self.b()
            b.add("status", "Consent", status)
            b.add(
                "not_sought_reason",
                "Why not sought",
                labelled_or_raw(NotSoughtReason, ev.not_sought_reason),
            )
            b.add("given_by", "By", giver)
            b.add("given_by_name", "Their name", ev.given_by_name, "" if own else THIRD_PARTY)
            b.add("method", "How", labelled_or_raw(ConsentMethod, ev.method))
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
        for key, label, enum_cls, review in DECISION_FIELDS:
            raw = getattr(d, key)
            if key in IMPACT_FIELDS and raw is None:  # decided before rule 5 was asked
                b.add(key, label, IMPACT_NOT_ASKED)
                continue
            value = labelled_or_raw(enum_cls, raw) if enum_cls else raw
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
        outcome = labelled_or_raw(Outcome, d.outcome)
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
            b.add("advice_role", "Asked of", labelled_or_raw(AdviceRole, a.advice_role))
            b.add("urgency", "Urgency", labelled_or_raw(Urgency, a.urgency))
            b.add("status", "Status", labelled_or_raw(AdviceStatus, a.status))
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
                kind = labelled_or_raw(AdviceEventKind, ev.kind)
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
                for key, label, _, review in DECISION_FIELDS:
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


def _identity(b: RecordBuilder, p: Person | PersonVersion, *, estimated: bool = False) -> None:
    """Who the person is, in the same order for the current details and each earlier version,
    so that a reader comparing them finds each line in the same place."""
    b.add("family_name", "Family name", p.family_name)
    b.add("given_names", "Given names", p.given_names)
    b.add("other_names", "Other names", p.other_names)
    if p.date_of_birth is not None:
        dob = p.date_of_birth.isoformat()
        b.add("date_of_birth", "Date of birth", f"{dob} (estimated)" if estimated else dob)
    b.add("reference", "Reference", p.reference)
    b.add("nhs_number", "NHS number", p.nhs_number)
    b.add("gender", "Gender", p.gender)
    b.add("upn", "Unique pupil number", p.upn)
    for label, value in sorted((p.other_details or {}).items()):
        b.add("other_details", label, value)
