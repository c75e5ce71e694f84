"""One terminal in the concurrency proof: a signed-in user doing a random mix of work against
the shared database, reporting (as one JSON line) everything the services told it was done.

    python -m tests.proofs.terminal_worker DATABASE_URL WORKER OPS SEED PERSON_IDS

Practitioners log decisions, record consent, raise advice and record the outcome of advice
they were given; supervisors do the same work and race each other to claim the head of the
advice queue, then give their advice. Waits for "go" on stdin so all terminals start at once.
"""

from __future__ import annotations

import json
import random
import sys
import time
from collections import Counter
from typing import Any

from sharetui.config import Settings
from sharetui.domain.enums import AdviceStatus
from sharetui.domain.errors import Conflict, StoreUnavailable
from sharetui.services.facade import Services
from sharetui.services.store import Actor
from tests.proofs.workload import actor, consent, share

USERS = ["pat", "sam", "pip", "sue"]  # practitioners and supervisors alternate
PRACTITIONER_MIX = {"decision": 40, "consent": 25, "raise": 25, "close": 10}
SUPERVISOR_MIX = {"decision": 20, "consent": 15, "raise": 15, "claim": 50}


class Terminal:
    def __init__(self, svc: Services, me: Actor, people: list[int], rng: random.Random) -> None:
        self.svc, self.me, self.people, self.rng = svc, me, people, rng
        self.done: dict[str, list[int]] = {
            k: [] for k in ("decisions", "consents", "raised", "claimed", "advised", "closed")
        }
        self.conflicts: Counter[str] = Counter()
        self.unavailable: Counter[str] = Counter()
        self.errors: list[str] = []

    def op(self, name: str, tag: str) -> None:
        try:
            getattr(self, f"do_{name}")(tag)
        except Conflict:
            self.conflicts[name] += 1  # someone else was first: the expected outcome of a race
        except StoreUnavailable:
            self.unavailable[name] += 1
        except Exception as exc:  # noqa: BLE001 - any other error is what the proof looks for
            self.errors.append(f"{name}: {type(exc).__name__}: {exc}")

    def do_decision(self, tag: str) -> None:
        view = self.svc.decisions.log(self.me, share(self.rng.choice(self.people), tag))
        self.done["decisions"].append(view.id)

    def do_consent(self, tag: str) -> None:
        view = self.svc.consent.record(self.me, consent(self.rng.choice(self.people), tag))
        self.done["consents"].append(view.id)

    def do_raise(self, tag: str) -> None:
        view = self.svc.advice.raise_request(
            self.me,
            question=f"May we share with the school? {tag}",
            advice_role="dsl",
            urgency=self.rng.choice(["urgent", "today", "routine"]),
            person_id=self.rng.choice(self.people),
        )
        self.done["raised"].append(view.id)

    def do_claim(self, tag: str) -> None:
        head = self.svc.advice.queue(self.me, roles=["dsl"], limit=3).items
        if not head:
            self.conflicts["empty_queue"] += 1
            return
        pending = [a for a in head if a.status is AdviceStatus.PENDING] or list(head)
        item = self.rng.choice(pending[:2])
        claimed = self.svc.advice.claim(self.me, item.id)
        self.done["claimed"].append(claimed.id)
        self.svc.advice.advise(self.me, claimed.id, f"Share the minimum needed {tag}")
        self.done["advised"].append(claimed.id)

    def do_close(self, tag: str) -> None:
        advised = [a for a in self.svc.advice.mine(self.me) if a.status is AdviceStatus.ADVISED]
        if not advised:
            self.conflicts["nothing_to_close"] += 1
            return
        view = self.svc.advice.close(self.me, self.rng.choice(advised).id, f"Shared {tag}")
        self.done["closed"].append(view.id)


def main(url: str, worker: int, ops: int, seed: int, people: list[int]) -> None:
    username = USERS[worker % len(USERS)]
    svc = Services.open(Settings(database_url=url, terminal=f"term-{worker}"), migrate=False)
    me = actor(svc, username, f"term-{worker}")
    rng = random.Random(seed * 1000 + worker)
    terminal = Terminal(svc, me, people, rng)
    mix = SUPERVISOR_MIX if me.role == "supervisor" else PRACTITIONER_MIX
    names, weights = list(mix), list(mix.values())
    print("ready", flush=True)
    if sys.stdin.readline().strip() != "go":
        return
    started = time.perf_counter()
    for i in range(ops):
        terminal.op(rng.choices(names, weights)[0], f"w{worker}o{i}")
    report: dict[str, Any] = {
        "worker": worker,
        "user": username,
        "ops": ops,
        "seconds": time.perf_counter() - started,
        **terminal.done,
        "conflicts": dict(terminal.conflicts),
        "unavailable": dict(terminal.unavailable),
        "errors": terminal.errors,
    }
    print(json.dumps(report), flush=True)
    svc.close()


if __name__ == "__main__":
    main(
        sys.argv[1],
        int(sys.argv[2]),
        int(sys.argv[3]),
        int(sys.argv[4]),
        [int(x) for x in sys.argv[5].split(",")],
    )
