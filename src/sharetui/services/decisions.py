"""Sharing decisions: validated by the golden rules, saved with their audit event, amended
only as new versions that point at the one they replace."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import CursorResult, exists
from sqlalchemy import func as sa_func
from sqlalchemy import insert as sa_insert
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from sharetui.domain.decision import (
    RECORD_FIELDS,
    DecisionInput,
    impact_to_complete,
    validate_decision,
)
from sharetui.domain.enums import Art9Condition, ConsentPosition, LawfulBasis, Outcome
from sharetui.domain.errors import NotAllowed, ValidationFailed, check
from sharetui.domain.permissions import Permission
from sharetui.domain.text import LONG_TEXT, clean, required_text_error
from sharetui.services.after_share import after_share
from sharetui.services.audit import append, require
from sharetui.services.consent import check_relied_consent
from sharetui.services.person_rows import summary_of, touched
from sharetui.services.person_search import summary
from sharetui.services.unit_of_work import Actor, UseCases, found
from sharetui.services.views import DecisionView, Page, PersonSummary
from sharetui.store.locks import LockSpace, lock, next_id
from sharetui.store.models import (
    AdviceRequest,
    DecisionAffected,
    Draft,
    Person,
    SharingDecision,
    User,
)
from sharetui.store.types import table_of, utcnow

# Worked out by the service when a version is saved, kept on the record with it.
DERIVED_FIELDS = ("agreement_id", "agreement_cover", "receipt_required")

# A version is inserted by statements built once, not through the ORM's unit of work: the
# insert runs while other terminals wait for their turn, and the ORM's flush of its 47
# columns cost three times what the statement does (benchmarks/README.md, the writers).
_DECISIONS = table_of(SharingDecision)
_DECISION_COLUMNS = tuple(c.key for c in _DECISIONS.columns)
_INSERT_DECISION = sa_insert(_DECISIONS)
_INSERT_AFFECTED = sa_insert(table_of(DecisionAffected))

# A version just inserted, with the summaries of its subject and of the others it names.
Saved = tuple[SharingDecision, PersonSummary, list[PersonSummary]]


@dataclass(frozen=True)
class Recipient:
    org: str
    role: str
    name: str
    contact: str


def _value(v: Any) -> Any:
    return getattr(v, "value", v)


def _row_from_input(d: DecisionInput, actor: Actor) -> SharingDecision:
    assert d.subject_id is not None and d.outcome is not None
    values = {name: _value(getattr(d, name)) for name in RECORD_FIELDS}
    values["urgent"] = bool(d.urgent)
    values["special_category"] = bool(d.special_category)
    values["criminal_offence"] = bool(d.criminal_offence)
    if d.shared_at is not None and d.shared_at.tzinfo is None:
        values["shared_at"] = d.shared_at.replace(tzinfo=UTC)
    values["checks"] = {k: {"confirmed": v.confirmed, "note": v.note} for k, v in d.checks.items()}
    return SharingDecision(
        subject_id=d.subject_id,
        caller_unverified=d.caller_unverified,
        decided_by_id=actor.user_id,
        decided_at=utcnow(),
        **values,
    )


def record_dict(row: SharingDecision) -> dict[str, Any]:
    data = {name: getattr(row, name) for name in (*RECORD_FIELDS, *DERIVED_FIELDS)}
    data["checks"] = dict(row.checks)
    data["subject_id"] = row.subject_id
    return data


def _finish_draft(s: Session, actor: Actor, draft_id: int | None, row: SharingDecision) -> None:
    """The draft became this decision: its advice now points at the decision, not at the
    draft, whose id SQLite may give to the next draft (and with it this advice)."""
    if draft_id is None:
        return
    draft = s.get(Draft, draft_id)
    if draft is None or draft.user_id != actor.user_id:
        return
    for adv in s.exec(
        select(AdviceRequest).where(
            AdviceRequest.draft_id == draft_id, AdviceRequest.raised_by_id == actor.user_id
        )
    ).all():
        adv.decision_id = row.id
        adv.draft_id = None
        s.add(adv)
    s.delete(draft)


def _to_complete(row: SharingDecision) -> bool:
    """An urgent version saved before its rule 5 answers. A row from before the question
    existed (NULL) is never 'to complete': it is left as it was."""
    if row.impact_if_not_shared is None or row.impact_if_shared is None:
        return False
    return impact_to_complete(
        DecisionInput(
            urgent=row.urgent,
            outcome=Outcome(row.outcome),
            reasons=row.reasons,
            impact_if_not_shared=row.impact_if_not_shared,
            impact_if_shared=row.impact_if_shared,
        )
    )


def is_latest_version() -> Any:
    """No later version of the same decision exists (uses the (root_id, version) key)."""
    newer = aliased(SharingDecision)
    return ~exists().where(
        col(newer.root_id) == SharingDecision.root_id, col(newer.version) > SharingDecision.version
    )


class Decisions(UseCases):
    def log(
        self, actor: Actor, data: DecisionInput, *, draft_id: int | None = None
    ) -> DecisionView:
        """Save a new decision. When it comes from a draft, the draft is removed and its
        advice requests are linked to the decision in the same transaction."""
        require(actor, Permission.WORK_WITH_PEOPLE)
        d = data.cleaned()
        check(validate_decision(d))
        # Built before the write transaction: other terminals' saves wait while one is open.
        prepared = [_row_from_input(d, actor)]

        def work(s: Session) -> Saved:
            row, subject, others = self._insert(
                s,
                actor,
                d,
                root_id=None,
                version=1,
                supersedes=None,
                reason="",
                row=prepared.pop() if prepared else None,  # a retry builds its own
            )
            summary = f"person {row.subject_id}; {row.outcome}"
            return self._saved(s, actor, draft_id, row, subject, others, "decision.create", summary)

        return self._view_of(*self.store.write(work, actor), decider_name=actor.display_name)

    def amend(
        self,
        actor: Actor,
        decision_id: int,
        data: DecisionInput,
        reason: str,
        *,
        draft_id: int | None = None,
    ) -> DecisionView:
        """A correction: a new version pointing at the current one, with its own reason.
        From a draft, the draft goes and its advice is linked to the new version, as in log."""
        require(actor, Permission.WORK_WITH_PEOPLE)
        d = data.cleaned()
        why = clean(reason)
        errors = validate_decision(d, amendment=True)
        missing = "Enter the reason for this amendment"
        if msg := required_text_error(why, LONG_TEXT, missing=missing, noun="reason"):
            errors["amend_reason"] = msg
        check(errors)

        def work(s: Session) -> Saved:
            base = found(s, SharingDecision, decision_id, "That decision does not exist")
            root_id = base.root_id or base.id
            assert root_id is not None  # a stored decision has its id
            # Lock the first version: two terminals amending at once queue here, and the
            # second then sees the first's version instead of colliding on the same number.
            lock(s, LockSpace.DECISION, root_id)
            root = s.exec(
                select(SharingDecision)
                .where(SharingDecision.id == root_id)
                .execution_options(populate_existing=True)
            ).one()
            if root.decided_by_id != actor.user_id:
                raise NotAllowed(
                    "Only the person who made a decision can amend it; "
                    "seek advice if it needs correcting"
                )
            latest = s.exec(
                select(SharingDecision)
                .where(SharingDecision.root_id == root_id)
                .order_by(col(SharingDecision.version).desc())
                .limit(1)
            ).one()
            if latest.id != decision_id:
                raise ValidationFailed(
                    {
                        "amend_reason": (
                            f"This decision was amended since you opened it (now version "
                            f"{latest.version}); open the latest version and amend that"
                        )
                    }
                )
            if d.subject_id != latest.subject_id:
                raise ValidationFailed(
                    {
                        "subject_id": "An amendment keeps the same person; "
                        "log a new decision for someone else"
                    }
                )
            row, subject, others = self._insert(
                s,
                actor,
                d,
                root_id=root_id,
                version=latest.version + 1,
                supersedes=latest.id,
                reason=why,
            )
            summary = f"version {row.version} of {root_id}"
            return self._saved(s, actor, draft_id, row, subject, others, "decision.amend", summary)

        return self._view_of(*self.store.write(work, actor), decider_name=actor.display_name)

    def _insert(
        self,
        s: Session,
        actor: Actor,
        d: DecisionInput,
        *,
        root_id: int | None,
        version: int,
        supersedes: int | None,
        reason: str,
        row: SharingDecision | None = None,
    ) -> Saved:
        """Insert one version (row: the version built from d beforehand, if it was). The
        row is never added to the session: it is written by one statement built once, and
        its people are read as the columns of their summaries, the subject's together with
        recording the activity on them. Returns the row (its id set) and those summaries."""
        subject = touched(s, d.subject_id, "subject_id")
        if d.consent_event_id is not None:
            relied_on = (
                d.consent_position is ConsentPosition.GIVEN
                or d.lawful_basis is LawfulBasis.CONSENT
                or d.art9_condition is Art9Condition.EXPLICIT_CONSENT
            )
            check_relied_consent(
                s,
                d.subject_id,  # type: ignore[arg-type]  # validated: a stored decision names its subject
                d.consent_event_id,
                relied_on=relied_on,
            )
        others = [pid for pid in dict.fromkeys(d.others_affected) if pid != d.subject_id]
        other_people = [summary_of(s, pid, "others_affected") for pid in others]
        if row is None:
            row = _row_from_input(d, actor)
        else:
            row.decided_at = utcnow()  # the time it is saved, not when it was built
        after_share(s, self.store, row)
        if root_id is None:
            # A first version is its own root: take its id first, since the row can never
            # be updated once written (store/append_only.py).
            row.id = next_id(s, "sharing_decision")
            root_id = row.id
        row.root_id = root_id
        row.version = version
        row.supersedes_id = supersedes
        row.amend_reason = reason
        values = {k: getattr(row, k) for k in _DECISION_COLUMNS}
        if row.id is None:  # an amendment: the database gives the id
            del values["id"]
        result = s.execute(_INSERT_DECISION, values)
        if row.id is None:
            assert isinstance(result, CursorResult)  # what an INSERT gives
            key = result.inserted_primary_key
            assert key is not None
            row.id = key[0]
        assert row.id is not None
        if others:
            s.execute(_INSERT_AFFECTED, [{"decision_id": row.id, "person_id": p} for p in others])
        return row, subject, other_people

    def _saved(
        self,
        s: Session,
        actor: Actor,
        draft_id: int | None,
        row: SharingDecision,
        subject: PersonSummary,
        others: list[PersonSummary],
        action: str,
        summary: str,
    ) -> Saved:
        """What follows inserting a version, for a new decision and an amendment alike: its
        draft settled (advice linked to it) and the audit event. Returns what the view is
        made from, which the caller makes after the commit, out of the write turn."""
        _finish_draft(s, actor, draft_id, row)
        append(s, actor, action, "decision", row.id, summary)
        return row, subject, others

    def _view(self, s: Session, row: SharingDecision) -> DecisionView:
        """A stored version as plain data, its people and decider read in s."""
        person = s.get(Person, row.subject_id)
        assert person is not None
        others = [
            summary(p)
            for p in s.exec(
                select(Person)
                .join(DecisionAffected, col(DecisionAffected.person_id) == Person.id)
                .where(DecisionAffected.decision_id == row.id)
            ).all()
        ]
        decider = s.get(User, row.decided_by_id)
        return self._view_of(
            row, summary(person), others, decider_name=decider.display_name if decider else "?"
        )

    @staticmethod
    def _view_of(
        row: SharingDecision,
        subject: PersonSummary,
        others: list[PersonSummary],
        *,
        decider_name: str,
    ) -> DecisionView:
        """The version as plain data from what is already at hand: no query. A version just
        saved is viewed from what its transaction held, after the commit."""
        assert row.id is not None and row.root_id is not None
        return DecisionView(
            row.id,
            row.root_id,
            row.version,
            row.supersedes_id,
            row.amend_reason,
            subject,
            tuple(others),
            Outcome(row.outcome),
            row.urgent,
            row.recipient_org,
            decider_name,
            row.decided_at,
            row.caller_unverified,
            record_dict(row),
            decided_by_id=row.decided_by_id,
            to_complete=_to_complete(row),
        )

    def versions(self, actor: Actor, decision_id: int) -> list[DecisionView]:
        """Every version of the decision, oldest first. Audited as a read of the person."""
        require(actor, Permission.WORK_WITH_PEOPLE)

        def work(s: Session) -> list[DecisionView]:
            base = found(s, SharingDecision, decision_id, "That decision does not exist")
            rows = s.exec(
                select(SharingDecision)
                .where(SharingDecision.root_id == base.root_id)
                .order_by(col(SharingDecision.version))
            ).all()
            views = [self._view(s, r) for r in rows]
            # On the trail of everyone the versions show: the subject, then others affected.
            named = [
                base.subject_id,
                *(p.id for v in views for p in (v.subject, *v.others_affected)),
            ]
            for person_id in dict.fromkeys(named):
                append(s, actor, "decision.view", "person", person_id, f"decision {base.root_id}")
            return views

        return self.store.write(work, actor)

    def to_input(self, view: DecisionView) -> DecisionInput:
        """The stored record as a form, to start an amendment from."""
        data = dict(view.fields)
        if isinstance(data.get("shared_at"), datetime):
            data["shared_at"] = data["shared_at"].isoformat()
        data["others_affected"] = [o.id for o in view.others_affected]
        return DecisionInput.from_dict(data)

    def mine(self, actor: Actor, limit: int = 10) -> list[DecisionView]:
        """The caller's most recent decisions (latest versions), for the home screen."""
        require(actor, Permission.WORK_WITH_PEOPLE)

        def work(s: Session) -> list[DecisionView]:
            rows = s.exec(
                select(SharingDecision)
                .where(SharingDecision.decided_by_id == actor.user_id, is_latest_version())
                .order_by(col(SharingDecision.decided_at).desc())
                .limit(limit)
            ).all()
            return [self._view(s, r) for r in rows]

        return self.store.read(work, actor)

    def to_complete(self, actor: Actor, limit: int = 50) -> list[DecisionView]:
        """The caller's urgent decisions still waiting for their rule 5 answers (latest
        versions, oldest first): the sender's home shows them 'to complete'."""
        require(actor, Permission.WORK_WITH_PEOPLE)

        def work(s: Session) -> list[DecisionView]:
            rows = s.exec(
                select(SharingDecision)
                .where(
                    SharingDecision.decided_by_id == actor.user_id,
                    SharingDecision.urgent == True,  # noqa: E712 - a SQL expression
                    SharingDecision.impact_if_not_shared == "",
                    is_latest_version(),
                )
                .order_by(col(SharingDecision.decided_at))
            ).all()
            return [self._view(s, r) for r in rows if _to_complete(r)][:limit]

        return self.store.read(work, actor)

    def for_person(
        self, actor: Actor, person_id: int, offset: int = 0, limit: int = 20
    ) -> Page[DecisionView]:
        require(actor, Permission.WORK_WITH_PEOPLE)

        def work(s: Session) -> Page[DecisionView]:
            rows = s.exec(
                select(SharingDecision)
                .where(SharingDecision.subject_id == person_id, is_latest_version())
                .order_by(col(SharingDecision.decided_at).desc())
                .offset(offset)
                .limit(limit + 1)
            ).all()
            append(s, actor, "decision.list", "person", person_id)
            return Page(
                tuple(self._view(s, r) for r in rows[:limit]), offset, limit, len(rows) > limit
            )

        return self.store.write(work, actor)

    def recent_recipients(self, actor: Actor, limit: int = 9) -> list[Recipient]:
        """Recipients this user shared with lately, most recent first, for one-key reuse."""
        require(actor, Permission.WORK_WITH_PEOPLE)

        def work(s: Session) -> list[Recipient]:
            last = sa_func.max(SharingDecision.decided_at).label("last")
            rows = s.execute(
                sa_select(
                    col(SharingDecision.recipient_org),
                    col(SharingDecision.recipient_role),
                    col(SharingDecision.recipient_name),
                    col(SharingDecision.recipient_contact),
                    last,
                )
                .where(
                    col(SharingDecision.decided_by_id) == actor.user_id,
                    col(SharingDecision.recipient_org) != "",
                )
                .group_by(
                    SharingDecision.recipient_org,
                    SharingDecision.recipient_role,
                    SharingDecision.recipient_name,
                    SharingDecision.recipient_contact,
                )
                .order_by(last.desc())
                .limit(limit)
            ).all()
            return [Recipient(r[0], r[1], r[2], r[3]) for r in rows]

        return self.store.read(work, actor)
