"""Rule 5 on a decision about an adult who cares for children: the children linked to them,
so the flow can name each child whose safety the decision could affect.

Kept apart from services/people.py (the person record itself) because it answers one
question of the decision flow; it reads the links only, and the read is audited like any
other read of a person's record.
"""

from __future__ import annotations

from sqlalchemy import or_
from sqlmodel import Session, col, select

from sharetui.domain.enums import RELATIONSHIP_INVERSE, Relationship
from sharetui.domain.permissions import Permission
from sharetui.domain.person import age_on
from sharetui.services.audit import append, require
from sharetui.services.person_rows import load_person
from sharetui.services.person_search import summary
from sharetui.services.unit_of_work import Actor, UseCases
from sharetui.services.views import PersonSummary
from sharetui.store.models import Person, PersonLink
from sharetui.store.types import utcnow

ADULT_AGE = 18


class Impact(UseCases):
    def linked_children(self, actor: Actor, person_id: int) -> tuple[PersonSummary, ...]:
        """The people linked to this person as their child (they are the parent or carer),
        under 18 today or of unknown age, youngest first. Empty for anyone else."""
        require(actor, Permission.WORK_WITH_PEOPLE)
        today = utcnow().astimezone(self.store.settings.tz).date()

        def work(s: Session) -> tuple[PersonSummary, ...]:
            load_person(s, person_id)
            rows = s.exec(
                select(PersonLink, Person)
                .join(
                    Person,
                    or_(
                        (col(PersonLink.from_person_id) == person_id)
                        & (col(Person.id) == PersonLink.to_person_id),
                        (col(PersonLink.to_person_id) == person_id)
                        & (col(Person.id) == PersonLink.from_person_id),
                    ),
                )
                .where(
                    or_(
                        col(PersonLink.from_person_id) == person_id,
                        col(PersonLink.to_person_id) == person_id,
                    )
                )
            ).all()
            children: dict[int, PersonSummary] = {}
            for link, other in rows:
                relationship = Relationship(link.relationship)
                if link.to_person_id == person_id:  # "other is <relationship> of this person"
                    what_other_is = relationship
                else:  # "this person is <relationship> of other"
                    what_other_is = RELATIONSHIP_INVERSE[relationship]
                if what_other_is is not Relationship.CHILD or other.id is None:
                    continue
                age = age_on(other.date_of_birth, today)
                if age is None or age < ADULT_AGE:
                    children[other.id] = summary(other)
            append(s, actor, "person.children", "person", person_id, f"{len(children)} found")
            found = tuple(
                sorted(
                    children.values(),
                    key=lambda p: (
                        p.date_of_birth is None,
                        -(p.date_of_birth or today).toordinal(),
                    ),
                )
            )
            for child in found:  # each child's name is shown: on their own trail too
                append(s, actor, "person.summary", "person", child.id, f"child of {person_id}")
            return found

        return self.store.write(work, actor)
