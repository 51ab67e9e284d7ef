from __future__ import annotations

import gc
import itertools
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer

from conftest import (
    BUNDLED_RULES,
    DEFAULT_RULES,
    TODAY,
    RulesFile,
    Run,
    batch_of,
    edited,
    modules_loaded,
)

CHECK = ("check", "lifting", "15lb", "-p", "2025-03-01", "--on", "2025-03-11")


def test_check_not_allowed_exits_1_with_reason_date_and_source(run: Run) -> None:
    """Lifting 15 lb on day 10 is 'not yet' until Sat, Apr 12, 2025 (day 42), with its source."""
    result = run(*CHECK)
    assert result.code == 1, result.err
    assert result.out.startswith("Lifting 15 lb (6.8 kg) on Tue, Mar 11, 2025 (day 10): NOT YET\n")
    assert "15 lb (6.8 kg)" in result.out
    assert "10 pounds (4.5 kg)" in result.out
    assert "Allowed from: Sat, Apr 12, 2025 (day 42)" in result.out
    assert "Source: Liv Hospital: How Painful Is a Vertebroplasty?" in result.out


def test_check_allowed_exits_0(run: Run) -> None:
    """The same weight on day 42 is allowed."""
    result = run("check", "Lifting", "15", "lb", "-p", "2025-03-01", "--day", "42")
    assert result.code == 0, result.err
    assert result.out.startswith("Lifting 15 lb (6.8 kg) on Sat, Apr 12, 2025 (day 42): ALLOWED\n")


def test_check_json_has_the_documented_fields(run: Run) -> None:
    """--format json gives activity, allowed, day, allowed_from, reason and source."""
    result = run(*CHECK, "--format", "json")
    data = json.loads(result.out)
    assert result.code == 1
    assert data["activity"] == "lifting"
    assert data["allowed"] is False
    assert data["day"] == 10
    assert data["allowed_from"] == "2025-04-12"
    assert "10 pounds" in data["reason"]
    assert data["source"]
    assert data["amount"]["kg"] == pytest.approx(6.804, abs=0.001)


def test_check_until_cleared_has_no_date(run: Run) -> None:
    """A pool is refused with allowed_from null: the care team decides."""
    data = json.loads(
        run("check", "hot", "tub", "-p", "2025-03-01", "--day", "200", "-f", "json").out
    )
    assert data["allowed"] is False
    assert data["allowed_from"] is None


def test_check_without_a_procedure_date_states_the_rule(run: Run) -> None:
    """With no -p, check states the rule in post-operative days."""
    result = run("check", "bending")
    assert result.code == 0
    assert "until day 42 (6 weeks)" in result.out


def test_check_on_defaults_to_today(run: Run) -> None:
    """With -p today and no --on, the check is for day 0."""
    data = json.loads(run("check", "driving", "-p", "today", "-f", "json").out)
    assert data["day"] == 0
    assert data["allowed"] is False


def test_today_is_the_date_vplan_today_names(run: Run) -> None:
    """VPLAN_TODAY fixes what 'today' means, so a plan can be made again for a past day."""
    result = run("schedule", "today", "--days", "1", "-f", "json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["procedure_date"] == TODAY.isoformat()


@pytest.mark.parametrize(
    "value", ["today", "2027-02-30", "15/01/2027", "tomorrow", "2027-W02-5", "2027-1-15 "]
)
def test_a_bad_vplan_today_is_one_line_and_exit_2(
    run: Run, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    """VPLAN_TODAY that is not a real YYYY-MM-DD date is refused, naming the variable."""
    monkeypatch.setenv("VPLAN_TODAY", value)
    result = run("check", "driving", "-p", "today")
    assert result.code == 2
    assert len(result.err.splitlines()) == 1
    assert "VPLAN_TODAY" in result.err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("check", "skydiving", "-p", "2025-03-01"), "'skydiving' is not an activity"),
        (("check", "liftin", "-p", "2025-03-01"), "did you mean 'lifting'"),
        (("check", "lifting", "15", "-p", "2025-03-01"), "has no unit"),
        # A weight vplan cannot read is refused as a weight, not looked up as an activity.
        (("check", "lifting", "nan lb", "-p", "2025-03-01"), "'nan lb' is not a weight"),
        (("check", "lifting", "+5lb", "-p", "2025-03-01"), "'+5lb' is not a weight"),
        (("check", "carry groceries", "inf", "kg", "-p", "2025-03-01"), "'inf kg' is not a weight"),
        (("check", "bending", "5lb", "-p", "2025-03-01"), "does not take an amount"),
        (("check", "lifting", "-p", "03/01/2025"), "YYYY-MM-DD"),
        (
            ("check", "lifting", "-p", "2025-03-01", "--on", "2025-02-01"),
            "before the procedure date",
        ),
        (("check", "lifting", "-p", "2025-03-01", "--on", "2025-03-02", "--day", "3"), "not both"),
        (("check", "lifting", "--day", "3"), "add -p"),
        (("check", "15lb"), "write the activity first"),
        (("schedule", "2025-02-30"), "not a real calendar date"),
        (("schedule", "2025-03-01", "--days", "0"), "--days"),
        (("schedule", "2025-03-01", "--format", "pdf"), "--format"),
        (("schedule",), "Missing argument"),
        (("frobnicate",), "No such command"),
        (("check", "lifting", "--wat"), "No such option"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(run: Run, args: tuple[str, ...], message: str) -> None:
    """Every kind of bad input ends with one line on stderr and exit code 2, no traceback."""
    result = run(*args)
    assert result.code == 2, result
    assert result.err.count("\n") == 1, result.err
    assert message in result.err
    assert result.out == ""


def test_schedule_text_fits_80_columns_with_weekday_dates(run: Run) -> None:
    """The text schedule is at most 80 columns and shows dates with their weekday."""
    result = run("schedule", "2025-03-01")
    assert result.code == 0
    assert max(len(line) for line in result.out.splitlines()) <= 80
    assert re.search(r"^Sat, Mar 1, 2025 +0  Today: Procedure day", result.out, re.MULTILINE)
    assert re.search(r"^Sat, Apr 12, 2025 +42  Today: ", result.out, re.MULTILINE)
    assert "Allowed from: Sun, Jun 1, 2025 (day 92)." in result.out
    assert "Call 911 now if:" in result.out
    assert "\x1b[" not in result.out


def test_schedule_default_length_reaches_the_last_limit(run: Run) -> None:
    """90 days by default, longer when the 3-month limit ends later (day 92 here)."""
    data = json.loads(run("schedule", "2025-03-01", "-f", "json").out)
    assert len(data["days"]) == 93
    assert data["days"][92]["date"] == "2025-06-01"
    assert (
        len(json.loads(run("schedule", "2025-03-01", "-f", "json", "--days", "10").out)["days"])
        == 10
    )


def test_schedule_markdown(run: Run) -> None:
    """Markdown output has a table row per day."""
    out = run("schedule", "2025-03-01", "--format", "markdown", "--days", "14").out
    rows = [line for line in out.splitlines() if line.startswith("| ") and "2025" in line]
    assert len(rows) == 14
    assert out.startswith("# Recovery plan after vertebroplasty")


def test_a_typed_place_is_shown_as_itself_in_every_markdown_line(run: Run) -> None:
    """A visit's place with markup ('<b>', '*', '|') is escaped in the table as in the header."""
    place = "St. Mary's | Spine & Pain <b>x</b> *y*"
    out = run(
        "schedule", "2025-03-01", "-f", "markdown", "--follow-up", "2025-03-10 14:30",
        "--follow-up-place", place,
    ).out  # fmt: skip
    shown = "St. Mary's \\| Spine \\& Pain \\<b\\>x\\</b\\> \\*y\\*"
    lines = [line for line in out.splitlines() if "Mary" in line]
    assert len(lines) == 2  # the header's visit, and the visit's day in the table
    for line in lines:
        assert shown in line, line
        assert "<b>" not in line


@pytest.mark.parametrize(
    ("args", "name", "maker"),
    [
        (("schedule", "2025-03-01"), "plan.pdf", "handout"),
        (("schedule", "2025-03-01"), "plan.fhir.json", "handout"),
        (("schedule", "2025-03-01"), "plan.HL7", "handout"),
        (
            ("handout", "2025-03-01", "--patient", "Ann Lee", "--phone", "555-0100"),
            "a.md",
            "schedule",
        ),
    ],
)
def test_a_file_named_for_another_commands_format_is_refused(
    run: Run, tmp_path: Path, args: tuple[str, ...], name: str, maker: str
) -> None:
    """'schedule -o plan.pdf' never writes text into a file named as a PDF: exit 2, nothing written."""
    out = tmp_path / name
    result = run(*args, "-o", str(out))
    assert result.code == 2
    assert f"'vplan {maker}' makes that file, 'vplan {args[0]}' does not" in result.err
    assert not out.exists()


def test_rules_init_into_a_folder_name_writes_nothing(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """'rules init newdir/' is a folder's name, not a file's: exit 2, no file called newdir."""
    monkeypatch.chdir(tmp_path)
    result = run("rules", "init", "newdir/")
    assert result.code == 2
    assert "'newdir/' names a folder; give a file name, such as newdir/clinic.yaml" in result.err
    assert list(tmp_path.iterdir()) == []


def test_an_empty_rules_path_is_refused_as_empty(run: Run) -> None:
    """--rules '' names no file: said so (not 'this is a folder'), exit 2."""
    result = run("schedule", "2025-03-01", "--rules", "")
    assert result.code == 2
    assert "the file name is empty; give the file's path, or leave out the option" in result.err


@pytest.mark.parametrize("phone", ["-", "abc", "call me", "<img src=x onerror=alert(1)>", "55"])
def test_a_phone_number_without_digits_is_refused(run: Run, tmp_path: Path, phone: str) -> None:
    """A handout never says "Call us at -": a number patients call has digits; nothing written."""
    out = tmp_path / "ann.pdf"
    result = run("handout", "2025-03-01", "--patient", "Ann Lee", "--phone", phone, "-o", str(out))
    assert result.code == 2
    assert result.err.startswith(f"vplan: error: the phone number {phone!r} has fewer than 3")
    assert not out.exists()


def test_patient_name_goes_under_the_title_only_when_given(run: Run) -> None:
    """--patient adds a 'Patient:' line to text and Markdown and a 'patient' key to JSON."""
    text = run("schedule", "2025-03-01", "--days", "1", "--patient", " Jane  Doe ").out
    assert text.splitlines()[:2] == ["Recovery plan after vertebroplasty", "Patient: Jane Doe"]
    markdown = run("schedule", "2025-03-01", "-f", "markdown", "--patient", "Jane_Doe").out
    assert markdown.splitlines()[2] == "- Patient: Jane\\_Doe"
    data = json.loads(run("schedule", "2025-03-01", "-f", "json", "--patient", "Jane Doe").out)
    assert data["patient"] == "Jane Doe"
    assert json.loads(run("schedule", "2025-03-01", "-f", "json").out)["patient"] is None
    for fmt in ("text", "markdown"):
        assert "Patient" not in run("schedule", "2025-03-01", "-f", fmt).out


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "the patient name is empty"),
        ("   ", "the patient name is empty"),
        ("Jane\x1b[31mDoe", "a control character (U+001B)"),
        ("Ann\u200fLee", "a control character (U+200F)"),  # a right-to-left mark
        ("Ann\u200bLee", "a control character (U+200B)"),  # a space with no width
        ("J" * 101, "longer than 100 characters"),
    ],
)
def test_patient_names_that_cannot_be_shown_are_refused(run: Run, name: str, message: str) -> None:
    """An empty name, control characters or a very long name is refused with exit 2."""
    result = run("schedule", "2025-03-01", "--patient", name)
    assert result.code == 2
    assert message in result.err
    assert result.out == ""


def test_output_file_is_written_and_never_overwritten_without_force(
    run: Run, tmp_path: Path
) -> None:
    """--output writes the file; a second run refuses (exit 4) and leaves it as it was."""
    target = tmp_path / "plan.md"
    assert run("schedule", "2025-03-01", "-f", "markdown", "-o", str(target)).code == 0
    first = target.read_text()
    refused = run("schedule", "2025-04-01", "-f", "markdown", "-o", str(target))
    assert refused.code == 4
    assert "--force" in refused.err
    assert target.read_text() == first
    assert run("schedule", "2025-04-01", "-f", "markdown", "-o", str(target), "--force").code == 0
    assert target.read_text() != first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.md"]


def test_output_into_a_missing_folder_is_refused(run: Run, tmp_path: Path) -> None:
    """A folder that does not exist is a clear error, and nothing is written."""
    result = run("schedule", "2025-03-01", "-o", str(tmp_path / "nope" / "plan.txt"))
    assert result.code == 4
    assert "does not exist" in result.err
    assert not (tmp_path / "nope").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write to a read-only folder")
def test_output_into_a_read_only_folder_is_refused(run: Run, tmp_path: Path) -> None:
    """A folder without write permission is a clear error."""
    tmp_path.chmod(0o500)
    try:
        result = run("schedule", "2025-03-01", "-o", str(tmp_path / "plan.txt"))
    finally:
        tmp_path.chmod(0o700)
    assert result.code == 4


def test_a_bad_rules_file_exits_3_and_nothing_is_shown(run: Run, tmp_path: Path) -> None:
    """A rules file with mistakes is refused whole: each problem, then one summary line."""
    bad = tmp_path / "clinic.yaml"
    bad.write_text(edited("max: 10 lb", "max_lbs: 10 lb"), encoding="utf-8")
    result = run(*CHECK, "--rules", str(bad))
    assert result.code == 3
    assert result.out == ""
    first, summary = result.err.splitlines()
    assert first.startswith(f"{bad}:")
    assert "unknown key 'max_lbs'" in first
    assert "nothing was used" in summary


def test_rules_from_the_environment(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """$VPLAN_RULES is used when --rules is not given."""
    clinic = tmp_path / "clinic.yaml"
    clinic.write_text(edited("max: 10 lb", "max: 15 lb"), encoding="utf-8")
    monkeypatch.setenv("VPLAN_RULES", str(clinic))
    assert run(*CHECK).code == 0


def test_rules_validate(run: Run, tmp_path: Path) -> None:
    """'rules validate' says valid (exit 0), or lists problems (exit 3)."""
    ok = run("rules", "validate")
    assert ok.code == 0
    assert "valid" in ok.out
    bad = tmp_path / "bad.yaml"
    bad.write_text(DEFAULT_RULES.replace('"911"', "911"), encoding="utf-8")
    result = run("rules", "validate", str(bad))
    assert result.code == 3
    assert "emergency_number" in result.err
    missing = run("rules", "validate", str(tmp_path / "none.yaml"))
    assert missing.code == 3
    assert "does not exist" in missing.err


def test_rules_show_prints_the_file_in_use(run: Run) -> None:
    """'rules show' prints the path, the version and the file itself."""
    out = run("rules", "show").out
    assert "version 2026.12-6" in out.splitlines()[1]
    assert BUNDLED_RULES in out


def test_red_flags_and_activities(run: Run) -> None:
    """The warning signs come in three tiers; activities lists aliases."""
    flags = json.loads(run("red-flags", "-f", "json").out)
    assert set(flags) == {"emergency", "call_today", "expected", "emergency_number"}
    assert flags["emergency"]
    text = run("red-flags").out
    assert text.index("Call 911") < text.index("care team today") < text.index("Normal")
    acts = run("activities").out
    assert "Also: lift," in acts


def test_version(run: Run) -> None:
    """--version prints the version."""
    from vplan import __version__

    assert run("--version").out == f"vplan {__version__}\n"


def test_python_m_vplan_runs(tmp_path: Path) -> None:
    """'python -m vplan' works from any folder."""
    done = subprocess.run(
        [sys.executable, "-m", "vplan", "check", "bath", "-p", "2025-03-01", "--day", "42"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        env=dict(os.environ, VPLAN_CACHE_DIR=str(tmp_path / "cache")),
    )
    assert done.returncode == 0, done.stderr  # a plain yes
    assert "Tub bath" in done.stdout


HEAVY = (  # what check and schedule must not load
    "pydantic.main", "ruamel.yaml", "reportlab", "icalendar", "jinja2", "rich.table", "textstat",
    "jsonschema", "vplan.authoring", "babel", "openpyxl", "pypdf",
    "hashlib", "_hashlib",  # OpenSSL's library: vplan.digest hashes without it
)  # fmt: skip


def _heavy_modules(tmp_path: Path, *runs: tuple[str, ...]) -> list[str]:
    """The heavy modules loaded by these runs of vplan in one process, the rules cached."""
    return modules_loaded(tmp_path, HEAVY, *runs)


def test_check_and_schedule_import_no_validation_or_document_libraries(tmp_path: Path) -> None:
    """With the rules cached, check and schedule never load pydantic, ruamel, PDF or calendar code."""
    runs = [
        ("schedule", "2025-03-01"),
        ("schedule", "2025-03-01", "--format", "text", "--patient", "Jane Doe"),
        ("schedule", "2025-03-01", "--format", "json"),
        ("schedule", "2025-03-01", "--format", "markdown"),
        CHECK,
    ]
    assert _heavy_modules(tmp_path, *runs) == []


def test_spanish_check_and_schedule_hash_without_openssl(tmp_path: Path) -> None:
    """In Spanish too, check and schedule hash the rules without loading OpenSSL's library."""
    spanish = ("schedule", "2025-03-01", "--lang", "es")
    check = ("check", "conducir", "-p", "2025-03-01", "--day", "3", "--lang", "es")
    assert modules_loaded(tmp_path, ("hashlib", "_hashlib"), spanish, check) == []


def test_what_is_shown_on_the_screen_loads_no_file_writing_or_orders_code(tmp_path: Path) -> None:
    """Without --output or --orders, check and schedule load neither tempfile nor vplan.orders."""
    lighter = ("tempfile", "importlib.resources", "vplan.orders", "vplan.delivery")
    assert modules_loaded(tmp_path, lighter, ("schedule", "2025-03-01"), CHECK) == []
    written = ("schedule", "2025-03-01", "-o", "plan.txt")
    assert modules_loaded(tmp_path, lighter, written) == ["tempfile", "vplan.delivery"]


def test_a_day_list_collects_cycles_as_python_does(run: Run, tmp_path: Path) -> None:
    """A short run keeps the cycle collector's raised threshold; a day's list, long, has Python's."""
    from vplan import cli

    saved = gc.get_threshold()
    try:
        gc.set_threshold(100_000, *cli._PYTHONS_THRESHOLDS[1:])  # as the command line starts
        assert run("schedule", "2025-03-01").code == 0
        assert gc.get_threshold()[0] == 100_000
        day = tmp_path / "day.csv"
        day.write_text("name,procedure_date\nAnn Lee,2025-03-01\n", encoding="utf-8")
        assert run(*batch_of(day, tmp_path / "out"), "--jobs", "1").code == 0
        assert gc.get_threshold() == cli._PYTHONS_THRESHOLDS
    finally:
        gc.set_threshold(*saved)


def test_only_the_calendar_format_imports_icalendar(tmp_path: Path) -> None:
    """'schedule --format ics' loads icalendar, so the probe above would see it."""
    loaded = _heavy_modules(tmp_path, ("schedule", "2025-03-01", "--format", "ics"))
    assert "icalendar" in loaded


def test_a_rule_without_a_source_is_answered_without_one(run: Run, tmp_path: Path) -> None:
    """A draft limit that cites nothing is still applied; text and JSON show no source for it."""
    draft = tmp_path / "draft.yaml"
    draft.write_text(
        edited("        source: [seed-004, seed-002, drugs-com]\n", ""), encoding="utf-8"
    )
    text = run(*CHECK, "--rules", str(draft))
    assert text.code == 1, text.err
    assert "Source:" not in text.out
    data = json.loads(run(*CHECK, "--rules", str(draft), "-f", "json").out)
    assert data["source"] == []
    plan = json.loads(run("schedule", "2025-03-01", "-f", "json", "--rules", str(draft)).out)
    assert plan["restrictions"][0]["limits"][0]["sources"] == []
    rule = run("check", "lifting", "--rules", str(draft))
    assert rule.code == 0, rule.err
    assert "Source:" not in rule.out
    listed = json.loads(run("activities", "-f", "json", "--rules", str(draft)).out)
    assert listed[0]["rule"][0]["sources"] == []
    assert run("schedule", "2025-03-01", "-f", "markdown", "--rules", str(draft)).code == 0


def test_the_help_says_each_paragraph_once(run: Run) -> None:
    """`vplan --help` lists each command by its first line; the exit codes are said once."""
    result = run("--help")
    assert result.code == 0
    assert result.out.count("Exit codes:") == 1
    assert result.out.count("journal's chain is broken") == 1
    for command in ("check", "handout", "rules"):
        assert run(command, "--help").out.count("Exit codes:") == 1, command


def _described(command: Any) -> list[object]:
    """What a user sees of a command: names, help, each option and, for a group, its commands."""
    shown: list[object] = [command.name, command.help, command.epilog, command.short_help]
    shown += [(type(p).__name__, p.name, p.opts, p.secondary_opts, getattr(p, "help", None),
               p.default, p.required, p.metavar, p.envvar, p.type.name, getattr(p, "hidden", None))
              for p in command.params]  # fmt: skip
    for name, sub in getattr(command, "commands", {}).items():
        shown.append((name, _described(sub)))
    return shown


def test_the_group_builds_each_command_as_typer_declares_it() -> None:
    """Every command, built when looked up, has the names, help and options typer would give it."""
    from vplan.cli import app
    from vplan.group import command_group

    assert _described(command_group(app)) == _described(typer.main.get_command(app))


def test_a_command_reads_the_options_of_no_other(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    """'vplan check' builds check alone: serve's, handout's and the rest's options are not read."""
    read: list[str] = []
    reader = typer.main.get_params_convertors_ctx_param_name_from_function

    def reading(callback: Any) -> Any:
        if callback is not None:
            read.append(callback.__name__)
        return reader(callback)

    monkeypatch.setattr(typer.main, "get_params_convertors_ctx_param_name_from_function", reading)
    assert run(*CHECK).code == 1
    assert read == ["_root", "check"]
    read.clear()
    assert run("rules", "lint").code in (0, 1)
    assert read == ["_root", "rules_lint"]
    read.clear()
    assert "serve " in run("--help").out  # the help lists every command: each one is built
    assert {"schedule", "handout", "teach_back", "check", "serve", "activities"} <= set(read)


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (("schedul",), "No such command 'schedul'. Did you mean 'schedule'? (see 'vplan --help')"),
        (
            ("rules", "lnt"),
            "No such command 'lnt'. Did you mean 'lint'? (see 'vplan rules --help')",
        ),
    ],
)
def test_a_mistyped_command_is_told_the_one_meant(
    run: Run, args: tuple[str, ...], line: str
) -> None:
    """A command name typed wrong names the close one, among commands not built, and exits 2."""
    result = run(*args)
    assert (result.code, result.out, result.err) == (2, "", f"vplan: error: {line}\n")


@pytest.mark.parametrize(
    ("name", "start"),
    [
        ("plan.ics", "BEGIN:VCALENDAR"),
        ("plan.json", "{"),
        ("plan.md", "# "),
        ("plan.txt", "Recovery plan"),
    ],
)
def test_schedule_writes_the_format_its_file_name_ends_in_and_says_so(
    run: Run, tmp_path: Path, name: str, start: str
) -> None:
    """'schedule -o plan.ics' writes a calendar (not text) and says what it wrote, as handout does."""
    target = tmp_path / name
    result = run("schedule", "2025-03-01", "-o", str(target))
    assert result.code == 0, result.err
    assert target.read_text(encoding="utf-8").startswith(start)
    assert result.out.startswith(f"Wrote {target} (")


def test_schedule_refuses_a_format_its_file_name_contradicts(run: Run, tmp_path: Path) -> None:
    """'-f json -o plan.ics' is a mistake: exit 2, one line, and no file."""
    target = tmp_path / "plan.ics"
    result = run("schedule", "2025-03-01", "-f", "json", "-o", str(target))
    assert result.code == 2
    assert len(result.err.splitlines()) == 1
    assert "--format is json" in result.err
    assert not target.exists()


@pytest.mark.parametrize(
    ("args", "written"),
    [
        (("schedule", "2025-03-01", "-o", "plan.ics"), "plan.ics"),
        (("schedule", "2025-03-01", "-o", "plan.txt", "--record", "journal.jsonl"), "plan.txt"),
        (("handout", "2025-03-01", "--patient", "Ann Lee", "--phone", "555-0100", "-o", "a.html"),
         "a.html"),
        (("handout", "--batch", "list.csv", "--out-dir", "out", "--jobs", "1"), "1 handout in out"),
        (("rules", "init", "clinic.yaml"), "clinic.yaml"),
        (("rules", "schema", "-o", "rules.schema.json"), "rules.schema.json"),
        (("record", "key", "new.key"), "new.key"),
    ],
)  # fmt: skip
def test_every_command_that_writes_a_file_says_what_it_wrote(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...], written: str
) -> None:
    """Each command that writes says so first, the same way: 'Wrote FILE (what).', and the journal."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "list.csv").write_text(
        "name,procedure_date,phone\nAnn Lee,2025-03-01,555-0100\n", encoding="utf-8"
    )
    monkeypatch.setenv("VPLAN_RECORD_KEY", "k" * 32)
    result = run(*args)
    assert result.code == 0, result.err
    said = [line for line in result.out.splitlines() if line.startswith("Wrote ")]
    assert said, result.out
    assert re.fullmatch(rf"Wrote {re.escape(written)} \([^()]+\)(; recorded in \S+)?\.", said[0])
    assert ("recorded in journal.jsonl" in said[0]) == ("--record" in args)


def test_what_only_the_care_team_clears_gives_the_clinics_phone(
    run: Run, rules_file: RulesFile
) -> None:
    """'check work' never guesses: it sends the patient to the care team, with the rules' phone."""
    contact = 'protocol:\n  contact:\n    phone: "555-0100"\n'
    path = rules_file(BUNDLED_RULES.replace("protocol:\n", contact, 1))
    result = run("check", "work", "-p", "2025-03-01", "--on", "2025-03-20", "--rules", str(path))
    assert result.code == 1
    flat = " ".join(result.out.split())
    assert (
        "Allowed from: Only when your care team says it is OK. Questions? Call us at 555-0100."
        in flat
    )
    without = run("check", "work", "-p", "2025-03-01", "--on", "2025-03-20")
    assert "Call us" not in without.out


@pytest.mark.parametrize("columns", ["50", "64"])
@pytest.mark.parametrize("lang", ["en", "es"])
def test_text_follows_the_terminal_width_down_to_50_columns(
    run: Run, monkeypatch: pytest.MonkeyPatch, columns: str, lang: str
) -> None:
    """In a narrow terminal, the schedule and check's answer fit its width, every word whole."""
    monkeypatch.setenv("COLUMNS", columns)
    for args in (
        ("schedule", "2025-03-01", "--days", "14", "--lang", lang),
        ("check", "lifting", "15lb", "-p", "2025-03-01", "--on", "2025-03-11", "--lang", lang),
        ("teach-back", "2025-03-01", "--phone", "555-0100", "--lang", lang),  # "100.4 °F"
        ("activities", "--lang", lang),
        ("check", "stairs", "--lang", lang),
    ):
        result = run(*args)
        assert result.code in (0, 1), result.err
        lines = result.out.splitlines()
        assert max(len(line) for line in lines) <= int(columns), max(lines, key=len)
        for line, after in itertools.pairwise(lines):  # a figure stays with its unit, a day whole
            assert not re.search(r"\d$", line) or not re.match(
                r"\s*(lb|kg|pounds|libras|de|°|\(\d|\(day|\(día)", after
            ), (line, after)
            day_apart = re.search(r"\b(day|días?|days)$", line) and re.match(r"\s*\d", after)
            assert not day_apart, (line, after)
    monkeypatch.setenv("COLUMNS", "20")  # narrower than 50: 50 columns
    lines = run("schedule", "2025-03-01", "--days", "3").out.splitlines()
    assert max(len(line) for line in lines) == 50


def test_the_days_with_care_name_their_activity_and_a_caution_comes_with_its_limits(
    run: Run,
) -> None:
    """Day 1 says which rule each 'with care' sentence is; kyphoplasty's caution precedes its date."""
    out = " ".join(run("schedule", "2025-03-01", "--procedure", "kyphoplasty").out.split())
    assert "With care: Walking: Take short walks" in out
    assert "Stairs: Go slowly and hold the handrail." in out
    lifting = out.split(" Lifting Day 0 ", 1)[1].split(" Bending and twisting ", 1)[0]
    caution = lifting.index("Caution: Do not lift things over your head")
    assert caution < lifting.index("Allowed from: Sun, Jun 1, 2025 (day 92).")
    sleeping = out.split(" Sleeping and lying down Day 0 ", 1)[1]
    assert "This holds until your care team says otherwise." in sleeping[:400]
    assert "No limit from: Sat, Apr 12, 2025 (day 42)." in out.split(" Walking Day 0 ", 1)[1][:400]


def test_the_rule_of_an_activity_allowed_with_care_never_reads_as_a_no(run: Run) -> None:
    """Without a date, sleeping is 'with care until ...' and walking has 'no limit from' day 42."""
    sleeping = " ".join(run("check", "sleeping").out.split())
    assert "Sleeping and lying down: with care until your care team says otherwise." in sleeping
    assert "only when your care team says it is OK." not in sleeping
    walking = " ".join(run("check", "walking").out.split())
    assert "Walking: no limit from day 42 (6 weeks)." in walking
    assert "Driving: only when your care team says it is OK." in run("check", "driving").out
