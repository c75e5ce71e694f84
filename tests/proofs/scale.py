"""How hard the proofs push: SHARETUI_PROOF_SCALE=full runs the counts the issue states
(200 crashes, 8 terminals x 200 operations...); anything else, or unset, runs the CI variant
with fewer iterations of the very same checks."""

from __future__ import annotations

import os

FULL = os.environ.get("SHARETUI_PROOF_SCALE", "").strip().lower() == "full"


def scaled(ci: int, full: int) -> int:
    """The iteration count for this run."""
    return full if FULL else ci
