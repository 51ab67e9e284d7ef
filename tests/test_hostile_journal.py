"""Hostile and unlucky input to the journal: a full disk, stops, unwritable paths, odd lines."""

from __future__ import annotations

import errno
import os
from concurrent.futures import Future
from pathlib import Path

import pytest

from conftest import ANN_HANDOUT, Run
from vplan import batch, journal
from vplan.batch import Job, Outcome
from vplan.errors import BrokenJournalError, InputError, OutputError
from vplan.journal import MAX_LINE, append, check_last, entries, read_key, seal

KEY = "a clinic secret of more than sixteen bytes"


@pytest.fixture(autouse=True)
def _key(monkeypatch: pytest.MonkeyPatch) -> None:
    """The clinic's key in the environment, and no other journal setting."""
    for name in ("VPLAN_RECORD", "VPLAN_RECORD_KEY_FILE", "SOURCE_DATE_EPOCH"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("VPLAN_RECORD_KEY", KEY)


def two_entries(tmp_path: Path) -> Path:
    """A journal of two sealed entries."""
    path = tmp_path / "journal.jsonl"
    for n in range(2):
        append(path, KEY.encode(), {"n": n})
    return path


def next_line_start(path: Path) -> bytes:
    """The first bytes vplan writes of the entry after the journal's last line."""
    *_, last = entries(path, KEY.encode())
    return b'{"prev":"' + last.mac.encode() + b'","format_version":1,"wh'


# --- a full disk: the append is undone, the journal stays whole ----------------------------


def test_a_full_disk_during_an_append_leaves_the_journal_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Half a line written, then ENOSPC: the half is cut off, exit 4's message, next append fine."""
    path = two_entries(tmp_path)
    before = path.read_bytes()
    real = os.pwrite

    def half_then_full(fd: int, data: bytes, offset: int) -> int:
        if len(data) > 20:
            return real(fd, data[: len(data) // 2], offset)
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "pwrite", half_then_full)
    with pytest.raises(OutputError, match=r"cannot add to the journal .* nothing was recorded"):
        append(path, KEY.encode(), {"n": 2})
    assert path.read_bytes() == before
    monkeypatch.setattr(os, "pwrite", real)
    append(path, KEY.encode(), {"n": 2})
    assert [e.fields["n"] for e in entries(path, KEY.encode())] == [0, 1, 2]


def test_a_failed_append_removes_the_handout_it_was_for(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The handout whose entry could not be written is removed: nothing is given unrecorded."""
    path = two_entries(tmp_path)

    def full(fd: int, data: bytes, offset: int) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "pwrite", full)
    out = tmp_path / "ann.pdf"
    result = run(*ANN_HANDOUT, "-o", str(out), "--record", str(path))
    assert result.code == 4
    assert "No space left on device" in result.err
    assert f"{out} was removed, as it is not recorded" in result.err
    assert len(result.err.splitlines()) == 1
    assert not out.exists()


# --- a line cut short by a stopped write: told apart from a changed one, and recovered -------


@pytest.mark.parametrize("cut", [1, 9, 40, 80, 120])
def test_a_stopped_write_is_noted_and_removed_by_the_next_record(
    run: Run, tmp_path: Path, cut: int
) -> None:
    """The start of an entry after the last one records nothing: check exits 0, --record recovers."""
    path = two_entries(tmp_path)
    whole = path.read_bytes()
    with path.open("ab") as handle:
        handle.write(next_line_start(path)[:cut])
    checked = run("record", "check", "--record", str(path))
    assert checked.code == 0
    assert "2 entries" in checked.out
    assert f"{path}:3: the last line was cut short by a write that was stopped" in checked.err
    out = tmp_path / "ann.pdf"
    result = run(*ANN_HANDOUT, "-o", str(out), "--record", str(path))
    assert result.code == 0, result.err
    assert "was cut short by a write that was stopped; it recorded nothing and was removed" in (
        result.err
    )
    assert path.read_bytes().startswith(whole)
    assert run("record", "check", "--record", str(path)).out.startswith(f"{path}: 3 entries")
    assert run("record", "verify", str(out), "--record", str(path)).code == 0


@pytest.mark.parametrize(
    "tail",
    [b"x", b'{"prev":"' + b"0" * 64 + b'",', b'{"prev":"ab', b"\n", b"{}\n"],
    ids=["garbage", "wrong prev", "wrong start", "empty line", "unsealed line"],
)
def test_a_last_line_that_is_not_a_stopped_write_is_still_refused(
    run: Run, tmp_path: Path, tail: bytes
) -> None:
    """Bytes that do not start the next entry are a changed journal: exit 7, nothing written."""
    path = two_entries(tmp_path)
    with path.open("ab") as handle:
        handle.write(tail)
    out = tmp_path / "ann.pdf"
    result = run(*ANN_HANDOUT, "-o", str(out), "--record", str(path))
    assert result.code == 7
    assert "nothing was written" in result.err
    assert not out.exists()
    assert run("record", "check", "--record", str(path)).code == 7


# --- a journal that cannot be added to is found before any file is written ------------------


def _journal_at(kind: str, tmp_path: Path, out: Path) -> Path:
    if kind == "missing folder":
        return tmp_path / "no-such-folder" / "journal.jsonl"
    if kind == "a folder":
        (tmp_path / "j").mkdir()
        return tmp_path / "j"
    if kind == "the output itself":
        return out
    return Path("/dev/null")


@pytest.mark.parametrize(
    ("kind", "code", "message"),
    [
        ("missing folder", 4, "does not exist"),
        ("a folder", 4, "is not an ordinary file"),
        ("the output itself", 2, "is also a file to write or read"),
        ("a device", 4, "is not an ordinary file"),
    ],
)
def test_a_journal_that_cannot_be_made_stops_before_the_handout(
    run: Run, tmp_path: Path, kind: str, code: int, message: str
) -> None:
    """A missing folder, a folder, the -o file or a device as the journal: refused, nothing written."""
    out = tmp_path / "ann.pdf"
    record = _journal_at(kind, tmp_path, out)
    result = run(*ANN_HANDOUT, "-o", str(out), "--record", str(record))
    assert result.code == code, result.err
    assert message in result.err
    assert len(result.err.splitlines()) == 1
    assert not out.exists()


def test_a_batch_whose_combined_pdf_is_the_journal_is_refused(run: Run, tmp_path: Path) -> None:
    """--combined naming the journal is refused before any handout is written."""
    day = tmp_path / "list.csv"
    day.write_text("name,procedure_date\nAnn Lee,2025-03-01\n", encoding="utf-8")
    record = tmp_path / "day.pdf"
    out = tmp_path / "out"
    result = run("handout", "--batch", str(day), "--out-dir", str(out), "--combined",
                 str(record), "--record", str(record))  # fmt: skip
    assert result.code == 2
    assert not out.exists()


# --- the key -------------------------------------------------------------------------------


def test_a_key_file_is_read_whole(tmp_path: Path) -> None:
    """Two key files that differ only after 1,024 bytes seal differently."""
    keys = []
    for n, last in enumerate("ab"):
        path = tmp_path / f"key{n}"
        path.write_text("k" * 2000 + last + "\n", encoding="ascii")
        path.chmod(0o600)
        keys.append(read_key({"VPLAN_RECORD_KEY_FILE": str(path)}))
    assert seal(keys[0], b"{}") != seal(keys[1], b"{}")


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda p: p.write_bytes(b"k" * (journal.MAX_KEY_FILE + 1)), "larger than 4096 bytes"),
        (lambda p: os.mkfifo(p), "not an ordinary file"),
        (lambda p: p.mkdir(), "not an ordinary file"),
    ],
    ids=["huge", "fifo", "folder"],
)
def test_a_key_file_that_is_not_a_key_is_refused_at_once(
    tmp_path: Path, setup: object, message: str
) -> None:
    """A huge file, a FIFO or a folder as the key file: bad input, without waiting."""
    path = tmp_path / "key"
    setup(path)  # type: ignore[operator]
    if path.is_file():
        path.chmod(0o600)
    with pytest.raises(InputError, match=message):
        read_key({"VPLAN_RECORD_KEY_FILE": str(path)})


def test_a_key_that_is_not_utf8_is_used_as_its_bytes() -> None:
    """A key set as bytes that are not UTF-8 is read as those bytes, not a traceback."""
    raw = b"\xff\xfe clinic secret bytes"
    assert read_key({"VPLAN_RECORD_KEY": os.fsdecode(raw)}) == raw


# --- lines no entry could be: bounded, and never a traceback --------------------------------


def test_a_huge_last_line_is_refused_after_reading_a_bounded_tail(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 24 MB last line is refused as changed after reading a few times MAX_LINE, not all of it."""
    path = two_entries(tmp_path)
    with path.open("ab") as handle:
        handle.write(b"x" * 24_000_000 + b"\n")
    read = 0
    real = os.pread

    def counted(fd: int, size: int, offset: int) -> bytes:
        nonlocal read
        read += size
        return real(fd, size, offset)

    monkeypatch.setattr(os, "pread", counted)
    with pytest.raises(BrokenJournalError, match="last line of the journal"):
        check_last(path, KEY.encode())
    assert read <= 3 * MAX_LINE


@pytest.mark.parametrize("depth", [5_000, 100_000])
def test_a_sealed_line_nested_deep_is_a_broken_line(tmp_path: Path, depth: int) -> None:
    """A line sealed under the key but nested thousands of arrays deep is named, not a crash."""
    body = ('{"prev":"' + "0" * 64 + '","x":' + "[" * depth + "]" * depth + "}").encode()
    line = body[:-1] + f',"mac":"{seal(KEY.encode(), body)}"}}'.encode()
    path = tmp_path / "journal.jsonl"
    path.write_bytes(line + b"\n")
    with pytest.raises(BrokenJournalError, match=r"journal.jsonl:1: the journal's chain is broken"):
        list(entries(path, KEY.encode()))


# --- a stopped batch: handouts already returned are recorded, the others removed -------------


def _finished(outcome: Outcome) -> Future[Outcome]:
    future: Future[Outcome] = Future()
    future.set_result(outcome)
    return future


def test_a_stopped_batch_records_what_its_workers_returned(tmp_path: Path) -> None:
    """A handout whose worker returned before the stop is recorded; one unreturned is removed."""
    returned, unreturned = tmp_path / "a.pdf", tmp_path / "b.pdf"
    for path in (returned, unreturned):
        path.write_bytes(b"%PDF")
    cancelled: Future[Outcome] = Future()
    cancelled.cancel()
    jobs = {
        _finished(Outcome(2, written=returned)): _fake_job(returned),
        cancelled: _fake_job(unreturned),
    }
    recorded: list[Path] = []
    batch._settle(jobs, dict.fromkeys((returned, unreturned)), lambda o, j: recorded.append(j.path))
    assert recorded == [returned]
    assert returned.exists()
    assert not unreturned.exists()


def test_a_batch_stopped_by_the_journal_removes_its_unrecorded_handouts(tmp_path: Path) -> None:
    """When recording failed, handouts returned but not recorded are removed; older files stay."""
    written, older = tmp_path / "a.pdf", tmp_path / "b.pdf"
    for path in (written, older):
        path.write_bytes(b"%PDF")
    jobs = {
        _finished(Outcome(2, written=written)): _fake_job(written),
        _finished(Outcome(3, problem="exists")): _fake_job(older),
    }
    batch._settle(jobs, {written: None, older: batch._identity(older)}, None)
    assert not written.exists()
    assert older.exists()


class _FakeJob:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.keep = True


def _fake_job(path: Path) -> Job:
    return _FakeJob(path)  # type: ignore[return-value]


# --- record verify reads a regular file only ------------------------------------------------


@pytest.mark.parametrize("kind", ["fifo", "/dev/zero", "folder"])
def test_verify_of_a_special_file_is_refused_at_once(tmp_path: Path, kind: str) -> None:
    """A FIFO, /dev/zero or a folder to verify: exit 2 at once, not a hang or all memory."""
    import subprocess
    import sys

    path = tmp_path / "x.pdf"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "folder":
        path.mkdir()
    else:
        path = Path(kind)
        if not path.exists():
            pytest.skip(f"no {kind}")
    journal = two_entries(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "vplan", "record", "verify", str(path), "--record", str(journal)],
        capture_output=True, text=True, timeout=60, check=False,
        env=dict(os.environ, VPLAN_RECORD_KEY=KEY),
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert done.stderr == f"vplan: error: {path} is not an ordinary file; give the file to verify\n"


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_batch_stopped_by_sigterm_leaves_only_recorded_handouts(
    tmp_path: Path, jobs: str
) -> None:
    """SIGTERM mid-batch: exit 130, and every handout left in the folder is in the journal."""
    import signal
    import subprocess
    import sys
    import time

    day = tmp_path / "list.csv"
    day.write_text("name,procedure_date\n" + "".join(
        f"Pat Num{chr(97 + i)},2025-03-01\n" for i in range(12)), encoding="utf-8")  # fmt: skip
    out, journal = tmp_path / "out", tmp_path / "journal.jsonl"
    env = dict(os.environ, VPLAN_RECORD_KEY=KEY)
    batch_run = subprocess.Popen(
        [sys.executable, "-m", "vplan", "handout", "--phone", "555-0100", "--batch", str(day),
         "--out-dir", str(out), "--record", str(journal), "--jobs", jobs],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while not (out.exists() and any(out.glob("*.pdf"))) and time.monotonic() < deadline:
        time.sleep(0.01)
    batch_run.send_signal(signal.SIGTERM)
    _, err = batch_run.communicate(timeout=120)
    assert batch_run.returncode == 130, err
    left = sorted(out.glob("*"))
    # A stop before the first handout was recorded leaves no journal, and no handout either.
    recorded = list(entries(journal, KEY.encode())) if journal.exists() else []
    assert all(path.suffix == ".pdf" for path in left)
    assert len(recorded) == len(left)
    for path in left:
        verify = subprocess.run(
            [sys.executable, "-m", "vplan", "record", "verify", str(path), "--record",
             str(journal)], env=env, capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        assert verify.returncode == 0, verify.stdout


def test_a_key_that_is_not_utf8_works_from_the_environment(tmp_path: Path) -> None:
    """VPLAN_RECORD_KEY set to bytes that are not UTF-8 records, no traceback."""
    import subprocess
    import sys

    env = {os.fsencode(k): os.fsencode(v) for k, v in os.environ.items()}
    env[b"VPLAN_RECORD_KEY"] = b"\xff\xfe a clinic key that is no UTF-8"
    out = tmp_path / "plan.txt"
    done = subprocess.run(
        [sys.executable, "-m", "vplan", "schedule", "2025-03-01", "-o", str(out), "--record",
         str(tmp_path / "journal.jsonl")], env=env, capture_output=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert out.exists()
