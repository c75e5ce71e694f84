"""Helpers for the person lookup tests: actors for arranging data, the text on screen, a
history arranged through the services, and a timed search:

    async with app.run_test(size=(80, 24)) as pilot:
        ...sign in...
        pilot.app.open_search(); await pilot.pause()
        seconds = await time_search(pilot, "smi ja")          # to that query's rows shown

(Opening a person is timed to the frame painted by benchmarks/measures/painted.py.)
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select
from textual.pilot import Pilot
from textual.widgets import Input

from sharetui.domain.consent import ConsentInput
from sharetui.domain.decision import DecisionInput
from sharetui.domain.enums import ConsentGiver, ConsentMethod, ConsentStatus, Outcome
from sharetui.services.facade import Services
from sharetui.services.unit_of_work import Actor
from sharetui.services.users import _view, actor_for
from sharetui.store.models import User


def actor(services: Services, username: str) -> Actor:
    """A signed-in Actor for a stored account, without hashing a passphrase."""
    with Session(services.store.engine) as s:
        user = s.exec(select(User).where(User.username == username)).one()
        return actor_for(_view(user), "ui-test")


def consent_input(person_id: int, i: int, start: datetime) -> ConsentInput:
    """Events on five scopes, alternating given and withdrawn, one a day back from start."""
    return ConsentInput(
        person_id=person_id,
        status=ConsentStatus.GIVEN if (i // 5) % 2 else ConsentStatus.WITHDRAWN,
        given_by=ConsentGiver.PARENT_WITH_PR,
        method=ConsentMethod.VERBAL,
        told="Who would see it and why",
        scope_information=f"Information set {i % 5}",
        scope_recipient="School nurse",
        scope_purpose="Care plan",
        effective_at=start - timedelta(days=i),
    )


def arrange_timeline(
    services: Services,
    by: Actor,
    person_id: int,
    *,
    consent: int = 250,
    decisions: int = 40,
    advice: int = 10,
    start: datetime | None = None,
) -> int:
    """A long history through the services: consent events, decisions not to share, advice
    requests. Returns how many timeline entries it made."""
    start = start or datetime(2026, 1, 1, 12, tzinfo=UTC)
    for i in range(consent):
        services.consent.record(by, consent_input(person_id, i, start))
    for i in range(decisions):
        services.decisions.log(
            by,
            DecisionInput(
                subject_id=person_id,
                urgent=False,
                outcome=Outcome.DO_NOT_SHARE,
                reasons=f"Not needed: already known to social care ({i})",
                impact_if_not_shared="Nothing changes for the child",
            ),
        )
    for i in range(advice):
        services.advice.raise_request(
            by,
            question=f"Should we tell the school? ({i})",
            advice_role="dsl",
            urgency="routine",
            person_id=person_id,
        )
    return consent + decisions + advice


async def _next_paint(pilot: Pilot[None]) -> None:
    """Wait until the screen has been refreshed (composited) once more."""
    painted: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    pilot.app.screen.call_after_refresh(lambda: painted.done() or painted.set_result(None))
    await painted


async def time_search(pilot: Pilot[None], text: str) -> float:
    """Seconds from a query typed in the search box to its page of matches painted (the
    box is emptied first, so the same query can be timed again)."""
    app = pilot.app
    screen = app.screen
    box = screen.query_one("#search", Input)
    if box.value:
        box.value = ""
        await screen.results_shown.wait()  # type: ignore[attr-defined]
        await pilot.pause()
    start = time.perf_counter()
    box.value = text
    await screen.results_shown.wait()  # type: ignore[attr-defined]
    await _next_paint(pilot)
    elapsed = time.perf_counter() - start
    await pilot.pause()
    return elapsed
