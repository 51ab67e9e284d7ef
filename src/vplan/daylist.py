"""Reading a day's list as a clinic writes it: CSV in any of Excel's forms, or a workbook.

A CSV file may be separated by commas, semicolons or tabs (recognised from the header
row) and be UTF-8 (with or without BOM), UTF-16 with BOM ("Unicode Text") or
Windows-1252 (Excel's plain "CSV"). An ``.xlsx`` workbook is read with openpyxl, loaded
only for workbooks. Headers match whatever their case, spaces, hyphens or underscores;
columns vplan does not use (DOB, room) are ignored and their values never read
into a record. Blank rows are skipped. The file is read through one bounded reader (a
regular file of at most MAX_LIST_BYTES), and its records taken one at a time, twice:
once to check the header and count the rows, once to hand out the records.

What each column means is the batch's business; here a column is only a name.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import IO, TYPE_CHECKING, NamedTuple

from vplan.chars import controls_in
from vplan.chars import shown as char_name
from vplan.columns import COLUMNS
from vplan.errors import InputError

if TYPE_CHECKING:
    from openpyxl import Workbook


KNOWN = tuple(column.name for column in COLUMNS)
REQUIRED = tuple(column.name for column in COLUMNS if column.required)
MEANINGS = {"name": "the patient's name", "procedure_date": "the procedure date"}
MAX_SHOWN = 12  # headers named in a message about the list's columns

DELIMITERS = {",": "commas", ";": "semicolons", "\t": "tabs"}
# Bounds on a day's list, checked before its rows are read: far above a clinic's day.
MAX_LIST_BYTES = 16 * 2**20  # the file as it is on disk (CSV or workbook)
MAX_INFLATED = 64 * 2**20  # a workbook's parts unpacked, all together
MAX_ROWS = 5_000  # rows under the header
MAX_COLUMNS = 256  # the last column a workbook's cell may be in (IV)
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
SIMILAR = 0.75  # how close an unknown header must be to a known one to be taken for a typo
SAVE_AS = "save it from Excel as 'CSV UTF-8' or as a workbook (.xlsx)"


class Record(NamedTuple):
    """One row of the list: where it starts and its known cells, or why it cannot be read."""

    line: int
    cells: dict[str, str]
    problem: str | None = None


@dataclass(frozen=True)
class DayList:
    """A checked day's list: how it is written, which columns it has, how many rows."""

    path: Path
    columns: tuple[str | None, ...]  # per position: the known column, or None when ignored
    ignored: tuple[str, ...]  # the ignored headers, as written
    rows: int  # records that are not blank
    encoding: str = ""  # the codec of a CSV file
    delimiter: str = ","
    sheet: str | None = None  # the sheet of a workbook

    @property
    def is_workbook(self) -> bool:
        """Whether the list is an Excel workbook."""
        return self.sheet is not None

    def describe(self) -> str:
        """How the list was read, in a few words: ``Windows-1252 text, separated by tabs``."""
        if self.sheet is not None:
            how = f"sheet {shown(self.sheet)} of the workbook"
        else:
            how = (
                f"{_ENCODING_NAMES[self.encoding]} text, separated by {DELIMITERS[self.delimiter]}"
            )
        if self.ignored:
            names = ", ".join(shown(name) for name in self.ignored)
            how += f"; ignored the column{'s' if len(self.ignored) > 1 else ''} {names}"
        return how

    def has(self, column: str) -> bool:
        """Whether the list has the known ``column``."""
        return column in self.columns

    def records(self) -> Iterator[Record]:
        """Each row that is not blank, with its line (or the workbook's row number)."""
        rows = _sheet_rows(self.path, self.sheet) if self.is_workbook else self._csv_rows()
        header_seen = False
        for line, cells in rows:
            if not header_seen:
                header_seen = not _blank(cells)
                continue
            if _blank(cells):
                continue
            yield self._record(line, cells)

    def _csv_rows(self) -> Iterator[tuple[int, list[str]]]:
        with _open_text(self.path, self.encoding) as handle:
            yield from _csv_records(self.path, handle, self.delimiter)

    def _record(self, line: int, cells: Sequence[str]) -> Record:
        width = len(self.columns)
        if len(cells) > width and not _blank(cells[width:]):
            what = "cells" if self.is_workbook else "values"
            return Record(line, {}, f"the row has more {what} than the header has columns; "
                                    f"check its {self._separator}")  # fmt: skip
        if len(cells) < width and not self.is_workbook:
            return Record(line, {}, "the row has fewer values than the header has columns; "
                                    f"check its {self._separator}")  # fmt: skip
        known = {
            column: cells[index].strip() if index < len(cells) else ""
            for index, column in enumerate(self.columns)
            if column is not None
        }
        for index, column in enumerate(self.columns):
            cell = cells[index] if index < len(cells) else ""
            if column is not None and (isinstance(cell, ExcelError) or cell in EXCEL_ERRORS):
                return Record(line, {}, f"the {column} cell holds Excel's error {cell}; correct "
                                        "the cell (or its formula) in the workbook")  # fmt: skip
        return Record(line, known)

    @property
    def _separator(self) -> str:
        return DELIMITERS[self.delimiter]


_ENCODING_NAMES = {"utf-8-sig": "UTF-8", "utf-16": "UTF-16", "cp1252": "Windows-1252"}


def open_list(path: Path, *, sheet: str | None = None) -> DayList:
    """Check a day's list from end to end, without keeping its rows: header, encoding, count.

    Every problem that would stop the whole list (an unreadable file, an unknown or
    repeated column) is found here, before any folder is made or handout written.
    """
    magic = _regular_start(path)
    if magic.startswith(b"PK\x03\x04") or path.suffix.lower() in WORKBOOK_SUFFIXES:
        return _open_workbook(path, sheet)
    if magic.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError(f"{path} is an old Excel workbook (.xls); {SAVE_AS}")
    if sheet is not None:
        raise InputError(f"--sheet goes with a workbook (.xlsx); {path} is a CSV file")
    encoding = _encoding(path, magic)
    with _open_text(path, encoding) as handle:
        first = handle.readline()
    delimiter = _delimiter(path, first)
    with _open_text(path, encoding) as handle:
        return _check(path, _csv_records(path, handle, delimiter), encoding=encoding,
                      delimiter=delimiter)  # fmt: skip


def _regular_start(path: Path) -> bytes:
    """The first bytes of the list, refused unless it is a regular file of bounded size."""
    return _list_bytes(path)[:8]


def _list_bytes(path: Path) -> bytes:
    """The list's bytes, through the one bounded reader: a regular file of MAX_LIST_BYTES at most.

    Every read of the list goes through here, so a file swapped for a pipe between two
    reads is refused too, never waited on.
    """
    from vplan.files import NotAFileError, TooLargeError, read_regular

    try:
        return read_regular(path, MAX_LIST_BYTES)
    except (NotAFileError, IsADirectoryError):
        raise InputError(f"{path} is not an ordinary file; give the list's path") from None
    except TooLargeError:
        raise InputError(
            f"{path} is larger than {MAX_LIST_BYTES // 2**20} MiB, more than any day's list; "
            "check the path"
        ) from None
    except OSError as exc:
        raise InputError(f"cannot read {path} ({exc.strerror}); give the list's path") from None


def shown(text: str) -> str:
    """``text`` in quotes for a message, escaped when it holds anything unprintable."""
    return f"'{text}'" if text.isprintable() else ascii(text)


def normalize_header(text: str) -> str:
    """A header as a column name: ``Procedure Date``, ``procedure-date`` → ``procedure_date``."""
    return re.sub(r"[\s_\-]+", "_", text.strip().casefold()).strip("_")


def _check(
    path: Path,
    rows: Iterator[tuple[int, list[str]]],
    *,
    encoding: str = "",
    delimiter: str = ",",
    sheet: str | None = None,
) -> DayList:
    header: list[str] | None = None
    count = 0
    for _, cells in rows:
        if _blank(cells):
            continue
        if header is None:
            header = cells
        else:
            count += 1
            if count > MAX_ROWS:
                raise InputError(
                    f"{path} has more than {MAX_ROWS:,} rows, more than any day's list; split "
                    "it, or check the path"
                )
    if header is None:
        raise InputError(f"{path} is empty; the first line must name the columns, such as "
                         "name,procedure_date")  # fmt: skip
    columns, ignored = _columns(path, header)
    return DayList(path, columns, ignored, count, encoding, delimiter, sheet)


def _columns(path: Path, header: Sequence[str]) -> tuple[tuple[str | None, ...], tuple[str, ...]]:
    """Each header's known column (None: ignored), and the ignored headers as written."""
    while header and not header[-1].strip():
        header = header[:-1]  # a trailing separator is not a column
    found: dict[str, str] = {}
    columns: list[str | None] = []
    unknown: list[tuple[int, str]] = []
    for position, written in enumerate(header, 1):
        bad = controls_in(written)
        if bad:
            raise InputError(
                f"{path}: the column name {shown(written)} holds the control character "
                f"{char_name(bad[0])}; retype the first line with letters only"
            )
        name = _known_name(normalize_header(written))
        if name in KNOWN:
            if name in found:
                raise InputError(
                    f"{path} has the column {name} twice ({shown(found[name].strip())} and "
                    f"{shown(written.strip())}); keep one of them"
                )
            found[name] = written
            columns.append(name)
        else:
            columns.append(None)
            unknown.append((position, written.strip()))
    typos: list[str] = []
    ignored: list[str] = []
    for position, written in unknown:
        close = _close(normalize_header(written), [n for n in KNOWN if n not in found])
        if close:
            typos.append(f"{shown(written)} (did you mean '{close}'?)")
        else:
            ignored.append(written or f"column {position} (no name)")
    if typos:
        raise InputError(
            f"{path} has the unknown column{'s' if len(typos) > 1 else ''} {', '.join(typos)}; "
            "correct the first line"
        )
    missing = [name for name in REQUIRED if name not in found]
    if missing:
        raise InputError(_missing(path, missing, header))
    return tuple(columns), tuple(ignored)


def _known_name(normalized: str) -> str:
    """The column a normalized header names: its own name, or the column it is another name for."""
    for column in COLUMNS:
        if normalized in (normalize_header(alias) for alias in column.aliases):
            return column.name
    return normalized


def _missing(path: Path, missing: Sequence[str], header: Sequence[str]) -> str:
    """What to rename when the list has no column for a required value: the columns it has."""
    written = [shown(h.strip()) for h in header if h.strip()]
    more = len(written) - MAX_SHOWN
    names = ", ".join(written[:MAX_SHOWN]) + (f" and {more} more" if more > 0 else "")
    renames = []
    for name in missing:
        column = next(c for c in COLUMNS if c.name == name)
        others = ", ".join(f"'{alias}'" for alias in column.aliases)
        renames.append(f"the column of {MEANINGS[name]} to {name} (or {others})")
    return (
        f"{path} has no column {' or '.join(missing)}; its first line has "
        f"{names or 'no names'}. Rename {' and '.join(renames)}; if the first line is a "
        "patient's row, add a line above it that names the columns"
    )


def _close(name: str, candidates: Sequence[str]) -> str | None:
    if not name:
        return None
    import difflib

    matches = difflib.get_close_matches(name, candidates, n=1, cutoff=SIMILAR)
    return matches[0] if matches else None


def _blank(cells: Sequence[str]) -> bool:
    return all(not cell.strip() for cell in cells)


# CSV files


def _encoding(path: Path, magic: bytes) -> str:
    """The codec of a CSV file: from its BOM, else UTF-8 when it decodes, else Windows-1252."""
    import codecs

    if magic.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if magic.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in magic:
        raise InputError(f"{path} looks like UTF-16 text without a byte-order mark; {SAVE_AS}")
    bad = _first_bad_line(path, "utf-8")
    if bad is None:
        return "utf-8-sig"
    if _first_bad_line(path, "cp1252") is None:
        return "cp1252"
    raise InputError(f"{path} line {bad} is neither UTF-8 nor Windows-1252 text; {SAVE_AS}")


def _first_bad_line(path: Path, codec: str) -> int | None:
    """The first line that does not decode in ``codec``, read in pieces; None if all do."""
    import codecs

    decoder = codecs.getincrementaldecoder(codec)()
    line = 1
    with io.BytesIO(_list_bytes(path)) as handle:
        while True:
            chunk = handle.read(1 << 16)
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                return line + chunk[: max(exc.start, 0)].count(b"\n")
            if not chunk:
                return None
            line += chunk.count(b"\n")


def _open_text(path: Path, encoding: str) -> IO[str]:
    return io.TextIOWrapper(io.BytesIO(_list_bytes(path)), encoding=encoding, newline="")


def _delimiter(path: Path, first_line: str) -> str:
    """The separator of the header row: the one of comma, semicolon or tab that it uses."""
    outside = re.sub(r'"[^"]*"', "", first_line)  # separators inside quotes do not count
    used = [d for d in DELIMITERS if d in outside]
    if len(used) > 1:
        named = " and ".join(DELIMITERS[d] for d in used)
        raise InputError(
            f"{path}'s first line has both {named} between the column names, so its separator "
            "is unclear; separate the columns with one of them only"
        )
    return used[0] if used else ","


def _csv_records(path: Path, handle: IO[str], delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """Each record with the line it starts on; a file that is not CSV is refused by line."""
    import csv

    reader = csv.reader(handle, delimiter=delimiter)
    line = 1
    try:
        for cells in reader:
            yield line, cells
            line = reader.line_num + 1
    except UnicodeDecodeError:
        raise InputError(
            f"{path} line {reader.line_num + 1} is not UTF-16 text; {SAVE_AS}"
        ) from None
    except csv.Error as exc:
        raise InputError(
            f"{path} line {line} cannot be read as CSV ({exc}); check its quotes"
        ) from None


# Workbooks


# What Excel shows (and writes to CSV) for a cell whose formula failed: never a value.
EXCEL_ERRORS = frozenset(
    ("#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!",
     "#GETTING_DATA", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!")
)  # fmt: skip


class ExcelError(str):
    """A workbook cell holding an error (``#N/A``, ``#REF!``), never a value to print."""

    __slots__ = ()


class _DamagedCell(Exception):
    """A cell that refers to a text the workbook does not have."""


class _SharedStrings:
    """The workbook's shared texts, looked up only by an index they have."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.texts = texts

    def __getitem__(self, index: int) -> str:
        if not 0 <= index < len(self.texts):
            raise _DamagedCell(index)
        return self.texts[index]


def _open_workbook(path: Path, sheet: str | None) -> DayList:
    _check_inflated(path)
    name = _sheet_name(path, sheet)
    return _check(path, _sheet_rows(path, name), sheet=name)


def _check_inflated(path: Path) -> None:
    """Refuse, before any part is unpacked, a workbook larger than MAX_INFLATED unpacked.

    The sizes are the ones the archive declares; the reader never unpacks a part past its
    declared size (it stops there, and a part that does not end there is damaged).
    """
    import zipfile

    data = io.BytesIO(_list_bytes(path))
    try:
        with zipfile.ZipFile(data) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise InputError(
            f"{path} cannot be read as an Excel workbook ({type(exc).__name__}); {SAVE_AS}"
        ) from None
    inflated = sum(part.file_size for part in parts)
    if len(parts) > 10_000 or inflated > MAX_INFLATED:
        raise InputError(
            f"{path} unpacks to more than {MAX_INFLATED // 2**20} MiB, more than any day's "
            f"list; {SAVE_AS}"
        )


def _sheet_name(path: Path, sheet: str | None) -> str:
    with _workbook(path) as book:
        names: list[str] = book.sheetnames
        visible = [n for n in names if getattr(book[n], "sheet_state", "visible") == "visible"]
    if sheet is None:
        if not visible:
            raise InputError(f"{path} has no sheet that is shown; {SAVE_AS}")
        return visible[0]
    if sheet not in names:
        raise InputError(
            f"{path} has no sheet {shown(sheet)}; its sheets are "
            f"{', '.join(shown(n) for n in names)}; give one of them with --sheet"
        )
    return sheet


@contextmanager
def _workbook(path: Path) -> Iterator[Workbook]:
    """An Excel workbook opened for reading row by row, closed at the end."""
    import warnings

    from openpyxl import load_workbook

    data = io.BytesIO(_list_bytes(path))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl's notes on styles it cannot read
            book = load_workbook(data, read_only=True, data_only=True)
    except Exception as exc:  # zipfile's, openpyxl's and XML errors of a damaged or foreign file
        raise InputError(
            f"{path} cannot be read as an Excel workbook ({type(exc).__name__}); {SAVE_AS}"
        ) from None
    try:
        yield book
    finally:
        book.close()


def _sheet_rows(path: Path, name: str | None) -> Iterator[tuple[int, list[str]]]:
    """Each row of the sheet as text, numbered as Excel numbers its rows.

    The sheet's cells are read as they are written, without the padding a reader adds
    for a far cell: a cell past column MAX_COLUMNS, or a row past MAX_ROWS + 1, is
    refused when it is met. A cell that refers to a text the workbook lacks, or that
    cannot be read, is refused with its row.
    """
    import warnings

    from openpyxl.worksheet._read_only import ReadOnlyWorksheet
    from openpyxl.worksheet._reader import WorkSheetParser

    with _workbook(path) as book, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a date cell out of range is read as an error cell
        sheet = book[name or book.sheetnames[0]]
        if not isinstance(sheet, ReadOnlyWorksheet):
            raise InputError(
                f"{path}'s sheet {shown(sheet.title)} is a chart, not a table; "
                "give the list's sheet with --sheet"
            )
        number = 0
        # The reader's own parts, as its read-only sheets use them (not in its type hints).
        texts = _SharedStrings(sheet._shared_strings)  # type: ignore[attr-defined]
        formats = book._date_formats, book._timedelta_formats  # type: ignore[attr-defined]
        try:
            with sheet._get_source() as source:  # type: ignore[attr-defined]
                parser = WorkSheetParser(
                    source, texts, data_only=True, epoch=book.epoch, date_formats=formats[0],
                    timedelta_formats=formats[1],
                )  # fmt: skip
                for number, cells in parser.parse():
                    if number > MAX_ROWS + 1:
                        raise InputError(
                            f"{path} has a row {number:,}, more than the {MAX_ROWS:,} rows of "
                            "any day's list; delete the rows below the list"
                        )
                    yield number, _row_texts(path, number, cells)
        except InputError:
            raise
        except _DamagedCell:
            raise InputError(
                f"{path} has a cell below row {number} that refers to a text the workbook "
                f"does not have: the file is damaged; {SAVE_AS}"
            ) from None
        except Exception as exc:  # XML and value errors of a damaged sheet
            raise InputError(
                f"{path} has a cell below row {number} that cannot be read "
                f"({type(exc).__name__}): the file is damaged; {SAVE_AS}"
            ) from None


def _row_texts(path: Path, number: int, cells: Sequence[Mapping[str, object]]) -> list[str]:
    """The row's cells as text, each at its column (empty cells between them filled in)."""
    from openpyxl.utils import get_column_letter

    texts: list[str] = []
    for cell in cells:
        column = cell["column"]
        assert isinstance(column, int)
        if column > MAX_COLUMNS:
            raise InputError(
                f"{path} has a cell at {get_column_letter(column)}{number}, past the last "
                f"column a day's list may use ({get_column_letter(MAX_COLUMNS)}); delete the "
                "cells right of the list"
            )
        texts.extend([""] * (column - 1 - len(texts)))
        value = cell["value"]
        if cell["data_type"] == "e" and value is not None:
            texts.append(ExcelError(str(value)))
        else:
            texts.append(_cell_text(value))
    return texts


def _cell_text(value: object) -> str:
    """A cell as the text a CSV file would hold; a date cell as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat(timespec="minutes")
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"  # as Excel shows it; 'large_print' reads it as yes/no
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a phone number typed as a number
    return str(value)
