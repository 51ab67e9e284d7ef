"""Hostile orders files: held to every rule the rules file is held to, read as safely."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ANN_HANDOUT, Run, batch_of


def orders(tmp_path: Path, text: str) -> Path:
    """An orders file holding ``text``."""
    path = tmp_path / "orders.yaml"
    path.write_text(text, encoding="utf-8")
    return path


# --- an order cannot rename another activity, nor use a name twice, nor an empty one --------


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("activities:\n  walking:\n    name: {en: Driving}\n", "'Driving' already names the activity 'driving'"),
        ("activities:\n  walking:\n    aliases: [drive]\n", "'drive' already names the activity 'driving'"),
        ("activities:\n  freedom:\n    name: {en: Lifting}\n    aliases: [lift, lifting]\n"
         "    advice: {en: You may lift anything you like}\n",
         "'Lifting' already names the activity 'lifting'"),
        ("activities:\n  freedom:\n    name: {en: Freedom}\n    aliases: [lift]\n",
         "'lift' already names the activity 'lifting'"),
        ("activities:\n  one:\n    name: {en: One}\n    aliases: [same]\n"
         "  two:\n    name: {en: Two}\n    aliases: [same]\n", "'same' already names the activity 'one'"),
        ('activities:\n  "":\n    name: {en: x}\n', "an empty name"),
        ("activities:\n  walking:\n    aliases: ['  ']\n", "an empty name"),
        ("activities:\n  walking:\n    name: {en: 5 walks}\n", "starts with a digit"),
    ],
    ids=["renamed to another's name", "another's alias", "new with another's name",
         "new with another's alias", "one alias for two", "empty key", "blank alias",
         "digit first"],
)  # fmt: skip
def test_an_order_cannot_take_another_activitys_name(
    run: Run, tmp_path: Path, text: str, found: str
) -> None:
    """An order naming an activity as another is refused (exit 3): 'check driving' stays driving."""
    path = orders(tmp_path, text)
    result = run("check", "driving", "-p", "2025-03-01", "--day", "10", "--orders", str(path))
    assert result.code == 3
    assert found in result.err
    assert result.out == ""


def test_an_order_may_rename_its_own_activity(run: Run, tmp_path: Path) -> None:
    """Giving walking a new name of its own, and keeping its own aliases, is allowed."""
    path = orders(tmp_path, "activities:\n  walking:\n    name: {en: Strolling}\n")
    result = run("check", "walking", "-p", "2025-03-01", "--day", "10", "--orders", str(path))
    assert result.code == 1, result.err  # allowed with care: short walks at first
    assert result.out.startswith("Strolling on Tue, Mar 11, 2025 (day 10): ALLOWED WITH CARE")


# --- orders read through the one safe reader ----------------------------------------------


def _special(kind: str, tmp_path: Path) -> Path:
    path = tmp_path / "orders.yaml"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "folder":
        path.mkdir()
    else:
        path.write_bytes(b"notes:\n" + b"  - {en: x}\n" * 30_000)
    return path


@pytest.mark.parametrize(
    ("kind", "found"),
    [("fifo", "this is not a regular file"), ("folder", "this is a folder"),
     ("huge", "larger than 256 KiB")],
)  # fmt: skip
@pytest.mark.parametrize("command", ["check", "handout", "batch"])
def test_an_orders_file_that_is_not_one_is_refused_without_waiting(
    tmp_path: Path, kind: str, found: str, command: str
) -> None:
    """A FIFO, a folder or a huge file as orders: refused at once, in every command."""
    path = _special(kind, tmp_path)
    if command == "check":
        args = ["check", "lifting", "--orders", str(path)]
    elif command == "handout":
        args = [*ANN_HANDOUT, "-o", str(tmp_path / "ann.pdf"), "--orders", str(path)]
    else:
        day = tmp_path / "list.csv"
        day.write_text(f"name,procedure_date,orders\nAnn Lee,2025-03-01,{path.name}\n", "utf-8")
        args = list(batch_of(day, tmp_path / "out"))
    done = subprocess.run(
        [sys.executable, "-m", "vplan", *args],
        capture_output=True, text=True, timeout=60, check=False,
        env=dict(os.environ, VPLAN_CACHE_DIR=str(tmp_path / "cache")),
    )  # fmt: skip
    assert done.returncode == (5 if command == "batch" else 3), done.stderr
    assert found in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "ann.pdf").exists()


# --- the YAML an orders file may hold, and the words it is told in -------------------------


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("notes: !!python/tuple [a]\n", "1:8: YAML tags (!!python/tuple) are not allowed"),
        ("notes: !foo\n  - {en: a}\n", "1:8: YAML tags (!foo) are not allowed"),
        ("activities:\n  walking:\n    aliases: !!set {a, b}\n", "3:14: YAML tags (!!set)"),
        ("notes:\n  - {en: !!str 5}\n", "2:10: YAML tags (!!str)"),
    ],
)
def test_yaml_tags_in_orders_are_refused_at_their_place(
    run: Run, tmp_path: Path, text: str, found: str
) -> None:
    """A tag on a list, a set or a text is a problem at its place, not a traceback."""
    path = orders(tmp_path, text)
    result = run("check", "walking", "--orders", str(path))
    assert result.code == 3
    assert f"{path}:{found}" in result.err


@pytest.mark.parametrize(
    "text",
    ["\n\n", "notes: [" + "{en: a}, " * 10_001 + "]\n", "x: " + "[" * 40 + "]" * 40 + "\n"],
    ids=["empty", "too many values", "too deep"],
)
def test_orders_messages_speak_of_orders(run: Run, tmp_path: Path, text: str) -> None:
    """The shared reader's refusals name an orders file, not a rules file."""
    result = run("check", "walking", "--orders", str(orders(tmp_path, text)))
    assert result.code == 3
    assert "orders" in result.err
    assert "rules" not in result.err.lower()
