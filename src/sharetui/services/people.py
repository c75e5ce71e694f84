"""People: create, find fast at 100k, open (audited), link, and their timeline."""

from __future__ import annotations

import uuid

from sqlalchemy import and_, delete, exists, or_
from sqlalchemy import select as sa_select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from sharetui.domain.enums import RELATIONSHIP_INVERSE, AdviceStatus, Outcome, Relationship
from sharetui.domain.errors import NotFound, ShareError, ValidationFailed, check
from sharetui.domain.name_match import (
    person_keys,
    query_terms,
)
from sharetui.domain.permissions import Permission
from sharetui.domain.person import PersonInput, validate_person
from sharetui.services.audit import append, require
from sharetui.services.disposal import next_person_id
from sharetui.services.person_rows import load_person, newest_about
from sharetui.services.person_search import (
    PAGE_SIZE,
    ParsedQuery,
    PersonSearch,
    sort_key,
    summary,
)
from sharetui.services.receipts import timeline_entries
from sharetui.services.transfers import incoming_timeline
from sharetui.services.unit_of_work import Actor, found
from sharetui.services.views import (
    LinkView,
    Page,
    PersonDetail,
    PersonMatch,
    PersonSummary,
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

DUPLICATES_SHOWN = 5


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


def write_keys(s: Session, person_id: int, family: str, given: str, other: str) -> None:
    """(Re)write a person's search keys: called whenever their names are written."""
    s.execute(delete(PersonNameKey).where(col(PersonNameKey.person_id) == person_id))
    for key in sorted(person_keys(family, given, other)):
        s.add(PersonNameKey(key=key, person_id=person_id))


class People(PersonSearch):
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
    def open(self, actor: Actor, person_id: int) -> PersonDetail:
        """The person's details and links. Writes a person.view audit event."""
        require(actor, Permission.WORK_WITH_PEOPLE)

        def work(s: Session) -> PersonDetail:
            p = found(s, Person, person_id, "That person is not on record")
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
            p = found(s, Person, person_id, "That person is not on record")
            append(s, actor, "person.summary", "person", person_id)
            return summary(p)

        return self.store.write(work, actor)

    @staticmethod
    def _links(s: Session, person_id: int) -> list[LinkView]:
        out: list[LinkView] = []
        # A link reads "from is <relationship> of to": seen from its `to` side it is told as
        # stored; seen from its `from` side, as its inverse (a parent's child).
        for this_side, other_side, as_stored in (
            (PersonLink.to_person_id, PersonLink.from_person_id, True),
            (PersonLink.from_person_id, PersonLink.to_person_id, False),
        ):
            rows = s.exec(
                select(PersonLink, Person)
                .join(Person, col(Person.id) == other_side)
                .where(col(this_side) == person_id)
            ).all()
            for link, other in rows:
                rel = Relationship(link.relationship)
                out.append(
                    LinkView(summary(other), rel if as_stored else RELATIONSHIP_INVERSE[rel])
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
        """Consent events, decisions (latest version of each), advice, the receipt steps of
        the person's shares and files received about them, newest first: each kind read
        only as far as the page may need."""
        require(actor, Permission.WORK_WITH_PEOPLE)
        want = offset + limit + 1

        def work(s: Session) -> Page[TimelineEntry]:
            if s.get(Person, person_id) is None:
                raise NotFound("That person is not on record")
            entries: list[TimelineEntry] = []
            for source in (
                _consent_entries,
                _decision_entries,
                _advice_entries,
                timeline_entries,
                incoming_timeline,
            ):
                entries.extend(source(s, person_id, want))
            entries.sort(key=lambda en: (en.at, en.kind, en.id), reverse=True)
            if offset:
                append(s, actor, "person.timeline", "person", person_id, f"offset {offset}")
            window = entries[offset : offset + limit]
            return Page(tuple(window), offset, limit, len(entries) > offset + limit)

        return self.store.write(work, actor) if offset else self.store.read(work, actor)


# -- the timeline's sources: each the newest `want` entries of one kind, newest first ------
def _consent_entries(s: Session, person_id: int, want: int) -> list[TimelineEntry]:
    out = []
    for ev in newest_about(
        s, ConsentEvent, ConsentEvent.person_id, ConsentEvent.effective_at, person_id, want
    ):
        assert ev.id is not None
        title = f"Consent {ev.status.replace('_', ' ')}"
        scope = f"{ev.scope_information} to {ev.scope_recipient} for {ev.scope_purpose}"
        out.append(TimelineEntry("consent", ev.id, ev.effective_at, title, scope))
    return out


def _decision_entries(s: Session, person_id: int, want: int) -> list[TimelineEntry]:
    """The latest version of each decision about the person, as the subject or as someone
    affected."""
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
    out = []
    for d in sorted(found.values(), key=lambda d: d.decided_at, reverse=True)[:want]:
        label = Outcome(d.outcome).label
        version = f" (version {d.version})" if d.version > 1 else ""
        out.append(
            TimelineEntry(
                "decision",
                d.id,
                d.decided_at,
                f"Decision: {label}{version}",
                d.recipient_org or "no recipient",
            )
        )
    return out


def _advice_entries(s: Session, person_id: int, want: int) -> list[TimelineEntry]:
    out = []
    for a in newest_about(
        s, AdviceRequest, AdviceRequest.person_id, AdviceRequest.raised_at, person_id, want
    ):
        assert a.id is not None
        status = AdviceStatus(a.status).label.lower()
        out.append(TimelineEntry("advice", a.id, a.raised_at, f"Advice {status}", a.question[:120]))
    return out
