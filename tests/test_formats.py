"""The table of output formats: every format decision follows from it, and a new format is one row.

A made-up format, registered with one renderer and one row, is written through the command
line, alone and in a batch: the file, its journal entry and its chart note agree.
"""

from __future__ import annotations

import hashlib
import json
import sys
import types
from pathlib import Path

import pytest

from conftest import Run, batch_of
from vplan import formats
from vplan.documents import Rendered, Subject
from vplan.formats import Command, Medium, OutputFormat
from vplan.journal import file_mac
from vplan.stamp import Stamp

KEY = "a clinic secret of more than sixteen bytes"
MEMO_NOTE = "Recovery memo given"


def memo_file(subject: Subject, stamp: Stamp) -> Rendered:
    """A one-line memo of the plan: the patient, the procedure date and the rules it came from."""
    line = f"{subject.name}|{subject.plan.procedure_date.isoformat()}|{stamp.rules_short}\n"
    return Rendered(line.encode("utf-8"))


@pytest.fixture
def memo(monkeypatch: pytest.MonkeyPatch) -> OutputFormat:
    """A made-up handout format, ``.memo``: its renderer in a module of its own, and one row."""
    module = types.ModuleType("memo_renderer")
    module.memo_file = memo_file  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "memo_renderer", module)
    row = OutputFormat(
        "memo", (".memo",), Medium.FILE, "memo", MEMO_NOTE, "memo_renderer:memo_file",
        frozenset({Command.HANDOUT}), wrote="{label}",
    )  # fmt: skip
    monkeypatch.setattr(formats, "FORMATS", dict(formats.FORMATS))
    formats.register(row)
    monkeypatch.setenv("VPLAN_RECORD_KEY", KEY)
    return row


def entries(journal: Path) -> list[dict[str, object]]:
    """The journal's entries as data."""
    return [json.loads(line) for line in journal.read_text(encoding="utf-8").splitlines()]


def hmac_of(path: Path) -> str:
    """What the journal keeps of a file: the HMAC of its SHA-256."""
    return file_mac(KEY.encode(), hashlib.sha256(path.read_bytes()).hexdigest())


def test_a_registered_format_is_written_recorded_and_noted(
    run: Run, tmp_path: Path, memo: OutputFormat
) -> None:
    """A new format (one renderer, one row): its file, journal entry and chart note agree."""
    out, journal = tmp_path / "ann.memo", tmp_path / "journal.jsonl"
    result = run("handout", "2025-03-01", "--patient", "Ann Lee", "-o", str(out),
                 "--record", str(journal))  # fmt: skip
    assert result.code == 0, result.err
    assert out.read_text(encoding="utf-8").startswith("Ann Lee|2025-03-01|")
    (entry,) = entries(journal)
    assert entry["format"] == "memo"
    assert entry["file_hmac"] == hmac_of(out)
    assert entry["procedure_date"] == "2025-03-01"
    wrote, note = result.out.splitlines()
    assert wrote == f"Wrote {out} (memo); recorded in {journal}."
    assert note.startswith(f"{MEMO_NOTE}: recovery after vertebroplasty, procedure date Sat, Mar 1")
    verified = run("record", "verify", str(out), "--record", str(journal))
    assert verified.code == 0, verified.err
    assert "File: MEMO\n" in verified.out


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_registered_format_is_written_by_a_batch(
    run: Run, tmp_path: Path, memo: OutputFormat, jobs: str
) -> None:
    """A batch row naming a new format's file: written, journaled and noted like any other."""
    day = tmp_path / "list.csv"
    day.write_text(
        "name,procedure_date,output\nAnn Lee,2025-03-01,ann.memo\nBob Roe,2025-03-02,\n",
        encoding="utf-8",
    )
    out, journal = tmp_path / "out", tmp_path / "journal.jsonl"
    result = run(*batch_of(day, out), "--record", str(journal), "-j", jobs)
    assert result.code == 0, result.err
    memo_out = out / "ann.memo"
    assert memo_out.read_text(encoding="utf-8").startswith("Ann Lee|2025-03-01|")
    first, second = entries(journal)
    assert (first["format"], first["file_hmac"]) == ("memo", hmac_of(memo_out))
    assert (second["format"], second["file_hmac"]) == (
        "pdf",
        hmac_of(out / "bob-roe_2025-03-02.pdf"),
    )
    assert f"Line 2, Ann Lee: {MEMO_NOTE}: recovery after vertebroplasty" in result.out
    assert "Line 3, Bob Roe: Discharge instructions given: recovery after" in result.out


def test_the_format_choices_and_endings_come_from_the_table() -> None:
    """Each command's --format choices and file endings are the table's rows for it."""
    handout = ["pdf", "html", "ics", "fhir", "hl7"]
    assert [row.name for row in formats.offered(Command.HANDOUT)] == handout
    assert [f.value for f in formats.DocumentFormat] == handout
    assert [row.name for row in formats.offered(Command.TEACH_BACK)] == ["teach-back-page"]
    assert [f.value for f in formats.ScheduleFormat] == ["text", "json", "markdown", "ics"]
    assert formats.by_ending("Ann.HTM", Command.HANDOUT) is formats.FORMATS["html"]
    assert formats.by_ending("ann.pdf", Command.SCHEDULE) is None
    assert formats.file_names(Command.HANDOUT) == (
        "NAME.pdf, NAME.html, NAME.ics, NAME.fhir.json or NAME.hl7"
    )
    assert formats.by_ending("ann.pdf", Command.TEACH_BACK) is formats.FORMATS["teach-back-page"]


def test_the_record_systems_files_are_rows_of_the_table() -> None:
    """FHIR and HL7 are the handout's, need the MRN, and .fhir.json is told from .json."""
    fhir, hl7 = formats.FORMATS["fhir"], formats.FORMATS["hl7"]
    assert formats.by_ending("Ann.FHIR.json") is fhir
    assert formats.by_ending("ann.json") is formats.FORMATS["json"]
    assert formats.by_ending("ann.hl7", Command.HANDOUT) is hl7
    assert fhir.needs_mrn
    assert hl7.needs_mrn
    assert not formats.PDF.needs_mrn
    assert fhir.describe(formats.Paper.A4, True, 90) == (
        "FHIR R4 Bundle with the PDF, a4, large print, and the chart note"
    )


def test_the_longest_ending_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    """A format whose ending holds another's (``.fhir.json`` and ``.json``) is told apart."""
    monkeypatch.setattr(formats, "FORMATS", dict(formats.FORMATS))
    fhir = OutputFormat(
        "fhir", (".fhir.json",), Medium.FILE, "FHIR", "Record given", "memo_renderer:x",
        frozenset({Command.SCHEDULE}),
    )  # fmt: skip
    formats.register(fhir)
    assert formats.by_ending("ann.fhir.json", Command.SCHEDULE) is fhir
    assert formats.by_ending("ann.json", Command.SCHEDULE) is formats.FORMATS["json"]
