"""A sharing decision as the practitioner fills it in, and the golden-rule checks on it.

The checks return one instruction per field (GOV.UK style: say what to do, not what is
wrong). The service runs them before anything reaches the database; the screens run the same
checks page by page so the person sees the message on the field they are looking at.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Annotated, Any, TypeVar, get_type_hints

from pydantic import PlainValidator, TypeAdapter, ValidationInfo
from pydantic.dataclasses import dataclass as pydantic_dataclass
from pydantic_core import CoreSchema, core_schema

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
E = TypeVar("E", bound=StrEnum)
T = TypeVar("T")


def when_problem(when: datetime, now: datetime, what: str) -> str | None:
    """The instruction for a recorded moment that cannot be right, said of `what` ("date",
    "time of sharing"): later than now beyond a few minutes' drift between clocks, or before
    EARLIEST. A time without a zone is read as UTC. None when it can be right."""
    aware = when if when.tzinfo else when.replace(tzinfo=UTC)
    if aware > now + FUTURE_TOLERANCE:
        return f"The {what} cannot be in the future"
    if aware < EARLIEST:
        return f"Enter a {what} in 1900 or later"
    return None


@dataclass
class QualityCheck:
    """One rule-6 quality: confirmed, or explained when it cannot be confirmed."""

    confirmed: bool | None = None
    note: str = ""


# -- the schema's pieces ------------------------------------------------------------------------
# Each answer says, next to its type, which page asks it, how it is read back from a draft and
# how it is cleaned on the way in. Reading back never fails: a draft written by another
# version, or altered, gives the field's default for a value of the wrong kind, so it never
# breaks the form. Cleaning runs only when asked for (cleaned()): a draft keeps what was typed.
_CLEAN = {"clean": True}


def _cleaning(info: ValidationInfo) -> bool:
    return bool(info.context and info.context.get("clean"))


@dataclass(frozen=True)
class On:
    """The page of the flow that asks this answer."""

    page: str


@dataclass(frozen=True)
class Apart:
    """Kept outside the decision's own columns: the service stores it in a shape of its own
    (the subject as the record's key, others affected in their own table, the checks as JSON)."""


@dataclass(frozen=True)
class Words:
    """Free text: one line or several, its length limit, and the name its length message uses."""

    limit: int
    label: str
    line: bool = False

    def __get_pydantic_core_schema__(self, source: object, handler: object) -> CoreSchema:
        return core_schema.with_info_plain_validator_function(self.read)

    def read(self, value: object, info: ValidationInfo) -> str:
        text = value if isinstance(value, str) else ""
        if not _cleaning(info):
            return text
        return clean_line(text) if self.line else clean(text)


def _is_id(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _id(value: object) -> int | None:
    return value if _is_id(value) else None  # type: ignore[return-value]  # _is_id checked int


def _ids(value: object) -> list[int]:
    return [x for x in value if _is_id(x)] if isinstance(value, list) else []


def _answer(value: object) -> bool | None:
    """A yes/no answer, or not answered."""
    return value if isinstance(value, bool) else None


def _choice(kind: type[E], unreadable: E | None = None) -> PlainValidator:
    """One of the enum's values; unreadable (and not answered) reads as `unreadable`."""

    def read(value: object) -> E | None:
        if value is None:
            return unreadable
        try:
            return kind(value)  # type: ignore[arg-type]  # any other value raises: unreadable
        except (ValueError, TypeError):
            return unreadable

    return PlainValidator(read)


def _categories(value: object, info: ValidationInfo) -> list[str]:
    names = [x for x in value if isinstance(x, str)] if isinstance(value, list) else []
    if not _cleaning(info):
        return names
    return [c for c in map(clean_line, names) if c]


def _when(value: object, info: ValidationInfo) -> datetime | None:
    """A draft holds the time as ISO text. Cleaning reads a typed time as a draft would (the
    same instant, its zone as a fixed offset), so what is saved does not depend on the path."""
    if isinstance(value, datetime):
        value = value.isoformat() if _cleaning(info) else value
        if isinstance(value, datetime):
            return value
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _date_value(value: object) -> date | None:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _quality_check(value: object) -> QualityCheck:
    """One stored check; a value of the wrong kind reads as not answered."""
    if isinstance(value, QualityCheck):
        return value
    if not isinstance(value, dict):
        return QualityCheck()
    confirmed, note = value.get("confirmed"), value.get("note")
    return QualityCheck(
        confirmed if isinstance(confirmed, bool) else None,
        note if isinstance(note, str) else "",
    )


def _checks(value: object, info: ValidationInfo) -> dict[str, QualityCheck]:
    read = {str(k): _quality_check(v) for k, v in value.items()} if isinstance(value, dict) else {}
    if not _cleaning(info):
        return read
    return {k: QualityCheck(v.confirmed, clean(v.note)) for k, v in read.items()}


def _line(label: str) -> Words:
    return Words(SHORT_TEXT, label, line=True)


def _text(label: str) -> Words:
    return Words(LONG_TEXT, label)


Id = Annotated[int | None, PlainValidator(_id)]
Answer = Annotated[bool | None, PlainValidator(_answer)]


@pydantic_dataclass
class DecisionInput:
    """Everything a decision record holds (DOMAIN.md, 'What a decision record holds').

    The one description of a decision: the service's columns (RECORD_FIELDS), the flow's
    pages (PAGES), the length checks (TEXTS) and the cleaning all come from these fields.
    """

    subject_id: Annotated[Id, On("who"), Apart()] = None
    others_affected: Annotated[list[int], PlainValidator(_ids), On("who"), Apart()] = field(
        default_factory=list
    )
    urgent: Annotated[Answer, On("urgency")] = None
    origin: Annotated[RequestOrigin | None, _choice(RequestOrigin), On("recipient")] = None
    recipient_org: Annotated[str, _line("Organisation"), On("recipient")] = ""
    recipient_role: Annotated[str, _line("Role"), On("recipient")] = ""
    recipient_name: Annotated[str, _line("Name"), On("recipient")] = ""
    recipient_contact: Annotated[str, _line("Contact"), On("recipient")] = ""
    caller_check: Annotated[CallerCheck | None, _choice(CallerCheck), On("recipient")] = None
    purpose: Annotated[str, _text("Purpose"), On("recipient")] = ""
    information: Annotated[str, _text("Information"), On("what")] = ""
    categories: Annotated[list[str], PlainValidator(_categories), On("what")] = field(
        default_factory=list
    )
    special_category: Annotated[Answer, On("what")] = None
    criminal_offence: Annotated[Answer, On("what")] = None
    consent_position: Annotated[ConsentPosition | None, _choice(ConsentPosition), On("consent")] = (
        None
    )
    consent_event_id: Annotated[Id, On("consent")] = None
    not_sought_reason: Annotated[
        NotSoughtReason | None, _choice(NotSoughtReason), On("consent")
    ] = None
    without_consent_reason: Annotated[str, _text("Reason"), On("consent")] = ""
    lawful_basis: Annotated[LawfulBasis | None, _choice(LawfulBasis), On("basis")] = None
    art9_condition: Annotated[Art9Condition | None, _choice(Art9Condition), On("basis")] = None
    necessity: Annotated[str, _text("Necessity"), On("basis")] = ""
    checks: Annotated[dict[str, QualityCheck], PlainValidator(_checks), On("checks"), Apart()] = (
        field(default_factory=dict)
    )
    identities_protected: Annotated[str, _text("Identities protected"), On("checks")] = ""
    person_told: Annotated[Answer, On("checks")] = None
    not_told_reason: Annotated[str, _text("Reason"), On("checks")] = ""
    outcome: Annotated[Outcome | None, _choice(Outcome), On("decision")] = None
    reasons: Annotated[str, _text("Reasons"), On("decision")] = ""
    shared_at: Annotated[datetime | None, PlainValidator(_when), On("decision")] = None
    share_method: Annotated[ShareMethod | None, _choice(ShareMethod), On("decision")] = None
    # Rule 5: what could happen to the child, and to others affected, either way.
    impact_if_not_shared: Annotated[str, _text("Impact if not shared"), On("decision")] = ""
    impact_if_shared: Annotated[str, _text("Impact if shared"), On("decision")] = ""
    # After the share: the register's entries, and a child protection file transfer's own
    # answers (domain/after_share.py). The kind is set by where the flow starts (a share or
    # a transfer), never asked on a page.
    kind: Annotated[DecisionKind, _choice(DecisionKind, DecisionKind.SHARE)] = DecisionKind.SHARE
    recipient_org_id: Annotated[Id, On("recipient")] = None
    recipient_contact_id: Annotated[Id, On("recipient")] = None
    transfer_reason: Annotated[str, _text("Reason for the move"), On("transfer")] = ""
    moved_on: Annotated[date | None, PlainValidator(_date_value), On("transfer")] = None
    pupil_file_separate: Annotated[Answer, On("transfer")] = None

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
        return _READ.validate_python(data)

    def cleaned(self) -> DecisionInput:
        """A copy with every text stripped of control characters."""
        return _READ.validate_python(
            {name: getattr(self, name) for name in _FIELD_NAMES}, context=_CLEAN
        )

    @property
    def is_sharing(self) -> bool:
        return self.outcome in SHARING

    @property
    def caller_unverified(self) -> bool:
        return self.caller_check is CallerCheck.NOT_VERIFIED


_READ = TypeAdapter(DecisionInput)
_HINTS = get_type_hints(DecisionInput, include_extras=True)
_FIELD_NAMES = tuple(f.name for f in fields(DecisionInput))
_META = {name: list(getattr(_HINTS[name], "__metadata__", ())) for name in _FIELD_NAMES}


def _one(kind: type[T], metadata: list[Any]) -> T | None:
    return next((m for m in metadata if isinstance(m, kind)), None)


# The answers the service keeps in the decision's own columns, in the schema's order.
RECORD_FIELDS: tuple[str, ...] = tuple(
    name for name, meta in _META.items() if _one(Apart, meta) is None
)
# The free-text answers with their length limit and the name their message uses.
TEXTS: tuple[tuple[str, Words], ...] = tuple(
    (name, words) for name, meta in _META.items() if (words := _one(Words, meta)) is not None
)


# Field groups by page, so a screen can ask for the errors of its own page only.
def _pages() -> dict[str, tuple[str, ...]]:
    pages: dict[str, tuple[str, ...]] = {}
    for name, meta in _META.items():
        on = _one(On, meta)
        if on is not None:
            pages[on.page] = (*pages.get(on.page, ()), name)
    return pages


PAGES = _pages()


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

    if d.shared_at and (problem := when_problem(d.shared_at, now, "time of sharing")):
        e["shared_at"] = problem

    for name, words in TEXTS:
        msg = length_error(getattr(d, name), words.limit, words.label)
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
