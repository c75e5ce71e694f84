"""`sharetui export person`: every record held about the person, in JSON, CSV and PDF, with
anything about anyone else marked for review, written privately, and audited."""

from __future__ import annotations

import csv
import io
import json
import stat
from datetime import date
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from sharetui.domain.enums import Relationship
from sharetui.services.export import CSV_COLUMNS, REVIEW_GUIDE, Export, to_csv
from sharetui.services.pdf_fonts import BODY, FALLBACKS, font_folder
from tests.cli.conftest import DEMO_PASSPHRASES, PASSPHRASE, Cli, Demo, connect
from tests.services.helpers import consent, person, share


def _q(path: Path, sql: str, *args: object) -> list[tuple]:  # type: ignore[type-arg]
    with connect(path) as conn:  # the demo is encrypted under the site key
        return conn.execute(sql, args).fetchall()


def _richest_person(db: Path) -> tuple[int, str, str]:
    """The demo child with the most records, including decisions naming others."""
    pid, ref, name = _q(
        db,
        "select p.id, p.reference, p.given_names || ' ' || p.family_name from person p "
        "order by (select count(*) from sharing_decision d where d.subject_id = p.id) * 3 "
        "+ (select count(*) from consent_event c where c.person_id = p.id) "
        "+ (select count(*) from advice_request a where a.person_id = p.id) * 2 "
        "+ (select count(*) from decision_affected x join sharing_decision d "
        "   on d.id = x.decision_id where d.subject_id = p.id) * 2 desc, p.id limit 1",
    )[0]
    return pid, ref, name


def _export(cli: Cli, demo: Demo, ref: str, fmt: str, out: Path, user: str = "sam", *extra: str):  # type: ignore[no-untyped-def]
    return cli(
        "export",
        "person",
        ref.lower(),
        "--format",
        fmt,
        "--out",
        str(out),
        "--user",
        user,
        "--passphrase-stdin",
        *extra,
        database=demo.url,
        stdin=DEMO_PASSPHRASES[user] + "\n",
    )


@pytest.fixture(scope="module")
def exported(demo_db: Demo, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    from tests.cli.conftest import run_cli

    folder = tmp_path_factory.mktemp("export")
    pid, ref, name = _richest_person(demo_db.path)
    exports_before = _q(
        demo_db.path, "select count(*) from audit_event where action = 'person.export'"
    )[0][0]
    runs = {}
    for fmt in ("json", "csv", "pdf"):
        out = folder / f"{ref}.{fmt}"
        runs[fmt] = run_cli(
            "export",
            "person",
            ref.lower(),
            "--format",
            fmt,
            "--out",
            str(out),
            "--user",
            "sam",
            "--passphrase-stdin",
            database=demo_db.url,
            stdin=DEMO_PASSPHRASES["sam"] + "\n",
            data_home=folder / "data",
        )
        assert runs[fmt].code == 0, runs[fmt].err
    return {
        "pid": pid,
        "ref": ref,
        "name": name,
        "folder": folder,
        "runs": runs,
        "exports_before": exports_before,
        "doc": json.loads((folder / f"{ref}.json").read_text(encoding="utf-8")),
    }


def _records(doc: dict, kind: str) -> list[dict]:  # type: ignore[type-arg]
    return [r for s in doc["sections"] for r in s["records"] if r["kind"] == kind]


def test_the_export_holds_every_record_of_the_person(demo_db: Demo, exported: dict) -> None:  # type: ignore[type-arg]
    db, pid, doc = demo_db.path, exported["pid"], exported["doc"]
    assert doc["person"] == {"reference": exported["ref"], "name": exported["name"]}
    assert set(doc["review_guide"]) == set(REVIEW_GUIDE)
    consent_ids = {str(i) for (i,) in _q(db, "select id from consent_event where person_id=?", pid)}
    assert {r["id"] for r in _records(doc, "consent")} == consent_ids
    versions = {
        str(i)
        for (i,) in _q(
            db,
            "select id from sharing_decision where root_id in "
            "(select root_id from sharing_decision where subject_id = ?)",
            pid,
        )
    }
    assert len(versions) >= 2
    assert {r["id"] for r in _records(doc, "decision")} == versions
    links = _q(
        db, "select count(*) from person_link where from_person_id=? or to_person_id=?", pid, pid
    )[0][0]
    assert len(_records(doc, "link")) == links >= 1
    advice = {
        str(i)
        for (i,) in _q(
            db,
            "select id from advice_request where person_id = ? or decision_id in "
            "(select id from sharing_decision where subject_id = ?)",
            pid,
            pid,
        )
    }
    assert {r["id"] for r in _records(doc, "advice")} == advice
    # Who looked at or changed them: every audit event on the person, their decisions and
    # advice, up to and including this export's own event.
    audit_ids = [int(r["id"]) for r in _records(doc, "audit")]
    own_export = max(audit_ids)
    assert _q(db, "select action, entity_id from audit_event where id = ?", own_export) == [
        ("person.export", str(pid))
    ]
    expected = _q(
        db,
        "select id from audit_event where id <= ? and ("
        "(entity_type = 'person' and entity_id = ?) or "
        "(entity_type = 'decision' and entity_id in (" + ",".join("?" * len(versions)) + ")) or "
        "(entity_type = 'advice' and entity_id in (" + ",".join("?" * len(advice)) + "))) "
        "order by id",
        own_export,
        str(pid),
        *sorted(versions),
        *sorted(advice),
    )
    assert audit_ids == [i for (i,) in expected]
    actions = {
        f["value"] for r in _records(doc, "audit") for f in r["fields"] if f["key"] == "action"
    }
    assert {"Created the record", "Recorded a sharing decision", "Subject access export"} <= actions
    details = _records(doc, "person")[0]
    values = {f["key"]: f["value"] for f in details["fields"]}
    row = _q(db, "select family_name, given_names, reference from person where id=?", pid)[0]
    assert (values["family_name"], values["given_names"], values["reference"]) == row


def test_nothing_of_anyone_else_is_left_unmarked(demo_db: Demo, exported: dict) -> None:  # type: ignore[type-arg]
    db, pid, doc = demo_db.path, exported["pid"], exported["doc"]
    own_name = exported["name"]
    others = [
        (f"{g} {f}", ref)
        for g, f, ref in _q(
            db, "select given_names, family_name, reference from person where id != ?", pid
        )
        if f"{g} {f}" != own_name
    ]
    staff = [name for (name,) in _q(db, "select display_name from app_user")]
    recipients = [
        name
        for (name,) in _q(
            db, "select distinct recipient_name from sharing_decision where recipient_name != ''"
        )
    ]
    unmarked: list[str] = []
    marked_seen = 0
    for section in doc["sections"]:
        for record in section["records"]:
            texts = [record["title"]] + [
                f["value"] for f in record["fields"] if not (f["review"] or record["review"])
            ]
            marked_seen += sum(1 for f in record["fields"] if f["review"] or record["review"])
            unmarked.extend(texts)
    blob = "\n".join(unmarked)
    for name, ref in others:
        assert name not in blob, name
        assert ref not in blob, ref
    for name in staff + recipients:
        assert name not in blob, name
    assert marked_seen > 0
    # The third parties are there, marked: the linked people appear by name.
    linked = _q(
        db,
        "select p.given_names || ' ' || p.family_name from person p join person_link l "
        "on p.id in (l.from_person_id, l.to_person_id) "
        "where (l.from_person_id = ? or l.to_person_id = ?) and p.id != ?",
        pid,
        pid,
        pid,
    )
    link_fields = [f for r in _records(doc, "link") for f in r["fields"] if f["key"] == "name"]
    assert {f["value"] for f in link_fields} == {n for (n,) in linked}
    assert all(f["review"] == "third_party" for f in link_fields)


def test_csv_has_one_row_per_field(exported: dict) -> None:  # type: ignore[type-arg]
    doc = exported["doc"]
    raw = (exported["folder"] / f"{exported['ref']}.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 mark, for spreadsheets
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert tuple(rows[0].keys()) == CSV_COLUMNS
    data = [r for r in rows if r["section"] != "export"]
    fields = sum(len(r["fields"]) for s in doc["sections"] for r in s["records"])
    # The CSV was produced after the JSON, so its audit section has one more export event.
    audit_fields = len(_records(doc, "audit")[-1]["fields"])
    assert len(data) == fields + audit_fields
    assert {r["review"] for r in data} >= {"", "third_party", "staff", "free_text"}


def test_the_pdf_opens_and_shows_the_marks(exported: dict) -> None:  # type: ignore[type-arg]
    reader = PdfReader(exported["folder"] / f"{exported['ref']}.pdf")
    assert len(reader.pages) >= 2
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Subject access export" in text
    assert exported["name"].split()[0] in text
    assert exported["ref"] in text
    assert "[third party]" in text and "[staff name]" in text
    assert "Who looked at or changed these records" in text


def test_files_are_private_and_each_export_is_audited(demo_db: Demo, exported: dict) -> None:  # type: ignore[type-arg]
    for fmt in ("json", "csv", "pdf"):
        path = exported["folder"] / f"{exported['ref']}.{fmt}"
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        out = exported["runs"][fmt].out
        assert out.startswith(f"Wrote {path}: ")
        assert "marked for review before disclosure" in out
    after = _q(demo_db.path, "select count(*) from audit_event where action = 'person.export'")
    assert after[0][0] >= exported["exports_before"] + 3


def test_refusals(cli: Cli, demo_db: Demo, exported: dict, tmp_path: Path) -> None:  # type: ignore[type-arg]
    existing = exported["folder"] / f"{exported['ref']}.json"
    ran = _export(cli, demo_db, exported["ref"], "json", existing)
    assert ran.error_line() == f"{existing} already exists; choose a new file name or add --force"
    practitioner = _export(cli, demo_db, exported["ref"], "json", tmp_path / "p.json", "priya")
    assert practitioner.error_line() == "Only supervisors and administrators can see this"
    assert not (tmp_path / "p.json").exists()
    unknown = _export(cli, demo_db, "NOBODY-1", "json", tmp_path / "n.json", "alex")
    assert unknown.error_line() == "No person has the reference NOBODY-1"
    forced = _export(cli, demo_db, exported["ref"], "json", existing, "alex", "--force")
    assert forced.code == 0, forced.err


def test_unicode_names_on_both_backends(  # type: ignore[no-untyped-def]
    cli: Cli, database_url: str, svc, actors, tmp_path: Path
) -> None:
    child = person(svc, actors.pat, "Dvořák", "Łucja", reference="U1")
    mother = person(svc, actors.pat, "Dvořák", "Ewa", date(1990, 1, 2), reference="U2")
    sister = person(svc, actors.pat, "Nowak", "Zoë", date(2014, 5, 6), reference="U3")
    svc.people.link(actors.pat, mother.id, child.id, Relationship.PARENT_WITH_PR.value)
    svc.consent.record(actors.pat, consent(child.id, given_by_name="Ewa Dvořák"))
    svc.decisions.log(actors.pat, share(child.id, others_affected=[sister.id]))
    out = tmp_path / "u1.pdf"
    ran = cli(
        "export",
        "person",
        "u1",
        "--format",
        "pdf",
        "--out",
        str(out),
        "--user",
        "ada",
        "--passphrase-stdin",
        database=database_url,
        stdin=PASSPHRASE + "\n",
    )
    assert ran.code == 0, ran.err
    text = _pdf_text(out)
    assert "Łucja Dvořák (U1)" in text
    assert "Zoë Nowak (U3)" in text
    doc = Export(svc.store).person(actors.ada, "U1", "json")  # the same marks, in process
    marks = {(f.key, f.value): f.review for s in doc.sections for r in s.records for f in r.fields}
    assert marks[("given_by_name", "Ewa Dvořák")] == "third_party"
    assert marks[("affected", "Zoë Nowak (U3)")] == "third_party"
    assert marks[("name", "Ewa Dvořák")] == "third_party"
    assert marks[("decided_by", "Pat Practitioner")] == "staff"


def _pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def _embedded_fonts(path: Path) -> set[str]:
    """The fonts the PDF carries, without the subset tag: MPDFAA+NotoSans is NotoSans."""
    names: set[str] = set()
    for page in PdfReader(path).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            name = font.get("/BaseFont") or font["/Name"]  # colour emoji are a Type 3 font
            names.add(str(name).lstrip("/").split("+")[-1])
    return names


def _bundled_fonts() -> dict[str, str]:
    """Full name without spaces, as a PDF calls the font, of each file in sharetui/fonts."""
    folder = Path(str(font_folder()))
    return {
        TTFont(folder / file, lazy=True)["name"].getBestFullName().replace(" ", ""): file
        for file in (*BODY, *FALLBACKS)
    }


# One name or note per script a UK site meets, each a single word (a PDF holds right-to-left
# text in display order, so a reader copies two Hebrew words back to front).
SCRIPTS = {
    "Chinese": "李小龍",
    "Malayalam, chillu letters by ZWJ": "അന്\u200dവര്\u200d",
    "Sinhala, conjunct by ZWJ": "ශ්\u200dරීනාත්",
    "Persian, ZWNJ": "نیک\u200cنام",
    "Arabic": "محمد",
    "Hebrew": "כהן",
    "Devanagari": "लक्ष्मी",
    "Bengali, vowel sign before its consonant": "রহিম",
    "Gurmukhi": "ਗੁਰਪ੍ਰੀਤ",
    "Gujarati": "પટેલ",
    "Tamil": "முருகன்",
    "Greek": "Ελένη",
    "Cyrillic": "Олена",
    "Korean": "김민준",
    "Japanese": "さくら",
    "Amharic": "ሰላም",
    "Thai": "สมชาย",
    "an emoji family, joined by ZWJ": "\U0001f468\u200d\U0001f469\u200d\U0001f467",
    "an emoji with its presentation selector": "\u2764\ufe0f",
    "Japanese with an ideographic variation selector": "\u845b\U000e0100\u98fe",
}


def _export_pdf(cli: Cli, database_url: str, ref: str, out: Path):  # type: ignore[no-untyped-def]
    return cli(
        "export",
        "person",
        ref,
        "--format",
        "pdf",
        "--out",
        str(out),
        "--user",
        "ada",
        "--passphrase-stdin",
        database=database_url,
        stdin=PASSPHRASE + "\n",
    )


def test_every_script_stored_is_in_the_pdf(  # type: ignore[no-untyped-def]
    cli: Cli, database_url: str, svc, actors, tmp_path: Path
) -> None:
    """Names in eighteen scripts, joiners and variation selectors included, drawn in the fonts that ship with
    sharetui (none of the computer's) and found again in the PDF's text."""
    child = person(
        svc,
        actors.pat,
        SCRIPTS["Chinese"],
        SCRIPTS["Malayalam, chillu letters by ZWJ"],
        other_names=SCRIPTS["Sinhala, conjunct by ZWJ"],
        notes="\n".join(SCRIPTS.values()),
        reference="S1",
    )
    mother = person(svc, actors.pat, SCRIPTS["Persian, ZWNJ"], SCRIPTS["Arabic"], reference="S2")
    svc.people.link(actors.pat, mother.id, child.id, Relationship.PARENT_WITH_PR.value)
    svc.consent.record(actors.pat, consent(child.id, given_by_name=SCRIPTS["Korean"]))
    out = tmp_path / "s1.pdf"
    ran = _export_pdf(cli, database_url, "s1", out)
    assert ran.code == 0, ran.err
    assert "missing" not in ran.err, ran.err
    text = _pdf_text(out)
    missing = {script: name for script, name in SCRIPTS.items() if name not in text}
    assert missing == {}
    # the ZWJ and ZWNJ are in the text, not only in the notes
    assert f"{SCRIPTS['Malayalam, chillu letters by ZWJ']} {SCRIPTS['Chinese']} (S1)" in text
    assert text.count(SCRIPTS["Persian, ZWNJ"]) == 2  # the notes, and the mother's name
    bundled = _bundled_fonts()
    used = {bundled[name] for name in _embedded_fonts(out)}  # KeyError: not one of ours
    assert {"NotoSansMalayalam-Regular.ttf", "DroidSansFallbackFull.ttf"} <= used
    assert {"NanumSquareR.ttf", "NotoColorEmoji.ttf"} <= used


def test_a_character_no_font_has_stops_the_export(  # type: ignore[no-untyped-def]
    cli: Cli, database_url: str, svc, actors, tmp_path: Path
) -> None:
    """A private-use character (a font's own icon on one computer) would be left out of the
    disclosure: the export stops and says which character and where, and writes nothing."""
    person(svc, actors.pat, "Okafor", "Ada", notes="Prefers \ue000 as her sign", reference="P1")
    out = tmp_path / "p1.pdf"
    ran = _export_pdf(cli, database_url, "p1", out)
    assert ran.error_line() == (
        "The PDF was not written: no font can show U+E000 (no name: private use or not "
        "assigned) in the field 'Notes' of 'Personal details'. The JSON and CSV exports "
        "hold the exact text"
    )
    assert not out.exists()
    json_out = tmp_path / "p1.json"
    ran = cli(
        "export", "person", "p1", "--format", "json", "--out", str(json_out), "--user", "ada",
        "--passphrase-stdin", database=database_url, stdin=PASSPHRASE + "\n",
    )  # fmt: skip
    assert ran.code == 0, ran.err
    assert "Prefers \ue000 as her sign" in json_out.read_text(encoding="utf-8")


def test_no_csv_cell_starts_a_formula(svc, actors) -> None:  # type: ignore[no-untyped-def]
    """Typed text reaches the name, reference and record columns too, not only the values."""
    child = person(
        svc, actors.pat, "Smith", '=HYPERLINK("https://evil.example","x")', reference="=1+2"
    )
    svc.consent.record(actors.pat, consent(child.id, given_by_name="@SUM(A1)"))
    rows = list(
        csv.reader(io.StringIO(to_csv(Export(svc.store).person(actors.ada, "=1+2", "csv"))))
    )
    cells = [cell for row in rows for cell in row]
    assert [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")] == []
    assert "'=1+2" in cells  # the reference, as the record's id
    assert '\'=HYPERLINK("https://evil.example","x") Smith (=1+2)' in cells
    assert "'@SUM(A1)" in cells
