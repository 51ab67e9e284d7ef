"""Hostile surroundings and sizes: closed streams, narrow encodings, far dates, huge texts."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ANN_HANDOUT, Run
from vplan.parse import MAX_DECIMALS, MAX_LEVELS
from vplan.schema import MAX_TEXT
from vplan.validate import MAX_NAME


def vplan(*args: str, env: dict[str, str] | None = None, shell_tail: str = "") -> tuple[int, str]:
    """Run vplan in a shell (so a stream can be closed with ``shell_tail``): exit code, stderr."""
    command = " ".join([f"'{sys.executable}'", "-m", "vplan", *(f"'{a}'" for a in args)])
    done = subprocess.run(
        f"{command} {shell_tail}", shell=True, capture_output=True, text=True, timeout=120,
        env=dict(os.environ, **(env or {})), check=False,
    )  # fmt: skip
    return done.returncode, done.stderr


# --- closed standard streams ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("check", "lifting", "-p", "2025-03-01", "--day", "5"), 4),
        (("check", "walking", "-p", "2025-03-01", "--day", "5"), 4),
        (("schedule", "2025-03-01"), 4),
    ],
)
def test_a_closed_stdout_is_exit_4_never_a_verdict(args: tuple[str, ...], code: int) -> None:
    """Without stdout, 'check' never ends in 0 or 1 (allowed / not allowed): exit 4, one line."""
    returned, err = vplan(*args, shell_tail=">&-")
    assert returned == code
    assert err == (
        "vplan: error: the standard output is closed, so nothing can be shown; run vplan with "
        "its output going to the screen, a pipe or a file\n"
    )


@pytest.mark.parametrize(
    ("args", "code"),
    [(("check", "nosuch"), 2), (("check", "lifting", "-p", "2025-03-01", "--day", "5"), 1),
     (("check", "bath", "-p", "2025-03-01", "--day", "42"), 0)],
)  # fmt: skip
def test_a_closed_stderr_keeps_the_exit_code(args: tuple[str, ...], code: int) -> None:
    """With stderr closed, a refusal is still exit 2 and a verdict still its own code."""
    returned, _ = vplan(*args, shell_tail="2>&-")
    assert returned == code


def test_a_closed_stdout_never_lands_in_the_journal(tmp_path: Path) -> None:
    """With fd 1 closed, the journal opened later does not receive what was meant for stdout."""
    journal = tmp_path / "journal.jsonl"
    returned, _ = vplan(*ANN_HANDOUT, "-o", str(tmp_path / "ann.pdf"), "--record", str(journal),
                        env={"VPLAN_RECORD_KEY": "k" * 20}, shell_tail=">&-")  # fmt: skip
    assert returned == 4
    assert not journal.exists()
    assert not (tmp_path / "ann.pdf").exists()


# --- encodings that cannot show the plan ------------------------------------------------------


@pytest.mark.parametrize(
    "env",
    [{"PYTHONIOENCODING": "ascii"}, {"LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONIOENCODING": ""}],
    ids=["PYTHONIOENCODING=ascii", "LC_ALL=C"],
)
@pytest.mark.parametrize("lang", ["en", "es"])
def test_an_ascii_output_fails_with_one_line(env: dict[str, str], lang: str) -> None:
    """The fever sign's '°F' on an ASCII output: exit 4 and one line saying how to fix it."""
    code, err = vplan("schedule", "2025-03-01", "--lang", lang, env=env)
    assert code == 4
    [line] = err.splitlines()
    assert "cannot show" in line
    assert "PYTHONIOENCODING=utf-8" in line


# --- dates and numbers beyond what vplan plans for ------------------------------------------


@pytest.mark.parametrize("today", ["9999-12-31", "0001-01-01", "1899-12-31", "2200-01-01"])
@pytest.mark.parametrize(
    "args", [("check", "lifting", "-p", "today"), ("rules", "lint"), ("schedule", "today")]
)
def test_a_today_outside_the_years_is_refused(
    run: Run, monkeypatch: pytest.MonkeyPatch, today: str, args: tuple[str, ...]
) -> None:
    """VPLAN_TODAY outside 1900-2199 is exit 2 with one line, never an overflow."""
    monkeypatch.setenv("VPLAN_TODAY", today)
    result = run(*args)
    assert result.code == 2
    assert "outside the years vplan plans for (1900-2199)" in result.err


@pytest.mark.parametrize(
    "weight", ["10.000000000000000000000000000001lb", "4.53592370000000000000000000000001kg"]
)
def test_a_weight_past_a_scales_precision_is_refused(run: Run, weight: str) -> None:
    """A weight with more decimals than a scale shows is refused, never rounded into ALLOWED."""
    result = run("check", "lifting", weight, "-p", "2025-03-01", "--day", "5")
    assert result.code == 2
    assert f"write at most {MAX_DECIMALS}" in result.err


# --- texts longer than a page -------------------------------------------------------------


def _orders(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "orders.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ('notes:\n  - {en: "' + "word " * 3000 + '"}\n', f"more than the {MAX_TEXT:,} one text"),
        ('notes:\n  - {en: "' + "x" * 20_000 + '"}\n', f"more than the {MAX_TEXT:,} one text"),
        ('milestones:\n  - {at: 2 weeks, text: {en: "' + "y" * 5000 + '"}}\n', "one text"),
        ('activities:\n  walking:\n    advice: {en: "' + "z" * 5000 + '"}\n', "one text"),
        ('activities:\n  walking:\n    name: {en: "' + "W" * 500 + '"}\n',
         f"more than the {MAX_NAME} a name may have"),
    ],
    ids=["note", "one long word", "milestone", "advice", "activity name"],
)  # fmt: skip
def test_an_order_longer_than_a_page_is_refused_before_the_handout(
    run: Run, tmp_path: Path, text: str, found: str
) -> None:
    """A note, milestone, advice or name longer than a page: exit 3 at its place, nothing written."""
    out = tmp_path / "ann.pdf"
    result = run(*ANN_HANDOUT, "-o", str(out), "--orders", str(_orders(tmp_path, text)))
    assert result.code == 3
    assert found in result.err
    assert not out.exists()


def test_the_longest_texts_allowed_still_print(run: Run, tmp_path: Path) -> None:
    """A note of the longest length allowed and a name of the longest print in large print."""
    text = ('notes:\n  - {en: "' + "x" * MAX_TEXT + '"}\nactivities:\n  walking:\n'
            '    name: {en: "' + "W" * MAX_NAME + '"}\n')  # fmt: skip
    out = tmp_path / "ann.pdf"
    result = run(*ANN_HANDOUT, "-o", str(out), "--large-print", "--orders",
                 str(_orders(tmp_path, text)))  # fmt: skip
    assert result.code == 0, result.err
    assert out.read_bytes().startswith(b"%PDF")


def test_thousands_of_levels_are_refused(run: Run, tmp_path: Path) -> None:
    """3,000 --levels is bad input (exit 2), not a layout crash."""
    out = tmp_path / "ann.pdf"
    result = run(*ANN_HANDOUT, "-o", str(out), "--levels", ",".join(["L1"] * 3000))
    assert result.code == 2
    assert f"more than the {MAX_LEVELS} one procedure treats" in result.err
    assert not out.exists()


def test_a_text_no_page_can_hold_is_one_line_exit_3(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Should the layout still find a text taller than a page, it is exit 3 and one line."""
    from reportlab.platypus.doctemplate import LayoutError

    from vplan.render import pdf

    def too_tall(handout: object) -> tuple[bytes, int]:
        raise LayoutError("Flowable <_Paragraph at 0x7f00>Walk with help(554 x 2561), too large")

    monkeypatch.setattr(pdf, "_laid_out", too_tall)
    out = tmp_path / "ann.pdf"
    result = run(*ANN_HANDOUT, "-o", str(out))
    assert result.code == 3
    assert "too long to fit on one page ('Walk with help...')" in result.err
    assert not out.exists()


# --- smaller promises -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [("-o", "newdir/", "'newdir/' names a folder"), ("-o", "-", "'-' is not a file name here"),
     ("-o", ".", "'.' names a folder")],
)  # fmt: skip
@pytest.mark.parametrize("command", ["schedule", "handout"])
def test_an_output_that_is_no_file_name_is_refused(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, option: str, value: str,
    message: str, command: str,
) -> None:  # fmt: skip
    """'-o newdir/' and '-o -' are bad input: no file named 'newdir' or '-' is written."""
    monkeypatch.chdir(tmp_path)
    args = ANN_HANDOUT if command == "handout" else ("schedule", "2025-03-01")
    result = run(*args, option, value)
    assert result.code == 2
    assert message in result.err
    assert list(tmp_path.iterdir()) == []


def test_written_file_names_are_shown_escaped(run: Run, tmp_path: Path) -> None:
    """A file name holding a terminal's title sequence is echoed with its controls escaped."""
    out = tmp_path / "a\x1b]0;pwned\x07.txt"
    result = run("schedule", "2025-03-01", "-o", str(out))
    assert result.code == 0, result.err
    assert "a\\x1b]0;pwned\\x07.txt" in result.out
    assert "\x1b" not in result.out


def test_a_day_list_name_is_shown_escaped(run: Run, tmp_path: Path) -> None:
    """The 'Read LIST' line escapes control characters in the list's name."""
    day = tmp_path / "day\x1b[2J.csv"
    day.write_text("name,procedure_date\nAnn Lee,2025-03-01\n", encoding="utf-8")
    result = run(
        "handout", "--phone", "555-0100", "--batch", str(day), "--out-dir", str(tmp_path / "o")
    )
    assert result.code == 0, result.err
    assert "day\\x1b[2J.csv" in result.out
    assert "\x1b" not in result.out


def test_a_relative_xdg_cache_home_is_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """XDG_CACHE_HOME that is not absolute is ignored, as the XDG spec says: HOME's is used."""
    from vplan.rules import _cache_file

    monkeypatch.chdir(tmp_path)
    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    found = _cache_file(b"x", {"XDG_CACHE_HOME": "relative", "HOME": str(home)})
    assert found is not None
    assert found.parent == home / ".cache" / "vplan"
    assert not (tmp_path / "relative").exists()


def test_a_follow_up_a_century_away_is_refused(run: Run, tmp_path: Path) -> None:
    """A follow-up visit in 2199 is a typing slip: exit 2, not a 108-page handout."""
    out = tmp_path / "ann.pdf"
    result = run(*ANN_HANDOUT, "-o", str(out), "--follow-up", "2199-03-10 10:00")
    assert result.code == 2
    assert "more than a year after the procedure date" in result.err
    assert not out.exists()


def test_a_terminal_of_no_width_still_shows_the_answer() -> None:
    """COLUMNS=0 on a terminal shows the verdict, at the narrowest width vplan writes."""
    import shutil

    if shutil.which("script") is None:
        pytest.skip("no 'script' to give vplan a terminal")
    command = f"'{sys.executable}' -m vplan check walking -p 2025-03-01 --day 3"
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    done = subprocess.run(
        ["script", "-qc", command, "/dev/null"], capture_output=True, text=True, timeout=120,
        env=dict(env, COLUMNS="0"), check=False,
    )  # fmt: skip
    assert "ALLOWED" in done.stdout
