"""Keeping the recipient register (supervisors and administrators): correct an entry and
its contacts, mark one checked, merge two entries that are one body. Every change is an
audited change of the entry (the decisions that named it keep their own words), never a
silent one. What the register hands out (RecipientChoice, OrgView) is defined here too."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from sharetui.domain.after_share import OrgKind, fold_name
from sharetui.domain.errors import NotFound, ValidationFailed, check
from sharetui.domain.permissions import Permission
from sharetui.domain.text import SHORT_TEXT, clean_line
from sharetui.services.audit import append, require
from sharetui.services.unit_of_work import Actor, UseCases, found
from sharetui.store.models import (
    AgreementParty,
    IncomingFile,
    RecipientAlias,
    RecipientContact,
    RecipientOrg,
)


def registered_org(s: Session, org_id: int) -> RecipientOrg:
    """The organisation asked for, or NotFound when the register has no such entry."""
    return found(s, RecipientOrg, org_id, "That organisation is not in the register")


def contact_fields(role: str, name: str, contact: str) -> tuple[str, str, str]:
    """A contact's role, name and way to reach them, cleaned; at least one is needed.
    Raises ValidationFailed with the problems on their fields."""
    e: dict[str, str] = {}
    values = (
        short_text(e, "role", role, "Role", False),
        short_text(e, "name", name, "Name", False),
        short_text(e, "contact", contact, "Contact", False),
    )
    if not e and not any(values):
        e["role"] = "Enter the contact's role, name or how to reach them"
    check(e)
    return values


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


def choice_of(org: RecipientOrg, c: RecipientContact | None = None) -> RecipientChoice:
    assert org.id is not None
    return RecipientChoice(
        org.id,
        org.name,
        kind_of(org.kind),
        org.secure_routes,
        c.id if c else None,
        c.role if c else "",
        c.name if c else "",
        c.contact if c else "",
        org.to_review,
    )


def kind_of(value: str) -> OrgKind:
    try:
        return OrgKind(value)
    except ValueError:
        return OrgKind.OTHER


def short_text(errors: dict[str, str], name: str, value: str, label: str, required: bool) -> str:
    text = clean_line(value)
    if required and not text:
        errors[name] = f"Enter the {label.lower()}"
    elif len(text) > SHORT_TEXT:
        errors[name] = f"Enter {label.lower()} of {SHORT_TEXT} characters or fewer"
    return text


def org_view(s: Session, org: RecipientOrg) -> OrgView:
    assert org.id is not None
    contacts = s.exec(
        select(RecipientContact)
        .where(RecipientContact.org_id == org.id, col(RecipientContact.active))
        .order_by(col(RecipientContact.id))
    ).all()
    return OrgView(
        org.id,
        org.name,
        kind_of(org.kind),
        org.secure_routes,
        org.to_review,
        org.review_note,
        org.active,
        tuple(choice_of(org, c) for c in contacts),
    )


def _unique_name(s: Session, name: str, org_id: int) -> None:
    """A corrected name must not fold to another entry's: that is one body, merge them."""
    key = fold_name(name)
    if not key:
        raise ValidationFailed({"name": "Enter a name with letters or digits in it"})
    same = s.exec(
        select(RecipientOrg).where(RecipientOrg.name_key == key, RecipientOrg.id != org_id)
    ).first()
    if same is not None:
        raise ValidationFailed(
            {"name": f"{same.name} is already in the register: merge the two instead"}
        )


class RegisterKeeping(UseCases):
    """The keeping half of services.register.Register."""

    def update_org(self, actor: Actor, org_id: int, **changes: Any) -> OrgView:
        """Correct an entry (name, kind, secure routes, active) or mark it reviewed."""
        require(actor, Permission.OVERSEE)
        e: dict[str, str] = {}
        if "name" in changes:
            changes["name"] = short_text(e, "name", changes["name"], "Organisation's name", True)
        if "secure_routes" in changes:
            changes["secure_routes"] = short_text(
                e, "secure_routes", changes["secure_routes"], "Secure contact routes", False
            )
        if "kind" in changes:
            try:
                changes["kind"] = OrgKind.parse(changes["kind"]).value
            except ValueError:
                e["kind"] = "Choose the kind of organisation"
        check(e)

        def work(s: Session) -> OrgView:
            org = registered_org(s, org_id)
            if "name" in changes:
                _unique_name(s, changes["name"], org_id)
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
            return org_view(s, org)

        return self.store.write(work, actor)

    def update_contact(
        self, actor: Actor, contact_id: int, *, role: str, name: str, contact: str
    ) -> RecipientChoice:
        """Correct a contact (a new role, a new address): an audited change of the entry;
        decisions that named the contact keep the words they were saved with."""
        require(actor, Permission.OVERSEE)
        values = contact_fields(role, name, contact)

        def work(s: Session) -> RecipientChoice:
            row = s.get(RecipientContact, contact_id)
            if row is None or not row.active:
                raise NotFound("That contact is not in the register")
            changed = [
                f
                for f, v in zip(("role", "name", "contact"), values, strict=True)
                if getattr(row, f) != v
            ]
            row.role, row.name, row.contact = values
            s.add(row)
            org = s.get(RecipientOrg, row.org_id)
            assert org is not None  # a contact belongs to an organisation
            append(
                s,
                actor,
                "register.contact_edit",
                "recipient_org",
                row.org_id,
                f"contact {contact_id}: {','.join(changed) or 'unchanged'}",
            )
            return choice_of(org, row)

        return self.store.write(work, actor)

    def remove_contact(self, actor: Actor, contact_id: int) -> None:
        """A contact who has left: no longer offered. Kept (not deleted), since decisions
        may name it."""
        require(actor, Permission.OVERSEE)

        def work(s: Session) -> None:
            row = s.get(RecipientContact, contact_id)
            if row is None or not row.active:
                raise NotFound("That contact is not in the register")
            row.active = False
            s.add(row)
            append(
                s,
                actor,
                "register.contact_remove",
                "recipient_org",
                row.org_id,
                f"contact {contact_id}",
            )

        self.store.write(work, actor)

    def org(self, actor: Actor, org_id: int) -> OrgView:
        require(actor, Permission.OVERSEE)

        def work(s: Session) -> OrgView:
            org = registered_org(s, org_id)
            return org_view(s, org)

        return self.store.read(work, actor)

    def merge(self, actor: Actor, keep_id: int, merge_id: int) -> OrgView:
        """One body entered twice: its contacts, spellings and agreements move to the entry
        kept; the other is retired (decisions that name it keep its id, and reports count them
        under the entry kept through its spelling)."""
        require(actor, Permission.OVERSEE)
        if keep_id == merge_id:
            raise ValidationFailed({"merge_id": "Choose two different organisations to merge"})

        def work(s: Session) -> OrgView:
            keep, gone = s.get(RecipientOrg, keep_id), s.get(RecipientOrg, merge_id)
            if keep is None or gone is None or not keep.active or not gone.active:
                raise NotFound("That organisation is not in the register (merged already?)")
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
            return org_view(s, keep)

        return self.store.write(work, actor)

    def orgs(self, actor: Actor, *, to_review: bool = False) -> list[OrgView]:
        """The register (or the entries to review), by name."""
        require(actor, Permission.OVERSEE)

        def work(s: Session) -> list[OrgView]:
            q = select(RecipientOrg).where(col(RecipientOrg.active))
            if to_review:
                q = q.where(col(RecipientOrg.to_review))
            return [org_view(s, o) for o in s.exec(q.order_by(col(RecipientOrg.name)))]

        return self.store.read(work, actor)
