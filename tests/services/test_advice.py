"""Seek advice on both databases: raise, the queue, claim (one winner), advise, close."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest

from sharetui.domain.enums import AdviceRole, AdviceStatus, Urgency
from sharetui.domain.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from sharetui.domain.person import age_on
from sharetui.services.facade import Services
from sharetui.services.views import AdviceView
from sharetui.store.models import AdviceRequest
from tests.services.helpers import audit_actions, count, last_audit_id, no_share, person


def ask(svc, actor, question="Can I share with the school nurse?", **kw):
    kw.setdefault("advice_role", "dsl")
    kw.setdefault("urgency", "today")
    return svc.advice.raise_request(actor, question=question, **kw)


def test_named_request_shows_the_person_to_the_adviser(svc, actors):
    p = person(svc, actors.pat)
    item = ask(svc, actors.pat, person_id=p.id)
    seen = svc.advice.get(actors.sam, item.id)
    assert seen.person_label == f"Jane Smith ({p.reference})"
    assert seen.person_id == p.id
    assert (seen.status, seen.raised_by, seen.advice_role) == (
        AdviceStatus.PENDING,
        "Pat Practitioner",
        AdviceRole.DSL,
    )


def test_anonymised_request_hides_the_name_until_revealed(svc, actors):
    p = person(svc, actors.pat, dob=date(2018, 6, 1))
    item = ask(svc, actors.pat, person_id=p.id, anonymised=True)
    age = age_on(date(2018, 6, 1), date.today())
    assert item.person_label == f"Jane Smith ({p.reference})"  # the requester knows who
    for adviser in (actors.sam, actors.sue):
        seen = svc.advice.get(adviser, item.id)
        assert (seen.person_label, seen.person_id) == (f"a child, aged {age}", None)
    [queued] = svc.advice.queue(actors.sam).items
    assert "Smith" not in queued.person_label and queued.person_id is None

    before = last_audit_id(svc)
    with pytest.raises(ValidationFailed) as err:
        svc.advice.reveal(actors.sam, item.id, " ")
    assert set(err.value.field_errors) == {"reason"}
    revealed = svc.advice.reveal(actors.sam, item.id, "Need to check the child protection plan")
    assert (revealed.person_label, revealed.person_id) == (f"Jane Smith ({p.reference})", p.id)
    assert audit_actions(svc, before) == [("advice.reveal", "person", str(p.id))]
    history = svc.advice.history(actors.sam, item.id)
    assert [(h.kind, h.by, h.note) for h in history][-1] == (
        "revealed",
        "Sam Supervisor",
        "Need to check the child protection plan",
    )
    # Revealing to one adviser reveals nothing to another.
    assert svc.advice.get(actors.sue, item.id).person_id is None


def test_queue_is_urgent_first_then_oldest(svc, actors):
    made = {}
    for name, urgency in [
        ("routine 1", "routine"),
        ("today 1", "today"),
        ("urgent 1", "urgent"),
        ("routine 2", "routine"),
        ("urgent 2", "Urgent"),
        ("today 2", "today"),
    ]:
        made[name] = ask(svc, actors.pat, question=name, urgency=urgency)
    queue = svc.advice.queue(actors.sam)
    assert [a.question for a in queue.items] == [
        "urgent 1",
        "urgent 2",
        "today 1",
        "today 2",
        "routine 1",
        "routine 2",
    ]
    urgent = made["urgent 1"]
    assert urgent.due_at - urgent.raised_at == timedelta(hours=1)
    page = svc.advice.queue(actors.sam, limit=4)
    assert len(page.items) == 4 and page.has_more
    assert [a.question for a in svc.advice.queue(actors.sam, urgencies=["today"]).items] == [
        "today 1",
        "today 2",
    ]
    assert svc.advice.counts(actors.sam)["by_urgency"] == {"urgent": 2, "today": 2, "routine": 2}


def test_queue_shows_only_the_callers_advice_roles(svc, actors):
    ask(svc, actors.pat, question="for the DSL", advice_role="dsl")
    ask(svc, actors.pat, question="for Caldicott", advice_role="Caldicott guardian")
    ask(svc, actors.pat, question="for SLT", advice_role="senior_leadership")
    sam = {a.question for a in svc.advice.queue(actors.sam).items}  # dsl + caldicott
    assert sam == {"for the DSL", "for Caldicott"}
    sue = {a.question for a in svc.advice.queue(actors.sue).items}  # dsl only
    assert sue == {"for the DSL"}
    only = svc.advice.queue(actors.sam, roles=["caldicott"]).items
    assert [a.question for a in only] == ["for Caldicott"]
    # Asking for someone else's role shows nothing rather than their queue.
    assert svc.advice.queue(actors.sue, roles=["senior_leadership", "caldicott"]).items == ()
    assert svc.advice.counts(actors.sue)["total"] == 1


def test_claim_release_advise_close(svc, actors):
    p = person(svc, actors.pat)
    item = ask(svc, actors.pat, person_id=p.id)
    with pytest.raises(Conflict, match="Claim this request before giving advice"):
        svc.advice.advise(actors.sam, item.id, "Share it")
    claimed = svc.advice.claim(actors.sam, item.id)
    assert (claimed.status, claimed.claimed_by) == (AdviceStatus.CLAIMED, "Sam Supervisor")
    with pytest.raises(Conflict, match="Only the supervisor holding this request"):
        svc.advice.release(actors.sue, item.id)
    with pytest.raises(Conflict, match="Claim this request before giving advice"):
        svc.advice.advise(actors.sue, item.id, "Do not share")
    released = svc.advice.release(actors.sam, item.id)
    assert (released.status, released.claimed_by, released.claimed_at) == (
        AdviceStatus.PENDING,
        "",
        None,
    )
    svc.advice.claim(actors.sue, item.id)
    with pytest.raises(Conflict, match="The outcome can be recorded once advice has been given"):
        svc.advice.close(actors.pat, item.id, "Shared")
    with pytest.raises(ValidationFailed) as err:
        svc.advice.advise(actors.sue, item.id, "\x1b \u202e")
    assert err.value.field_errors == {"advice_text": "Enter your advice"}
    advised = svc.advice.advise(actors.sue, item.id, "Share\x1b[0m: the risk\u202e is clear")
    assert (advised.status, advised.advice_text, advised.advised_by) == (
        AdviceStatus.ADVISED,
        "Share[0m: the risk is clear",
        "Sue Supervisor",
    )
    assert svc.advice.queue(actors.sam).items == ()  # no longer open
    assert [a.id for a in svc.advice.mine(actors.pat)] == [item.id]  # advice waiting for pat
    with pytest.raises(NotAllowed, match="Only the requester or the adviser"):
        svc.advice.close(actors.pip, item.id, "Not mine")
    closed = svc.advice.close(actors.pat, item.id, "Shared with the nurse by secure email")
    assert (closed.status, closed.outcome_text) == (
        AdviceStatus.CLOSED,
        "Shared with the nurse by secure email",
    )
    assert closed.closed_at is not None
    with pytest.raises(Conflict):
        svc.advice.close(actors.sue, item.id, "again")
    assert svc.advice.mine(actors.pat) == []
    kinds = [(h.kind, h.by) for h in svc.advice.history(actors.pat, item.id)]
    assert kinds == [
        ("raised", "Pat Practitioner"),
        ("claimed", "Sam Supervisor"),
        ("released", "Sam Supervisor"),
        ("claimed", "Sue Supervisor"),
        ("advised", "Sue Supervisor"),
        ("closed", "Pat Practitioner"),
    ]


def test_the_adviser_can_close_too(svc, actors):
    item = ask(svc, actors.pat)
    svc.advice.claim(actors.sam, item.id)
    svc.advice.advise(actors.sam, item.id, "Do not share yet")
    closed = svc.advice.close(actors.sam, item.id, "Discussed by phone; not shared")
    assert closed.status is AdviceStatus.CLOSED


def test_claiming_twice_names_who_holds_it(svc, actors, settings):
    item = ask(svc, actors.pat)
    won = svc.advice.claim(actors.sam, item.id)
    at = won.claimed_at.astimezone(settings.tz)
    with pytest.raises(Conflict) as err:
        svc.advice.claim(actors.sue, item.id)
    assert err.value.message == f"Already claimed by Sam Supervisor at {at:%H:%M}"
    with pytest.raises(NotFound):
        svc.advice.claim(actors.sam, 999_999)


def _race(terminals: list[Services], actors, advice_id: int) -> dict[str, object]:
    """sam on one terminal and sue on the other press 'claim' at the same moment."""
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def claim(svc: Services, actor) -> None:  # type: ignore[no-untyped-def]
        barrier.wait()
        try:
            outcomes[actor.username] = svc.advice.claim(actor, advice_id)
        except Exception as exc:  # noqa: BLE001 - the loser's error is the result
            outcomes[actor.username] = exc

    threads = [
        threading.Thread(target=claim, args=(terminals[0], actors.sam)),
        threading.Thread(target=claim, args=(terminals[1], actors.sue)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes


def test_two_terminals_claim_at_once_exactly_one_wins(settings, actors):
    """Each terminal has its own Services (its own engine and connections) on one database."""
    terminals = [Services.open(settings, migrate=False) for _ in range(2)]
    try:
        for _round in range(3):
            item = ask(terminals[0], actors.pat)
            outcomes = _race(terminals, actors, item.id)
            winners = [o for o in outcomes.values() if isinstance(o, AdviceView)]
            losers = [o for o in outcomes.values() if isinstance(o, Exception)]
            assert len(winners) == 1 and len(losers) == 1, outcomes
            win, lost = winners[0], losers[0]
            assert isinstance(lost, Conflict), lost
            assert win.claimed_at is not None
            at = win.claimed_at.astimezone(settings.tz)
            assert lost.message == f"Already claimed by {win.claimed_by} at {at:%H:%M}"
            stored = terminals[1].advice.get(actors.pat, item.id)
            assert stored.claimed_by == win.claimed_by
            history = terminals[1].advice.history(actors.pat, item.id)
            assert [h.by for h in history if h.kind == "claimed"] == [win.claimed_by]
    finally:
        for t in terminals:
            t.close()


INVALID_REQUESTS = [
    ({"question": " \x1b "}, "question"),
    ({"question": "q" * 20_001}, "question"),
    ({"advice_role": "the janitor"}, "advice_role"),
    ({"urgency": "whenever"}, "urgency"),
    ({"person_id": 999_999}, "person_id"),
    ({"decision_id": 999_999}, "decision_id"),
    ({"draft_id": 999_999}, "draft_id"),
]


def test_invalid_request_stores_nothing(svc, actors):
    before = last_audit_id(svc)
    for kw, field in INVALID_REQUESTS:
        with pytest.raises(ValidationFailed) as err:
            ask(svc, actors.pat, **kw)
        assert field in err.value.field_errors, kw
    assert count(svc, AdviceRequest) == 0
    assert last_audit_id(svc) == before


def test_request_linked_to_a_decision(svc, actors):
    p = person(svc, actors.pat)
    d = svc.decisions.log(actors.pat, no_share(p.id))
    item = ask(svc, actors.pat, person_id=p.id, decision_id=d.id, urgency=Urgency.ROUTINE.value)
    assert [a.id for a in svc.advice.for_decision(actors.pat, d.id)] == [item.id]
    assert svc.advice.get(actors.pat, item.id).question == "Can I share with the school nurse?"


def test_an_over_long_reveal_reason_is_refused_not_cut(svc, actors):
    import pytest

    from sharetui.domain.errors import ValidationFailed
    from tests.services.helpers import person

    child = person(svc, actors.pat)
    item = svc.advice.raise_request(
        actors.pat,
        question="q",
        advice_role="dsl",
        urgency="today",
        person_id=child.id,
        anonymised=True,
    )
    with pytest.raises(ValidationFailed) as refused:
        svc.advice.reveal(actors.sam, item.id, "r" * 2_001)
    assert "2,000 characters or fewer" in refused.value.field_errors["reason"]
    assert [e.kind for e in svc.advice.history(actors.sam, item.id)] == ["raised"]
