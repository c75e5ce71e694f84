"""People: create, find fast at 100k, open (audited), link, and their timeline."""

from __future__ import annotations

import uuid

from sqlalchemy import and_, exists, func, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from sharetui.domain.enums import RELATIONSHIP_INVERSE, AdviceStatus, Outcome, Relationship
from sharetui.domain.errors import NotFound, ShareError, ValidationFailed, check
from sharetui.domain.permissions import Permission
from sharetui.domain.person import PersonInput, parse_date, validate_person
from sharetui.domain.text import clean_line, fold, name_tokens, query_tokens
from sharetui.services.audit import append, require
from sharetui.services.store import Actor, Store
from sharetui.services.views import (
    LinkView,
    Page,
    PersonDetail,
    PersonSummary,
    TimelineEntry,
)
from sharetui.store.models import (
    AdviceRequest,
    ConsentEvent,
    DecisionAffected,
    Person,
    PersonLink,
    PersonToken,
    SharingDecision,
)
from sharetui.store.types import utcnow

PAGE_SIZE = 20
CANDIDATES = 2_000  # on PostgreSQL, a first name word matching more is walked in name order


class PossibleDuplicate(ShareError):
    """Someone with the same name and date of birth is already held."""

    def __init__(self, matches: list[PersonSummary]) -> None:
        self.matches = matches
        refs = ", ".join(m.reference for m in matches[:3])
        super().__init__(
            f"A person with the same name and date of birth is already held ({refs}). "
            "Open that record, or confirm this is a different person"
        )


def summary(p: Person) -> PersonSummary:
    assert p.id is not None
    return PersonSummary(
        p.id,
        p.family_name,
        p.given_names,
        p.other_names,
        p.date_of_birth,
        p.dob_estimated,
        p.reference,
        p.last_activity_at,
    )


def sort_key(family: str, given: str) -> str:
    return f"{fold(family)} {fold(given)}"[:420]


def touch(s: Session, person_id: int) -> None:
    """Record activity on a person so equal names sort newest-activity first."""
    p = s.get(Person, person_id)
    if p is not None:
        p.last_activity_at = utcnow()
        s.add(p)


def load_person(s: Session, person_id: int | None, field: str = "person_id") -> Person:
    p = s.get(Person, person_id) if person_id is not None else None
    if p is None:
        raise ValidationFailed({field: "Choose a person who is on record"})
    return p


def _prefix_range(column: object, prefix: str) -> object:
    return and_(column >= prefix, column < prefix + "\U0010ffff")  # type: ignore[operator]


def search_terms(query: str) -> list[str]:
    """The words of a query, with runs of digit groups joined as people type them:
    '4 3 2016' is one date of birth and '943 476 5919' one NHS number."""
    terms: list[str] = []
    run: list[str] = []
    for word in [*query.split(), ""]:
        if word.isdecimal():
            run.append(word)
            continue
        if run:
            spaced = " ".join(run)
            terms.append(spaced if len(run) == 3 and parse_date(spaced) else "".join(run))
            run = []
        if word:
            terms.append(word)
    return terms


class People:
    def __init__(self, store: Store) -> None:
        self.store = store

    # -- create -----------------------------------------------------------------------
    def create(
        self, actor: Actor, data: PersonInput, *, confirm_not_duplicate: bool = False
    ) -> PersonSummary:
        require(actor, Permission.WORK_WITH_PEOPLE)
        p = data.cleaned()
        check(validate_person(p, self.store.settings.clock.today()))  # the site's real day

        def work(s: Session) -> PersonSummary:
            if (
                p.reference
                and s.exec(select(Person.id).where(Person.reference == p.reference)).first()
            ):
                raise ValidationFailed(
                    {"reference": f"The reference {p.reference} is already used by another person"}
                )
            if not confirm_not_duplicate:
                dupes = self._duplicates(s, p)
                if dupes:
                    raise PossibleDuplicate(dupes)
            now = utcnow()
            person = Person(
                family_name=p.family_name,
                given_names=p.given_names,
                other_names=p.other_names,
                sort_key=sort_key(p.family_name, p.given_names),
                date_of_birth=p.date_of_birth,
                dob_estimated=p.dob_estimated,
                reference=p.reference or f"TMP-{uuid.uuid4()}",
                nhs_number=p.nhs_number or None,
                notes=p.notes,
                created_by_id=actor.user_id,
                created_at=now,
                last_activity_at=now,
            )
            s.add(person)
            s.flush()
            assert person.id is not None
            if not p.reference:
                person.reference = f"P{person.id:06d}"
                s.add(person)
            for token in name_tokens(p.family_name, p.given_names, p.other_names):
                s.add(PersonToken(token=token[:200], person_id=person.id))
            append(s, actor, "person.create", "person", person.id)
            s.flush()
            return summary(person)

        return self.store.write(work)

    def _duplicates(self, s: Session, p: PersonInput) -> list[PersonSummary]:
        rows = s.exec(
            select(Person)
            .where(
                Person.sort_key == sort_key(p.family_name, p.given_names),
                Person.date_of_birth == p.date_of_birth,
            )
            .limit(5)
        ).all()
        return [summary(r) for r in rows]

    def possible_duplicates(self, actor: Actor, data: PersonInput) -> list[PersonSummary]:
        require(actor, Permission.WORK_WITH_PEOPLE)
        p = data.cleaned()
        return self.store.read(lambda s: self._duplicates(s, p))

    # -- find -------------------------------------------------------------------------
    def find(
        self, actor: Actor, query: str, offset: int = 0, limit: int = PAGE_SIZE
    ) -> Page[PersonSummary]:
        """Partial names in any order (accent- and case-insensitive, other names included),
        a date of birth, or a reference / NHS number prefix. Names tie: newest activity first."""
        require(actor, Permission.WORK_WITH_PEOPLE)
        found = self._find_statement(query)
        if found is None:
            return Page((), offset, limit, False)
        stmt, first, conditions = found
        order = (col(Person.sort_key), col(Person.last_activity_at).desc(), col(Person.id))

        def work(s: Session) -> Page[PersonSummary]:
            q = stmt
            if first is not None:
                walk = conditions == 1  # the word alone: the name order may be walked
                q = q.where(col(Person.id).in_(self._candidates(s, first, walk)))
            rows = s.exec(q.order_by(*order).offset(max(offset, 0)).limit(limit + 1)).all()
            return Page(tuple(summary(r) for r in rows[:limit]), offset, limit, len(rows) > limit)

        return self.store.read(work)

    @staticmethod
    def _candidates(s: Session, token: str, walk: bool) -> object:
        """Who has a name word starting with token. SQLite always lists these first and
        sorts only them. PostgreSQL may instead walk every name in order until a page has
        matched: quick when matches are everywhere ('j'), 60 to 140 ms at 100,000 people
        when they cluster ('wri', 'sm' are mostly Wright, Smith), or when other words must
        match too ('ni wil'). So the list is made first there too (a materialized CTE),
        unless the word is all there is to match and many people have it."""
        sub = select(PersonToken.person_id).where(_prefix_range(PersonToken.token, token))
        if s.get_bind().dialect.name != "postgresql":
            return sub
        if walk:
            counted = select(func.count()).select_from(sub.limit(CANDIDATES + 1).subquery())
            if s.exec(counted).one() > CANDIDATES:
                return sub
        return select(sub.cte("candidates").prefix_with("MATERIALIZED").c.person_id)

    @staticmethod
    def _find_statement(query: str):  # type: ignore[no-untyped-def]
        """The search without its first name word, which find() adds once it knows how many
        people that word matches; None when the query holds nothing to search by."""
        words = search_terms(clean_line(query))
        stmt = select(Person)
        conditions = 0
        name_words: list[str] = []
        for word in words:
            when = parse_date(word)
            if when is not None:
                conditions += 1
                stmt = stmt.where(Person.date_of_birth == when)
            elif any(ch.isdigit() for ch in word):
                conditions += 1
                upper = word.upper()
                digits = "".join(ch for ch in word if ch.isdigit())
                stmt = stmt.where(
                    or_(
                        _prefix_range(Person.reference, upper),
                        _prefix_range(Person.nhs_number, digits),
                    )
                )
            else:
                name_words.append(word)
        first: str | None = None
        for n, token in enumerate(query_tokens(" ".join(name_words))):
            conditions += 1
            if n == 0:  # the longest word picks the candidates (see _candidates)
                first = token
            else:
                sub = select(PersonToken.person_id).where(_prefix_range(PersonToken.token, token))
                stmt = stmt.where(col(Person.id).in_(sub))
        # Punctuation alone ('%', '-') would otherwise match everyone.
        return (stmt, first, conditions) if conditions else None

    # -- open -------------------------------------------------------------------------
    def open(self, actor: Actor, person_id: int) -> PersonDetail:
        """The person's details and links. Writes a person.view audit event."""
        require(actor, Permission.WORK_WITH_PEOPLE)

        def work(s: Session) -> PersonDetail:
            p = s.get(Person, person_id)
            if p is None:
                raise NotFound("That person is not on record")
            append(s, actor, "person.view", "person", person_id)
            return PersonDetail(
                summary(p),
                p.nhs_number or "",
                p.notes,
                p.created_at,
                tuple(self._links(s, person_id)),
            )

        return self.store.write(work)

    def summary(self, actor: Actor, person_id: int) -> PersonSummary:
        require(actor, Permission.WORK_WITH_PEOPLE)

        def work(s: Session) -> PersonSummary:
            p = s.get(Person, person_id)
            if p is None:
                raise NotFound("That person is not on record")
            append(s, actor, "person.summary", "person", person_id)
            return summary(p)

        return self.store.write(work)

    @staticmethod
    def _links(s: Session, person_id: int) -> list[LinkView]:
        out: list[LinkView] = []
        incoming = s.exec(
            select(PersonLink, Person)
            .join(Person, Person.id == PersonLink.from_person_id)
            .where(PersonLink.to_person_id == person_id)
        ).all()
        for link, other in incoming:
            out.append(LinkView(summary(other), Relationship(link.relationship)))
        outgoing = s.exec(
            select(PersonLink, Person)
            .join(Person, Person.id == PersonLink.to_person_id)
            .where(PersonLink.from_person_id == person_id)
        ).all()
        for link, other in outgoing:
            out.append(
                LinkView(summary(other), RELATIONSHIP_INVERSE[Relationship(link.relationship)])
            )
        out.sort(key=lambda lv: (lv.relationship.value, lv.person.family_name))
        return out

    def link(self, actor: Actor, from_id: int, to_id: int, relationship: str) -> None:
        """Record that from_id is <relationship> of to_id (e.g. mother is parent of child)."""
        require(actor, Permission.WORK_WITH_PEOPLE)
        e: dict[str, str] = {}
        try:
            rel = Relationship.parse(relationship)
        except ValueError:
            e["relationship"] = "Choose the relationship"
        if from_id == to_id:
            e["to_person_id"] = "Choose a different person: a person cannot be linked to themselves"
        check(e)

        def work(s: Session) -> None:
            load_person(s, from_id, "from_person_id")
            load_person(s, to_id, "to_person_id")
            existing = s.exec(
                select(PersonLink).where(
                    or_(
                        and_(
                            PersonLink.from_person_id == from_id, PersonLink.to_person_id == to_id
                        ),
                        and_(
                            PersonLink.from_person_id == to_id, PersonLink.to_person_id == from_id
                        ),
                    )
                )
            ).first()
            if existing is not None:
                raise ValidationFailed({"to_person_id": "These two people are already linked"})
            s.add(
                PersonLink(
                    from_person_id=from_id,
                    to_person_id=to_id,
                    relationship=rel.value,
                    created_by_id=actor.user_id,
                    created_at=utcnow(),
                )
            )
            # A link changes both records: each person's trail shows it.
            append(s, actor, "person.link", "person", to_id, f"linked to {from_id}")
            append(s, actor, "person.link", "person", from_id, f"linked to {to_id}")

        self.store.write(work)

    # -- timeline ---------------------------------------------------------------------
    def timeline(
        self, actor: Actor, person_id: int, offset: int = 0, limit: int = PAGE_SIZE
    ) -> Page[TimelineEntry]:
        """Consent events, decisions (latest version of each) and advice, newest first."""
        require(actor, Permission.WORK_WITH_PEOPLE)
        want = offset + limit + 1

        def work(s: Session) -> Page[TimelineEntry]:
            if s.get(Person, person_id) is None:
                raise NotFound("That person is not on record")
            entries: list[TimelineEntry] = []
            for ev in s.exec(
                select(ConsentEvent)
                .where(ConsentEvent.person_id == person_id)
                .order_by(col(ConsentEvent.effective_at).desc())
                .limit(want)
            ).all():
                assert ev.id is not None
                entries.append(
                    TimelineEntry(
                        "consent",
                        ev.id,
                        ev.effective_at,
                        f"Consent {ev.status.replace('_', ' ')}",
                        f"{ev.scope_information} to {ev.scope_recipient} for {ev.scope_purpose}",
                    )
                )
            newer = aliased(SharingDecision)
            superseded = exists().where(  # a later version: uses the (root_id, version) key
                newer.root_id == SharingDecision.root_id, newer.version > SharingDecision.version
            )
            # The few columns shown, as the subject and as someone affected apart: each walks
            # its index newest first and stops at the page, instead of loading every decision.
            shown = select(
                SharingDecision.id,
                SharingDecision.decided_at,
                SharingDecision.outcome,
                SharingDecision.version,
                SharingDecision.recipient_org,
            )
            newest = col(SharingDecision.decided_at).desc()
            as_subject = shown.where(SharingDecision.subject_id == person_id, ~superseded)
            as_affected = shown.join(
                DecisionAffected, DecisionAffected.decision_id == SharingDecision.id
            ).where(DecisionAffected.person_id == person_id, ~superseded)
            found = {
                d.id: d
                for q in (as_subject, as_affected)
                for d in s.exec(q.order_by(newest).limit(want)).all()
            }
            for d in sorted(found.values(), key=lambda d: d.decided_at, reverse=True)[:want]:
                label = Outcome(d.outcome).label
                version = f" (version {d.version})" if d.version > 1 else ""
                entries.append(
                    TimelineEntry(
                        "decision",
                        d.id,
                        d.decided_at,
                        f"Decision: {label}{version}",
                        d.recipient_org or "no recipient",
                    )
                )
            for a in s.exec(
                select(AdviceRequest)
                .where(AdviceRequest.person_id == person_id)
                .order_by(col(AdviceRequest.raised_at).desc())
                .limit(want)
            ).all():
                assert a.id is not None
                entries.append(
                    TimelineEntry(
                        "advice",
                        a.id,
                        a.raised_at,
                        f"Advice {AdviceStatus(a.status).label.lower()}",
                        a.question[:120],
                    )
                )
            entries.sort(key=lambda en: (en.at, en.kind, en.id), reverse=True)
            if offset:
                append(s, actor, "person.timeline", "person", person_id, f"offset {offset}")
            window = entries[offset : offset + limit]
            return Page(tuple(window), offset, limit, len(entries) > offset + limit)

        return self.store.write(work) if offset else self.store.read(work)
