"""Hostile and mistaken input: nesting, special files, control characters, closed pipes."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import DEFAULT_RULES, Run, batch_of, edited, line_of
from vplan import output
from vplan.chars import controls_in, escaped, is_control
from vplan.errors import RulesError
from vplan.rules import RulesSource, load
from vplan.validate import _RAW_CONTROL, MAX_DEPTH, MAX_LINES, MAX_VALUES

WriteRules = Callable[[str], Path]


def problems(path: Path) -> list[str]:
    """The problem lines vplan reports for the rules file at ``path``."""
    with pytest.raises(RulesError) as err:
        load(RulesSource(path, str(path)), {}, use_cache=False)
    return err.value.lines()


def one_clean_line(text: str) -> bool:
    """``text`` is one line, ending in a newline, with no control character in it."""
    return text.endswith("\n") and not controls_in(text[:-1])


# --- 1 and 11: nesting and size, refused before the YAML reader builds anything ---------

_FLAT = "format: 1\nx:\n"


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        ("x: " + "[" * 300 + "]" * 300 + "\n", "1:35:", "nested more than 32 levels"),
        ("x: " + "{a: " * 300 + "1" + "}" * 300 + "\n", "1:", "nested more than 32 levels"),
        ("".join("  " * i + f"k{i}:\n" for i in range(300)) + "  " * 300 + "1\n",
         "33:", "nested more than 32 levels"),
        ("x:\n" + "".join("  " * i + "-\n" for i in range(1, 300)) + "  " * 300 + "- 1\n",
         ":", "nested more than 32 levels"),
        (_FLAT + "- a\n" * 100_000, f"{MAX_LINES + 1}:1:", "more than the 20,000 a rules file"),
        (_FLAT + "#\n" * MAX_LINES, f"{MAX_LINES + 1}:1:", "lines, more than"),
        ("x: [" + "1, " * MAX_VALUES + "1]\n", "1:", "more than 10,000 values"),
        ("x: [" + "{}, " * MAX_VALUES + "{}]\n", "1:", "more than 10,000 values"),
        (_FLAT + "- [a, b, c, d, e, f, g, h, i, j]\n" * 1_000, ":", "more than 10,000 values"),
    ],
)  # fmt: skip
def test_deep_or_huge_files_are_refused_before_they_are_built(
    rules_file: WriteRules, monkeypatch: pytest.MonkeyPatch, text: str, where: str, message: str
) -> None:
    """Deep nesting and too many lines or values are a rules problem with a place, never built."""
    from ruamel.yaml import YAML

    def never(*args: object) -> None:
        raise AssertionError("the YAML tree was built")

    monkeypatch.setattr(YAML, "load", never)
    path = rules_file(text)
    [line] = problems(path)
    assert line.startswith(f"{path}:")
    assert where in line
    assert message in line


def test_the_limits_leave_room_for_a_protocol_many_times_the_default() -> None:
    """The bundled protocol is far inside every bound (lines, values, depth)."""
    from ruamel.yaml import YAML
    from ruamel.yaml.events import CollectionEndEvent, CollectionStartEvent, NodeEvent

    values = depth = deepest = 0
    for event in YAML(typ="rt").parse(DEFAULT_RULES):
        values += isinstance(event, NodeEvent)
        depth += isinstance(event, CollectionStartEvent) - isinstance(event, CollectionEndEvent)
        deepest = max(deepest, depth)
    assert DEFAULT_RULES.count("\n") * 10 < MAX_LINES
    assert values * 5 < MAX_VALUES
    assert deepest * 3 < MAX_DEPTH


def test_a_deep_file_through_the_cli_is_exit_3_with_one_line_per_problem(
    run: Run, tmp_path: Path
) -> None:
    """300 levels of brackets end as exit 3 and a positioned problem, not a RecursionError."""
    path = tmp_path / "deep.yaml"
    path.write_text("x: " + "[" * 300 + "]" * 300 + "\n", encoding="utf-8")
    result = run("rules", "validate", str(path))
    assert result.code == 3
    first, summary = result.err.splitlines()
    assert first.startswith(f"{path}:1:35: the values are nested more than {MAX_DEPTH} levels")
    assert "nothing was used" in summary


# --- 2: special files as the rules file -------------------------------------------------


def _special(kind: str, tmp_path: Path) -> str:
    if kind == "fifo":
        os.mkfifo(tmp_path / "rules.yaml")
        return str(tmp_path / "rules.yaml")
    if kind == "link to fifo":
        os.mkfifo(tmp_path / "pipe")
        (tmp_path / "rules.yaml").symlink_to(tmp_path / "pipe")
        return str(tmp_path / "rules.yaml")
    if kind == "socket":
        server = socket.socket(socket.AF_UNIX)
        server.bind(str(tmp_path / "rules.sock"))
        return str(tmp_path / "rules.sock")
    return kind  # a device


@pytest.mark.parametrize("how", ["--rules", "VPLAN_RULES"])
@pytest.mark.parametrize("kind", ["fifo", "link to fifo", "socket", "/dev/zero", "/dev/null"])
def test_a_special_file_as_rules_is_refused_without_waiting(
    tmp_path: Path, kind: str, how: str
) -> None:
    """A FIFO, a socket or a device as the rules file is exit 3 at once, not a hang."""
    if kind.startswith("/dev/") and not Path(kind).exists():
        pytest.skip(f"no {kind}")
    path = _special(kind, tmp_path)
    args = ["check", "lifting", *(["--rules", path] if how == "--rules" else [])]
    env = dict(os.environ, VPLAN_CACHE_DIR=str(tmp_path / "cache"))
    if how == "VPLAN_RULES":
        env["VPLAN_RULES"] = path
    done = subprocess.run(
        [sys.executable, "-m", "vplan", *args],
        capture_output=True, text=True, timeout=60, env=env, check=False,
    )  # fmt: skip
    assert done.returncode == 3, done.stderr
    assert f"{path}:1:1: this is not a regular file" in done.stderr
    assert "Traceback" not in done.stderr


# --- 3: control characters in what the rules file says ------------------------------------

_NOTICE = "    en: This plan is a general guide. It does not replace the advice of your care team."


def _notice(inserted: str) -> str:
    """The default rules with ``inserted`` written into the notice, as a quoted YAML text."""
    return edited(_NOTICE, _NOTICE.replace("en: This", f'en: "This{inserted}') + '"')


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("\\e[2J", "U+001B"),
        ("\\0", "U+0000"),
        ("\\a", "U+0007"),
        ("\\N", "U+0085"),
        ("\\x9b2J", "U+009B"),
        ("\\t", "U+0009"),
        ("\\L", "U+2028"),
        ("\\u202e", "U+202E"),
        ("\\r", "U+000D"),
    ],
)
def test_control_characters_written_as_escapes_are_refused_at_the_text(
    rules_file: WriteRules, written: str, shown: str
) -> None:
    """A YAML escape that makes a control character is refused where it is written."""
    text = _notice(written)
    path = rules_file(text)
    [line] = problems(path)
    assert line.startswith(f"{path}:{line_of(text, written)}:9: the text has a control character")
    assert f"({shown})" in line


@pytest.mark.parametrize(
    ("old", "new", "needle"),
    [
        ("    name:\n      en: Lifting", '    name:\n      en: "Lift\\x1bing"', "Lift"),
        ("aliases: [lift,", 'aliases: ["li\\x9bft",', "li\\x9bft"),
        ('  emergency_number: "911"', '  emergency_number: "9\\x0011"', "9\\x0011"),
        ("  lifting:\n", '  "lift\\x1b":\n    source: seed-004\n    name:\n      en: x\n'
         "  lifting:\n", "lift\\x1b"),
    ],
)  # fmt: skip
def test_control_characters_in_names_keys_and_fields_are_refused(
    rules_file: WriteRules, old: str, new: str, needle: str
) -> None:
    """Names, aliases, keys and protocol fields are checked as the texts are."""
    text = edited(old, new)
    found = problems(rules_file(text))
    assert any(
        f":{line_of(text, needle)}:" in line and "control character" in line for line in found
    ), found


@pytest.mark.parametrize("raw", ["\u0085", "\u202e", "\u2028", "\u009b", "\x7f"])
def test_raw_control_characters_in_the_file_are_refused_at_their_place(
    rules_file: WriteRules, raw: str
) -> None:
    """A control character typed into the file (not escaped) is refused at its line and column."""
    text = edited(_NOTICE, _NOTICE.replace("This", f"Th{raw}is"))
    path = rules_file(text)
    [line] = problems(path)
    assert line.startswith(f"{path}:{line_of(text, raw)}:{_NOTICE.index('This') + 3}: ")
    assert f"control character (U+{ord(raw):04X})" in line


def test_newlines_in_texts_are_allowed() -> None:
    """A text written over several lines keeps its line breaks: they are not refused."""
    assert controls_in("one\ntwo", newlines=True) == []
    assert controls_in("one\ntwo") == ["\n"]


def test_the_raw_file_check_refuses_what_the_text_check_does() -> None:
    """The check of the file's characters and of its texts refuse the same set (but tab and ends)."""
    sample = [chr(c) for c in range(0x3000)] + ["\ud800", "\udfff", "\U0001f600"]
    for char in sample:
        expected = is_control(char) and char not in "\t\n\r"
        assert bool(_RAW_CONTROL.fullmatch(char)) is expected, hex(ord(char))


# --- 4: every message that echoes input is one line ---------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain words", "plain words"),
        ("lift\ning", "lift\\ning"),
        ("today\x1b[2J", "today\\x1b[2J"),
        ("a\x00b", "a\\x00b"),
        ("\x9bJ", "\\x9bJ"),
        ("x\u2028y\u202ez", "x\\u2028y\\u202ez"),
        ("lifting\u200b", "lifting\\u200b"),  # no width: another word that looks the same
        ("Ann\u200fLee", "Ann\\u200fLee"),  # a direction mark
        ("\ufeffwalking", "\\ufeffwalking"),
        ("tab\there\r", "tab\\there\\r"),
        ("café ½ 日本", "café ½ 日本"),
    ],
)
def test_escaped_writes_control_characters_as_escapes(text: str, expected: str) -> None:
    """Control characters become visible escapes; letters of any script stay as they are."""
    assert escaped(text) == expected


@pytest.mark.parametrize(
    ("args", "code", "shown"),
    [
        (["check", "lift\ning"], 2, "'lift\\ning'"),
        (["schedule", "today\x1b[2J"], 2, "'today\\x1b[2J'"),
        (["schedule", "2025\x00-03-01"], 2, "'2025\\x00-03-01'"),
        (["check", "lifting", "5\x9blb", "-p", "2025-03-01"], 2, "\\x9b"),
        (["check", "walking", "--rules", "no\x1b]0;x\x07such.yaml"], 3, "no\\x1b]0;x\\x07such"),
        (["schedule", "2025-03-01", "--format", "ics\x1b"], 2, "ics\\x1b"),
        (["check", "lifting", "--procedure", "kypho\u202eplasty"], 2, "kypho\\u202eplasty"),
    ],
)
def test_errors_that_echo_input_are_one_clean_line(
    run: Run, args: list[str], code: int, shown: str
) -> None:
    """An error echoing what was typed shows control characters as escapes, on one line."""
    result = run(*args)
    assert result.code == code, result.err
    last = result.err.splitlines(keepends=True)[-1 if code == 3 else 0]
    assert all(one_clean_line(line) for line in result.err.splitlines(keepends=True))
    assert shown in result.err, last
    assert len(result.err.splitlines()) == (2 if code == 3 else 1)


@pytest.mark.parametrize(
    "header",
    [
        "na\x1bme,procedure_date",
        "name,procedure_date,\x9bx",
        "name,procedure\x1b_date",
        "name\u2028,procedure_date",
        "name,procedure_date,MRN\x00",
    ],
)
def test_a_csv_header_with_control_characters_is_one_clean_line(
    run: Run, tmp_path: Path, header: str
) -> None:
    """A bad CSV header is echoed escaped, on one line."""
    csv_path = tmp_path / "list.csv"
    csv_path.write_text(header + "\nAnn,2025-03-01\n", encoding="utf-8")
    result = run(*batch_of(csv_path, tmp_path / "o"))
    assert result.code == 2
    assert one_clean_line(result.err), result.err


# --- 6: one check of names for every format ---------------------------------------------

_NAMES = ["Ann\x9bJ", "Ann\x85Lee", "Ann\x1b[2J", "Ann\u202eeeL", "Ann\u2028Lee", "Ann\tLee"]


@pytest.mark.parametrize("name", _NAMES)
@pytest.mark.parametrize(
    "command",
    [
        ["schedule", "2025-03-01", "-f", "ics"],
        ["schedule", "2025-03-01", "-f", "json"],
        ["schedule", "2025-03-01", "-f", "text"],
        ["handout", "2025-03-01", "-o", "{out}/h.ics"],
        ["handout", "2025-03-01", "-o", "{out}/h.html"],
        ["handout", "2025-03-01", "-o", "{out}/h.pdf"],
    ],
)
def test_names_with_control_characters_are_refused_in_every_format(
    run: Run, tmp_path: Path, command: list[str], name: str
) -> None:
    """Every format refuses a name with a C0 or C1 control, a separator or a direction override."""
    args = [part.format(out=tmp_path) for part in command]
    result = run(*args, "--patient", name)
    assert result.code == 2, result.err
    assert "control character (U+" in result.err
    assert one_clean_line(result.err)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", _NAMES)
def test_a_batch_row_with_control_characters_in_the_name_is_refused(
    run: Run, tmp_path: Path, name: str
) -> None:
    """A batch row's name is checked as --patient is; the row is refused, the others written."""
    csv_path = tmp_path / "list.csv"
    csv_path.write_text(
        f'name,procedure_date,output\n"{name}",2025-03-01,a.ics\nBo,2025-03-01,b.ics\n',
        encoding="utf-8",
    )
    result = run(*batch_of(csv_path, tmp_path / "o"))
    assert result.code == 5, result.err
    [line] = result.err.splitlines()
    assert "list.csv:2: refused: the patient's name has a control character" in line
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) == ["b.ics"]


# --- 7: a closed pipe ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["rules", "validate"],
        ["rules", "show"],
        ["rules", "lint"],
        ["schedule", "2025-03-01"],
        ["schedule", "2025-03-01", "-f", "ics"],
        ["check", "lifting", "20lb", "-p", "2025-03-01", "--on", "2025-03-04"],
        ["red-flags", "-f", "json"],
    ],
)
def test_a_closed_pipe_is_a_quiet_exit_0(tmp_path: Path, args: list[str]) -> None:
    """When the reader has gone (as in '| head -1'), vplan stops silently with exit 0."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # nobody will read
    env = dict(os.environ, VPLAN_CACHE_DIR=str(tmp_path / "cache"), VPLAN_TODAY="2025-03-01")
    try:
        done = subprocess.run(
            [sys.executable, "-m", "vplan", *args],
            stdout=write_end, stderr=subprocess.PIPE, text=True, timeout=60, env=env,
            check=False,
        )  # fmt: skip
    finally:
        os.close(write_end)
    assert (done.returncode, done.stderr) == (0, "")


# --- 8: the rules cache -------------------------------------------------------------------

_ASK = ("check", "lifting", "50lb", "-p", "2025-03-01", "--on", "2025-03-04")


def _entry(cache: Path) -> Path:
    [entry] = cache.glob("rules-*.json")
    return entry


def _forged(entry: Path) -> bytes:
    """A well-formed entry that says lifting 100 lb is fine and lists no emergency signs."""
    import json

    from vplan.rules import _entry_head

    data = json.loads(entry.read_bytes().partition(b"\n")[2])
    for limit in data["activities"]["lifting"]["limits"]:
        limit["max"] = "100 lb"
    data["warning_signs"]["emergency"] = []
    payload = json.dumps(data).encode()
    return _entry_head(payload) + b"\n" + payload


def _damage(how: str, entry: Path) -> None:
    good = entry.read_bytes()
    head, _, payload = good.partition(b"\n")
    entry.unlink()
    if how == "garbage":
        entry.write_bytes(b"\x00\xff not json")
    elif how == "truncated":
        entry.write_bytes(good[: len(good) // 2])
    elif how == "empty object":
        entry.write_bytes(b"{}")
    elif how == "limit text without en":
        entry.write_bytes(head + b"\n" + payload.replace(b'"en":', b'"xx":', 5))
    elif how == "deep JSON, right checksum":
        from vplan.rules import _entry_head

        deep = b"[" * 100_000 + b"]" * 100_000
        entry.write_bytes(_entry_head(deep) + b"\n" + deep)
    elif how == "unknown unit, right checksum":
        from vplan.rules import _entry_head

        odd = payload.replace(b'"10 lb"', b'"10 stone"')
        entry.write_bytes(_entry_head(odd) + b"\n" + odd)
    elif how == "fifo":
        os.mkfifo(entry)
    elif how == "link to /dev/zero":
        entry.symlink_to("/dev/zero")
    elif how == "link to a good copy":
        (entry.parent / "copy").write_bytes(good)
        entry.symlink_to(entry.parent / "copy")
    elif how == "huge":
        with entry.open("wb") as handle:
            handle.truncate(1 << 30)
    elif how == "folder":
        entry.mkdir()
    entry.parent.chmod(0o700)


@pytest.mark.parametrize(
    "how",
    [
        "garbage", "truncated", "empty object", "limit text without en",
        "deep JSON, right checksum", "unknown unit, right checksum", "fifo",
        "link to /dev/zero", "link to a good copy", "huge", "folder",
    ],
)  # fmt: skip
def test_a_damaged_cache_entry_gives_the_answer_without_the_cache(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    """Any entry that fails to load is discarded: the answer is the one without any cache."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("VPLAN_CACHE_DIR", str(cache))
    fresh = run(*_ASK)
    assert fresh.code == 1, fresh.err
    _damage(how, _entry(cache))
    again = run(*_ASK)
    assert (again.code, again.out, again.err) == (fresh.code, fresh.out, "")
    monkeypatch.setenv("VPLAN_NO_CACHE", "1")
    assert run(*_ASK).out == fresh.out


@pytest.mark.parametrize(
    ("entry_mode", "folder_mode", "note"),
    [
        (0o664, 0o700, "entry"),
        (0o606, 0o700, "entry"),
        (0o600, 0o770, "folder"),
        (0o600, 0o707, "folder"),
        (0o600, 0o1777, "folder"),
    ],
)
def test_a_cache_others_may_write_is_not_used_and_says_so_once(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, entry_mode: int,
    folder_mode: int, note: str,
) -> None:  # fmt: skip
    """A well-formed entry others could have written never changes an answer; stderr says so."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("VPLAN_CACHE_DIR", str(cache))
    fresh = run(*_ASK)
    entry = _entry(cache)
    entry.write_bytes(_forged(entry))
    entry.chmod(entry_mode)
    cache.chmod(folder_mode)
    result = run(*_ASK)
    assert (result.code, result.out) == (1, fresh.out)
    [line] = result.err.splitlines()
    assert line.startswith(f"vplan: note: the rules cache {note} ")
    assert line.endswith("; the rules were validated without the cache")
    flags = run("red-flags")
    assert "911" in flags.out
    # A folder others may write is never used; an entry others may write is replaced.
    assert flags.err.count("note:") == (1 if note == "folder" else 0)
    assert entry.stat().st_mode & 0o022 == (0 if note == "entry" else entry_mode & 0o022)


def test_a_cache_folder_of_another_user_is_not_used(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder owned by someone else (as seen by this user) is neither read nor written."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("VPLAN_CACHE_DIR", str(cache))
    fresh = run(*_ASK)
    entry = _entry(cache)
    entry.write_bytes(_forged(entry))
    monkeypatch.setattr(os, "geteuid", lambda: os.getuid() + 1)
    result = run(*_ASK)
    assert (result.code, result.out) == (fresh.code, fresh.out)
    assert "not private" in result.err


def test_a_new_cache_folder_is_private(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new cache folder is made readable and writable by the user alone."""
    cache = tmp_path / "new" / "cache"
    monkeypatch.setenv("VPLAN_CACHE_DIR", str(cache))
    old = os.umask(0o002)
    try:
        assert run("red-flags").code == 0
    finally:
        os.umask(old)
    assert cache.stat().st_mode & 0o777 == 0o700
    assert _entry(cache).stat().st_mode & 0o077 == 0


# --- 9: batch workers end with their parent -------------------------------------------


def _workers_of(out_dir: Path) -> list[int]:
    """The pids of processes still running a batch into ``out_dir``."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            command = (proc / "cmdline").read_bytes()
        except OSError:
            continue
        if proc.name.isdigit() and str(out_dir).encode() in command:
            found.append(int(proc.name))
    return found


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="needs /proc")
@pytest.mark.parametrize(("signal_name", "code"), [("SIGKILL", -9), ("SIGTERM", 130)])
def test_the_workers_stop_when_the_batch_parent_goes(
    tmp_path: Path, signal_name: str, code: int
) -> None:
    """Killing or stopping the parent alone stops its workers: no handout is written after it."""
    import signal
    import time

    rows = "".join(f"Patient {i},2025-03-01\n" for i in range(400))
    csv_path = tmp_path / "list.csv"
    csv_path.write_text("name,procedure_date\n" + rows, encoding="utf-8")
    out = tmp_path / "out"
    env = dict(os.environ, VPLAN_CACHE_DIR=str(tmp_path / "cache"))
    parent = subprocess.Popen(
        [sys.executable, "-m", "vplan", *batch_of(csv_path, out),
         "-j", "2"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while not (out.is_dir() and any(out.glob("*.pdf"))) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert parent.poll() is None, "the batch ended before it could be stopped"
    parent.send_signal(getattr(signal, signal_name))
    _, err = parent.communicate(timeout=60)
    assert parent.returncode == code
    if code == 130:
        assert err == "vplan: error: stopped\n"
    deadline = time.monotonic() + 30
    while _workers_of(out) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _workers_of(out) == []
    written = sorted(out.iterdir())
    assert all(p.name.endswith(".pdf") for p in written)  # no temporary left behind
    assert all(p.read_bytes().rstrip().endswith(b"%%EOF") for p in written)  # whole files
    assert len(written) < 400


# --- 10: temporary files ------------------------------------------------------------------


def test_a_temporary_file_never_carries_the_patients_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file being written is named .vplan-XXXX.tmp, whatever the handout is called."""
    import tempfile

    from vplan.output import write_file

    made: list[str] = []
    real = tempfile.mkstemp

    def spy(*args: object, **kwargs: object) -> tuple[int, str]:
        fd, name = real(*args, **kwargs)  # type: ignore[call-overload]
        made.append(Path(name).name)
        return fd, name

    monkeypatch.setattr(tempfile, "mkstemp", spy)
    write_file(tmp_path / "jane-doe_2025-03-01.pdf", b"%PDF", force=False)
    [name] = made
    assert name.startswith(".vplan-")
    assert name.endswith(".tmp")
    assert "jane" not in name


def _locked(path: Path) -> subprocess.Popen[bytes]:
    """A process that holds ``path`` locked, as a running vplan holds the file it writes."""
    holder = subprocess.Popen(
        [sys.executable, "-c", "import fcntl, sys; f = open(sys.argv[1], 'rb'); "
         "fcntl.flock(f, fcntl.LOCK_EX); print('held', flush=True); sys.stdin.read()", str(path)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
    )  # fmt: skip
    assert holder.stdout is not None
    assert holder.stdout.readline() == b"held\n"
    return holder


@pytest.mark.parametrize(
    ("name", "kind", "removed"),
    [
        (".vplan-a1b2c3.tmp", "left by a killed run", True),
        (".vplan-d4e5f6.tmp", "being written", False),
        (".jane-doe_2025-03-01.pdf.x1y2.tmp", "not vplan's", False),
        (".vplan-link.tmp", "link", False),
        (".vplan-dir.tmp", "folder", False),
        ("vplan-a1b2c3.tmp", "not hidden", False),
    ],
)
@pytest.mark.parametrize("command", ["schedule", "handout", "batch"])
def test_stale_temporaries_are_removed_on_the_next_run(
    run: Run, tmp_path: Path, name: str, kind: str, removed: bool, command: str
) -> None:
    """A temporary a killed vplan left is removed by the next write there; nothing else is."""
    out = tmp_path / "out"
    out.mkdir()
    target = tmp_path / "target"
    target.write_text("keep")
    stale = out / name
    holder = None
    if kind == "link":
        stale.symlink_to(target)
    elif kind == "folder":
        stale.mkdir()
    else:
        stale.write_bytes(b"%PDF- a whole handout")
        aged = 946684800  # 2000-01-01: left by a run long ago, whatever the clock says now
        os.utime(stale, (aged, aged))
    if kind == "being written":
        holder = _locked(stale)
    try:
        if command == "schedule":
            result = run("schedule", "2025-03-01", "-o", str(out / "plan.txt"))
        elif command == "handout":
            result = run(
                "handout",
                "--phone",
                "555-0100",
                "2025-03-01",
                "--patient",
                "Ann",
                "-o",
                str(out / "a.ics"),
            )
        else:
            csv_path = tmp_path / "list.csv"
            csv_path.write_text("name,procedure_date,output\nAnn,2025-03-01,a.ics\n")
            result = run(*batch_of(csv_path, out))
    finally:
        if holder is not None:
            holder.communicate(b"")
    assert result.code == 0, result.err
    assert (stale.exists() or stale.is_symlink()) is not removed
    assert target.read_text() == "keep"


def test_a_temporary_made_a_moment_ago_is_left_to_its_writer(tmp_path: Path) -> None:
    """A young temporary may be another worker's, not yet locked: the sweep leaves it alone."""
    young = tmp_path / f"{output.TEMP_PREFIX}a1b2c3{output.TEMP_SUFFIX}"
    young.write_bytes(b"%PDF- being written")
    output.remove_stale_temporaries(tmp_path, now=young.stat().st_mtime + 1)
    assert young.exists()


def test_ctrl_c_while_vplan_starts_is_one_line_and_exit_130(tmp_path: Path) -> None:
    """Ctrl-C as the command line's libraries load: 'stopped', exit 130, no traceback."""
    start = (
        "import builtins, os, signal, sys\n"
        "sys.argv = ['vplan', 'schedule', '2025-03-01']\n"
        "real = builtins.__import__\n"
        "def ctrl_c_at_the_command_line(name, *args, **kwargs):\n"
        "    if name == 'vplan.cli':\n"
        "        os.kill(os.getpid(), signal.SIGINT)\n"
        "    return real(name, *args, **kwargs)\n"
        "builtins.__import__ = ctrl_c_at_the_command_line\n"
        "from vplan.__main__ import main\n"
        "main()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", start], cwd=tmp_path, capture_output=True, text=True, check=False,
        env=dict(os.environ, VPLAN_CACHE_DIR=str(tmp_path / "cache")), timeout=60,
    )  # fmt: skip
    assert done.returncode == 130
    assert done.stderr == "vplan: error: stopped\n"
    assert done.stdout == ""


def test_a_name_the_locale_cannot_read_is_said_so(tmp_path: Path) -> None:
    """In LANG=C a typed 'Zoë' reaches vplan as bytes: said so with the fix, never 'control'."""
    env = dict(
        os.environ, LC_ALL="C", LANG="C", PYTHONUTF8="0", PYTHONCOERCECLOCALE="0",
        VPLAN_CACHE_DIR=str(tmp_path / "cache"),
    )  # fmt: skip
    env.pop("PYTHONIOENCODING", None)
    done = subprocess.run(
        [sys.executable, "-m", "vplan", "schedule", "2025-03-01", "--patient", "Zoë".encode()],
        cwd=tmp_path, capture_output=True, check=False, env=env, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2
    err = done.stderr.decode("ascii", "replace")
    assert err.startswith("vplan: error: 'Zo")
    assert "cannot read as text; use a UTF-8 setting, such as LANG=C.UTF-8" in err
    assert "control character" not in err
    assert done.stdout == b""


def test_a_run_in_process_leaves_ctrl_c_as_it_found_it(run: Run) -> None:
    """Called in-process by another program, vplan hands Ctrl-C's handler back unchanged."""
    import signal

    before = signal.getsignal(signal.SIGINT)
    run("check", "walking")
    assert signal.getsignal(signal.SIGINT) is before
