"""An export's rows read into pupils, contacts and the links between them, with every row that
cannot be taken refused in words (row, column, reason), so a person can fix the file.

Pure: a Table and a Mapping in, records out; no database. What is decided here:
- A row is taken whole or refused whole: a pupil with a bad date of birth is not brought in
  without it, and neither are its contacts.
- Dates of birth are read in the forms exports use (2016-03-04, 4/3/2016, 04-03-2016,
  4.3.2016, 4 Mar 2016, 4 March 2016); a two-digit year is refused rather than guessed.
- A pupil named on several rows (an export with one row per contact) is one pupil: rows are
  the same pupil when they share the UPN, else the local reference, else the name and date
  of birth. Such rows must agree on the pupil's details; a row that does not is refused.
- A contact is one person wherever it appears in the file when the mentions share a
  reference, or the same name with the same email or telephone. A contact with none of those
  is one person only for children with the same family name (the same name among unrelated
  families is not taken as one person). Children who share a contact are siblings.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from datetime import date

from sharetui.domain.enums import Relationship
from sharetui.domain.import_map import CONTACT_FIELDS, PUPIL_FIELDS, Mapping
from sharetui.domain.import_table import Table
from sharetui.domain.name_match import spellings
from sharetui.domain.nhs import nhs_number_error, normalise_nhs_number
from sharetui.domain.text import SHORT_TEXT, clean_line
from sharetui.domain.upn import normalise_upn, upn_error

MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for m in names
}
DATE_FORMS = "day/month/year (4/3/2016) or year-month-day (2016-03-04)"
_DATE_SPLIT = re.compile(r"[\s/.\-,]+")
TITLES = {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "rev", "sir", "dame", "lady", "lord"}
PARENT_WORDS = {"mother", "father", "parent", "mum", "dad", "mummy", "daddy"}
CARER_WORDS = {
    "carer",
    "foster carer",
    "foster parent",
    "foster mother",
    "foster father",
    "guardian",
    "legal guardian",
    "special guardian",
    "step mother",
    "step father",
    "step parent",
    "stepmother",
    "stepfather",
    "stepparent",
    "adoptive parent",
    "corporate parent",
}
RELATIVE_WORDS = {
    "grandmother",
    "grandfather",
    "grandparent",
    "grandma",
    "grandad",
    "granddad",
    "nan",
    "aunt",
    "auntie",
    "aunty",
    "uncle",
    "brother",
    "sister",
    "cousin",
    "other relative",
    "relative",
    "family member",
    "sibling",
}
YES = {"yes", "y", "true", "1", "x", "pr", "has pr", "parental responsibility"}
NO = {"no", "n", "false", "0", "no pr"}
GENDERS = {"m": "Male", "f": "Female", "male": "Male", "female": "Female"}


@dataclass(frozen=True)
class Refusal:
    row: int
    column: str  # the file's header, or "" for the whole row
    reason: str


@dataclass(frozen=True)
class PupilRecord:
    rows: tuple[int, ...]
    family_name: str
    given_names: str
    other_names: str
    date_of_birth: date
    gender: str
    upn: str
    reference: str
    nhs_number: str
    details: tuple[tuple[str, str], ...]  # (label, value): year group, registration group

    def identity(self) -> tuple[object, ...]:
        return (
            self.family_name,
            self.given_names,
            self.other_names,
            self.date_of_birth,
            self.gender,
            self.upn,
            self.reference,
            self.nhs_number,
            self.details,
        )


@dataclass(frozen=True)
class ContactRecord:
    rows: tuple[int, ...]
    family_name: str
    given_names: str
    details: tuple[tuple[str, str], ...]  # telephone, email
    keys: frozenset[str]  # digests that find this contact again in a later import


@dataclass(frozen=True)
class ContactLink:
    contact: int  # index into ParsedFile.contacts
    pupil: int  # index into ParsedFile.pupils
    relationship: Relationship
    row: int


@dataclass(frozen=True)
class ParsedFile:
    mapping: Mapping
    rows: int
    pupils: tuple[PupilRecord, ...]
    contacts: tuple[ContactRecord, ...]
    links: tuple[ContactLink, ...]
    refusals: tuple[Refusal, ...]
    merged_rows: int  # rows that named a pupil already read (one row per contact)


@dataclass
class _Mention:
    row: int
    family_name: str
    given_names: str
    telephone: str
    email: str
    reference: str
    relationship: Relationship
    pupil_family: str
    pupil_key: str = ""
    keys: set[str] = field(default_factory=set)


def name_key(family: str, given: str) -> str:
    """Names compared as search compares them exactly: transliterated, case and punctuation
    inside a name set aside (O'Brien = OBrien; Zoë = Zoe)."""
    return " ".join(
        "".join(spellings(part)[0]) if spellings(part) else "" for part in (family, given)
    )


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def parse_dob(text: str, today: date) -> tuple[date | None, str | None]:
    """(the date, None) or (None, the reason in words)."""
    raw = text.strip()
    if not raw:
        return None, "The date of birth is empty"
    shown = raw if len(raw) <= 40 else raw[:40] + "…"
    iso = raw[:10] if re.fullmatch(r"\d{4}-\d{2}-\d{2}([ T]00:00(:00)?)?", raw) else ""
    parts = [p for p in _DATE_SPLIT.split(raw.casefold()) if p]
    try:
        if iso:
            y, m, d = (int(x) for x in iso.split("-"))
        elif len(parts) == 3 and parts[0].isdecimal() and len(parts[0]) == 4:
            y, m, d = (int(x) if x.isdecimal() else MONTHS.get(x, 0) for x in parts)
        elif len(parts) == 3 and parts[0].isdecimal():
            d = int(parts[0])
            m = int(parts[1]) if parts[1].isdecimal() else MONTHS.get(parts[1], 0)
            if not parts[2].isdecimal():
                return None, f"{shown!r} is not a date: write it as {DATE_FORMS}"
            if len(parts[2]) != 4:
                return None, f"{shown!r}: write the year in full (4 digits), as {DATE_FORMS}"
            y = int(parts[2])
        else:
            return None, f"{shown!r} is not a date: write it as {DATE_FORMS}"
        if not 1 <= m <= 12:
            return None, f"{shown!r} is not a date: there is no month {m}; write it as {DATE_FORMS}"
        when = date(y, m, d)
    except ValueError:
        return None, f"{shown!r} is not a date: that day does not exist in that month"
    if when > today:
        return None, f"{shown!r}: the date of birth is in the future"
    if when.year < 1900:
        return None, f"{shown!r}: the date of birth is before 1900"
    return when, None


def relationship_of(words: str, pr: bool | None) -> Relationship:
    """Relationship words and parental responsibility as a link's relationship."""
    w = " ".join(re.split(r"[^a-z]+", words.casefold())).strip()
    if w in PARENT_WORDS:
        if pr is None:
            return Relationship.PARENT_PR_NOT_RECORDED
        return Relationship.PARENT_WITH_PR if pr else Relationship.PARENT_WITHOUT_PR
    if pr:
        return Relationship.CARER_WITH_PR
    if w in CARER_WORDS:
        return Relationship.CARER_WITHOUT_PR
    if w in RELATIVE_WORDS:
        return Relationship.OTHER_RELATIVE
    return Relationship.OTHER


def _pr(text: str) -> tuple[bool | None, str | None]:
    t = " ".join(re.split(r"[^a-z0-9]+", text.casefold())).strip()
    if not t or t in {"unknown", "not known", "n a", "na"}:
        return None, None
    if t in YES:
        return True, None
    if t in NO:
        return False, None
    return None, f"{text!r} is not yes or no (parental responsibility)"


def split_full_name(text: str) -> tuple[str, str]:
    """'Mrs Jane Smith' or 'Smith, Jane' -> (family, given)."""
    if "," in text:
        family, _, given = text.partition(",")
        return clean_line(family), clean_line(given)
    words = [w for w in text.split() if w.casefold().strip(".") not in TITLES]
    if not words:
        return "", ""
    return words[-1], " ".join(words[:-1])


class _Row:
    """One row's cells by field, with its refusals."""

    def __init__(self, number: int, cells: tuple[str, ...], headers: tuple[str, ...]) -> None:
        self.number = number
        self.cells = cells
        self.headers = headers
        self.refusals: list[Refusal] = []

    def get(self, col: int | None) -> str:
        if col is None or col >= len(self.cells):
            return ""
        return clean_line(self.cells[col])

    def refuse(self, col: int | None, reason: str) -> None:
        header = self.headers[col] if col is not None and col < len(self.headers) else ""
        self.refusals.append(Refusal(self.number, header, reason))


def read_records(table: Table, mapping: Mapping, today: date) -> ParsedFile:
    pupils: list[PupilRecord] = []
    by_key: dict[str, int] = {}
    mentions: list[_Mention] = []
    refusals: list[Refusal] = []
    merged = 0
    for number, cells in table.rows:
        row = _Row(number, cells, table.headers)
        pupil = _pupil(row, mapping, today)
        row_mentions = _mentions(row, mapping, pupil)
        if pupil is None or row.refusals:
            refusals.extend(row.refusals)
            continue
        key = _pupil_key(pupil)
        if key in by_key:
            earlier = pupils[by_key[key]]
            if earlier.identity() != pupil.identity():
                refusals.append(
                    Refusal(
                        number,
                        "",
                        f"The same pupil as row {earlier.rows[0]} ({_key_words(key)}) "
                        "with different details: check which row is right",
                    )
                )
                continue
            merged += 1
            pupils[by_key[key]] = replace(earlier, rows=(*earlier.rows, number))
        else:
            by_key[key] = len(pupils)
            pupils.append(pupil)
        for m in row_mentions:
            m.pupil_key = key
        mentions.extend(row_mentions)
    contacts, links = _group_contacts(mentions, by_key)
    return ParsedFile(
        mapping, len(table.rows), tuple(pupils), contacts, links, tuple(refusals), merged
    )


def _pupil_key(p: PupilRecord) -> str:
    if p.upn:
        return "upn:" + p.upn
    if p.reference:
        return "ref:" + p.reference
    return f"name:{name_key(p.family_name, p.given_names)}|{p.date_of_birth.isoformat()}"


def _key_words(key: str) -> str:
    kind = key.split(":", 1)[0]
    return {"upn": "same UPN", "ref": "same reference"}.get(kind, "same name and date of birth")


def _pupil(row: _Row, mapping: Mapping, today: date) -> PupilRecord | None:
    col = mapping.pupil
    values = {name: row.get(col.get(name)) for name in PUPIL_FIELDS}
    for name in ("family_name", "given_names"):
        if not values[name]:
            row.refuse(col.get(name), f"The {PUPIL_FIELDS[name]} is empty")
    for name, value in values.items():
        if len(value) > SHORT_TEXT:
            row.refuse(
                col.get(name), f"The {PUPIL_FIELDS[name]} is longer than {SHORT_TEXT} characters"
            )
    dob, problem = parse_dob(values["date_of_birth"], today)
    if problem:
        row.refuse(col.get("date_of_birth"), problem)
    upn = normalise_upn(values["upn"])
    if upn and (problem := upn_error(upn)):
        row.refuse(col.get("upn"), problem)
    nhs = normalise_nhs_number(values["nhs_number"])
    if nhs and (problem := nhs_number_error(nhs)):
        row.refuse(col.get("nhs_number"), problem)
    if row.refusals or dob is None:
        return None
    other = [
        values[n]
        for n, legal in (
            ("preferred_given_name", "given_names"),
            ("preferred_family_name", "family_name"),
        )
        if values[n] and name_key(values[n], "") != name_key(values[legal], "")
    ]
    details = tuple(
        (label, values[name])
        for name, label in (
            ("year_group", "Year group"),
            ("registration_group", "Registration group"),
        )
        if values[name]
    )
    gender = GENDERS.get(values["gender"].casefold(), values["gender"])
    return PupilRecord(
        (row.number,),
        values["family_name"],
        values["given_names"],
        " ".join(other),
        dob,
        gender,
        upn,
        values["reference"].upper(),
        nhs,
        details,
    )


def _mentions(row: _Row, mapping: Mapping, pupil: PupilRecord | None) -> list[_Mention]:
    out: list[_Mention] = []
    for number in sorted(mapping.contacts):
        col = mapping.contacts[number]
        v = {name: row.get(col.get(name)) for name in CONTACT_FIELDS}
        family, given = v["family_name"], v["given_names"]
        if not family and v["name"]:
            family, given = split_full_name(v["name"])
        label = "The contact" if number == 0 else f"Contact {number}"
        if not family and not given:
            if v["relationship"] or v["telephone"] or v["email"]:
                row.refuse(col.get("family_name", col.get("name")), f"{label} has no name")
            continue
        if not family:
            row.refuse(col.get("family_name", col.get("name")), f"{label} has no family name")
            continue
        if len(family) > SHORT_TEXT or len(given) > SHORT_TEXT:
            row.refuse(
                col.get("family_name"), f"{label}'s name is longer than {SHORT_TEXT} characters"
            )
            continue
        pr, problem = _pr(v["parental_responsibility"])
        if problem:
            row.refuse(col.get("parental_responsibility"), f"{label}: {problem}")
            continue
        out.append(
            _Mention(
                row.number,
                family,
                given,
                v["telephone"],
                v["email"],
                v["reference"].upper(),
                relationship_of(v["relationship"], pr),
                pupil.family_name if pupil else "",
            )
        )
    return out


def _mention_keys(m: _Mention) -> set[str]:
    who = name_key(m.family_name, m.given_names)
    keys = set()
    if m.reference:
        keys.add("ref:" + m.reference)
    email = m.email.casefold().strip()
    if email:
        keys.add(f"email:{email}|{who}")
    phone = "".join(ch for ch in m.telephone if ch.isdigit())
    if len(phone) >= 6:
        keys.add(f"tel:{phone}|{who}")
    if not keys:
        keys.add(f"family:{who}|{name_key(m.pupil_family, '')}")
    return {digest("contact|" + k) for k in keys}


def _group_contacts(
    mentions: list[_Mention], pupils: dict[str, int]
) -> tuple[tuple[ContactRecord, ...], tuple[ContactLink, ...]]:
    """Mentions sharing a key are one contact (union-find over their keys)."""
    parent = list(range(len(mentions)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[str, int] = {}
    for i, m in enumerate(mentions):
        m.keys = _mention_keys(m)
        for k in m.keys:
            if k in owner:
                parent[root(i)] = root(owner[k])
            else:
                owner[k] = i
    groups: dict[int, list[int]] = {}
    for i in range(len(mentions)):
        groups.setdefault(root(i), []).append(i)
    contacts: list[ContactRecord] = []
    links: dict[tuple[int, int], ContactLink] = {}
    for members in sorted(groups.values()):
        ms = [mentions[i] for i in members]
        first = ms[0]
        phone = next((m.telephone for m in ms if m.telephone), "")
        email = next((m.email for m in ms if m.email), "")
        details = tuple((k, v) for k, v in (("Telephone", phone), ("Email", email)) if v)
        index = len(contacts)
        contacts.append(
            ContactRecord(
                tuple(sorted({m.row for m in ms})),
                first.family_name,
                next((m.given_names for m in ms if m.given_names), ""),
                details,
                frozenset(k for m in ms for k in m.keys),
            )
        )
        for m in ms:
            pupil = pupils[m.pupil_key]
            links.setdefault((index, pupil), ContactLink(index, pupil, m.relationship, m.row))
    return tuple(contacts), tuple(links.values())
