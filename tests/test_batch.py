from __future__ import annotations

import io
import os
import pty
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pypdf
import pytest

from conftest import Run, batch_of
from vplan.batch import safe_stem

HEADER = "name,procedure_date,phone,clinic,doctor,paper,large_print,output\n"
VPLAN = [sys.executable, "-m", "vplan"]


def write_csv(folder: Path, rows: str, header: str = HEADER) -> Path:
    """A CSV list with this header and these rows."""
    path = folder / "list.csv"
    path.write_text(header + rows, encoding="utf-8")
    return path


def is_whole_pdf(path: Path) -> bool:
    """The file is a complete PDF that a reader can open."""
    data = path.read_bytes()
    return data.startswith(b"%PDF-") and len(pypdf.PdfReader(io.BytesIO(data)).pages) >= 2


def files_under(folder: Path) -> set[str]:
    """Every file below ``folder``, relative to it."""
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}


MIXED = (
    "Ann Lee,2025-03-01,555-0100,Spine Clinic,Dr. Rivera,,,\n"
    "Bob Stone,2025-13-01,,,,,,\n"
    ",2025-03-02,,,,,,\n"
    "Cara Diaz,2025-03-05,,,,legal,,\n"
    "Dan Wu,2025-03-06,,,,,maybe,\n"
    "Eve Park,2025-03-07,,,,a4,yes,eve.html\n"
)


def test_bad_rows_are_refused_by_line_and_good_rows_are_written(run: Run, tmp_path: Path) -> None:
    """Every good row is written; each bad row is named with its line and reason; exit 5."""
    out = tmp_path / "out"
    result = run(*batch_of(write_csv(tmp_path, MIXED), out))
    assert result.code == 5
    assert files_under(out) == {"ann-lee_2025-03-01.pdf", "eve.html"}
    assert is_whole_pdf(out / "ann-lee_2025-03-01.pdf")
    assert (out / "eve.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert "size: A4;" in (out / "eve.html").read_text(encoding="utf-8")
    lines = result.err.splitlines()
    assert [line.split(": refused: ")[0].rsplit(":", 1)[1] for line in lines] == [
        "3",
        "4",
        "5",
        "6",
    ]
    assert "'2025-13-01' is not a real calendar date" in lines[0]
    assert "the patient's name is empty" in lines[1]
    assert "unknown paper 'legal'; write letter or a4" in lines[2]
    assert "large_print is 'maybe'; write yes or no" in lines[3]
    shown = result.out.splitlines()
    assert shown[0] == f"Read {tmp_path / 'list.csv'}: UTF-8 text, separated by commas."
    assert shown[1] == "Chart notes:"
    assert shown[2].startswith("Line 2, Ann Lee: Discharge instructions given: ")
    assert shown[3].startswith("Line 7, Eve Park: Discharge instructions given: ")
    assert shown[4:] == [f"Wrote 2 handouts in {out} (refused 4 rows: lines 3, 4, 5, 6)."]
    assert "Bob" not in result.err  # patient names stay out of the messages


def test_a_clean_list_exits_0(run: Run, tmp_path: Path) -> None:
    """When every row is written the batch exits 0 and says so."""
    rows = "Ann Lee,2025-03-01,,,,,,\nBo Li,2025-03-02,,,,,,\n"
    out = tmp_path / "out"
    result = run(*batch_of(write_csv(tmp_path, rows), out))
    assert result.code == 0, result.err
    assert result.out.splitlines()[-1] == f"Wrote 2 handouts in {out} (refused 0 rows)."
    assert result.err == ""


def test_an_existing_file_is_kept_without_force(run: Run, tmp_path: Path) -> None:
    """A handout already in the folder is refused for its row, and replaced only with --force."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "ann-lee_2025-03-01.pdf").write_bytes(b"printed yesterday")
    csv_path = write_csv(tmp_path, "Ann Lee,2025-03-01,,,,,,\nBo Li,2025-03-02,,,,,,\n")
    result = run(*batch_of(csv_path, out))
    assert result.code == 5
    assert "already exists; choose another name or add --force" in result.err
    assert (out / "ann-lee_2025-03-01.pdf").read_bytes() == b"printed yesterday"
    assert is_whole_pdf(out / "bo-li_2025-03-02.pdf")
    result = run(*batch_of(csv_path, out), "--force")
    assert result.code == 0, result.err
    assert is_whole_pdf(out / "ann-lee_2025-03-01.pdf")


def test_hostile_names_never_leave_the_folder(run: Run, tmp_path: Path) -> None:
    """Names and output cells such as ../../etc/x become plain file names inside the folder."""
    rows = (
        "../../etc/x,2025-03-01,,,,,,\n"
        "Zoe,2025-03-02,,,,,,../../escaped.pdf\n"
        "Al,2025-03-03,,,,,,/tmp/abs\n"
        '"<b>Ann</b> & Co",2025-03-04,,,,,,\n'
    )
    out = tmp_path / "deep" / "out"
    out.parent.mkdir()
    csv_path = write_csv(tmp_path, rows)
    before = files_under(tmp_path)
    result = run(*batch_of(csv_path, out))
    assert result.code == 0, result.err
    assert files_under(out) == {
        "etc-x_2025-03-01.pdf",
        "escaped.pdf",
        "tmp-abs.pdf",
        "b-ann-b-co_2025-03-04.pdf",
    }
    assert files_under(tmp_path) - before == {f"deep/out/{name}" for name in files_under(out)}
    assert not Path("/tmp/abs.pdf").exists()


@pytest.mark.parametrize(
    ("text", "stem"),
    [
        ("Ann Lee", "ann-lee"),
        ("../../etc/passwd", "etc-passwd"),
        ("José Núñez", "jose-nunez"),
        ("  ..  ", ""),
        ("a" * 150, "a" * 100),
        ("C:\\Windows\\x", "c-windows-x"),
    ],
)
def test_safe_stem_keeps_letters_digits_and_dashes(text: str, stem: str) -> None:
    """File names are ASCII letters, digits, '-' and '_': never a path, never hidden."""
    assert safe_stem(text) == stem


def test_two_rows_for_the_same_file_are_not_both_written(run: Run, tmp_path: Path) -> None:
    """The second row that would write the same file is refused, naming the first."""
    rows = "Ann Lee,2025-03-01,,,,,,\nann lee,2025-03-01,,,,,,\n"
    result = run(*batch_of(write_csv(tmp_path, rows), tmp_path / "o"))
    assert result.code == 5
    assert (
        "list.csv:3: refused: the file name ann-lee_2025-03-01.pdf is already used by line 2"
        in result.err
    )


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (
            "name,procedure_date,phnoe\n",
            "has the unknown column 'phnoe' (did you mean 'phone'?); correct the first line",
        ),
        ("name,phone\n", "has no column procedure_date"),
        ("", "is empty; the first line must name the columns"),
    ],
)
def test_a_bad_header_stops_the_batch_before_anything_is_written(
    run: Run, tmp_path: Path, header: str, message: str
) -> None:
    """A misspelt or missing column is exit 2 with the list of columns, and no file is written."""
    out = tmp_path / "out"
    result = run(
        *batch_of(write_csv(tmp_path, "Ann,2025-03-01,x\n" if header else "", header), out)
    )
    assert result.code == 2
    assert message in result.err
    assert not out.exists() or files_under(out) == set()


def test_a_row_with_too_many_values_is_refused(run: Run, tmp_path: Path) -> None:
    """A stray comma shifts the values: the row is refused rather than read wrongly."""
    rows = "Lee, Ann,2025-03-01\nBo,2025-03-02\n"
    result = run(*batch_of(write_csv(tmp_path, rows, "name,procedure_date\n"), tmp_path / "o"))
    assert result.code == 5
    assert "list.csv:2: refused: the row has more values than the header has columns" in result.err


def test_both_cores_write_the_same_handouts_as_one(run: Run, tmp_path: Path) -> None:
    """Written in two worker processes or in one, each handout has the same bytes."""
    rows = "".join(f"Patient {i},2025-03-{i + 1:02d},,,,,,\n" for i in range(6))
    csv_path = write_csv(tmp_path, rows)
    assert (
        run(
            *batch_of(csv_path, tmp_path / "one"),
            "--jobs",
            "1",
        ).code
        == 0
    )
    assert (
        run(
            *batch_of(csv_path, tmp_path / "two"),
            "--jobs",
            "2",
        ).code
        == 0
    )
    names = files_under(tmp_path / "one")
    assert len(names) == 6
    assert names == files_under(tmp_path / "two")
    for name in names:
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()


def test_the_batch_writes_calendars_too(run: Run, tmp_path: Path) -> None:
    """--format ics writes each patient's phone calendar, named with .ics."""
    csv_path = write_csv(tmp_path, "Ann Lee,2025-03-01,,,,,,\n")
    result = run(
        *batch_of(csv_path, tmp_path / "o"),
        "--format",
        "ics",
    )
    assert result.code == 0, result.err
    data = (tmp_path / "o" / "ann-lee_2025-03-01.ics").read_bytes()
    assert data.startswith(b"BEGIN:VCALENDAR")
    assert b"Ann Lee" in data


def test_a_missing_list_or_a_file_as_folder_is_one_line(run: Run, tmp_path: Path) -> None:
    """No such CSV: exit 2; --out-dir naming a file: exit 4."""
    result = run(*batch_of(tmp_path / "nope.csv", tmp_path / "o"))
    assert result.code == 2
    assert "no such file" in result.err
    csv_path = write_csv(tmp_path, "Ann,2025-03-01,,,,,,\n")
    result = run(*batch_of(csv_path, csv_path))
    assert result.code == 4
    assert "is a file, not a folder" in result.err


def _without_root_powers() -> list[str]:
    """A command prefix under which file permissions hold, even for root (which ignores them)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: permissions cannot be made to hold")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search,-fowner"]


def test_an_unwritable_folder_is_refused_before_any_row(tmp_path: Path) -> None:
    """A folder the user may not write in: exit 4, one line, nothing written."""
    csv_path = write_csv(tmp_path, "Ann,2025-03-01,,,,,,\n")
    out = tmp_path / "locked"
    out.mkdir()
    out.chmod(0o555)
    env = {**os.environ, "VPLAN_NO_CACHE": "1", "NO_COLOR": "1"}
    result = subprocess.run(
        [*_without_root_powers(), *VPLAN, *batch_of(csv_path, out)],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert result.returncode == 4, result.stderr
    assert (
        result.stderr
        == f"vplan: error: cannot write in {out} (permission denied); choose another folder\n"
    )
    assert list(out.iterdir()) == []


def test_a_progress_bar_shows_on_a_terminal_and_not_when_piped(tmp_path: Path) -> None:
    """On a terminal stderr shows progress; piped, stderr stays empty."""
    csv_path = write_csv(tmp_path, "Ann,2025-03-01,,,,,,\nBo,2025-03-02,,,,,,\n")
    env = {**os.environ, "NO_COLOR": "1", "TERM": "xterm", "COLUMNS": "80"}
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [*VPLAN, *batch_of(csv_path, tmp_path / "tty")],
        stdout=subprocess.PIPE, stderr=follower, env=env,
    )  # fmt: skip
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    assert process.wait() == 0
    os.close(leader)
    assert b"Writing handouts" in seen
    piped = subprocess.run(
        [*VPLAN, *batch_of(csv_path, tmp_path / "pipe")],
        capture_output=True, env=env, check=False,
    )  # fmt: skip
    assert piped.returncode == 0
    assert piped.stderr == b""


def test_a_stopped_batch_leaves_no_half_written_handout(tmp_path: Path) -> None:
    """Ctrl-C in the middle of a long list: every handout in the folder is whole."""
    rows = "".join(f"Patient {i},2025-01-01,,,,,,p{i}.pdf\n" for i in range(300))
    csv_path = write_csv(tmp_path, rows)
    out = tmp_path / "out"
    process = subprocess.Popen(
        [*VPLAN, *batch_of(csv_path, out)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list(out.glob("*.pdf")) if out.exists() else []) < 5:
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGINT)
    process.wait(timeout=60)
    assert process.returncode == 130
    assert process.stderr is not None
    assert b"vplan: error: stopped" in process.stderr.read()
    written = list(out.glob("*.pdf"))
    assert 5 <= len(written) < 300
    for path in written:
        assert is_whole_pdf(path), path.name
    assert list(out.glob(".*.tmp")) == []  # the stopped writes cleaned up after themselves


def test_rows_may_name_any_procedure_whatever_the_commands(run: Run, tmp_path: Path) -> None:
    """With --procedure kyphoplasty, a row naming vertebroplasty still gets its own handout."""
    rows = "name,procedure_date,procedure\nAnn,2025-03-01,vertebroplasty\nBo,2025-03-01,\n"
    csv_path = write_csv(tmp_path, rows, header="")
    result = run(
        *batch_of(csv_path, tmp_path / "o"),
        "--procedure",
        "kp",
    )
    assert result.code == 0, result.err

    def title(name: str) -> str:
        return (
            pypdf.PdfReader(io.BytesIO((tmp_path / "o" / name).read_bytes()))
            .pages[0]
            .extract_text()
            .splitlines()[0]
        )

    assert title("ann_2025-03-01.pdf") == "Your recovery after vertebroplasty"
    assert title("bo_2025-03-01.pdf") == "Your recovery after balloon kyphoplasty"


def test_the_commands_phone_clinic_and_doctor_fill_empty_cells(run: Run, tmp_path: Path) -> None:
    """--phone, --clinic and --doctor print on every handout whose cell is empty; a cell wins."""
    rows = "Ann,2025-03-01,,,,,,\nBo,2025-03-01,555-0199,,,,,\n"
    csv_path = write_csv(tmp_path, rows)
    result = run(*batch_of(csv_path, tmp_path / "o"),
                 "--phone", "555-0100", "--clinic", "Spine Clinic", "--doctor", "Dr. Rivera")  # fmt: skip
    assert result.code == 0, result.err

    def first_page(name: str) -> str:
        return (
            pypdf.PdfReader(io.BytesIO((tmp_path / "o" / name).read_bytes()))
            .pages[0]
            .extract_text()
        )

    ann, bo = first_page("ann_2025-03-01.pdf"), first_page("bo_2025-03-01.pdf")
    assert "Call us at 555-0100 today" in ann
    assert "Spine Clinic" in ann
    assert "Dr. Rivera" in ann
    assert "Call us at 555-0199 today" in bo


def test_a_list_in_no_known_encoding_is_refused_before_the_folder_is_made(
    run: Run, tmp_path: Path
) -> None:
    """Bytes that are neither UTF-8 nor Windows-1252 stop the list by line: exit 2, nothing made."""
    (tmp_path / "list.csv").write_bytes(
        b"name,procedure_date\nAnn,2025-03-01\nJos\x81,2025-03-01\n"
    )
    result = run(*batch_of(tmp_path / "list.csv", tmp_path / "o"))
    assert result.code == 2
    assert "list.csv line 3 is neither UTF-8 nor Windows-1252 text" in result.err
    assert "save it from Excel as 'CSV UTF-8'" in result.err
    assert len(result.err.splitlines()) == 1
    assert not (tmp_path / "o").exists()


def test_a_refused_row_is_named_by_the_line_it_starts_on(run: Run, tmp_path: Path) -> None:
    """A name written over three lines (in quotes) is reported at its first line."""
    rows = '"Multi\nline\nname",2025-13-01\nOk,2025-01-01\n'
    csv_path = write_csv(tmp_path, rows, header="name,procedure_date\n")
    result = run(*batch_of(csv_path, tmp_path / "o"))
    assert result.code == 5
    assert "list.csv:2: refused:" in result.err
