"""Subject access requests on the clock (UK GDPR Articles 12 and 15; ICO right of access
guidance): the log, the due date by the calendar-month rule, extensions, who handles each,
and the due and overdue list for the information governance lead's and administrators' home.
The review of the export and the file given out are in services/sar_review.py.

Every change and every opening of a request is audited with ids only: the requester's name
is personal data and never goes into the audit trail.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from sharetui.domain.errors import NotFound, ValidationFailed
from sharetui.domain.governance import (
    MAX_EXTENSION_MONTHS,
    RequesterRelationship,
    SarStatus,
    clock_start,
    due_date,
)
from sharetui.domain.text import clean_line
from sharetui.services.audit import append
from sharetui.services.governance_access import (
    choice_of,
    reason_text,
    require_governance,
    short_text,
)
from sharetui.services.unit_of_work import Actor, UseCases, found
from sharetui.store.models import Person, SarDisclosure, SubjectAccessRequest, User
from sharetui.store.types import utcnow

OPEN_STATES = (SarStatus.AWAITING_IDENTITY.value, SarStatus.OPEN.value)
DUE_SOON_DAYS = 7


@dataclass(frozen=True)
class SarView:
    id: int
    person_id: int | None
    reference: str  # "" once the person's record has been disposed of
    person_name: str
    requester_name: str
    relationship: RequesterRelationship
    received_on: date
    identity_confirmed_on: date | None
    clock_started_on: date | None
    extension_months: int
    extension_reason: str
    extension_told_on: date | None
    due_on: date | None
    status: SarStatus
    handler: str
    answered_on: date | None
    disclosures: int

    def days_left(self, today: date) -> int | None:
        return None if self.due_on is None else (self.due_on - today).days

    def overdue(self, today: date) -> bool:
        return self.status.value in OPEN_STATES and self.due_on is not None and today > self.due_on

    def on_time(self) -> bool | None:
        if self.answered_on is None or self.due_on is None:
            return None
        return self.answered_on <= self.due_on

    def clock_text(self, today: date) -> str:
        """Where the request stands, in words, for lists."""
        if self.status is SarStatus.AWAITING_IDENTITY:
            return "clock not started: identity to confirm"
        if self.status is SarStatus.ANSWERED:
            return "answered on time" if self.on_time() else "answered late"
        if self.status is SarStatus.WITHDRAWN:
            return "withdrawn"
        left = self.days_left(today)
        if left is None:
            return ""
        if left < 0:
            return f"OVERDUE by {-left} day{'s' if left != -1 else ''}"
        if left == 0:
            return "due today"
        return f"due in {left} day{'s' if left != 1 else ''}"


def _refresh_due(row: SubjectAccessRequest) -> None:
    start = clock_start(row.received_on, row.identity_confirmed_on)
    row.due_on = None if start is None else due_date(start, row.extension_months)
    if row.status == SarStatus.AWAITING_IDENTITY.value and start is not None:
        row.status = SarStatus.OPEN.value


class SubjectAccess(UseCases):
    def today(self) -> date:
        return self.store.settings.clock.today()

    # -- reading ----------------------------------------------------------------------------
    def _view(self, s: Session, row: SubjectAccessRequest) -> SarView:
        assert row.id is not None
        person = s.get(Person, row.person_id) if row.person_id is not None else None
        handler = s.get(User, row.handler_id) if row.handler_id is not None else None
        made = s.exec(select(SarDisclosure.id).where(SarDisclosure.request_id == row.id)).all()
        return SarView(
            id=row.id,
            person_id=row.person_id,
            reference=person.reference if person else "",
            person_name=f"{person.given_names} {person.family_name}" if person else "",
            requester_name=row.requester_name,
            relationship=RequesterRelationship(row.relationship),
            received_on=row.received_on,
            identity_confirmed_on=row.identity_confirmed_on,
            clock_started_on=clock_start(row.received_on, row.identity_confirmed_on),
            extension_months=row.extension_months,
            extension_reason=row.extension_reason,
            extension_told_on=row.extension_told_on,
            due_on=row.due_on,
            status=SarStatus(row.status),
            handler=handler.display_name if handler else "",
            answered_on=row.answered_on,
            disclosures=len(made),
        )

    def _row(self, s: Session, sar_id: int) -> SubjectAccessRequest:
        return found(
            s, SubjectAccessRequest, sar_id, f"There is no subject access request {sar_id}"
        )

    def get(self, actor: Actor, sar_id: int) -> SarView:
        require_governance(actor)

        def work(s: Session) -> SarView:
            row = self._row(s, sar_id)
            append(s, actor, "sar.view", "sar", sar_id)
            return self._view(s, row)

        return self.store.write(work, actor)

    def list(self, actor: Actor, *, open_only: bool = True) -> list[SarView]:
        """Requests, soonest due first (open ones only by default). Lists are not audited,
        like every other list in the app; opening one request is."""
        require_governance(actor)

        def work(s: Session) -> list[SarView]:
            q = select(SubjectAccessRequest)
            if open_only:
                q = q.where(col(SubjectAccessRequest.status).in_(OPEN_STATES))
            rows = s.exec(q).all()
            views = [self._view(s, r) for r in rows]
            return sorted(views, key=lambda v: (v.due_on or date.max, v.id))

        return self.store.read(work, actor)

    def due(self, actor: Actor, today: date | None = None) -> dict[str, builtins.list[SarView]]:
        """For the home screen: overdue, due within a week, and still awaiting identity."""
        day = today or self.today()
        out: dict[str, list[SarView]] = {"overdue": [], "due_soon": [], "waiting": []}
        for v in self.list(actor):
            if v.status is SarStatus.AWAITING_IDENTITY:
                out["waiting"].append(v)
            elif v.overdue(day):
                out["overdue"].append(v)
            elif v.due_on is not None and (v.due_on - day).days <= DUE_SOON_DAYS:
                out["due_soon"].append(v)
        return out

    # -- writing ----------------------------------------------------------------------------
    def log(
        self,
        actor: Actor,
        reference: str,
        *,
        requester_name: str,
        relationship: str,
        received_on: date | None,
        identity_confirmed_on: date | None = None,
        handler_username: str | None = None,
    ) -> SarView:
        """Log a request as it arrives. Without an identity date the clock has not started."""
        require_governance(actor)
        ref = clean_line(reference).upper()
        errors: dict[str, str] = {}
        if not ref:
            errors["reference"] = "Enter the reference of the person the request is about"
        try:
            name = short_text(requester_name, "requester", "the requester's name")
        except ValidationFailed as exc:
            errors.update(exc.field_errors)
            name = ""
        try:
            rel = choice_of(
                RequesterRelationship, relationship, "relationship", "Choose who is asking"
            )
        except ValidationFailed as exc:
            errors.update(exc.field_errors)
            rel = RequesterRelationship.PERSON
        if received_on is None:
            errors["received"] = "Enter the date the request was received, like 2026-01-31"
        elif received_on > self.today():
            errors["received"] = "The date received cannot be in the future"
        if (
            identity_confirmed_on is not None
            and received_on is not None
            and identity_confirmed_on < received_on
        ):
            errors["identity"] = "Identity cannot be confirmed before the request arrived"
        if errors:
            raise ValidationFailed(errors)
        assert received_on is not None

        def work(s: Session) -> SarView:
            person = s.exec(select(Person).where(Person.reference == ref)).first()
            if person is None or person.id is None:
                raise NotFound(f"No person has the reference {ref}")
            row = SubjectAccessRequest(
                person_id=person.id,
                requester_name=name,
                relationship=rel.value,
                received_on=received_on,
                identity_confirmed_on=identity_confirmed_on,
                status=SarStatus.AWAITING_IDENTITY.value,
                handler_id=self._handler_id(s, handler_username) or actor.user_id,
                created_by_id=actor.user_id,
                created_at=utcnow(),
            )
            _refresh_due(row)
            s.add(row)
            s.flush()
            append(s, actor, "sar.log", "sar", row.id, f"person {person.id}; {rel.value}")
            return self._view(s, row)

        return self.store.write(work, actor)

    def _handler_id(self, s: Session, username: str | None) -> int | None:
        if not username:
            return None
        u = s.exec(select(User).where(User.username == clean_line(username).lower())).first()
        if u is None or u.id is None or not u.active:
            raise ValidationFailed({"handler": f"There is no active account {username!r}"})
        return u.id

    def _change(self, actor: Actor, sar_id: int, action: str, summary: str, change) -> SarView:
        require_governance(actor)

        def work(s: Session) -> SarView:
            row = self._row(s, sar_id)
            change(s, row)
            s.add(row)
            s.flush()
            append(s, actor, action, "sar", sar_id, summary)
            return self._view(s, row)

        return self.store.write(work, actor)

    def confirm_identity(self, actor: Actor, sar_id: int, on: date | None) -> SarView:
        """The clock starts from the later of receipt and this date."""
        if on is None:
            raise ValidationFailed({"identity": "Enter the date identity was confirmed"})

        def change(s: Session, row: SubjectAccessRequest) -> None:
            self._open(row)
            if on < row.received_on:
                raise ValidationFailed(
                    {"identity": "Identity cannot be confirmed before the request arrived"}
                )
            if on > self.today():
                raise ValidationFailed({"identity": "The date cannot be in the future"})
            row.identity_confirmed_on = on
            _refresh_due(row)

        return self._change(actor, sar_id, "sar.identity", "identity confirmed", change)

    def extend(
        self, actor: Actor, sar_id: int, months: int, reason: str, told_on: date | None
    ) -> SarView:
        """Up to two further months, for complex or numerous requests, if the requester is
        told, with the reasons, within the first month (by the original due date)."""
        why = reason_text(reason, "reason", "why the request needs longer")
        if not 1 <= months <= MAX_EXTENSION_MONTHS:
            raise ValidationFailed({"months": "An extension is one or two further months"})
        if told_on is None:
            raise ValidationFailed({"told": "Enter the date the requester was told"})

        def change(s: Session, row: SubjectAccessRequest) -> None:
            self._open(row)
            start = clock_start(row.received_on, row.identity_confirmed_on)
            if start is None:
                raise ValidationFailed(
                    {
                        "identity": "Confirm the requester's identity first: the clock has not started"
                    }
                )
            first_due = due_date(start)
            if told_on > first_due:
                raise ValidationFailed(
                    {
                        "told": f"The requester must be told within the first month (by "
                        f"{first_due:%d %B %Y}); an extension cannot be made now"
                    }
                )
            if told_on < row.received_on:
                raise ValidationFailed({"told": "The date told cannot be before the request"})
            row.extension_months = months
            row.extension_reason = why
            row.extension_told_on = told_on
            _refresh_due(row)

        return self._change(actor, sar_id, "sar.extend", f"extended by {months} month(s)", change)

    def assign(self, actor: Actor, sar_id: int, handler_username: str) -> SarView:
        def change(s: Session, row: SubjectAccessRequest) -> None:
            row.handler_id = self._handler_id(s, handler_username)

        return self._change(actor, sar_id, "sar.assign", "handler changed", change)

    def answer(self, actor: Actor, sar_id: int, on: date | None) -> SarView:
        """Answered: the reviewed file was given out on this date."""
        if on is None:
            raise ValidationFailed({"answered": "Enter the date the answer was sent"})

        def change(s: Session, row: SubjectAccessRequest) -> None:
            self._open(row)
            if row.due_on is None:
                raise ValidationFailed(
                    {
                        "identity": "Confirm the requester's identity first: the clock has not started"
                    }
                )
            if on < row.received_on or on > self.today():
                raise ValidationFailed(
                    {"answered": "Enter a date from the day it arrived to today"}
                )
            made = s.exec(
                select(SarDisclosure.id).where(SarDisclosure.request_id == row.id)
            ).first()
            if made is None:
                raise ValidationFailed({"answered": "Make the reviewed file to give out first"})
            row.answered_on = on
            row.status = SarStatus.ANSWERED.value

        return self._change(actor, sar_id, "sar.answer", "answered", change)

    def withdraw(self, actor: Actor, sar_id: int) -> SarView:
        def change(s: Session, row: SubjectAccessRequest) -> None:
            self._open(row)
            row.status = SarStatus.WITHDRAWN.value

        return self._change(actor, sar_id, "sar.withdraw", "withdrawn", change)

    @staticmethod
    def _open(row: SubjectAccessRequest) -> None:
        if row.status not in OPEN_STATES:
            raise ValidationFailed(
                {"status": f"This request is {SarStatus(row.status).label.lower()}"}
            )
