"""How stored advice requests become the plain views the screens show.

Kept apart from the use cases in services/advice.py because it answers one question of its own
(who may see which person a request is about) and because the queue shows a page of requests at a
time: a page is built with at most three queries in all (names, reveals, people), not three per
row, and every use case returns its request through the same door.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session, col, select

from sharetui.domain.enums import AdviceEventKind, AdviceRole, AdviceStatus, Urgency
from sharetui.services.unit_of_work import Actor
from sharetui.services.views import AdviceView
from sharetui.store.models import AdviceEvent, AdviceRequest, Person, User


def advice_views(s: Session, rows: Iterable[AdviceRequest], actor: Actor) -> list[AdviceView]:
    """Views of many rows as `actor` may see them: an anonymised person stays hidden from an
    adviser until that adviser has recorded a reveal."""
    rows = list(rows)
    if not rows:
        return []
    names = _user_names(
        s, {u for r in rows for u in (r.raised_by_id, r.claimed_by_id, r.advised_by_id)}
    )
    hidden = {
        r.id
        for r in rows
        if r.person_id is not None and r.anonymised and r.raised_by_id != actor.user_id
    }
    if hidden:
        hidden -= set(
            s.exec(
                select(AdviceEvent.advice_id).where(
                    col(AdviceEvent.advice_id).in_(hidden),
                    AdviceEvent.user_id == actor.user_id,
                    AdviceEvent.kind == AdviceEventKind.REVEALED.value,
                )
            ).all()
        )
    shown = {r.person_id for r in rows if r.person_id is not None and r.id not in hidden}
    people: dict[int, Person | None] = {}
    if len(shown) == 1:  # a single row: the session may already hold the person
        pid = next(iter(shown))
        people[pid] = s.get(Person, pid)
    elif shown:
        found = s.exec(select(Person).where(col(Person.id).in_(shown))).all()
        people = {p.id: p for p in found if p.id is not None}
    return [_build(row, names, hidden, people) for row in rows]


def advice_view(s: Session, row: AdviceRequest, actor: Actor) -> AdviceView:
    """The view of one request, built the same way as a page of them."""
    return advice_views(s, [row], actor)[0]


def _build(
    row: AdviceRequest,
    names: dict[int | None, str],
    hidden: set[int | None],
    people: dict[int, Person | None],
) -> AdviceView:
    assert row.id is not None
    person_id = row.person_id
    if row.person_id is None:
        label = "no person named"
    elif row.id in hidden:
        label = row.person_description
        person_id = None
    else:
        p = people.get(row.person_id)
        label = f"{p.given_names} {p.family_name} ({p.reference})" if p else "?"
    return AdviceView(
        row.id,
        row.question,
        row.anonymised,
        person_id,
        label,
        AdviceRole(row.advice_role),
        Urgency(row.urgency),
        row.due_at,
        AdviceStatus(row.status),
        names.get(row.raised_by_id, "?"),
        row.raised_at,
        names.get(row.claimed_by_id, ""),
        row.claimed_at,
        row.advice_text,
        names.get(row.advised_by_id, ""),
        row.advised_at,
        row.outcome_text,
        row.closed_at,
        row.decision_id,
        row.draft_id,
        row.raised_by_id,
        row.claimed_by_id,
    )


def _user_names(s: Session, ids: set[int | None]) -> dict[int | None, str]:
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    rows = s.exec(select(User.id, User.display_name).where(col(User.id).in_(wanted))).all()
    return {i: n for i, n in rows}
