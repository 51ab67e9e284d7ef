"""Shared fixtures: a private rules cache, a way to run the CLI, and rules files to edit."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from pypdf import PageObject

from vplan.cli import main
from vplan.model import Protocol
from vplan.plan import Plan, build_plan
from vplan.rules import default_rules_path, load, resolve

BUNDLED_RULES = default_rules_path().read_text(encoding="utf-8")
# Tests of the file format (where a mistake is reported, what a diff or lint names) edit a
# fixed copy of an earlier bundled protocol, so that a clinical edit of the bundled rules
# does not move them; tests of what patients read use the bundled rules.
DEFAULT_RULES = (Path(__file__).parent / "data" / "rules-2026.11-1.yaml").read_text(
    encoding="utf-8"
)
# Ann Lee's handout, for 2025-03-01, with the phone every handout needs.
ANN_HANDOUT = ("handout", "2025-03-01", "--patient", "Ann Lee", "--phone", "555-0100")


def batch_of(day_list: Path, out_dir: Path) -> tuple[str, ...]:
    """The arguments of a batch of handouts: the day's list into a folder, one phone for all."""
    return ("handout", "--phone", "555-0100", "--batch", str(day_list), "--out-dir", str(out_dir))


# The date every test takes as "today": no test reads the clock.
TODAY = date(2027, 1, 15)


@pytest.fixture(autouse=True)
def _private_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keep the validated-rules cache out of the home folder, fix "today", colour off, 80 columns."""
    monkeypatch.setenv("VPLAN_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.setenv("VPLAN_TODAY", TODAY.isoformat())
    monkeypatch.delenv("VPLAN_RULES", raising=False)
    monkeypatch.delenv("VPLAN_NO_CACHE", raising=False)
    for name in ("VPLAN_RECORD", "VPLAN_RECORD_KEY", "VPLAN_RECORD_KEY_FILE", "SOURCE_DATE_EPOCH"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "80")  # text follows the terminal's width: the examples' width


@dataclass
class Result:
    """What a run of vplan printed and how it ended."""

    code: int
    out: str
    err: str


Run = Callable[..., Result]
RulesFile = Callable[[str], Path]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Run:
    """Run vplan in-process with these arguments, as the console script does."""

    def invoke(*args: str) -> Result:
        with pytest.raises(SystemExit) as stop:
            main(list(args))
        captured = capsys.readouterr()
        code = stop.value.code
        assert "Traceback" not in captured.err
        return Result(code if isinstance(code, int) else 0, captured.out, captured.err)

    return invoke


@pytest.fixture(scope="session")
def protocol() -> Protocol:
    """The default protocol, validated."""
    return load(resolve(None, {}), {}, use_cache=False)


@pytest.fixture(scope="session")
def plan(protocol: Protocol) -> Plan:
    """The default plan for a procedure on Saturday 2025-03-01."""
    return build_plan(protocol, date(2025, 3, 1))


@pytest.fixture
def rules_file(tmp_path: Path) -> RulesFile:
    """Write a rules file with this text in ``tmp_path`` and return its path."""

    def write(text: str) -> Path:
        path = tmp_path / "rules.yaml"
        path.write_text(text, encoding="utf-8")
        return path

    return write


def edited(old: str, new: str, count: int = 1) -> str:
    """The default rules with ``old`` replaced by ``new`` (which must be there)."""
    assert DEFAULT_RULES.count(old) >= count, old
    return DEFAULT_RULES.replace(old, new, count)


# A milestone 4 months on: the calendar has five months, and a row of months is not full.
FIVE_MONTHS = edited(
    "milestones:\n",
    "milestones:\n  - at: 4 months\n    text:\n      en: Your bone check.\n"
    "      es: Su control de los huesos.\n    source: seed-004\n",
)


def line_of(text: str, needle: str) -> int:
    """The 1-based line on which ``needle`` first appears in ``text``."""
    return text[: text.index(needle)].count("\n") + 1


def modules_loaded(tmp_path: Path, prefixes: tuple[str, ...], *runs: Sequence[str]) -> list[str]:
    """The modules named ``prefixes...`` that these runs of vplan load in one process.

    The runs go in ``tmp_path``, with the rules already validated and cached there.
    """
    probe = (
        "import json, sys\n"
        "from vplan.cli import main\n"
        "for args in json.loads(sys.argv[1]):\n"
        "    try:\n"
        "        main(args)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "prefixes = tuple(json.loads(sys.argv[2]))\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith(prefixes))), file=sys.stderr)\n"
    )
    env = dict(os.environ, VPLAN_CACHE_DIR=str(tmp_path / "cache"))
    warm = [sys.executable, "-m", "vplan", "schedule", "2025-03-01"]
    subprocess.run(warm, env=env, capture_output=True, check=True)
    done = subprocess.run(
        [sys.executable, "-c", probe, json.dumps(runs), json.dumps(prefixes)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    loaded: list[str] = json.loads(done.stderr.strip().splitlines()[-1])
    return loaded


def pieces_of(page: PageObject) -> list[tuple[float, float, str]]:
    """The text pieces of a page, each with where it starts (x, y)."""
    pieces: list[tuple[float, float, str]] = []

    def visit(text: str, cm: list[float], tm: list[float], *_: object) -> None:
        if text.strip():
            pieces.append((tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5], text.strip()))

    page.extract_text(visitor_text=visit)
    return pieces
