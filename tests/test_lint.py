from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import textstat

from conftest import DEFAULT_RULES, TODAY, Run, edited, line_of
from vplan.authoring.lint import Kind, LintWarning, lint, sentences
from vplan.errors import RulesError

REVIEWED = date(2026, 11, 21)  # the default protocol's last_reviewed

HARD = "Refrain from flexion or rotation of the lumbar spine whatsoever."
# The grade comes from textstat, whose scores may change between releases: taken from it.
HARD_GRADE = round(float(textstat.flesch_kincaid_grade(HARD)), 1)
LIFT_2 = "      - from: 6 weeks\n        until: 3 months\n        max: 20 lb"
WALK_ADVICE = (
    "    advice:\n      en: Short, gentle walks are good for you. Walk a little more each day.\n"
    "      es: Las caminatas cortas y suaves le hacen bien. Camine un poco más cada día.\n"
)
WALK_CAUTION = (
    "    cautions:\n      - text:\n          en: Walk with someone the first time.\n"
    "          es: Camine con alguien la primera vez.\n        source: seed-004\n"
)
LIFT_2_TEXT = (
    "\n        text:\n          en: Do not lift anything heavier than 20 lb (9 kg)."
    "\n          es: No levante nada que pese más de 20 lb (9 kg).\n        source: [seed-004, drugs-com]"
)


def column_of(text: str, needle: str) -> int:
    """The 1-based column at which ``needle`` first appears in ``text``."""
    start = text.index(needle)
    return start - text.rfind("\n", 0, start)


def warnings_of(text: str, today: date = REVIEWED) -> list[LintWarning]:
    """The warnings lint gives for a rules file with this text."""
    return lint(text.encode("utf-8"), "clinic.yaml", today=today)


def test_the_default_protocol_lints_clean() -> None:
    """The bundled rules give no warning on the day they were reviewed."""
    assert warnings_of(DEFAULT_RULES) == []


@pytest.mark.parametrize(
    ("old", "new", "needle", "kind", "message"),
    [
        ("Do not bend at the waist or twist your back.", HARD, HARD, Kind.READING,
         f"reads at grade {HARD_GRADE:.1f} (Flesch-Kincaid), above grade 6"),
        ("Do not bend at the waist or twist your back.", f"Do not bend. {HARD}", "Do not bend. R", Kind.READING,
         "'Refrain from flexion or rotation of the lumbar spine...'"),
        ("en: Strenuous activity", "en: Refrain from any strenuous activity", "Refrain", Kind.READING,
         "above grade 6"),
        ("en: This plan is a general guide.", f"en: {HARD}", HARD, Kind.READING, "above grade 6"),
        ("        source: [seed-004, seed-002, drugs-com]\n", "", "until: 6 weeks\n        max: 10 lb",
         Kind.SOURCE, "limit 1 of 'lifting' names no source"),
        ("        source: krames\n", "", "text:\n          en: Never drive", Kind.SOURCE,
         "caution 1 of 'driving' names no source"),
        ("    source: [seed-002, seed-004, discharge-sheets]\n", "", "until: 2 days\n    label:\n      en: Ice",
         Kind.SOURCE, "the care item 'Ice the needle site' names no source"),
        ("    source: [seed-003, seed-004]\n", "", "at: 4 weeks", Kind.SOURCE,
         "milestone 3 ('Most people are back to what they normally do between 4 and...') names no source"),
        ("      source: [seed-004, seed-002]\n", "", "text:\n        en: New numbness", Kind.SOURCE,
         "the warning sign 'New numbness or weakness.' names no source"),
        (LIFT_2, LIFT_2.replace("20 lb", "5 lb"), "5 lb", Kind.TIGHTENS,
         "limit 2 of 'lifting' (from 6 weeks: up to 5 lb (2.2 kg)) is stricter than limit 1 "
         "before it (up to 10 lb (4.5 kg))"),
        (LIFT_2, LIFT_2.replace("        max: 20 lb", ""), "from: 6 weeks", Kind.TIGHTENS,
         "(from 6 weeks: not at all) is stricter"),
        (LIFT_2 + LIFT_2_TEXT,
         LIFT_2 + LIFT_2_TEXT + "\n      - from: 3 months\n        until: 4 months\n        max: 15 lb\n        text:\n"
         "          en: Do not lift more than 15 lb.\n          es: No levante más de 15 lb.\n        source: seed-004",
         "15 lb\n", Kind.TIGHTENS, "limit 3 of 'lifting' (from 3 months: up to 15 lb (6.8 kg)) is stricter than limit 2"),
        (WALK_ADVICE, WALK_CAUTION, "walking:", Kind.UNSEEN,
         "'walking' has no limits and no 'advice', so the patient handout never mentions it"),
        ("en: Do not shower for the first 2 days.", "en: Do not shower until day 2.",
         "Do not shower until day 2", Kind.NUMBERED_DAY, "says 'day 2': vplan counts the procedure day as day 0"),
        ("es: No se duche durante los primeros 2 días.", "es: No se duche hasta el tercer día.",
         "No se duche hasta", Kind.NUMBERED_DAY, "says 'tercer día'"),
        ("en: Do not take a bath for the first 2 days.", "en: Do not take a bath until Day Two.",
         "Do not take a bath until", Kind.NUMBERED_DAY, "says 'Day Two'"),
    ],
)  # fmt: skip
def test_each_kind_of_warning_points_at_its_line_and_column(
    old: str, new: str, needle: str, kind: Kind, message: str
) -> None:
    """A file with one thing to review gives one warning, at the node that holds it."""
    text = edited(old, new)
    [warning] = warnings_of(text)
    assert warning.kind is kind
    assert (warning.line, warning.column) == (line_of(text, needle), column_of(text, needle))
    assert message in warning.what, warning.what
    assert str(warning).startswith(f"clinic.yaml:{warning.line}:{warning.column}: warning: ")
    assert "; " in str(warning).split(": warning: ", 1)[1]  # what; what to do


@pytest.mark.parametrize(
    ("today", "warned"),
    [
        (date(2026, 11, 21), False),
        (date(2027, 11, 21), False),  # a year to the day: not yet more than a year
        (date(2027, 11, 22), True),
        (date(2031, 1, 1), True),
        (date(2026, 11, 20), True),  # reviewed "tomorrow": a wrong date, warned too
    ],
)
def test_a_review_more_than_a_year_before_today_is_warned(today: date, warned: bool) -> None:
    """last_reviewed is compared with the day passed in, never with the clock; a future one is wrong."""
    found = warnings_of(DEFAULT_RULES, today=today)
    assert [w.kind for w in found] == ([Kind.REVIEW] if warned else [])
    if warned:
        [warning] = found
        needle = "2026-11-21"
        assert (warning.line, warning.column) == (
            line_of(DEFAULT_RULES, needle),
            column_of(DEFAULT_RULES, needle),
        )
        expected = "after today" if today < REVIEWED else "before today"
        assert f"{expected} ({today.isoformat()})" in warning.what


def test_the_first_day_is_not_a_numbered_day() -> None:
    """'The first day' is the procedure day however a patient counts: no warning."""
    text = edited(
        "en: Do not shower for the first 2 days.", "en: Do not shower on the first day or the next."
    )
    assert warnings_of(text) == []


def test_limits_that_only_loosen_give_no_warning() -> None:
    """10 lb, then 20 lb, then allowed: recovery as it should go."""
    text = edited(LIFT_2, LIFT_2.replace("20 lb", "10 lb"))
    assert warnings_of(text) == []


@pytest.mark.parametrize(
    ("sentence", "scored"),
    [
        ("You may take Tylenol (acetaminophen) or Advil (ibuprofen) for soreness.", False),
        ("You may take acetaminophen or ibuprofen for soreness.", True),
        ("Do not lift more than 10 lb (approximately 4.5 kilograms).", False),
        ("Strenuous physical activity.", False),  # three words: not scored
        ("Avoid strenuous physical activity.", True),
    ],
)
def test_what_is_scored(sentence: str, scored: bool) -> None:
    """Text in parentheses and sentences under four words are left out of the score."""
    text = edited("en: Do not bend at the waist or twist your back.", f"en: {sentence}")
    assert [w.kind for w in warnings_of(text)] == ([Kind.READING] if scored else [])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("One. Two three.", ["One.", "Two three."]),
        ("A fever of 100.4 °F (38 °C) or higher.", ["A fever of 100.4 °F (38 °C) or higher."]),
        ("Stop! Is it bad? Call.", ["Stop!", "Is it bad?", "Call."]),
        ("  No full stop  ", ["No full stop"]),
    ],
)
def test_sentences(text: str, expected: list[str]) -> None:
    """Texts split after '.', '!' or '?' and a space, never inside a number."""
    assert sentences(text) == expected


def test_an_invalid_file_is_refused_before_any_warning() -> None:
    """Lint validates first: a bad file raises the same error as 'rules validate'."""
    with pytest.raises(RulesError):
        warnings_of(edited("max: 10 lb", "max_lbs: 10 lb"))


def test_lint_cli_warns_and_exits_1(run: Run, tmp_path: Path) -> None:
    """A very old review date gives a warning line, a summary and exit code 1."""
    clinic = tmp_path / "clinic.yaml"
    text = edited("last_reviewed: 2026-11-21", "last_reviewed: 1999-01-31")
    clinic.write_text(text, encoding="utf-8")
    result = run("rules", "lint", str(clinic))
    assert result.code == 1, result
    warning, summary = result.out.splitlines()
    assert warning.startswith(f"{clinic}:{line_of(text, '1999-01-31')}:18: warning: ")
    assert "last reviewed on 1999-01-31, more than a year before today" in warning
    assert summary == (
        f"{clinic}: valid, with 1 warning. Look at each line above before the protocol is "
        "given to patients."
    )
    assert result.err == ""


def test_lint_cli_passes_a_clean_file_with_exit_0(run: Run, tmp_path: Path) -> None:
    """The default rules, reviewed today, lint clean: one summary line and exit code 0."""
    clinic = tmp_path / "clinic.yaml"
    today = TODAY.isoformat()
    clinic.write_text(edited("last_reviewed: 2026-11-21", f"last_reviewed: {today}"), "utf-8")
    result = run("rules", "lint", str(clinic))
    assert (result.code, result.out, result.err) == (0, f"{clinic}: valid, no warnings.\n", "")


def test_lint_cli_refuses_a_bad_file_with_exit_3(run: Run, tmp_path: Path) -> None:
    """An invalid file is reported as 'rules validate' does, and no warning is given."""
    bad = tmp_path / "bad.yaml"
    bad.write_text(edited("max: 10 lb", "max_lbs: 10 lb"), encoding="utf-8")
    result = run("rules", "lint", str(bad))
    assert result.code == 3
    assert result.out == ""
    problem, summary = result.err.splitlines()
    assert "unknown key 'max_lbs'" in problem
    assert "nothing was used" in summary
