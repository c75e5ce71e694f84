"""A sharing decision as the practitioner fills it in, and the golden-rule checks on it.

The checks return one instruction per field (GOV.UK style: say what to do, not what is
wrong). The service runs them before anything reaches the database; the screens run the same
checks page by page so the person sees the message on the field they are looking at.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sharetui.domain.after_share import DecisionKind, validate_transfer
from sharetui.domain.enums import (
    Art9Condition,
    CallerCheck,
    ConsentPosition,
    LawfulBasis,
    NotSoughtReason,
    Outcome,
    Quality,
    RequestOrigin,
    ShareMethod,
)
from sharetui.domain.text import LONG_TEXT, SHORT_TEXT, clean, clean_line, length_error

FUTURE_TOLERANCE = timedelta(minutes=5)
# The earliest moment a record can say something happened: a year typed short ('5/3/206')
# is a slip, and a consent event dated then would sort before every real one.
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
SHARING = (Outcome.SHARE, Outcome.SHARE_IN_PART)


@dataclass
class QualityCheck:
    """One rule-6 quality: confirmed, or explained when it cannot be confirmed."""

    confirmed: bool | None = None
    note: str = ""


@dataclass
class DecisionInput:
    """Everything a decision record holds (DOMAIN.md, 'What a decision record holds')."""

    subject_id: int | None = None
    others_affected: list[int] = field(default_factory=list)
    urgent: bool | None = None
    origin: RequestOrigin | None = None
    recipient_org: str = ""
    recipient_role: str = ""
    recipient_name: str = ""
    recipient_contact: str = ""
    caller_check: CallerCheck | None = None
    purpose: str = ""
    information: str = ""
    categories: list[str] = field(default_factory=list)
    special_category: bool | None = None
    criminal_offence: bool | None = None
    consent_position: ConsentPosition | None = None
    consent_event_id: int | None = None
    not_sought_reason: NotSoughtReason | None = None
    without_consent_reason: str = ""
    lawful_basis: LawfulBasis | None = None
    art9_condition: Art9Condition | None = None
    necessity: str = ""
    checks: dict[str, QualityCheck] = field(default_factory=dict)
    identities_protected: str = ""
    person_told: bool | None = None
    not_told_reason: str = ""
    outcome: Outcome | None = None
    reasons: str = ""
    shared_at: datetime | None = None
    share_method: ShareMethod | None = None
    # Rule 5: what could happen to the child, and to others affected, either way.
    impact_if_not_shared: str = ""
    impact_if_shared: str = ""
    # After the share: the register's entries, and a child protection file transfer's own
    # answers (domain/after_share.py).
    kind: DecisionKind = DecisionKind.SHARE
    recipient_org_id: int | None = None
    recipient_contact_id: int | None = None
    transfer_reason: str = ""
    moved_on: date | None = None
    pupil_file_separate: bool | None = None

    # -- serialisation for drafts ---------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        if self.shared_at is not None:
            data["shared_at"] = self.shared_at.isoformat()
        if self.moved_on is not None:
            data["moved_on"] = self.moved_on.isoformat()
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DecisionInput:
        """Rebuild from a draft payload, ignoring unknown keys and bad values."""
        enum_fields = {
            "origin": RequestOrigin,
            "caller_check": CallerCheck,
            "consent_position": ConsentPosition,
            "not_sought_reason": NotSoughtReason,
            "lawful_basis": LawfulBasis,
            "art9_condition": Art9Condition,
            "outcome": Outcome,
            "share_method": ShareMethod,
            "kind": DecisionKind,
        }
        defaults = cls()
        values: dict[str, Any] = {}
        for key, value in data.items():
            if key not in _FIELD_NAMES:
                continue
            if key in enum_fields and value is not None:
                try:
                    value = enum_fields[key](value)
                except ValueError:
                    value = DecisionKind.SHARE if key == "kind" else None
            elif key == "shared_at":
                try:
                    value = datetime.fromisoformat(value) if isinstance(value, str) else None
                except ValueError:
                    value = None
            elif key == "moved_on":
                value = _date_value(value)
            elif key == "checks":
                checks = value if isinstance(value, dict) else {}
                value = {str(k): _quality_check(v) for k, v in checks.items()}
            else:
                value = _plain_value(key, value, getattr(defaults, key))
            values[key] = value
        return cls(**values)

    def cleaned(self) -> DecisionInput:
        """A copy with every text stripped of control characters."""
        data = self.to_dict()
        out = DecisionInput.from_dict(data)
        for name in (
            "recipient_org",
            "recipient_role",
            "recipient_name",
            "recipient_contact",
        ):
            setattr(out, name, clean_line(getattr(out, name)))
        for name in (
            "purpose",
            "information",
            "without_consent_reason",
            "necessity",
            "identities_protected",
            "not_told_reason",
            "reasons",
            "impact_if_not_shared",
            "impact_if_shared",
            "transfer_reason",
        ):
            setattr(out, name, clean(getattr(out, name)))
        out.categories = [clean_line(c) for c in out.categories if clean_line(c)]
        out.checks = {k: QualityCheck(v.confirmed, clean(v.note)) for k, v in out.checks.items()}
        return out

    @property
    def is_sharing(self) -> bool:
        return self.outcome in SHARING

    @property
    def caller_unverified(self) -> bool:
        return self.caller_check is CallerCheck.NOT_VERIFIED


_FIELD_NAMES = frozenset(f.name for f in fields(DecisionInput))


def _is_id(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _date_value(value: object) -> date | None:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _quality_check(value: object) -> QualityCheck:
    """One stored check; a value of the wrong kind reads as not answered."""
    if not isinstance(value, dict):
        return QualityCheck()
    confirmed, note = value.get("confirmed"), value.get("note")
    return QualityCheck(
        confirmed if isinstance(confirmed, bool) else None,
        note if isinstance(note, str) else "",
    )


def _plain_value(key: str, value: object, default: object) -> object:
    """A stored value kept only when it is of the kind the field holds, else the field's
    default: a draft written by another version, or altered, never breaks the form."""
    if key in ("subject_id", "consent_event_id", "recipient_org_id", "recipient_contact_id"):
        return value if _is_id(value) else None
    if key == "others_affected":
        return [x for x in value if _is_id(x)] if isinstance(value, list) else []
    if key == "categories":
        return [x for x in value if isinstance(x, str)] if isinstance(value, list) else []
    if isinstance(default, str):
        return value if isinstance(value, str) else default
    return value if value is None or isinstance(value, bool) else None  # the yes/no answers


# Field groups by page, so a screen can ask for the errors of its own page only.
PAGES: dict[str, tuple[str, ...]] = {
    "urgency": ("urgent",),
    "who": ("subject_id", "others_affected"),
    "recipient": (
        "origin",
        "recipient_org_id",
        "recipient_contact_id",
        "recipient_org",
        "recipient_role",
        "recipient_name",
        "recipient_contact",
        "caller_check",
        "purpose",
    ),
    "what": ("information", "categories", "special_category", "criminal_offence"),
    "consent": (
        "consent_position",
        "consent_event_id",
        "not_sought_reason",
        "without_consent_reason",
    ),
    "basis": ("lawful_basis", "art9_condition", "necessity"),
    "checks": ("checks", "identities_protected", "person_told", "not_told_reason"),
    "decision": (
        "outcome",
        "reasons",
        "shared_at",
        "share_method",
        "impact_if_not_shared",
        "impact_if_shared",
    ),
    "transfer": ("transfer_reason", "moved_on", "pupil_file_separate"),
}


def validate_decision(
    d: DecisionInput, now: datetime | None = None, *, amendment: bool = False
) -> dict[str, str]:
    """The golden-rule checks. Returns {field: instruction}; empty when the record may be saved.

    Rule 7: reasons are always required, whatever the decision. Rule 5: the impact of not
    sharing (and of sharing) on the child and others (see impact_errors); an urgent share
    leaves it for later, and any amendment (completing the record) asks it. Rule 4: sharing without
    consent needs its reason, and consent that was refused or withdrawn cannot be relied on.
    Art 9: special category data needs a condition. Rule 6: each quality confirmed or
    explained. Rule 2: if the person was not told, say why. The urgent path asks only what is
    needed to share now; the rest can be completed later as an amendment.
    """
    now = now or datetime.now(UTC)
    e: dict[str, str] = {}
    urgent = bool(d.urgent)

    if d.urgent is None:
        e["urgent"] = "Say whether a child is suffering, or likely to suffer, significant harm"
    if d.subject_id is None:
        e["subject_id"] = "Choose the person the information is about"
    if d.outcome is None:
        e["outcome"] = "Choose the decision: share, share in part or do not share"
    if not d.reasons.strip():
        e["reasons"] = (
            "Enter the reasons for this decision (rule 7: record them whether or not you share)"
        )

    sharing = d.is_sharing
    transfer = d.kind is DecisionKind.CP_TRANSFER
    if transfer:
        e.update(validate_transfer(d))
    if sharing:
        if not d.recipient_org.strip():
            e["recipient_org"] = "Enter the organisation the information goes to"
        if not d.information.strip():
            e["information"] = "Enter what information is shared"
        if not d.purpose.strip():
            e["purpose"] = "Enter the purpose of sharing"
        if d.lawful_basis is None:
            e["lawful_basis"] = "Choose the lawful basis (UK GDPR Article 6) you rely on"
        if d.special_category is None:
            e["special_category"] = "Say whether special category data (such as health) is shared"
        if d.special_category and d.art9_condition is None:
            e["art9_condition"] = (
                "Choose an Article 9 condition: special category data is shared "
                "(usually DPA 2018 Schedule 1 paragraph 18, safeguarding)"
            )
        if d.shared_at is None:
            e["shared_at"] = "Enter when the information was shared"
        if d.share_method is None:
            e["share_method"] = "Choose how the information was shared"
        if not transfer:  # a transfer is a duty (KCSIE): no consent question, no rule-6 page
            _consent_rules(d, e, urgent)
        if not urgent and not transfer:
            if d.origin is None:
                e["origin"] = "Say whether this was an incoming request or our own initiative"
            for quality in Quality:
                check = d.checks.get(quality.value)
                if check is None or (check.confirmed is None):
                    e[f"checks.{quality.value}"] = f"Confirm or explain: {quality.label.lower()}"
                elif check.confirmed is False and not check.note.strip():
                    e[f"checks.{quality.value}"] = (
                        f"Explain why the share is not {quality.label.lower()}"
                    )
            if d.person_told is None:
                e["person_told"] = "Say whether the person was told about the share (rule 2)"
            elif d.person_told is False and not d.not_told_reason.strip():
                e["not_told_reason"] = "Enter why the person was not told"
    if d.art9_condition is Art9Condition.EXPLICIT_CONSENT and d.consent_position not in (
        None,
        ConsentPosition.GIVEN,
    ):
        e["art9_condition"] = "Explicit consent cannot be the condition: consent was not given"

    if d.shared_at is not None:
        shared = d.shared_at if d.shared_at.tzinfo else d.shared_at.replace(tzinfo=UTC)
        if shared > now + FUTURE_TOLERANCE:
            e["shared_at"] = "The time of sharing cannot be in the future"
        elif shared < EARLIEST:
            e["shared_at"] = "Enter a time of sharing in 1900 or later"

    for name, limit, label in (
        ("recipient_org", SHORT_TEXT, "Organisation"),
        ("recipient_role", SHORT_TEXT, "Role"),
        ("recipient_name", SHORT_TEXT, "Name"),
        ("recipient_contact", SHORT_TEXT, "Contact"),
        ("purpose", LONG_TEXT, "Purpose"),
        ("information", LONG_TEXT, "Information"),
        ("without_consent_reason", LONG_TEXT, "Reason"),
        ("necessity", LONG_TEXT, "Necessity"),
        ("identities_protected", LONG_TEXT, "Identities protected"),
        ("not_told_reason", LONG_TEXT, "Reason"),
        ("reasons", LONG_TEXT, "Reasons"),
        ("impact_if_not_shared", LONG_TEXT, "Impact if not shared"),
        ("impact_if_shared", LONG_TEXT, "Impact if shared"),
        ("transfer_reason", LONG_TEXT, "Reason for the move"),
    ):
        msg = length_error(getattr(d, name), limit, label)
        if msg:
            e[name] = msg
    if len(d.categories) > 20:
        e["categories"] = "Choose 20 categories or fewer"
    for name, message in impact_errors(d, deferred=impact_deferred(d, amendment=amendment)).items():
        e.setdefault(name, message)
    return e


# -- rule 5: the wider impact -------------------------------------------------------------------
# What a version saved before the rule 5 question existed says in its place (never changed:
# decision versions are append-only).
IMPACT_NOT_ASKED = "Not recorded (before this question existed)"


def impact_deferred(d: DecisionInput, *, amendment: bool = False) -> bool:
    """An urgent share is saved with only what is needed to share now: the impact question
    waits for the record to be completed (an amendment). Not sharing is never urgent to
    record, so an urgent 'do not share' answers it at once."""
    return bool(d.urgent) and d.is_sharing and not amendment


def same_words(a: str, b: str) -> bool:
    """The same words in the same order, whatever the case, spacing or punctuation."""
    words_a, words_b = _WORD.findall(a.casefold()), _WORD.findall(b.casefold())
    return bool(words_a) and words_a == words_b


_WORD = re.compile(r"\w+")


def impact_errors(d: DecisionInput, *, deferred: bool = False) -> dict[str, str]:
    """Rule 5 (base decisions on the safety and well-being of the person and of others
    affected). Held back in full or in part: what could happen if it is not shared is
    required, in words of its own (not the reasons again). Shared: a short answer either way
    is enough. Nothing is asked before the decision is made, or while it is deferred."""
    if deferred or d.outcome not in (Outcome.SHARE, Outcome.SHARE_IN_PART, Outcome.DO_NOT_SHARE):
        return {}
    not_shared, shared = d.impact_if_not_shared.strip(), d.impact_if_shared.strip()
    if d.outcome is Outcome.SHARE:
        if not not_shared and not shared:
            return {
                "impact_if_not_shared": "Say what could happen to the child and others if this "
                "were not shared, or if it is: a few words are enough (rule 5)"
            }
        return {}
    held_back = "what is held back" if d.outcome is Outcome.SHARE_IN_PART else "this"
    if not not_shared:
        return {
            "impact_if_not_shared": f"Enter what could happen to the child and others if "
            f"{held_back} is not shared (rule 5)"
        }
    if same_words(not_shared, d.reasons):
        return {
            "impact_if_not_shared": "Say what could happen if it is not shared in words of "
            "its own: this repeats the reasons"
        }
    return {}


def impact_to_complete(d: DecisionInput) -> bool:
    """An urgent record still waiting for its rule 5 answers (shown 'to complete')."""
    return bool(d.urgent) and bool(impact_errors(d))


def _consent_rules(d: DecisionInput, e: dict[str, str], urgent: bool) -> None:
    if d.consent_position is None:
        if not urgent:
            e["consent_position"] = "Choose the consent position"
        elif not d.without_consent_reason.strip():
            e["without_consent_reason"] = (
                "Enter why you are sharing without consent (for example: a child is at risk of "
                "significant harm)"
            )
        return
    if d.consent_position is ConsentPosition.GIVEN:
        if d.consent_event_id is None:
            e["consent_event_id"] = "Choose the consent this share relies on, or record it now"
        return
    if d.lawful_basis is LawfulBasis.CONSENT:
        e["lawful_basis"] = (
            f"You cannot rely on consent: it is {d.consent_position.label.lower()}. "
            "Choose another lawful basis"
        )
    if d.consent_position is ConsentPosition.NOT_SOUGHT and d.not_sought_reason is None:
        e["not_sought_reason"] = "Choose why consent was not sought"
    if not d.without_consent_reason.strip():
        e["without_consent_reason"] = "Enter why you are sharing without consent"


def errors_for_page(errors: dict[str, str], page: str) -> dict[str, str]:
    """The subset of errors that belong to one page of the flow."""
    names = PAGES[page]
    return {k: v for k, v in errors.items() if k.split(".")[0] in names}
