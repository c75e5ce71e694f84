"""Child protection file transfers (KCSIE). Outgoing: a sharing decision of its own kind
(DecisionKind.CP_TRANSFER), started here with the transfer's own answers (the rest of the
record is the same for every transfer), chased through receipts.py. Incoming: a file
received from another setting, from whom, when, and our confirmation of receipt back."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlmodel import Session, col, select

from sharetui.domain.after_share import DecisionKind, ReceiptMethod
from sharetui.domain.decision import DecisionInput
from sharetui.domain.enums import Outcome, RequestOrigin
from sharetui.domain.errors import check
from sharetui.domain.permissions import Permission
from sharetui.domain.text import LONG_TEXT, SHORT_TEXT, clean, clean_line
from sharetui.services.audit import append, require
from sharetui.services.decisions import Decisions
from sharetui.services.person_rows import load_person, newest_about, touch
from sharetui.services.unit_of_work import Actor, UseCases, found
from sharetui.services.views import DecisionView, TimelineEntry
from sharetui.store.models import IncomingFile, Person, RecipientContact, RecipientOrg, User
from sharetui.store.types import utcnow

# What every transfer's record says in the parts a person does not answer for a transfer.
TRANSFER_PURPOSE = "Child protection file transfer to the new setting (KCSIE)"
TRANSFER_REASONS = (
    "Keeping Children Safe in Education: when a child moves, the designated safeguarding "
    "lead sends the child protection file to the new setting, separately from the main "
    "pupil file, securely, with confirmation of receipt."
)
TRANSFER_INFORMATION = "The child protection file"


@dataclass(frozen=True)
class IncomingView:
    id: int
    person_id: int
    person_name: str
    from_name: str
    received_on: date
    confirmed_back_at: datetime | None
    confirmed_back_method: ReceiptMethod | None
    note: str
    recorded_by: str


def _incoming_view(s: Session, f: IncomingFile) -> IncomingView:
    person = s.get(Person, f.person_id)
    user = s.get(User, f.recorded_by_id)
    return IncomingView(
        f.id or 0,
        f.person_id,
        f"{person.given_names} {person.family_name}".strip() if person else "?",
        f.from_name,
        f.received_on,
        f.confirmed_back_at,
        ReceiptMethod(f.confirmed_back_method) if f.confirmed_back_method else None,
        f.note,
        user.display_name if user else "?",
    )


class Transfers(UseCases):
    def start(self, actor: Actor, answers: DecisionInput) -> DecisionView:
        """Record a file sent to the new setting. The answers are the transfer's own (the
        person, the new setting from the register, the reason and day of the move, sent
        separately, how and when, the lawful basis and any Article 9 condition, what could
        happen if it were not sent); the rest is the same for every transfer. Checked by the
        golden rules and KCSIE (domain.after_share.validate_transfer), saved as a decision."""
        require(actor, Permission.WORK_WITH_PEOPLE)

        def names(s: Session) -> tuple[str, str, str, str]:
            org = s.get(RecipientOrg, answers.recipient_org_id or 0)
            c = s.get(RecipientContact, answers.recipient_contact_id or 0)
            c = c if c is not None and org is not None and c.org_id == org.id else None
            return (
                org.name if org else "",
                c.role if c else "",
                c.name if c else "",
                c.contact if c else "",
            )

        org, role, name, contact = self.store.read(names, actor)
        d = replace(
            answers,
            kind=DecisionKind.CP_TRANSFER,
            urgent=False,
            origin=RequestOrigin.OWN_INITIATIVE,
            recipient_org=org,
            recipient_role=role,
            recipient_name=name,
            recipient_contact=contact,
            purpose=TRANSFER_PURPOSE,
            information=answers.information or TRANSFER_INFORMATION,
            criminal_offence=bool(answers.criminal_offence),
            outcome=Outcome.SHARE,
            reasons=TRANSFER_REASONS,
        )
        return Decisions(self.store).log(actor, d)

    def incoming(self, actor: Actor, limit: int = 50) -> list[IncomingView]:
        """Files received, those not yet confirmed back first, then the newest."""
        require(actor, Permission.WORK_WITH_PEOPLE)

        def work(s: Session) -> list[IncomingView]:
            rows = s.exec(
                select(IncomingFile)
                .order_by(
                    col(IncomingFile.confirmed_back_at).is_not(None),
                    col(IncomingFile.received_on).desc(),
                    col(IncomingFile.id).desc(),
                )
                .limit(limit)
            ).all()
            return [_incoming_view(s, f) for f in rows]

        return self.store.read(work, actor)

    def confirm_back(
        self, actor: Actor, file_id: int, method: ReceiptMethod | str | None
    ) -> IncomingView:
        """We told the sending setting the file arrived (KCSIE asks the sender to get that
        confirmation): how, recorded once, audited."""
        require(actor, Permission.WORK_WITH_PEOPLE)
        try:
            how = ReceiptMethod.parse(str(method)) if method else None
        except ValueError:
            how = None
        if how is None:
            check({"confirmed_back": "Choose how receipt was confirmed back"})
        assert how is not None

        def work(s: Session) -> IncomingView:
            row = found(s, IncomingFile, file_id, "That file is not on record")
            if row.confirmed_back_at is not None:
                check({"confirmed_back": "Receipt of this file was confirmed back already"})
            row.confirmed_back_at = utcnow()
            row.confirmed_back_method = how.value
            s.add(row)
            touch(s, row.person_id)
            append(s, actor, "transfer.confirmed_back", "person", row.person_id, f"file {file_id}")
            return _incoming_view(s, row)

        return self.store.write(work, actor)

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
    """Child protection files received about the person, for the timeline."""
    rows = newest_about(
        s, IncomingFile, IncomingFile.person_id, IncomingFile.recorded_at, person_id, want
    )
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
