"""What an import would do to the people held: match each pupil and contact of a file,
decide what to create, update, link or hold back for a person to decide. Reads only.

Which person held each pupil is, and when a person must decide instead, is
services/import_match.py.

An update takes only what the file holds and the record does not (blank cells never erase),
and only when the record has not been changed since the export was made (as_of): a later
change made here is newer than the file. Other names gain a preferred name; they never lose
one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlmodel import Session, col

from sharetui.domain.enums import Relationship
from sharetui.domain.import_rows import (
    ContactRecord,
    ParsedFile,
    PupilRecord,
    Refusal,
    name_key,
)
from sharetui.services.import_match import Held, chunks, load_held, match_pupil
from sharetui.store.models import Person, PersonImportKey, PersonLink

PARENT_LIKE = {
    Relationship.PARENT_WITH_PR,
    Relationship.PARENT_WITHOUT_PR,
    Relationship.PARENT_PR_NOT_RECORDED,
    Relationship.CARER_WITH_PR,
    Relationship.CARER_WITHOUT_PR,
    Relationship.OTHER_RELATIVE,
    Relationship.OTHER,
}
FIELD_WORDS = {
    "family_name": "family name",
    "given_names": "given names",
    "other_names": "other names",
    "date_of_birth": "date of birth",
    "gender": "gender",
    "upn": "UPN",
    "nhs_number": "NHS number",
    "other_details": "other details",
}


@dataclass
class Target:
    """Who a pupil or contact of the file becomes: a new person (new: the record to create),
    a person held (held, with changes to make), or nobody (held back)."""

    new: PupilRecord | ContactRecord | None = None
    held: Held | None = None
    changes: dict[str, Any] = field(default_factory=dict)
    kept_newer: bool = False
    person_id: int | None = None  # filled in when written (new) or known (held)
    keys: frozenset[str] = frozenset()  # contact keys to record for this person

    @property
    def skipped(self) -> bool:
        return self.new is None and self.held is None


@dataclass
class Plan:
    pupils: list[Target]
    contacts: list[Target]
    links: list[tuple[Target, Target, Relationship, int]]  # from (contact), to (pupil), row
    siblings: list[tuple[Target, Target]]
    review: list[Refusal]
    lines: list[str]  # what would be done, in words, for --dry-run

    def count(self, targets: Iterable[Target], what: str) -> int:
        test: dict[str, Callable[[Target], bool]] = {
            "created": lambda t: t.new is not None,
            "updated": lambda t: t.held is not None and bool(t.changes) and not t.kept_newer,
            "unchanged": lambda t: t.held is not None and (not t.changes or t.kept_newer),
        }
        return sum(1 for t in targets if test[what](t))


def make_plan(
    s: Session,
    parsed: ParsedFile,
    *,
    as_of: datetime | None,
    new_rows: frozenset[int] = frozenset(),
    progress: Callable[[int], None] | None = None,
) -> Plan:
    pupils = parsed.pupils
    by_upn = {h.upn: h for h in load_held(s, col(Person.upn), (p.upn for p in pupils))}
    by_ref = {
        h.reference: h for h in load_held(s, col(Person.reference), (p.reference for p in pupils))
    }
    by_nhs = {
        h.nhs_number: h
        for h in load_held(s, col(Person.nhs_number), (p.nhs_number for p in pupils))
    }
    by_dob: dict[date, list[Held]] = defaultdict(list)
    for h in load_held(s, col(Person.date_of_birth), (p.date_of_birth for p in pupils)):
        if h.date_of_birth is not None:  # always: people were looked up by date of birth
            by_dob[h.date_of_birth].append(h)
    review: list[Refusal] = []
    lines: list[str] = []
    targets: list[Target] = []
    for n, p in enumerate(pupils):
        held, problem = match_pupil(p, by_upn, by_ref, by_nhs, by_dob, bool(new_rows & set(p.rows)))
        if problem:
            review.append(Refusal(p.rows[0], "", problem))
            targets.append(Target())
        elif held is None:
            targets.append(Target(new=p))
            lines.append(
                f"row {p.rows[0]}: new person {p.given_names} {p.family_name}, "
                f"born {p.date_of_birth:%d/%m/%Y}"
            )
        else:
            targets.append(_update(held, _pupil_changes(held, p), as_of, p.rows[0], review, lines))
        if progress and n % 100 == 0:
            progress(n)
    contacts = _contacts(s, parsed, targets, as_of, review, lines)
    links, siblings = _links(s, parsed, targets, contacts, review, lines)
    return Plan(targets, contacts, links, siblings, review, lines)


def _pupil_changes(held: Held, p: PupilRecord) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for name, value in (
        ("family_name", p.family_name),
        ("given_names", p.given_names),
        ("date_of_birth", p.date_of_birth),
        ("gender", p.gender),
        ("upn", p.upn),
        ("nhs_number", p.nhs_number),
    ):
        if value and getattr(held, name) != value:
            changes[name] = value
    other = _more_other_names(held.other_names, p.other_names)
    if other != held.other_names:
        changes["other_names"] = other
    details = _more_details(held.other_details, p.details)
    if details != held.other_details:
        changes["other_details"] = details
    return changes


def _more_other_names(held: str, extra: str) -> str:
    if not extra or name_key(extra, "") in {name_key(w, "") for w in [held, *held.split()]}:
        return held
    return f"{held} {extra}".strip()


def _more_details(held: dict[str, str], extra: Iterable[tuple[str, str]]) -> dict[str, str]:
    out = dict(held)
    for label, value in extra:
        if value:
            out[label] = value
    return out


def _update(
    held: Held,
    changes: dict[str, Any],
    as_of: datetime | None,
    row: int,
    review: list[Refusal],
    lines: list[str],
) -> Target:
    t = Target(held=held, changes=changes, person_id=held.id)
    if not changes:
        return t
    what = ", ".join(FIELD_WORDS[k] for k in changes)
    if as_of is not None and held.changed_at > as_of:
        t.kept_newer = True
        review.append(
            Refusal(
                row,
                "",
                f"Kept as held: {held.reference} was changed here after "
                f"this export was made, so its {what} were not replaced",
            )
        )
    else:
        lines.append(f"row {row}: update {held.label}: {what}")
    return t


def _contacts(
    s: Session,
    parsed: ParsedFile,
    pupils: list[Target],
    as_of: datetime | None,
    review: list[Refusal],
    lines: list[str],
) -> list[Target]:
    """Each contact: found by a key an earlier import recorded, else among the people already
    linked to its children with the same name, else new."""
    all_keys = sorted({k for c in parsed.contacts for k in c.keys})
    by_key: dict[str, int] = {}
    for part in chunks(all_keys):
        for key, pid in s.execute(
            select(col(PersonImportKey.key), col(PersonImportKey.person_id)).where(
                col(PersonImportKey.key).in_(part)
            )
        ):
            by_key[key] = pid
    children: dict[int, set[int]] = defaultdict(set)  # contact -> pupils
    for link in parsed.links:
        children[link.contact].add(link.pupil)
    held_children = sorted({t.held.id for t in pupils if t.held is not None})
    around = _linked_people(s, held_children)
    wanted = set(by_key.values()) | {pid for pids in around.values() for pid in pids}
    held_by_id = {h.id: h for h in load_held(s, col(Person.id), wanted)}
    out: list[Target] = []
    for i, c in enumerate(parsed.contacts):
        if all(pupils[p].skipped for p in children[i]):
            out.append(Target())
            continue
        found = {by_key[k] for k in c.keys if k in by_key}
        if len(found) > 1:
            refs = ", ".join(sorted(held_by_id[f].reference for f in found if f in held_by_id))
            review.append(
                Refusal(
                    c.rows[0],
                    "",
                    f"Contact {c.given_names} {c.family_name} not "
                    f"imported, for a person to decide: matches several people held ({refs})",
                )
            )
            out.append(Target())
            continue
        if not found:
            mine = name_key(c.family_name, c.given_names)
            for p in sorted(children[i]):
                held = pupils[p].held
                for pid in around.get(held.id, ()) if held else ():
                    h = held_by_id.get(pid)
                    if h and name_key(h.family_name, h.given_names) == mine:
                        found.add(pid)
        held = held_by_id.get(next(iter(found))) if len(found) == 1 else None
        if held is None:
            out.append(Target(new=c, keys=c.keys))
            lines.append(f"row {c.rows[0]}: new person {c.given_names} {c.family_name} (contact)")
            continue
        changes: dict[str, Any] = {}
        details = _more_details(held.other_details, c.details)
        if details != held.other_details:
            changes["other_details"] = details
        t = _update(held, changes, as_of, c.rows[0], review, lines)
        t.keys = frozenset(k for k in c.keys if k not in by_key)
        out.append(t)
    return out


def _linked_people(s: Session, ids: list[int]) -> dict[int, set[int]]:
    """For each of ids, the people linked to them (either way round)."""
    out: dict[int, set[int]] = defaultdict(set)
    for part in chunks(ids):
        for a, b in s.execute(
            select(col(PersonLink.from_person_id), col(PersonLink.to_person_id)).where(
                or_(
                    col(PersonLink.from_person_id).in_(part), col(PersonLink.to_person_id).in_(part)
                )
            )
        ):
            out[a].add(b)
            out[b].add(a)
    return out


def _name(t: Target) -> str:
    src = t.new if t.new is not None else t.held
    assert src is not None  # a target is a row read, a person held, or both
    return f"{src.given_names} {src.family_name}"


def _links(
    s: Session,
    parsed: ParsedFile,
    pupils: list[Target],
    contacts: list[Target],
    review: list[Refusal],
    lines: list[str],
) -> tuple[list[tuple[Target, Target, Relationship, int]], list[tuple[Target, Target]]]:
    known = sorted({t.held.id for t in [*pupils, *contacts] if t.held is not None})
    existing: dict[frozenset[int], str] = {}
    for part in chunks(known):
        for a, b, rel in s.execute(
            select(
                col(PersonLink.from_person_id),
                col(PersonLink.to_person_id),
                col(PersonLink.relationship),
            ).where(
                or_(
                    col(PersonLink.from_person_id).in_(part), col(PersonLink.to_person_id).in_(part)
                )
            )
        ):
            existing.setdefault(frozenset((a, b)), rel)
    links: list[tuple[Target, Target, Relationship, int]] = []
    shared: dict[int, list[int]] = defaultdict(list)
    for link in parsed.links:
        c, p = contacts[link.contact], pupils[link.pupil]
        if c.skipped or p.skipped:
            continue
        shared[link.contact].append(link.pupil)
        if c.held is not None and p.held is not None:
            rel = existing.get(frozenset((c.held.id, p.held.id)))
            if rel is not None:
                if rel not in (link.relationship.value, Relationship.CHILD.value):
                    review.append(
                        Refusal(
                            link.row,
                            "",
                            (
                                f"Link kept as held: {c.held.reference} is held as "
                                f"{Relationship(rel).label.lower()} of {p.held.reference}; the file says "
                                f"{link.relationship.label.lower()}"
                            ),
                        )
                    )
                continue
        links.append((c, p, link.relationship, link.row))
        lines.append(
            f"row {link.row}: link {_name(c)}, {link.relationship.label.lower()}, to {_name(p)}"
        )
    siblings: list[tuple[Target, Target]] = []
    seen: set[tuple[int, int]] = set()
    for kids in shared.values():
        kids = sorted(set(kids))
        for i, a in enumerate(kids):
            for b in kids[i + 1 :]:
                if (a, b) in seen:
                    continue
                seen.add((a, b))
                ta, tb = pupils[a], pupils[b]
                if ta.held and tb.held and frozenset((ta.held.id, tb.held.id)) in existing:
                    continue
                siblings.append((ta, tb))
                lines.append(f"link {_name(ta)} and {_name(tb)} as siblings (a shared contact)")
    return links, siblings
