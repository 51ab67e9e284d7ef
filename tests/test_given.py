"""What was given agrees everywhere: the file, the journal entry and the chart note.

For one handout, a schedule file, each row of a batch, and the combined PDF of a batch.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pypdf
import pytest

from conftest import ANN_HANDOUT, Run, batch_of
from vplan.journal import file_mac

KEY = "a clinic secret of more than sixteen bytes"


@pytest.fixture(autouse=True)
def _key(monkeypatch: pytest.MonkeyPatch) -> None:
    """The clinic's key set, no journal or time from the environment."""
    for name in ("VPLAN_RECORD", "VPLAN_RECORD_KEY_FILE", "SOURCE_DATE_EPOCH"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("VPLAN_RECORD_KEY", KEY)


def journal_lines(path: Path) -> list[dict[str, object]]:
    """The journal's entries as data."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def hmac_of(path: Path) -> str:
    """What the journal keeps of a file: the HMAC of its SHA-256."""
    return file_mac(KEY.encode(), hashlib.sha256(path.read_bytes()).hexdigest())


def write_list(tmp_path: Path, text: str) -> Path:
    """A day's list as a CSV file."""
    path = tmp_path / "list.csv"
    path.write_text(text, encoding="utf-8")
    return path


# --- the follow-up visit -------------------------------------------------------------------


def test_the_journal_keeps_the_booked_visit_the_chart_note_names(run: Run, tmp_path: Path) -> None:
    """A handout with --follow-up: the entry has the visit's date and time, as the chart note."""
    out, journal = tmp_path / "ann.pdf", tmp_path / "journal.jsonl"
    result = run(*ANN_HANDOUT, "-o", str(out), "--record", str(journal),
                 "--follow-up", "2025-03-10 14:30")  # fmt: skip
    assert result.code == 0, result.err
    assert "follow-up Mon, Mar 10, 2025 2:30 PM." in result.out
    (entry,) = journal_lines(journal)
    assert entry["follow_up"] == "2025-03-10T14:30:00"


def test_a_schedule_file_records_its_visit(run: Run, tmp_path: Path) -> None:
    """A schedule file (-o) with a visit on a date alone: the entry keeps that date."""
    out, journal = tmp_path / "ann.ics", tmp_path / "journal.jsonl"
    result = run("schedule", "2025-03-01", "-o", str(out), "--record", str(journal),
                 "--follow-up", "2025-03-10")  # fmt: skip
    assert result.code == 0, result.err
    (entry,) = journal_lines(journal)
    assert entry["follow_up"] == "2025-03-10"


# --- a batch: chart notes, list order, the combined PDF ------------------------------------

ROWS = (
    "mrn,name,procedure_date,follow_up\n"
    "A-1,Zed Ray,2025-03-01,2025-03-10 14:30\n"
    "A-2,Amy Orr,2025-03-02,\n"
    ",Kim Park,2025-03-03,\n"
    "A-4,,2025-03-04,\n"
    "A-5,Lou Bay,2025-03-05,\n"
    "=1+1,Cy Ng,2025-03-06,\n"
)
FILES = [
    "zed-ray_2025-03-01.pdf",
    "amy-orr_2025-03-02.pdf",
    "kim-park_2025-03-03.pdf",
    "lou-bay_2025-03-05.pdf",
    "cy-ng_2025-03-06.pdf",
]


def test_a_batch_prints_one_chart_note_per_patient_in_list_order(run: Run, tmp_path: Path) -> None:
    """Each written row's chart note, with its line, name and MRN; none for a refused row."""
    out = tmp_path / "out"
    result = run(*batch_of(write_list(tmp_path, ROWS), out), "--jobs", "2")
    assert result.code == 5, result.err
    shown = result.out.splitlines()
    start = shown.index("Chart notes:")
    notes = shown[start + 1 : start + 6]
    assert [n.split(": ", 1)[0] for n in notes] == [
        "Line 2, Zed Ray (MRN A-1)",
        "Line 3, Amy Orr (MRN A-2)",
        "Line 4, Kim Park",
        "Line 6, Lou Bay (MRN A-5)",
        "Line 7, Cy Ng (MRN =1+1)",
    ]
    assert all(": Discharge instructions given: recovery after " in n for n in notes)
    assert notes[0].endswith(", follow-up Mon, Mar 10, 2025 2:30 PM.")
    assert "follow-up" not in notes[1]
    assert shown[start + 6].startswith(f"Wrote 5 handouts in {out}")


def test_chart_notes_file_has_the_mrn_column_when_the_list_has_one(
    run: Run, tmp_path: Path
) -> None:
    """--chart-notes: a CSV row per handout, the MRN beside the name, a formula-like cell inert."""
    out, notes = tmp_path / "out", tmp_path / "notes.csv"
    result = run(*batch_of(write_list(tmp_path, ROWS), out), "--chart-notes", str(notes))
    assert result.code == 5, result.err
    assert f"Wrote {notes} (CSV, 5 chart notes)." in result.out
    rows = list(csv.reader(io.StringIO(notes.read_text(encoding="utf-8"))))
    assert rows[0] == ["line", "name", "mrn", "procedure_date", "file", "chart_note"]
    assert [r[:5] for r in rows[1:]] == [
        ["2", "Zed Ray", "A-1", "2025-03-01", FILES[0]],
        ["3", "Amy Orr", "A-2", "2025-03-02", FILES[1]],
        ["4", "Kim Park", "", "2025-03-03", FILES[2]],
        ["6", "Lou Bay", "A-5", "2025-03-05", FILES[3]],
        ["7", "Cy Ng", "'=1+1", "2025-03-06", FILES[4]],
    ]
    shown = [line for line in result.out.splitlines() if line.startswith("Line ")]
    assert [r[5] for r in rows[1:]] == [line.split(": ", 1)[1] for line in shown]


def test_chart_notes_file_has_no_mrn_column_when_the_list_has_none(
    run: Run, tmp_path: Path
) -> None:
    """A list without MRN: the chart notes file has no MRN column."""
    day = write_list(tmp_path, "name,procedure_date\nAnn Lee,2025-03-01\n")
    notes = tmp_path / "notes.csv"
    result = run(*batch_of(day, tmp_path / "out"), "--chart-notes", str(notes))
    assert result.code == 0, result.err
    header = notes.read_text(encoding="utf-8").splitlines()[0]
    assert header == "line,name,procedure_date,file,chart_note"


def test_chart_notes_file_is_not_overwritten_without_force(run: Run, tmp_path: Path) -> None:
    """An existing chart notes file is refused (exit 4) before any handout is written."""
    day = write_list(tmp_path, "name,procedure_date\nAnn Lee,2025-03-01\n")
    notes = tmp_path / "notes.csv"
    notes.write_text("yesterday", encoding="utf-8")
    result = run(*batch_of(day, tmp_path / "out"), "--chart-notes", str(notes))
    assert result.code == 4
    assert "already exists" in result.err
    assert notes.read_text(encoding="utf-8") == "yesterday"
    assert not (tmp_path / "out").exists()


def test_chart_notes_never_replace_the_list_they_are_read_from(run: Run, tmp_path: Path) -> None:
    """--chart-notes naming the day's list is refused, even with --force: the list is kept."""
    text = "name,procedure_date\nAnn Lee,2025-03-01\n"
    day = write_list(tmp_path, text)
    result = run(*batch_of(day, tmp_path / "out"), "--chart-notes", str(day), "--force")
    assert result.code == 2
    assert "--chart-notes names the day's list it reads" in result.err
    assert day.read_text(encoding="utf-8") == text
    assert not (tmp_path / "out").exists()


@pytest.fixture
def stopped_after_two(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A day's list of four patients, and Ctrl-C once a batch has made the first two."""
    from vplan import batch

    real = batch.run

    def two_then_ctrl_c(items: Iterator[object], *args: object, **kwargs: object) -> object:
        real(iter(list(items)[:2]), *args, **kwargs)  # type: ignore[arg-type]
        raise KeyboardInterrupt

    monkeypatch.setattr(batch, "run", two_then_ctrl_c)
    rows = "".join(f"Pat Number{n},2025-03-01\n" for n in range(4))
    return write_list(tmp_path, "name,procedure_date\n" + rows)


@pytest.mark.parametrize("to_file", [False, True])
def test_a_stopped_batch_keeps_the_chart_notes_of_what_it_wrote(
    run: Run, tmp_path: Path, stopped_after_two: Path, to_file: bool
) -> None:
    """Ctrl-C after two of four handouts: exit 130, and those two chart notes are given."""
    day = stopped_after_two
    notes = tmp_path / "notes.csv"
    more = ("--chart-notes", str(notes), "--jobs", "1") if to_file else ("--jobs", "1")
    result = run(*batch_of(day, tmp_path / "out"), *more)
    assert result.code == 130
    assert result.err == "vplan: error: stopped\n"
    assert len(list((tmp_path / "out").glob("*.pdf"))) == 2
    if to_file:
        written = list(csv.reader(io.StringIO(notes.read_text(encoding="utf-8"))))
        assert [row[1] for row in written[1:]] == ["Pat Number0", "Pat Number1"]
    else:
        said = [line for line in result.out.splitlines() if line.startswith("Line ")]
        assert [line.split(":")[0] for line in said] == [
            "Line 2, Pat Number0",
            "Line 3, Pat Number1",
        ]
        assert all("Discharge instructions given" in line for line in said)


def test_a_stopped_batch_into_a_combined_pdf_gives_no_chart_note(
    run: Run, tmp_path: Path, stopped_after_two: Path
) -> None:
    """Stopped before its one combined PDF is written: nothing was given, so no chart note."""
    day = stopped_after_two
    combined = tmp_path / "day.pdf"
    result = run(
        "handout", "--phone", "555-0100", "--batch", str(day), "--combined", str(combined),
        "--jobs", "1",
    )  # fmt: skip
    assert result.code == 130
    assert not combined.exists()
    assert "Discharge instructions given" not in result.out


def test_batch_entries_are_journaled_in_list_order(run: Run, tmp_path: Path) -> None:
    """With two workers, the journal's entries follow the list, each with the row's visit."""
    out, journal = tmp_path / "out", tmp_path / "journal.jsonl"
    result = run(*batch_of(write_list(tmp_path, ROWS), out), "--jobs", "2",
                 "--record", str(journal))  # fmt: skip
    assert result.code == 5, result.err
    entries = journal_lines(journal)
    assert [e["file_hmac"] for e in entries] == [hmac_of(out / name) for name in FILES]
    assert [e["follow_up"] for e in entries] == ["2025-03-10T14:30:00", None, None, None, None]


def test_the_combined_pdf_is_journaled_and_verified(run: Run, tmp_path: Path) -> None:
    """--combined with --record: the printed PDF has an entry of its own; verify finds it."""
    out, journal, day = tmp_path / "out", tmp_path / "journal.jsonl", tmp_path / "day.pdf"
    result = run(*batch_of(write_list(tmp_path, ROWS), out), "--combined", str(day),
                 "--record", str(journal))  # fmt: skip
    assert result.code == 5, result.err
    assert f"Wrote {day} (PDF, 5 handouts, " in result.out
    assert f"recorded in {journal}." in result.out.splitlines()[-1]
    entries = journal_lines(journal)
    assert len(entries) == 6
    assert entries[-1]["file_hmac"] == hmac_of(day)
    assert entries[-1]["combined"] == 5
    assert entries[-1]["pages"] == len(pypdf.PdfReader(day).pages)
    verified = run("record", "verify", str(day), "--record", str(journal))
    assert verified.code == 0, verified.out
    assert "the combined PDF of 5 handouts" in verified.out


def test_combined_without_out_dir_writes_only_the_combined_pdf(run: Run, tmp_path: Path) -> None:
    """--combined alone: one PDF, no handout files; each handout journaled, and the PDF too."""
    day, journal = tmp_path / "day.pdf", tmp_path / "journal.jsonl"
    listed = write_list(tmp_path, ROWS)
    result = run("handout", "--phone", "555-0100", "--batch", str(listed), "--combined", str(day),
                 "--record", str(journal), "--jobs", "2")  # fmt: skip
    assert result.code == 5, result.err
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == ["day.pdf", "journal.jsonl", "journal.jsonl.checked", "list.csv"]
    assert "Made 5 handouts for " in result.out
    assert "Line 2, Zed Ray (MRN A-1): Discharge instructions given" in result.out
    entries = journal_lines(journal)
    assert len(entries) == 6
    assert entries[-1]["file_hmac"] == hmac_of(day)
    assert run("record", "verify", str(day), "--record", str(journal)).code == 0


def test_a_batch_without_out_dir_or_combined_is_refused(run: Run, tmp_path: Path) -> None:
    """--batch alone: exit 2, naming both ways to write it."""
    listed = write_list(tmp_path, "name,procedure_date\nAnn Lee,2025-03-01\n")
    result = run("handout", "--phone", "555-0100", "--batch", str(listed))
    assert result.code == 2
    assert "--out-dir DIR" in result.err
    assert "--combined" in result.err


def test_combined_without_out_dir_refuses_a_row_that_is_no_pdf(run: Run, tmp_path: Path) -> None:
    """Without --out-dir, a row asking for HTML is refused: it would be written nowhere."""
    listed = write_list(
        tmp_path, "name,procedure_date,output\nAnn Lee,2025-03-01,\nBo Li,2025-03-02,bo.html\n"
    )
    day, journal = tmp_path / "day.pdf", tmp_path / "journal.jsonl"
    result = run("handout", "--phone", "555-0100", "--batch", str(listed), "--combined", str(day),
                 "--record", str(journal))  # fmt: skip
    assert result.code == 5
    assert "list.csv:3: refused: the row asks for HTML (bo.html)" in result.err
    assert len(journal_lines(journal)) == 2  # Ann Lee's handout and the combined PDF
    assert not (tmp_path / "bo.html").exists()
