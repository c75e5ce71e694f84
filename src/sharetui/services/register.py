"""The recipient register: organisations information goes to and their contacts, kept by
supervisors and administrators, chosen in the decision flow by search as you type.

A practitioner who types an organisation the register lacks may add it from the decision
(a duty desk must never be stopped by a missing entry); it is marked for review, and a
supervisor checks it, corrects it or merges it with the entry it duplicates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from sharetui.domain.after_share import OrgKind, fold_name
from sharetui.domain.errors import NotFound, ValidationFailed, check
from sharetui.domain.permissions import Permission, allowed
from sharetui.domain.text import SHORT_TEXT, clean_line
from sharetui.services.audit import append, require
from sharetui.services.store import Actor, Store
from sharetui.store.models import (
    AgreementParty,
    IncomingFile,
    RecipientAlias,
    RecipientContact,
    RecipientOrg,
    SharingDecision,
)
from sharetui.store.register_import import ImportSummary, import_free_text
from sharetui.store.types import utcnow

SEARCH_LIMIT = 8


@dataclass(frozen=True)
class RecipientChoice:
    """One line of the picker: an organisation, or one of its contacts."""

    org_id: int
    org: str
    kind: OrgKind
    secure_routes: str
    contact_id: int | None = None
    role: str = ""
    name: str = ""
    contact: str = ""
    to_review: bool = False


@dataclass(frozen=True)
class OrgView:
    id: int
    name: str
    kind: OrgKind
    secure_routes: str
    to_review: bool
    review_note: str
    active: bool
    contacts: tuple[RecipientChoice, ...]


def _choice(org: RecipientOrg, c: RecipientContact | None = None) -> RecipientChoice:
    assert org.id is not None
    return RecipientChoice(
        org.id,
        org.name,
        _kind(org.kind),
        org.secure_routes,
        c.id if c else None,
        c.role if c else "",
        c.name if c else "",
        c.contact if c else "",
        org.to_review,
    )


def _kind(value: str) -> OrgKind:
    try:
        return OrgKind(value)
    except ValueError:
        return OrgKind.OTHER


def _like(word: str) -> str:
    escaped = word.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _short(errors: dict[str, str], name: str, value: str, label: str, required: bool) -> str:
    text = clean_line(value)
    if required and not text:
        errors[name] = f"Enter the {label.lower()}"
    elif len(text) > SHORT_TEXT:
        errors[name] = f"Enter {label.lower()} of {SHORT_TEXT} characters or fewer"
    return text


class Register:
    def __init__(self, store: Store) -> None:
        self.store = store

    # -- choosing -------------------------------------------------------------------------
    def search(self, actor: Actor, text: str, limit: int = SEARCH_LIMIT) -> list[RecipientChoice]:
        """Organisations and contacts whose name, role or contact holds every word typed;
        with nothing typed, the register entries this user shared with lately."""
        require(actor, Permission.WORK_WITH_PEOPLE)
        words = clean_line(text).lower().split()

        def work(s: Session) -> list[RecipientChoice]:
            if not words:
                return self._recent(s, actor, limit)
            fields = (
                func.lower(RecipientOrg.name),
                func.lower(RecipientOrg.secure_routes),
                func.lower(func.coalesce(RecipientContact.role, "")),
                func.lower(func.coalesce(RecipientContact.name, "")),
                func.lower(func.coalesce(RecipientContact.contact, "")),
            )
            q = (
                select(RecipientOrg, RecipientContact)
                .join(
                    RecipientContact,
                    (col(RecipientContact.org_id) == RecipientOrg.id)
                    & col(RecipientContact.active),
                    isouter=True,
                )
                .where(col(RecipientOrg.active))
            )
            for w in words:
                q = q.where(or_(*(f.like(_like(w), escape="\\") for f in fields)))
            rows = s.exec(
                q.order_by(col(RecipientOrg.name), col(RecipientContact.id)).limit(limit * 3)
            ).all()
            out: list[RecipientChoice] = []
            seen_org: set[int] = set()
            for org, contact in rows:
                org_words = " ".join((org.name, org.secure_routes)).lower()
                if org.id not in seen_org and all(w in org_words for w in words):
                    out.append(_choice(org))  # the organisation itself: anyone there
                seen_org.add(org.id or 0)
                if contact is not None:
                    out.append(_choice(org, contact))
            return out[:limit]

        return self.store.read(work, actor)

    def _recent(self, s: Session, actor: Actor, limit: int) -> list[RecipientChoice]:
        last = func.max(SharingDecision.decided_at).label("last")
        rows = s.exec(
            select(SharingDecision.recipient_org_id, SharingDecision.recipient_contact_id, last)
            .where(
                SharingDecision.decided_by_id == actor.user_id,
                col(SharingDecision.recipient_org_id).is_not(None),
            )
            .group_by(
                col(SharingDecision.recipient_org_id), col(SharingDecision.recipient_contact_id)
            )
            .order_by(last.desc())
            .limit(limit)
        ).all()
        out = []
        for org_id, contact_id, _ in rows:
            org = s.get(RecipientOrg, org_id)
            if org is None or not org.active:
                continue
            contact = s.get(RecipientContact, contact_id) if contact_id else None
            out.append(_choice(org, contact if contact and contact.active else None))
        return out

    def choice(self, actor: Actor, org_id: int, contact_id: int | None) -> RecipientChoice:
        require(actor, Permission.WORK_WITH_PEOPLE)

        def work(s: Session) -> RecipientChoice:
            org = s.get(RecipientOrg, org_id)
            if org is None:
                raise NotFound("That organisation is not in the register")
            contact = s.get(RecipientContact, contact_id) if contact_id else None
            return _choice(org, contact)

        return self.store.read(work, actor)

    # -- keeping --------------------------------------------------------------------------
    def add_org(
        self,
        actor: Actor,
        name: str,
        kind: str = "other",
        secure_routes: str = "",
        *,
        from_decision: bool = False,
    ) -> RecipientChoice:
        """A new organisation. Supervisors and administrators keep the register; anyone who
        records decisions may add one from a decision, marked for review."""
        if from_decision:
            require(actor, Permission.WORK_WITH_PEOPLE)
        else:
            require(actor, Permission.OVERSEE)
        e: dict[str, str] = {}
        label = _short(e, "name", name, "Organisation's name", True)
        routes = _short(e, "secure_routes", secure_routes, "Secure contact routes", False)
        try:
            org_kind = OrgKind.parse(kind)
        except ValueError:
            e["kind"] = (
                "Choose the kind: school, social care, health, police, housing, early help or other"
            )
        key = fold_name(label)
        if label and not key:
            e["name"] = "Enter a name with letters or digits in it"
        check(e)
        reviewed = not from_decision and allowed(actor.role, Permission.OVERSEE)

        def work(s: Session) -> RecipientChoice:
            same = s.exec(select(RecipientOrg).where(RecipientOrg.name_key == key)).first()
            if same is not None:
                raise ValidationFailed(
                    {"name": f"{same.name} is already in the register: choose it instead"}
                )
            org = RecipientOrg(
                name=label,
                name_key=key,
                kind=org_kind.value,
                secure_routes=routes,
                to_review=not reviewed,
                review_note="Added from a decision: check it." if not reviewed else "",
                created_by_id=actor.user_id,
                created_at=utcnow(),
            )
            s.add(org)
            s.flush()
            append(s, actor, "register.org_add", "recipient_org", org.id, org_kind.value)
            return _choice(org)

        return self.store.write(work, actor)

    def add_contact(
        self,
        actor: Actor,
        org_id: int,
        role: str = "",
        name: str = "",
        contact: str = "",
        *,
        from_decision: bool = False,
    ) -> RecipientChoice:
        require(actor, Permission.WORK_WITH_PEOPLE if from_decision else Permission.OVERSEE)
        e: dict[str, str] = {}
        values = (
            _short(e, "role", role, "Role", False),
            _short(e, "name", name, "Name", False),
            _short(e, "contact", contact, "Contact", False),
        )
        if not e and not any(values):
            e["role"] = "Enter the contact's role, name or how to reach them"
        check(e)

        def work(s: Session) -> RecipientChoice:
            org = s.get(RecipientOrg, org_id)
            if org is None:
                raise NotFound("That organisation is not in the register")
            row = RecipientContact(
                org_id=org_id,
                role=values[0],
                name=values[1],
                contact=values[2],
                created_by_id=actor.user_id,
                created_at=utcnow(),
            )
            s.add(row)
            s.flush()
            if from_decision and not org.to_review:
                org.to_review = True
                org.review_note = (
                    org.review_note + " A contact was added from a decision."
                ).strip()
                s.add(org)
            append(s, actor, "register.contact_add", "recipient_org", org_id, f"contact {row.id}")
            return _choice(org, row)

        return self.store.write(work, actor)

    def update_org(self, actor: Actor, org_id: int, **changes: Any) -> OrgView:
        """Correct an entry (name, kind, secure routes, active) or mark it reviewed."""
        require(actor, Permission.OVERSEE)
        e: dict[str, str] = {}
        if "name" in changes:
            changes["name"] = _short(e, "name", changes["name"], "Organisation's name", True)
        if "secure_routes" in changes:
            changes["secure_routes"] = _short(
                e, "secure_routes", changes["secure_routes"], "Secure contact routes", False
            )
        if "kind" in changes:
            try:
                changes["kind"] = OrgKind.parse(changes["kind"]).value
            except ValueError:
                e["kind"] = "Choose the kind of organisation"
        check(e)

        def work(s: Session) -> OrgView:
            org = s.get(RecipientOrg, org_id)
            if org is None:
                raise NotFound("That organisation is not in the register")
            for key in ("name", "kind", "secure_routes", "active"):
                if key in changes:
                    setattr(org, key, changes[key])
            if "name" in changes:
                org.name_key = fold_name(org.name)
            if changes.get("reviewed"):
                org.to_review = False
                org.review_note = ""
            s.add(org)
            s.flush()
            append(
                s, actor, "register.org_edit", "recipient_org", org_id, ",".join(sorted(changes))
            )
            return self._org_view(s, org)

        return self.store.write(work, actor)

    def merge(self, actor: Actor, keep_id: int, merge_id: int) -> OrgView:
        """One body entered twice: its contacts, spellings and agreements move to the entry
        kept; the other is retired (decisions that name it keep its id, and reports count them
        under the entry kept through its spelling)."""
        require(actor, Permission.OVERSEE)
        if keep_id == merge_id:
            raise ValidationFailed({"merge_id": "Choose two different organisations to merge"})

        def work(s: Session) -> OrgView:
            keep, gone = s.get(RecipientOrg, keep_id), s.get(RecipientOrg, merge_id)
            if keep is None or gone is None:
                raise NotFound("That organisation is not in the register")
            for c in s.exec(select(RecipientContact).where(RecipientContact.org_id == merge_id)):
                c.org_id = keep_id
                s.add(c)
            for a in s.exec(select(RecipientAlias).where(RecipientAlias.org_id == merge_id)):
                a.org_id = keep_id
                s.add(a)
            if s.get(RecipientAlias, gone.name_key) is None:
                s.add(RecipientAlias(name_key=gone.name_key, org_id=keep_id))
            for p in s.exec(select(AgreementParty).where(AgreementParty.org_id == merge_id)).all():
                if s.get(AgreementParty, (p.agreement_id, keep_id)) is None:
                    s.add(AgreementParty(agreement_id=p.agreement_id, org_id=keep_id))
                s.delete(p)
            for f in s.exec(select(IncomingFile).where(IncomingFile.from_org_id == merge_id)):
                f.from_org_id = keep_id
                s.add(f)
            gone.active = False
            gone.to_review = False
            gone.review_note = f"Merged into {keep.name}."
            gone.name_key = f"merged-{gone.id}-{gone.name_key}"[:200]
            s.add(gone)
            s.flush()
            append(s, actor, "register.merge", "recipient_org", keep_id, f"merged {merge_id}")
            return self._org_view(s, keep)

        return self.store.write(work, actor)

    def orgs(self, actor: Actor, *, to_review: bool = False) -> list[OrgView]:
        """The register (or the entries to review), by name."""
        require(actor, Permission.OVERSEE)

        def work(s: Session) -> list[OrgView]:
            q = select(RecipientOrg).where(col(RecipientOrg.active))
            if to_review:
                q = q.where(col(RecipientOrg.to_review))
            return [self._org_view(s, o) for o in s.exec(q.order_by(col(RecipientOrg.name)))]

        return self.store.read(work, actor)

    def import_free_text(self, now: datetime | None = None) -> ImportSummary:
        """Bring the recipients of decisions recorded as free text into the register, as
        the upgrade that made the register did: spellings merged, the rest marked for
        review. Entries already in the register are left as they are."""
        return self.store.write(lambda s: import_free_text(s.connection(), now))

    def _org_view(self, s: Session, org: RecipientOrg) -> OrgView:
        assert org.id is not None
        contacts = s.exec(
            select(RecipientContact)
            .where(RecipientContact.org_id == org.id, col(RecipientContact.active))
            .order_by(col(RecipientContact.id))
        ).all()
        return OrgView(
            org.id,
            org.name,
            _kind(org.kind),
            org.secure_routes,
            org.to_review,
            org.review_note,
            org.active,
            tuple(_choice(org, c) for c in contacts),
        )


def check_recipient(s: Session, org_id: int | None, contact_id: int | None) -> RecipientOrg | None:
    """A decision names register entries that exist, and a contact of that organisation."""
    if org_id is None:
        if contact_id is not None:
            raise ValidationFailed(
                {"recipient_org_id": "Choose the organisation from the register"}
            )
        return None
    org = s.get(RecipientOrg, org_id)
    if org is None:
        raise ValidationFailed(
            {"recipient_org_id": "Choose an organisation that is in the register"}
        )
    if contact_id is not None:
        contact = s.get(RecipientContact, contact_id)
        if contact is None or contact.org_id != org_id:
            raise ValidationFailed(
                {"recipient_contact_id": "Choose a contact of that organisation from the register"}
            )
    return org
