"""Reading exports: encodings, delimiters, quoting, header recognition, map files, dates,
UPN and NHS checks, and pupils named on several rows. Pure: bytes in, records out."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest

from sharetui.domain.enums import Relationship
from sharetui.domain.import_map import MappingError, find_mapping, mapping_from, parse_map
from sharetui.domain.import_rows import parse_dob, read_records
from sharetui.domain.import_table import TableError, read_table
from sharetui.domain.upn import normalise_upn, upn_check_letter, upn_error

TODAY = date(2026, 12, 1)
SIMS = (
    "Adno,UPN,Legal Surname,Legal Forename,Preferred Forename,DOB,Gender,Year,Reg,"
    "Contact 1 Surname,Contact 1 Forename,Contact 1 Relationship,"
    "Contact 1 Parental Responsibility,Contact 1 Telephone\r\n"
)


def records(text: str | bytes, name: str = "pupils.csv"):
    data = text.encode("utf-8") if isinstance(text, str) else text
    table = read_table(data, name)
    return read_records(table, find_mapping(table.headers), TODAY)


# -- UPN ---------------------------------------------------------------------------------------
def test_upn_check_letter_follows_the_dfe_method():
    assert upn_check_letter("801200005001") == "B"
    assert upn_error("B801200005001") is None
    assert upn_error("b801 2000 05001") is None  # spaces and case as people type them
    assert normalise_upn("b801-2000-05001") == "B801200005001"


@pytest.mark.parametrize(
    ("upn", "words"),
    [
        ("A801200005001", "its first letter does not match the rest"),
        ("B80120000500", "has 13 characters"),
        ("B8012000050X1", "other characters"),
        ("I801200005001", "never I, O or S"),
    ],
)
def test_a_bad_upn_is_refused_in_words(upn, words):
    assert words in (upn_error(upn) or "")


def test_a_temporary_upn_ends_in_a_letter():
    rest = "80120000501A"
    assert upn_error(upn_check_letter(rest) + rest) is None


# -- encodings, delimiters, quoting --------------------------------------------------------------
def test_utf8_with_a_byte_order_mark_reads_the_first_header_cleanly():
    parsed = records(("\ufeff" + SIMS + "1,,O'Brien,Zoë,,4/3/2016,F,,,,,,,\r\n").encode("utf-8"))
    assert parsed.pupils[0].given_names == "Zoë"
    assert parsed.mapping.pupil["reference"] == 0  # "Adno", not "\ufeffAdno"


def test_windows_1252_names_keep_their_letters():
    text = SIMS.replace(",", ";") + "1;;O\u2019Brien;Zo\u00eb;;4/3/2016;F;;;;;;;\r\n"
    table = read_table(text.encode("cp1252"))
    assert table.encoding == "Windows-1252" and table.delimiter == ";"
    parsed = read_records(table, find_mapping(table.headers), TODAY)
    assert (parsed.pupils[0].family_name, parsed.pupils[0].given_names) == ("O\u2019Brien", "Zoë")


def test_tab_separated_with_quoted_delimiters_and_line_breaks():
    text = (
        SIMS.replace(",", "\t")
        + '1\t\tSmith\tJo\t\t4/3/2016\tF\t\t"5B, upstairs\nby the hall"\tSmith\t"Ann\tMarie"'
        "\tMother\tYes\t\r\n"
        "2\t\tJones\tAl\t\t5/3/2016\tM\t\t\t\t\t\t\t\r\n"
    )
    parsed = records(text)
    assert [p.rows for p in parsed.pupils] == [(2,), (4,)]  # row 2 spans two lines
    assert dict(parsed.pupils[0].details)["Registration group"] == "5B, upstairs by the hall"
    assert parsed.contacts[0].given_names == "Ann Marie"


def test_an_empty_or_unreadable_file_is_said_in_words():
    with pytest.raises(TableError, match="empty"):
        read_table(b"")
    with pytest.raises(TableError, match="Excel workbook"):
        read_table(b"PK\x03\x04not really a workbook", "x.xlsx")


def test_xlsx_dates_and_numbers_come_in_as_text():
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Surname", "Forename", "Date of Birth", "NHS Number"])
    from datetime import datetime

    sheet.append(["Nowak", "Łucja", datetime(2016, 3, 4), 9434765919])
    buf = BytesIO()
    book.save(buf)
    parsed = records(buf.getvalue(), "pupils.xlsx")
    p = parsed.pupils[0]
    assert (p.given_names, p.date_of_birth, p.nhs_number) == (
        "Łucja",
        date(2016, 3, 4),
        "9434765919",
    )


# -- recognising columns -------------------------------------------------------------------------
def test_sims_arbor_and_generic_headers_are_recognised():
    sims = find_mapping(tuple(SIMS.strip().split(",")))
    assert sims.layout.startswith("SIMS")
    assert sims.contacts[1]["parental_responsibility"] == 12
    arbor = find_mapping(
        (
            "Arbor ID",
            "Legal first name",
            "Legal last name",
            "Date of birth",
            "Registration form",
            "Contact 1 first name",
            "Contact 1 last name",
            "Contact 1 relationship",
        )
    )
    assert arbor.layout.startswith("Arbor")
    assert arbor.pupil["given_names"] == 1 and arbor.pupil["registration_group"] == 4
    assert arbor.contacts[1]["family_name"] == 6
    generic = find_mapping(("First name", "Last name", "DOB", "Contact name", "Relationship"))
    assert generic.layout.startswith("generic")
    assert generic.contacts[0] == {"name": 3, "relationship": 4}
    assert "  date of birth            <- column 3 'DOB'" in generic.lines()


def test_a_missing_required_column_says_what_was_looked_for():
    with pytest.raises(MappingError) as err:
        find_mapping(("Surname", "Forename", "Year"))
    assert "no column for date of birth" in str(err.value)
    assert "--map FILE" in str(err.value)


def test_a_map_file_in_toml_or_json_is_the_whole_mapping():
    headers = ("Kid Last", "Kid First", "Born", "Parent One", "Surname")
    pairs = parse_map(
        'family_name = "Kid Last"\ngiven_names = "kid first"\ndate_of_birth = "Born"\n'
        'contact1_name = "Parent One"\n',
        "map.toml",
    )
    mapping = mapping_from(pairs, headers, "map.toml")
    assert mapping.pupil == {"family_name": 0, "given_names": 1, "date_of_birth": 2}
    assert mapping.contacts == {1: {"name": 3}}
    assert parse_map('{"family_name": "Kid Last"}', "map.json") == {"family_name": "Kid Last"}
    with pytest.raises(MappingError, match="'Nope' .* is not in the file"):
        mapping_from({"family_name": "Nope"}, headers, "map.toml")
    with pytest.raises(MappingError, match="'shoe_size' is not a field"):
        mapping_from({"shoe_size": "Born"}, headers, "map.toml")


# -- dates and checks ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "2016-03-04",
        "4/3/2016",
        "04-03-2016",
        "4.3.2016",
        "4 Mar 2016",
        "4 March 2016",
        "2016-03-04 00:00:00",
    ],
)
def test_dates_in_the_forms_exports_use(text):
    assert parse_dob(text, TODAY) == (date(2016, 3, 4), None)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("31/02/2016", "that day does not exist"),
        ("12/25/2015", "there is no month 25"),
        ("4/3/16", "write the year in full"),
        ("next tuesday", "is not a date"),
        ("4/3/2030", "in the future"),
        ("4/3/1850", "before 1900"),
        ("", "empty"),
    ],
)
def test_bad_dates_are_refused_with_the_reason(text, words):
    when, problem = parse_dob(text, TODAY)
    assert when is None and words in (problem or "")


def test_refused_rows_name_the_row_the_column_and_the_reason():
    parsed = records(
        SIMS
        + "1,A801200005001,Bad,Upn,,4/3/2016,F,,,,,,,\r\n"
        + "2,,Fine,Row,,4/3/2016,F,,,,,,,\r\n"
        + "3,,,Nameless,,4/3/2016,F,,,,,,,\r\n"
        + "4,,Good,Kid,,4/3/2016,F,,,Good,Mum,Mother,maybe,\r\n"
    )
    got = {(r.row, r.column): r.reason for r in parsed.refusals}
    assert "first letter does not match" in got[(2, "UPN")]
    assert got[(4, "Legal Surname")] == "The family name is empty"
    assert "not yes or no" in got[(5, "Contact 1 Parental Responsibility")]
    assert [p.given_names for p in parsed.pupils] == ["Row"]


def test_an_invalid_nhs_number_is_refused():
    table = read_table(b"Surname,Forename,DOB,NHS Number\n Smith,Jo,4/3/2016,943 476 5918\n")
    parsed = read_records(table, find_mapping(table.headers), TODAY)
    assert parsed.refusals[0].column == "NHS Number"
    assert "last digit does not match" in parsed.refusals[0].reason


# -- rows naming one pupil, contacts naming several ----------------------------------------------
def test_duplicate_rows_are_one_pupil_and_conflicting_ones_are_refused():
    row = "1,B801200005001,Smith,Jo,,4/3/2016,F,Y5,5B,Smith,Ann,Mother,Yes,07700900001\r\n"
    parsed = records(
        SIMS
        + row
        + row
        + "1,B801200005001,Smith,Jo,,4/3/2016,F,Y5,5B,Smith,Bob,Father,No,07700900002\r\n"
        + "1,B801200005001,Smith,Joanne,,4/3/2016,F,Y5,5B,,,,,\r\n"
    )
    assert len(parsed.pupils) == 1 and parsed.pupils[0].rows == (2, 3, 4)
    assert parsed.merged_rows == 2
    assert sorted(c.given_names for c in parsed.contacts) == ["Ann", "Bob"]
    assert [(r.row, r.reason[:31]) for r in parsed.refusals] == [
        (5, "The same pupil as row 2 (same U")
    ]


def test_a_contact_of_several_children_is_one_person_and_relationships_follow_pr():
    parsed = records(
        SIMS
        + "1,,Khan,Ali,,4/3/2016,M,,,Khan,Sara,Mother,Yes,07700 900001\r\n"
        + "2,,Khan,Aisha,,5/6/2018,F,,,Khan,Sara,Mum,Y,07700900001\r\n"
        + "3,,Khan,Omar,,5/6/2017,M,,,Khan,Sara,Mother,,07700 900999\r\n"  # another Sara Khan
        + "4,,Lee,Kim,,5/6/2017,M,,,Lee,Pat,Grandmother,Yes,\r\n"
        + "5,,Lee,Max,,5/6/2015,M,,,Lee,Pat,Aunt,,\r\n"
    )
    by_child = {parsed.pupils[link.pupil].given_names: link for link in parsed.links}
    assert by_child["Ali"].contact == by_child["Aisha"].contact != by_child["Omar"].contact
    assert by_child["Ali"].relationship is Relationship.PARENT_WITH_PR
    assert by_child["Omar"].relationship is Relationship.PARENT_PR_NOT_RECORDED
    assert by_child["Kim"].relationship is Relationship.CARER_WITH_PR
    # no telephone or email: one Pat Lee for children of the same family name
    assert by_child["Kim"].contact == by_child["Max"].contact
    assert by_child["Max"].relationship is Relationship.OTHER_RELATIVE
