"""Text hygiene, search keys and the checks on a person, without a database."""

from __future__ import annotations

from datetime import date

import pytest

from sharetui.domain.nhs import nhs_number_error, normalise_nhs_number
from sharetui.domain.person import (
    PersonInput,
    age_on,
    anonymous_description,
    parse_date,
    validate_person,
)
from sharetui.domain.text import (
    clean,
    clean_line,
    fold,
    length_error,
    name_tokens,
    query_tokens,
    required_text_error,
    scrub_json,
)

TODAY = date(2026, 3, 4)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("\x1b]0;owned\x07Jane", "]0;ownedJane"),
        ("a\u202eb\u202dc\u202ad\u202be\u202cf", "abcdef"),
        ("a\u2066b\u2067c\u2068d\u2069e\u200ef\u200fg", "abcdefg"),
        ("nul\x00 del\x7f c1\x85\x9f", "nul del c1"),
        ("keep\ttab\nnewline", "keep\ttab\nnewline"),
        # what names need stays: joiner, non-joiner, variation selectors (emoji, ideographic)
        (
            "\U0001f468\u200d\U0001f469\u200d\U0001f467",
            "\U0001f468\u200d\U0001f469\u200d\U0001f467",
        ),
        ("\u202eنیک\u200cنام\u2066", "نیک\u200cنام"),
        ("അന്\u200dവര്\u200d\x1b", "അന്\u200dവര്\u200d"),
        ("\u2764\ufe0f \u845b\U000e0100\u200f", "\u2764\ufe0f \u845b\U000e0100"),
        ("  crlf\r\nand cr\r  ", "crlf\nand cr"),
        (None, ""),
    ],
)
def test_clean(raw: str | None, expected: str) -> None:
    assert clean(raw) == expected


def test_clean_line_collapses_whitespace() -> None:
    assert clean_line(" Jane\n\tMary \x1b Smith ") == "Jane Mary Smith"
    assert clean_line(" ශ්\u200dරී\n लक्ष्\u200dमी ") == "ශ්\u200dරී लक्ष्\u200dमी"


def test_scrub_json_keeps_joiners_in_drafts() -> None:
    typed = {"given\u200c": ["ශ්\u200dරී\u202e", "\u2764\ufe0f"]}
    assert scrub_json(typed) == {"given\u200c": ["ශ්\u200dරී", "\u2764\ufe0f"]}


def test_fold_is_case_and_accent_insensitive() -> None:
    assert fold("Zoë") == fold("ZOE") == "zoe"
    assert fold("Ṣèán Ó'Brien") == "sean o'brien"
    assert fold("Straße") == "strasse"


def test_name_tokens_and_query_tokens() -> None:
    assert name_tokens("O'Brien-Smith", "Zoë Anne", "") == {"o", "brien", "smith", "zoe", "anne"}
    assert query_tokens("jo  SMI jo") == ["smi", "jo"]


def test_length_error() -> None:
    assert length_error("x" * 200, 200, "Name") is None
    assert (
        length_error("x" * 1201, 1200, "Name")
        == "Name must be 1,200 characters or fewer (it is 1,201)"
    )


def test_required_text_error() -> None:
    missing = "Enter the term's name"
    assert required_text_error("", 100, missing=missing, noun="name") == missing
    assert required_text_error("x" * 100, 100, missing=missing, noun="name") is None
    assert (
        required_text_error("x" * 2001, 2000, missing=missing, noun="reason")
        == "Enter a reason of 2,000 characters or fewer"
    )


@pytest.mark.parametrize("number", ["943 476 5919", "9434765919", "943-476-5919", "401 023 2137"])
def test_valid_nhs_numbers(number: str) -> None:
    assert nhs_number_error(number) is None


@pytest.mark.parametrize(
    ("number", "words"),
    [
        ("943 476 5918", "last digit does not match"),
        ("943 476 591", "10 digits"),
        ("94347659190", "10 digits"),
        ("943476591X", "10 digits"),
        ("1000000010", "last digit does not match"),  # check digit would be 10: never valid
    ],
)
def test_invalid_nhs_numbers(number: str, words: str) -> None:
    msg = nhs_number_error(number)
    assert msg is not None and words in msg


def test_normalise_nhs_number() -> None:
    assert normalise_nhs_number(" 943-476 5919 ") == "9434765919"


def test_person_input_cleaned() -> None:
    p = PersonInput(
        family_name=" smith\x1b ",
        given_names="Jane\u202e",
        reference=" p-12\n",
        nhs_number="943 476 5919",
        notes="line\r\nnext\x07",
    ).cleaned()
    assert (p.family_name, p.given_names, p.reference, p.nhs_number, p.notes) == (
        "smith",
        "Jane",
        "P-12",
        "9434765919",
        "line\nnext",
    )


def test_validate_person() -> None:
    assert validate_person(PersonInput("Smith", "Jane"), TODAY) == {}
    e = validate_person(PersonInput("", ""), TODAY)
    assert e == {
        "family_name": "Enter the family name",
        "given_names": "Enter the given name or names",
    }
    e = validate_person(
        PersonInput("S" * 201, "J", date_of_birth=date(2026, 3, 5), nhs_number="9434765918"),
        TODAY,
    )
    assert set(e) == {"family_name", "date_of_birth", "nhs_number"}
    assert e["date_of_birth"] == "The date of birth cannot be in the future"
    assert "date_of_birth" in validate_person(
        PersonInput("S", "J", date_of_birth=date(1899, 12, 31)), TODAY
    )
    assert "notes" in validate_person(PersonInput("S", "J", notes="x" * 20_001), TODAY)


@pytest.mark.parametrize(
    "text", ["2016-03-04", "4/3/2016", "04/03/2016", "4-3-2016", "4.3.2016", "4 3 2016"]
)
def test_parse_date_formats(text: str) -> None:
    assert parse_date(text) == date(2016, 3, 4)


@pytest.mark.parametrize("text", ["", "4/3/16", "31/2/2016", "yesterday", "2016", "²/3/2016"])
def test_parse_date_rejects(text: str) -> None:
    assert parse_date(text) is None


def test_age_and_anonymous_description() -> None:
    assert age_on(date(2016, 3, 5), TODAY) == 9
    assert age_on(date(2016, 3, 4), TODAY) == 10
    assert anonymous_description(date(2019, 1, 1), TODAY) == "a child, aged 7"
    assert anonymous_description(date(2000, 1, 1), TODAY) == "an adult, aged 26"
    assert anonymous_description(None, TODAY) == "a person, age unknown"
