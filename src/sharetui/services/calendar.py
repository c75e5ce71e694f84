"""The site's calendar: bank holidays of the nation chosen in settings, and the school term
dates a supervisor or administrator enters. Every due time is counted with it: advice,
receipt chasing and child protection file transfers (domain/calendar.py)."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from sharetui.domain.calendar import BankHolidayRegion, Term, WorkingCalendar, terms_from
from sharetui.domain.errors import check
from sharetui.domain.permissions import Permission
from sharetui.domain.text import clean_line, required_text_error
from sharetui.services.audit import append, require
from sharetui.services.unit_of_work import Actor, Store, UseCases, found
from sharetui.store.models import SiteTerm
from sharetui.store.types import utcnow


def site_region(store: Store) -> BankHolidayRegion:
    try:
        return BankHolidayRegion.parse(store.settings.bank_holidays)
    except ValueError:
        return BankHolidayRegion.ENGLAND_AND_WALES


def working_calendar(s: Session, store: Store) -> WorkingCalendar:
    """The calendar as it stands, read inside the caller's transaction."""
    rows = s.exec(select(SiteTerm).order_by(col(SiteTerm.first_day))).all()
    return WorkingCalendar(
        site_region(store), terms_from((t.name, t.first_day, t.last_day) for t in rows)
    )


class Calendar(UseCases):
    def current(self) -> WorkingCalendar:
        return self.store.read(lambda s: working_calendar(s, self.store))

    def terms(self, actor: Actor) -> list[tuple[int, Term]]:
        require(actor, Permission.OVERSEE)

        def work(s: Session) -> list[tuple[int, Term]]:
            rows = s.exec(select(SiteTerm).order_by(col(SiteTerm.first_day))).all()
            return [(t.id or 0, Term(t.name, t.first_day, t.last_day)) for t in rows]

        return self.store.read(work, actor)

    def add_term(
        self, actor: Actor, name: str, first_day: date | None, last_day: date | None
    ) -> int:
        """A term's first and last school day (half-terms are the gaps between terms)."""
        require(actor, Permission.OVERSEE)
        label = clean_line(name)
        e: dict[str, str] = {}
        missing = "Enter the term's name, such as Autumn 1"
        if msg := required_text_error(label, 100, missing=missing, noun="name"):
            e["name"] = msg
        if first_day is None:
            e["first_day"] = "Enter the first day of term"
        if last_day is None:
            e["last_day"] = "Enter the last day of term"
        elif first_day is not None and last_day < first_day:
            e["last_day"] = "The last day of term must be on or after its first day"
        check(e)
        assert first_day is not None and last_day is not None

        def work(s: Session) -> int:
            overlap = s.exec(
                select(SiteTerm).where(
                    SiteTerm.first_day <= last_day, SiteTerm.last_day >= first_day
                )
            ).first()
            if overlap is not None:
                check(
                    {"first_day": f"This term overlaps {overlap.name}: enter the gap as a holiday"}
                )
            row = SiteTerm(
                name=label,
                first_day=first_day,
                last_day=last_day,
                created_by_id=actor.user_id,
                created_at=utcnow(),
            )
            s.add(row)
            s.flush()
            append(s, actor, "term.add", "term", row.id, f"{first_day} to {last_day}")
            return row.id or 0

        return self.store.write(work, actor)

    def remove_term(self, actor: Actor, term_id: int) -> None:
        require(actor, Permission.OVERSEE)

        def work(s: Session) -> None:
            row = found(s, SiteTerm, term_id, "That term is not on record")
            append(s, actor, "term.remove", "term", term_id, f"{row.first_day} to {row.last_day}")
            s.delete(row)

        self.store.write(work, actor)
