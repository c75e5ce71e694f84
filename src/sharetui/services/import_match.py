"""How an import finds, among the people held, the person a pupil of the file already is.

Kept apart from the plan (services/import_plan.py) because matching is the part that must never
guess, and it reads best on its own next to the rules it follows.

Matching, in the order the issue sets: the UPN, then the local reference, then the NHS number,
then the name and date of birth with the search's own matcher (domain.name_match). A match
by an identifier is taken when the name or the date of birth agrees as well; otherwise (and
when two identifiers point at two people) the row is held back. A name and date of birth
match is taken only when exactly one person held has the same date of birth and the same
names once case, accents and punctuation are set aside (what search calls exact, written in
full). Anyone else born the same day whose name search would offer (a longer or shorter
name, a short form, sounds like, one letter different) makes the row uncertain: it is held
back and listed with the reason, never guessed. A row named with --new-person skips that
last check (a person decided it is someone new).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from sharetui.domain.import_rows import PupilRecord, name_key
from sharetui.domain.name_match import Reason, StoredName, query_terms
from sharetui.store.models import Person

CHUNK = 500  # values in one IN (...): well inside SQLite's and PostgreSQL's limits


@dataclass
class Held:
    """A person already held, as far as matching and updating need."""

    id: int
    family_name: str
    given_names: str
    other_names: str
    date_of_birth: date | None
    gender: str
    reference: str
    upn: str | None
    nhs_number: str | None
    other_details: dict[str, str]
    version: int
    changed_at: datetime

    @property
    def label(self) -> str:
        return f"{self.reference} ({self.given_names} {self.family_name})"


HELD_COLUMNS = (
    col(Person.id),
    col(Person.family_name),
    col(Person.given_names),
    col(Person.other_names),
    col(Person.date_of_birth),
    col(Person.gender),
    col(Person.reference),
    col(Person.upn),
    col(Person.nhs_number),
    col(Person.other_details),
    col(Person.version),
    col(Person.details_changed_at),
    col(Person.created_at),
)


def _held(row: Any) -> Held:
    pid, family, given, other, dob, gender, ref, upn, nhs, details, version, changed, created = row
    return Held(
        pid,
        family,
        given,
        other,
        dob,
        gender,
        ref,
        upn,
        nhs,
        dict(details or {}),
        version,
        changed or created,
    )


def chunks(values: list[Any]) -> Iterable[list[Any]]:
    """Values a slice at a time, so that no IN (...) grows past what the database takes."""
    for i in range(0, len(values), CHUNK):
        yield values[i : i + CHUNK]


def load_held(s: Session, column: Any, values: Iterable[Any]) -> list[Held]:
    """The people held whose `column` is one of `values`, read once for the whole file rather
    than once a row."""
    wanted = sorted({v for v in values if v})
    out: list[Held] = []
    for part in chunks(wanted):
        out.extend(_held(r) for r in s.execute(select(*HELD_COLUMNS).where(column.in_(part))))
    return out


def match_pupil(
    p: PupilRecord,
    by_upn: dict[str | None, Held],
    by_ref: dict[str, Held],
    by_nhs: dict[str | None, Held],
    by_dob: dict[date, list[Held]],
    decided_new: bool,
) -> tuple[Held | None, str | None]:
    """The person held that pupil `p` is, None for someone new, or why a person must decide."""
    words = [w for w in f"{p.family_name} {p.given_names}".split() if query_terms([w])]
    hits = [
        (what, found)
        for what, value, table in (
            ("UPN", p.upn, by_upn),
            ("reference", p.reference, by_ref),
            ("NHS number", p.nhs_number, by_nhs),
        )
        if value and (found := table.get(value)) is not None
    ]
    if hits:
        (what, held), *others = hits
        for other_what, other in others:
            if other.id != held.id:
                return None, (
                    f"Not imported, for a person to decide: the {what} is held for "
                    f"{held.reference} but the {other_what} for {other.reference}"
                )
        for what_id, mine, theirs in (
            ("UPN", p.upn, held.upn),
            ("NHS number", p.nhs_number, held.nhs_number),
        ):
            if mine and theirs and mine != theirs:
                return None, (
                    f"Not imported, for a person to decide: the {what} matches "
                    f"{held.reference}, who is held with a different {what_id}"
                )
        same_name = StoredName(held.family_name, held.given_names, held.other_names).classify(words)
        if held.date_of_birth not in (None, p.date_of_birth) and same_name is None:
            return None, (
                f"Not imported, for a person to decide: the {what} matches "
                f"{held.reference}, but neither the name nor the date of birth does"
            )
        return held, None
    exact: list[Held] = []
    similar: list[tuple[Held, str]] = []
    mine = name_key(p.family_name, p.given_names)
    for h in by_dob.get(p.date_of_birth, []):
        m = StoredName(h.family_name, h.given_names, h.other_names).classify(words)
        if m is None:
            continue
        if m.reason == Reason.EXACT and name_key(h.family_name, h.given_names) == mine:
            if p.upn and h.upn and h.upn != p.upn:
                similar.append((h, "the same name, with a different UPN"))
            else:
                exact.append(h)
        else:
            reason = "a name that starts the same" if m.reason == Reason.EXACT else m.reason.label
            similar.append((h, f"similar name: {reason}"))
    if len(exact) > 1:
        refs = ", ".join(h.reference for h in exact)
        return None, (
            f"Not imported, for a person to decide: {len(exact)} people are held with "
            f"this name and date of birth ({refs})"
        )
    if exact:
        return exact[0], None
    if similar and not decided_new:
        shown = "; ".join(f"{h.reference} ({why})" for h, why in similar[:3])
        return None, (
            f"Not imported, for a person to decide: possibly the same person as {shown}, "
            "born the same day. If so, put their reference in this row's reference "
            "column; if not, import again with --new-person "
            f"{p.rows[0]}"
        )
    return None, None
