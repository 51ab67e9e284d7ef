"""The rules reports and the protocol listings: text and JSON are two layouts of one view."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import DEFAULT_RULES, Run, edited, line_of
from vplan.model import Protocol


def test_validate_json_says_what_the_text_says(run: Run, protocol: Protocol) -> None:
    """'rules validate -f json' gives the version, counts, procedures and languages of the text."""
    text = run("rules", "validate")
    data = json.loads(run("rules", "validate", "-f", "json").out)
    assert (text.code, data["valid"]) == (0, True)
    assert data["version"] == protocol.info.version
    assert data["activities"] == len(protocol.activities)
    assert data["warning_signs"] == len(protocol.warning_signs)
    assert data["procedures"] == ["vertebroplasty", "kyphoplasty"]
    assert [lang["code"] for lang in data["languages"]] == ["en", "es"]
    first = text.out.splitlines()[0]
    assert f"version {data['version']}, last reviewed {data['last_reviewed']};" in first
    assert f"{data['activities']} activities, {data['warning_signs']} warning signs;" in first
    assert f"Translation note: {data['translation_note']}\n" in text.out


def test_validate_json_counts_the_texts_a_language_lacks(run: Run, tmp_path: Path) -> None:
    """A Spanish text taken out shows as one text without 'es' in both the JSON and the text."""
    clinic = tmp_path / "clinic.yaml"
    without, removed = re.subn(
        r"\n    es: Este plan es una guía general\.[^\n]*", "", DEFAULT_RULES
    )
    assert removed == 1
    clinic.write_text(without, "utf-8")
    data = json.loads(run("rules", "validate", str(clinic), "-f", "json").out)
    assert {"code": "es", "texts_without_it": 1} in data["languages"]
    assert "es (1 text without it;" in run("rules", "validate", str(clinic)).out


def test_lint_json_lists_the_findings_of_the_text(run: Run, tmp_path: Path) -> None:
    """'rules lint -f json' has each finding's place and level, and exits 1 as the text does."""
    clinic = tmp_path / "clinic.yaml"
    text = edited("last_reviewed: 2026-11-21", "last_reviewed: 1999-01-31")
    clinic.write_text(text, encoding="utf-8")
    result = run("rules", "lint", str(clinic), "-f", "json")
    assert result.code == 1
    data = json.loads(result.out)
    assert (data["file"], data["errors"], data["warnings"]) == (str(clinic), 0, 1)
    (finding,) = data["findings"]
    assert (finding["line"], finding["level"]) == (line_of(text, "1999-01-31"), "warning")
    line = run("rules", "lint", str(clinic)).out.splitlines()[0]
    assert line == (
        f"{clinic}:{finding['line']}:{finding['column']}: warning: "
        f"{finding['what']}; {finding['fix']}"
    )


def test_lint_json_of_a_clean_file_has_no_findings(run: Run, tmp_path: Path) -> None:
    """A clean file: no findings, exit 0."""
    clinic = tmp_path / "clinic.yaml"
    clinic.write_text(edited("last_reviewed: 2026-11-21", "last_reviewed: 2027-01-10"), "utf-8")
    result = run("rules", "lint", str(clinic), "--format", "json")
    assert result.code == 0
    assert json.loads(result.out)["findings"] == []


@pytest.mark.parametrize("lang", ["en", "es"])
def test_red_flags_text_and_json_list_the_same_signs(run: Run, lang: str) -> None:
    """Every warning sign of the JSON is in the text, in the same order, and no other."""
    data = json.loads(run("red-flags", "-f", "json", "--lang", lang).out)
    text = run("red-flags", "--lang", lang).out
    signs = [s["text"] for tier in ("emergency", "call_today", "expected") for s in data[tier]]
    in_text = " ".join(text.split())
    shown = re.findall(r"(?m)^  - ", text)
    assert len(shown) == len(signs)
    places = [in_text.index(f"- {sign}") for sign in signs]
    assert places == sorted(places)
    assert data["emergency_number"] in text.splitlines()[1]


@pytest.mark.parametrize("lang", ["en", "es"])
def test_activities_text_and_json_name_the_same_activities(run: Run, lang: str) -> None:
    """Each activity of the JSON heads a section of the text, with the same summary."""
    data = json.loads(run("activities", "-f", "json", "--lang", lang).out)
    text = run("activities", "--lang", lang).out
    in_text = " ".join(text.split())
    heads = [f"{a['activity'].replace('_', ' ')}: {a['name']}" for a in data]
    assert [line for line in text.splitlines()[1:] if not line.startswith(" ")] == heads
    for activity in data:
        assert " ".join(activity["reason"].split()) in in_text


def test_an_undated_check_gives_the_rule_the_activities_list_gives(run: Run) -> None:
    """'check lifting' without a date states the same limits 'activities' lists for lifting."""
    rule = json.loads(run("check", "lifting", "-f", "json").out)
    (listed,) = [
        a for a in json.loads(run("activities", "-f", "json").out) if a["activity"] == "lifting"
    ]
    assert rule["rule"] == listed["rule"]
    assert rule["reason"] == listed["reason"]
