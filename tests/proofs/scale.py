"""How hard the proofs push: SHARETUI_PROOF_SCALE=full runs the counts the issue states
(200 crashes, 8 terminals x 200 operations...); anything else, or unset, runs the CI variant
with fewer iterations of the very same checks."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

FULL = os.environ.get("SHARETUI_PROOF_SCALE", "").strip().lower() == "full"


def scaled(ci: int, full: int) -> int:
    """The iteration count for this run."""
    return full if FULL else ci


# Hypothesis examples per property: a few dozen in CI, hundreds in a full run.
PROFILE = settings(
    max_examples=300 if FULL else 30,
    deadline=None,
    database=None,  # nothing written into the working tree
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,  # one database per test, shared by its examples
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
