"""Which column of an export holds which of sharetui's fields.

Headers are recognised automatically for the layouts schools send (SIMS and Arbor student
lists with contacts, and a generic list): a header is compared with its case, spacing and
punctuation set aside ("Date of Birth", "DOB", "date_of_birth" are one), against the names
these exports use. Contacts come either one per row (a pupil's row repeated for each
contact: "Contact Surname", "Relationship") or side by side ("Contact 1 Surname",
"Contact 2 Surname", also "Parent 1 ..." or "Carer 1 ..."). Any other layout is described by
a map file (TOML or JSON: sharetui field = column header), which then is the whole mapping.

The mapping found is shown before anything is read, so a person can check that, say,
"Surname" went to the family name and not to a contact's.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field

# sharetui field -> words for people (the mapping printout, refusals).
PUPIL_FIELDS: dict[str, str] = {
    "family_name": "family name",
    "given_names": "given names",
    "preferred_given_name": "preferred given name",
    "preferred_family_name": "preferred family name",
    "date_of_birth": "date of birth",
    "gender": "gender",
    "upn": "UPN",
    "reference": "local reference",
    "nhs_number": "NHS number",
    "year_group": "year group",
    "registration_group": "registration group",
}
CONTACT_FIELDS: dict[str, str] = {
    "family_name": "family name",
    "given_names": "given names",
    "name": "name",
    "title": "title",
    "relationship": "relationship",
    "parental_responsibility": "parental responsibility",
    "telephone": "telephone",
    "email": "email",
    "reference": "reference",
}
REQUIRED = ("family_name", "given_names", "date_of_birth")

# The names exports use for each field, normalised (see norm()); earlier names win when a
# file has several (SIMS has both "Legal Surname" and "Preferred Surname").
PUPIL_ALIASES: dict[str, tuple[str, ...]] = {
    "family_name": (
        "legal surname",
        "legal last name",
        "surname",
        "last name",
        "family name",
        "student surname",
        "pupil surname",
        "student last name",
        "pupil last name",
    ),
    "given_names": (
        "legal forename",
        "legal first name",
        "forename",
        "forenames",
        "first name",
        "given names",
        "given name",
        "student forename",
        "pupil forename",
        "student first name",
        "pupil first name",
    ),
    "preferred_given_name": (
        "preferred forename",
        "preferred first name",
        "known as",
        "preferred name",
    ),
    "preferred_family_name": ("preferred surname", "preferred last name"),
    "date_of_birth": ("date of birth", "dob", "d o b", "birth date", "birthdate", "born"),
    "gender": ("gender", "sex", "legal sex"),
    "upn": ("upn", "unique pupil number"),
    "reference": (
        "adno",
        "admission number",
        "admission no",
        "arbor id",
        "mis id",
        "student id",
        "pupil id",
        "local reference",
        "reference",
        "ref",
        "id",
    ),
    "nhs_number": ("nhs number", "nhs no", "nhs"),
    "year_group": ("year group", "year", "nc year", "national curriculum year", "curriculum year"),
    "registration_group": (
        "registration group",
        "reg group",
        "reg",
        "registration form",
        "form group",
        "form",
        "tutor group",
        "class",
    ),
}
CONTACT_ALIASES: dict[str, tuple[str, ...]] = {
    "family_name": ("surname", "legal surname", "last name", "family name"),
    "given_names": ("forename", "forenames", "first name", "given names", "given name"),
    "name": ("name", "full name"),
    "title": ("title",),
    "relationship": (
        "relationship",
        "relation",
        "relationship to student",
        "relationship to pupil",
    ),
    "parental_responsibility": (
        "parental responsibility",
        "has parental responsibility",
        "parental resp",
        "pr",
    ),
    "telephone": (
        "telephone",
        "phone",
        "mobile",
        "mobile phone",
        "telephone number",
        "phone number",
        "primary telephone",
        "home phone",
        "home telephone",
    ),
    "email": ("email", "email address", "e mail"),
    "reference": ("id", "reference", "ref"),
}
# Single contact columns that carry no "Contact" prefix in long exports.
BARE_CONTACT = {
    "relationship": "relationship",
    "parental responsibility": "parental_responsibility",
}

# Headers only one of the known systems writes: how the layout is named in the printout.
LAYOUT_SIGNS = (
    ("SIMS student list", {"adno", "legal surname", "legal forename", "reg group", "reg"}),
    (
        "Arbor student list",
        {"arbor id", "legal first name", "legal last name", "registration form"},
    ),
)

_NOT_WORD = re.compile(r"[^0-9a-z]+")
_CONTACT = re.compile(r"^(?:contact|parent|carer|guardian)\s*(\d*)\s+(.+)$")
_MAP_CONTACT = re.compile(r"^contact_?(\d*)_(.+)$")


class MappingError(ValueError):
    """The columns cannot be mapped; the message says what is missing and how to fix it."""


def norm(header: str) -> str:
    """A header with case, spacing and punctuation set aside: 'Date_of Birth' -> 'date of birth'."""
    return " ".join(_NOT_WORD.split(header.strip().casefold())).strip()


@dataclass(frozen=True)
class Mapping:
    layout: str
    headers: tuple[str, ...]
    pupil: dict[str, int]  # field -> column
    contacts: dict[int, dict[str, int]] = field(default_factory=dict)  # number (0: one per row)

    def lines(self) -> list[str]:
        """The mapping in words: one line per field, the columns ignored at the end."""
        out = [f"Columns recognised as: {self.layout}"]
        for name, words in PUPIL_FIELDS.items():
            col = self.pupil.get(name)
            out.append(f"  {words:<24} <- {self._column(col)}")
        for number in sorted(self.contacts):
            label = "contact" if number == 0 else f"contact {number}"
            for name, col in self.contacts[number].items():
                out.append(f"  {label + ' ' + CONTACT_FIELDS[name]:<24} <- {self._column(col)}")
        used = set(self.pupil.values()) | {c for m in self.contacts.values() for c in m.values()}
        ignored = [h for i, h in enumerate(self.headers) if i not in used and h]
        if ignored:
            out.append("  not imported: " + ", ".join(repr(h) for h in ignored))
        return out

    def _column(self, col: int | None) -> str:
        if col is None:
            return "(not in the file)"
        return f"column {col + 1} {self.headers[col]!r}"


def find_mapping(headers: tuple[str, ...]) -> Mapping:
    """Recognise the columns by their headers."""
    normed = [norm(h) for h in headers]
    index: dict[str, int] = {}
    for i, h in enumerate(normed):
        index.setdefault(h, i)
    used: set[int] = set()
    contacts: dict[int, dict[str, int]] = {}
    # Contact columns first: "Contact 1 Surname" must not be taken as the pupil's surname.
    for i, h in enumerate(normed):
        m = _CONTACT.match(h)
        if m is None:
            continue
        number = int(m.group(1)) if m.group(1) else 0
        rest = m.group(2)
        for name, aliases in CONTACT_ALIASES.items():
            if rest in aliases and name not in contacts.get(number, {}):
                contacts.setdefault(number, {})[name] = i
                used.add(i)
                break
    pupil: dict[str, int] = {}
    for name, aliases in PUPIL_ALIASES.items():
        for alias in aliases:
            at = index.get(alias)
            if at is not None and at not in used:
                pupil[name] = at
                used.add(at)
                break
    if 0 in contacts:  # one contact per row: its relationship may be a bare column
        for header, name in BARE_CONTACT.items():
            at = index.get(header)
            if at is not None and at not in used and name not in contacts[0]:
                contacts[0][name] = at
                used.add(at)
    contacts = {n: m for n, m in contacts.items() if _names_a_person(m)}
    present = set(normed)
    layout = next((name for name, signs in LAYOUT_SIGNS if len(signs & present) >= 2), "generic")
    mapping = Mapping(f"{layout} (recognised from the headers)", headers, pupil, contacts)
    _require(mapping, automatic=True)
    return mapping


def _names_a_person(fields: dict[str, int]) -> bool:
    return "name" in fields or "family_name" in fields


def parse_map(text: str, name: str) -> dict[str, str]:
    """A map file's pairs (sharetui field -> column header), TOML or JSON."""
    lowered = name.lower()
    try:
        if lowered.endswith(".json"):
            data = json.loads(text)
        elif lowered.endswith(".toml"):
            data = tomllib.loads(text)
        else:
            try:
                data = json.loads(text)
            except json.JSONDecodeError:
                data = tomllib.loads(text)
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as exc:
        raise MappingError(f"The map file {name} cannot be read as TOML or JSON: {exc}") from exc
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        raise MappingError(
            f'The map file {name} must hold lines like family_name = "Legal Surname" '
            "(field = column header), nothing else"
        )
    return data


def mapping_from(pairs: dict[str, str], headers: tuple[str, ...], name: str) -> Mapping:
    """A map file's pairs checked against the file's headers: every field known, every
    column present (exact header, or the same once case and spacing are set aside)."""
    exact = {h: i for i, h in reversed(list(enumerate(headers)))}
    loose = {norm(h): i for i, h in reversed(list(enumerate(headers)))}
    pupil: dict[str, int] = {}
    contacts: dict[int, dict[str, int]] = {}
    problems: list[str] = []
    for field_name, header in pairs.items():
        col = exact.get(header, loose.get(norm(header)))
        if col is None:
            problems.append(f"column {header!r} (for {field_name}) is not in the file")
            continue
        if field_name in PUPIL_FIELDS:
            pupil[field_name] = col
            continue
        m = _MAP_CONTACT.match(field_name)
        if m is not None and m.group(2) in CONTACT_FIELDS:
            contacts.setdefault(int(m.group(1) or 0), {})[m.group(2)] = col
            continue
        problems.append(f"{field_name!r} is not a field sharetui imports")
    if problems:
        known = (
            ", ".join(PUPIL_FIELDS)
            + ", contact_FIELD or contact1_FIELD with FIELD one of "
            + (", ".join(CONTACT_FIELDS))
        )
        raise MappingError(
            f"The map file {name}: " + "; ".join(problems) + f". Fields: {known}. The file's "
            "columns: " + ", ".join(repr(h) for h in headers if h)
        )
    mapping = Mapping(f"your map file {name}", headers, pupil, contacts)
    _require(mapping, automatic=False)
    return mapping


def _require(mapping: Mapping, *, automatic: bool) -> None:
    missing = [f for f in REQUIRED if f not in mapping.pupil]
    if not missing:
        return
    parts = []
    for f in missing:
        looked = ", ".join(repr(a.title()) for a in PUPIL_ALIASES[f][:4])
        parts.append(
            f"{PUPIL_FIELDS[f]} (looked for {looked}...)" if automatic else PUPIL_FIELDS[f]
        )
    how = (
        'name the columns in a map file (--map FILE, lines like date_of_birth = "Birth Date")'
        if automatic
        else "add them to the map file"
    )
    raise MappingError(
        "The file has no column for "
        + "; ".join(parts)
        + f": {how}. The file's columns: "
        + ", ".join(repr(h) for h in mapping.headers if h)
    )
