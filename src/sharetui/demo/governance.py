"""The demo's information governance story: subject access requests (one answered on time
after review, one overdue, one due within the week, one waiting for proof of identity) and
former pupils whose child protection records have passed the 25th birthday review date, one
of them under a legal hold. Sam (the information governance lead in the demo) does the work.

Its own random stream, so adding it leaves every other part of a seed's demo as it was.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

from sharetui.demo.world import _Family, _Plan, _World
from sharetui.domain.governance import due_date
from sharetui.domain.person import PersonInput

FORMER_PUPILS = (
    ("Ashworth", "Kieran"),
    ("Delacroix", "Maisie"),
    ("Okonkwo", "Tobenna"),
)


def _at(w: _World, day: date, hour: int = 10, after: datetime | None = None) -> datetime:
    """A moment on that day, never before `after` (the child must be known by then)."""
    moment = datetime.combine(day, time(hour, 0), tzinfo=w.tz).astimezone(UTC)
    if after is not None:
        moment = max(moment, after + timedelta(hours=2))
    return w.cap(moment)


def _working_day_before(day: date, days: int) -> date:
    d = day - timedelta(days=days)
    while d.weekday() >= 5:
        d -= timedelta(days=1)
    return d


def plan_governance(w: _World, plan: _Plan, families: list[_Family]) -> None:
    """Add the governance story's steps to the plan."""
    rng = random.Random(f"governance-{w.now.date().isoformat()}-{len(families)}")
    today = w.now.astimezone(w.tz).date()
    sam = w.actors["sam"]
    # Former pupils past their 25th birthday: due for review; one under a legal hold.
    created = w.now - timedelta(days=300)
    for n, (family, given) in enumerate(FORMER_PUPILS):
        plan.at(created + timedelta(hours=n), _former_pupil_step(w, rng, family, given, n == 2))

    # Children known before the first request arrived (else the earliest four known).
    known = sorted(
        ((fam.first_contact, c) for fam in families for c in fam.children), key=lambda t: t[0]
    )
    if len(known) < 4:
        return
    early = [c for first, c in known if first < w.now - timedelta(days=70)]
    pool = early if len(early) >= 4 else [c for _, c in known[:4]]
    chosen = rng.sample(pool, k=4)
    answered_child, overdue_child, soon_child, waiting_child = chosen
    first_known = max(first for first, c in known if any(c is x for x in chosen))

    def reference(key: str) -> str:
        return w.svc.people.summary(sam, w.person_ids[key]).reference

    def log(key: str, received: date, identity: date | None, requester: str, rel: str) -> int:
        view = w.svc.sar.log(
            sam,
            reference(key),
            requester_name=requester,
            relationship=rel,
            received_on=received,
            identity_confirmed_on=identity,
        )
        w.bump("subject_access_requests")
        return view.id

    # Answered on time: received about two months ago, reviewed, the file given out.
    received = _working_day_before(today, 62)
    ids: dict[str, int] = {}

    def answered_log() -> None:
        ids["answered"] = log(
            answered_child.key, received, received, "Parent of the child", "parent_with_pr"
        )

    def answered_review() -> None:
        sar_id = ids["answered"]
        reasons = {
            "third_party": ("withhold", "Other people's details: not theirs to receive"),
            "protected": ("withhold", "Identity protected by the sharing decision"),
            "other_subject": ("withhold", "A record about someone else"),
            "staff": ("release", "Staff acting in their professional role"),
            "free_text": ("release", "Read: about the child, no one else named"),
        }
        for mark, (choice, why) in reasons.items():
            w.svc.sar_reviews.review(sam, sar_id, f"mark:{mark}", choice, why)
        w.svc.sar_reviews.disclose(sam, sar_id, "json")
        w.svc.sar.answer(sam, sar_id, min(due_date(received) - timedelta(days=3), today))

    plan.at(_at(w, received, after=first_known), answered_log)
    plan.at(_at(w, received + timedelta(days=24), 14, after=first_known), answered_review)

    # Overdue: the clock ran out ten days ago.
    late = _working_day_before(today, 40)
    plan.at(
        _at(w, late, after=first_known),
        lambda: log(overdue_child.key, late, late, "Solicitor acting for the mother", "acting_for"),
    )
    # Due within the week.
    soon = _working_day_before(today, 26)
    plan.at(
        _at(w, soon, after=first_known),
        lambda: log(soon_child.key, soon, soon, "Parent of the child", "parent_with_pr"),
    )
    # Waiting for proof of identity: the clock has not started.
    waiting = _working_day_before(today, 3)
    plan.at(
        _at(w, waiting, after=first_known),
        lambda: log(
            waiting_child.key, waiting, None, "Caller saying she is the aunt", "acting_for"
        ),
    )


def _former_pupil_step(
    w: _World, rng: random.Random, family: str, given: str, held: bool
) -> Callable[[], None]:
    today = w.now.astimezone(w.tz).date()
    dob = date(today.year - 26, rng.randrange(1, 13), rng.randrange(1, 28))
    ref = f"DEMO-FP{w.next_ref:03d}"
    w.next_ref += 1

    def step() -> None:
        sam = w.actors["sam"]
        w.svc.people.create(
            sam,
            PersonInput(
                family_name=family,
                given_names=given,
                date_of_birth=dob,
                reference=ref,
                notes="Child protection file kept from their time at the school.",
            ),
            confirm_not_duplicate=True,
        )
        w.svc.retention.set_kind(sam, ref, "child_protection")
        if held:
            w.svc.retention.hold(sam, ref, "Independent inquiry: preservation notice received")
        w.bump("people")
        w.bump("due_for_review")

    return step
