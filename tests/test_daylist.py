"""The day's list as a clinic's Excel and scheduling system write it, and the one print run."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pypdf
import pytest

from conftest import Run, batch_of
from vplan.columns import COLUMNS
from vplan.daylist import DayList, normalize_header, open_list
from vplan.errors import InputError
from vplan.parse import ParseError, parse_list_date

TODAY = date(2025, 2, 20)


def write(folder: Path, text: str, encoding: str = "utf-8", name: str = "list.csv") -> Path:
    """A list file with this text in this encoding."""
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


def workbook(folder: Path, rows: list[list[object]], *, title: str = "Day", name: str = "day.xlsx",
             first: str | None = None) -> Path:  # fmt: skip
    """A real .xlsx workbook made with openpyxl, with these rows on its sheet ``title``."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    if first is not None:  # another sheet before the list
        sheet.title = first
        sheet.append(["nothing", "here"])
        sheet = book.create_sheet(title)
    else:
        sheet.title = title
    for row in rows:
        sheet.append(row)
    path = folder / name
    book.save(path)
    return path


def records(day: DayList) -> list[tuple[int, dict[str, str], str | None]]:
    """The list's records as plain tuples."""
    return [(r.line, r.cells, r.problem) for r in day.records()]


def pdf_text(path: Path) -> str:
    """All the text of a PDF file."""
    reader = pypdf.PdfReader(io.BytesIO(path.read_bytes()))
    return "\n".join(page.extract_text() for page in reader.pages)


def batch(run: Run, path: Path, out: Path, *extra: str) -> tuple[int, str, str]:
    """Run a batch of ``path`` into ``out``."""
    result = run(*batch_of(path, out), *extra)
    return result.code, result.out, result.err


# Each row of the table: the file a clinic's software writes, and what vplan reads.
ANN = {"name": "Ann Lee", "procedure_date": "2025-03-01"}


@pytest.mark.parametrize(
    ("text", "encoding", "how"),
    [
        (
            "name;procedure_date\r\nAnn Lee;2025-03-01\r\n",
            "utf-8",
            "UTF-8 text, separated by semicolons",
        ),
        (
            "name\tprocedure_date\r\nAnn Lee\t2025-03-01\r\n",
            "utf-8",
            "UTF-8 text, separated by tabs",
        ),
        (
            "\ufeffname\tprocedure_date\r\nAnn Lee\t2025-03-01\r\n",
            "utf-16-le",
            "UTF-16 text, separated by tabs",
        ),
        (
            "\ufeffname\tprocedure_date\r\nAnn Lee\t2025-03-01\r\n",
            "utf-16-be",
            "UTF-16 text, separated by tabs",
        ),
        (
            "\ufeffname,procedure_date\r\nAnn Lee,2025-03-01\r\n",
            "utf-8",
            "UTF-8 text, separated by commas",
        ),
        ("name,procedure_date\nAnn Lee,2025-03-01\n", "cp1252", "UTF-8 text, separated by commas"),
        (
            '"name";"procedure_date"\n"Ann Lee";"2025-03-01"\n',
            "utf-8",
            "UTF-8 text, separated by semicolons",
        ),
        (
            'name,"procedure_date"\n"Ann Lee",2025-03-01\n',
            "utf-8",
            "UTF-8 text, separated by commas",
        ),
    ],
)
def test_separators_and_encodings_excel_writes_are_read(
    tmp_path: Path, text: str, encoding: str, how: str
) -> None:
    """Commas, semicolons, tabs; UTF-8 with or without BOM, UTF-16 with BOM: the same record."""
    day = open_list(write(tmp_path, text, encoding))
    assert day.describe() == how
    assert records(day) == [(2, ANN, None)]


def test_windows_1252_is_read_when_it_is_not_utf8(tmp_path: Path) -> None:
    """Excel's plain "CSV" (Windows-1252) keeps José Peña's accents and says how it was read."""
    path = write(tmp_path, "name;procedure_date\r\nJosé Peña;2025-03-01\r\n", "cp1252")
    day = open_list(path)
    assert day.describe() == "Windows-1252 text, separated by semicolons"
    assert records(day) == [(2, {"name": "José Peña", "procedure_date": "2025-03-01"}, None)]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b"name,procedure_date\nAnn,2025-03-01\nBo\x81,2025-03-01\n",
            "line 3 is neither UTF-8 nor Windows-1252 text",
        ),
        (b"name,procedure_date\n\x9d\n", "line 2 is neither UTF-8 nor Windows-1252 text"),
        (
            "name,procedure_date\n".encode("utf-16-le"),
            "looks like UTF-16 text without a byte-order mark",
        ),
        (b"\xff\xfen\x00a\x00m\x00e\x00,\x00\n\x00\x00\xd8", "is not UTF-16 text"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "is an old Excel workbook (.xls)"),
        (b"name;procedure_date,phone\n", "has both commas and semicolons between the column names"),
        (b"name\tprocedure_date;phone\n", "has both semicolons and tabs"),
        (b"", "is empty; the first line must name the columns"),
        (b",,,\n\n,,,\n", "is empty"),
    ],
)
def test_unreadable_files_are_refused_by_line_not_byte(
    tmp_path: Path, data: bytes, message: str
) -> None:
    """An encoding vplan cannot tell, or a header whose separator is unclear, is one clear refusal."""
    path = tmp_path / "list.csv"
    path.write_bytes(data)
    with pytest.raises(InputError, match=None) as refused:
        open_list(path)
    assert message in str(refused.value)
    assert "byte" not in str(refused.value).replace("byte-order", "")


@pytest.mark.parametrize(
    ("written", "name"),
    [
        ("Procedure Date", "procedure_date"),
        ("procedure-date", "procedure_date"),
        ("  PROCEDURE__DATE ", "procedure_date"),
        ("Large Print", "large_print"),
        ("Name", "name"),
        ("MRN", "mrn"),
    ],
)
def test_headers_match_whatever_their_case_spaces_hyphens_or_underscores(
    written: str, name: str
) -> None:
    """`Procedure Date`, `procedure-date` and `procedure_date` are the same column."""
    assert normalize_header(written) == name


def test_headers_as_excel_users_write_them_are_read(tmp_path: Path) -> None:
    """A header such as `Name,Procedure Date,Large-Print` is read as the known columns."""
    day = open_list(write(tmp_path, "Name,Procedure Date,Large-Print\nAnn Lee,2025-03-01,yes\n"))
    assert records(day) == [(2, {**ANN, "large_print": "yes"}, None)]


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("name,procedure_date,phnoe", "the unknown column 'phnoe' (did you mean 'phone'?)"),
        (
            "name,procedure_dat",
            "the unknown column 'procedure_dat' (did you mean 'procedure_date'?)",
        ),
        (
            "Name,Procedure Date,Clinc,Docter",
            "the unknown columns 'Clinc' (did you mean 'clinic'?), 'Docter' (did you mean 'doctor'?)",
        ),
        (
            "name,procedure_date,procedure_date",
            "has the column procedure_date twice ('procedure_date' and 'procedure_date'); keep one of them",
        ),
        (
            "Procedure Date,name,procedure_date",
            "has the column procedure_date twice ('Procedure Date' and 'procedure_date')",
        ),
        ("name,NAME,procedure_date", "has the column name twice ('name' and 'NAME')"),
        ("name,phone,procedure-date,Phone", "has the column phone twice"),
        ("name,phone", "has no column procedure_date"),
        (
            "Ann Lee,2025-03-01",
            "has no column name or procedure_date; its first line has 'Ann Lee', '2025-03-01'",
        ),
        (
            "name,procedure_date,procedure_dat\x1be",
            "'procedure_dat\\x1be' holds the control character U+001B",
        ),
    ],
)
def test_a_header_that_is_wrong_stops_the_whole_list(
    tmp_path: Path, header: str, message: str
) -> None:
    """A typo (with a suggestion), a repeated column or a missing one refuses the file, naming it."""
    with pytest.raises(InputError) as refused:
        open_list(write(tmp_path, header + "\nAnn Lee,2025-03-01,x,y\n"))
    assert message in str(refused.value)
    assert "\x1b" not in str(refused.value)


def test_columns_vplan_does_not_use_are_ignored_and_never_read(tmp_path: Path) -> None:
    """DOB, room and unnamed columns are named once as ignored; their values stay out; MRN is read."""
    text = "MRN,Name,DOB,Procedure Date,Room,\n0012345,Ann Lee,1950-04-03,2025-03-01,12B,\n"
    day = open_list(write(tmp_path, text))
    assert day.ignored == ("DOB", "Room")
    assert day.describe() == "UTF-8 text, separated by commas; ignored the columns 'DOB', 'Room'"
    assert records(day) == [(2, {**ANN, "mrn": "0012345"}, None)]


def test_blank_rows_are_skipped_and_partial_rows_are_still_rows(tmp_path: Path) -> None:
    """Excel's `,,,,` rows and empty lines are skipped; a row with some cells is kept (and checked)."""
    text = "name,procedure_date,phone,clinic\n,,,\nAnn Lee,2025-03-01,,\n\n ,  ,,\n,2025-03-02,,\nBo,,,\n,,,\n"
    day = open_list(write(tmp_path, text))
    assert day.rows == 3
    assert [(line, cells["name"], cells["procedure_date"]) for line, cells, _ in records(day)] == [
        (3, "Ann Lee", "2025-03-01"),
        (6, "", "2025-03-02"),
        (7, "Bo", ""),
    ]


def test_a_row_with_more_or_fewer_values_than_the_header_is_refused(tmp_path: Path) -> None:
    """Extra values (not blank) or missing separators make a refused record, by its line."""
    text = "name;procedure_date;phone\nAnn;2025-03-01;1;2\nBo;2025-03-01\nCy;2025-03-01;;;\n"
    assert records(open_list(write(tmp_path, text))) == [
        (2, {}, "the row has more values than the header has columns; check its semicolons"),
        (3, {}, "the row has fewer values than the header has columns; check its semicolons"),
        (4, {"name": "Cy", "procedure_date": "2025-03-01", "phone": ""}, None),
    ]


def test_a_quoted_cell_over_two_lines_keeps_the_line_its_row_starts_on(tmp_path: Path) -> None:
    """A record with a quoted line break is one record; the next is named by its own first line."""
    text = 'name,procedure_date,clinic\nAnn,2025-03-01,"Spine\nClinic"\nBo,2025-03-02,\n'
    assert [line for line, _, _ in records(open_list(write(tmp_path, text)))] == [2, 4]


@pytest.mark.parametrize(
    ("text", "order", "expected"),
    [
        ("2025-03-01", "iso", date(2025, 3, 1)),
        ("2025-03-01", "mdy", date(2025, 3, 1)),
        ("2025-03-01", "dmy", date(2025, 3, 1)),
        ("03/01/2025", "mdy", date(2025, 3, 1)),
        ("3/1/2025", "mdy", date(2025, 3, 1)),
        ("03/01/2025", "dmy", date(2025, 1, 3)),
        ("3/1/2025", "dmy", date(2025, 1, 3)),
        ("01.03.2025", "dmy", date(2025, 3, 1)),
        ("12/31/2025", "mdy", date(2025, 12, 31)),
        ("31/12/2025", "dmy", date(2025, 12, 31)),
        ("today", "mdy", TODAY),
    ],
)
def test_list_dates_are_read_in_the_order_asked(text: str, order: str, expected: date) -> None:
    """ISO always; 03/01/2025 and 3/1/2025 only with --date-format mdy or dmy."""
    assert parse_list_date(text, order=order, today=TODAY) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "order", "message"),
    [
        (
            "03/01/2025",
            "iso",
            "'03/01/2025' could be month first or day first; write it as YYYY-MM-DD, or give --date-format mdy",
        ),
        ("3/1/2025", "iso", "could be month first or day first"),
        ("31/12/2025", "mdy", "'31/12/2025' is not a real calendar date when read month first"),
        ("12/31/2025", "dmy", "is not a real calendar date when read day first"),
        ("3/1/25", "mdy", "has a two-digit year; write the year in full"),
        ("3/1-2025", "mdy", "is not a date vplan can read"),
        ("March 1, 2025", "mdy", "is not a date vplan can read"),
        ("1/1/1800", "dmy", "is outside the years vplan plans for"),
    ],
)
def test_list_dates_are_never_guessed(text: str, order: str, message: str) -> None:
    """A slashed date without --date-format, or impossible in the order given, is refused."""
    with pytest.raises(ParseError) as refused:
        parse_list_date(text, order=order, today=TODAY)  # type: ignore[arg-type]
    assert message in str(refused.value)


def test_a_workbook_is_read_with_its_date_cells_as_dates(tmp_path: Path) -> None:
    """An .xlsx list: date cells are dates, numbers are text, blank rows skipped, rows numbered as Excel does."""
    path = workbook(tmp_path, [
        ["Name", "Procedure Date", "MRN", "Phone", "Large Print"],
        ["José Peña", datetime(2025, 3, 1), 12345, 5550100, True],
        [None, None, None, None, None],
        ["Bo Li", date(2025, 3, 2), None, "555-0101", None],
        ["Cy Ng", "03/01/2025", None, None, False],
    ])  # fmt: skip
    day = open_list(path)
    assert day.describe() == "sheet 'Day' of the workbook"
    assert day.rows == 3
    assert records(day) == [
        (
            2,
            {
                "name": "José Peña",
                "procedure_date": "2025-03-01",
                "mrn": "12345",
                "phone": "5550100",
                "large_print": "TRUE",
            },
            None,
        ),
        (
            4,
            {
                "name": "Bo Li",
                "procedure_date": "2025-03-02",
                "mrn": "",
                "phone": "555-0101",
                "large_print": "",
            },
            None,
        ),
        (
            5,
            {
                "name": "Cy Ng",
                "procedure_date": "03/01/2025",
                "mrn": "",
                "phone": "",
                "large_print": "FALSE",
            },
            None,
        ),
    ]


def test_a_sheet_is_chosen_by_name(tmp_path: Path) -> None:
    """--sheet NAME reads that sheet; an unknown name is refused with the sheets there are."""
    path = workbook(tmp_path, [["name", "procedure_date"], ["Ann Lee", date(2025, 3, 1)]],
                    title="Monday", first="Notes")  # fmt: skip
    assert records(open_list(path, sheet="Monday")) == [(2, ANN, None)]
    with pytest.raises(InputError, match="has no column name or procedure_date"):
        open_list(path)  # the first sheet is not the list
    with pytest.raises(
        InputError, match="has no sheet 'Tuesday'; its sheets are 'Notes', 'Monday'"
    ):
        open_list(path, sheet="Tuesday")
    with pytest.raises(InputError, match="--sheet goes with a workbook"):
        open_list(write(tmp_path, "name,procedure_date\n"), sheet="Monday")


@pytest.mark.parametrize(
    "data", [b"PK\x03\x04 not really a zip", b"name,procedure_date\n"], ids=["damaged", "text"]
)
def test_a_file_named_xlsx_that_is_no_workbook_is_refused(tmp_path: Path, data: bytes) -> None:
    """A damaged or mislabelled workbook is one line, with what to save instead."""
    path = tmp_path / "day.xlsx"
    path.write_bytes(data)
    with pytest.raises(InputError, match="cannot be read as an Excel workbook"):
        open_list(path)


def test_the_column_table_names_every_column_once() -> None:
    """The table of columns is the one list of names; each is already in normal form."""
    names = [column.name for column in COLUMNS]
    assert len(names) == len(set(names))
    assert all(normalize_header(name) == name for name in names)
    assert [c.name for c in COLUMNS if c.required] == ["name", "procedure_date"]


# The whole command, one file of the table at a time.


def test_a_semicolon_list_from_excel_writes_its_handouts(run: Run, tmp_path: Path) -> None:
    """Excel's European CSV, with Windows-1252 accents, MRN and DOB, writes every handout."""
    text = "MRN;Name;DOB;Procedure Date;Phone\r\n0099;José Peña;1950-01-02;2025-03-01;555-0100\r\n;;;;\r\n"
    path = write(tmp_path, text, "cp1252")
    code, out, err = batch(run, path, tmp_path / "out")
    assert code == 0, err
    assert err == ""
    assert out.startswith(
        f"Read {path}: Windows-1252 text, separated by semicolons; ignored the column 'DOB'.\n"
        "Chart notes:\n"
        "Line 2, José Peña (MRN 0099): Discharge instructions given: recovery after "
    )
    assert out.endswith(f"Wrote 1 handout in {tmp_path / 'out'} (refused 0 rows).\n")
    handout = tmp_path / "out" / "jose-pena_2025-03-01.pdf"
    assert "José Peña" in pdf_text(handout)
    assert "0099" not in pdf_text(handout)
    assert "1950" not in pdf_text(handout) + out


def test_a_unicode_text_list_writes_its_handouts(run: Run, tmp_path: Path) -> None:
    """Excel's "Unicode Text" (UTF-16, tabs) writes its handouts."""
    path = write(
        tmp_path, "\ufeffName\tProcedure Date\r\nZoë Hart\t2025-03-01\r\n", "utf-16-le", "list.txt"
    )
    code, out, err = batch(run, path, tmp_path / "out")
    assert code == 0, err
    assert "UTF-16 text, separated by tabs" in out
    assert "Zoë Hart" in pdf_text(tmp_path / "out" / "zoe-hart_2025-03-01.pdf")


def test_a_typo_in_the_header_is_refused_with_a_suggestion(run: Run, tmp_path: Path) -> None:
    """`phnoe` stops the list (exit 2) with "did you mean 'phone'?", before the folder is made."""
    code, _, err = batch(
        run, write(tmp_path, "name,procedure_date,phnoe\nAnn,2025-03-01,1\n"), tmp_path / "out"
    )
    assert code == 2
    assert err.endswith(
        "has the unknown column 'phnoe' (did you mean 'phone'?); correct the first line\n"
    )
    assert not (tmp_path / "out").exists()


def test_duplicate_columns_stop_the_list_naming_the_column(run: Run, tmp_path: Path) -> None:
    """`Procedure Date` and `procedure_date` in one header: exit 2, nothing written, the column named."""
    path = write(tmp_path, "name,Procedure Date,procedure_date\nAnn,2025-03-01,2025-04-01\n")
    code, _, err = batch(run, path, tmp_path / "out")
    assert code == 2
    assert "has the column procedure_date twice ('Procedure Date' and 'procedure_date')" in err
    assert not (tmp_path / "out").exists()


def test_blank_rows_are_skipped_and_partial_rows_refused(run: Run, tmp_path: Path) -> None:
    """Blank rows pass silently; a row with some cells is refused by its line; exit 5."""
    path = write(tmp_path, "name,procedure_date,phone\n,,\nAnn Lee,2025-03-01,\n,,\n,,555-0100\n\n")
    code, out, err = batch(run, path, tmp_path / "out")
    assert code == 5
    assert err == f"vplan: {path}:5: refused: the patient's name is empty; {err.split('; ', 1)[1]}"
    assert out.endswith(f"Wrote 1 handout in {tmp_path / 'out'} (refused 1 row: line 5).\n")


def test_month_first_dates_are_refused_without_date_format_and_read_with_it(
    run: Run, tmp_path: Path
) -> None:
    """03/01/2025 is refused by default (with the option to use); mdy reads March 1, dmy 3 January."""
    path = write(tmp_path, "name,procedure_date\nAnn Lee,03/01/2025\nBo Li,3/1/2025\n")
    code, _, err = batch(run, path, tmp_path / "iso")
    assert code == 2
    assert "list.csv: the procedure dates of all 2 rows are written such as 03/01/2025" in err
    assert "--date-format mdy" in err
    code, _, err = batch(run, path, tmp_path / "mdy", "--date-format", "mdy")
    assert code == 0, err
    assert {p.name for p in (tmp_path / "mdy").iterdir()} == {
        "ann-lee_2025-03-01.pdf",
        "bo-li_2025-03-01.pdf",
    }
    code, _, err = batch(run, path, tmp_path / "dmy", "--date-format", "dmy")
    assert code == 0, err
    assert {p.name for p in (tmp_path / "dmy").iterdir()} == {
        "ann-lee_2025-01-03.pdf",
        "bo-li_2025-01-03.pdf",
    }


def test_a_workbook_list_writes_its_handouts(run: Run, tmp_path: Path) -> None:
    """An .xlsx list with date cells, an MRN column and a blank row writes a handout per row."""
    path = workbook(tmp_path, [
        ["MRN", "Name", "Procedure Date", "Phone"],
        [4711, "Ann Lee", datetime(2025, 3, 1), "555-0100"],
        [],
        [4712, "Bo Li", date(2025, 3, 4), None],
    ], title="Monday", first="Cover")  # fmt: skip
    code, out, err = batch(run, path, tmp_path / "out", "--sheet", "Monday")
    assert code == 0, err
    assert out.startswith(f"Read {path}: sheet 'Monday' of the workbook.\n")
    assert "Line 2, Ann Lee (MRN 4711): Discharge instructions given" in out
    assert {p.name for p in (tmp_path / "out").iterdir()} == {
        "ann-lee_2025-03-01.pdf",
        "bo-li_2025-03-04.pdf",
    }
    assert "4711" not in pdf_text(tmp_path / "out" / "ann-lee_2025-03-01.pdf")


def test_a_refused_workbook_row_is_named_by_its_excel_row(run: Run, tmp_path: Path) -> None:
    """A bad row of a workbook is reported with the row number Excel shows."""
    path = workbook(
        tmp_path, [["name", "procedure_date"], ["Ann Lee", date(2025, 3, 1)], [], ["Bo", "soon"]]
    )
    code, _, err = batch(run, path, tmp_path / "out")
    assert code == 5
    assert err.startswith(
        f"vplan: {path}:4: refused: 'soon' is not a procedure date vplan can read"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--sheet", "Day"), "--sheet goes with --batch LIST"),
        (("--combined", "day.pdf"), "--combined goes with --batch LIST"),
        (("--date-format", "mdy"), "--date-format goes with --batch LIST"),
    ],
)
def test_list_options_without_a_list_are_refused(
    run: Run, tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    """--sheet, --combined and --date-format belong to a batch: exit 2 for one handout."""
    result = run(
        "handout",
        "--phone",
        "555-0100",
        "2025-03-01",
        "--patient",
        "Ann",
        "-o",
        str(tmp_path / "a.pdf"),
        *args,
    )
    assert result.code == 2
    assert message in result.err


# One print run for the whole day.


def pages_of(path: Path) -> int:
    """How many pages a PDF has."""
    return len(pypdf.PdfReader(io.BytesIO(path.read_bytes())).pages)


def test_combined_pdf_holds_every_handout_in_list_order_on_new_sheets(
    run: Run, tmp_path: Path
) -> None:
    """--combined: one PDF, the list's order, each handout an even number of pages, blanks blank."""
    rows = "".join(f"Patient {c},2025-03-0{n},{lp},{lang}\n" for n, (c, lp, lang) in enumerate(
        [("Zed", "", ""), ("Amy", "yes", ""), ("Kim", "", "es"), ("Bad", "maybe", ""), ("Lou", "", "")], 1))  # fmt: skip
    path = write(tmp_path, "name,procedure_date,large_print,lang\n" + rows)
    day = tmp_path / "day.pdf"
    code, out, err = batch(run, path, tmp_path / "out", "--combined", str(day), "--jobs", "2")
    assert code == 5, err
    names = ["zed_2025-03-01", "amy_2025-03-02", "kim_2025-03-03", "lou_2025-03-05"]
    handouts = [tmp_path / "out" / f"patient-{n}.pdf" for n in names]
    counts = [pages_of(h) for h in handouts]
    assert any(n % 2 for n in counts), counts  # the test needs an odd handout to prove the blanks
    sheets = [n + n % 2 for n in counts]
    assert out.endswith(
        f"Wrote {day} (PDF, 4 handouts, {sum(sheets)} pages, each handout starting on a new sheet).\n"
    )
    reader = pypdf.PdfReader(io.BytesIO(day.read_bytes()))
    assert len(reader.pages) == sum(sheets)
    first = 0
    for handout, count, sheet in zip(handouts, counts, sheets, strict=True):
        alone = pypdf.PdfReader(io.BytesIO(handout.read_bytes()))
        for n in range(count):
            assert reader.pages[first + n].extract_text() == alone.pages[n].extract_text()
        for n in range(count, sheet):
            assert reader.pages[first + n].extract_text() == ""
        first += sheet


def test_combined_pdf_is_a_valid_file_for_poppler(run: Run, tmp_path: Path) -> None:
    """The combined PDF opens without complaint in another reader (poppler), fonts embedded."""
    path = write(tmp_path, "name,procedure_date\nAnn Lee,2025-03-01\nBo Li,2025-03-02\n")
    day = tmp_path / "day.pdf"
    code, _, err = batch(run, path, tmp_path / "out", "--combined", str(day))
    assert code == 0, err
    info = subprocess.run(["pdfinfo", str(day)], capture_output=True, text=True, check=False)
    if info.returncode == 127:  # pragma: no cover - poppler is missing
        pytest.skip("pdfinfo is not installed")
    assert info.returncode == 0
    assert info.stderr == ""
    fonts = subprocess.run(["pdffonts", str(day)], capture_output=True, text=True, check=True)
    assert fonts.stderr == ""
    assert all(" yes " in line for line in fonts.stdout.splitlines()[2:])


def test_combined_pdf_is_not_overwritten_and_checked_before_any_handout(
    run: Run, tmp_path: Path
) -> None:
    """An existing day.pdf without --force is refused (exit 4) before the folder is made; --force replaces it."""
    path = write(tmp_path, "name,procedure_date\nAnn Lee,2025-03-01\n")
    day = tmp_path / "day.pdf"
    day.write_bytes(b"yesterday")
    code, _, err = batch(run, path, tmp_path / "out", "--combined", str(day))
    assert code == 4
    assert "day.pdf already exists; choose another name or add --force" in err
    assert day.read_bytes() == b"yesterday"
    assert not (tmp_path / "out").exists()
    code, _, err = batch(run, path, tmp_path / "out", "--combined", str(day), "--force")
    assert code == 0, err
    assert pages_of(day) == 4  # a three-page handout, and the back of its second sheet


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--combined", "day.html"), "--combined writes a PDF; name it day.pdf"),
        (
            ("--combined", "day.pdf", "--format", "html"),
            "--combined makes one PDF; leave out --format html",
        ),
    ],
)
def test_combined_must_be_a_pdf(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...], message: str
) -> None:
    """The combined file is a PDF: another name or format is refused before anything is written."""
    path = write(tmp_path, "name,procedure_date\nAnn Lee,2025-03-01\n")
    monkeypatch.chdir(tmp_path)
    code, _, err = batch(run, path, tmp_path / "out", *args)
    assert code == 2
    assert message in err
    assert not (tmp_path / "out").exists()


def test_combined_with_no_pdf_written_makes_no_file(run: Run, tmp_path: Path) -> None:
    """When every row is refused (or none is a PDF), no empty combined file is made."""
    path = write(
        tmp_path, "name,procedure_date,output\nAnn Lee,2025-13-01,\nBo,2025-03-01,bo.html\n"
    )
    day = tmp_path / "day.pdf"
    code, out, _ = batch(run, path, tmp_path / "out", "--combined", str(day))
    assert code == 5
    assert f"No PDF handout was written, so {day} was not made.\n" in out
    assert not day.exists()


def test_reading_a_csv_list_loads_no_workbook_or_pdf_merging_library(tmp_path: Path) -> None:
    """A CSV list loads neither openpyxl (workbooks only) nor pypdf (--combined only)."""
    path = write(tmp_path, "name,procedure_date\nAnn Lee,2025-03-01\n")
    probe = (
        "import json, sys\n"
        "from vplan.daylist import open_list\n"
        "day = open_list(__import__('pathlib').Path(sys.argv[1]))\n"
        "list(day.records())\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith(('openpyxl', 'pypdf')))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, str(path)], capture_output=True, text=True, check=True
    )
    assert json.loads(done.stdout) == []
