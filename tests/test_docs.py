from __future__ import annotations

import re
import subprocess
import tomllib
from pathlib import Path

import pytest
import typer
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from conftest import TODAY, Run, edited
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
    for tool in ("-r requirements/test.txt", "ruff check", "mypy", "pytest"):
        assert tool in found
    assert "--require-hashes" in found


def _locked(lock: str) -> dict[str, str]:
    """The releases a lock file pins, by canonical name."""
    text = (ROOT / "requirements" / lock).read_text(encoding="utf-8")
    return {
        canonicalize_name(n): v for n, v in re.findall(r"^([A-Za-z0-9._-]+)==(\S+)", text, re.M)
    }


@pytest.mark.parametrize(("lock", "extras"), [("run.txt", ()), ("test.txt", ("test",))])
def test_the_lock_holds_every_dependency_within_its_range(
    lock: str, extras: tuple[str, ...]
) -> None:
    """Each dependency of pyproject.toml is locked, with hashes, to a release its range allows."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    wanted = [Requirement(r) for r in project["project"]["dependencies"]]
    for extra in extras:
        wanted += [Requirement(r) for r in project["project"]["optional-dependencies"][extra]]
    wanted += [Requirement(r) for r in project["build-system"]["requires"]]
    locked = _locked(lock)
    for requirement in wanted:
        name = str(canonicalize_name(requirement.name))
        assert name in locked, f"{name} is not in requirements/{lock}: run scripts/refresh-lock"
        assert requirement.specifier.contains(locked[name]), (name, locked[name])
    text = (ROOT / "requirements" / lock).read_text(encoding="utf-8")
    first = re.search(r"^[A-Za-z]", text, re.M)
    assert first is not None
    entries = re.split(r"\n(?=[A-Za-z])", text[first.start() :])
    assert len(entries) == len(locked)
    for entry in entries:
        assert "==" in entry.split()[0], entry
        assert "--hash=sha256:" in entry, entry


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


def _readme_block(command: str) -> str:
    block = re.search(rf"\$ {re.escape(command)}\n(.*?)```", README, re.S)
    assert block is not None, command
    return block.group(1)


def test_readme_init_and_diff_examples_are_what_vplan_prints(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The 'rules init' and 'rules diff' examples in the README are real output."""
    monkeypatch.chdir(tmp_path)
    init = run("rules", "init", "clinic.yaml")
    assert init.out == _readme_block("vplan rules init clinic.yaml")
    sign = (
        "    - text:\n        en: You have a rash or hives.\n        es: Tiene sarpullido o ronchas.\n"
        "      source: seed-001\n"
    )
    new = (
        (tmp_path / "clinic.yaml").read_text(encoding="utf-8")
        .replace('version: "2026.12-1"', 'version: "2027.01-1"')
        .replace("last_reviewed: 2026-11-21", "last_reviewed: 2027-01-15")
        .replace("      - until: 2 days\n        text:\n          en: Do not shower",
                 "      - until: 3 days\n        text:\n          en: Do not shower")
        .replace("max: 20 lb\n        text:\n          en: Do not lift anything heavier than 20 pounds (9 kg).",
                 "max: 15 lb\n        text:\n          en: Do not lift anything heavier than 15 pounds (6.8 kg).")
        .replace(sign, "")
        .replace("  emergency:\n", "  emergency:\n" + sign, 1)
    )  # fmt: skip
    (tmp_path / "clinic-2027.yaml").write_text(new, encoding="utf-8")
    diff = run("rules", "diff", "clinic.yaml", "clinic-2027.yaml")
    assert diff.code == 1
    assert diff.out == _readme_block("vplan rules diff clinic.yaml clinic-2027.yaml")


def test_readme_lint_example_is_what_vplan_prints(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The 'rules lint' example in the README is real output, line numbers included."""
    monkeypatch.chdir(tmp_path)
    lift_2 = (
        "max: 20 lb\n        text:\n          en: Do not lift anything heavier than 20 lb (9 kg).\n"
        "          es: No levante nada que pese más de 20 lb (9 kg).\n"
    )
    text = (
        edited(lift_2 + "        source: [seed-004, drugs-com]\n",
               "max: 5 lb\n        text:\n          en: Do not lift anything heavier than 5 lb (2.2 kg).\n")
        .replace("en: Do not bend at the waist or twist your back.",
                 "en: Refrain from flexion or rotation of the lumbar spine.")
        .replace("last_reviewed: 2026-11-21", f"last_reviewed: {TODAY.isoformat()}")
    )  # fmt: skip
    (tmp_path / "clinic.yaml").write_text(text, encoding="utf-8")
    lint = run("rules", "lint", "clinic.yaml")
    assert lint.code == 1
    assert lint.out == _readme_block("vplan rules lint clinic.yaml")


def test_readme_spanish_examples_are_what_vplan_prints(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Spanish check and the refusal of a rules file missing a Spanish text are real output."""
    command = "vplan check lifting 15lb -p 2025-03-01 --on 2025-03-11 --lang es"
    assert run(*command.split()[1:]).out == _readme_block(command)
    monkeypatch.chdir(tmp_path)
    pain = "        en: Pain that is not getting better, or is getting worse.\n"
    spanish = "        es: Dolor que no mejora o que empeora.\n"
    (tmp_path / "clinic.yaml").write_text(edited(pain + spanish, pain), encoding="utf-8")
    refused = run("red-flags", "--lang", "es", "--rules", "clinic.yaml")
    assert refused.code == 3
    assert refused.err == _readme_block("vplan red-flags --lang es --rules clinic.yaml")
