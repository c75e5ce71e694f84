"""Importing people, on SQLite and PostgreSQL: what is created, linked, updated, held back and
refused, what a second run does (nothing), and what the audit trail says."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from sharetui.domain.errors import NotAllowed
from sharetui.services.importing import ImportRefused, write_refusals
from sharetui.store.models import (
    AuditEvent,
    Person,
    PersonImportKey,
    PersonLink,
    PersonNameKey,
    PersonVersion,
)
from tests.services.helpers import audit_actions, count, last_audit_id, person

HEADER = (
    "Adno,UPN,Legal Surname,Legal Forename,Preferred Forename,DOB,Gender,Year,Reg,NHS Number,"
    "Contact 1 Surname,Contact 1 Forename,Contact 1 Relationship,"
    "Contact 1 Parental Responsibility,Contact 1 Telephone,"
    "Contact 2 Surname,Contact 2 Forename,Contact 2 Relationship,"
    "Contact 2 Parental Responsibility,Contact 2 Telephone\r\n"
)
ZOE = (
    'A1,B801200005001,O\'Brien,Zoë,Zo,04/03/2016,F,Year 5,"5B, upstairs",,'
    'O\'Brien,Mary,Mother,Yes,07700 900001,Smith,"John\nPaul",Father,No,07700 900002\r\n'
)
LIAM = "A2,,O'Brien,Liam,,2018-05-06,M,Year 3,3A,,O'Brien,Mary,Mother,Yes,07700900001,,,,,\r\n"
TABLES = (Person, PersonLink, PersonVersion, PersonImportKey, PersonNameKey)


def write(tmp_path: Path, body: str, *, encoding: str = "utf-8", name: str = "pupils.csv") -> Path:
    path = tmp_path / name
    path.write_bytes((HEADER + body).encode(encoding))
    return path


def run(svc, actor, path: Path, **options):
    return svc.imports.run(actor, svc.imports.read(actor, path), **options)


def snapshot(svc) -> dict[str, int]:
    return {t.__tablename__: count(svc, t) for t in TABLES}


def people(svc) -> dict[str, Person]:
    with svc.store.engine.connect() as conn:
        rows = conn.execute(select(Person)).all()
    return {f"{r.given_names} {r.family_name}": r for r in rows}


def links(svc) -> set[tuple[str, str, str]]:
    names = {p.id: n for n, p in people(svc).items()}
    with svc.store.engine.connect() as conn:
        rows = conn.execute(select(PersonLink)).all()
    return {(names[r.from_person_id], r.relationship, names[r.to_person_id]) for r in rows}


def test_an_export_brings_in_pupils_contacts_links_and_siblings(svc, actors, tmp_path):
    before = last_audit_id(svc)
    result = run(svc, actors.ada, write(tmp_path, ZOE + LIAM))
    assert (result.written, result.created, result.links, result.siblings) == (True, 4, 3, 1)
    held = people(svc)
    zoe = held["Zoë O'Brien"]
    assert (zoe.upn, zoe.reference, zoe.gender, zoe.other_names) == (
        "B801200005001",
        "A1",
        "Female",
        "Zo",
    )
    assert zoe.other_details == {"Year group": "Year 5", "Registration group": "5B, upstairs"}
    assert held["Mary O'Brien"].other_details == {"Telephone": "07700 900001"}
    assert held["John Paul Smith"].date_of_birth is None
    assert links(svc) == {
        ("Mary O'Brien", "parent_with_pr", "Zoë O'Brien"),
        ("Mary O'Brien", "parent_with_pr", "Liam O'Brien"),
        ("John Paul Smith", "parent_without_pr", "Zoë O'Brien"),
        ("Zoë O'Brien", "sibling", "Liam O'Brien"),
    }
    # found by search like anyone typed in: accents and apostrophes set aside
    found = svc.people.find(actors.pat, "zoe obrien")
    assert [p.given_names for p in found.items] == ["Zoë"]
    actions = audit_actions(svc, before)
    assert actions[0] == ("people.import", "import", "")
    assert sum(1 for a in actions if a[0] == "person.import") == 4
    assert sum(1 for a in actions if a[0] == "person.link") == 8  # each side of 4 links
    with svc.store.engine.connect() as conn:
        summaries = [
            r[0] for r in conn.execute(select(AuditEvent.summary).where(AuditEvent.id > before))
        ]
    assert summaries[0].startswith("rows 2, pupils 2, contacts 2, created 4")
    assert not any(word in s for s in summaries for word in ("Zo", "Brien", "Mary", "B8012"))
    assert svc.store.write(lambda s: True)  # the chain still appends


def test_a_second_run_of_the_same_file_changes_nothing(svc, actors, tmp_path):
    path = write(tmp_path, ZOE + LIAM)
    run(svc, actors.ada, path)
    first = snapshot(svc)
    again = run(svc, actors.ada, path)
    assert (again.created, again.updated, again.links, again.siblings) == (0, 0, 0, 0)
    assert again.unchanged == 4 and not again.review
    assert snapshot(svc) == first


def test_a_dry_run_writes_nothing_but_says_what_it_would_do(svc, actors, tmp_path):
    before, tables = last_audit_id(svc), snapshot(svc)
    result = run(svc, actors.ada, write(tmp_path, ZOE + LIAM), dry_run=True)
    assert not result.written and result.created == 4
    assert "row 2: new person Zoë O'Brien, born 04/03/2016" in result.lines
    assert "link Zoë O'Brien and Liam O'Brien as siblings (a shared contact)" in result.lines
    assert snapshot(svc) == tables
    assert audit_actions(svc, before) == [("people.import_check", "import", "")]


BAD = (
    "A3,A801200005001,Bad,Upn,,4/3/2016,M,,,,,,,,,,,,,\r\n"
    "A4,,Bad,Nhs,,4/3/2016,M,,,943 476 5918,,,,,,,,,,\r\n"
    "A5,,Bad,Date,,31/02/2016,M,,,,,,,,,,,,,\r\n"
    "A6,,Bad,Year,,4/3/16,M,,,,,,,,,,,,,\r\n"
)


def test_refused_rows_stop_the_whole_file_unless_partial(svc, actors, tmp_path):
    path = write(tmp_path, ZOE + BAD + LIAM)
    tables = snapshot(svc)
    blocked = run(svc, actors.ada, path)
    assert not blocked.written and blocked.refused_rows == 4
    assert snapshot(svc) == tables
    written = write_refusals(blocked, path)
    assert written == tmp_path / "pupils.refused.csv"
    lines = list(csv.reader(written.read_text(encoding="utf-8").splitlines()))
    assert lines[0] == ["row", "column", "reason"]
    assert lines[1][:2] == ["4", "UPN"] and "first letter does not match" in lines[1][2]
    assert lines[2][:2] == ["5", "NHS Number"] and "Check the NHS number" in lines[2][2]
    assert lines[3] == [
        "6",
        "DOB",
        "'31/02/2016' is not a date: that day does not exist in that month",
    ]
    assert lines[4][:2] == ["7", "DOB"] and "write the year in full" in lines[4][2]
    partial = run(svc, actors.ada, path, partial=True)
    assert partial.written and partial.created == 4
    assert set(people(svc)) == {"Zoë O'Brien", "Liam O'Brien", "Mary O'Brien", "John Paul Smith"}


def test_windows_1252_with_a_bom_free_file_and_missing_columns(svc, actors, tmp_path):
    path = tmp_path / "old.csv"
    path.write_bytes(
        "Surname;Forename;Date of Birth\r\nO\u2019Brien;Zo\u00eb;4.3.2016\r\n".encode("cp1252")
    )
    result = run(svc, actors.ada, path)
    assert result.created == 1
    assert "Zo\u00eb O\u2019Brien" in people(svc)
    missing = tmp_path / "missing.csv"
    missing.write_text("Surname,Forename,Year\r\nSmith,Jo,5\r\n", encoding="utf-8-sig")
    with pytest.raises(ImportRefused, match="no column for date of birth"):
        svc.imports.read(actors.ada, missing)


def test_an_exact_match_takes_only_newer_details_as_a_new_version(svc, actors, tmp_path):
    held = person(svc, actors.pat, "O'Brien", "Zoë", date(2016, 3, 4), nhs_number="9434765919")
    before = last_audit_id(svc)
    result = run(svc, actors.ada, write(tmp_path, ZOE))
    assert (result.created, result.updated) == (2, 1)  # the two contacts are new
    now = people(svc)["Zoë O'Brien"]
    assert now.id == held.id and now.version == 2
    assert (now.upn, now.nhs_number, now.reference) == (
        "B801200005001",
        "9434765919",
        held.reference,
    )
    with svc.store.engine.connect() as conn:
        old = conn.execute(select(PersonVersion)).one()
    assert (old.person_id, old.version, old.upn, old.other_details) == (held.id, 1, None, {})
    assert old.reason.startswith("import (audit event ")
    events = [a for a in audit_actions(svc, before) if a[0] == "person.import"]
    assert ("person.import", "person", str(held.id)) in events
    again = run(svc, actors.ada, write(tmp_path, ZOE))  # matched by UPN now: nothing new
    assert (again.created, again.updated, again.links) == (0, 0, 0)


def test_a_record_changed_here_after_the_export_keeps_its_details(svc, actors, tmp_path):
    person(svc, actors.pat, "O'Brien", "Zoë", date(2016, 3, 4))
    path = write(tmp_path, ZOE)
    long_ago = datetime.now(UTC) - timedelta(days=30)
    result = run(svc, actors.ada, path, as_of=long_ago)
    assert result.updated == 0 and people(svc)["Zoë O'Brien"].upn is None
    assert result.review[0].reason.startswith("Kept as held: T")
    assert "was changed here after this export was made" in result.review[0].reason


def test_a_similar_name_born_the_same_day_is_held_back_not_guessed(svc, actors, tmp_path):
    held = person(svc, actors.pat, "O'Brian", "Zoe", date(2016, 3, 4))
    path = write(tmp_path, ZOE)
    result = run(svc, actors.ada, path)
    assert result.created == 0 and result.written
    (why,) = result.review
    assert why.row == 2
    assert why.reason.startswith(
        f"Not imported, for a person to decide: possibly the same person as {held.reference} "
        "(similar name: "
    )
    assert "--new-person 2" in why.reason
    assert set(people(svc)) == {"Zoe O'Brian"}  # nothing guessed, contacts not orphaned
    decided = run(svc, actors.ada, path, new_rows=frozenset({2}))
    assert decided.created == 3
    assert {"Zoe O'Brian", "Zoë O'Brien"} <= set(people(svc))


def test_a_name_change_found_by_upn_is_a_new_version_and_searchable(svc, actors, tmp_path):
    run(svc, actors.ada, write(tmp_path, ZOE))
    renamed = ZOE.replace("A1,B801200005001,O'Brien", "A1,B801200005001,Kowalska")
    result = run(svc, actors.ada, write(tmp_path, renamed))
    assert result.updated == 1
    assert [p.family_name for p in svc.people.find(actors.pat, "kowalska zoe").items] == [
        "Kowalska"
    ]
    assert not svc.people.find(actors.pat, "obrien zoe").items
    with svc.store.engine.connect() as conn:
        assert conn.execute(select(PersonVersion.family_name)).scalar_one() == "O'Brien"


def test_identifiers_pointing_at_two_people_are_held_back(svc, actors, tmp_path):
    run(svc, actors.ada, write(tmp_path, ZOE))
    person(svc, actors.pat, "Other", "Child", date(2015, 1, 1), reference="A9")
    clash = ZOE.replace("A1,B801200005001", "A9,B801200005001")
    result = run(svc, actors.ada, write(tmp_path, clash))
    assert result.review[0].reason.endswith("but the reference for A9")
    assert result.updated == 0


def test_only_administrators_import(svc, actors, tmp_path):
    path = write(tmp_path, ZOE)
    with pytest.raises(NotAllowed):
        svc.imports.read(actors.sam, path)
    with pytest.raises(ImportRefused, match="There is no file"):
        svc.imports.read(actors.ada, tmp_path / "nowhere.csv")


def test_the_subject_access_export_holds_the_imported_details_and_earlier_versions(
    svc, actors, tmp_path
):
    from sharetui.services.export import Export

    held = person(svc, actors.pat, "O'Brien", "Zoë", date(2016, 3, 4))
    run(svc, actors.ada, write(tmp_path, ZOE))
    export = Export(svc.store).person(actors.sam, held.reference, "json")
    sections = {s.key: s for s in export.sections}
    details = {f.label: f.value for f in sections["person"].records[0].fields}
    assert details["Unique pupil number"] == "B801200005001"
    assert details["Year group"] == "Year 5" and details["Gender"] == "Female"
    (old,) = sections["versions"].records
    assert {f.label: f.value for f in old.fields}["Reference"] == held.reference
