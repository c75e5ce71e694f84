"""Retention: the site's schedule per kind of record, the review queue of people whose
records have reached their date, a review's decision (keep with a reason and the next review
date, or dispose), and legal holds that block disposal until lifted.

A person's review date: the next review date the last "keep" set, else their kind's rule
(domain/governance.py, with its sources). A person's kind: what a reviewer set, else a child
protection record when the record was opened before their 18th birthday, else an adult's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, select

from sharetui.domain.errors import NotFound, ValidationFailed
from sharetui.domain.governance import (
    DEFAULT_RULES,
    RecordKind,
    RetentionRule,
    default_kind,
)
from sharetui.domain.text import clean_line
from sharetui.services.audit import append
from sharetui.services.disposal import (
    CleanUp,
    Tombstone,
    clean_up,
    count_person_rows,
    dispose_in,
)
from sharetui.services.governance_access import choice_of, reason_text, require_governance
from sharetui.services.retention_sift import sift
from sharetui.services.unit_of_work import Actor, UseCases, found
from sharetui.store.models import (
    Disposal,
    LegalHold,
    Person,
    PersonRetention,
    RetentionReview,
    RetentionRuleRow,
    User,
)
from sharetui.store.types import utcnow


@dataclass(frozen=True)
class QueueItem:
    person_id: int
    reference: str
    name: str
    kind: RecordKind
    rule: str
    review_on: date
    held: bool


@dataclass(frozen=True)
class DisposalPreview(QueueItem):
    """What a disposal of one record would remove, for the confirmation that names it: the
    record as the review queue shows it (a preview is asked for from a row of that queue), with
    the rows it would remove."""

    removed: dict[str, int]  # rows per table, as Tombstone.removed will say


@dataclass(frozen=True)
class HoldView:
    id: int
    person_id: int
    reason: str
    placed_by: str
    placed_at: object
    lifted_at: object


class Retention(UseCases):
    def today(self) -> date:
        return self.store.settings.clock.today()

    # -- the schedule -----------------------------------------------------------------------
    def _rules(self, s: Session) -> dict[RecordKind, RetentionRule]:
        rules = dict(DEFAULT_RULES)
        for row in s.exec(select(RetentionRuleRow)).all():
            try:
                kind = RecordKind(row.kind)
            except ValueError:
                continue
            rules[kind] = RetentionRule(kind, row.age_years, row.years_after, row.source)
        return rules

    def schedule(self, actor: Actor) -> list[RetentionRule]:
        require_governance(actor)
        return list(self.store.read(self._rules, actor).values())

    def set_rule(
        self,
        actor: Actor,
        kind: str,
        *,
        age_years: int | None,
        years_after: int | None,
        source: str,
    ) -> RetentionRule:
        """The site's own rule for a kind of record, with where it comes from."""
        require_governance(actor)
        k = choice_of(RecordKind, kind, "kind", "Choose a kind of record")
        errors = {}
        if age_years is None and years_after is None:
            errors["rule"] = "Give a birthday (--age) or years after the last activity (--years)"
        for key, value in (("age", age_years), ("years", years_after)):
            if value is not None and not 1 <= value <= 120:
                errors[key] = "Enter a number of years from 1 to 120"
        src = reason_text(source, "source", "the source of this rule (a policy or guidance)")
        if errors:
            raise ValidationFailed(errors)

        def work(s: Session) -> RetentionRule:
            row = s.get(RetentionRuleRow, k.value) or RetentionRuleRow(kind=k.value)
            row.age_years, row.years_after, row.source = age_years, years_after, src
            row.changed_by_id, row.changed_at = actor.user_id, utcnow()
            s.add(row)
            append(s, actor, "retention.rule", "retention_rule", k.value, "changed")
            return RetentionRule(k, age_years, years_after, src)

        return self.store.write(work, actor)

    # -- a person's retention -----------------------------------------------------------------
    def _place(
        self, s: Session, person: Person, rules: dict[RecordKind, RetentionRule]
    ) -> tuple[RecordKind, RetentionRule, date]:
        """The person's kind, its rule, and their review date."""
        assert person.id is not None
        own = s.get(PersonRetention, person.id)
        return self._placed(
            person.date_of_birth, person.created_at, person.last_activity_at, own, rules
        )

    def _placed(
        self,
        dob: date | None,
        created_at: datetime,
        last_activity_at: datetime,
        own: PersonRetention | None,
        rules: dict[RecordKind, RetentionRule],
    ) -> tuple[RecordKind, RetentionRule, date]:
        tz = self.store.settings.tz
        created = created_at.astimezone(tz).date()
        kind = RecordKind(own.kind) if own else default_kind(dob, created)
        rule = rules[kind]
        if own is not None and own.next_review_on is not None:
            return kind, rule, own.next_review_on
        return kind, rule, rule.review_on(dob, last_activity_at.astimezone(tz).date())

    def _due(self, s: Session, day: date) -> list[tuple[int, RecordKind, RetentionRule, date]]:
        """Everyone due by `day`. The database first sifts out the people who cannot be due
        (services/retention_sift.py), then the rule decides each one that is left: the home
        of the information governance lead reads this each time it is shown."""
        rules = self._rules(s)
        own = {r.person_id: r for r in s.exec(select(PersonRetention)).all()}
        rows = s.execute(
            select(
                col(Person.id),
                col(Person.date_of_birth),
                col(Person.created_at),
                col(Person.last_activity_at),
            )
            .where(sift(rules, day))
            .execution_options(yield_per=5000)
        )
        out = []
        for pid, dob, created, last in rows:
            kind, rule, on = self._placed(dob, created, last, own.get(pid), rules)
            if on <= day:
                out.append((pid, kind, rule, on))
        return out

    def _held_ids(self, s: Session) -> set[int]:
        return set(
            s.exec(select(LegalHold.person_id).where(col(LegalHold.lifted_at).is_(None))).all()
        )

    def due_count(self, actor: Actor, today: date | None = None) -> tuple[int, int]:
        """(records due for review, of which under a legal hold): for the home screen."""
        require_governance(actor)
        day = today or self.today()

        def work(s: Session) -> tuple[int, int]:
            due = self._due(s, day)
            held = self._held_ids(s)
            return len(due), sum(1 for pid, *_ in due if pid in held)

        return self.store.read(work, actor)

    def _person(self, s: Session, reference: str) -> Person:
        ref = clean_line(reference).upper()
        person = s.exec(select(Person).where(Person.reference == ref)).first()
        if person is None or person.id is None:
            raise NotFound(f"No person has the reference {ref}")
        return person

    def _held(self, s: Session, pid: int) -> bool:
        return (
            s.exec(
                select(LegalHold.id).where(
                    LegalHold.person_id == pid, col(LegalHold.lifted_at).is_(None)
                )
            ).first()
            is not None
        )

    def queue(self, actor: Actor, today: date | None = None) -> list[QueueItem]:
        """People whose records are due for review, oldest date first; held ones flagged."""
        require_governance(actor)
        day = today or self.today()

        def work(s: Session) -> list[QueueItem]:
            due = self._due(s, day)
            held = self._held_ids(s)
            names: dict[int, tuple[str, str]] = {}
            ids = [pid for pid, *_ in due]
            for i in range(0, len(ids), 500):
                for pid, ref, given, family in s.execute(
                    select(
                        Person.id, Person.reference, Person.given_names, Person.family_name
                    ).where(col(Person.id).in_(ids[i : i + 500]))
                ):
                    names[pid] = (ref, f"{given} {family}")
            out = [
                QueueItem(pid, *names[pid], kind, rule.describe(), on, pid in held)
                for pid, kind, rule, on in due
            ]
            return sorted(out, key=lambda q: (q.review_on, q.reference))

        return self.store.read(work, actor)

    def set_kind(self, actor: Actor, reference: str, kind: str) -> None:
        require_governance(actor)
        k = choice_of(RecordKind, kind, "kind", "Choose a kind of record")

        def work(s: Session) -> None:
            person = self._person(s, reference)
            assert person.id is not None
            row = s.get(PersonRetention, person.id) or PersonRetention(
                person_id=person.id, kind=k.value, updated_by_id=actor.user_id
            )
            row.kind, row.updated_by_id, row.updated_at = k.value, actor.user_id, utcnow()
            s.add(row)
            append(s, actor, "retention.kind", "person", person.id, k.value)

        self.store.write(work, actor)

    def keep(self, actor: Actor, reference: str, reason: str, next_review_on: date | None) -> date:
        """Keep the record, with the reason and the date of the next review."""
        require_governance(actor)
        why = reason_text(reason, "reason", "why the record is kept")
        if next_review_on is None:
            raise ValidationFailed({"next": "Enter the date of the next review"})
        if next_review_on <= self.today():
            raise ValidationFailed({"next": "The next review must be after today"})

        def work(s: Session) -> date:
            person = self._person(s, reference)
            assert person.id is not None
            kind, _, _ = self._place(s, person, self._rules(s))
            own = s.get(PersonRetention, person.id) or PersonRetention(
                person_id=person.id, kind=kind.value, updated_by_id=actor.user_id
            )
            own.next_review_on, own.updated_by_id, own.updated_at = (
                next_review_on,
                actor.user_id,
                utcnow(),
            )
            s.add(own)
            s.add(
                RetentionReview(
                    person_id=person.id,
                    record_kind=kind.value,
                    choice="keep",
                    reason=why,
                    next_review_on=next_review_on,
                    reviewed_by_id=actor.user_id,
                    reviewed_at=utcnow(),
                )
            )
            append(s, actor, "retention.keep", "person", person.id, f"next {next_review_on}")
            return next_review_on

        return self.store.write(work, actor)

    # -- legal holds --------------------------------------------------------------------------
    def hold(self, actor: Actor, reference: str, reason: str) -> int:
        require_governance(actor)
        why = reason_text(reason, "reason", "the inquiry or order the record is held for")

        def work(s: Session) -> int:
            person = self._person(s, reference)
            assert person.id is not None  # a stored person has an id
            row = LegalHold(
                person_id=person.id,
                reason=why,
                placed_by_id=actor.user_id,
                placed_at=utcnow(),
            )
            s.add(row)
            s.flush()
            assert row.id is not None
            append(s, actor, "retention.hold", "person", person.id, f"hold {row.id}")
            return row.id

        return self.store.write(work, actor)

    def lift(self, actor: Actor, hold_id: int, reason: str) -> None:
        require_governance(actor)
        why = reason_text(reason, "reason", "why the hold is lifted")

        def work(s: Session) -> None:
            row = found(s, LegalHold, hold_id, f"There is no legal hold {hold_id}")
            if row.lifted_at is not None:
                raise ValidationFailed({"hold": "This hold was lifted already"})
            row.lifted_at, row.lifted_by_id, row.lift_reason = utcnow(), actor.user_id, why
            s.add(row)
            append(s, actor, "retention.lift", "person", row.person_id, f"hold {hold_id}")

        self.store.write(work, actor)

    def holds(self, actor: Actor, reference: str) -> list[HoldView]:
        require_governance(actor)

        def work(s: Session) -> list[HoldView]:
            person = self._person(s, reference)
            rows = s.exec(
                select(LegalHold, User.display_name)
                .join(User, col(User.id) == LegalHold.placed_by_id)
                .where(LegalHold.person_id == person.id)
                .order_by(col(LegalHold.id))
            ).all()
            return [
                HoldView(h.id, h.person_id, h.reason, name, h.placed_at, h.lifted_at)  # type: ignore[arg-type]  # a stored row's id is set
                for h, name in rows
            ]

        return self.store.read(work, actor)

    # -- disposal -----------------------------------------------------------------------------
    def dispose(self, actor: Actor, reference: str, today: date | None = None) -> Tombstone:
        """Dispose of a record that has reached its review date and is not held: every row
        about the person goes, a tombstone stays (services/disposal.py)."""
        require_governance(actor)
        day = today or self.today()

        def work(s: Session) -> Tombstone:
            person = self._person(s, reference)
            pid = person.id
            assert pid is not None
            if self._held(s, pid):
                raise ValidationFailed(
                    {"hold": "This record is under a legal hold: lift the hold before disposal"}
                )
            kind, rule, on = self._place(s, person, self._rules(s))
            if on > day:
                raise ValidationFailed(
                    {"review": f"This record is not due for review until {on:%d %B %Y}"}
                )
            now = utcnow()
            s.add(
                RetentionReview(
                    person_id=pid,
                    record_kind=kind.value,
                    choice="dispose",
                    reason="",
                    reviewed_by_id=actor.user_id,
                    reviewed_at=now,
                )
            )
            s.flush()
            text = f"{kind.label}: {rule.describe()} (reached {on:%Y-%m-%d})"
            tomb = dispose_in(s, pid, kind=kind.value, rule=text, by_user_id=actor.user_id, at=now)
            assert tomb.id is not None
            append(s, actor, "person.dispose", "person", pid, f"disposal {tomb.id}; {kind.value}")
            return Tombstone(
                tomb.id, pid, kind.value, text, now, actor.display_name, dict(tomb.removed)
            )

        return self.store.write(work, actor)

    def disposal_preview(self, actor: Actor, reference: str) -> DisposalPreview:
        """What disposing of this record would remove, counted, nothing removed: the
        confirmation says it before anything goes. Reading the record is audited."""
        require_governance(actor)

        def work(s: Session) -> DisposalPreview:
            person = self._person(s, reference)
            pid = person.id
            assert pid is not None
            kind, rule, on = self._place(s, person, self._rules(s))
            removed = count_person_rows(s, pid)
            # The disposal records its own review, which is cleared with the others.
            cleared = "retention_review (cleared)"
            removed[cleared] = removed.get(cleared, 0) + 1
            append(s, actor, "retention.preview", "person", pid, "disposal preview")
            return DisposalPreview(
                pid,
                person.reference,
                f"{person.given_names} {person.family_name}",
                kind,
                rule.describe(),
                on,
                self._held(s, pid),
                removed,
            )

        return self.store.write(work, actor)

    def tombstones(self, actor: Actor) -> list[Tombstone]:
        require_governance(actor)

        def work(s: Session) -> list[Tombstone]:
            rows = s.exec(
                select(Disposal, User.display_name)
                .join(User, col(User.id) == Disposal.disposed_by_id)
                .order_by(col(Disposal.id))
            ).all()
            return [
                Tombstone(
                    d.id,  # type: ignore[arg-type]  # a stored row's id is set
                    d.former_person_id,
                    d.record_kind,
                    d.rule,
                    d.disposed_at,
                    name,
                    dict(d.removed),
                )
                for d, name in rows
            ]

        return self.store.read(work, actor)

    def clean_up(self, actor: Actor) -> CleanUp:
        require_governance(actor)
        result = clean_up(self.store.engine)
        self.store.write(
            lambda s: append(
                s, actor, "db.clean_up", "db", "", "done" if result.done else "not yet"
            ),
            actor,
        )
        return result
