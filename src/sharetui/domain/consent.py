"""Consent as an append-only history; the current state per scope is derived from it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sharetui.domain.decision import when_problem
from sharetui.domain.enums import ConsentGiver, ConsentMethod, ConsentStatus, NotSoughtReason
from sharetui.domain.text import LONG_TEXT, SHORT_TEXT, clean, clean_line, fold, length_error


@dataclass
class ConsentInput:
    person_id: int | None = None
    status: ConsentStatus | None = None
    not_sought_reason: NotSoughtReason | None = None
    given_by: ConsentGiver | None = None
    given_by_name: str = ""
    method: ConsentMethod | None = None
    told: str = ""
    scope_information: str = ""
    scope_recipient: str = ""
    scope_purpose: str = ""
    effective_at: datetime | None = None

    def cleaned(self) -> ConsentInput:
        """Control characters stripped; a time without a zone is taken as UTC (as decisions do)."""
        return ConsentInput(
            person_id=self.person_id,
            status=self.status,
            not_sought_reason=self.not_sought_reason,
            given_by=self.given_by,
            given_by_name=clean_line(self.given_by_name),
            method=self.method,
            told=clean(self.told),
            scope_information=clean_line(self.scope_information),
            scope_recipient=clean_line(self.scope_recipient),
            scope_purpose=clean_line(self.scope_purpose),
            effective_at=(
                self.effective_at.replace(tzinfo=UTC)
                if self.effective_at is not None and self.effective_at.tzinfo is None
                else self.effective_at
            ),
        )


def scope_key(information: str, recipient: str, purpose: str) -> str:
    """Scopes typed slightly differently ('School nurse' / 'school nurse ') are one scope."""
    return "|".join(" ".join(fold(x).split()) for x in (information, recipient, purpose))


def validate_consent(c: ConsentInput, now: datetime | None = None) -> dict[str, str]:
    now = now or datetime.now(UTC)
    e: dict[str, str] = {}
    if c.person_id is None:
        e["person_id"] = "Choose the person"
    if c.status is None:
        e["status"] = "Choose given, refused, withdrawn or not sought"
    if c.status is ConsentStatus.NOT_SOUGHT:
        if c.not_sought_reason is None:
            e["not_sought_reason"] = "Choose why consent was not sought"
    else:
        if c.given_by is None:
            e["given_by"] = "Choose who gave, refused or withdrew consent"
        if c.method is None:
            e["method"] = "Choose how it was given (verbal, written...)"
    if c.status is ConsentStatus.GIVEN and not c.told.strip():
        e["told"] = "Enter what the person was told about the sharing (rule 2)"
    if not c.scope_information:
        e["scope_information"] = "Enter which information the consent covers"
    if not c.scope_recipient:
        e["scope_recipient"] = "Enter who the information may go to"
    if not c.scope_purpose:
        e["scope_purpose"] = "Enter what it may be used for"
    if c.effective_at and (problem := when_problem(c.effective_at, now, "date")):
        e["effective_at"] = problem
    for name, limit, label in (
        ("given_by_name", SHORT_TEXT, "Name"),
        ("scope_information", SHORT_TEXT, "Information"),
        ("scope_recipient", SHORT_TEXT, "Recipient"),
        ("scope_purpose", SHORT_TEXT, "Purpose"),
        ("told", LONG_TEXT, "What they were told"),
    ):
        msg = length_error(getattr(c, name), limit, label)
        if msg:
            e[name] = msg
    return e


@dataclass(frozen=True)
class ConsentFact:
    """The minimum of a stored event that the derivation needs."""

    event_id: int
    scope_key: str
    status: ConsentStatus
    effective_at: datetime


def current_by_scope(events: Iterable[ConsentFact]) -> dict[str, ConsentFact]:
    """Latest event per scope (by effective time, then by recording order)."""
    latest: dict[str, ConsentFact] = {}
    for ev in events:
        prev = latest.get(ev.scope_key)
        if prev is None or (ev.effective_at, ev.event_id) > (prev.effective_at, prev.event_id):
            latest[ev.scope_key] = ev
    return latest
