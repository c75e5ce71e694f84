"""Bring a site's people in from a school's or case system's export (administrators).

read() turns a file into records (domain: import_table, import_map, import_rows) and says
how its columns were mapped; run() plans against the people held (services/import_plan.py)
and, unless it is a dry run, writes the plan in one transaction: the file goes in whole or
not at all. With refused rows nothing is written unless partial is set, when the rows that
can be taken are. Rows held back for a person to decide (uncertain matches) never stop the
rest. Nothing is written twice: a second run of the same file finds every person, contact
and link it made and changes nothing.

Audit: the import is one event with counts only (no names, no file name); each person it
creates or updates has an event saying so, and each link one on each side, as People.link.
Changed details are a new version: the values replaced are kept in person_version.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert, text, update
from sqlmodel import Session, col

from sharetui.config import Settings
from sharetui.domain.errors import ShareError
from sharetui.domain.import_map import Mapping, MappingError, find_mapping, mapping_from, parse_map
from sharetui.domain.import_rows import (
    ContactRecord,
    ParsedFile,
    PupilRecord,
    Refusal,
    read_records,
)
from sharetui.domain.import_table import TableError, read_table
from sharetui.domain.name_match import person_keys
from sharetui.domain.permissions import Permission
from sharetui.services.audit import append, append_many, require
from sharetui.services.csv_out import SafeCsvWriter
from sharetui.services.import_plan import Plan, Target, make_plan
from sharetui.services.person_search import sort_key
from sharetui.services.unit_of_work import Actor, UseCases
from sharetui.store.models import (
    Person,
    PersonImportKey,
    PersonLink,
    PersonNameKey,
    PersonVersion,
)
from sharetui.store.types import table_of, utcnow

MAX_BYTES = 50 * 1024 * 1024  # a whole authority's export is a few MB


class ImportRefused(ShareError):
    """The file cannot be imported as it is (unreadable, columns not found)."""


@dataclass(frozen=True)
class ImportFile:
    path: Path
    parsed: ParsedFile
    described: str  # "CSV, comma-separated, UTF-8"
    modified_at: datetime  # the file's modification time: when the export was made, at latest

    @property
    def mapping(self) -> Mapping:
        return self.parsed.mapping


@dataclass(frozen=True)
class ImportResult:
    dry_run: bool
    written: bool
    rows: int
    pupils: int
    contacts: int
    created: int
    updated: int
    unchanged: int
    links: int
    siblings: int
    refused: tuple[Refusal, ...]  # rows of the file that cannot be taken
    review: tuple[Refusal, ...]  # held back or kept for a person to decide
    merged_rows: int
    lines: tuple[str, ...] = field(default=())  # what was (or would be) done, in words

    @property
    def refused_rows(self) -> int:
        return len({r.row for r in self.refused})

    def counts(self) -> str:
        """The summary, counts only: what the audit event holds, and the last line printed."""
        return (
            f"rows {self.rows}, pupils {self.pupils}, contacts {self.contacts}, "
            f"created {self.created}, updated {self.updated}, unchanged {self.unchanged}, "
            f"links {self.links}, siblings {self.siblings}, refused rows {self.refused_rows}, "
            f"for a person to decide {len(self.review)}"
        )


def refused_path(path: Path) -> Path:
    """The refused rows' file, next to the input: pupils.csv -> pupils.refused.csv."""
    return path.with_name(path.stem + ".refused.csv")


def write_refusals(result: ImportResult, path: Path) -> Path | None:
    """Row, column and reason of every refused or held-back row, for the person fixing the
    file (readable by its owner only: reasons name the references of people held)."""
    items = sorted([*result.refused, *result.review], key=lambda r: (r.row, r.column))
    if not items:
        return None
    target = refused_path(path)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
        writer = SafeCsvWriter(out)
        writer.writerow(["row", "column", "reason"])
        writer.writerows([r.row, r.column, r.reason] for r in items)
    return target


def summary_lines(r: ImportResult, written_to: Path | None) -> list[str]:
    """The end of an import in words, for the command line and the app alike."""
    if r.dry_run:
        lead = "It would do: "
    elif r.written:
        lead = "Done: "
    else:
        lead = "Nothing written; with --partial it would do: "
    again = f" ({r.merged_rows:,} rows named a pupil again)" if r.merged_rows else ""
    lines = [
        f"The file: {r.rows:,} rows, {r.pupils:,} pupils{again}, {r.contacts:,} contacts.",
        f"{lead}{r.created:,} people created, {r.updated:,} updated with newer details, "
        f"{r.unchanged:,} already up to date; {r.links:,} links to contacts and "
        f"{r.siblings:,} sibling links made.",
    ]
    if r.refused_rows:
        lines.append(f"Refused: {r.refused_rows:,} rows that cannot be taken as they are.")
    if r.review:
        lines.append(f"For a person to decide: {len(r.review):,} (held back or kept as held).")
    if written_to is not None:
        lines.append(f"Row, column and reason of each: {written_to}")
    if r.dry_run:
        lines.append("Dry run: nothing was written.")
    return lines


class PeopleImport(UseCases):
    def read(self, actor: Actor, path: Path, map_path: Path | None = None) -> ImportFile:
        """The file's records and how its columns were mapped; nothing is written."""
        require(actor, Permission.ADMINISTER)
        keys = _key_paths(self.store.settings)
        data = _read_bytes(path, "file", keys)
        try:
            table = read_table(data, path.name)
            if map_path is not None:
                raw = _read_bytes(map_path, "map file", keys)
                pairs = parse_map(raw.decode("utf-8-sig", errors="replace"), map_path.name)
                mapping = mapping_from(pairs, table.headers, map_path.name)
            else:
                mapping = find_mapping(table.headers)
        except (TableError, MappingError) as exc:
            raise ImportRefused(f"{path.name}: {exc}") from exc
        parsed = read_records(table, mapping, self.store.settings.clock.today())
        modified = datetime.fromtimestamp(path.stat().st_mtime, UTC)
        return ImportFile(path, parsed, table.describe(), modified)

    def run(
        self,
        actor: Actor,
        file: ImportFile,
        *,
        dry_run: bool = False,
        partial: bool = False,
        as_of: datetime | None = None,
        new_rows: frozenset[int] = frozenset(),
        progress: Callable[[int, int], None] | None = None,
    ) -> ImportResult:
        """Plan, then write unless dry_run (or refused rows without partial). as_of: when the
        export was made (details changed here after it are kept); None: not known."""
        require(actor, Permission.ADMINISTER)
        parsed = file.parsed
        total = len(parsed.pupils) * 2 + 1

        def tick(done: int) -> None:
            if progress is not None:
                progress(min(done, total), total)

        def work(s: Session) -> ImportResult:
            plan = make_plan(s, parsed, as_of=as_of, new_rows=new_rows, progress=tick)
            blocked = bool(parsed.refusals) and not partial
            result = _result(parsed, plan, dry_run=dry_run, written=not (dry_run or blocked))
            action = "people.import_check" if dry_run else "people.import"
            summary = ("nothing written (refused rows) " if blocked and not dry_run else "") + (
                result.counts()
            )
            append(s, actor, action, "import", "", summary)
            if result.written:
                _write(s, actor, plan, lambda n: tick(len(parsed.pupils) + n))
            tick(total)
            return result

        return self.store.write(work, actor)


KEY_REFUSED = (
    "{path} is the site key or lies beside it: an import never reads there. Give the path "
    "of the export file"
)


def _key_paths(settings: Settings) -> list[Path]:
    """The site key in force and where the first run makes one: never read by an import,
    nor anything beside them (an administrator at a kiosk types any path here, and a
    refused file is quoted as its columns)."""
    from sharetui.config import default_key_file

    named = [settings.key_file, settings.default_key_file, str(default_key_file())]
    return [Path(k).expanduser().resolve() for k in named if k]


def _read_bytes(path: Path, what: str, keys: list[Path]) -> bytes:
    """The file's bytes: a regular file only (a device such as /dev/zero has no size to
    check and never ends), at most the limit, never the site key."""
    try:
        real = path.expanduser().resolve()
        if any(real == k or real.parent == k.parent for k in keys):
            raise ImportRefused(KEY_REFUSED.format(path=path))
        info = real.stat()
        if stat.S_ISDIR(info.st_mode):
            raise ImportRefused(f"{path} is a folder, not a {what}")
        if not stat.S_ISREG(info.st_mode):
            raise ImportRefused(f"{path} is not a file: give the path of the export file")
        if info.st_size > MAX_BYTES:
            raise ImportRefused(
                f"The {what} {path.name} is {info.st_size / 1e6:.0f} MB; the limit is 50 MB"
            )
        with real.open("rb") as f:
            data = f.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            raise ImportRefused(f"The {what} {path.name} is over the limit of 50 MB")
        return data
    except FileNotFoundError as exc:
        raise ImportRefused(f"There is no {what} at {path}") from exc
    except IsADirectoryError as exc:
        raise ImportRefused(f"{path} is a folder, not a {what}") from exc
    except PermissionError as exc:
        raise ImportRefused(f"The {what} {path} cannot be read (permission denied)") from exc


def _result(parsed: ParsedFile, plan: Plan, *, dry_run: bool, written: bool) -> ImportResult:
    everyone = [*plan.pupils, *plan.contacts]
    return ImportResult(
        dry_run=dry_run,
        written=written,
        rows=parsed.rows,
        pupils=len(parsed.pupils),
        contacts=len(parsed.contacts),
        created=plan.count(everyone, "created"),
        updated=plan.count(everyone, "updated"),
        unchanged=plan.count(everyone, "unchanged"),
        links=len(plan.links),
        siblings=len(plan.siblings),
        refused=parsed.refusals,
        review=tuple(plan.review),
        merged_rows=parsed.merged_rows,
        lines=tuple(plan.lines),
    )


def _new_ids(s: Session, n: int) -> list[int]:
    """n ids for new people, reserved before the insert so that each can be given its
    reference (P000123) in the same row."""
    if n == 0:
        return []
    if s.get_bind().dialect.name == "postgresql":
        rows = s.execute(
            text(
                "SELECT nextval(pg_get_serial_sequence('person', 'id')) FROM generate_series(1, :n)"
            ),
            {"n": n},
        )
        return [int(r[0]) for r in rows]
    base = int(s.execute(text("SELECT coalesce(max(id), 0) FROM person")).scalar_one())
    return list(range(base + 1, base + n + 1))


def _write(s: Session, actor: Actor, plan: Plan, progress: Callable[[int], None]) -> None:
    now = utcnow()
    event_id = int(
        s.execute(text("SELECT last_event_id FROM audit_head WHERE id = 1")).scalar_one()
    )
    source = f"import (audit event {event_id})"
    events: list[tuple[str, str, object, str]] = []
    new = [t for t in [*plan.pupils, *plan.contacts] if t.new is not None]
    ids = _new_ids(s, len(new))
    people_rows: list[dict[str, Any]] = []
    key_rows: list[dict[str, Any]] = []
    for t, pid in zip(new, ids, strict=True):
        t.person_id = pid
        rec = t.new
        assert rec is not None  # a new person comes from a row of the file
        people_rows.append(_new_person(rec, pid, actor, now))
        other = rec.other_names if isinstance(rec, PupilRecord) else ""
        key_rows.extend(
            {"key": k, "person_id": pid}
            for k in sorted(person_keys(rec.family_name, rec.given_names, other))
        )
        events.append(("person.import", "person", pid, f"created from {source}"))
    _insert(s, table_of(Person), people_rows)
    progress(len(plan.pupils) // 2)
    updated = [
        t
        for t in [*plan.pupils, *plan.contacts]
        if t.held is not None and t.changes and not t.kept_newer
    ]
    _update_people(s, actor, updated, now, source, key_rows, events)
    _insert(s, table_of(PersonNameKey), key_rows)
    _insert(
        s,
        table_of(PersonImportKey),
        [
            {"key": k, "person_id": t.person_id}
            for t in plan.contacts
            for k in sorted(t.keys)
            if t.person_id is not None
        ],
    )
    link_rows = []
    for contact, pupil, rel, _row in plan.links:
        link_rows.append(_link(contact.person_id, pupil.person_id, rel.value, actor, now))
        events.append(
            ("person.link", "person", pupil.person_id, f"linked to {contact.person_id} by {source}")
        )
        events.append(
            ("person.link", "person", contact.person_id, f"linked to {pupil.person_id} by {source}")
        )
    for a, b in plan.siblings:
        link_rows.append(_link(a.person_id, b.person_id, "sibling", actor, now))
        events.append(
            ("person.link", "person", b.person_id, f"linked to {a.person_id} by {source}")
        )
        events.append(
            ("person.link", "person", a.person_id, f"linked to {b.person_id} by {source}")
        )
    _insert(s, table_of(PersonLink), link_rows)
    append_many(s, actor, events)
    progress(len(plan.pupils))


def _insert(s: Session, table: Any, rows: list[dict[str, Any]]) -> None:
    for i in range(0, len(rows), 2_000):
        s.execute(insert(table), rows[i : i + 2_000])


def _link(a: int | None, b: int | None, rel: str, actor: Actor, now: datetime) -> dict[str, Any]:
    return {
        "from_person_id": a,
        "to_person_id": b,
        "relationship": rel,
        "created_by_id": actor.user_id,
        "created_at": now,
    }


def _new_person(
    rec: PupilRecord | ContactRecord, pid: int, actor: Actor, now: datetime
) -> dict[str, Any]:
    if isinstance(rec, PupilRecord):
        other, dob, ref, nhs = rec.other_names, rec.date_of_birth, rec.reference, rec.nhs_number
        gender, upn = rec.gender, rec.upn
    else:  # a contact: only the name and the details
        other, dob, ref, nhs, gender, upn = "", None, "", "", "", ""
    return {
        "id": pid,
        "family_name": rec.family_name,
        "given_names": rec.given_names,
        "other_names": other,
        "sort_key": sort_key(rec.family_name, rec.given_names),
        "date_of_birth": dob,
        "dob_estimated": False,
        "reference": ref or f"P{pid:06d}",
        "nhs_number": nhs or None,
        "notes": "",
        "created_by_id": actor.user_id,
        "created_at": now,
        "last_activity_at": now,
        "gender": gender,
        "upn": upn or None,
        "other_details": dict(rec.details),
        "version": 1,
        "details_changed_at": None,
    }


def _update_people(
    s: Session,
    actor: Actor,
    targets: list[Target],
    now: datetime,
    source: str,
    key_rows: list[dict[str, Any]],
    events: list[tuple[str, str, object, str]],
) -> None:
    """Each change is a new version: the values it replaces go to person_version first."""
    from sharetui.services.import_plan import FIELD_WORDS

    versions = []
    renamed = []
    for t in targets:
        h = t.held
        assert h is not None
        versions.append(
            {
                "person_id": h.id,
                "version": h.version,
                "family_name": h.family_name,
                "given_names": h.given_names,
                "other_names": h.other_names,
                "date_of_birth": h.date_of_birth,
                "gender": h.gender,
                "reference": h.reference,
                "upn": h.upn,
                "nhs_number": h.nhs_number,
                "other_details": h.other_details,
                "replaced_by_id": actor.user_id,
                "replaced_at": now,
                "reason": source,
            }
        )
        values = {
            **t.changes,
            "version": h.version + 1,
            "details_changed_at": now,
            "last_activity_at": now,
        }
        if {"family_name", "given_names"} & t.changes.keys():
            values["sort_key"] = sort_key(
                t.changes.get("family_name", h.family_name),
                t.changes.get("given_names", h.given_names),
            )
        s.execute(update(Person).where(col(Person.id) == h.id).values(**values))
        if {"family_name", "given_names", "other_names"} & t.changes.keys():
            renamed.append(h.id)
            key_rows.extend(
                {"key": k, "person_id": h.id}
                for k in sorted(
                    person_keys(
                        t.changes.get("family_name", h.family_name),
                        t.changes.get("given_names", h.given_names),
                        t.changes.get("other_names", h.other_names),
                    )
                )
            )
        what = ", ".join(FIELD_WORDS[k] for k in t.changes)
        events.append(
            ("person.import", "person", h.id, f"version {h.version + 1} from {source}: {what}")
        )
    for i in range(0, len(renamed), 500):
        s.execute(
            delete(PersonNameKey).where(col(PersonNameKey.person_id).in_(renamed[i : i + 500]))
        )
    _insert(s, table_of(PersonVersion), versions)
