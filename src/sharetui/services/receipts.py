"""Receipt confirmed: after a share sent where its arrival is not seen (secure email,
portal, post, a child protection file), the sender or a supervisor records that the
recipient confirmed receipt (who, when, how), or that it failed and was sent again. A share
left unconfirmed is chased from the sender's home after a number of working days set per
kind of share, and is overdue on the DSL's home after more (domain/after_share.py). Every
step is appended (never changed), audited, and shown on the person's timeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, or_
from sqlmodel import Session, col, select

from sharetui.domain.after_share import (
    RECEIPT_DAYS,
    DecisionKind,
    ReceiptMethod,
    ReceiptState,
    ReceiptStep,
    ReceiptTimes,
    parse_receipt_days,
    receipt_kind,
    receipt_state,
    receipt_times,
)
from sharetui.domain.calendar import WorkingCalendar
from sharetui.domain.decision import when_problem
from sharetui.domain.enums import AdviceRole, Role
from sharetui.domain.errors import NotAllowed, ValidationFailed, check
from sharetui.domain.permissions import Permission
from sharetui.domain.text import LONG_TEXT, SHORT_TEXT, clean, clean_line
from sharetui.services.audit import append, require
from sharetui.services.calendar import working_calendar
from sharetui.services.decisions import is_latest_version
from sharetui.services.person_rows import touch
from sharetui.services.unit_of_work import Actor, UseCases, found
from sharetui.services.views import TimelineEntry
from sharetui.store.models import Person, ReceiptEvent, SharingDecision, User
from sharetui.store.types import utcnow


@dataclass(frozen=True)
class ReceiptStepView:
    step: ReceiptStep
    who: str
    at: datetime
    method: ReceiptMethod | None
    note: str
    recorded_by: str


@dataclass(frozen=True)
class ReceiptView:
    """Where one share stands: what was sent, when it is chased, the steps so far."""

    decision_id: int  # the first version (the root): steps belong to the decision
    person_id: int
    person_name: str
    recipient: str
    kind: DecisionKind
    urgent: bool
    sent_at: datetime
    sender_id: int
    sender: str
    state: ReceiptState
    times: ReceiptTimes
    steps: tuple[ReceiptStepView, ...]
    due_on: date | None = None  # a transfer: when the file had to be with the new setting


def _dsl(actor: Actor) -> bool:
    return actor.role == Role.SUPERVISOR.value and AdviceRole.DSL.value in actor.advice_roles


class Receipts(UseCases):
    @property
    def _days(self) -> dict[str, tuple[int, int]]:
        return parse_receipt_days(self.store.settings.receipt_days)

    # -- recording ------------------------------------------------------------------------
    def record(
        self,
        actor: Actor,
        decision_id: int,
        step: ReceiptStep | str | None,
        *,
        who: str = "",
        at: datetime | None = None,
        method: ReceiptMethod | str | None = None,
        note: str = "",
    ) -> ReceiptView:
        """One step: confirmed (who at the recipient, when, how), failed (what happened),
        sent again (when, how), chased. The sender records it, or a supervisor."""
        require(actor, Permission.WORK_WITH_PEOPLE)
        e: dict[str, str] = {}
        try:
            kind = ReceiptStep(step) if step else None
        except ValueError:
            kind = None
        if kind is None:
            e["step"] = "Choose what happened: confirmed, failed, sent again or chased"
        how: ReceiptMethod | None = None
        if method:
            try:
                how = ReceiptMethod.parse(str(method))
            except ValueError:
                e["method"] = "Choose how: secure email, phone, portal, in person, letter, other"
        person = clean_line(who)
        text = clean(note)
        now = utcnow()
        when = at or now
        if when.tzinfo is None:
            e["at"] = "Enter the time with its zone"
        elif problem := when_problem(when, now, "time"):
            e["at"] = problem
        if kind is ReceiptStep.CONFIRMED:
            if not person:
                e["who"] = "Enter who confirmed receipt (name or role at the recipient)"
            if how is None and "method" not in e:
                e["method"] = "Choose how they confirmed it"
        if kind is ReceiptStep.FAILED and not text:
            e["note"] = "Enter what went wrong (bounced, wrong address, portal refused)"
        if kind is ReceiptStep.RESENT and how is None and "method" not in e:
            e["method"] = "Choose how it was sent again"
        if len(person) > SHORT_TEXT:
            e["who"] = f"Enter {SHORT_TEXT} characters or fewer"
        if len(text) > LONG_TEXT:
            e["note"] = f"Enter {LONG_TEXT:,} characters or fewer"
        check(e)
        assert kind is not None

        def work(s: Session) -> ReceiptView:
            latest = self._latest_of(s, decision_id)
            root_id = latest.root_id  # the latest was found by its root
            assert root_id is not None
            if not latest.receipt_required:
                raise ValidationFailed(
                    {"step": "This decision needs no receipt: nothing was sent to confirm"}
                )
            if latest.decided_by_id != actor.user_id and actor.role != Role.SUPERVISOR.value:
                raise NotAllowed("Only the sender or a supervisor can record a receipt step")
            if latest.shared_at is not None and when < latest.shared_at:
                raise ValidationFailed({"at": "The time cannot be before the share was sent"})
            s.add(
                ReceiptEvent(
                    decision_root_id=root_id,
                    step=kind.value,
                    who=person,
                    at=when,
                    method=how.value if how else None,
                    note=text,
                    recorded_by_id=actor.user_id,
                    recorded_at=now,
                )
            )
            s.flush()
            touch(s, latest.subject_id)
            append(
                s,
                actor,
                f"receipt.{kind.value}",
                "decision",
                root_id,
                f"person {latest.subject_id}",
            )
            cal = working_calendar(s, self.store)
            return self._view(s, latest, cal, now.astimezone(self.store.settings.tz).date())

        return self.store.write(work, actor)

    # -- reading --------------------------------------------------------------------------
    def status(
        self, actor: Actor, decision_id: int, today: date | None = None
    ) -> ReceiptView | None:
        """Where a share stands (None when it needs no receipt). Read as part of opening the
        decision, which is audited there."""
        require(actor, Permission.WORK_WITH_PEOPLE)

        def work(s: Session) -> ReceiptView | None:
            latest = self._latest_of(s, decision_id)
            if not latest.receipt_required:
                return None
            return self._view(s, latest, working_calendar(s, self.store), self._today(today))

        return self.store.read(work, actor)

    def to_chase(self, actor: Actor, today: date | None = None) -> list[ReceiptView]:
        """The sender's home: my shares unconfirmed past the chase point, or failed."""
        require(actor, Permission.WORK_WITH_PEOPLE)
        return self._open(actor.user_id, self._today(today), ReceiptState.CHASE)

    def overdue(self, actor: Actor, today: date | None = None) -> list[ReceiptView]:
        """The DSL's home: everyone's shares unconfirmed past the overdue point."""
        require(actor, Permission.ADVISE)
        if not _dsl(actor):
            return []
        return self._open(None, self._today(today), ReceiptState.OVERDUE)

    def transfers(self, actor: Actor, today: date | None = None) -> list[ReceiptView]:
        """Every child protection file transfer not yet confirmed: the DSL's chase list."""
        require(actor, Permission.WORK_WITH_PEOPLE)
        views = self._open(None, self._today(today), ReceiptState.AWAITING)
        return [v for v in views if v.kind is DecisionKind.CP_TRANSFER]

    def transfer_list(
        self, actor: Actor, today: date | None = None, limit: int = 50
    ) -> list[ReceiptView]:
        """The transfers screen: the latest child protection file transfers, those still
        open first (failed, overdue, to chase, awaiting; by due date), then the confirmed."""
        require(actor, Permission.WORK_WITH_PEOPLE)
        day = self._today(today)

        def work(s: Session) -> list[ReceiptView]:
            rows = s.exec(
                select(SharingDecision)
                .where(
                    SharingDecision.kind == DecisionKind.CP_TRANSFER.value,
                    col(SharingDecision.receipt_required),
                    is_latest_version(),
                )
                .order_by(col(SharingDecision.shared_at).desc())
                .limit(limit)
            ).all()
            cal = working_calendar(s, self.store)
            return [self._view(s, row, cal, day) for row in rows]

        order = [ReceiptState.FAILED, ReceiptState.OVERDUE, ReceiptState.CHASE]
        order += [ReceiptState.AWAITING, ReceiptState.CONFIRMED]
        views = self.store.read(work, actor)

        def place(v: ReceiptView) -> tuple[int, date]:
            done = v.state is ReceiptState.CONFIRMED  # confirmed: newest first, as read
            return order.index(v.state), date.min if done else (v.due_on or date.max)

        return sorted(views, key=place)

    def _today(self, today: date | None) -> date:
        return today or utcnow().astimezone(self.store.settings.tz).date()

    def _open(self, sender: int | None, today: date, at_least: ReceiptState) -> list[ReceiptView]:
        order = [ReceiptState.AWAITING, ReceiptState.CHASE, ReceiptState.OVERDUE]

        def work(s: Session) -> list[ReceiptView]:
            confirmed = (
                select(ReceiptEvent.decision_root_id)
                .where(ReceiptEvent.step == ReceiptStep.CONFIRMED.value)
                .scalar_subquery()
            )
            q = select(SharingDecision).where(
                col(SharingDecision.receipt_required),
                is_latest_version(),
                col(SharingDecision.root_id).not_in(confirmed),
            )
            if sender is not None:
                q = q.where(SharingDecision.decided_by_id == sender)
            if at_least is not ReceiptState.AWAITING:
                q = q.where(self._may_have_reached(at_least, today))
            cal = working_calendar(s, self.store)
            out = []
            for row in s.exec(q.order_by(col(SharingDecision.shared_at))).all():
                view = self._view(s, row, cal, today)
                if view.state is ReceiptState.FAILED:
                    # Failed: the sender sends it again at once; not sent again by the day
                    # it would have been overdue, it is the DSL's too (and a transfer's).
                    if sender is not None or today >= view.times.overdue_on:
                        out.append(view)
                elif order.index(view.state) >= order.index(at_least):
                    out.append(view)
            return out

        return self.store.read(work)

    def _may_have_reached(self, state: ReceiptState, today: date) -> ColumnElement[bool]:
        """The shares that may be at `state` (to chase, or overdue) today, as a condition the
        database applies before each one's state is worked out: those first sent long enough
        ago, and any whose receipt failed (a failure does not wait). N working or school days
        are at least N calendar days, and sending again only moves the date on, so a share
        sent fewer calendar days ago than the shortest wait for that state cannot be at it:
        the supervisor's home no longer reads every share of the day (a busy day's thousands)
        to list none of them. The bound is taken two days late, for any time zone."""
        step = 0 if state is ReceiptState.CHASE else 1
        least = min(days[step] for days in [*self._days.values(), RECEIPT_DAYS["share"]])
        bound = datetime.combine(today - timedelta(days=least - 2), time(), tzinfo=UTC)
        failed = select(ReceiptEvent.decision_root_id).where(
            ReceiptEvent.step == ReceiptStep.FAILED.value
        )
        return or_(col(SharingDecision.shared_at) < bound, col(SharingDecision.root_id).in_(failed))

    def _latest_of(self, s: Session, decision_id: int) -> SharingDecision:
        """The latest version of the decision that `decision_id` is a version of: a receipt
        belongs to the decision as it now stands, whichever version the caller holds."""
        base = found(s, SharingDecision, decision_id, "That decision does not exist")
        root_id = base.root_id or base.id
        assert root_id is not None  # a stored decision has its id
        return self._latest(s, root_id)

    def _latest(self, s: Session, root_id: int) -> SharingDecision:
        return s.exec(
            select(SharingDecision)
            .where(SharingDecision.root_id == root_id)
            .order_by(col(SharingDecision.version).desc())
            .limit(1)
        ).one()

    def _view(
        self, s: Session, row: SharingDecision, cal: WorkingCalendar, today: date
    ) -> ReceiptView:
        assert row.root_id is not None and row.shared_at is not None
        events = s.exec(
            select(ReceiptEvent)
            .where(ReceiptEvent.decision_root_id == row.root_id)
            .order_by(col(ReceiptEvent.id))
        ).all()
        names = {
            u.id: u.display_name
            for u in s.exec(
                select(User).where(
                    col(User.id).in_({e.recorded_by_id for e in events} | {row.decided_by_id})
                )
            )
        }
        sent_at = row.shared_at
        last: ReceiptStep | None = None
        for ev in events:
            step = ReceiptStep(ev.step)
            if step is ReceiptStep.RESENT:
                sent_at = ev.at
            if step is not ReceiptStep.CHASED:
                last = step
        tz = self.store.settings.tz
        kind = (
            DecisionKind(row.kind)
            if row.kind in DecisionKind._value2member_map_
            else DecisionKind.SHARE
        )
        rk = receipt_kind(kind, row.urgent)
        times = receipt_times(cal, sent_at.astimezone(tz).date(), rk, self._days)
        person = s.get(Person, row.subject_id)
        return ReceiptView(
            row.root_id,
            row.subject_id,
            f"{person.given_names} {person.family_name}".strip() if person else "?",
            row.recipient_org,
            kind,
            row.urgent,
            sent_at,
            row.decided_by_id,
            names.get(row.decided_by_id, "?"),
            receipt_state(last, times, today),
            times,
            tuple(
                ReceiptStepView(
                    ReceiptStep(e.step),
                    e.who,
                    e.at,
                    ReceiptMethod(e.method) if e.method else None,
                    e.note,
                    names.get(e.recorded_by_id, "?"),
                )
                for e in events
            ),
            cal.transfer_due(row.moved_on)
            if kind is DecisionKind.CP_TRANSFER and row.moved_on
            else None,
        )


def timeline_entries(s: Session, person_id: int, want: int) -> list[TimelineEntry]:
    """Receipt steps of the person's shares, for the timeline (Enter opens the decision)."""
    rows = s.exec(
        select(ReceiptEvent, SharingDecision.recipient_org)
        .join(SharingDecision, col(SharingDecision.id) == ReceiptEvent.decision_root_id)
        .where(SharingDecision.subject_id == person_id)
        .order_by(col(ReceiptEvent.at).desc())
        .limit(want)
    ).all()
    out = []
    for ev, org in rows:
        step = ReceiptStep(ev.step)
        detail = org or "recipient"
        if ev.who:
            detail += f": {ev.who}"
        if ev.method:
            detail += f" ({ReceiptMethod(ev.method).label.lower()})"
        if ev.note:
            detail += f" - {ev.note[:80]}"
        out.append(TimelineEntry("decision", ev.decision_root_id, ev.at, step.label, detail))
    return out
