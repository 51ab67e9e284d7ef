"""Inputs that once crashed vplan or were silently accepted."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import Run, edited

WriteRules = Callable[[str], Path]


@pytest.mark.parametrize(
    "args",
    [
        ("schedule", "9999-12-01"),
        ("check", "lifting", "-p", "9999-12-30", "--day", "1"),
        ("check", "lifting", "-p", "2025-03-01", "--day", "99999999"),
        ("check", "lifting", "-p", "0001-01-01"),
        ("check", "lifting", "\uff11\uff15lb", "-p", "2025-03-01"),  # full-width digits
    ],
)
def test_out_of_range_dates_and_days_are_bad_input(run: Run, args: tuple[str, ...]) -> None:
    """Dates past the planning years, huge days and non-ASCII digits are refused with exit 2."""
    result = run(*args)
    assert result.code == 2, result
    assert result.err.count("\n") == 1


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("until: 2 days\n        text:\n          en: Do not drive.",
         "until: 100000 months\n        text:\n          en: Do not drive.", "longer than 10 years"),
        ("until: 2 days\n        text:\n          en: Do not drive.",
         "until: 10000000 days\n        text:\n          en: Do not drive.", "longer than 10 years"),
        ("      - until: 2 days\n        text:\n          en: Do not drive.",
         "      - from: 2 weeks\n        until: 4 weeks\n        text:\n          en: Do not drive.",
         "allowed, then limited"),
        ("      - from: 6 weeks\n        until: 3 months", "      - from: 8 weeks\n        until: 3 months",
         "allowed, then limited again"),
        ('  emergency_number: "911"', '  emergency_number: ""', "empty"),
        ("format: 1", "format: true", "'format'"),
        ("aliases: [walk, walks, short walks]", "aliases: [walk, 4x4 walks]", "starts with a digit"),
        ("  walking:\n", "  walking:\n    <<: {measure: weight}\n", "anchors and aliases"),
        ("format: 1", "format: 1\nx: \x01", "a control character (U+0001)"),
    ],
)  # fmt: skip
def test_rules_mistakes_found_in_review(
    rules_file: WriteRules, run: Run, old: str, new: str, message: str
) -> None:
    """Huge durations, gaps between limits, empty numbers, merge keys and control characters are refused."""
    result = run("rules", "validate", str(rules_file(edited(old, new))))
    assert result.code == 3, result
    assert message in result.err


def test_a_folder_as_rules_file_is_a_rules_error(run: Run, tmp_path: Path) -> None:
    """A folder given as the rules file exits 3, as it does through $VPLAN_RULES."""
    result = run("check", "lifting", "--rules", str(tmp_path))
    assert result.code == 3
    assert "folder" in result.err


def test_a_damaged_cache_entry_is_validated_again(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cache file with the wrong shape is ignored, not trusted."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("VPLAN_CACHE_DIR", str(cache))
    assert run("red-flags").code == 0
    for entry in cache.glob("rules-*.json"):
        entry.write_text("{}")
    assert run("red-flags").code == 0


def test_force_does_not_replace_a_link(run: Run, tmp_path: Path) -> None:
    """--force replaces ordinary files only, never a link or a device."""
    target = tmp_path / "target.txt"
    target.write_text("keep")
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    result = run("schedule", "2025-03-01", "-o", str(link), "--force")
    assert result.code == 4
    assert link.is_symlink()
    assert target.read_text() == "keep"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_disk_is_one_line_and_exit_4(tmp_path: Path) -> None:
    """Writing to a full disk ends with one line on stderr, not a traceback."""
    with Path("/dev/full").open("w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "vplan", "schedule", "2025-03-01"],
            stdout=full, stderr=subprocess.PIPE, text=True, check=False,
            env={"VPLAN_CACHE_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"},
        )  # fmt: skip
    assert done.returncode == 4, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1


def test_amounts_are_shown_as_typed(run: Run) -> None:
    """10.001 lb is shown as typed, so the refusal against a 10 lb limit makes sense."""
    result = run("check", "lift", "10.001lb", "-p", "2025-03-01", "--day", "3")
    assert result.code == 1
    assert "10.001 lb" in result.out


def test_no_command_prints_help(run: Run) -> None:
    """'vplan' alone prints the help and no empty error line."""
    result = run()
    assert "Usage" in result.out
    assert "error" not in result.err
