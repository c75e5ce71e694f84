"""Reading a school's or case system's export into a plain table: headers and rows of text.

Pure: it is handed the file's bytes and gives back text, so the same reading serves the
command line, the app and the tests. What exports really look like decided the rules:
- CSV from Excel or a management information system comes in UTF-8 with or without a byte
  order mark, or in Windows-1252 (Excel's "CSV" on an English Windows: O'Brien with a curly
  apostrophe, Zoë). UTF-8 is tried first (it fails loudly on Windows-1252 bytes); then
  Windows-1252; bytes Windows-1252 leaves undefined are read as Latin-1 rather than lost.
- The delimiter is whichever of comma, semicolon, tab or bar splits the header line into the
  most columns outside quotes (csv.Sniffer guesses wrong on quoted line breaks and on rows
  with few filled cells).
- Quoted cells may hold the delimiter and line breaks; a row's number is the line on which it
  starts, counting the header as row 1, as a spreadsheet shows it.
- XLSX (openpyxl, values not formulas): the first sheet; dates become YYYY-MM-DD, whole
  numbers lose Excel's ".0" (a UPN or phone number typed as a number).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime

DELIMITERS = (",", ";", "\t", "|")
XLSX_MAGIC = b"PK\x03\x04"


class TableError(ValueError):
    """The file cannot be read as a table; the message says why, in words."""


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]  # (row number as a spreadsheet shows it, cells)
    encoding: str  # "utf-8", "utf-8 with byte order mark", "Windows-1252", "xlsx"
    delimiter: str = ","

    def describe(self) -> str:
        if self.encoding == "xlsx":
            return "Excel workbook (first sheet)"
        names = {",": "comma", ";": "semicolon", "\t": "tab", "|": "bar"}
        return f"CSV, {names.get(self.delimiter, repr(self.delimiter))}-separated, {self.encoding}"


def read_table(data: bytes, name: str = "") -> Table:
    """The table in a CSV or XLSX file's bytes (XLSX told by its content, not its name)."""
    if data.startswith(XLSX_MAGIC) or name.lower().endswith((".xlsx", ".xlsm")):
        return read_xlsx(data)
    return read_csv(decode(data))


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding in words)."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "UTF-8 with byte order mark"
        except UnicodeDecodeError as exc:
            raise TableError(
                f"The file says it is UTF-8 but byte {exc.start + 3} is not; save it again "
                "as CSV UTF-8"
            ) from exc
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "UTF-16"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:  # one of the five bytes Windows-1252 leaves undefined
        return data.decode("latin-1"), "Latin-1"


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the header line into the most columns (outside quotes)."""
    header = _first_record(text)
    best, most = ",", 0
    for delim in DELIMITERS:
        count = _count_outside_quotes(header, delim)
        if count > most:
            best, most = delim, count
    return best


def _first_record(text: str) -> str:
    """The header record: up to the first line break outside quotes."""
    quoted = False
    for i, ch in enumerate(text):
        if ch == '"':
            quoted = not quoted
        elif ch in "\r\n" and not quoted:
            return text[:i]
    return text


def _count_outside_quotes(line: str, delim: str) -> int:
    quoted, count = False, 0
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif ch == delim and not quoted:
            count += 1
    return count


def read_csv(decoded: tuple[str, str]) -> Table:
    text, encoding = decoded
    if not text.strip():
        raise TableError("The file is empty")
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    records: list[tuple[int, tuple[str, ...]]] = []
    line = 1
    try:
        for cells in reader:
            records.append((line, tuple(c.strip() for c in cells)))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise TableError(f"The CSV cannot be read near line {reader.line_num}: {exc}") from exc
    return _table(records, encoding, delimiter)


def read_xlsx(data: bytes) -> Table:
    try:
        import openpyxl
    except ImportError as exc:  # pragma: no cover - a dependency of sharetui
        raise TableError("Reading .xlsx files needs openpyxl, which is not installed") from exc
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a bad file
        raise TableError(
            f"The file cannot be read as an Excel workbook ({type(exc).__name__}); save it "
            "again as .xlsx or as CSV"
        ) from exc
    try:
        sheet = book.worksheets[0]
        records = [
            (n, tuple(_xlsx_cell(v) for v in values))
            for n, values in enumerate(sheet.iter_rows(values_only=True), start=1)
        ]
    finally:
        book.close()
    return _table(records, "xlsx", "")


def _xlsx_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value).strip()


def _table(records: list[tuple[int, tuple[str, ...]]], encoding: str, delimiter: str) -> Table:
    """Blank lines dropped; the first non-blank record is the header."""
    filled = [(n, cells) for n, cells in records if any(c for c in cells)]
    if not filled:
        raise TableError("The file has no rows")
    _, headers = filled[0]
    width = len(headers)
    rows = tuple((n, _width(cells, width)) for n, cells in filled[1:])
    return Table(tuple(h.strip() for h in headers), rows, encoding, delimiter)


def _width(cells: tuple[str, ...], width: int) -> tuple[str, ...]:
    """Short rows padded; cells past the last header kept (the mapping ignores them)."""
    return cells + ("",) * (width - len(cells)) if len(cells) < width else cells
