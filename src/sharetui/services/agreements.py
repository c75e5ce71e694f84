"""Data sharing agreements (ICO data sharing code, 2021): kept by supervisors and
administrators; the decision flow says whether one covers the recipient and purpose, and the
decision record keeps the one it relied on. An agreement is never required to share: one-off
and urgent shares need none, so "no agreement" is said, never enforced."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlmodel import Session, col, select

from sharetui.domain.after_share import AgreementCover, purpose_lines, purpose_matches
from sharetui.domain.enums import LawfulBasis
from sharetui.domain.errors import NotFound, check
from sharetui.domain.permissions import Permission
from sharetui.domain.text import LONG_TEXT, SHORT_TEXT, clean, clean_line, required_text_error
from sharetui.services.audit import append, require
from sharetui.services.unit_of_work import Actor, UseCases, found
from sharetui.store.models import Agreement, AgreementParty, RecipientOrg
from sharetui.store.types import utcnow

REVIEW_SOON = timedelta(days=30)  # shown on a supervisor's home this long before review


@dataclass
class AgreementInput:
    title: str = ""
    parties: str = ""
    purposes: str = ""  # one per line
    lawful_basis: LawfulBasis | None = None
    data_categories: str = ""
    starts_on: date | None = None
    review_on: date | None = None
    signed_copy: str = ""
    org_ids: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class AgreementView:
    id: int
    title: str
    parties: str
    purposes: tuple[str, ...]
    lawful_basis: LawfulBasis | None
    data_categories: str
    starts_on: date
    review_on: date
    signed_copy: str
    org_names: tuple[str, ...]
    org_ids: tuple[int, ...] = ()  # the register's entries it covers, in org_names' order

    def past_review(self, today: date) -> bool:
        return today > self.review_on


@dataclass(frozen=True)
class Cover:
    """What the flow shows and the record keeps: covered, past its review date, or none."""

    state: AgreementCover
    agreement: AgreementView | None = None
    purpose: str = ""  # the agreement's purpose that matched

    def words(self, today: date) -> str:
        if self.agreement is None:
            return (
                "No data sharing agreement covers this recipient and purpose. None is needed "
                "for a one-off or urgent share (ICO data sharing code); for routine sharing, "
                "tell your DSL."
            )
        a = self.agreement
        text = f"{a.title}: covers {self.purpose}" if self.purpose else a.title
        if self.state is AgreementCover.PAST_REVIEW:
            return f"{text}. PAST ITS REVIEW DATE ({a.review_on:%d %b %Y}): tell your DSL."
        return f"{text} (review {a.review_on:%d %b %Y})."


def _validate(data: AgreementInput) -> AgreementInput:
    e: dict[str, str] = {}
    out = AgreementInput(
        title=clean_line(data.title),
        parties=clean(data.parties),
        purposes=clean(data.purposes),
        lawful_basis=data.lawful_basis,
        data_categories=clean(data.data_categories),
        starts_on=data.starts_on,
        review_on=data.review_on,
        signed_copy=clean_line(data.signed_copy),
        org_ids=list(dict.fromkeys(data.org_ids)),
    )
    missing = "Enter the agreement's title"
    if msg := required_text_error(out.title, SHORT_TEXT, missing=missing, noun="title"):
        e["title"] = msg
    if not out.org_ids:
        e["org_ids"] = "Choose the organisations the agreement covers from the register"
    if not purpose_lines(out.purposes):
        e["purposes"] = "Enter the purposes the agreement covers, one per line"
    for name in ("parties", "purposes", "data_categories"):
        if len(getattr(out, name)) > LONG_TEXT:
            e[name] = f"Enter {LONG_TEXT:,} characters or fewer"
    if out.starts_on is None:
        e["starts_on"] = "Enter the date the agreement starts"
    if out.review_on is None:
        e["review_on"] = "Enter the agreement's review date"
    elif out.starts_on is not None and out.review_on < out.starts_on:
        e["review_on"] = "The review date must be after the start"
    if len(out.signed_copy) > SHORT_TEXT:
        e["signed_copy"] = f"Enter {SHORT_TEXT} characters or fewer"
    check(e)
    return out


def _view(s: Session, row: Agreement) -> AgreementView:
    assert row.id is not None
    parties = s.exec(
        select(RecipientOrg.id, RecipientOrg.name)
        .join(AgreementParty, col(AgreementParty.org_id) == RecipientOrg.id)
        .where(AgreementParty.agreement_id == row.id)
        .order_by(col(RecipientOrg.name))
    ).all()
    basis = None
    if row.lawful_basis:
        try:
            basis = LawfulBasis(row.lawful_basis)
        except ValueError:
            basis = None
    return AgreementView(
        row.id,
        row.title,
        row.parties,
        tuple(purpose_lines(row.purposes)),
        basis,
        row.data_categories,
        row.starts_on,
        row.review_on,
        row.signed_copy,
        tuple(name for _, name in parties),
        tuple(org_id for org_id, _ in parties if org_id is not None),
    )


def cover_for(s: Session, org_id: int | None, purpose: str, today: date) -> Cover:
    """The agreement covering this organisation and purpose: a current one first, then one
    past its review date (still named, with a warning), else none."""
    if org_id is None:
        return Cover(AgreementCover.NONE)
    rows = s.exec(
        select(Agreement)
        .join(AgreementParty, col(AgreementParty.agreement_id) == Agreement.id)
        .where(
            AgreementParty.org_id == org_id,
            col(Agreement.active),
            Agreement.starts_on <= today,
        )
        .order_by(col(Agreement.review_on).desc())
    ).all()
    past: Cover | None = None
    for row in rows:
        matched = purpose_matches(purpose_lines(row.purposes), purpose)
        if matched is None:
            continue
        if today <= row.review_on:
            return Cover(AgreementCover.COVERED, _view(s, row), matched)
        past = past or Cover(AgreementCover.PAST_REVIEW, _view(s, row), matched)
    return past or Cover(AgreementCover.NONE)


class Agreements(UseCases):
    def add(self, actor: Actor, data: AgreementInput) -> AgreementView:
        require(actor, Permission.OVERSEE)
        d = _validate(data)
        assert d.starts_on is not None and d.review_on is not None
        starts_on, review_on = d.starts_on, d.review_on  # checked: the closure keeps them so

        def work(s: Session) -> AgreementView:
            for org_id in d.org_ids:
                if s.get(RecipientOrg, org_id) is None:
                    check({"org_ids": "Choose organisations that are in the register"})
            row = Agreement(
                title=d.title,
                parties=d.parties,
                purposes=d.purposes,
                lawful_basis=d.lawful_basis.value if d.lawful_basis else None,
                data_categories=d.data_categories,
                starts_on=starts_on,
                review_on=review_on,
                signed_copy=d.signed_copy,
                created_by_id=actor.user_id,
                created_at=utcnow(),
            )
            s.add(row)
            s.flush()
            assert row.id is not None
            for org_id in d.org_ids:
                s.add(AgreementParty(agreement_id=row.id, org_id=org_id))
            s.flush()
            append(s, actor, "agreement.add", "agreement", row.id, f"review {d.review_on}")
            return _view(s, row)

        return self.store.write(work, actor)

    def update(self, actor: Actor, agreement_id: int, data: AgreementInput) -> AgreementView:
        """Correct an agreement or record a revised one: an audited change naming what
        changed. Decisions that relied on it keep its id and their own cover words."""
        require(actor, Permission.OVERSEE)
        d = _validate(data)

        def work(s: Session) -> AgreementView:
            row = s.get(Agreement, agreement_id)
            if row is None or not row.active:
                raise NotFound("That agreement is not on record")
            for org_id in d.org_ids:
                if s.get(RecipientOrg, org_id) is None:
                    check({"org_ids": "Choose organisations that are in the register"})
            new = {
                "title": d.title,
                "parties": d.parties,
                "purposes": d.purposes,
                "lawful_basis": d.lawful_basis.value if d.lawful_basis else None,
                "data_categories": d.data_categories,
                "starts_on": d.starts_on,
                "review_on": d.review_on,
                "signed_copy": d.signed_copy,
            }
            changed = [k for k, v in new.items() if getattr(row, k) != v]
            for key in changed:
                setattr(row, key, new[key])
            s.add(row)
            parties = s.exec(
                select(AgreementParty).where(AgreementParty.agreement_id == agreement_id)
            ).all()
            if {p.org_id for p in parties} != set(d.org_ids):
                changed.append("org_ids")
                for p in parties:
                    s.delete(p)
                s.flush()
                for org_id in d.org_ids:
                    s.add(AgreementParty(agreement_id=agreement_id, org_id=org_id))
            s.flush()
            append(
                s,
                actor,
                "agreement.edit",
                "agreement",
                agreement_id,
                ",".join(changed) or "unchanged",
            )
            return _view(s, row)

        return self.store.write(work, actor)

    def get(self, actor: Actor, agreement_id: int) -> AgreementView:
        require(actor, Permission.OVERSEE)

        def work(s: Session) -> AgreementView:
            row = s.get(Agreement, agreement_id)
            if row is None or not row.active:
                raise NotFound("That agreement is not on record")
            return _view(s, row)

        return self.store.read(work, actor)

    def reviewed(self, actor: Actor, agreement_id: int, next_review: date) -> AgreementView:
        """The agreement was reviewed and stays: its next review date."""
        require(actor, Permission.OVERSEE)

        def work(s: Session) -> AgreementView:
            row = found(s, Agreement, agreement_id, "That agreement is not on record")
            if next_review <= row.review_on:
                check({"review_on": "Enter a next review date after the current one"})
            row.review_on = next_review
            s.add(row)
            append(s, actor, "agreement.review", "agreement", agreement_id, f"next {next_review}")
            return _view(s, row)

        return self.store.write(work, actor)

    def all(self, actor: Actor) -> list[AgreementView]:
        require(actor, Permission.OVERSEE)

        def work(s: Session) -> list[AgreementView]:
            rows = s.exec(
                select(Agreement).where(col(Agreement.active)).order_by(col(Agreement.title))
            ).all()
            return [_view(s, r) for r in rows]

        return self.store.read(work, actor)

    def cover(self, actor: Actor, org_id: int | None, purpose: str, today: date) -> Cover:
        require(actor, Permission.WORK_WITH_PEOPLE)
        return self.store.read(lambda s: cover_for(s, org_id, purpose, today), actor)

    def due_for_review(self, actor: Actor, today: date) -> list[AgreementView]:
        """Agreements past their review date or due within 30 days: a supervisor's home."""
        require(actor, Permission.OVERSEE)

        def work(s: Session) -> list[AgreementView]:
            rows = s.exec(
                select(Agreement)
                .where(col(Agreement.active), Agreement.review_on <= today + REVIEW_SOON)
                .order_by(col(Agreement.review_on))
            ).all()
            return [_view(s, r) for r in rows]

        return self.store.read(work, actor)
