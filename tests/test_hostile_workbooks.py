"""Hostile day's lists: workbooks that inflate, pad, point outside, or hold errors; odd files."""

from __future__ import annotations

import os
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from conftest import Run, batch_of
from vplan.daylist import MAX_COLUMNS, MAX_INFLATED, MAX_LIST_BYTES, MAX_ROWS

SHEET = "xl/worksheets/sheet1.xml"
_OPEN = '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
_CLOSE = "</sheetData></worksheet>"
_HEADER = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c>'
    '<c r="B1" t="inlineStr"><is><t>procedure_date</t></is></c></row>'
)


def _text(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _row(number: int, *cells: str) -> str:
    return f'<row r="{number}">{"".join(cells)}</row>'


def hostile(tmp_path: Path, rows: str, shared: list[str] | None = None, *,
            big_part: int = 0) -> Path:  # fmt: skip
    """A workbook whose sheet holds ``rows`` (XML) after the header, written as a clinic's would.

    ``shared`` adds a table of shared texts; ``big_part`` a part that unpacks to that many bytes.
    """
    plain = tmp_path / "plain.xlsx"
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Day"
    sheet.append(["name", "procedure_date"])
    sheet.append(["Ann Lee", date(2025, 3, 1)])  # makes the date style s="1"
    book.save(plain)
    path = tmp_path / "day.xlsx"
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == SHEET:
                data = (_OPEN + _HEADER + rows + _CLOSE).encode()
            elif shared is not None and item.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" '
                    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
                    b'sharedStrings+xml"/></Types>')  # fmt: skip
            elif shared is not None and item.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdS" Type="http://'
                    b"schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
                    b'" Target="sharedStrings.xml"/></Relationships>')  # fmt: skip
            out.writestr(item, data)
        if shared is not None:
            items = "".join(f"<si><t>{text}</t></si>" for text in shared)
            out.writestr("xl/sharedStrings.xml", '<sst xmlns="http://schemas.openxmlformats.org/'
                         f'spreadsheetml/2006/main">{items}</sst>')  # fmt: skip
        if big_part:
            out.writestr("xl/media/padding.bin", b"\0" * big_part)
    return path


def _far_cells(rows: int) -> str:
    return "".join(_row(n, _text(f"XFD{n}", "x")) for n in range(2, rows + 2))


# Each workbook, and what the batch says of it (exit 2: refused whole; 5: the row refused).
CASES: dict[str, tuple[Callable[[Path], Path], int, str]] = {
    "inflates past the bound": (
        lambda tmp: hostile(tmp, "", big_part=MAX_INFLATED + 1), 2, "unpacks to more than 64 MiB"),
    "a huge shared text": (
        lambda tmp: hostile(tmp, _row(2, '<c r="A2" t="s"><v>0</v></c>'), ["x" * (MAX_INFLATED + 1)]),
        2, "unpacks to more than 64 MiB"),
    "rows of cells in column XFD": (
        lambda tmp: hostile(tmp, _far_cells(40_000)), 2, "has a cell at XFD2, past the last column"),
    "a row far below": (
        lambda tmp: hostile(tmp, _row(1_048_576, _text("A1048576", "x"))), 2,
        "has a row 1,048,576, more than the 5,000 rows"),
    "a shared text index below zero": (
        lambda tmp: hostile(tmp, _row(2, '<c r="A2" t="s"><v>-1</v></c>'), ["Bob Day", "Ann Lee"]),
        2, "refers to a text the workbook does not have"),
    "a shared text index past the end": (
        lambda tmp: hostile(tmp, _row(2, '<c r="A2" t="s"><v>9</v></c>'), ["Ann Lee"]), 2,
        "refers to a text the workbook does not have"),
    "a shared text index that is no number": (
        lambda tmp: hostile(tmp, _row(2, '<c r="A2" t="s"><v>x</v></c>'), ["Ann Lee"]), 2,
        "cannot be read (ValueError): the file is damaged"),
    "#N/A as the name": (
        lambda tmp: hostile(tmp, _row(2, '<c r="A2" t="e"><v>#N/A</v></c>',
                                      '<c r="B2" s="1"><v>45717</v></c>')),
        5, "the name cell holds Excel's error #N/A"),
    "#REF! as the date": (
        lambda tmp: hostile(tmp, _row(2, _text("A2", "Ann Lee"), '<c r="B2" t="e"><v>#REF!</v></c>')),
        5, "the procedure_date cell holds Excel's error #REF!"),
    "NaN in a date cell": (
        lambda tmp: hostile(tmp, _row(2, _text("A2", "Ann Lee"), '<c r="B2" s="1"><v>NaN</v></c>')),
        2, "has a cell below row 1 that cannot be read"),
    "INF in a date cell": (
        lambda tmp: hostile(tmp, _row(2, _text("A2", "Ann Lee"), '<c r="B2" s="1"><v>INF</v></c>')),
        2, "has a cell below row 1 that cannot be read"),
}  # fmt: skip


@pytest.mark.parametrize("case", list(CASES))
def test_a_hostile_workbook_is_refused_cleanly(run: Run, tmp_path: Path, case: str) -> None:
    """Each hostile workbook ends in one documented refusal; nothing is written for its rows."""
    make, code, message = CASES[case]
    out = tmp_path / "out"
    result = run(*batch_of(make(tmp_path), out))
    assert result.code == code, result.err
    assert message in result.err
    assert len(result.err.splitlines()) == 1
    assert not out.exists() or not any(out.iterdir())


def test_the_bounds_leave_room_for_a_long_day(run: Run, tmp_path: Path) -> None:
    """A list of 300 rows with cells up to the last column allowed is read whole."""
    from openpyxl.utils import get_column_letter

    last = get_column_letter(MAX_COLUMNS)
    rows = "".join(
        _row(n, _text(f"A{n}", f"Pat {n}"), f'<c r="B{n}" s="1"><v>45717</v></c>',
             _text(f"{last}{n}", "note"))
        for n in range(2, 302)
    )  # fmt: skip
    from vplan.daylist import open_list

    day = open_list(hostile(tmp_path, rows))
    assert day.rows == 300


def test_a_hidden_first_sheet_is_not_the_list(tmp_path: Path) -> None:
    """Without --sheet the first sheet shown is read, not a hidden one before it."""
    from vplan.daylist import open_list

    book = Workbook()
    hidden = book.active
    assert hidden is not None
    hidden.title = "Old"
    hidden.append(["name", "procedure_date"])
    hidden.append(["Someone Else", date(2024, 1, 1)])
    hidden.sheet_state = "hidden"
    day = book.create_sheet("Day")
    day.append(["name", "procedure_date"])
    day.append(["Ann Lee", date(2025, 3, 1)])
    path = tmp_path / "day.xlsx"
    book.save(path)
    assert open_list(path).sheet == "Day"


@pytest.mark.parametrize(
    ("kind", "message"),
    [("fifo", "is not an ordinary file"), ("huge", f"larger than {MAX_LIST_BYTES // 2**20} MiB"),
     ("many rows", f"more than {MAX_ROWS:,} rows")],
)  # fmt: skip
def test_a_list_that_is_no_days_list_is_refused_at_once(
    run: Run, tmp_path: Path, kind: str, message: str
) -> None:
    """A FIFO, a huge file or a list of too many rows as the day's list: exit 2, nothing written."""
    path = tmp_path / "day.csv"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "huge":
        with path.open("wb") as handle:
            handle.write(b"name,procedure_date\n")
            handle.truncate(MAX_LIST_BYTES + 1)
    else:
        path.write_text("name,procedure_date\n" + "Ann Lee,2025-03-01\n" * (MAX_ROWS + 1), "utf-8")
    out = tmp_path / "out"
    result = run(*batch_of(path, out))
    assert result.code == 2
    assert message in result.err
    assert not out.exists()


@pytest.mark.parametrize("error", ["#N/A", "#REF!", "#VALUE!", "#NAME?"])
def test_an_excel_error_saved_into_a_csv_refuses_its_row(
    run: Run, tmp_path: Path, error: str
) -> None:
    """Excel writes a failed formula to CSV as '#N/A': that row is refused, never a handout."""
    day = tmp_path / "day.csv"
    day.write_text(f"name,procedure_date\n{error},2025-03-01\nBo Li,2025-03-01\n", "utf-8")
    out = tmp_path / "out"
    result = run(*batch_of(day, out))
    assert result.code == 5
    assert f"day.csv:2: refused: the name cell holds Excel's error {error}" in result.err
    assert [path.name for path in out.iterdir()] == ["bo-li_2025-03-01.pdf"]
