"""Where a decision is in the flow, which pages it passes through, and what each page lacks.

Pure Python (no widgets), so the page order, the urgent path and the per-page checks can be
read in one place. The checks are the domain's own (validate_decision, errors_for_page): what
a page refuses is exactly what the service would refuse on save.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sharetui.domain.decision import PAGES, DecisionInput, errors_for_page, validate_decision
from sharetui.domain.enums import Outcome

DRAFT_KIND = "decision"
PAYLOAD_VERSION = 1

# Every page in order; "check" is check-your-answers, "done" the confirmation after saving.
ALL_PAGES: tuple[str, ...] = (
    "urgency",
    "who",
    "recipient",
    "what",
    "consent",
    "basis",
    "checks",
    "decision",
    "check",
)

# The page titles are the questions (GOV.UK: one thing per page, the title asks it).
QUESTIONS: dict[str, str] = {
    "urgency": "Is a child suffering, or likely to suffer, significant harm?",
    "who": "Who is the information about?",
    "recipient": "Who is the information for, and why?",
    "what": "What information is it?",
    "consent": "What is the consent position for this share?",
    "urgent_consent": "Why are you sharing without consent?",
    "basis": "Which lawful basis do you rely on?",
    "checks": "Does the share meet the rule 6 checks?",
    "decision": "What have you decided?",
    "check": "Check your answers before saving",
    "amend": "Check your answers and say why you are amending",
    "done": "Decision saved",
}

# Short names of the parts, for check-your-answers and the decision record.
PART_NAMES: dict[str, str] = {
    "urgency": "Urgency",
    "who": "Person",
    "recipient": "Request and recipient",
    "what": "Information",
    "consent": "Consent",
    "basis": "Lawful basis",
    "checks": "Checks (rule 6)",
    "decision": "Decision",
}

# Pages a practitioner may skip when they will not share (F9 goes straight to the decision).
SKIPPABLE = ("recipient", "what", "consent", "basis", "checks")

# Fields the domain records per page, plus the screen-only ones.
PAGE_FIELDS: dict[str, tuple[str, ...]] = {**PAGES, "check": ("amend_reason", "advice_outcome")}


@dataclass
class FlowState:
    """A decision being filled in: the answers, the page shown, and where Enter leads."""

    data: DecisionInput = field(default_factory=DecisionInput)
    page: str = "urgency"
    amend_of: int | None = None  # the decision version being amended, if any
    return_to_check: bool = False  # opened from check-your-answers: Enter goes back there
    extras: dict[str, str] = field(default_factory=dict)  # typed values outside the record

    # -- the route ------------------------------------------------------------------------
    @property
    def urgent_path(self) -> bool:
        """The urgent path asks only what is needed to share now. An amendment of an urgent
        record shows every page, so the rest can be completed afterwards."""
        return bool(self.data.urgent) and self.amend_of is None

    def pages(self) -> list[str]:
        pages = list(ALL_PAGES)
        if self.urgent_path:
            pages.remove("checks")
        return pages

    def next_page(self) -> str:
        if self.return_to_check:
            return "check"
        pages = self.pages()
        index = pages.index(self.page) if self.page in pages else -1
        return pages[min(index + 1, len(pages) - 1)]

    def previous_page(self) -> str | None:
        """None on the first page: Esc there leaves the flow (the draft is kept)."""
        if self.return_to_check and self.page != "check":
            return "check"
        pages = self.pages()
        if self.page not in pages:
            return pages[-1]
        index = pages.index(self.page)
        return pages[index - 1] if index > 0 else None

    # -- checks ---------------------------------------------------------------------------
    def page_errors(self, page: str, now: datetime | None = None) -> dict[str, str]:
        """What this page still lacks. Until the decision is made, a page asks what a share
        would need (most calls end in a share); once 'do not share' is chosen, only what
        every record needs."""
        if page not in PAGES:
            return {}
        data = self.data
        if data.outcome is None and page in SKIPPABLE:
            data = replace(data, outcome=Outcome.SHARE)
        amendment = self.amend_of is not None
        errors = errors_for_page(validate_decision(data.cleaned(), now, amendment=amendment), page)
        if self.urgent_path and page == "consent":
            errors.pop("consent_position", None)
        return errors

    def all_errors(self, now: datetime | None = None) -> dict[str, str]:
        errors = validate_decision(self.data.cleaned(), now, amendment=self.amend_of is not None)
        if self.amend_of is not None and not self.extras.get("amend_reason", "").strip():
            errors["amend_reason"] = "Enter the reason for this amendment"
        return errors

    @staticmethod
    def page_of(error_key: str) -> str:
        name = error_key.split(".")[0]
        for page, names in PAGE_FIELDS.items():
            if name in names:
                return page
        return "check"

    # -- drafts ---------------------------------------------------------------------------
    def to_payload(self) -> dict[str, Any]:
        return {
            "v": PAYLOAD_VERSION,
            "data": self.data.to_dict(),
            "page": self.page,
            "amend_of": self.amend_of,
            "return_to_check": self.return_to_check,
            "extras": dict(self.extras),
        }

    @classmethod
    def from_payload(cls, payload: dict[str, Any], page: str = "") -> FlowState:
        """Rebuild from a stored draft; anything unreadable falls back to a safe default."""
        raw = payload.get("data") if isinstance(payload.get("data"), dict) else {}
        data = DecisionInput.from_dict(raw or {})
        state = cls(data=data)
        stored_page = payload.get("page") or page
        state.page = stored_page if stored_page in ALL_PAGES else "urgency"
        amend_of = payload.get("amend_of")
        state.amend_of = amend_of if isinstance(amend_of, int) else None
        state.return_to_check = bool(payload.get("return_to_check"))
        extras = payload.get("extras")
        if isinstance(extras, dict):
            state.extras = {str(k): str(v) for k, v in extras.items() if isinstance(v, str)}
        if state.page not in state.pages():
            state.page = "check"
        return state

    @property
    def is_empty(self) -> bool:
        """Nothing answered yet: no draft is worth keeping."""
        return self.data == DecisionInput() and not any(self.extras.values())
