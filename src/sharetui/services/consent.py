"""Consent: record events (never edited), derive the current state per scope, explain it."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from sharetui.domain.consent import (
    ConsentFact,
    ConsentInput,
    current_by_scope,
    scope_key,
    validate_consent,
)
from sharetui.domain.enums import (
    ConsentGiver,
    ConsentMethod,
    ConsentStatus,
    NotSoughtReason,
)
from sharetui.domain.errors import NotFound, ValidationFailed, check
from sharetui.domain.permissions import Permission
from sharetui.services.audit import append, require
from sharetui.services.person_rows import load_person, touch
from sharetui.services.unit_of_work import Actor, Store
from sharetui.services.views import ConsentEventView, ConsentLine
from sharetui.store.models import ConsentEvent, User
from sharetui.store.types import utcnow


def event_view(ev: ConsentEvent, recorded_by: str) -> ConsentEventView:
    assert ev.id is not None
    return ConsentEventView(
        ev.id,
        ev.person_id,
        ConsentStatus(ev.status),
        NotSoughtReason(ev.not_sought_reason) if ev.not_sought_reason else None,
        ConsentGiver(ev.given_by) if ev.given_by else None,
        ev.given_by_name,
        ConsentMethod(ev.method) if ev.method else None,
        ev.told,
        ev.scope_information,
        ev.scope_recipient,
        ev.scope_purpose,
        ev.scope_key,
        ev.effective_at,
        recorded_by,
        ev.recorded_at,
    )


def describe(line: ConsentLine, tz: ZoneInfo) -> str:
    """One consent scope in words, e.g. 'Consent given by the person's mother (parental
    responsibility) on 3 March 2026 for health information to the school nurse for ...;
    withdrawn 10 June 2026'."""
    first = line.history[0]
    parts = []
    scope = (
        f"for sharing {first.scope_information} with {first.scope_recipient} "
        f"for {first.scope_purpose}"
    )
    for i, ev in enumerate(line.history):
        local = ev.effective_at.astimezone(tz)
        when = f"{local.day} {local:%B %Y}"
        if ev.status is ConsentStatus.NOT_SOUGHT:
            reason = ev.not_sought_reason.label.lower() if ev.not_sought_reason else ""
            text = (
                f"not sought on {when} ({reason})"
                if i
                else (f"Consent not sought on {when} {scope} ({reason})")
            )
        else:
            who = ev.given_by.label.lower() if ev.given_by else "someone"
            if ev.given_by_name:
                who = f"{ev.given_by_name} ({who})"
            verb = ev.status.label.lower()
            text = (
                f"{verb} by {who} on {when}" if i else f"Consent {verb} by {who} on {when} {scope}"
            )
        parts.append(text)
    return "; ".join(parts)


class Consent:
    def __init__(self, store: Store) -> None:
        self.store = store

    def record(self, actor: Actor, data: ConsentInput) -> ConsentEventView:
        require(actor, Permission.WORK_WITH_PEOPLE)
        c = data.cleaned()
        check(validate_consent(c))

        def work(s: Session) -> ConsentEventView:
            load_person(s, c.person_id)
            assert c.person_id is not None and c.status is not None
            now = utcnow()
            ev = ConsentEvent(
                person_id=c.person_id,
                status=c.status.value,
                not_sought_reason=c.not_sought_reason.value if c.not_sought_reason else None,
                given_by=c.given_by.value if c.given_by else None,
                given_by_name=c.given_by_name,
                method=c.method.value if c.method else None,
                told=c.told,
                scope_information=c.scope_information,
                scope_recipient=c.scope_recipient,
                scope_purpose=c.scope_purpose,
                scope_key=scope_key(c.scope_information, c.scope_recipient, c.scope_purpose),
                effective_at=c.effective_at or now,
                recorded_by_id=actor.user_id,
                recorded_at=now,
            )
            s.add(ev)
            s.flush()
            touch(s, c.person_id)
            append(
                s,
                actor,
                f"consent.{c.status.value}",
                "person",
                c.person_id,
                f"consent event {ev.id}",
            )
            return event_view(ev, actor.display_name)

        return self.store.write(work, actor)

    def withdraw(
        self,
        actor: Actor,
        event_id: int,
        given_by: ConsentGiver,
        method: ConsentMethod,
        given_by_name: str = "",
    ) -> ConsentEventView:
        """Withdraw the consent of one scope, copying its scope: one action, as easy as giving."""
        require(actor, Permission.WORK_WITH_PEOPLE)

        def scope(s: Session) -> tuple[int, str, str, str] | None:
            row = s.get(ConsentEvent, event_id)
            if row is None:
                return None
            return (row.person_id, row.scope_information, row.scope_recipient, row.scope_purpose)

        base = self.store.read(scope, actor)
        if base is None:
            raise NotFound("That consent record does not exist")
        person_id, information, recipient, purpose = base
        return self.record(
            actor,
            ConsentInput(
                person_id=person_id,
                status=ConsentStatus.WITHDRAWN,
                given_by=given_by,
                given_by_name=given_by_name,
                method=method,
                told="",
                scope_information=information,
                scope_recipient=recipient,
                scope_purpose=purpose,
            ),
        )

    def history(self, actor: Actor, person_id: int) -> list[ConsentEventView]:
        """Every consent event of a person, newest first."""
        require(actor, Permission.WORK_WITH_PEOPLE)

        def work(s: Session) -> list[ConsentEventView]:
            load_person(s, person_id)
            rows = s.exec(
                select(ConsentEvent, User.display_name)
                .join(User, col(User.id) == ConsentEvent.recorded_by_id)
                .where(ConsentEvent.person_id == person_id)
                .order_by(col(ConsentEvent.effective_at).desc(), col(ConsentEvent.id).desc())
            ).all()
            append(s, actor, "consent.history", "person", person_id)
            return [event_view(ev, name) for ev, name in rows]

        return self.store.write(work, actor)

    def current(self, actor: Actor, person_id: int) -> list[ConsentLine]:
        """The current state per scope, refused and withdrawn as visible as given."""
        events = self.history(actor, person_id)
        return lines_from(events)

    def get_event(self, actor: Actor, event_id: int) -> ConsentEventView:
        require(actor, Permission.WORK_WITH_PEOPLE)

        def work(s: Session) -> ConsentEventView:
            row = s.exec(
                select(ConsentEvent, User.display_name)
                .join(User, col(User.id) == ConsentEvent.recorded_by_id)
                .where(ConsentEvent.id == event_id)
            ).first()
            if row is None:
                raise NotFound("That consent record does not exist")
            append(s, actor, "consent.view", "person", row[0].person_id, f"event {event_id}")
            return event_view(*row)

        return self.store.write(work, actor)


def lines_from(events: list[ConsentEventView]) -> list[ConsentLine]:
    facts = [ConsentFact(e.id, e.scope_key, e.status, e.effective_at) for e in events]
    latest = current_by_scope(facts)
    by_id = {e.id: e for e in events}
    lines: list[ConsentLine] = []
    for key, fact in latest.items():
        hist = sorted(
            (e for e in events if e.scope_key == key), key=lambda e: (e.effective_at, e.id)
        )
        lines.append(ConsentLine(key, by_id[fact.event_id], tuple(hist)))
    lines.sort(key=lambda ln: ln.current.effective_at, reverse=True)
    return lines


def check_relied_consent(
    s: Session, person_id: int, event_id: int | None, *, relied_on: bool = True
) -> None:
    """Rule 4: a share 'with consent' must rest on consent that is currently given for that
    scope and belongs to the subject. A decision that only cites a refusal (relied_on False)
    still has to cite one of the subject's own records."""
    if event_id is None:
        return
    ev = s.get(ConsentEvent, event_id)
    if ev is None or ev.person_id != person_id:
        raise ValidationFailed({"consent_event_id": "Choose a consent record of this person"})
    if not relied_on:
        return
    latest = s.exec(
        select(ConsentEvent)
        .where(ConsentEvent.person_id == person_id, ConsentEvent.scope_key == ev.scope_key)
        .order_by(col(ConsentEvent.effective_at).desc(), col(ConsentEvent.id).desc())
        .limit(1)
    ).one()
    if latest.status != ConsentStatus.GIVEN.value:
        state = ConsentStatus(latest.status).label.lower()
        raise ValidationFailed(
            {
                "consent_event_id": (
                    f"You cannot rely on consent for this share: it was {state} on "
                    f"{latest.effective_at:%d %B %Y}. Choose another lawful basis and "
                    "record why you share without consent, or do not share"
                )
            }
        )
