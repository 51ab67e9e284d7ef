"""The stamp on outputs, reproducible files, the chart note and the journal of what was given."""

from __future__ import annotations

import hashlib
import io
import json
import multiprocessing
import os
import stat
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pypdf
import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import ANN_HANDOUT, Run, batch_of
from vplan import __version__
from vplan.dates import dates
from vplan.handout import unbroken
from vplan.journal import append, entries, file_mac
from vplan.plan import Plan
from vplan.record import patient_id
from vplan.rules import default_rules_path

KEY = "a clinic secret of more than sixteen bytes"
EPOCH = "1740830400"  # 2025-03-01 12:00 UTC
EPOCH_DAY = datetime.fromtimestamp(int(EPOCH), UTC).date()
RULES_SHA256 = hashlib.sha256(default_rules_path().read_bytes()).hexdigest()


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No journal, key or fixed time from the environment unless a test sets one."""
    for name in (
        "VPLAN_RECORD",
        "VPLAN_RECORD_KEY",
        "VPLAN_RECORD_KEY_FILE",
        "SOURCE_DATE_EPOCH",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    """Outputs made at a fixed time, as SOURCE_DATE_EPOCH says."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


@pytest.fixture
def key(monkeypatch: pytest.MonkeyPatch) -> None:
    """The clinic's key in the environment."""
    monkeypatch.setenv("VPLAN_RECORD_KEY", KEY)


def pages_of(path: Path) -> int:
    """The number of pages a PDF reader finds."""
    return len(pypdf.PdfReader(io.BytesIO(path.read_bytes())).pages)


def journal_lines(path: Path) -> list[dict[str, object]]:
    """The journal's entries as data."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


# --- the stamp -----------------------------------------------------------------------------


@pytest.mark.usefixtures("epoch")
@pytest.mark.parametrize("fmt", ["text", "markdown", "ics"])
def test_every_schedule_format_carries_the_stamp(run: Run, fmt: str) -> None:
    """Text, Markdown and the calendar name vplan, the protocol, the rules digest, language, date."""
    result = run("schedule", "2025-03-01", "--format", fmt)
    assert result.code == 0, result.err
    flat = " ".join(result.out.replace("\\n", " ").replace("\\", "").split())
    assert f"Made on {EPOCH_DAY.isoformat()} by vplan {__version__}" in flat
    assert f"(rules {RULES_SHA256[:8]}), English." in flat


@pytest.mark.usefixtures("epoch")
def test_json_stamp_fields(run: Run) -> None:
    """The stamp in JSON: full rules digest, no orders, language, made-on date, vplan's version."""
    stamp = json.loads(run("schedule", "2025-03-01", "--format", "json").out)["stamp"]
    assert stamp["rules_sha256"] == RULES_SHA256
    assert stamp["orders_sha256"] is None
    assert stamp["lang"] == "en"
    assert stamp["made_on"] == EPOCH_DAY.isoformat()
    assert stamp["vplan"] == __version__
    assert stamp["procedure"] == "vertebroplasty"


def test_the_stamp_follows_the_rules_file(run: Run, tmp_path: Path) -> None:
    """A changed rules file changes the digest in the stamp, even with the cache in use."""
    edited = tmp_path / "clinic.yaml"
    edited.write_bytes(default_rules_path().read_bytes() + b"\n# reviewed again\n")
    stamp = json.loads(run("schedule", "2025-03-01", "-f", "json", "--rules", str(edited)).out)[
        "stamp"
    ]
    assert stamp["rules_sha256"] == hashlib.sha256(edited.read_bytes()).hexdigest()
    assert stamp["rules_sha256"] != RULES_SHA256


@pytest.mark.usefixtures("epoch")
def test_the_handout_footer_carries_the_stamp_in_its_language(run: Run, tmp_path: Path) -> None:
    """The HTML handout ends with the stamp, its date as the patient reads dates, in Spanish too."""
    for lang, start in (("en", "Made on"), ("es", "Hecho el")):
        out = tmp_path / f"{lang}.html"
        result = run(
            "handout",
            "--phone",
            "555-0100",
            "2025-03-01",
            "--patient",
            "Ana",
            "--lang",
            lang,
            "-o",
            str(out),
        )
        assert result.code == 0, result.err
        html = out.read_text(encoding="utf-8")
        flat = html.replace("\u00a0", " ")
        made_on = dates(lang).long(EPOCH_DAY)  # with the weekday, as every date the patient reads
        assert f'<p class="stamp">{start} {made_on} ' in flat
        assert unbroken(made_on) in html  # never broken across lines
        if lang == "en":
            assert '<p class="stamp">Made on Sat, Mar 1, 2025 by vplan' in flat
        assert RULES_SHA256[:8] in html


def test_a_bad_source_date_epoch_is_refused(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    """SOURCE_DATE_EPOCH that is not a whole number of seconds is exit 2, one line."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    result = run("schedule", "2025-03-01")
    assert result.code == 2
    assert "SOURCE_DATE_EPOCH is 'yesterday'" in result.err


@given(st.integers(min_value=0, max_value=4_102_444_800))
def test_the_made_on_date_is_the_epochs_day_in_utc(seconds: int) -> None:
    """For any SOURCE_DATE_EPOCH the time is that second in UTC."""
    from vplan.clock import now

    made = now({"SOURCE_DATE_EPOCH": str(seconds)})
    assert made == datetime.fromtimestamp(seconds, UTC)


def test_without_an_epoch_the_time_comes_from_the_clock_given() -> None:
    """The clock is injectable: without SOURCE_DATE_EPOCH the one passed in is used."""
    from vplan.clock import now

    fixed = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
    assert now({}, clock=lambda: fixed) == fixed


# --- the same bytes for the same inputs ----------------------------------------------------


def handout_at(
    run: Run, monkeypatch: pytest.MonkeyPatch, seconds: int | str, out: Path, *more: str
) -> bytes:
    """Ann's handout written to ``out`` as made at ``seconds`` (SOURCE_DATE_EPOCH): its bytes."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(seconds))
    result = run(*ANN_HANDOUT, *more, "-o", str(out))
    assert result.code == 0, result.err
    return out.read_bytes()


@pytest.mark.parametrize("suffix", ["pdf", "html", "ics"])
def test_the_same_epoch_gives_the_same_bytes(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str
) -> None:
    """With SOURCE_DATE_EPOCH, two runs write byte-identical files, large print too."""
    made = [
        handout_at(run, monkeypatch, EPOCH, tmp_path / f"{n}.{suffix}", "--large-print")
        for n in (1, 2)
    ]
    assert made[0] == made[1]


def test_another_time_the_same_day_changes_nothing(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only the made-on date depends on the time: an hour later, the HTML handout is the same."""
    made = [
        handout_at(run, monkeypatch, seconds, tmp_path / f"{n}.html")
        for n, seconds in enumerate((int(EPOCH), int(EPOCH) + 3600))
    ]
    assert made[0] == made[1]


@pytest.mark.parametrize("large_print", [False, True])
def test_without_an_epoch_the_pdf_depends_only_on_the_stamp(plan: Plan, large_print: bool) -> None:
    """Without SOURCE_DATE_EPOCH, two PDFs with the same stamp are the same bytes."""
    from vplan.documents import Subject, make
    from vplan.formats import PDF
    from vplan.handout import Layout, Patient

    layout = Layout(large_print=large_print)
    one, two = (
        make(
            PDF,
            Subject(
                plan,
                datetime(2025, 3, 1, hour, tzinfo=UTC),
                patient=Patient("Ann Lee", phone="555-0100"),
                layout=layout,
            ),
        ).data
        for hour in (8, 17)
    )
    assert one == two


def test_another_day_changes_only_the_stamps_date(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A day later, the HTML handout differs only in the made-on date."""
    made = [
        handout_at(run, monkeypatch, seconds, tmp_path / f"{n}.html").decode().splitlines()
        for n, seconds in enumerate((int(EPOCH), int(EPOCH) + 86400))
    ]
    changed = [(a, b) for a, b in zip(made[0], made[1], strict=True) if a != b]
    assert len(changed) == 1
    before, after = (line.replace("\u00a0", " ") for line in changed[0])
    assert "Made on Sat, Mar 1, 2025 " in before
    assert "Made on Sun, Mar 2, 2025 " in after


def test_the_calendar_differs_only_in_its_timestamps(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An hour later, the calendar file differs only in its DTSTAMP lines."""
    made = []
    for n, seconds in enumerate((int(EPOCH), int(EPOCH) + 3600)):
        monkeypatch.setenv("SOURCE_DATE_EPOCH", str(seconds))
        out = tmp_path / f"{n}.ics"
        assert run("schedule", "2025-03-01", "-f", "ics", "-o", str(out)).code == 0
        made.append(out.read_bytes().splitlines())
    changed = [a for a, b in zip(made[0], made[1], strict=True) if a != b]
    assert changed
    assert all(line.startswith(b"DTSTAMP:") for line in changed)


# --- the chart note ------------------------------------------------------------------------


def test_a_handout_prints_a_chart_note(run: Run, tmp_path: Path) -> None:
    """After the handout, one line for the chart: procedure, protocol, rules, language, pages."""
    out = tmp_path / "ann.pdf"
    result = run(*ANN_HANDOUT, "--large-print", "-o", str(out))
    assert result.code == 0, result.err
    note = result.out.splitlines()[1]
    assert note.startswith("Discharge instructions given: recovery after vertebroplasty")
    assert f"2026.12-6 (rules {RULES_SHA256[:8]}), English, large print, " in note
    assert note.endswith(f", {pages_of(out)} pages.")
    assert "Ann" not in note


def test_the_chart_note_of_a_spanish_calendar(run: Run, tmp_path: Path) -> None:
    """A phone calendar is named as such, with its language and no page count."""
    out = tmp_path / "ana.ics"
    result = run(
        "handout",
        "--phone",
        "555-0100",
        "2025-03-01",
        "--patient",
        "Ana",
        "--lang",
        "es",
        "-o",
        str(out),
    )
    note = result.out.splitlines()[1]
    assert note.startswith("Recovery calendar for the patient's phone given:")
    assert note.endswith("Spanish.")


def test_the_chart_note_ends_with_the_follow_up_when_there_is_one(plan: Plan) -> None:
    """A follow-up visit (from an orders file) ends the note with its date and time."""
    from vplan.record import Written, chart_note
    from vplan.stamp import make_stamp

    made = make_stamp(plan.protocol, "en", date(2025, 3, 1), orders_sha256="ab" * 32)
    note = chart_note(plan, made, Written("html", "0" * 64), datetime(2025, 3, 10, 14, 30))
    assert "(rules " in note
    assert ", orders abababab)" in note
    assert note.endswith(", follow-up Mon, Mar 10, 2025 2:30 PM.")


# --- the journal ---------------------------------------------------------------------------


def test_record_without_a_key_writes_nothing(run: Run, tmp_path: Path) -> None:
    """--record without the clinic's key is exit 2, before any file is written."""
    out = tmp_path / "ann.pdf"
    journal = tmp_path / "journal.jsonl"
    result = run("handout", "--phone", "555-0100", "2025-03-01", "--patient", "Ann Lee", "-o", str(out),
                 "--record", str(journal))  # fmt: skip
    assert result.code == 2
    assert "VPLAN_RECORD_KEY" in result.err
    assert not out.exists()
    assert not journal.exists()


@pytest.mark.usefixtures("key", "epoch")
def test_the_journal_entry_says_what_was_given_and_names_no_one(run: Run, tmp_path: Path) -> None:
    """One line per file: digests, procedure, language, format, pages; the name only as an HMAC."""
    out = tmp_path / "ann-lee.pdf"
    journal = tmp_path / "journal.jsonl"
    result = run("handout", "--phone", "555-0100", "2025-03-01", "--patient", "Ann Lee", "-o", str(out),
                 "--record", str(journal))  # fmt: skip
    assert result.code == 0, result.err
    (entry,) = journal_lines(journal)
    digest = hashlib.sha256(out.read_bytes()).hexdigest()
    assert entry["file_hmac"] == file_mac(KEY.encode(), digest)
    assert digest not in journal.read_text(encoding="utf-8")  # no plain hash to test names on
    assert entry["rules_sha256"] == RULES_SHA256
    assert entry["orders_sha256"] is None
    assert entry["follow_up"] is None
    assert entry["procedure"] == "vertebroplasty"
    assert entry["procedure_date"] == "2025-03-01"
    assert (entry["lang"], entry["format"], entry["paper"]) == ("en", "pdf", "letter")
    assert entry["pages"] == pages_of(out)
    assert entry["made_on"] == EPOCH_DAY.isoformat()
    assert entry["patient"] == patient_id(KEY.encode(), "Ann Lee")
    text = journal.read_text(encoding="utf-8").lower()
    assert "ann" not in text
    assert "lee" not in text


def test_the_patient_is_an_hmac_under_the_key() -> None:
    """The same name under another key gives another value; case and spaces do not matter."""
    one, two = b"k" * 32, b"j" * 32
    assert patient_id(one, "Ann  Lee") == patient_id(one, "ann lee")
    assert patient_id(one, "Ann Lee") != patient_id(two, "Ann Lee")
    assert patient_id(one, "Ann Lee", "MRN 123") != patient_id(one, "Ann Lee")
    assert patient_id(one, "Ann Lee") != hashlib.sha256(b"Ann Lee").hexdigest()


@pytest.mark.usefixtures("key")
def test_schedule_to_a_file_is_recorded(run: Run, tmp_path: Path) -> None:
    """Schedule -o with --record records the file written; to the screen, nothing is recorded."""
    journal = tmp_path / "journal.jsonl"
    out = tmp_path / "plan.ics"
    assert run("schedule", "2025-03-01", "-f", "ics", "-o", str(out), "--record", str(journal)
               ).code == 0  # fmt: skip
    to_screen = run("schedule", "2025-03-01", "--record", str(journal))
    assert to_screen.code == 2
    assert "--record keeps a record of a file written" in to_screen.err
    (entry,) = journal_lines(journal)
    assert entry["format"] == "ics"
    assert entry["patient"] is None


@pytest.mark.usefixtures("key")
def test_verify_finds_a_recorded_file_and_refuses_a_changed_one(run: Run, tmp_path: Path) -> None:
    """verify: exit 0 and the entry for the file as written; 6 once a byte changed, or unknown."""
    journal = tmp_path / "journal.jsonl"
    out = tmp_path / "ann.html"
    run(*ANN_HANDOUT, "-o", str(out), "--record", str(journal))
    found = run("record", "verify", str(out), "--record", str(journal))
    assert found.code == 0, found.err
    assert "line 1, unchanged" in found.out
    assert "Language: English" in found.out
    assert f"rules {RULES_SHA256[:8]}" in found.out
    out.write_bytes(out.read_bytes() + b" ")
    changed = run("record", "verify", str(out), "--record", str(journal))
    assert changed.code == 6
    assert "not in the journal" in changed.out
    other = tmp_path / "other.txt"
    other.write_text("hello", encoding="utf-8")
    assert run("record", "verify", str(other), "--record", str(journal)).code == 6


def _three_entries(tmp_path: Path) -> Path:
    journal = tmp_path / "journal.jsonl"
    for n in range(3):
        append(journal, KEY.encode(), {"n": n, "lang": "en", "file_hmac": f"{n:064x}"})
    return journal


def _resealed(lines: list[str]) -> list[str]:
    """The lines with line 2 edited and the chain made again with the SHA-256 anyone can take."""
    forged = []
    prev = "0" * 64
    for line in lines:
        fields = json.loads(line)
        fields.pop("mac")
        fields["prev"] = prev
        fields["lang"] = "es" if fields["n"] == 1 else fields["lang"]
        body = json.dumps(fields, separators=(",", ":"))
        prev = hashlib.sha256(body.encode()).hexdigest()
        forged.append(body[:-1] + f',"mac":"{prev}"}}')
    return forged


@pytest.mark.usefixtures("key")
@pytest.mark.parametrize(
    ("damage", "line"),
    [
        (lambda lines: [lines[0], lines[1].replace('"n":1', '"n":7'), lines[2]], 2),
        (lambda lines: [*lines[:2], lines[2].replace('"lang":"en"', '"lang":"es"')], 3),
        (lambda lines: [lines[0], lines[2]], 2),
        (lambda lines: lines[1:], 1),
        (lambda lines: [lines[1], lines[0], lines[2]], 1),
        (lambda lines: [lines[0], lines[1][:-5], lines[2]], 2),
        (lambda lines: [*lines[:2], '{"prev":"' + "0" * 64 + '",'], 3),
        (lambda lines: [*lines[:2], lines[2][:40] + "x"], 3),
        (_resealed, 1),
    ],
    ids=["edited", "last edited", "deleted", "first deleted", "swapped", "cut short",
         "last cut, wrong prev", "last cut, changed", "resealed"],
)  # fmt: skip
def test_check_names_the_first_broken_line(
    run: Run, tmp_path: Path, damage: Callable[[list[str]], list[str]], line: int
) -> None:
    """An edited, deleted, moved, cut or re-chained line is named by check, exit 7."""
    journal = _three_entries(tmp_path)
    assert run("record", "check", "--record", str(journal)).code == 0
    lines = journal.read_bytes().decode().splitlines()
    damaged = damage(lines)
    cut = not damaged[-1].endswith("}")
    journal.write_text("\n".join(damaged) + ("" if cut else "\n"), encoding="utf-8")
    result = run("record", "check", "--record", str(journal))
    assert result.code == 7
    assert f"{journal}:{line}: the journal's chain is broken" in result.err
    verify = run("record", "verify", str(journal), "--record", str(journal))
    assert verify.code == 7


@pytest.mark.usefixtures("key")
def test_check_and_verify_need_the_key_the_journal_was_written_under(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the key, nothing can be checked; under another key, the first line is named."""
    journal = _three_entries(tmp_path)
    monkeypatch.setenv("VPLAN_RECORD_KEY", "another clinic secret, long enough")
    other = run("record", "check", "--record", str(journal))
    assert other.code == 7
    assert f"{journal}:1:" in other.err
    monkeypatch.delenv("VPLAN_RECORD_KEY")
    assert run("record", "check", "--record", str(journal)).code == 2


@pytest.mark.usefixtures("key")
@pytest.mark.parametrize("batch", [False, True], ids=["one handout", "batch"])
def test_a_journal_that_cannot_be_added_to_stops_before_any_file_is_written(
    run: Run, tmp_path: Path, batch: bool
) -> None:
    """A cut-short journal is found first: exit 7, and no handout is written unrecorded."""
    journal = tmp_path / "journal.jsonl"
    journal.write_text('{"prev":"x"', encoding="utf-8")
    out = tmp_path / "out"
    if batch:
        csv = tmp_path / "list.csv"
        csv.write_text("name,procedure_date\nAnn Lee,2025-03-01\n", encoding="utf-8")
        args = ["--batch", str(csv), "--out-dir", str(out)]
    else:
        args = ["2025-03-01", "--patient", "Ann Lee", "-o", str(out.with_suffix(".pdf"))]
    result = run("handout", *args, "--record", str(journal))
    assert result.code == 7
    assert "nothing was written" in result.err
    assert not out.exists()
    assert not out.with_suffix(".pdf").exists()


@pytest.mark.usefixtures("key")
def test_check_of_a_missing_journal_is_bad_input(run: Run, tmp_path: Path) -> None:
    """A journal that does not exist is exit 2, saying so."""
    result = run("record", "check", "--record", str(tmp_path / "none.jsonl"))
    assert result.code == 2
    assert "there is no journal" in result.err


def _append_many(path: str, worker: int) -> None:
    for n in range(40):
        append(Path(path), KEY.encode(), {"worker": worker, "n": n, "pad": "x" * 2000})


def test_two_writers_at_once_lose_and_tangle_nothing(tmp_path: Path) -> None:
    """Two processes appending at once: every entry is there, whole, and the chain holds."""
    journal = tmp_path / "journal.jsonl"
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_append_many, args=(str(journal), w)) for w in (1, 2)]
    for process in workers:
        process.start()
    for process in workers:
        process.join()
    found = list(entries(journal, KEY.encode()))
    assert len(found) == 80
    assert {(e.fields["worker"], e.fields["n"]) for e in found} == {
        (w, n) for w in (1, 2) for n in range(40)
    }


@pytest.mark.usefixtures("key")
def test_a_batch_records_every_file_from_the_parent(run: Run, tmp_path: Path) -> None:
    """A batch with two workers records one entry per file written, each verifiable."""
    rows = "".join(f"Patient {n},2025-03-0{n}\n" for n in range(1, 5)) + "Bad,2025-13-01\n"
    csv = tmp_path / "list.csv"
    csv.write_text("name,procedure_date,output\n" + rows.replace("\n", ",\n"), encoding="utf-8")
    journal = tmp_path / "journal.jsonl"
    out = tmp_path / "out"
    result = run(*batch_of(csv, out), "--jobs", "2",
                 "--format", "html", "--record", str(journal))  # fmt: skip
    assert result.code == 5
    assert len(journal_lines(journal)) == 4
    for path in out.iterdir():
        assert run("record", "verify", str(path), "--record", str(journal)).code == 0
    assert "Patient " not in journal.read_text(encoding="utf-8")


def test_a_key_file_must_be_the_owners_alone(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Record key writes a 0600 key; a key file others can read is refused with exit 2."""
    key_file = tmp_path / "record.key"
    made = run("record", "key", str(key_file))
    assert made.code == 0, made.err
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert run("record", "key", str(key_file)).code == 4
    monkeypatch.setenv("VPLAN_RECORD_KEY_FILE", str(key_file))
    journal = tmp_path / "journal.jsonl"
    out = tmp_path / "a.html"
    args = (
        "handout",
        "--phone",
        "555-0100",
        "2025-03-01",
        "--patient",
        "A",
        "-o",
        str(out),
        "--record",
        str(journal),
    )
    assert run(*args).code == 0
    key_file.chmod(0o644)
    refused = run(*args, "--force")
    assert refused.code == 2
    assert "chmod 600" in refused.err


def test_a_short_key_is_refused(run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A key of fewer than 16 bytes is exit 2."""
    monkeypatch.setenv("VPLAN_RECORD_KEY", "short")
    result = run("handout", "--phone", "555-0100", "2025-03-01", "--patient", "A", "-o", str(tmp_path / "a.pdf"),
                 "--record", str(tmp_path / "j"))  # fmt: skip
    assert result.code == 2
    assert "at least 16" in result.err


@pytest.mark.parametrize("kind", ["fifo", "folder"])
def test_a_key_file_that_is_not_an_ordinary_file_is_refused_at_once(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    """A FIFO or a folder as the key file is exit 2 straight away (a FIFO never hangs)."""
    path = tmp_path / "clinic.key"
    if kind == "fifo":
        os.mkfifo(path, 0o600)
    else:
        path.mkdir(mode=0o700)
    monkeypatch.setenv("VPLAN_RECORD_KEY_FILE", str(path))
    result = run("record", "check", "--record", str(tmp_path / "j.jsonl"))
    assert result.code == 2
    assert "key file" in result.err


@pytest.mark.usefixtures("key")
@pytest.mark.parametrize("suffix", ["pdf", "html", "ics"])
def test_a_recorded_file_is_made_again_byte_for_byte_from_its_entry(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str
) -> None:
    """SOURCE_DATE_EPOCH set to the entry's made_at re-makes the very file that was given."""
    journal = tmp_path / "journal.jsonl"
    given = tmp_path / f"given.{suffix}"
    args = ("handout", "2025-03-01", "--patient", "Ann Lee", "--phone", "555-0100")
    assert run(*args, "-o", str(given), "--record", str(journal)).code == 0
    (entry,) = journal_lines(journal)
    made_at = datetime.fromisoformat(str(entry["made_at"]))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(made_at.timestamp())))
    again = tmp_path / f"again.{suffix}"
    assert run(*args, "-o", str(again)).code == 0
    assert again.read_bytes() == given.read_bytes()
    assert run("record", "verify", str(again), "--record", str(journal)).code == 0
