"""The decision a scenario records, with the steps that log and amend it in the plan, and
what every scenario shares: the quality checks, who decides, and a child's siblings."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sharetui.demo.world import (
    _Family,
    _Member,
    _Plan,
    _World,
)
from sharetui.domain.decision import DecisionInput, QualityCheck
from sharetui.domain.enums import (
    Quality,
)
from sharetui.services.views import DecisionView


def _checks(rng: random.Random) -> dict[str, QualityCheck]:
    checks = {q.value: QualityCheck(True, "") for q in Quality}
    if rng.random() < 0.08:
        checks[Quality.TIMELY.value] = QualityCheck(
            False, "The request came in after hours; shared first thing the next morning."
        )
    return checks


def _decider(rng: random.Random) -> str:
    return rng.choices(("priya", "sam", "dee"), weights=(65, 20, 15))[0]


def _siblings(fam: _Family, child: _Member) -> list[str]:
    return [c.key for c in fam.children if c.key != child.key]


@dataclass
class _DecisionRecord:
    """The one decision a scenario records: who decides it, and the steps that log it and
    amend it later. Between steps it keeps what the next one needs: the view the log or the
    last amendment returned, and the consent event the decision relies on (filled in by the
    consent step, families.py)."""

    w: _World
    plan: _Plan
    decider: str
    view: DecisionView | None = None
    consent: dict[str, int] = field(default_factory=dict)

    def log(self, when: datetime, build: Callable[[], DecisionInput]) -> None:
        """Log the decision `build` makes at `when`; build runs then, not now, because the
        people it names are created by earlier steps of the plan."""

        def step() -> None:
            self.view = self.w.svc.decisions.log(self.w.actors[self.decider], build())
            self.w.bump("decisions")
            self.w.bump(f"outcome.{self.view.outcome.value}")

        self.plan.at(when, step)

    def amend(self, when: datetime, change: Callable[[DecisionInput], None], reason: str) -> None:
        """At `when`, amend the logged decision by `change`, for `reason`."""

        def step() -> None:
            assert self.view is not None
            data = self.w.svc.decisions.to_input(self.view)
            change(data)
            self.view = self.w.svc.decisions.amend(
                self.w.actors[self.decider], self.view.id, data, reason
            )
            if self.view.version == 2:
                self.w.bump("amended")

        self.plan.at(when, step)
