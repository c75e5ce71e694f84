"""One terminal in the concurrency proof: a signed-in user doing a random mix of work against
the shared database, reporting (as one JSON line) everything the services told it was done,
and how long each action took.

    python -m tests.proofs.terminal_worker DATABASE_URL WORKER OPS SEED PERSON_IDS LINK_IDS

First, every terminal runs the same race rounds at once (round r: add the person "Race
Round<r>" born on one date, add a person with reference RACE-<r>, link people LINK_IDS[2r]
and LINK_IDS[2r+1] with a relationship of its own), so that exactly one terminal may win each
and the others must be told why, in the words a single terminal would hear. Then the mix:
practitioners log decisions, record consent, raise advice and record the outcome of advice
they were given; supervisors do the same work and race each other to claim the head of the
advice queue, then give their advice. Waits for "go" on stdin so all terminals start at once.
"""

from __future__ import annotations

import json
import random
import sys
import time
from collections import Counter
from datetime import date
from typing import Any

from sharetui.config import Settings
from sharetui.domain.enums import AdviceStatus, Relationship
from sharetui.domain.errors import Conflict, StoreUnavailable, ValidationFailed
from sharetui.domain.person import PersonInput
from sharetui.services.facade import Services
from sharetui.services.people import PossibleDuplicate
from sharetui.services.unit_of_work import Actor
from tests.proofs.workload import actor, consent, share

USERS = ["pat", "sam", "pip", "sue"]  # practitioners and supervisors alternate
PRACTITIONER_MIX = {"decision": 40, "consent": 25, "raise": 25, "close": 10}
SUPERVISOR_MIX = {"decision": 20, "consent": 15, "raise": 15, "claim": 50}
RACE_BORN = date(2015, 5, 5)


class Terminal:
    def __init__(self, svc: Services, me: Actor, people: list[int], rng: random.Random) -> None:
        self.svc, self.me, self.people, self.rng = svc, me, people, rng
        self.done: dict[str, list[int]] = {
            k: []
            for k in (
                "decisions",
                "consents",
                "raised",
                "claimed",
                "advised",
                "closed",
                "race_people",
                "race_references",
                "race_links",
            )
        }
        self.lost: Counter[str] = Counter()
        self.conflicts: Counter[str] = Counter()
        self.unavailable: Counter[str] = Counter()
        self.errors: list[str] = []
        self.times: dict[str, list[float]] = {}  # ms per action, whatever its outcome

    def op(self, name: str, tag: str) -> None:
        started = time.perf_counter()
        try:
            getattr(self, f"do_{name}")(tag)
        except Conflict:
            self.conflicts[name] += 1  # someone else was first: the expected outcome of a race
        except StoreUnavailable:
            self.unavailable[name] += 1
        except Exception as exc:  # noqa: BLE001 - any other error is what the proof looks for
            self.errors.append(f"{name}: {type(exc).__name__}: {exc}")
        finally:  # benchmarks/measures/terminals.py reports these
            self.times.setdefault(name, []).append(1000 * (time.perf_counter() - started))

    def race(self, kind: str, attempt: Any, expected: str = "") -> None:
        """One race: either this terminal wins, or it is told exactly why not."""
        try:
            attempt()
        except PossibleDuplicate:
            if kind != "person":
                raise
            self.lost[kind] += 1
        except ValidationFailed as exc:
            if kind == "person" or str(exc) != expected:
                self.errors.append(f"race {kind}: {exc}")
                return
            self.lost[kind] += 1
        except Exception as exc:  # noqa: BLE001 - a raw database error is what this looks for
            self.errors.append(f"race {kind}: {type(exc).__name__}: {exc}")

    def race_round(self, r: int, pair: tuple[int, int], worker: int) -> None:
        people = self.svc.people

        def person() -> None:
            made = people.create(self.me, PersonInput("Race", f"Round{r}", date_of_birth=RACE_BORN))
            self.done["race_people"].append(made.id)

        def reference() -> None:
            made = people.create(
                self.me,
                PersonInput(
                    "Ref", f"Worker{worker}", date_of_birth=RACE_BORN, reference=f"RACE-{r}"
                ),
                confirm_not_duplicate=True,
            )
            self.done["race_references"].append(made.id)

        def link() -> None:
            kinds = list(Relationship)
            a, b = pair if worker % 2 else pair[::-1]  # both directions, contradictory kinds
            people.link(self.me, a, b, kinds[worker % len(kinds)].value)
            self.done["race_links"].append(r)

        self.race("person", person)
        self.race(
            "reference", reference, f"The reference RACE-{r} is already used by another person"
        )
        self.race("link", link, "These two people are already linked")

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


def main(
    url: str, worker: int, ops: int, seed: int, people: list[int], link_people: list[int]
) -> None:
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
    for r in range(len(link_people) // 2):
        terminal.race_round(r, (link_people[2 * r], link_people[2 * r + 1]), worker)
    for i in range(ops):
        terminal.op(rng.choices(names, weights)[0], f"w{worker}o{i}")
    report: dict[str, Any] = {
        "worker": worker,
        "user": username,
        "ops": ops,
        "seconds": time.perf_counter() - started,
        **terminal.done,
        "conflicts": dict(terminal.conflicts),
        "lost": dict(terminal.lost),
        "unavailable": dict(terminal.unavailable),
        "errors": terminal.errors,
        "times_ms": terminal.times,
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
        [int(x) for x in sys.argv[6].split(",")],
    )
