"""The recipient register: organisations information goes to and their contacts, kept by
supervisors and administrators, chosen in the decision flow by search as you type.

A practitioner who types an organisation the register lacks may add it from the decision
(a duty desk must never be stopped by a missing entry); it is marked for review, and a
supervisor checks it, corrects it or merges it with the entry it duplicates.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from sharetui.domain.after_share import OrgKind, fold_name
from sharetui.domain.errors import ValidationFailed, check
from sharetui.domain.permissions import Permission, allowed
from sharetui.domain.text import clean_line
from sharetui.services.audit import append, require
from sharetui.services.register_keeping import (
    RecipientChoice,
    RegisterKeeping,
    choice_of,
    contact_fields,
    kind_of,
    registered_org,
    short_text,
)
from sharetui.services.unit_of_work import Actor
from sharetui.store.models import (
    RecipientContact,
    RecipientOrg,
    SharingDecision,
)
from sharetui.store.register_import import ImportSummary, import_free_text
from sharetui.store.types import utcnow

SEARCH_LIMIT = 8


def _like(word: str) -> str:
    escaped = word.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _require_keeper(actor: Actor, from_decision: bool) -> None:
    """Adding to the register is the supervisors' and administrators' work, except from a
    decision: anyone who records decisions may add what the register lacks there, since a
    duty desk must never be stopped by a missing entry (the addition is marked for review)."""
    require(actor, Permission.WORK_WITH_PEOPLE if from_decision else Permission.OVERSEE)


# How far back "shared with lately" looks: a few weeks of a busy practitioner's work.
RECENT_DECISIONS = 500


# The search's statement, built once: rows of plain values (ORM objects for both tables cost
# more than the statement took to run), an organisation with each of its active contacts.
_SEARCHED = (
    sa_select(
        col(RecipientOrg.id),
        col(RecipientOrg.name),
        col(RecipientOrg.kind),
        col(RecipientOrg.secure_routes),
        col(RecipientOrg.to_review),
        col(RecipientContact.id),
        col(RecipientContact.role),
        col(RecipientContact.name),
        col(RecipientContact.contact),
    )
    .join(
        RecipientContact,
        (col(RecipientContact.org_id) == RecipientOrg.id) & col(RecipientContact.active),
        isouter=True,
    )
    .where(col(RecipientOrg.active))
    .order_by(col(RecipientOrg.name), col(RecipientContact.id))
)
# What a typed word is looked for in: the organisation's name and secure routes, the
# contact's role, name and contact details.
_SEARCHED_TEXT = (
    func.lower(RecipientOrg.name),
    func.lower(RecipientOrg.secure_routes),
    func.lower(func.coalesce(RecipientContact.role, "")),
    func.lower(func.coalesce(RecipientContact.name, "")),
    func.lower(func.coalesce(RecipientContact.contact, "")),
)


class Register(RegisterKeeping):
    # -- choosing -------------------------------------------------------------------------
    def search(self, actor: Actor, text: str, limit: int = SEARCH_LIMIT) -> list[RecipientChoice]:
        """Organisations and contacts whose name, role or contact holds every word typed;
        with nothing typed, the register entries this user shared with lately."""
        require(actor, Permission.WORK_WITH_PEOPLE)
        words = clean_line(text).lower().split()

        def work(s: Session) -> list[RecipientChoice]:
            if not words:
                return self._recent(s, actor, limit)
            q = _SEARCHED
            for w in words:
                q = q.where(or_(*(f.like(_like(w), escape="\\") for f in _SEARCHED_TEXT)))
            out: list[RecipientChoice] = []
            seen_org: set[int] = set()
            for row in s.execute(q.limit(limit * 3)).all():
                org_id, org, kind, routes, to_review, contact_id, role, name, contact = row
                here = (org_id, org, kind_of(kind), routes)
                if org_id not in seen_org and all(w in f"{org} {routes}".lower() for w in words):
                    out.append(RecipientChoice(*here, to_review=to_review))  # anyone there
                seen_org.add(org_id)
                if contact_id is not None:
                    out.append(RecipientChoice(*here, contact_id, role, name, contact, to_review))
            return out[:limit]

        return self.store.read(work, actor)

    def _recent(self, s: Session, actor: Actor, limit: int) -> list[RecipientChoice]:
        """The entries of this user's last RECENT_DECISIONS decisions, latest first: read
        through the (decided_by_id, decided_at) index, not over every decision they ever
        made (a practitioner of some years has tens of thousands), with their organisations
        and contacts in the same statement (the box opens on every new recipient)."""
        latest = (
            select(
                SharingDecision.recipient_org_id,
                SharingDecision.recipient_contact_id,
                SharingDecision.decided_at,
            )
            .where(SharingDecision.decided_by_id == actor.user_id)
            .order_by(col(SharingDecision.decided_at).desc())
            .limit(RECENT_DECISIONS)
            .subquery()
        )
        last = func.max(latest.c.decided_at).label("last")
        recent = (
            select(latest.c.recipient_org_id, latest.c.recipient_contact_id, last)
            .where(latest.c.recipient_org_id.is_not(None))
            .group_by(latest.c.recipient_org_id, latest.c.recipient_contact_id)
            .order_by(last.desc())
            .limit(limit)
            .subquery()
        )
        rows = s.exec(
            select(RecipientOrg, RecipientContact)
            .select_from(recent)
            .join(RecipientOrg, col(RecipientOrg.id) == recent.c.recipient_org_id)
            .join(
                RecipientContact,
                col(RecipientContact.id) == recent.c.recipient_contact_id,
                isouter=True,
            )
            .order_by(recent.c.last.desc())
        ).all()
        return [
            choice_of(org, contact if contact is not None and contact.active else None)
            for org, contact in rows
            if org.active
        ]

    def choice(self, actor: Actor, org_id: int, contact_id: int | None) -> RecipientChoice:
        require(actor, Permission.WORK_WITH_PEOPLE)

        def work(s: Session) -> RecipientChoice:
            org = registered_org(s, org_id)
            contact = s.get(RecipientContact, contact_id) if contact_id else None
            return choice_of(org, contact)

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
        _require_keeper(actor, from_decision)
        e: dict[str, str] = {}
        label = short_text(e, "name", name, "Organisation's name", True)
        routes = short_text(e, "secure_routes", secure_routes, "Secure contact routes", False)
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
            return choice_of(org)

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
        _require_keeper(actor, from_decision)
        values = contact_fields(role, name, contact)

        def work(s: Session) -> RecipientChoice:
            org = registered_org(s, org_id)
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
            return choice_of(org, row)

        return self.store.write(work, actor)

    def import_free_text(self, now: datetime | None = None) -> ImportSummary:
        """Bring the recipients of decisions recorded as free text into the register, as
        the upgrade that made the register did: spellings merged, the rest marked for
        review. Entries already in the register are left as they are."""
        return self.store.write(lambda s: import_free_text(s.connection(), now))


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
