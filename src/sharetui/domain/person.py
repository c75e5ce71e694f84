"""A person as entered at the desk, and the checks on it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sharetui.domain.nhs import nhs_number_error, normalise_nhs_number
from sharetui.domain.text import LONG_TEXT, SHORT_TEXT, clean, clean_line, length_error


@dataclass
class PersonInput:
    family_name: str = ""
    given_names: str = ""
    other_names: str = ""
    date_of_birth: date | None = None
    dob_estimated: bool = False
    reference: str = ""
    nhs_number: str = ""
    notes: str = ""

    def cleaned(self) -> PersonInput:
        return PersonInput(
            family_name=clean_line(self.family_name),
            given_names=clean_line(self.given_names),
            other_names=clean_line(self.other_names),
            date_of_birth=self.date_of_birth,
            dob_estimated=bool(self.dob_estimated),
            reference=clean_line(self.reference).upper(),
            nhs_number=normalise_nhs_number(clean_line(self.nhs_number)),
            notes=clean(self.notes),
        )


def validate_person(p: PersonInput, today: date) -> dict[str, str]:
    e: dict[str, str] = {}
    if not p.family_name:
        e["family_name"] = "Enter the family name"
    if not p.given_names:
        e["given_names"] = "Enter the given name or names"
    for name, label in (
        ("family_name", "Family name"),
        ("given_names", "Given names"),
        ("other_names", "Other names"),
        ("reference", "Reference"),
    ):
        msg = length_error(getattr(p, name), SHORT_TEXT, label)
        if msg:
            e[name] = msg
    msg = length_error(p.notes, LONG_TEXT, "Notes")
    if msg:
        e["notes"] = msg
    if p.date_of_birth is not None:
        if p.date_of_birth > today:
            e["date_of_birth"] = "The date of birth cannot be in the future"
        elif p.date_of_birth.year < 1900:
            e["date_of_birth"] = "Enter a date of birth after 1900"
    if p.nhs_number:
        msg = nhs_number_error(p.nhs_number)
        if msg:
            e["nhs_number"] = msg
    return e


def age_on(dob: date | None, today: date) -> int | None:
    if dob is None:
        return None
    years = today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))
    return max(years, 0)


def anonymous_description(dob: date | None, today: date) -> str:
    """What an adviser sees instead of a name: 'a child, aged 7'."""
    age = age_on(dob, today)
    if age is None:
        return "a person, age unknown"
    if age < 18:
        return f"a child, aged {age}"
    return f"an adult, aged {age}"


def parse_date(text: str) -> date | None:
    """Read a date typed at the desk: 2016-03-04, 4/3/2016, 04-03-2016, 4 3 2016."""
    raw = text.strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        pass
    for sep in ("/", "-", ".", " "):
        parts = raw.split(sep)
        if len(parts) == 3 and all(x.isdecimal() and len(x) <= 4 for x in parts):
            d, m, y = (int(x) for x in parts)
            if y < 100:
                return None
            try:
                return date(y, m, d)
            except ValueError:
                return None
    return None
