"""The steps that log and amend a decision in the plan, and what every scenario shares: the
quality checks, who decides, and a child's siblings."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from sharetui.demo.world import (
    _Family,
    _Member,
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
class _DecisionBox:
    view: DecisionView | None = None
    consent: dict[str, int] = field(default_factory=dict)


def _log_step(
    w: _World,
    decider: str,
    build: Callable[[], DecisionInput],
    box: _DecisionBox,
) -> Callable[[], None]:
    def step() -> None:
        box.view = w.svc.decisions.log(w.actors[decider], build())
        w.bump("decisions")
        w.bump(f"outcome.{box.view.outcome.value}")

    return step


def _amend_step(
    w: _World,
    decider: str,
    box: _DecisionBox,
    change: Callable[[DecisionInput], None],
    reason: str,
) -> Callable[[], None]:
    def step() -> None:
        assert box.view is not None
        data = w.svc.decisions.to_input(box.view)
        change(data)
        box.view = w.svc.decisions.amend(w.actors[decider], box.view.id, data, reason)
        if box.view.version == 2:
            w.bump("amended")

    return step
