"""People: create, find fast at 100k, open (audited), link, and their timeline."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, delete, exists, func, intersect, or_
from sqlalchemy import select as sa_select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, aliased
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from sharetui.domain.enums import RELATIONSHIP_INVERSE, AdviceStatus, Outcome, Relationship
from sharetui.domain.errors import NotFound, ShareError, ValidationFailed, check
from sharetui.domain.name_match import (
    NameMatch,
    Reason,
    StoredName,
    Term,
    joined_terms,
    person_keys,
    query_terms,
)
from sharetui.domain.permissions import Permission
from sharetui.domain.person import PersonInput, parse_date, validate_person
from sharetui.domain.text import clean_line, fold
from sharetui.services.audit import append, require
from sharetui.services.disposal import next_person_id
from sharetui.services.store import Actor, Store
from sharetui.services.views import (
    LinkView,
    Page,
    PersonDetail,
    PersonMatch,
    PersonSummary,
    SearchPage,
    TimelineEntry,
)
from sharetui.store.locks import LockSpace, key_of, lock
from sharetui.store.models import (
    AdviceRequest,
    ConsentEvent,
    DecisionAffected,
    Person,
    PersonLink,
    PersonNameKey,
    SharingDecision,
)
from sharetui.store.types import utcnow

PAGE_SIZE = 20
CANDIDATES = 2_000  # on PostgreSQL, a first name word matching more is walked in name order
DUPLICATES_SHOWN = 5
SIMILAR_CAP = 200  # similar candidates read per query word: more would not be read at a desk


class PossibleDuplicate(ShareError):
    """Someone with the same or a similar name and the same date of birth is already held."""

    def __init__(self, matches: list[PersonMatch]) -> None:
        self.matches = [m.person for m in matches]
        self.reasons = [m.reason for m in matches]
        refs = ", ".join(m.person.reference for m in matches[:3])
        super().__init__(
            "A person with the same or a similar name and the same date of birth is already "
            f"held ({refs}). Open that record, or confirm this is a different person"
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


def write_keys(s: Session, person_id: int, family: str, given: str, other: str) -> None:
    """(Re)write a person's search keys: called whenever their names are written."""
    s.execute(delete(PersonNameKey).where(col(PersonNameKey.person_id) == person_id))
    for key in sorted(person_keys(family, given, other)):
        s.add(PersonNameKey(key=key, person_id=person_id))


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


def _prefix_range(column: Mapped[str] | Mapped[str | None], prefix: str) -> ColumnElement[bool]:
    return and_(column >= prefix, column < prefix + "\U0010ffff")


def _word_prefix(term: Term) -> SelectOfScalar[int]:
    """The people with a name word (or joined pair of words) starting with the term."""
    ranges = [_prefix_range(col(PersonNameKey.key), prefix) for prefix in term.exact_prefixes()]
    return select(PersonNameKey.person_id).where(or_(*ranges))


def _word_match(term: Term, keys: set[str]) -> SelectOfScalar[int]:
    """The people who have the term exactly (a word start) or one of its similar keys."""
    ranges = [_prefix_range(col(PersonNameKey.key), prefix) for prefix in term.exact_prefixes()]
    return select(PersonNameKey.person_id).where(
        or_(col(PersonNameKey.key).in_(sorted(keys)), *ranges)
    )


@dataclass(frozen=True)
class ParsedQuery:
    """A query read as the desk types it: conditions on the person (date of birth, year,
    reference or NHS number) and the name words, as typed and as folded terms."""

    filters: tuple[ColumnElement[bool], ...]
    words: tuple[str, ...]
    terms: tuple[Term, ...]  # folded, longest first

    @property
    def conditions(self) -> int:
        return len(self.filters) + len(self.terms)


def parse_query(query: str) -> ParsedQuery | None:
    """None when the query holds nothing to search by (punctuation alone would otherwise
    match everyone)."""
    filters: list[ColumnElement[bool]] = []
    words: list[str] = []
    this_year = date.today().year
    for word in search_terms(clean_line(query)):
        when = parse_date(word)
        if when is not None:
            filters.append(col(Person.date_of_birth) == when)
        elif any(ch.isdigit() for ch in word):
            upper = word.upper()
            digits = "".join(ch for ch in word if ch.isdigit())
            either = [
                _prefix_range(col(Person.reference), upper),
                _prefix_range(col(Person.nhs_number), digits),
            ]
            if word.isdecimal() and len(word) == 4 and 1880 <= int(word) <= this_year:
                year = int(word)  # a year alone: born that year (or a number starting so)
                either.append(
                    and_(
                        col(Person.date_of_birth) >= date(year, 1, 1),
                        col(Person.date_of_birth) <= date(year, 12, 31),
                    )
                )
            filters.append(or_(*either))
        elif query_terms([word]):
            words.append(word)
    terms = tuple(query_terms(words))
    if not filters and not terms:
        return None
    return ParsedQuery(tuple(filters), tuple(words), terms)


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

        taken = ValidationFailed(
            {"reference": f"The reference {p.reference} is already used by another person"}
        )

        def work(s: Session) -> PersonSummary:
            # Terminals adding the same reference, or the same name and date of birth, take
            # turns here (PostgreSQL; SQLite writers already do), so each check below sees
            # what the one before committed: the loser is told, not let past.
            if p.reference:
                lock(s, LockSpace.REFERENCE, key_of(p.reference))
            if not confirm_not_duplicate:
                identity = key_of(sort_key(p.family_name, p.given_names), p.date_of_birth)
                lock(s, LockSpace.PERSON_IDENTITY, identity)
            if (
                p.reference
                and s.exec(select(Person.id).where(Person.reference == p.reference)).first()
            ):
                raise taken
            if not confirm_not_duplicate:
                dupes = self._duplicates(s, p)
                if dupes:
                    raise PossibleDuplicate(dupes)
            now = utcnow()
            person = Person(
                id=next_person_id(s),
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
            try:
                s.flush()
            except IntegrityError as exc:  # the unique index, should anything pass the lock
                if p.reference and "reference" in str(exc.orig):
                    raise taken from exc
                raise
            assert person.id is not None
            if not p.reference:
                person.reference = f"P{person.id:06d}"
                s.add(person)
            write_keys(s, person.id, p.family_name, p.given_names, p.other_names)
            append(s, actor, "person.create", "person", person.id)
            s.flush()
            return summary(person)

        return self.store.write(work, actor)

    def _duplicates(self, s: Session, p: PersonInput) -> list[PersonMatch]:
        """The search's own matcher on the new person's family and given names, among
        people born the same day: exact matches first, then similar names with the reason."""
        if p.date_of_birth is None:
            return []
        words = f"{p.family_name} {p.given_names}".split()
        terms = tuple(query_terms(words))
        if not terms:
            return []
        words = [w for w in words if query_terms([w])]
        q = ParsedQuery((col(Person.date_of_birth) == p.date_of_birth,), tuple(words), terms)
        return list(self._search(s, q, 0, DUPLICATES_SHOWN).items)

    def possible_duplicates(self, actor: Actor, data: PersonInput) -> list[PersonMatch]:
        require(actor, Permission.WORK_WITH_PEOPLE)
        p = data.cleaned()
        return self.store.read(lambda s: self._duplicates(s, p), actor)

    # -- find -------------------------------------------------------------------------
    def find(
        self, actor: Actor, query: str, offset: int = 0, limit: int = PAGE_SIZE
    ) -> Page[PersonSummary]:
        """The exact group only: partial names in any order (transliterated, case, accents and
        punctuation inside names ignored, other names included), a date of birth or a year,
        or a reference / NHS number prefix. Names tie: newest activity first."""
        require(actor, Permission.WORK_WITH_PEOPLE)
        q = parse_query(query)
        if q is None:
            return Page((), offset, limit, False)
        return self.store.read(lambda s: self._exact_page(s, q, offset, limit), actor)

    def search(
        self,
        actor: Actor,
        query: str,
        offset: int = 0,
        limit: int = PAGE_SIZE,
        *,
        count_similar: bool = False,
    ) -> SearchPage:
        """What the search screens show: the exact group (as find()) first, then the similar
        names (sounds like, spelling, short form, one letter different; see
        domain.name_match), each with its reason, paged as one list. A query of only a
        reference, NHS number or date has no similar group. While the exact matches fill the
        page the similar names are not looked for unless count_similar is set."""
        require(actor, Permission.WORK_WITH_PEOPLE)
        q = parse_query(query)
        if q is None:
            return SearchPage((), offset, limit, False, 0, 0)
        return self.store.read(
            lambda s: self._search(s, q, max(offset, 0), limit, count_similar), actor
        )

    def _search(
        self, s: Session, q: ParsedQuery, offset: int, limit: int, count_similar: bool = False
    ) -> SearchPage:
        exact = self._exact_page(s, q, offset, limit)
        items = [PersonMatch(p, "exact") for p in exact.items]
        if exact.has_more:
            count = len(self._similar(s, q)) if count_similar else None
            return SearchPage(tuple(items), offset, limit, True, count)
        similar = self._similar(s, q)
        if exact.items or offset == 0:
            exact_total = offset + len(exact.items)
        else:
            exact_total = self._exact_count(s, q)
        start = max(offset - exact_total, 0)
        room = limit - len(items)
        items += similar[start : start + room]
        more = len(similar) > start + room
        return SearchPage(tuple(items), offset, limit, more, len(similar), exact_total)

    def _exact_page(
        self, s: Session, q: ParsedQuery, offset: int, limit: int
    ) -> Page[PersonSummary]:
        stmt = self._exact_statement(s, q)
        order = (col(Person.sort_key), col(Person.last_activity_at).desc(), col(Person.id))
        rows = s.exec(stmt.order_by(*order).offset(max(offset, 0)).limit(limit + 1)).all()
        return Page(tuple(summary(r) for r in rows[:limit]), offset, limit, len(rows) > limit)

    def _exact_count(self, s: Session, q: ParsedQuery) -> int:
        stmt = self._exact_statement(s, q).with_only_columns(col(Person.id))
        return s.exec(select(func.count()).select_from(stmt.subquery())).one()

    def _exact_statement(self, s: Session, q: ParsedQuery) -> SelectOfScalar[Person]:
        stmt = select(Person).where(*q.filters)
        for n, term in enumerate(q.terms):
            if n == 0:  # the longest word picks the candidates (see _candidates)
                walk = q.conditions == 1  # the word alone: the name order may be walked
                stmt = stmt.where(col(Person.id).in_(self._candidates(s, term, walk)))
            else:
                stmt = stmt.where(col(Person.id).in_(_word_prefix(term)))
        return stmt

    @staticmethod
    def _candidates(s: Session, term: Term, walk: bool) -> SelectOfScalar[int]:
        """Who has a name word starting with the term. SQLite always lists these first and
        sorts only them. PostgreSQL may instead walk every name in order until a page has
        matched: quick when matches are everywhere ('j'), 60 to 140 ms at 100,000 people
        when they cluster ('wri', 'sm' are mostly Wright, Smith), or when other words must
        match too ('ni wil'). So the list is made first there too (a materialized CTE),
        unless the word is all there is to match and many people have it."""
        sub = _word_prefix(term)
        if s.get_bind().dialect.name != "postgresql":
            return sub
        if walk:
            counted = select(func.count()).select_from(sub.limit(CANDIDATES + 1).subquery())
            if s.exec(counted).one() > CANDIDATES:
                return sub
        return select(sub.cte("candidates").prefix_with("MATERIALIZED").c.person_id)

    def _similar(self, s: Session, q: ParsedQuery) -> list[PersonMatch]:
        """Everyone whose names match every query word, at least one of them only similarly
        (not as the start of a word). Each word in turn is the one that is only similar: its
        similar keys are looked up by equality (indexed), the people with some key of each
        other word are intersected with them, and those who have the word exactly are taken
        out. The candidates are then checked and ranked by domain.name_match."""
        words = q.words
        if not words:
            return []
        terms = [query_terms([w])[0] for w in words]
        keys = [t.similar_keys() for t in terms]
        for i, j, joined in joined_terms(words):
            keys[i].add("w:" + joined.text)
            keys[j].add("w:" + joined.text)
        ids: set[int] = set()
        for i, term in enumerate(terms):
            if not keys[i]:
                continue
            # Sets, not row-by-row probes: who has a similar key of this word, and some key
            # of each other word, and (if given) the date of birth, but not this word exactly.
            parts: list[SelectOfScalar[Any]] = [
                select(PersonNameKey.person_id).where(col(PersonNameKey.key).in_(sorted(keys[i])))
            ]
            for j, other in enumerate(terms):
                if j != i:
                    parts.append(_word_match(other, keys[j]))
            if q.filters:
                parts.append(select(Person.id).where(*q.filters))
            found_i = (intersect(*parts) if len(parts) > 1 else parts[0]).subquery()
            stmt = (
                select(found_i.c.person_id)
                .where(found_i.c.person_id.not_in(_word_prefix(term)))
                .limit(SIMILAR_CAP)
            )
            ids.update(s.exec(stmt).all())
        if not ids:
            return []
        found: list[tuple[NameMatch, PersonSummary]] = []
        shown = sa_select(  # plain rows: ORM objects cost more than the whole check here
            col(Person.id),
            col(Person.family_name),
            col(Person.given_names),
            col(Person.other_names),
            col(Person.date_of_birth),
            col(Person.dob_estimated),
            col(Person.reference),
            col(Person.last_activity_at),
        ).where(col(Person.id).in_(sorted(ids)))
        for row in s.execute(shown).all():
            match = StoredName(row[1], row[2], row[3]).classify(words)
            if match is not None and match.reason != Reason.EXACT:
                found.append((match, PersonSummary(*row)))
        # Closest spelling first within each reason, then as the exact group is ordered.
        found.sort(
            key=lambda f: (
                f[0].reason,
                -round(f[0].closeness, 2),
                sort_key(f[1].family_name, f[1].given_names),
                -f[1].last_activity_at.timestamp(),
                f[1].id,
            )
        )
        return [PersonMatch(p, m.reason.label, m.word) for m, p in found]

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

        return self.store.write(work, actor)

    def summary(self, actor: Actor, person_id: int) -> PersonSummary:
        require(actor, Permission.WORK_WITH_PEOPLE)

        def work(s: Session) -> PersonSummary:
            p = s.get(Person, person_id)
            if p is None:
                raise NotFound("That person is not on record")
            append(s, actor, "person.summary", "person", person_id)
            return summary(p)

        return self.store.write(work, actor)

    @staticmethod
    def _links(s: Session, person_id: int) -> list[LinkView]:
        out: list[LinkView] = []
        incoming = s.exec(
            select(PersonLink, Person)
            .join(Person, col(Person.id) == PersonLink.from_person_id)
            .where(PersonLink.to_person_id == person_id)
        ).all()
        for link, other in incoming:
            out.append(LinkView(summary(other), Relationship(link.relationship)))
        outgoing = s.exec(
            select(PersonLink, Person)
            .join(Person, col(Person.id) == PersonLink.to_person_id)
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
            # One link between two people, whichever way round: links of the same pair take
            # turns (PostgreSQL; SQLite writers already do), so the check sees the first.
            lock(s, LockSpace.PERSON_LINK, key_of(min(from_id, to_id), max(from_id, to_id)))
            load_person(s, from_id, "from_person_id")
            load_person(s, to_id, "to_person_id")
            existing = s.exec(
                select(PersonLink).where(
                    or_(
                        and_(
                            col(PersonLink.from_person_id) == from_id,
                            col(PersonLink.to_person_id) == to_id,
                        ),
                        and_(
                            col(PersonLink.from_person_id) == to_id,
                            col(PersonLink.to_person_id) == from_id,
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

        self.store.write(work, actor)

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
                col(newer.root_id) == SharingDecision.root_id,
                col(newer.version) > SharingDecision.version,
            )
            # The few columns shown, as the subject and as someone affected apart: each walks
            # its index newest first and stops at the page, instead of loading every decision.
            shown = sa_select(
                col(SharingDecision.id),
                col(SharingDecision.decided_at),
                col(SharingDecision.outcome),
                col(SharingDecision.version),
                col(SharingDecision.recipient_org),
            )
            newest = col(SharingDecision.decided_at).desc()
            as_subject = shown.where(col(SharingDecision.subject_id) == person_id, ~superseded)
            as_affected = shown.join(
                DecisionAffected, col(DecisionAffected.decision_id) == SharingDecision.id
            ).where(col(DecisionAffected.person_id) == person_id, ~superseded)
            found = {
                d.id: d
                for q in (as_subject, as_affected)
                for d in s.execute(q.order_by(newest).limit(want)).all()
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
            from sharetui.services.receipts import timeline_entries  # receipts reads people
            from sharetui.services.transfers import incoming_timeline

            entries.extend(timeline_entries(s, person_id, want))
            entries.extend(incoming_timeline(s, person_id, want))
            entries.sort(key=lambda en: (en.at, en.kind, en.id), reverse=True)
            if offset:
                append(s, actor, "person.timeline", "person", person_id, f"offset {offset}")
            window = entries[offset : offset + limit]
            return Page(tuple(window), offset, limit, len(entries) > offset + limit)

        return self.store.write(work, actor) if offset else self.store.read(work, actor)
