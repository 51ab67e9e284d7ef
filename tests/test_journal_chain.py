"""A changed line anywhere in the journal is found before the next append, not only the last."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import ANN_HANDOUT, Run
from vplan import journal
from vplan.errors import BrokenJournalError
from vplan.journal import append, checked_note, entries

KEY = "a clinic secret of more than sixteen bytes"


def three_entries(tmp_path: Path) -> Path:
    """A journal of three sealed entries, appended by vplan."""
    path = tmp_path / "journal.jsonl"
    for n in range(3):
        append(path, KEY.encode(), {"n": n})
    return path


def changed_first_line(path: Path) -> None:
    """Change one digit of the first line's entry, keeping its length (and the file's size).

    The file's times then differ from those of the last append, as an edit made later
    would (one made within the same tick of the file system's clock is not told apart).
    """
    data = path.read_bytes()
    at = data.index(b'"n":0')
    path.write_bytes(data[:at] + b'"n":7' + data[at + 5 :])
    os.utime(path, ns=(EDITED, EDITED))


EDITED = 1_700_000_000_000_000_000  # a fixed time for the edit, not the clock


def test_a_changed_middle_line_stops_the_next_append(tmp_path: Path) -> None:
    """A line changed in place (same size) is named; the journal gets no new line."""
    path = three_entries(tmp_path)
    changed_first_line(path)
    before = path.read_bytes()
    with pytest.raises(BrokenJournalError) as refused:
        append(path, KEY.encode(), {"n": 3})
    assert str(refused.value).startswith(f"{path}:1: the journal's chain is broken")
    assert str(refused.value).endswith("nothing was written")
    assert path.read_bytes() == before


def test_a_removed_middle_line_stops_the_next_append(tmp_path: Path) -> None:
    """A line taken out of the middle: the line after the gap is named."""
    path = three_entries(tmp_path)
    first, _, third = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(first + third)
    with pytest.raises(BrokenJournalError, match=r"journal\.jsonl:2: .* does not follow"):
        append(path, KEY.encode(), {"n": 3})


def test_a_changed_middle_line_stops_a_handout_before_it_is_written(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A handout with --record and a journal changed in the middle: exit 7, no handout written."""
    monkeypatch.setenv("VPLAN_RECORD_KEY", KEY)
    path = three_entries(tmp_path)
    changed_first_line(path)
    out = tmp_path / "ann.pdf"
    result = run(*ANN_HANDOUT, "-o", str(out), "--record", str(path))
    assert result.code == 7
    assert f"{path}:1: the journal's chain is broken" in result.err
    assert not out.exists()


def test_an_unchanged_journal_is_not_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After vplan's own append, the next one reads only the last line (the note matches)."""
    path = three_entries(tmp_path)

    def read_whole(*args: object) -> None:
        raise AssertionError("the whole journal was read")

    monkeypatch.setattr(journal, "_check_chain", read_whole)
    append(path, KEY.encode(), {"n": 3})
    assert [e.fields["n"] for e in entries(path, KEY.encode())] == [0, 1, 2, 3]


@pytest.mark.parametrize("note", ["missing", "forged", "other key"])
def test_a_note_vplan_did_not_seal_does_not_spare_the_check(tmp_path: Path, note: str) -> None:
    """Without a note sealed under the key, the whole chain is checked, and a change found."""
    path = three_entries(tmp_path)
    changed_first_line(path)
    info = path.stat()
    identity = f"{info.st_dev},{info.st_ino},{info.st_size},{info.st_mtime_ns},{info.st_ctime_ns}"
    if note == "missing":
        checked_note(path).unlink()
    elif note == "forged":
        checked_note(path).write_text(identity + " " + "0" * 64, encoding="ascii")
    else:
        other = journal._checked_line(b"another key of sixteen bytes", identity.encode())
        checked_note(path).write_bytes(other)
    with pytest.raises(BrokenJournalError, match=r"journal\.jsonl:1: "):
        append(path, KEY.encode(), {"n": 3})


def test_a_note_that_cannot_be_written_still_lets_the_journal_grow(tmp_path: Path) -> None:
    """A folder where the note cannot be made: appends go on, each checking the whole chain."""
    path = three_entries(tmp_path)
    checked_note(path).unlink()
    checked_note(path).mkdir()  # the note's name taken by a folder
    append(path, KEY.encode(), {"n": 3})
    changed_first_line(path)
    with pytest.raises(BrokenJournalError):
        append(path, KEY.encode(), {"n": 4})
