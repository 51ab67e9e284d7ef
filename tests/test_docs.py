from __future__ import annotations

import re
import shlex
import subprocess
import tomllib
from pathlib import Path
from typing import NamedTuple

import pytest
import typer
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from conftest import TODAY, Run, edited
from vplan.cli import app

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
PAGES = {
    path.relative_to(ROOT).as_posix(): path.read_text(encoding="utf-8")
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
}
EVERYTHING = "\n".join(PAGES.values())
GUIDES = ("docs/nurses.md", "docs/clinics.md", "docs/languages.md", "docs/integrators.md",
          "docs/developers.md")  # fmt: skip

# Examples that need more than a fresh folder and the bundled rules: the test that checks each.
SHOWN_BY = {
    "vplan rules lint clinic.yaml": "test_lint_example_is_what_vplan_prints",
    "vplan rules diff clinic.yaml clinic-2027.yaml": "test_init_and_diff_examples_are_what_vplan_prints",
    "vplan red-flags --lang es --rules clinic.yaml": "test_spanish_refusal_example_is_what_vplan_prints",
    "vplan rules validate clinic.yaml": "test_validate_example_is_what_vplan_prints",
}  # fmt: skip
# Examples shown but not run, with the reason.
NOT_RUN = {
    "vplan record verify ann.pdf --record journal.jsonl": "the journal's times come from the clock",
}
DIGEST = re.compile(r"\brules [0-9a-f]{8}\b")


def _commands() -> list[tuple[str, typer.core.TyperCommand]]:
    group = typer.main.get_command(app)
    found = []
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        if hasattr(command, "commands"):
            found += [(f"{name} {sub}", c) for sub, c in command.commands.items()]
        else:
            found.append((name, command))
    return found


def test_every_command_and_option_is_documented_with_help() -> None:
    """Each command and each of its options appears in the README or a guide, and has help text."""
    for name, command in _commands():
        assert f"vplan {name}" in EVERYTHING, name
        assert command.help, name
        for param in command.params:
            assert getattr(param, "help", None), (name, param.name)
            for option in getattr(param, "opts", []):
                if option.startswith("--") and option != "--help":
                    assert option in EVERYTHING, (name, option)


def test_the_readme_links_every_guide_and_the_nurses_tasks_come_first() -> None:
    """The README links each guide, and shows the three tasks before the exit codes."""
    for guide in GUIDES:
        assert guide in PAGES, guide
        assert f"]({guide}" in README, guide
    tasks = [README.index(f"$ vplan {c}") for c in ("handout 2025", "handout --batch", "check ")]
    assert tasks == sorted(tasks)
    assert tasks[-1] < README.index("## Exit codes")


def _slug(heading: str) -> str:
    """The anchor GitHub gives a heading."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def _anchors(text: str) -> set[str]:
    outside = re.sub(r"```.*?```", "", text, flags=re.S)
    return {_slug(h) for h in re.findall(r"^#+ (.*)$", outside, re.M)}


def test_every_link_between_the_pages_leads_somewhere() -> None:
    """Each relative link of the README and the guides names a page and a heading that exist."""
    for name, text in PAGES.items():
        outside = re.sub(r"```.*?```", "", text, flags=re.S)
        for target in re.findall(r"\]\(([^)\s]+)\)", outside):
            if re.match(r"[a-z]+:", target):
                continue
            page, _, anchor = target.partition("#")
            path = (ROOT / name).parent / page if page else ROOT / name
            assert path.resolve().is_file(), (name, target)
            if anchor:
                key = path.resolve().relative_to(ROOT).as_posix()
                assert anchor in _anchors(PAGES[key]), (name, target)


class Example(NamedTuple):
    """One fenced text block of a page, with its place."""

    where: str
    lines: list[str]


def _examples() -> list[Example]:
    found = []
    for name, text in PAGES.items():
        for match in re.finditer(r"^```text\n(.*?)^```", text, re.S | re.M):
            if re.search(r"^\$ vplan ", match.group(1), re.M):
                line = text.count("\n", 0, match.start()) + 1
                found.append(Example(f"{name}:{line}", match.group(1).splitlines()))
    return found


EXAMPLES = _examples()


def _steps(lines: list[str]) -> list[tuple[str, list[str]]]:
    """The block as (command, lines after it) pairs, a trailing backslash joining lines."""
    steps: list[tuple[str, list[str]]] = []
    for line in lines:
        if line.startswith("$ "):
            steps.append((line[2:], []))
        elif steps and steps[-1][0].endswith("\\"):
            steps[-1] = (steps[-1][0][:-1] + " " + line.strip(), [])
        else:
            assert steps, lines
            steps[-1][1].append(line)
    return steps


def test_every_example_is_run_or_has_a_reason() -> None:
    """Each '$ vplan' command shown is run by the examples test, or named with its test or reason."""
    assert len(EXAMPLES) >= 10
    special = [c for e in EXAMPLES for c, _ in _steps(e.lines) if c in SHOWN_BY or c in NOT_RUN]
    assert sorted(set(special)) == sorted(SHOWN_BY | NOT_RUN)
    for test in SHOWN_BY.values():
        assert callable(globals().get(test)), test


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.where for e in EXAMPLES])
def test_examples_are_what_vplan_prints(
    example: Example, run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A '$ vplan ...' example prints exactly the lines shown (or, ending in '...', starts so)."""
    monkeypatch.chdir(tmp_path)
    for command, shown in _steps(example.lines):
        if command in SHOWN_BY or command in NOT_RUN:
            continue
        args = shlex.split(command)
        if args[0] == "cat":
            (tmp_path / args[1]).write_text("\n".join(shown) + "\n", encoding="utf-8")
            continue
        assert args[0] == "vplan", command
        result = run(*args[1:])
        assert result.code in (0, 1), (command, result.err)
        printed = DIGEST.sub("rules <digest>", result.out).splitlines()
        expected = [DIGEST.sub("rules <digest>", line) for line in shown]
        if expected and expected[-1] == "...":
            assert printed[: len(expected) - 1] == expected[:-1], command
        else:
            assert printed == expected, command


def test_the_orders_example_is_accepted_and_answered(run: Run, tmp_path: Path) -> None:
    """The clinics' guide's orders file is one vplan takes: never a sample it refuses."""
    guide = PAGES["docs/clinics.md"]
    section = guide[guide.index("## The care team's orders for one patient") :]
    found = re.search(r"^```yaml\n(.*?)^```", section, re.S | re.M)
    assert found is not None
    orders = tmp_path / "orders.yaml"
    orders.write_text(found.group(1), encoding="utf-8")
    result = run(
        "check", "lifting", "4lb", "-p", "2025-03-01", "--day", "10", "--orders", str(orders)
    )
    assert result.code == 0, result.err
    assert "Source: The care team's orders for this patient" in result.out
    schedule = run("schedule", "2025-03-01", "--orders", str(orders))
    assert schedule.code == 0, schedule.err
    assert "Wear your back brace when you are out of bed." in " ".join(schedule.out.split())


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
            "1 check: not a plain yes, rules lint: warnings, rules diff: the protocols differ"
            in help_text
        ), command
    assert "`rules lint`: the file is valid but has warnings" in README
    assert "`rules diff`: the two protocols differ for patients" in README


def _doc_block(command: str) -> str:
    """The output shown after '$ command' in the README or a guide."""
    block = re.search(rf"\$ {re.escape(command)}\n(.*?)```", EVERYTHING, re.S)
    assert block is not None, command
    return block.group(1)


def test_init_and_diff_examples_are_what_vplan_prints(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The 'rules init' and 'rules diff' examples of the clinics' guide are real output."""
    monkeypatch.chdir(tmp_path)
    init = run("rules", "init", "clinic.yaml")
    assert init.out == _doc_block("vplan rules init clinic.yaml")
    sign = (
        "    - text:\n        en: A headache gets worse when you stand up.\n"
        "        es: Le duele más la cabeza al ponerse de pie.\n"
        "      source: drugs-com\n"
    )
    new = (
        (tmp_path / "clinic.yaml").read_text(encoding="utf-8")
        .replace('version: "2026.12-6"', 'version: "2027.01-1"')
        .replace("last_reviewed: 2026-11-21", "last_reviewed: 2027-01-15")
        .replace("      - until: 2 days\n        text:\n          en: Do not shower",
                 "      - until: 3 days\n        text:\n          en: Do not shower")
        .replace("max: 20 lb\n        text:\n          en: Do not lift more than 20 pounds (9 kg).",
                 "max: 15 lb\n        text:\n          en: Do not lift more than 15 pounds (6.8 kg).")
        .replace(sign, "")
        .replace("  emergency:\n", "  emergency:\n" + sign, 1)
    )  # fmt: skip
    (tmp_path / "clinic-2027.yaml").write_text(new, encoding="utf-8")
    diff = run("rules", "diff", "clinic.yaml", "clinic-2027.yaml")
    assert diff.code == 1
    assert diff.out == _doc_block("vplan rules diff clinic.yaml clinic-2027.yaml")


def test_lint_example_is_what_vplan_prints(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The 'rules lint' example of the clinics' guide is real output, line numbers included."""
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
    assert lint.out == _doc_block("vplan rules lint clinic.yaml")


def test_spanish_refusal_example_is_what_vplan_prints(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Spanish check and the refusal of a rules file missing a Spanish text are real output."""
    command = "vplan check lifting 15lb -p 2025-03-01 --on 2025-03-11 --lang es"
    assert run(*command.split()[1:]).out == _doc_block(command)
    monkeypatch.chdir(tmp_path)
    pain = "        en: Pain that is not getting better, or is getting worse.\n"
    spanish = "        es: Dolor que no mejora o que empeora.\n"
    (tmp_path / "clinic.yaml").write_text(edited(pain + spanish, pain), encoding="utf-8")
    refused = run("red-flags", "--lang", "es", "--rules", "clinic.yaml")
    assert refused.code == 3
    assert refused.err == _doc_block("vplan red-flags --lang es --rules clinic.yaml")


def test_validate_example_is_what_vplan_prints(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The refusal of a misspelled key in the clinics' guide is real output, at its line."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "clinic.yaml").write_text(edited("max: 10 lb", "max_lbs: 10"), encoding="utf-8")
    refused = run("rules", "validate", "clinic.yaml")
    assert refused.code == 3
    assert refused.err == _doc_block("vplan rules validate clinic.yaml")
