from __future__ import annotations

import re
import subprocess
from pathlib import Path

import typer

from conftest import Run
from vplan.cli import app

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands() -> list[tuple[str, typer.core.TyperCommand]]:
    group = typer.main.get_command(app)
    found = []
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        if hasattr(command, "commands"):
            found += [(f"{name} {sub}", c) for sub, c in command.commands.items()]
        else:
            found.append((name, command))
    return found


def test_every_command_and_option_is_in_the_readme_with_help() -> None:
    """Each command and each of its options appears in the README and has help text."""
    for name, command in _commands():
        assert f"vplan {name}" in README, name
        assert command.help, name
        for param in command.params:
            assert getattr(param, "help", None), (name, param.name)
            for option in getattr(param, "opts", []):
                if option.startswith("--") and option != "--help":
                    assert option in README, (name, option)


def test_readme_examples_are_what_vplan_prints(run: Run) -> None:
    """The check example in the README is the real output of that command."""
    block = re.search(
        r"\$ vplan check lifting 15lb -p 2025-03-01 --on 2025-03-11\n(.*?)```", README, re.S
    )
    assert block is not None
    assert run(
        "check", "lifting", "15lb", "-p", "2025-03-01", "--on", "2025-03-11"
    ).out == block.group(1)


def test_ci_runs_the_readme_test_command() -> None:
    """.ci/run finds the README's test command, and it runs ruff, mypy and pytest."""
    found = subprocess.run(
        ["sed", "-n", "/<!-- test-command -->/,/<!-- \\/test-command -->/p", "README.md"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert "<!-- test-command -->" in (ROOT / ".ci" / "run").read_text()
    for tool in ('pip install -e ".[test]"', "ruff check", "mypy", "pytest"):
        assert tool in found


def test_exit_codes_are_documented_in_readme_and_help(run: Run) -> None:
    """The exit codes appear in the README table and in --help."""
    for code in ("| 0 |", "| 1 |", "| 2 |", "| 3 |", "| 4 |"):
        assert code in README
    for command in (("check",), ("rules", "lint"), ("rules", "diff")):
        help_text = " ".join(run(*command, "--help").out.split())
        assert "3 a bad rules file" in help_text, command
        assert (
            "1 check: not allowed, rules lint: warnings, rules diff: the protocols differ"
            in help_text
        ), command
    assert "`rules lint`: the file is valid but has warnings" in README
    assert "`rules diff`: the two protocols differ for patients" in README
