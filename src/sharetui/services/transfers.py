"""Child protection files received from another setting (KCSIE): from whom, when received,
and our confirmation of receipt back to them. Outgoing transfers are sharing decisions of
their own kind (DecisionKind.CP_TRANSFER), chased through receipts.py."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from sharetui.domain.after_share import ReceiptMethod
from sharetui.domain.errors import check
from sharetui.domain.permissions import Permission
from sharetui.domain.text import LONG_TEXT, SHORT_TEXT, clean, clean_line
from sharetui.services.audit import append, require
from sharetui.services.people import load_person, touch
from sharetui.services.store import Actor, Store
from sharetui.services.views import TimelineEntry
from sharetui.store.models import IncomingFile, RecipientOrg
from sharetui.store.types import utcnow


class Transfers:
    def __init__(self, store: Store) -> None:
        self.store = store

    def record_incoming(
        self,
        actor: Actor,
        person_id: int,
        *,
        from_org_id: int | None,
        received_on: date | None,
        confirmed_back: ReceiptMethod | str | None,
        from_name: str = "",
        note: str = "",
    ) -> int:
        """A file arrived: the setting it came from (the register's entry, or its name),
        the day it came, and how we confirmed receipt back (None: not yet)."""
        require(actor, Permission.WORK_WITH_PEOPLE)
        e: dict[str, str] = {}
        name = clean_line(from_name)
        text = clean(note)
        if from_org_id is None and not name:
            e["from_org_id"] = "Choose the setting the file came from"
        if received_on is None:
            e["received_on"] = "Enter the day the file was received"
        how = None
        if confirmed_back:
            try:
                how = ReceiptMethod.parse(str(confirmed_back))
            except ValueError:
                e["confirmed_back"] = "Choose how receipt was confirmed back"
        if len(name) > SHORT_TEXT or len(text) > LONG_TEXT:
            e["note"] = "Shorten the name or the note"
        check(e)
        assert received_on is not None
        if received_on > utcnow().astimezone(self.store.settings.tz).date():
            check({"received_on": "The day received cannot be in the future"})

        def work(s: Session) -> int:
            load_person(s, person_id)
            if from_org_id is not None:
                org = s.get(RecipientOrg, from_org_id)
                if org is None:
                    check({"from_org_id": "Choose a setting that is in the register"})
                name_used = org.name if org else name
            else:
                name_used = name
            now = utcnow()
            row = IncomingFile(
                person_id=person_id,
                from_org_id=from_org_id,
                from_name=name_used,
                received_on=received_on,
                confirmed_back_at=now if how else None,
                confirmed_back_method=how.value if how else None,
                note=text,
                recorded_by_id=actor.user_id,
                recorded_at=now,
            )
            s.add(row)
            s.flush()
            touch(s, person_id)
            append(s, actor, "transfer.incoming", "person", person_id, f"file {row.id}")
            return row.id or 0

        return self.store.write(work, actor)


def incoming_timeline(s: Session, person_id: int, want: int) -> list[TimelineEntry]:
    rows = s.exec(
        select(IncomingFile)
        .where(IncomingFile.person_id == person_id)
        .order_by(col(IncomingFile.recorded_at).desc())
        .limit(want)
    ).all()
    out = []
    for f in rows:
        detail = f"From {f.from_name}, received {f.received_on:%d %b %Y}"
        detail += (
            f"; receipt confirmed back ({ReceiptMethod(f.confirmed_back_method).label.lower()})"
            if f.confirmed_back_method
            else "; receipt not yet confirmed back"
        )
        out.append(
            TimelineEntry(
                "incoming", f.id or 0, f.recorded_at, "Child protection file received", detail
            )
        )
    return out
