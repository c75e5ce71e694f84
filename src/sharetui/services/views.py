"""Plain frozen data returned by the services: never live ORM objects."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from sharetui.domain.enums import (
    AdviceRole,
    AdviceStatus,
    ConsentGiver,
    ConsentMethod,
    ConsentStatus,
    NotSoughtReason,
    Outcome,
    Relationship,
    Urgency,
)


@dataclass(frozen=True)
class PersonSummary:
    id: int
    family_name: str
    given_names: str
    other_names: str
    date_of_birth: date | None
    dob_estimated: bool
    reference: str
    last_activity_at: datetime

    @property
    def full_name(self) -> str:
        return f"{self.given_names} {self.family_name}".strip()

    @property
    def dob_text(self) -> str:
        if self.date_of_birth is None:
            return "DOB unknown"
        text = self.date_of_birth.strftime("%d %b %Y")
        return f"about {text}" if self.dob_estimated else text


@dataclass(frozen=True)
class LinkView:
    person: PersonSummary
    relationship: Relationship  # what `person` is to the viewed person


@dataclass(frozen=True)
class PersonDetail:
    summary: PersonSummary
    nhs_number: str
    notes: str
    created_at: datetime
    links: tuple[LinkView, ...]


@dataclass(frozen=True)
class ConsentEventView:
    id: int
    person_id: int
    status: ConsentStatus
    not_sought_reason: NotSoughtReason | None
    given_by: ConsentGiver | None
    given_by_name: str
    method: ConsentMethod | None
    told: str
    scope_information: str
    scope_recipient: str
    scope_purpose: str
    scope_key: str
    effective_at: datetime
    recorded_by: str
    recorded_at: datetime


@dataclass(frozen=True)
class ConsentLine:
    """The current state of one scope, with the events that led to it."""

    scope_key: str
    current: ConsentEventView
    history: tuple[ConsentEventView, ...]  # oldest first


@dataclass(frozen=True)
class DecisionView:
    id: int
    root_id: int
    version: int
    supersedes_id: int | None
    amend_reason: str
    subject: PersonSummary
    others_affected: tuple[PersonSummary, ...]
    outcome: Outcome
    urgent: bool
    recipient_org: str
    decided_by: str
    decided_at: datetime
    caller_unverified: bool
    fields: dict[str, Any] = field(default_factory=dict)  # the whole record, as stored
    decided_by_id: int | None = None  # the account that decided: only they may amend
    to_complete: bool = False  # urgent, rule 5 answers still to record (domain.decision)

    @property
    def impact_asked(self) -> bool:
        """False for a version saved before the rule 5 question existed."""
        return self.fields.get("impact_if_not_shared") is not None


@dataclass(frozen=True)
class AdviceView:
    id: int
    question: str
    anonymised: bool
    person_id: int | None  # None when hidden from the viewer
    person_label: str  # the name, or "a child, aged 7"
    advice_role: AdviceRole
    urgency: Urgency
    due_at: datetime
    status: AdviceStatus
    raised_by: str
    raised_at: datetime
    claimed_by: str
    claimed_at: datetime | None
    advice_text: str
    advised_by: str
    advised_at: datetime | None
    outcome_text: str
    closed_at: datetime | None
    decision_id: int | None
    draft_id: int | None
    # Who raised and who holds it, by account: names alone cannot tell two people apart.
    raised_by_id: int | None = None
    claimed_by_id: int | None = None

    def overdue(self, now: datetime) -> bool:
        return self.status in (AdviceStatus.PENDING, AdviceStatus.CLAIMED) and now > self.due_at


@dataclass(frozen=True)
class AdviceEventView:
    kind: str
    by: str
    at: datetime
    note: str


@dataclass(frozen=True)
class DraftView:
    id: int
    kind: str
    title: str
    page: str
    status: str
    payload: dict[str, Any]
    updated_at: datetime


@dataclass(frozen=True)
class TimelineEntry:
    kind: str  # "consent" | "decision" | "advice"
    id: int
    at: datetime
    title: str
    detail: str


T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: tuple[T, ...]
    offset: int
    limit: int
    has_more: bool


@dataclass(frozen=True)
class PersonMatch:
    """One search result: the person, and why they matched. reason is "exact" for the exact
    group, else what made the name similar ("sounds like", "spelling", "short form", "one
    letter different"); word is the query word it was about."""

    person: PersonSummary
    reason: str
    word: str = ""

    @property
    def exact(self) -> bool:
        return self.reason == "exact"


@dataclass(frozen=True)
class SearchPage:
    """A page of a grouped search: exact matches first, then similar names, never mixed.
    exact_count is how many exact matches precede the similar group (known once a page
    reaches past them), similar_count how many similar names there are in all (None when the
    exact matches fill this page and nobody asked to count them: typing "mar" needs no
    similar names yet, and looking for them is most of the work)."""

    items: tuple[PersonMatch, ...]
    offset: int
    limit: int
    has_more: bool
    similar_count: int | None
    exact_count: int | None = None
