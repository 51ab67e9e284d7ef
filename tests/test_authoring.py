from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from ruamel.yaml import YAML
from ruamel.yaml.constructor import SafeConstructor

from conftest import DEFAULT_RULES, Run, edited
from vplan.authoring.json_schema import rules_json_schema
from vplan.parse import ParseError, parse_duration, parse_weight
from vplan.rules import default_rules_path
from vplan.schema import DURATION_PATTERN, UNTIL_PATTERN, WEIGHT_PATTERN


def test_init_writes_a_copy_of_the_default_rules(run: Run, tmp_path: Path) -> None:
    """'rules init' writes the bundled rules byte for byte and names the next step."""
    target = tmp_path / "clinic.yaml"
    result = run("rules", "init", str(target))
    assert result.code == 0, result.err
    assert target.read_bytes() == default_rules_path().read_bytes()
    assert result.out == (
        f"Wrote {target} (a copy of the default protocol).\n"
        f"Next: edit it, then run: vplan rules lint {target}\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clinic.yaml"]


def test_init_never_overwrites_without_force(run: Run, tmp_path: Path) -> None:
    """An existing file is refused (exit 4) and kept; --force replaces it."""
    target = tmp_path / "clinic.yaml"
    target.write_text("my own protocol\n", encoding="utf-8")
    refused = run("rules", "init", str(target))
    assert refused.code == 4
    assert refused.err.count("\n") == 1
    assert "--force" in refused.err
    assert target.read_text(encoding="utf-8") == "my own protocol\n"
    assert run("rules", "init", str(target), "--force").code == 0
    assert target.read_bytes() == default_rules_path().read_bytes()


def test_init_quotes_a_path_with_spaces_in_the_next_step(run: Run, tmp_path: Path) -> None:
    """The suggested lint command can be pasted as it is, even for a name with a space."""
    target = tmp_path / "my clinic.yaml"
    assert run("rules", "init", str(target)).out.endswith(f"vplan rules lint '{target}'\n")


class EditorConstructor(SafeConstructor):
    """Reads YAML as an editor's schema check does: YAML 1.2 has no dates, so they stay text."""


EditorConstructor.add_constructor("tag:yaml.org,2002:timestamp", SafeConstructor.construct_yaml_str)


def editor_view(text: str) -> Any:
    """The plain data an editor checks against the schema."""
    yaml = YAML(typ="safe", pure=True)
    yaml.Constructor = EditorConstructor
    return yaml.load(text)


def schema_errors(text: str) -> list[str]:
    """Where and why a rules file with this text breaks the JSON Schema, one line each."""
    validator = Draft202012Validator(
        rules_json_schema(), format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    return [
        f"{'/'.join(str(step) for step in error.absolute_path)}: {error.message}"
        for error in validator.iter_errors(editor_view(text))
    ]


def test_schema_is_draft_2020_12_with_a_title_and_description(run: Run) -> None:
    """'rules schema' prints a valid JSON Schema, draft 2020-12, titled and described."""
    result = run("rules", "schema")
    assert result.code == 0, result.err
    schema = json.loads(result.out)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"] == "vplan rules file"
    assert "vplan rules lint" in schema["description"]
    assert schema == rules_json_schema()


def test_the_default_rules_validate_against_the_schema() -> None:
    """The bundled rules.yaml, read as an editor reads it, breaks no rule of the schema."""
    assert isinstance(YAML(typ="safe").load(DEFAULT_RULES)["protocol"]["last_reviewed"], date)
    assert editor_view(DEFAULT_RULES)["protocol"]["last_reviewed"] == "2026-11-21"
    assert schema_errors(DEFAULT_RULES) == []


@pytest.mark.parametrize(
    ("old", "new", "where", "message"),
    [
        ("        max: 10 lb", "        max_lbs: 10 lb", "activities/lifting/limits/0",
         "'max_lbs' was unexpected"),
        ("until: 6 weeks\n        max: 10 lb", "until: 6 fortnights\n        max: 10 lb",
         "activities/lifting/limits/0/until", "does not match"),
        ("max: 10 lb", "max: 10 stone", "activities/lifting/limits/0/max", "is not valid under any"),
        ("measure: weight", "measure: height",
         "activities/lifting/measure", "'height'"),
        ("  - at: 1 week", "  - at: 1.5 weeks", "milestones/1/at", "does not match"),
        ("          en: Do not drive.", "          fr: Ne conduisez pas.",
         "activities/driving/limits/0/text", "'en' is a required property"),
        ("last_reviewed: 2026-11-21", "last_reviewed: 2026-13-45", "protocol/last_reviewed",
         "is not a 'date'"),
        ("format: 1", "format: 2", "format", "1 was expected"),
        ("    source: seed-004\n    advice:", "    advice:", "activities/bending",
         "'source' is a required property"),
        ("        source: [seed-004, seed-002, drugs-com]", "        source: []",
         "activities/lifting/limits/0/source", "is not valid under any of the given schemas"),
    ],
)  # fmt: skip
def test_a_broken_file_breaks_the_schema_where_vplan_refuses_it(
    old: str, new: str, where: str, message: str
) -> None:
    """Unknown keys, bad durations and weights, missing texts and sources fail the schema too."""
    [error] = schema_errors(edited(old, new))
    assert error.startswith(f"{where}: "), error
    assert message in error, error


def test_a_rule_without_a_source_passes_the_schema() -> None:
    """A draft rule may leave out its source, as vplan allows (lint warns about it)."""
    assert schema_errors(edited("        source: [seed-004, seed-002, drugs-com]\n", "")) == []


@pytest.mark.parametrize(
    ("written", "pattern", "parse"),
    [
        (written, DURATION_PATTERN, parse_duration)
        for written in ("6 weeks", "1 week", "24 hours", " 3  Months ", "2 DAYS", "6weeks",
                        "6.5 weeks", "-6 weeks", "6 fortnights", "weeks", "", "cleared")
    ]
    + [
        (written, UNTIL_PATTERN, lambda text: text == "cleared" or parse_duration(text))
        for written in ("cleared", "Cleared", "6 weeks", "cleared soon")
    ]
    + [
        (written, WEIGHT_PATTERN, parse_weight)
        for written in ("10 lb", "10lb", "4.5 kg", "7,5 kg", "15 Pounds", "2 kilos",
                        "3 kilograms", "10 lbs.", "10", "10 stone", "lb", "-5 lb", "5 l b")
    ],
)  # fmt: skip
def test_schema_patterns_accept_what_vplan_reads(
    written: str, pattern: str, parse: Callable[[str], object]
) -> None:
    """A duration, an 'until' or a weight matches its pattern exactly when vplan can read it."""
    try:
        readable = bool(parse(written))
    except ParseError:
        readable = False
    assert (re.search(pattern, written) is not None) == readable


def test_schema_is_written_to_a_file_never_over_one(run: Run, tmp_path: Path) -> None:
    """'rules schema -o FILE' writes the schema; an existing file needs --force (else exit 4)."""
    target = tmp_path / "rules.schema.json"
    written = run("rules", "schema", "-o", str(target))
    assert (written.code, written.out, written.err) == (
        0,
        f"Wrote {target} (the JSON Schema of the rules format).\n",
        "",
    )
    assert json.loads(target.read_text(encoding="utf-8")) == rules_json_schema()
    target.write_text("{}", encoding="utf-8")
    refused = run("rules", "schema", "--output", str(target))
    assert refused.code == 4
    assert target.read_text(encoding="utf-8") == "{}"
    assert run("rules", "schema", "-o", str(target), "--force").code == 0
    assert json.loads(target.read_text(encoding="utf-8")) == rules_json_schema()


def test_a_file_without_an_emergency_sign_breaks_the_schema() -> None:
    """'emergency: []' is refused by the schema as vplan refuses it: at least one sign."""
    start = DEFAULT_RULES.index("  emergency:\n")
    end = DEFAULT_RULES.index("  call_today:\n")
    text = DEFAULT_RULES[:start] + "  emergency: []\n" + DEFAULT_RULES[end:]
    [error] = schema_errors(text)
    assert error.startswith("warning_signs/emergency: "), error
    assert "should be non-empty" in error or "is too short" in error, error
