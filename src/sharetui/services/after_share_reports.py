"""What the reports count after the share: shares by the register's organisations (old
free-text spellings found through the register's aliases), shares under an agreement or
none, receipts confirmed on time, and child protection file transfers within 5 school days.
Read inside the report's own transaction; counts only.

The rules, so the Reports screen, `sharetui report` and the governors' report agree:
- a decision counts in the period it was first made, with its latest version's values
  (as every other report count);
- a receipt is confirmed on time when it was confirmed before the share would have been
  chased: within the working days set for its kind (school days for a transfer), counted
  from the send that counts (domain.after_share.delivery: a share sent again counts from then);
- a transfer is within 5 school days when the send that counts was on or before its due date
  (KCSIE: 5 school days after an in-year move, or the fifth school day of the new term),
  and it was not left failed. A transfer without a date of move cannot show it was in time.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, func, select

from sharetui.domain.after_share import (
    RECEIPT_KINDS,
    AgreementCover,
    DecisionKind,
    ReceiptStep,
    delivery,
    fold_name,
    receipt_kind,
    receipt_times,
)
from sharetui.domain.calendar import WorkingCalendar
from sharetui.services.decisions import is_latest_version
from sharetui.store.models import ReceiptEvent, RecipientAlias, RecipientOrg, SharingDecision

NOT_RECORDED = "not_recorded"


@dataclass(frozen=True)
class AgreementRow:
    """Shares (in full or in part) by what the decision recorded about an agreement."""

    cover: str  # an AgreementCover value, or "not_recorded" (decided before agreements)
    label: str
    shares: int
    urgent: int  # of which urgent (an emergency share needs no agreement)


AGREEMENT_LABELS = {
    AgreementCover.COVERED.value: "Under an agreement",
    AgreementCover.PAST_REVIEW.value: "Under an agreement past its review date",
    AgreementCover.NONE.value: "No agreement",
    NOT_RECORDED: "Not recorded (decided before agreements were kept)",
}


@dataclass(frozen=True)
class ReceiptRow:
    """Shares of one kind sent where arrival is not seen, and where their receipt stands."""

    kind: str  # urgent, share, cp_transfer (domain.after_share.RECEIPT_KINDS)
    label: str
    days: int  # working (school) days allowed before it is chased
    sent: int
    on_time: int  # confirmed within those days
    late: int  # confirmed after them
    failed: int  # failed and not yet sent again
    unconfirmed_due: int  # not confirmed, past the day it is chased
    awaiting: int  # not confirmed, not yet due

    @property
    def on_time_percent(self) -> float | None:
        confirmed = self.on_time + self.late
        return 100.0 * self.on_time / confirmed if confirmed else None


@dataclass(frozen=True)
class TransferCounts:
    """Child protection files sent to a new setting, first recorded in the period."""

    made: int = 0
    within: int = 0  # sent within 5 school days (KCSIE)
    later: int = 0  # sent later, left failed, or without a date of move
    confirmed: int = 0  # the new setting confirmed receipt


# -- organisations ----------------------------------------------------------------------------
class OrgNames:
    """The register's name for a decision's recipient: its register entry (followed through
    merges), else the entry its free-text spelling was merged into, else the spelling."""

    def __init__(self, s: Session) -> None:
        rows = s.exec(
            select(RecipientOrg.id, RecipientOrg.name, RecipientOrg.name_key, RecipientOrg.active)
        ).all()
        self.names = {i: n for i, n, _, _ in rows}
        self.active = {i for i, _, _, a in rows if a}
        self.by_key = {k: i for i, _, k, a in rows if a}
        self.by_key.update(
            dict(s.exec(select(RecipientAlias.name_key, RecipientAlias.org_id)).all())
        )

    def _follow(self, org_id: int) -> int:
        """A retired (merged) entry leads to the one kept, through its old spelling."""
        for _ in range(10):
            if org_id in self.active:
                return org_id
            nxt = self.by_key.get(fold_name(self.names.get(org_id, "")))
            if nxt is None or nxt == org_id:
                return org_id
            org_id = nxt
        return org_id

    def group(self, org_id: int | None, text: str) -> tuple[str, str, bool]:
        """(group key, name shown, in the register)."""
        if org_id is not None and org_id in self.names:
            found = self._follow(org_id)
            return f"#{found}", self.names[found], True
        key = fold_name(text)
        found_id = self.by_key.get(key)
        if found_id is not None and found_id in self.names:
            found = self._follow(found_id)
            return f"#{found}", self.names[found], True
        return f"~{key}", text, False


# -- agreements ---------------------------------------------------------------------------------
class AgreementTally:
    def __init__(self) -> None:
        self.shares: Counter[str] = Counter()
        self.urgent: Counter[str] = Counter()

    def add(self, cover: str | None, urgent: bool) -> None:
        key = cover if cover in AGREEMENT_LABELS else NOT_RECORDED
        self.shares[key] += 1
        self.urgent[key] += int(bool(urgent))

    def rows(self) -> tuple[AgreementRow, ...]:
        out = [
            AgreementRow(k, label, self.shares[k], self.urgent[k])
            for k, label in AGREEMENT_LABELS.items()
        ]
        # "Not recorded" only where such decisions are in the period.
        return tuple(r for r in out if r.cover != NOT_RECORDED or r.shares)


# -- receipts and transfers ---------------------------------------------------------------------
def _sent_in(s: Session, lo: datetime, hi: datetime, *extra: Any) -> list[Any]:
    """Latest versions of decisions first made in [lo, hi) that needed a receipt: only the
    columns the counts need (a busy month is thousands of shares, and whole rows carry
    every free-text answer: the report held them all at once)."""
    firsts = select(SharingDecision.root_id).where(
        SharingDecision.version == 1,
        col(SharingDecision.decided_at) >= lo,
        col(SharingDecision.decided_at) < hi,
    )
    q = sa_select(
        col(SharingDecision.root_id),
        col(SharingDecision.kind),
        col(SharingDecision.urgent),
        col(SharingDecision.shared_at),
        col(SharingDecision.moved_on),
    ).where(
        col(SharingDecision.root_id).in_(firsts),
        is_latest_version(),
        col(SharingDecision.receipt_required),
        col(SharingDecision.shared_at).is_not(None),
        *extra,
    )
    return list(s.execute(q.order_by(col(SharingDecision.root_id))).all())


def _steps(s: Session, roots: Iterable[int]) -> dict[int, list[tuple[ReceiptStep, datetime]]]:
    ids = list(roots)
    out: dict[int, list[tuple[ReceiptStep, datetime]]] = {i: [] for i in ids}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for root, step, at in s.exec(
            select(ReceiptEvent.decision_root_id, ReceiptEvent.step, ReceiptEvent.at)
            .where(col(ReceiptEvent.decision_root_id).in_(chunk))
            .order_by(col(ReceiptEvent.id))
        ).all():
            out[root].append((ReceiptStep(step), at))
    return out


def _kind(row: Any) -> DecisionKind:
    return (
        DecisionKind.CP_TRANSFER
        if row.kind == DecisionKind.CP_TRANSFER.value
        else (DecisionKind.SHARE)
    )


def receipt_rows(
    s: Session,
    cal: WorkingCalendar,
    tz: tzinfo,
    days: dict[str, tuple[int, int]],
    lo: datetime,
    hi: datetime,
    today: date,
) -> tuple[ReceiptRow, ...]:
    rows = _sent_in(s, lo, hi)
    steps = _steps(s, (r.root_id for r in rows if r.root_id is not None))
    tally: dict[str, Counter[str]] = {k: Counter() for k in RECEIPT_KINDS}
    for row in rows:
        assert row.root_id is not None and row.shared_at is not None
        rk = receipt_kind(_kind(row), row.urgent)
        d = delivery(row.shared_at, steps[row.root_id])
        times = receipt_times(cal, d.sent_at.astimezone(tz).date(), rk, days)
        c = tally[rk]
        c["sent"] += 1
        if d.confirmed_at is not None:
            c["on_time" if d.confirmed_at.astimezone(tz).date() < times.chase_on else "late"] += 1
        elif d.failed:
            c["failed"] += 1
        elif today >= times.chase_on:
            c["unconfirmed_due"] += 1
        else:
            c["awaiting"] += 1
    return tuple(
        ReceiptRow(
            k,
            label,
            days.get(k, (0, 0))[0],
            c["sent"],
            c["on_time"],
            c["late"],
            c["failed"],
            c["unconfirmed_due"],
            c["awaiting"],
        )
        for k, label in RECEIPT_KINDS.items()
        for c in (tally[k],)
    )


def transfer_counts(
    s: Session, cal: WorkingCalendar, tz: tzinfo, lo: datetime, hi: datetime
) -> TransferCounts:
    rows = _sent_in(s, lo, hi, SharingDecision.kind == DecisionKind.CP_TRANSFER.value)
    steps = _steps(s, (r.root_id for r in rows if r.root_id is not None))
    c: Counter[str] = Counter()
    for row in rows:
        assert row.root_id is not None and row.shared_at is not None
        d = delivery(row.shared_at, steps[row.root_id])
        c["made"] += 1
        c["confirmed"] += int(d.confirmed_at is not None)
        due = cal.transfer_due(row.moved_on) if row.moved_on else None
        if due is not None and not d.failed and d.sent_at.astimezone(tz).date() <= due:
            c["within"] += 1
    return TransferCounts(c["made"], c["within"], c["made"] - c["within"], c["confirmed"])


def any_transfer(s: Session) -> bool:
    """Whether this site has ever recorded a child protection file transfer."""
    return bool(
        s.exec(
            select(func.count()).where(SharingDecision.kind == DecisionKind.CP_TRANSFER.value)
        ).one()
    )
