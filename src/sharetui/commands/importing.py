"""`sharetui import people PATH`: bring a school's or case system's export in (administrators).

Thin: reading, matching and writing are services/importing.py; this prints the mapping found,
the plan (--dry-run), the summary and where the refused rows went, with a progress bar on
standard error.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime, time
from pathlib import Path

from rich.text import Text

from sharetui.commands.common import (
    CommandFailed,
    Subcommands,
    add_sign_in_options,
    out,
    progress,
    settings_from,
    signed_in,
)
from sharetui.domain.person import parse_date

EXAMPLES = """\
examples:
  sharetui import people pupils.csv --dry-run --user alex
  sharetui import people pupils.xlsx --user alex
  sharetui import people export.csv --map columns.toml --partial --user alex

a map file (TOML) names the column for each field, for example:
  family_name = "Legal Surname"
  given_names = "Legal Forename"
  date_of_birth = "Birth Date"
  contact1_family_name = "Parent 1 Surname"
"""


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    imports = Subcommands(sub, common).group(
        "import",
        help="bring people in from a school's or case system's export",
        description="Bring people in from another system's export (administrators).",
        dest="kind",
    )
    people = imports.command("people", _import_people, epilog=EXAMPLES, raw=True)
    people.add_argument("path", type=Path, metavar="PATH", help="the CSV or XLSX file")
    people.add_argument(
        "--map",
        type=Path,
        metavar="FILE",
        help="TOML or JSON file: sharetui field = column header (replaces the recognition)",
    )
    people.add_argument(
        "--dry-run", action="store_true", help="print what would be done; write nothing"
    )
    people.add_argument(
        "--partial",
        action="store_true",
        help="import the rows that can be taken even when others are refused",
    )
    people.add_argument(
        "--as-of",
        metavar="DATE",
        help="the day the export was made (default: the file's modification time); records "
        "changed here after it keep their details",
    )
    people.add_argument(
        "--new-person",
        metavar="ROWS",
        action="append",
        default=[],
        help="rows (like 12,40) that a person checked are not the similar person held",
    )
    add_sign_in_options(people, "administrator")


def _rows(values: list[str]) -> frozenset[int]:
    rows: set[int] = set()
    for value in values:
        for part in value.replace(" ", ",").split(","):
            if not part:
                continue
            if not part.isdecimal():
                raise CommandFailed(f"--new-person {value!r}: give row numbers, like 12,40")
            rows.add(int(part))
    return frozenset(rows)


def _import_people(args: argparse.Namespace) -> int:
    """pupils and their contacts from a CSV or XLSX file

    Bring pupils and their contacts in from a school's or case system's export: CSV (any usual
    delimiter; UTF-8 with or without a byte order mark, or Windows-1252) or Excel .xlsx (first
    sheet). SIMS and Arbor student lists with contacts and generic lists are recognised by their
    headers; any other layout is described with --map. The mapping found is printed first.

    Each row is matched against the people held by UPN or reference, then NHS number, then name
    and date of birth. A match is updated only with details the file holds and the record does
    not, as a new version (the old values are kept); a similar name born the same day is held
    back for a person to decide, never guessed. Contacts named for several children are one
    person linked to each; children who share a contact are linked as siblings.

    The file goes in whole or not at all: with any refused row nothing is written unless
    --partial is given. Refused and held-back rows are written, with the row, the column and the
    reason, to NAME.refused.csv next to the file. Running the same file again changes nothing.
    Needs an administrator's sign-in; the import is audited.
    """
    from sharetui.services.importing import summary_lines, write_refusals

    settings = settings_from(args)
    path: Path = args.path.expanduser()
    new_rows = _rows(args.new_person)
    as_of: datetime | None = None
    if args.as_of is not None:
        day = parse_date(args.as_of)
        if day is None:
            raise CommandFailed(f"--as-of {args.as_of!r} is not a date: use a date like 2026-09-01")
        as_of = datetime.combine(day, time.max, settings.tz).astimezone(UTC)
    with signed_in(settings, args) as (svc, actor):
        file = svc.imports.read(actor, path, args.map.expanduser() if args.map else None)
        show = out()
        show.print(Text(f"Reading {path.name}: {file.described}, {file.parsed.rows:,} rows."))
        show.print(Text("\n".join(file.mapping.lines())))
        with progress("Importing people (pupils)") as update:
            result = svc.imports.run(
                actor,
                file,
                dry_run=args.dry_run,
                partial=args.partial,
                as_of=as_of or file.modified_at,
                new_rows=new_rows,
                progress=update,
            )
    if args.dry_run and result.lines:
        show.print(Text("What would be done:\n  " + "\n  ".join(result.lines)))
    written_to = write_refusals(result, path)
    for line in summary_lines(result, written_to):
        show.print(Text(line))
    if not result.written and not result.dry_run:
        raise CommandFailed(
            f"Nothing imported: {result.refused_rows:,} rows refused (the row, column and reason "
            f"of each are in {written_to}); fix them and import again, or import the other "
            "rows with --partial"
        )
    return 0
