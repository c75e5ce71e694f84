"""What a decision version keeps about the time after the share, worked out when it is
saved: the register entries it names (checked), the agreement it relied on, and whether
the recipient must confirm receipt."""

from __future__ import annotations

from sqlmodel import Session

from sharetui.domain.after_share import DecisionKind
from sharetui.domain.enums import Outcome, ShareMethod
from sharetui.services.agreements import cover_for
from sharetui.services.register import check_recipient
from sharetui.services.unit_of_work import Store
from sharetui.store.models import SharingDecision
from sharetui.store.types import utcnow

# Said or handed over face to face: the recipient has it when the share ends.
SEEN_TO_ARRIVE = (ShareMethod.PHONE.value, ShareMethod.MEETING.value)


def after_share(s: Session, store: Store, row: SharingDecision) -> None:
    org = check_recipient(s, row.recipient_org_id, row.recipient_contact_id)
    if org is not None and not row.recipient_org:
        row.recipient_org = org.name  # the record reads on its own, whatever the register becomes
    sharing = row.outcome in (Outcome.SHARE.value, Outcome.SHARE_IN_PART.value)
    transfer = row.kind == DecisionKind.CP_TRANSFER.value
    today = utcnow().astimezone(store.settings.tz).date()
    cover = cover_for(s, row.recipient_org_id, row.purpose, today) if sharing else None
    row.agreement_id = cover.agreement.id if cover and cover.agreement else None
    row.agreement_cover = cover.state.value if cover else None
    row.receipt_required = sharing and (transfer or row.share_method not in SEEN_TO_ARRIVE)
