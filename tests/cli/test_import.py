"""`sharetui import people` as an administrator runs it: the mapping printed, a dry run, a
real run and a repeated run (on both engines), refused rows stopping the file unless
--partial, a map file, and the sample under docs/ going into the demo database."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from tests.cli.conftest import DEMO_PASSPHRASES, PASSPHRASE, Cli, Demo

SAMPLE = Path(__file__).resolve().parents[2] / "docs" / "sample-pupils.csv"


def imp(
    cli: Cli, path: Path, *options: str, database: str, user: str = "ada", phrase: str = PASSPHRASE
):
    return cli(
        "import",
        "people",
        str(path),
        *options,
        "--user",
        user,
        "--passphrase-stdin",
        database=database,
        stdin=phrase + "\n",
    )


def test_dry_run_real_run_and_repeat(cli: Cli, database_url: str, tmp_path: Path) -> None:
    path = tmp_path / "pupils.csv"
    shutil.copy(SAMPLE, path)
    dry = imp(cli, path, "--dry-run", database=database_url)
    assert dry.code == 0, dry.err
    assert (
        "Reading pupils.csv: CSV, comma-separated, UTF-8 with byte order mark, 7 rows." in dry.out
    )
    assert "Columns recognised as: SIMS student list (recognised from the headers)" in dry.out
    assert "  UPN                      <- column 2 'UPN'" in dry.out
    assert "  row 2: new person Zoë O'Brien, born 04/03/2016" in dry.out
    assert "It would do: 15 people created" in dry.out
    assert dry.out.rstrip().endswith("Dry run: nothing was written.")
    real = imp(cli, path, database=database_url)
    assert real.code == 0, real.err
    assert (
        "Done: 15 people created, 0 updated with newer details, 0 already up to date; "
        "12 links to contacts and 2 sibling links made." in real.out
    )
    again = imp(cli, path, database=database_url)
    assert again.code == 0, again.err
    assert (
        "Done: 0 people created, 0 updated with newer details, 15 already up to date; "
        "0 links to contacts and 0 sibling links made." in again.out
    )
    assert not (tmp_path / "pupils.refused.csv").exists()


def test_refused_rows_stop_the_file_unless_partial(
    cli: Cli, database_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "pupils.csv"
    lines = SAMPLE.read_text(encoding="utf-8-sig").splitlines()
    lines[2] = lines[2].replace("N999000124002", "A999000124002")  # wrong check letter
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    refused = imp(cli, path, database=database_url)
    assert refused.error_line() == (
        "Nothing imported: 1 rows refused (the row, column and reason of each are in "
        f"{tmp_path / 'pupils.refused.csv'}); fix them and import again, or import the other "
        "rows with --partial"
    )
    with (tmp_path / "pupils.refused.csv").open(encoding="utf-8") as f:
        assert list(csv.reader(f)) == [
            ["row", "column", "reason"],
            [
                "3",
                "UPN",
                "Check the UPN: its first letter does not match the rest (it may be mistyped)",
            ],
        ]
    partial = imp(cli, path, "--partial", database=database_url)
    assert partial.code == 0, partial.err
    assert "Done: 14 people created" in partial.out  # Liam is left out; his parents are not
    assert "Refused: 1 rows that cannot be taken as they are." in partial.out


def test_a_map_file_names_the_columns(cli: Cli, sqlite_template: Path, tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    db.write_bytes(sqlite_template.read_bytes())
    path = tmp_path / "odd.csv"
    path.write_text("Kid,Family,Born on\nZoë,O'Brien,2016-03-04\n", encoding="utf-8")
    unmapped = imp(cli, path, database=f"sqlite:///{db}")
    assert "no column for family name (looked for 'Legal Surname'" in unmapped.error_line()
    mapfile = tmp_path / "columns.toml"
    mapfile.write_text('given_names = "Kid"\nfamily_name = "Family"\ndate_of_birth = "Born on"\n')
    mapped = imp(cli, path, "--map", str(mapfile), database=f"sqlite:///{db}")
    assert mapped.code == 0, mapped.err
    assert "Columns recognised as: your map file columns.toml" in mapped.out
    assert "Done: 1 people created" in mapped.out


def test_only_an_administrator_may_import(cli: Cli, sqlite_template: Path, tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    db.write_bytes(sqlite_template.read_bytes())
    ran = imp(cli, SAMPLE, database=f"sqlite:///{db}", user="sam")
    assert ran.error_line() == "Only administrators can do this"


def test_the_sample_goes_into_the_demo_database(cli: Cli, demo_db: Demo, tmp_path: Path) -> None:
    copy = tmp_path / "demo.db"
    shutil.copy(demo_db.path, copy)
    ran = imp(cli, SAMPLE, database=str(copy), user="alex", phrase=DEMO_PASSPHRASES["alex"])
    assert ran.code == 0, ran.err
    assert "Done: 15 people created" in ran.out
