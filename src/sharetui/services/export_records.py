"""What a subject access export is made of: its sections, records and fields, the labels and
the review marks each field carries (third party, staff, free text, protected), and how
stored values are put into words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sharetui.domain.enums import (
    Art9Condition,
    CallerCheck,
    ConsentPosition,
    ConsentStatus,
    LabelledEnum,
    LawfulBasis,
    NotSoughtReason,
    Outcome,
    RequestOrigin,
    ShareMethod,
)

FORMATS = ("json", "csv", "pdf")

THIRD_PARTY = "third_party"
STAFF = "staff"
FREE_TEXT = "free_text"
PROTECTED = "protected"
OTHER_SUBJECT = "other_subject"

REVIEW_GUIDE: dict[str, str] = {
    THIRD_PARTY: "Identifies someone other than the requester: withhold or redact unless they "
    "agree or it is reasonable to disclose without their agreement.",
    STAFF: "Names a member of staff acting in their role: usually disclosed, unless that could "
    "put them at risk.",
    FREE_TEXT: "Free text written by staff: read it for details of other people before disclosure.",
    PROTECTED: "Describes identities a sharing decision protects: do not disclose them.",
    OTHER_SUBJECT: "A record about someone else that names the requester: disclose only what "
    "is about the requester.",
}

REVIEW_SHORT: dict[str, str] = {
    THIRD_PARTY: "third party",
    STAFF: "staff name",
    FREE_TEXT: "free text",
    PROTECTED: "protected identity",
    OTHER_SUBJECT: "about someone else",
}


@dataclass(frozen=True)
class ExportField:
    key: str
    label: str
    value: str
    review: str = ""  # one of REVIEW_GUIDE's keys; empty when nothing needs checking


@dataclass(frozen=True)
class ExportRecord:
    kind: str
    id: str
    title: str
    fields: tuple[ExportField, ...]
    review: str = ""  # the whole record needs review


@dataclass(frozen=True)
class ExportSection:
    key: str
    title: str
    records: tuple[ExportRecord, ...]


@dataclass(frozen=True)
class SubjectAccessExport:
    reference: str
    name: str
    generated_at: datetime
    generated_by: str
    timezone: str
    sections: tuple[ExportSection, ...]
    # True for the reviewed file given out (services/sar_review.py): withheld values are
    # gone, review marks and the reviewers' guide are left out.
    disclosure: bool = False

    def records(self, kind: str) -> list[ExportRecord]:
        return [r for s in self.sections for r in s.records if r.kind == kind]


# -- formatting values ----------------------------------------------------------------------
class ExportFormatter:
    """Every stored value as the text an export shows: Yes/No, an enum's label, a time in
    the site's time zone to the minute."""

    def __init__(self, tz: ZoneInfo) -> None:
        self.tz = tz

    def value(self, v: Any) -> str:
        if v is None:
            return ""
        if isinstance(v, bool):
            return "Yes" if v else "No"
        if isinstance(v, LabelledEnum):
            return v.label
        if isinstance(v, datetime):
            return v.astimezone(self.tz).strftime("%Y-%m-%d %H:%M")
        if hasattr(v, "isoformat"):
            return v.isoformat()
        return str(v)


def labelled_or_raw(cls: type[LabelledEnum], raw: str | None) -> LabelledEnum | str | None:
    """The stored value as its enum, to be shown by its label; a value the enum no longer
    knows is kept as stored: an export shows everything held, even what a later version
    renamed."""
    if not raw:
        return None
    try:
        return cls(raw)
    except ValueError:
        return raw


class RecordBuilder:
    """Collects the fields of one record, skipping empty values."""

    def __init__(self, fmt: ExportFormatter) -> None:
        self.fmt = fmt
        self.fields: list[ExportField] = []

    def add(self, key: str, label: str, value: Any, review: str = "") -> None:
        text = self.fmt.value(value)
        if text == "":
            return
        self.fields.append(ExportField(key, label, text, review))

    def done(self) -> tuple[ExportField, ...]:
        return tuple(self.fields)


# -- the decision record's fields, with labels and review marks -------------------------------
DECISION_FIELDS: tuple[tuple[str, str, type[LabelledEnum] | None, str], ...] = (
    ("urgent", "Urgent (a child at risk of significant harm)", None, ""),
    ("origin", "How it arose", RequestOrigin, ""),
    ("recipient_org", "Organisation", None, ""),
    ("recipient_role", "Recipient's role", None, ""),
    ("recipient_name", "Recipient's name", None, THIRD_PARTY),
    ("recipient_contact", "Recipient's contact", None, THIRD_PARTY),
    ("caller_check", "How the requester was checked", CallerCheck, ""),
    ("purpose", "Purpose", None, FREE_TEXT),
    ("information", "Information", None, FREE_TEXT),
    ("special_category", "Special category data", None, ""),
    ("criminal_offence", "Criminal offence data", None, ""),
    ("consent_position", "Consent", ConsentPosition, ""),
    ("consent_event_id", "Consent relied on (consent record number)", None, ""),
    ("not_sought_reason", "Why consent was not sought", NotSoughtReason, ""),
    ("without_consent_reason", "Why shared without consent", None, FREE_TEXT),
    ("lawful_basis", "Lawful basis", LawfulBasis, ""),
    ("art9_condition", "Special category condition", Art9Condition, ""),
    ("necessity", "Why sharing is necessary", None, FREE_TEXT),
    ("identities_protected", "Identities protected", None, PROTECTED),
    ("person_told", "Person told about the share", None, ""),
    ("not_told_reason", "Why the person was not told", None, FREE_TEXT),
    ("outcome", "Decision", Outcome, ""),
    ("reasons", "Reasons", None, FREE_TEXT),
    ("shared_at", "When shared", None, ""),
    ("share_method", "How shared", ShareMethod, ""),
    ("impact_if_not_shared", "What could happen if it is not shared (rule 5)", None, FREE_TEXT),
    ("impact_if_shared", "What could happen if it is shared (rule 5)", None, FREE_TEXT),
)

IMPACT_FIELDS = ("impact_if_not_shared", "impact_if_shared")

_ACTIONS: dict[str, str] = {
    "person.create": "Created the record",
    "person.view": "Opened the record",
    "person.summary": "Looked up the person",
    "person.timeline": "Read the chronology",
    "person.link": "Linked to another person",
    "person.children": "Looked up the linked children (for a sharing decision)",
    "person.export": "Subject access export",
    "consent.history": "Read the consent history",
    "consent.view": "Read a consent record",
    "decision.create": "Recorded a sharing decision",
    "decision.amend": "Amended a sharing decision",
    "decision.view": "Read a sharing decision",
    "decision.list": "Listed the sharing decisions",
    "advice.raise": "Asked for advice",
    "advice.claim": "Took the advice request",
    "advice.release": "Released the advice request",
    "advice.advise": "Gave advice",
    "advice.close": "Recorded the outcome of the advice",
    "advice.view": "Read the advice request",
    "advice.reveal": "Revealed who an anonymised advice request is about",
    "retention.kind": "Set the kind of record for retention",
    "retention.keep": "Retention review: kept, with the next review date",
    "retention.hold": "Placed a legal hold",
    "retention.lift": "Lifted a legal hold",
}


def action_label(action: str) -> str:
    if action in _ACTIONS:
        return _ACTIONS[action]
    if action.startswith("consent."):
        status = labelled_or_raw(ConsentStatus, action.split(".", 1)[1])
        if isinstance(status, ConsentStatus):
            return f"Recorded consent: {status.label.lower()}"
    return action
