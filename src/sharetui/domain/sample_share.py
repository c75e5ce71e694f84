"""A complete share that passes every golden-rule check.

The one sample the tests, the proofs' workload and the benchmarks start from: each changes
only what it is about (a field left blank, a tag to find its records by, a decision drawn at
random), so a new required answer is added here once and every caller's share stays valid.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sharetui.domain.decision import DecisionInput, QualityCheck
from sharetui.domain.enums import (
    ConsentPosition,
    LawfulBasis,
    NotSoughtReason,
    Outcome,
    Quality,
    RequestOrigin,
    ShareMethod,
)


def sample_share(subject_id: int, *, now: datetime | None = None, **changes: Any) -> DecisionInput:
    """A complete, non-urgent share without consent (not sought: asking would alert the adult
    suspected of harm), shared ten minutes before `now`, with the `changes` made."""
    answers: dict[str, Any] = {
        "subject_id": subject_id,
        "urgent": False,
        "origin": RequestOrigin.OWN_INITIATIVE,
        "recipient_org": "Children's social care",
        "purpose": "Referral",
        "information": "Disclosure made in class",
        "special_category": False,
        "criminal_offence": False,
        "consent_position": ConsentPosition.NOT_SOUGHT,
        "not_sought_reason": NotSoughtReason.WOULD_PREJUDICE,
        "without_consent_reason": "Asking would alert the adult suspected of harm",
        "lawful_basis": LawfulBasis.PUBLIC_TASK,
        "checks": {q.value: QualityCheck(True) for q in Quality},
        "person_told": False,
        "not_told_reason": "Telling would put the child at risk",
        "outcome": Outcome.SHARE,
        "reasons": "Risk of significant harm",
        "shared_at": (now or datetime.now(UTC)) - timedelta(minutes=10),
        "share_method": ShareMethod.SECURE_EMAIL,
        "impact_if_not_shared": "Social care could not act on the disclosure",
    }
    return DecisionInput(**(answers | changes))
