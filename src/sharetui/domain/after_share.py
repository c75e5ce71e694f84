"""After the share: who it went to (the recipient register), what covers it (data sharing
agreements), whether it arrived (receipt confirmed), and child protection file transfers.

Sources, summarised in our own words:
- ICO, "Data sharing: a code of practice" (2021, statutory under DPA 2018 s121): a data
  sharing agreement is not compulsory, but is good practice for routine sharing and is taken
  into account on a complaint; it states the purpose, the parties, the data, the lawful
  basis and a review date. One-off emergency sharing needs none.
- Keeping Children Safe in Education (2024 and 2025, annex C, the DSL's role): the child
  protection file goes to the new setting within 5 school days of an in-year move, or within
  the first 5 school days of a new term, separately from the main pupil file, securely, and
  with confirmation of receipt.
Pure Python: the services and the screens read the same rules.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from anyascii import anyascii

from sharetui.domain.calendar import WorkingCalendar
from sharetui.domain.enums import LabelledEnum


class OrgKind(LabelledEnum):
    SCHOOL = "school"
    SOCIAL_CARE = "social_care"
    HEALTH = "health"
    POLICE = "police"
    HOUSING = "housing"
    EARLY_HELP = "early_help"
    OTHER = "other"


class DecisionKind(LabelledEnum):
    """A share of information, or the transfer of a child protection file to a new setting."""

    SHARE = "share"
    CP_TRANSFER = "cp_transfer", "Child protection file transfer"


class ReceiptStep(LabelledEnum):
    # the recipient confirmed they have it
    CONFIRMED = "confirmed", "Receipt confirmed"
    # it did not arrive (bounced, wrong address, portal refused)
    FAILED = "failed", "Failed to arrive"
    # sent again after a failure or a chase
    RESENT = "resent", "Sent again"
    # we asked the recipient to confirm
    CHASED = "chased"


class ReceiptMethod(LabelledEnum):
    """How the recipient confirmed, or how it was sent again."""

    SECURE_EMAIL = "secure_email"
    PHONE = "phone"
    PORTAL = "portal"
    IN_PERSON = "in_person"
    LETTER = "letter"
    OTHER = "other"


class ReceiptState(LabelledEnum):
    CONFIRMED = "confirmed", "Receipt confirmed"
    # sent, not yet confirmed, not yet due a chase
    AWAITING = "awaiting", "Awaiting confirmation"
    # unconfirmed past the chase point: on the sender's home
    CHASE = "chase", "Unconfirmed: chase"
    # unconfirmed past the overdue point: on the DSL's home too
    OVERDUE = "overdue", "Unconfirmed: overdue"
    # failed and not yet sent again
    FAILED = "failed", "Failed: send again"


class AgreementCover(LabelledEnum):
    COVERED = "covered", "Covered by an agreement"
    PAST_REVIEW = "past_review", "Agreement past its review date"
    NONE = "none", "No agreement covers this share"


# Working days (school days for transfers) without a confirmation before a share is chased
# by its sender, and before it is overdue (on the DSL's home as well). Per kind of share;
# a site changes them with SHARETUI_RECEIPT_DAYS (see config.py).
RECEIPT_DAYS: dict[str, tuple[int, int]] = {
    "urgent": (1, 2),
    "share": (3, 5),
    "cp_transfer": (5, 5),
}
RECEIPT_KINDS = {
    "urgent": "Urgent share",
    "share": "Share",
    "cp_transfer": "Child protection file transfer",
}


def receipt_kind(kind: DecisionKind, urgent: bool) -> str:
    if kind is DecisionKind.CP_TRANSFER:
        return "cp_transfer"
    return "urgent" if urgent else "share"


@dataclass(frozen=True)
class ReceiptTimes:
    chase_on: date  # the first day it shows on the sender's home
    overdue_on: date  # the first day it shows on the DSL's home


def receipt_times(
    cal: WorkingCalendar, sent_on: date, kind: str, days: dict[str, tuple[int, int]]
) -> ReceiptTimes:
    """When an unconfirmed share is chased and when it is overdue: N working days (school
    days for a transfer) after the day it was last sent; it shows from the next day on."""
    chase, overdue = days.get(kind, RECEIPT_DAYS["share"])
    add = cal.add_school_days if kind == "cp_transfer" else cal.add_working_days
    return ReceiptTimes(
        cal.next_working_day(add(sent_on, chase)),
        cal.next_working_day(add(sent_on, overdue)),
    )


def receipt_state(last_step: ReceiptStep | None, times: ReceiptTimes, today: date) -> ReceiptState:
    if last_step is ReceiptStep.CONFIRMED:
        return ReceiptState.CONFIRMED
    if last_step is ReceiptStep.FAILED:
        return ReceiptState.FAILED
    if today >= times.overdue_on:
        return ReceiptState.OVERDUE
    if today >= times.chase_on:
        return ReceiptState.CHASE
    return ReceiptState.AWAITING


@dataclass(frozen=True)
class Delivery:
    """What the receipt steps of one share add up to, for the reports."""

    sent_at: datetime  # the send that counts: the first, or the last sent again
    confirmed_at: datetime | None  # when the recipient confirmed it (None: not yet)
    failed: bool  # the last word was a failure, not yet sent again


def delivery(shared_at: datetime, steps: Iterable[tuple[ReceiptStep, datetime]]) -> Delivery:
    """Steps in the order recorded. The send that counts is the last one before the
    confirmation (a share chased and sent again counts from when it was sent again); steps
    after the confirmation change nothing."""
    sent, failed = shared_at, False
    for step, at in steps:
        if step is ReceiptStep.CONFIRMED:
            return Delivery(sent, at, False)
        if step is ReceiptStep.RESENT:
            sent, failed = at, False
        elif step is ReceiptStep.FAILED:
            failed = True
    return Delivery(sent, None, failed)


def parse_receipt_days(text: str) -> dict[str, tuple[int, int]]:
    """'urgent=1/2,share=3/5,cp_transfer=5/5' -> the table; unknown or bad parts are skipped
    (the default stays), so a typo never stops the app."""
    out = dict(RECEIPT_DAYS)
    for part in text.split(","):
        key, _, value = part.partition("=")
        key = key.strip()
        if key not in RECEIPT_DAYS:
            continue
        chase, _, overdue = value.partition("/")
        try:
            c = int(chase)
            o = int(overdue) if overdue.strip() else c
        except ValueError:
            continue
        if 0 < c <= o <= 60:
            out[key] = (c, o)
    return out


def strict_receipt_days(text: str) -> dict[str, tuple[int, int]]:
    """As parse_receipt_days, but a part it cannot read is an error (settings check)."""
    out = dict(RECEIPT_DAYS)
    for part in filter(None, (p.strip() for p in text.split(","))):
        key, _, value = part.partition("=")
        chase, _, overdue = value.partition("/")
        try:
            c, o = int(chase), int(overdue or chase)
        except ValueError:
            raise ValueError(part) from None
        if key.strip() not in RECEIPT_DAYS or not 0 < c <= o <= 60:
            raise ValueError(part)
        out[key.strip()] = (c, o)
    return out


# -- names ---------------------------------------------------------------------------------
_STOP = {"the", "of", "and", "for", "service", "services", "team", "dept", "department"}
_ABBREVIATIONS = {"csc": "childrens social care", "cc": "county council", "st": "saint"}


def fold_name(name: str) -> str:
    """An organisation's name as compared: case, accents, punctuation, '&', a leading
    'The' and spacing set aside. 'The Northshire Children's Social Care' and 'northshire
    childrens social-care' fold alike; used to merge obvious duplicates."""
    text = anyascii(name).lower().replace("&", " and ")
    text = re.sub(r"['’`]", "", text)
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    words = text.split()
    if words and words[0] == "the":
        words = words[1:]
    return " ".join(words)


def name_words(name: str) -> set[str]:
    """The significant words of a name, abbreviations spelt out: for 'possibly the same'."""
    words: list[str] = []
    for w in fold_name(name).split():
        words.extend(_ABBREVIATIONS.get(w, w).split())
    return {w for w in words if w not in _STOP and len(w) > 1}


def possibly_same(a: str, b: str) -> bool:
    """Two organisation names that may be one body: not merged, listed for review. True
    when one's significant words are all in the other's (Northshire CSC / Northshire
    Children's Social Care)."""
    wa, wb = name_words(a), name_words(b)
    if not wa or not wb or fold_name(a) == fold_name(b):
        return False
    return wa <= wb or wb <= wa


# -- agreements ----------------------------------------------------------------------------
_PURPOSE_STOP = {
    "with",
    "from",
    "about",
    "information",
    "sharing",
    "share",
    "data",
    "their",
    "child",
    "children",
    "this",
    "that",
    "protection",
    "protect",
    "protecting",
    "safeguarding",
    "welfare",
    "concern",
    "concerns",
    "support",
}


def _stems(text: str) -> set[str]:
    return {w[:5] for w in fold_name(text).split() if len(w) >= 4 and w not in _PURPOSE_STOP} | {
        w for w in fold_name(text).split() if w.isdigit()
    }


def purpose_matches(agreement_purposes: Iterable[str], purpose: str) -> str | None:
    """The agreement purpose that covers a decision's purpose, or None. A purpose line
    covers it when they share a significant word (compared by its first five letters, so
    'enquiry' meets 'enquiries'); the screen names the purpose found so the person judges."""
    wanted = _stems(purpose)
    if not wanted:
        return None
    for line in agreement_purposes:
        if _stems(line) & wanted:
            return line
    return None


def purpose_lines(text: str) -> list[str]:
    return [line.strip(" -*\t") for line in text.splitlines() if line.strip(" -*\t")]


# -- child protection file transfers ---------------------------------------------------------
class _TransferAnswers(Protocol):
    """What the check reads (read-only, so any answers object with these fields fits)."""

    @property
    def recipient_org_id(self) -> int | None: ...
    @property
    def transfer_reason(self) -> str: ...
    @property
    def moved_on(self) -> date | None: ...
    @property
    def pupil_file_separate(self) -> bool | None: ...
    @property
    def share_method(self) -> object: ...
    @property
    def outcome(self) -> object: ...


def validate_transfer(d: _TransferAnswers) -> dict[str, str]:
    """KCSIE: the new setting is a known one (from the register), the reason and the date of
    the move are recorded, the file goes separately from the main pupil file, securely, and
    never by ordinary post."""
    e: dict[str, str] = {}
    if d.recipient_org_id is None:
        e["recipient_org_id"] = "Choose the new setting from the register"
    if not d.transfer_reason.strip():
        e["transfer_reason"] = "Enter the reason for the move"
    if d.moved_on is None:
        e["moved_on"] = "Enter the date the child left or joined"
    if d.pupil_file_separate is not True:
        e["pupil_file_separate"] = (
            "Send the child protection file separately from the main pupil file, then confirm it"
        )
    if getattr(d.share_method, "value", d.share_method) == "letter":
        e["share_method"] = (
            "Send the file securely (secure email, portal or by hand to the DSL): never by "
            "ordinary post or with parents"
        )
    if getattr(d.outcome, "value", d.outcome) not in (None, "share"):
        e["outcome"] = "A child protection file is transferred whole: choose share"
    return e
