"""The day's list as clinics write it: their header names, their dates, their visit times."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest

from conftest import Run, batch_of
from vplan.daylist import open_list
from vplan.errors import InputError
from vplan.parse import ParseError, parse_follow_up, parse_list_date

TODAY = date(2027, 1, 15)


def write(tmp_path: Path, text: str) -> Path:
    """A day's list as a UTF-8 CSV file."""
    path = tmp_path / "list.csv"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "header",
    [
        "Patient Name,DOS",
        "Patient,Procedure Date",
        "Full Name,Date of Service",
        "full-name,date_of_procedure",
        "PATIENT NAME,Service Date",
    ],
)
def test_common_header_names_are_read_as_the_name_and_date(tmp_path: Path, header: str) -> None:
    """'Patient Name', 'Patient', 'Full Name', 'DOS', 'Date of Service' name the two columns."""
    day = open_list(write(tmp_path, f"{header}\nAnn Lee,2025-03-01\n"))
    assert day.columns == ("name", "procedure_date")
    assert [r.cells for r in day.records()] == [{"name": "Ann Lee", "procedure_date": "2025-03-01"}]


def test_two_headers_for_one_column_are_refused(tmp_path: Path) -> None:
    """'Name' and 'Patient Name' both: refused, naming both, rather than one chosen."""
    with pytest.raises(
        InputError, match=r"has the column name twice \('Name' and 'Patient Name'\)"
    ):
        open_list(write(tmp_path, "Name,Patient Name,DOS\nA,B,2025-03-01\n"))


def test_an_unknown_layout_names_its_columns_and_what_to_rename(tmp_path: Path) -> None:
    """No name or date column: the columns found are named, and the names vplan reads."""
    with pytest.raises(InputError) as refused:
        open_list(write(tmp_path, "First,Last,Visit\nAnn,Lee,2025-03-01\n"))
    message = str(refused.value)
    assert (
        "has no column name or procedure_date; its first line has 'First', 'Last', 'Visit'."
        in message
    )
    assert "Rename the column of the patient's name to name (or 'Patient Name'" in message
    assert (
        "the column of the procedure date to procedure_date (or 'Procedure Date', 'DOS'" in message
    )


def test_a_list_with_only_the_date_missing_names_that_one(tmp_path: Path) -> None:
    """A name column and no date: only the date column is asked for."""
    with pytest.raises(InputError) as refused:
        open_list(write(tmp_path, "Patient Name,Phone\nAnn Lee,555\n"))
    message = str(refused.value)
    assert "has no column procedure_date; its first line has 'Patient Name', 'Phone'." in message
    assert "patient's name" not in message


@pytest.mark.parametrize("text", ["12/32/2026", "13/13/2026", "02/30/2026", "00/00/2026"])
def test_an_impossible_date_is_called_invalid_not_ambiguous(text: str) -> None:
    """A date that is no calendar date either way is 'not a real calendar date', not 'could be'."""
    with pytest.raises(ParseError) as refused:
        parse_list_date(text, order="iso", today=TODAY)
    assert "is not a real calendar date, month first or day first" in str(refused.value)
    assert "could be" not in str(refused.value)


def test_a_date_real_either_way_is_still_asked_about() -> None:
    """03/01/2025 without --date-format: it could be either, and vplan asks."""
    with pytest.raises(ParseError, match="could be month first or day first"):
        parse_list_date("03/01/2025", order="iso", today=TODAY)


def test_a_list_whose_every_date_needs_the_order_is_one_line(run: Run, tmp_path: Path) -> None:
    """US dates without --date-format: exit 2, one line for the list, no folder made."""
    rows = "".join(f"Patient {n},03/0{n}/2025\n" for n in range(1, 6))
    out = tmp_path / "out"
    result = run(*batch_of(write(tmp_path, "Patient Name,DOS\n" + rows), out))
    assert result.code == 2
    assert result.err.count("\n") == 1
    assert "the procedure dates of all 5 rows are written such as 03/01/2025" in result.err
    assert "--date-format mdy" in result.err
    assert not out.exists()


def test_a_list_with_some_such_dates_refuses_those_rows(run: Run, tmp_path: Path) -> None:
    """Some ISO dates, some not: the others are written and each such row is refused by line."""
    text = "name,procedure_date\nAnn Lee,2025-03-01\nBo Li,03/02/2025\nCy Ng,03/03/2025\n"
    result = run(*batch_of(write(tmp_path, text), tmp_path / "out"))
    assert result.code == 5
    assert [line.split(": refused: ")[0][-1] for line in result.err.splitlines()] == ["3", "4"]


@pytest.mark.parametrize(
    ("text", "order", "expected"),
    [
        ("2025-03-10 2:30 PM", "iso", (date(2025, 3, 10), time(14, 30))),
        ("2025-03-10 2:30pm", "iso", (date(2025, 3, 10), time(14, 30))),
        ("2025-03-10 9:05 a.m.", "iso", (date(2025, 3, 10), time(9, 5))),
        ("2025-03-10 12:00 AM", "iso", (date(2025, 3, 10), time(0, 0))),
        ("2025-03-10 12:15 PM", "iso", (date(2025, 3, 10), time(12, 15))),
        ("2025-03-10T14:30", "iso", (date(2025, 3, 10), time(14, 30))),
        ("12/21/2026 2:30 PM", "mdy", (date(2026, 12, 21), time(14, 30))),
        ("21/12/2026", "dmy", (date(2026, 12, 21), None)),
        ("21.12.2026 14:30", "dmy", (date(2026, 12, 21), time(14, 30))),
    ],
)
def test_the_follow_up_reads_12_hour_times_and_the_lists_date_order(
    text: str, order: str, expected: tuple[date, time | None]
) -> None:
    """A visit at '2:30 PM', and in the list's date order, is read as written."""
    assert parse_follow_up(text, order) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2025-03-10 13:30 PM", "no such time on a 12-hour clock (13:30)"),
        ("2025-03-10 0:30 AM", "no such time on a 12-hour clock (0:30)"),
        ("2025-03-10 24:00", "no such time of day (24:00)"),
        ("03/10/2025 2:30 PM", "the follow-up date in '03/10/2025 2:30 PM' could be month first"),
    ],
)
def test_a_visit_that_cannot_be_read_says_why(text: str, message: str) -> None:
    """A 12-hour time past 12, a 24-hour time past 23:59, a slashed date without an order."""
    with pytest.raises(ParseError) as refused:
        parse_follow_up(text)
    assert message in str(refused.value)


def test_a_batch_row_visit_is_read_in_the_lists_order(run: Run, tmp_path: Path) -> None:
    """--date-format mdy reads the follow_up column too; the chart note names the visit."""
    text = "Patient Name,DOS,follow_up\nAnn Lee,12/01/2026,12/21/2026 2:30 PM\n"
    result = run(*batch_of(write(tmp_path, text), tmp_path / "out"), "--date-format", "mdy")
    assert result.code == 0, result.err
    assert "follow-up Mon, Dec 21, 2026 2:30 PM." in result.out


def test_one_handout_reads_a_12_hour_visit(run: Run, tmp_path: Path) -> None:
    """Handout --follow-up '2025-03-10 2:30 PM': the chart note names 2:30 PM."""
    out = tmp_path / "ann.pdf"
    result = run("handout", "2025-03-01", "--patient", "Ann Lee", "--phone", "555-0100",
                 "-o", str(out), "--follow-up", "2025-03-10 2:30 PM")  # fmt: skip
    assert result.code == 0, result.err
    assert "follow-up Mon, Mar 10, 2025 2:30 PM." in result.out
