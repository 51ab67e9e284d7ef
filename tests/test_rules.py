from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import BUNDLED_RULES, DEFAULT_RULES, edited, line_of
from vplan.errors import RulesError
from vplan.model import Protocol
from vplan.rules import MAX_BYTES, RulesSource, load

WriteRules = Callable[[str], Path]


def problems(path: Path) -> list[str]:
    """The problem lines vplan reports for the rules file at ``path``."""
    with pytest.raises(RulesError) as err:
        load(RulesSource(path, str(path)), {}, use_cache=False)
    return err.value.lines()


def test_default_rules_cite_a_known_source_for_every_rule(protocol: Protocol) -> None:
    """The bundled protocol validates, and every rule names a listed source."""
    from vplan.model import Protocol

    assert isinstance(protocol, Protocol)
    cited = [s for a in protocol.activities for lim in a.limits for s in lim.sources]
    cited += [s for a in protocol.activities for s in a.sources]
    cited += [s for c in protocol.care for s in c.sources]
    cited += [s for m in protocol.milestones for s in m.sources]
    cited += [s for w in protocol.warning_signs for s in w.sources]
    assert cited
    assert set(cited) <= set(protocol.sources)
    assert "review" in protocol.info.review_note.lower()


def test_unknown_key_points_at_the_key_and_suggests_the_right_one(rules_file: WriteRules) -> None:
    """A typo such as max_lbs is refused at its line and column, with 'did you mean'."""
    text = edited("        max: 10 lb", "        max_lbs: 10 lb")
    [line] = problems(rules_file(text))
    assert line.startswith(
        f"{rules_file(text)}:{line_of(text, 'max_lbs')}:9: unknown key 'max_lbs'"
    )
    assert "did you mean 'max'?" in line


@pytest.mark.parametrize(
    ("old", "new", "needle", "message"),
    [
        ("until: 6 weeks\n        max: 10 lb", "until: 6.5 weeks\n        max: 10 lb", "6.5 weeks", "not a whole number"),
        ("until: 6 weeks\n        max: 10 lb", "until: -6 weeks\n        max: 10 lb", "-6 weeks", "negative"),
        ("until: 6 weeks\n        max: 10 lb", "until: 6 fortnights\n        max: 10 lb", "6 fortnights", "not a unit of time"),
        ("max: 10 lb", "max: 10 stone", "10 stone", "not a unit"),
        ('version: "2026.11-1"', "version: 2026.11", "2026.11", "should be text"),
        ("last_reviewed: 2026-11-21", 'last_reviewed: "next week"', '"next week"', "should be a date"),
        ("  - until: 2 days\n        text:\n          en: Do not drive.",
         "  - until: 2 days\n        text:\n          fr: Ne conduisez pas.", "fr: Ne", "no English"),
    ],
)  # fmt: skip
def test_wrong_values_are_refused_at_their_line(
    rules_file: WriteRules, old: str, new: str, needle: str, message: str
) -> None:
    """Wrong types, fractional or negative durations and unknown units name the line."""
    text = edited(old, new)
    found = problems(rules_file(text))
    assert len(found) == 1, found
    assert f":{line_of(text, needle)}:" in found[0]
    assert message in found[0]
    assert "; " in found[0].split(": ", 1)[1]  # what is wrong; what to write instead


def test_an_activity_that_says_nothing_is_refused(rules_file: WriteRules) -> None:
    """No limits, advice or caution: 'check' would say a plain yes no rule gives; refused."""
    added = "  skydiving:\n    name:\n      en: Skydiving\n      es: Paracaidismo\n    source: seed-004\n"
    text = edited("\ncare:\n", "\n" + added + "\ncare:\n")
    [line] = problems(rules_file(text))
    assert f":{line_of(text, 'skydiving:') + 1}:5:" in line  # the activity's first line
    assert "'skydiving' has no limits, no advice and no caution" in line
    assert "'until: cleared' leaves it to the care team" in line


def test_an_activity_without_a_source_is_refused(rules_file: WriteRules) -> None:
    """An activity needs a source (its rules fall back on it); the message says what to add."""
    text = edited(
        "    source: seed-004\n    advice:\n      en: To pick", "    advice:\n      en: To pick"
    )
    [line] = problems(rules_file(text))
    assert f":{line_of(text, '  bending:')}:3: 'source' is missing" in line
    assert "add 'source:'" in line


@pytest.mark.parametrize(
    ("old", "where"),
    [
        ("        source: [seed-004, seed-002, drugs-com]\n", lambda p: p.activities[0].limits[0]),
        ("        source: krames\n", lambda p: p.activities[6].cautions[0]),
        ("    source: [seed-002, seed-004, discharge-sheets]\n", lambda p: p.care[2]),
        ("    source: [discharge-sheets, seed-001]\n", lambda p: p.milestones[1]),
        ("      source: [discharge-sheets, seed-002]\n", lambda p: p.warning_signs[1]),
    ],
)
def test_a_draft_rule_may_leave_out_its_source(
    rules_file: WriteRules, old: str, where: Callable[[Protocol], Any]
) -> None:
    """Limits, cautions, care items, milestones and warning signs load without a source."""
    path = rules_file(edited(old, ""))
    loaded = load(RulesSource(path, str(path)), {}, use_cache=False)
    assert where(loaded).sources == ()


def test_an_empty_source_list_is_refused(rules_file: WriteRules) -> None:
    """'source: []' names nothing; leave the key out instead, or name a source."""
    text = edited("        source: [seed-004, seed-002, drugs-com]", "        source: []")
    [line] = problems(rules_file(text))
    assert f":{line_of(text, 'source: []')}:" in line
    assert "no source is named" in line


def test_an_unknown_source_key_is_refused(rules_file: WriteRules) -> None:
    """A source must be listed under 'sources:'; a close key is suggested."""
    text = edited("    source: seed-004\n    advice:", "    source: seed-04\n    advice:")
    [line] = problems(rules_file(text))
    where = line_of(text, "source: seed-04\n")
    assert f":{where}:" in line
    assert "did you mean 'seed-004'?" in line


def test_overlapping_limits_are_refused(rules_file: WriteRules) -> None:
    """A limit that starts before the previous one ends is a contradiction."""
    text = edited(
        "      - from: 6 weeks\n        until: 3 months",
        "      - from: 5 weeks\n        until: 3 months",
    )
    [line] = problems(rules_file(text))
    assert "overlaps limit 1" in line
    assert "start it at '6 weeks', where limit 1 ends" in line
    assert f":{line_of(text, 'from: 5 weeks')}:" in line


def test_overlap_that_depends_on_the_calendar_is_refused(rules_file: WriteRules) -> None:
    """'until 1 month' then 'from 30 days' overlap for some procedure dates."""
    text = edited(
        "      - until: 6 weeks\n        max: 10 lb", "      - until: 1 month\n        max: 10 lb"
    ).replace(
        "      - from: 6 weeks\n        until: 3 months",
        "      - from: 30 days\n        until: 3 months",
    )
    [line] = problems(rules_file(text))
    assert "for some procedure dates" in line


def test_a_weight_on_an_activity_that_is_not_measured_is_refused(rules_file: WriteRules) -> None:
    """'max' on bending contradicts the activity having no measure."""
    text = edited(
        "          en: Do not bend at the waist", "          en: Do not bend at the waist", 1
    ).replace(
        "      - until: 6 weeks\n        text:\n          en: Do not bend",
        "      - until: 6 weeks\n        max: 5 lb\n        text:\n          en: Do not bend",
    )
    [line] = problems(rules_file(text))
    assert "is not measured" in line
    assert "add 'measure: weight'" in line


def test_a_name_used_by_two_activities_is_refused(rules_file: WriteRules) -> None:
    """An alias must lead to one activity only, or a check could answer the wrong one."""
    text = edited("aliases: [walk, walks, short walks]", "aliases: [walk, walks, lift]")
    [line] = problems(rules_file(text))
    assert "'lift' already names the activity 'lifting'" in line


def test_every_problem_is_listed_at_once(rules_file: WriteRules) -> None:
    """Two mistakes in different places give two lines, in file order."""
    text = edited("        max: 10 lb", "        max_lbs: 10 lb").replace(
        '  emergency_number: "911"', "  emergency_number: 911"
    )
    found = problems(rules_file(text))
    assert len(found) == 2
    assert "emergency_number" in found[0]
    assert "max_lbs" in found[1]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("format: 1\nprotocol: [unclosed\n", "YAML syntax"),
        ("format: 1\nformat: 1\n", "appears twice"),
        ("base: &b {x: 1}\nother: *b\n", "anchors and aliases"),
        ("", "empty"),
        ("- a list\n", "not a set of 'key: value' lines"),
    ],
)
def test_yaml_mistakes(rules_file: WriteRules, text: str, message: str) -> None:
    """Syntax errors, duplicate keys, aliases and empty files are refused with a position."""
    found = problems(rules_file(text))
    assert any(message in line for line in found), found
    assert all(line.split(":")[1].isdigit() for line in found)


def test_files_over_one_mebibyte_are_refused(rules_file: WriteRules) -> None:
    """A huge file is refused before it is parsed."""
    path = rules_file(DEFAULT_RULES + "#" * MAX_BYTES)
    [line] = problems(path)
    assert "larger than 1 MiB" in line


def test_cache_is_used_and_a_changed_file_is_validated_again(
    rules_file: WriteRules, tmp_path: Path
) -> None:
    """A validated file is cached by content; a change to the file is seen at once."""
    env = {"VPLAN_CACHE_DIR": str(tmp_path / "cache")}
    path = rules_file(DEFAULT_RULES)
    first = load(RulesSource(path, str(path)), env)
    assert len(list((tmp_path / "cache").glob("rules-*.json"))) == 1
    assert load(RulesSource(path, str(path)), env) == first
    path.write_text(edited("max: 10 lb", "max_lbs: 10 lb"), encoding="utf-8")
    with pytest.raises(RulesError):
        load(RulesSource(path, str(path)), env)


def test_a_date_that_does_not_exist_is_a_rules_problem_not_a_crash(rules_file: WriteRules) -> None:
    """last_reviewed: 2026-02-30 is refused at its line, like every other mistake."""
    text = edited("last_reviewed: 2026-11-21", "last_reviewed: 2026-02-30")
    [line] = problems(rules_file(text))
    assert (
        f":{line_of(text, 'last_reviewed: 2026-02-30')}:18: '2026-02-30' is not a real calendar date"
        in line
    )


def test_a_source_with_a_misspelled_key_is_refused(rules_file: WriteRules) -> None:
    """A source written as 'title' and 'file' is strict: an unknown key is named, with the fix."""
    text = edited(
        '  seed-004: "004_22a78c682a031734.txt: Liv Hospital, How Painful Is a Vertebroplasty? '
        'Recovery day by day (2025)"\n',
        '  seed-004:\n    titel: "Liv Hospital: How Painful Is a Vertebroplasty?"\n'
        "    file: 004_22a78c682a031734.txt\n",
    )
    found = problems(rules_file(text))
    assert any(
        f":{line_of(text, 'titel:')}:" in line and "did you mean 'title'?" in line for line in found
    ), found


def test_patients_read_a_sources_title_never_its_file(
    run: Callable[..., Any], tmp_path: Path
) -> None:
    """Every output that cites sources names the publisher and title, never the reviewer's file."""
    files = [
        line.split()[-1] for line in BUNDLED_RULES.splitlines() if line.startswith("    file:")
    ]
    assert files
    outputs = [
        run("check", "lifting", "15lb", "-p", "2025-03-01", "--on", "2025-03-11").out,
        run("check", "lifting", "-p", "2025-03-01", "--on", "2025-03-11", "-f", "json").out,
        run("schedule", "2025-03-01").out,
        run("schedule", "2025-03-01", "-f", "json").out,
        run("schedule", "2025-03-01", "-f", "markdown").out,
        run("activities", "-f", "json").out,
        run("red-flags", "-f", "json").out,
    ]
    assert run("schedule", "2025-03-01", "-o", str(tmp_path / "plan.ics")).code == 0
    outputs.append((tmp_path / "plan.ics").read_text(encoding="utf-8").replace("\r\n ", ""))
    assert "Liv Hospital: How Painful Is a Vertebroplasty?" in outputs[0]
    for output in outputs:
        assert "Liv Hospital" in output or "Source" not in output
        for name in files:
            assert name not in output
