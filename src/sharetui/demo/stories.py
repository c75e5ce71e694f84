"""A child's story with the service: how many decisions, and of which kind (the scenarios of
decisions.py, and a decision waiting for advice from advice.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sharetui.demo.advice import _pending_advice
from sharetui.demo.decisions import (
    _consent_share,
    _not_necessary,
    _protective_share,
    _refused_but_shared,
    _share_in_part,
    _unverified_caller,
    _urgent_share,
)
from sharetui.demo.world import (
    _between,
    _Family,
    _Member,
    _Plan,
    _World,
)

_SCENARIOS: dict[str, Callable[[_World, _Plan, _Family, _Member, datetime, datetime], None]] = {
    "consent_share": _consent_share,
    "protective_share": _protective_share,
    "urgent_share": _urgent_share,
    "refused_but_shared": _refused_but_shared,
    "unverified_caller": _unverified_caller,
    "not_necessary": _not_necessary,
    "share_in_part": _share_in_part,
    "pending_advice": _pending_advice,
}


def _plan_decisions(
    w: _World, plan: _Plan, fam: _Family, child: _Member, start: datetime, end: datetime
) -> None:
    rng = w.rng
    count = rng.choices((0, 1, 2, 3), weights=(25, 40, 25, 10))[0]
    for _ in range(count):
        kind = rng.choices(
            (
                "consent_share",
                "protective_share",
                "urgent_share",
                "refused_but_shared",
                "unverified_caller",
                "not_necessary",
                "share_in_part",
                "pending_advice",
            ),
            weights=(22, 18, 10, 8, 9, 9, 12, 12),
        )[0]
        t = _between(rng, start, end)
        _SCENARIOS[kind](w, plan, fam, child, t, end)
