"""Seek advice (rule 3): raise, queue by urgency then age, claim (one winner), release,
advise, reveal an anonymised person (recorded), close with the outcome.

What a reader may see of each request is built in services/advice_views.py."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, update
from sqlmodel import Session, col, func, select

from sharetui.domain.advice_rules import due_at
from sharetui.domain.enums import (
    URGENCY_ORDER,
    AdviceEventKind,
    AdviceRole,
    AdviceStatus,
    Role,
    Urgency,
)
from sharetui.domain.errors import Conflict, NotAllowed, NotFound, ValidationFailed, check
from sharetui.domain.permissions import Permission
from sharetui.domain.person import anonymous_description
from sharetui.domain.text import LONG_TEXT, clean, length_error, required_text_error
from sharetui.services.advice_views import advice_view, advice_views
from sharetui.services.audit import append, require
from sharetui.services.calendar import working_calendar
from sharetui.services.person_rows import load_person, touch
from sharetui.services.unit_of_work import Actor, UseCases, found
from sharetui.services.views import AdviceEventView, AdviceView, Page
from sharetui.store.models import AdviceEvent, AdviceRequest, Draft, SharingDecision, User
from sharetui.store.types import utcnow

REVEAL_REASON_LIMIT = 2_000
OPEN = (AdviceStatus.PENDING.value, AdviceStatus.CLAIMED.value)


class Advice(UseCases):
    # -- raising --------------------------------------------------------------------------
    def raise_request(
        self,
        actor: Actor,
        *,
        question: str,
        advice_role: str,
        urgency: str,
        person_id: int | None = None,
        anonymised: bool = False,
        decision_id: int | None = None,
        draft_id: int | None = None,
    ) -> AdviceView:
        require(actor, Permission.WORK_WITH_PEOPLE)
        q = clean(question)
        e: dict[str, str] = {}
        if not q:
            e["question"] = "Enter the question you need advice on"
        elif msg := length_error(q, LONG_TEXT, "Question"):
            e["question"] = msg
        try:
            role = AdviceRole.parse(advice_role)
        except ValueError:
            e["advice_role"] = (
                "Choose who to ask: DSL, Caldicott guardian, senior leadership or IG lead"
            )
        try:
            urg = Urgency.parse(urgency)
        except ValueError:
            e["urgency"] = "Choose urgent, today or routine"
        check(e)

        def work(s: Session) -> AdviceView:
            description = ""
            if person_id is not None:
                person = load_person(s, person_id)
                today = utcnow().astimezone(self.store.settings.tz).date()  # as the record's clock
                description = anonymous_description(person.date_of_birth, today)
                touch(s, person_id)
            if decision_id is not None and s.get(SharingDecision, decision_id) is None:
                raise ValidationFailed({"decision_id": "Choose a decision that is on record"})
            if draft_id is not None:
                draft = s.get(Draft, draft_id)
                if draft is None or draft.user_id != actor.user_id:
                    raise ValidationFailed({"draft_id": "That draft is not yours or is gone"})
                draft.status = "pending_advice"
                s.add(draft)
            now = utcnow()
            row = AdviceRequest(
                question=q,
                anonymised=anonymised and person_id is not None,
                person_id=person_id,
                person_description=description,
                advice_role=role.value,
                urgency=urg.value,
                urgency_rank=URGENCY_ORDER[urg],
                due_at=due_at(urg, now, self.store.settings.tz, working_calendar(s, self.store)),
                decision_id=decision_id,
                draft_id=draft_id,
                status=AdviceStatus.PENDING.value,
                raised_by_id=actor.user_id,
                raised_at=now,
            )
            s.add(row)
            s.flush()
            self._event(
                s,
                row,
                actor,
                AdviceEventKind.RAISED,
                f"{urg.label}; {role.label}" + ("; anonymised" if row.anonymised else ""),
            )
            append(
                s,
                actor,
                "advice.raise",
                "advice",
                row.id,
                f"person {person_id}" if person_id else "no person named",
            )
            return advice_view(s, row, actor)

        return self.store.write(work, actor)

    # -- the queue ------------------------------------------------------------------------
    def queue(
        self,
        actor: Actor,
        *,
        roles: list[str] | None = None,
        urgencies: list[str] | None = None,
        offset: int = 0,
        limit: int = 25,
    ) -> Page[AdviceView]:
        """Open items for the caller's advice roles: urgent first, then oldest."""
        require(actor, Permission.ADVISE)
        mine = set(actor.advice_roles)
        wanted = [r for r in (roles or mine) if r in mine]

        def work(s: Session) -> Page[AdviceView]:
            stmt = select(AdviceRequest).where(
                col(AdviceRequest.status).in_(OPEN), col(AdviceRequest.advice_role).in_(wanted)
            )
            if urgencies:
                stmt = stmt.where(col(AdviceRequest.urgency).in_(urgencies))
            rows = s.exec(
                stmt.order_by(
                    col(AdviceRequest.urgency_rank),
                    col(AdviceRequest.raised_at),
                    col(AdviceRequest.id),
                )
                .offset(offset)
                .limit(limit + 1)
            ).all()
            views = advice_views(s, rows[:limit], actor)
            return Page(tuple(views), offset, limit, len(rows) > limit)

        return self.store.read(work, actor)

    def counts(self, actor: Actor) -> dict[str, Any]:
        """Open items by urgency, and how many are overdue, for the home screen."""
        require(actor, Permission.ADVISE)
        now = utcnow()

        def work(s: Session) -> dict[str, Any]:
            base = (
                col(AdviceRequest.status).in_(OPEN),
                col(AdviceRequest.advice_role).in_(actor.advice_roles),
            )
            rows = s.exec(
                select(AdviceRequest.urgency, func.count())
                .where(*base)
                .group_by(AdviceRequest.urgency)
            ).all()
            overdue = s.exec(
                select(func.count())
                .select_from(AdviceRequest)
                .where(*base, AdviceRequest.due_at < now)
            ).one()
            by = {u.value: 0 for u in Urgency}
            by.update({u: n for u, n in rows})
            return {"by_urgency": by, "overdue": overdue, "total": sum(by.values())}

        return self.store.read(work, actor)

    # -- acting on an item ----------------------------------------------------------------
    def claim(self, actor: Actor, advice_id: int) -> AdviceView:
        """Exactly one supervisor wins: a conditional update, checked by its row count."""
        require(actor, Permission.ADVISE)

        def work(s: Session) -> AdviceView:
            row = self._get_for_adviser(s, actor, advice_id)
            now = utcnow()
            result = s.exec(
                update(AdviceRequest)
                .where(
                    col(AdviceRequest.id) == advice_id,
                    col(AdviceRequest.status) == AdviceStatus.PENDING.value,
                )
                .values(
                    status=AdviceStatus.CLAIMED.value, claimed_by_id=actor.user_id, claimed_at=now
                )
            )
            if result.rowcount != 1:
                s.rollback()
                raise self._claim_conflict(advice_id)
            s.refresh(row)
            return self._recorded(s, row, actor, AdviceEventKind.CLAIMED, "advice.claim")

        return self.store.write(work, actor)

    def _claim_conflict(self, advice_id: int) -> Conflict:
        def work(s: Session) -> Conflict:
            row = s.get(AdviceRequest, advice_id)
            if row is None:
                return Conflict("That advice request no longer exists")
            if row.status == AdviceStatus.CLAIMED.value and row.claimed_at is not None:
                who = s.get(User, row.claimed_by_id)
                when = row.claimed_at.astimezone(self.store.settings.tz)
                return Conflict(
                    f"Already claimed by {who.display_name if who else '?'} at {when:%H:%M}"
                )
            return Conflict(f"This request is already {AdviceStatus(row.status).label.lower()}")

        return self.store.read(work)

    def release(self, actor: Actor, advice_id: int) -> AdviceView:
        require(actor, Permission.ADVISE)

        def work(s: Session) -> AdviceView:
            row = self._held_by(
                s, actor, advice_id, "Only the supervisor holding this request can release it"
            )
            row.status = AdviceStatus.PENDING.value
            row.claimed_by_id = None
            row.claimed_at = None
            return self._recorded(s, row, actor, AdviceEventKind.RELEASED, "advice.release")

        return self.store.write(work, actor)

    def advise(self, actor: Actor, advice_id: int, advice_text: str) -> AdviceView:
        require(actor, Permission.ADVISE)
        text = _long_answer(advice_text, "advice_text", "Enter your advice", "Advice")

        def work(s: Session) -> AdviceView:
            row = self._held_by(
                s, actor, advice_id, "Claim this request before giving advice on it"
            )
            row.status = AdviceStatus.ADVISED.value
            row.advice_text = text
            row.advised_by_id = actor.user_id
            row.advised_at = utcnow()
            return self._recorded(s, row, actor, AdviceEventKind.ADVISED, "advice.advise")

        return self.store.write(work, actor)

    def close(self, actor: Actor, advice_id: int, outcome_text: str) -> AdviceView:
        """Record the outcome of the discussion (by the adviser or the requester)."""
        require(actor, Permission.WORK_WITH_PEOPLE)
        text = _long_answer(
            outcome_text, "outcome_text", "Enter the outcome of the advice", "Outcome"
        )

        def work(s: Session) -> AdviceView:
            row = s.exec(
                select(AdviceRequest).where(AdviceRequest.id == advice_id).with_for_update()
            ).first()
            if row is None:
                raise NotFound("That advice request does not exist")
            if actor.user_id not in (row.raised_by_id, row.advised_by_id):
                raise NotAllowed("Only the requester or the adviser can record the outcome")
            if row.status != AdviceStatus.ADVISED.value:
                raise Conflict("The outcome can be recorded once advice has been given")
            row.status = AdviceStatus.CLOSED.value
            row.outcome_text = text
            row.closed_by_id = actor.user_id
            row.closed_at = utcnow()
            return self._recorded(s, row, actor, AdviceEventKind.CLOSED, "advice.close")

        return self.store.write(work, actor)

    def reveal(self, actor: Actor, advice_id: int, reason: str) -> AdviceView:
        """An adviser asks to see who an anonymised request is about; recorded with reason."""
        require(actor, Permission.ADVISE)
        why = clean(reason)
        missing = "Enter why you need to know who this is about"
        if msg := required_text_error(why, REVEAL_REASON_LIMIT, missing=missing, noun="reason"):
            raise ValidationFailed({"reason": msg})

        def work(s: Session) -> AdviceView:
            row = self._get_for_adviser(s, actor, advice_id)
            self._event(s, row, actor, AdviceEventKind.REVEALED, why)
            append(s, actor, "advice.reveal", "person", row.person_id, f"advice {advice_id}")
            return advice_view(s, row, actor)

        return self.store.write(work, actor)

    # -- reading --------------------------------------------------------------------------
    def get(self, actor: Actor, advice_id: int) -> AdviceView:
        def work(s: Session) -> AdviceView:
            row = found(s, AdviceRequest, advice_id, "That advice request does not exist")
            self._check_can_see(actor, row)
            view = advice_view(s, row, actor)
            if view.person_id is not None:  # the person is named to this reader: their trail
                append(s, actor, "advice.view", "person", view.person_id, f"advice {advice_id}")
            else:
                append(s, actor, "advice.view", "advice", advice_id)
            return view

        return self.store.write(work, actor)

    def history(self, actor: Actor, advice_id: int) -> list[AdviceEventView]:
        def work(s: Session) -> list[AdviceEventView]:
            row = found(s, AdviceRequest, advice_id, "That advice request does not exist")
            self._check_can_see(actor, row)
            rows = s.exec(
                select(AdviceEvent, User.display_name)
                .join(User, col(User.id) == AdviceEvent.user_id)
                .where(AdviceEvent.advice_id == advice_id)
                .order_by(col(AdviceEvent.id))
            ).all()
            return [AdviceEventView(ev.kind, name, ev.at, ev.note) for ev, name in rows]

        return self.store.read(work, actor)

    def mine(self, actor: Actor, include_closed: bool = False, limit: int = 20) -> list[AdviceView]:
        """Requests the caller raised: open ones and those with advice waiting for them."""
        require(actor, Permission.WORK_WITH_PEOPLE)

        def work(s: Session) -> list[AdviceView]:
            stmt = select(AdviceRequest).where(AdviceRequest.raised_by_id == actor.user_id)
            if not include_closed:
                stmt = stmt.where(AdviceRequest.status != AdviceStatus.CLOSED.value)
            rows = s.exec(stmt.order_by(col(AdviceRequest.raised_at).desc()).limit(limit)).all()
            return advice_views(s, rows, actor)

        return self.store.read(work, actor)

    def for_draft(self, actor: Actor, draft_id: int) -> list[AdviceView]:
        mine = col(AdviceRequest.raised_by_id) == actor.user_id
        return self._in_order_raised(actor, col(AdviceRequest.draft_id) == draft_id, mine)

    def for_decision(self, actor: Actor, decision_id: int) -> list[AdviceView]:
        require(actor, Permission.WORK_WITH_PEOPLE)
        return self._in_order_raised(actor, col(AdviceRequest.decision_id) == decision_id)

    # -- helpers --------------------------------------------------------------------------
    def _in_order_raised(self, actor: Actor, *where: ColumnElement[bool]) -> list[AdviceView]:
        """The requests that meet every condition, oldest first, as this reader may see
        them: a draft's advice and a decision's are the same list of what was asked on it."""

        def work(s: Session) -> list[AdviceView]:
            rows = s.exec(select(AdviceRequest).where(*where).order_by(col(AdviceRequest.id))).all()
            return advice_views(s, rows, actor)

        return self.store.read(work, actor)

    def _get_for_adviser(self, s: Session, actor: Actor, advice_id: int) -> AdviceRequest:
        row = found(s, AdviceRequest, advice_id, "That advice request does not exist")
        if row.advice_role not in actor.advice_roles:
            raise NotAllowed("This request is for another advice role")
        return row

    def _held_by(self, s: Session, actor: Actor, advice_id: int, refusal: str) -> AdviceRequest:
        """The request, claimed by this adviser: what only the supervisor holding a request
        may do to it (release it, advise on it) is refused with `refusal` to anyone else, and
        before it is claimed."""
        row = self._get_for_adviser(s, actor, advice_id)
        if row.status != AdviceStatus.CLAIMED.value or row.claimed_by_id != actor.user_id:
            raise Conflict(refusal)
        return row

    @staticmethod
    def _check_can_see(actor: Actor, row: AdviceRequest) -> None:
        if row.raised_by_id == actor.user_id:
            return
        if actor.role == Role.SUPERVISOR.value and row.advice_role in actor.advice_roles:
            return
        raise NotAllowed("Only the requester and advisers in that role can see this request")

    def _recorded(
        self, s: Session, row: AdviceRequest, actor: Actor, kind: AdviceEventKind, action: str
    ) -> AdviceView:
        """A change made to a request: its event in the request's history, its line in the
        audit trail, and the request as the caller now sees it."""
        s.add(row)
        self._event(s, row, actor, kind)
        append(s, actor, action, "advice", row.id)
        return advice_view(s, row, actor)

    @staticmethod
    def _event(
        s: Session, row: AdviceRequest, actor: Actor, kind: AdviceEventKind, note: str = ""
    ) -> None:
        assert row.id is not None
        s.add(
            AdviceEvent(
                advice_id=row.id, kind=kind.value, user_id=actor.user_id, at=utcnow(), note=note
            )
        )


def _long_answer(value: str, field: str, missing: str, label: str) -> str:
    """A required free-text answer, cleaned; its field's instruction when it is missing or
    too long."""
    text = clean(value)
    if not text:
        raise ValidationFailed({field: missing})
    if msg := length_error(text, LONG_TEXT, label):
        raise ValidationFailed({field: msg})
    return text
