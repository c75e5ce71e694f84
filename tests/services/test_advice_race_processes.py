"""The claim race between separate processes: N terminals, each its own Services (its own
engine, pool and connections) on one database, released together, all claim the same item.
Exactly one wins; every other one is told, in words, who has it and since when."""

from __future__ import annotations

import multiprocessing as mp
import queue
from multiprocessing.synchronize import Barrier

from sharetui.config import Settings
from sharetui.domain.errors import Conflict
from sharetui.services.facade import Services
from sharetui.services.unit_of_work import Actor
from sharetui.services.users import actor_for
from tests.conftest import PASSPHRASE

TERMINALS = 4  # separate interpreters: each start costs seconds, four show the race
ROUNDS = 3


def _terminal(
    database_url: str,
    actor: Actor,
    advice_ids: list[int],
    barrier: Barrier,
    results: mp.Queue,  # type: ignore[type-arg]
) -> None:
    """One terminal: open the database, wait for the others, claim; report what it was told."""
    services = Services.open(
        Settings(database_url=database_url, terminal=actor.terminal), migrate=False
    )
    try:
        services.advice.counts(actor)  # connected and warm before the start line
        for advice_id in advice_ids:
            barrier.wait(timeout=120)
            try:
                view = services.advice.claim(actor, advice_id)
            except Conflict as exc:
                results.put((advice_id, actor.username, "lost", exc.message))
            except Exception as exc:  # noqa: BLE001 - reported to the test, which fails on it
                results.put((advice_id, actor.username, "error", repr(exc)))
            else:
                results.put((advice_id, actor.username, "won", view.claimed_by))
    finally:
        services.close()


def test_processes_claim_at_once_exactly_one_wins(svc, actors, settings):
    advisers = [
        actor_for(
            svc.users.create(
                actors.ada, f"dsl{i}", f"Adviser {i}", "supervisor", ["dsl"], PASSPHRASE
            ),
            f"terminal-{i}",
        )
        for i in range(TERMINALS)
    ]
    items = [
        svc.advice.raise_request(
            actors.pat, question=f"Race {n}", advice_role="dsl", urgency="urgent"
        ).id
        for n in range(ROUNDS)
    ]

    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(TERMINALS)
    results = ctx.Queue()
    processes = [
        ctx.Process(
            target=_terminal, args=(settings.database_url, adviser, items, barrier, results)
        )
        for adviser in advisers
    ]
    for p in processes:
        p.start()
    outcomes: list[tuple[int, str, str, str]] = []
    try:
        for _ in range(TERMINALS * ROUNDS):
            outcomes.append(results.get(timeout=180))
    except queue.Empty:
        raise AssertionError(f"terminals stopped reporting; heard {outcomes}") from None
    finally:
        for p in processes:
            p.join(timeout=60)
            if p.is_alive():
                p.kill()
    assert [p.exitcode for p in processes] == [0] * TERMINALS

    names = {a.username: a.display_name for a in advisers}
    for advice_id in items:
        told = [o for o in outcomes if o[0] == advice_id]
        assert len(told) == TERMINALS
        assert not [o for o in told if o[2] == "error"], told
        winners = [o for o in told if o[2] == "won"]
        assert len(winners) == 1, told
        _, winner, _, claimed_by = winners[0]
        assert claimed_by == names[winner]

        stored = svc.advice.get(actors.pat, advice_id)
        assert stored.claimed_by == names[winner]
        assert stored.claimed_at is not None
        at = stored.claimed_at.astimezone(settings.tz)
        expected = f"Already claimed by {names[winner]} at {at:%H:%M}"
        assert [o[3] for o in told if o[2] == "lost"] == [expected] * (TERMINALS - 1)

        history = svc.advice.history(actors.pat, advice_id)
        assert [h.by for h in history if h.kind == "claimed"] == [names[winner]]
