"""The tables. Append-only ones (consent, decision versions, audit, advice events) are never
updated by the services; corrections are new rows that point at the old ones."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from sharetui.store.types import UTCDateTime


def _dt(nullable: bool = False, index: bool = False) -> Any:
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=nullable, index=index))


def _text(nullable: bool = False) -> Any:
    return Field(default=None if nullable else "", sa_column=Column(Text(), nullable=nullable))


class User(SQLModel, table=True):
    __tablename__ = "app_user"
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, unique=True, index=True)
    display_name: str = Field(max_length=200)
    role: str = Field(max_length=20)
    advice_roles: str = Field(default="", max_length=200)  # comma-separated AdviceRole values
    passphrase_hash: str = Field(max_length=300)
    active: bool = True
    failed_signins: int = 0
    locked_until: datetime | None = _dt(nullable=True)
    created_at: datetime = _dt()
    # A passphrase set by an administrator is for one sign-in: it must be changed then.
    must_change_passphrase: bool = False
    # Second factor (RFC 6238): the secret as a sealed token (services/second_factor.py),
    # the last time step accepted (no code is taken twice), hashed one-time recovery codes.
    totp_secret: str = _text()
    totp_last_step: int | None = Field(default=None)
    totp_enrolled_at: datetime | None = _dt(nullable=True)
    recovery_codes: str = _text()


def split_advice_roles(stored: str) -> tuple[str, ...]:
    """An account's advice roles as app_user.advice_roles holds them (comma-separated values,
    empty for none), read back in the one way: the signed-in Actor, the account's own views
    and the check of the acting account in every write transaction compare like with like."""
    return tuple(r for r in stored.split(",") if r)


def join_advice_roles(roles: Iterable[str]) -> str:
    """The advice roles' values as app_user.advice_roles stores them (split_advice_roles
    reads them back)."""
    return ",".join(roles)


class SignInThrottle(SQLModel, table=True):
    """Failed sign-ins per (username, terminal): each failure past the first few makes the
    next try wait longer there. The username is a keyed hash, so a name typed that matches no
    account (or a passphrase typed into the username box) is never stored as typed, and known
    and unknown names are throttled alike."""

    __tablename__ = "signin_throttle"
    name_hash: str = Field(max_length=64, primary_key=True)
    terminal: str = Field(max_length=100, primary_key=True)
    failures: int = 0
    next_try_at: datetime | None = _dt(nullable=True)
    last_failure_at: datetime = _dt()


class Person(SQLModel, table=True):
    # the records due for review: those opened long ago, then their birth dates (0010)
    __table_args__ = (Index("ix_person_opened_born", "created_at", "date_of_birth"),)
    id: int | None = Field(default=None, primary_key=True)
    family_name: str = Field(max_length=200)
    given_names: str = Field(max_length=200)
    other_names: str = Field(default="", max_length=200)
    sort_key: str = Field(max_length=420, index=True)  # folded "family given"
    date_of_birth: date | None = Field(default=None, index=True)
    dob_estimated: bool = False
    reference: str = Field(max_length=200, unique=True, index=True)
    nhs_number: str | None = Field(default=None, max_length=10, index=True)
    notes: str = _text()
    created_by_id: int = Field(foreign_key="app_user.id")
    created_at: datetime = _dt()
    last_activity_at: datetime = _dt(index=True)
    # From 0008 (imports): a school's identifiers and other details, and the version of the
    # details above; each earlier version is kept in person_version.
    gender: str = Field(default="", max_length=40)
    upn: str | None = Field(default=None, max_length=13, unique=True, index=True)
    other_details: dict[str, str] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False)
    )
    version: int = 1
    details_changed_at: datetime | None = _dt(nullable=True)  # None: not since created_at


class PersonVersion(SQLModel, table=True):
    """A person's details as they were before a change (append-only): the change itself is in
    the person row, this keeps what it replaced, who replaced it, when and why."""

    __tablename__ = "person_version"
    __table_args__ = (UniqueConstraint("person_id", "version"),)
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    version: int
    family_name: str = Field(max_length=200)
    given_names: str = Field(max_length=200)
    other_names: str = Field(default="", max_length=200)
    date_of_birth: date | None = None
    gender: str = Field(default="", max_length=40)
    reference: str = Field(max_length=200)
    upn: str | None = Field(default=None, max_length=13)
    nhs_number: str | None = Field(default=None, max_length=10)
    other_details: dict[str, str] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False)
    )
    replaced_by_id: int = Field(foreign_key="app_user.id")
    replaced_at: datetime = _dt()
    reason: str = Field(default="", max_length=300)


class PersonImportKey(SQLModel, table=True):
    """How a later import finds a contact it brought in before (contacts have no date of
    birth or UPN): digests of their reference, or of their name with an email or telephone
    (domain/import_rows.py). Digests, so the table holds no readable contact details."""

    __tablename__ = "person_import_key"
    key: str = Field(max_length=64, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)


class PersonNameKey(SQLModel, table=True):
    """One search key of a person's names per row (domain.name_match.person_keys): "w:" word
    forms, prefix-searched for exact matches; "p:" phonetic codes, "s:" short-form groups and
    "d:" one-letter deletions, looked up by equality for similar names. Written with the
    person, so a search reads an index instead of scanning names."""

    __tablename__ = "person_name_key"
    # (person_id, key) answers "does this person have a key like this?" from the index alone.
    __table_args__ = (Index("ix_person_name_key_person_id_key", "person_id", "key"),)
    key: str = Field(max_length=200, primary_key=True)
    person_id: int = Field(foreign_key="person.id", primary_key=True)


class PersonLink(SQLModel, table=True):
    """'from_person is <relationship> of to_person', e.g. mother is parent_with_pr of child."""

    __tablename__ = "person_link"
    __table_args__ = (UniqueConstraint("from_person_id", "to_person_id", "relationship"),)
    id: int | None = Field(default=None, primary_key=True)
    from_person_id: int = Field(foreign_key="person.id", index=True)
    to_person_id: int = Field(foreign_key="person.id", index=True)
    relationship: str = Field(max_length=40)
    created_by_id: int = Field(foreign_key="app_user.id")
    created_at: datetime = _dt()


class ConsentEvent(SQLModel, table=True):
    __tablename__ = "consent_event"
    __table_args__ = (Index("ix_consent_person_effective", "person_id", "effective_at"),)
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id")
    status: str = Field(max_length=20)
    not_sought_reason: str | None = Field(default=None, max_length=40)
    given_by: str | None = Field(default=None, max_length=40)
    given_by_name: str = Field(default="", max_length=200)
    method: str | None = Field(default=None, max_length=20)
    told: str = _text()
    scope_information: str = Field(max_length=200)
    scope_recipient: str = Field(max_length=200)
    scope_purpose: str = Field(max_length=200)
    scope_key: str = Field(max_length=620)
    effective_at: datetime = _dt()
    recorded_by_id: int = Field(foreign_key="app_user.id")
    recorded_at: datetime = _dt()


class SharingDecision(SQLModel, table=True):
    """One version of a decision. root_id groups versions; the highest version is current."""

    __tablename__ = "sharing_decision"
    __table_args__ = (
        UniqueConstraint("root_id", "version"),
        Index("ix_decision_subject_decided", "subject_id", "decided_at"),
        Index("ix_decision_decided_by", "decided_by_id", "decided_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    root_id: int | None = Field(default=None)
    version: int = 1
    supersedes_id: int | None = Field(default=None, foreign_key="sharing_decision.id")
    amend_reason: str = _text()
    subject_id: int = Field(foreign_key="person.id")
    urgent: bool = False
    origin: str | None = Field(default=None, max_length=30)
    recipient_org: str = Field(default="", max_length=200)
    recipient_role: str = Field(default="", max_length=200)
    recipient_name: str = Field(default="", max_length=200)
    recipient_contact: str = Field(default="", max_length=200)
    caller_check: str | None = Field(default=None, max_length=40)
    caller_unverified: bool = False
    purpose: str = _text()
    information: str = _text()
    categories: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    special_category: bool = False
    criminal_offence: bool = False
    consent_position: str | None = Field(default=None, max_length=20)
    consent_event_id: int | None = Field(default=None, foreign_key="consent_event.id")
    not_sought_reason: str | None = Field(default=None, max_length=40)
    without_consent_reason: str = _text()
    lawful_basis: str | None = Field(default=None, max_length=30)
    art9_condition: str | None = Field(default=None, max_length=30)
    necessity: str = _text()
    checks: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    identities_protected: str = _text()
    person_told: bool | None = None
    not_told_reason: str = _text()
    outcome: str = Field(max_length=20, index=True)
    reasons: str = _text()
    shared_at: datetime | None = _dt(nullable=True)
    share_method: str | None = Field(default=None, max_length=20)
    decided_by_id: int = Field(foreign_key="app_user.id")
    decided_at: datetime = _dt(index=True)
    # Rule 5. NULL: decided before the question existed (never filled in afterwards: the
    # row is append-only); "" on a newer row: not answered yet (an urgent share to complete).
    impact_if_not_shared: str | None = _text(nullable=True)
    impact_if_shared: str | None = _text(nullable=True)
    # After the share (schema 0006). Plain ids, no foreign keys: adding a column with one
    # would make SQLite rebuild this append-only table and lose its triggers.
    kind: str = Field(default="share", max_length=20)
    recipient_org_id: int | None = Field(default=None, index=True)
    recipient_contact_id: int | None = None
    agreement_id: int | None = None
    agreement_cover: str | None = Field(default=None, max_length=20)
    transfer_reason: str = _text()
    moved_on: date | None = None
    pupil_file_separate: bool | None = None
    receipt_required: bool = False  # sent where arrival is not seen: confirm receipt


class DecisionAffected(SQLModel, table=True):
    """Others affected by a decision version (siblings, carers...)."""

    __tablename__ = "decision_affected"
    decision_id: int = Field(foreign_key="sharing_decision.id", primary_key=True)
    person_id: int = Field(foreign_key="person.id", primary_key=True, index=True)


class AdviceRequest(SQLModel, table=True):
    __tablename__ = "advice_request"
    __table_args__ = (
        Index("ix_advice_queue", "status", "advice_role", "urgency_rank", "raised_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    question: str = _text()
    anonymised: bool = False
    person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    person_description: str = Field(default="", max_length=200)
    advice_role: str = Field(max_length=30)
    urgency: str = Field(max_length=20)
    urgency_rank: int = 2
    due_at: datetime = _dt()
    decision_id: int | None = Field(default=None, foreign_key="sharing_decision.id")
    draft_id: int | None = Field(default=None, index=True)
    status: str = Field(max_length=20)
    raised_by_id: int = Field(foreign_key="app_user.id", index=True)
    raised_at: datetime = _dt()
    claimed_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    claimed_at: datetime | None = _dt(nullable=True)
    advice_text: str = _text()
    advised_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    advised_at: datetime | None = _dt(nullable=True)
    outcome_text: str = _text()
    closed_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    closed_at: datetime | None = _dt(nullable=True)


class AdviceEvent(SQLModel, table=True):
    __tablename__ = "advice_event"
    id: int | None = Field(default=None, primary_key=True)
    advice_id: int = Field(foreign_key="advice_request.id", index=True)
    kind: str = Field(max_length=20)
    user_id: int = Field(foreign_key="app_user.id")
    at: datetime = _dt()
    note: str = _text()


class Draft(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    kind: str = Field(max_length=40)
    title: str = Field(default="", max_length=200)
    page: str = Field(default="", max_length=40)
    status: str = Field(default="open", max_length=20)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = _dt()
    updated_at: datetime = _dt()


class AuditEvent(SQLModel, table=True):
    """Append-only, hash-chained: each row's hash covers its content and the previous hash."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_entity", "entity_type", "entity_id", "action"),)
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _dt()
    user_id: int | None = Field(default=None)
    username: str = Field(default="", max_length=64)
    terminal: str = Field(default="", max_length=100)
    action: str = Field(max_length=40)
    entity_type: str = Field(default="", max_length=40)
    entity_id: str = Field(default="", max_length=40)
    summary: str = Field(default="", max_length=300)
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class AuditHead(SQLModel, table=True):
    """The last link of the chain, so that deleting the newest events is also detected.
    keyed_from: the first event hashed with the site key (HMAC); earlier ones are plain SHA-256
    (written before the site had a key). None: no event is keyed."""

    __tablename__ = "audit_head"
    id: int = Field(default=1, primary_key=True)
    last_event_id: int = 0
    last_hash: str = Field(default="", max_length=64)
    keyed_from: int | None = None


from sharetui.store.models_register import (  # noqa: E402,F401  (registers those tables)
    Agreement,
    AgreementParty,
    IncomingFile,
    ReceiptEvent,
    RecipientAlias,
    RecipientContact,
    RecipientOrg,
    SiteTerm,
)


# -- information governance (subject access, retention, disposal) ----------------------------
class SubjectAccessRequest(SQLModel, table=True):
    """A subject access request on the clock. due_on is kept with the row (recomputed by the
    service whenever a date it depends on changes) so that due and overdue lists are queries.
    After the person is disposed of, person_id and the requester's name are cleared and the
    dates stay, for the governors' counts."""

    __tablename__ = "subject_access_request"
    id: int | None = Field(default=None, primary_key=True)
    person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    requester_name: str = Field(default="", max_length=200)
    relationship: str = Field(max_length=30)
    received_on: date
    identity_confirmed_on: date | None = None
    extension_months: int = 0
    extension_reason: str = _text()
    extension_told_on: date | None = None
    due_on: date | None = Field(default=None, index=True)
    status: str = Field(max_length=20, index=True)
    handler_id: int | None = Field(default=None, foreign_key="app_user.id")
    answered_on: date | None = None
    created_by_id: int = Field(foreign_key="app_user.id")
    created_at: datetime = _dt()


class SarReview(SQLModel, table=True):
    """One reviewed entry of a request's export: a field marked for review ("kind:id:key"),
    a whole record ("kind:id"), or every entry of one mark ("mark:staff"), withheld or
    released with a reason. A later review of the same entry replaces the earlier one; both
    are in the audit trail."""

    __tablename__ = "sar_review"
    __table_args__ = (UniqueConstraint("request_id", "entry"),)
    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="subject_access_request.id", index=True)
    entry: str = Field(max_length=200)
    choice: str = Field(max_length=10)
    reason: str = _text()
    reviewed_by_id: int = Field(foreign_key="app_user.id")
    reviewed_at: datetime = _dt()


class SarDisclosure(SQLModel, table=True):
    """A reviewed file given out for a request: when, by whom, its format and SHA-256, and how
    many entries were withheld and released. The file itself is not kept."""

    __tablename__ = "sar_disclosure"
    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="subject_access_request.id", index=True)
    made_at: datetime = _dt()
    made_by_id: int = Field(foreign_key="app_user.id")
    format: str = Field(max_length=10)
    sha256: str = Field(max_length=64)
    withheld: int = 0
    released: int = 0


class RetentionRuleRow(SQLModel, table=True):
    """The site's retention schedule, one row per kind of record (defaults in
    domain/governance.py, with their sources)."""

    __tablename__ = "retention_rule"
    kind: str = Field(max_length=30, primary_key=True)
    age_years: int | None = None
    years_after: int | None = None
    source: str = _text()
    changed_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    changed_at: datetime | None = _dt(nullable=True)


class PersonRetention(SQLModel, table=True):
    """A person's kind of record when a reviewer has set it, and the next review date a
    'keep' decision set. Without a row: the default kind and the rule's date."""

    __tablename__ = "person_retention"
    person_id: int = Field(foreign_key="person.id", primary_key=True)
    kind: str = Field(max_length=30)
    next_review_on: date | None = None
    updated_by_id: int = Field(foreign_key="app_user.id")
    updated_at: datetime = _dt()


class RetentionReview(SQLModel, table=True):
    """A review's decision: keep (with a reason and the next review date) or dispose. After a
    disposal, person_id and the reason are cleared; the row stays for the counts."""

    __tablename__ = "retention_review"
    id: int | None = Field(default=None, primary_key=True)
    person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    record_kind: str = Field(max_length=30)
    choice: str = Field(max_length=10)
    reason: str = _text()
    next_review_on: date | None = None
    reviewed_by_id: int = Field(foreign_key="app_user.id")
    reviewed_at: datetime = _dt(index=True)


class LegalHold(SQLModel, table=True):
    """A record under an inquiry or a court order: no disposal until the hold is lifted (the
    database refuses one too)."""

    __tablename__ = "legal_hold"
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    reason: str = _text()
    placed_by_id: int = Field(foreign_key="app_user.id")
    placed_at: datetime = _dt()
    lifted_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    lifted_at: datetime | None = _dt(nullable=True)
    lift_reason: str = _text()


class Disposal(SQLModel, table=True):
    """The tombstone of a disposed record: what kind it was, when, under which rule, by whom,
    and how many rows of each table went. No personal data. Append-only (database triggers).
    former_person_id is the number audit events used for the person: the events stay, and
    say nothing more than that number did."""

    __tablename__ = "disposal"
    id: int | None = Field(default=None, primary_key=True)
    former_person_id: int = Field(index=True)
    record_kind: str = Field(max_length=30)
    rule: str = _text()
    disposed_at: datetime = _dt(index=True)
    disposed_by_id: int = Field(foreign_key="app_user.id")
    removed: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class DisposalPending(SQLModel, table=True):
    """Present only inside a disposal's own transaction: the append-only triggers let rows
    about this person be deleted while it exists, and at no other time."""

    __tablename__ = "disposal_pending"
    person_id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
