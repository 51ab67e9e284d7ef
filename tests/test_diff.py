from __future__ import annotations

from collections.abc import Callable, Hashable
from pathlib import Path

import pytest

from conftest import DEFAULT_RULES, Run, edited
from vplan.authoring.diff import Change, ChangeKind, compare, pair
from vplan.model import Protocol, protocol_from_data
from vplan.validate import validate

SWIMMING = DEFAULT_RULES[DEFAULT_RULES.index("  swimming:") : DEFAULT_RULES.index("care:")]
SLEEPING = """  sleeping:
    name:
      en: Sleeping on your stomach
    source: seed-004
    limits:
      - until: 2 weeks
        text:
          en: Sleep on your back or side.
        source: seed-004

"""
REST = "  - until: 24 hours\n    label:\n      en: Rest in bed or on a couch\n"
_REST = DEFAULT_RULES.index(REST)
REST_ITEM = DEFAULT_RULES[_REST : DEFAULT_RULES.index("\n  - until: 2 days\n", _REST) + 1]
BACK_PAIN = DEFAULT_RULES[
    DEFAULT_RULES.index("    - text:\n        en: New back pain.") : DEFAULT_RULES.index(
        "    - text:\n        en: New numbness"
    )
]
MOST_PEOPLE = DEFAULT_RULES[
    DEFAULT_RULES.index("  - at: 4 weeks\n") : DEFAULT_RULES.index("\nwarning_signs:")
]
NAP = "  - until: 1 week\n    label:\n      en: Take a nap\n    text:\n      en: Take a nap after lunch.\n    source: seed-004\n"
VISIT = "  - at: 1 week\n    by: 2 weeks\n"
_DRIVING = DEFAULT_RULES.index("  driving:")
DRIVING_LIMITS = DEFAULT_RULES[
    DEFAULT_RULES.index("    limits:\n", _DRIVING) : DEFAULT_RULES.index("\n\n  shower:") + 1
]


def protocol_of(text: str) -> Protocol:
    """The protocol a rules file with this text holds."""
    return protocol_from_data(validate(text.encode("utf-8"), "rules.yaml"), "rules.yaml")


def changes_between(old: str, new: str) -> list[tuple[str, str]]:
    """Each change for patients from ``old`` to ``new``, as (section, line)."""
    return [(c.section, str(c)) for c in compare(protocol_of(old), protocol_of(new)).changes]


@pytest.mark.parametrize(
    ("old", "new", "section", "line"),
    [
        ("      - until: 6 weeks\n        text:\n          en: Do not bend",
         "      - until: 8 weeks\n        text:\n          en: Do not bend", "Bending and twisting",
         "changed: limit not at all: until 6 weeks -> until 8 weeks (days 0 to 41 -> days 0 to 55)"),
        ("max: 10 lb", "max: 5 lb", "Lifting",
         "changed: limit until 6 weeks (days 0 to 41): up to 10 lb (4.5 kg) -> up to 5 lb (2.2 kg)"),
        ("- until: cleared", "- until: 3 months", "Pool and hot tub",
         "changed: limit not at all: until cleared -> until 3 months (from day 0 -> days 0 to 88-91)"),
        ("en: Do not take a bath for the first 2 days.", "en: No baths for 2 days.", "Tub bath",
         'changed: text of the limit not at all, until 2 days: "Do not take a bath for the first 2 '
         'days." -> "No baths for 2 days."'),
        ("    aliases: [walk, walks, short walks]\n",
         "    aliases: [walk, walks, short walks]\n    limits:\n      - until: 1 day\n        text:\n"
         "          en: Walk only with help today.\n        source: seed-004\n",
         "Walking", "added: limit not at all, until 1 day (day 0)"),
        (DRIVING_LIMITS, "", "Driving", "removed: limit not at all, until 2 days (days 0 to 1)"),
        ("        source: krames\n", "        source: krames\n      - text:\n          en: Not after a sleeping pill.\n",
         "Driving", 'added: caution "Not after a sleeping pill."'),
        ("    cautions:\n      - text:\n          en: Never drive while you take an opioid for pain, such as oxycodone or hydrocodone.\n"
         "          es: Nunca maneje mientras tome un opioide para el dolor, como oxicodona o hidrocodona.\n        source: krames\n",
         "", "Driving", 'removed: caution "Never drive while you take an opioid for pain, such as '
         'oxycodone or hydrocodone."'),
        ("en: When you shower, pat the needle site dry.", "en: Then pat the needle site dry.", "Showering",
         'changed: advice: "When you shower, pat the needle site dry. Do not scrub it." -> "Then pat the '
         'needle site dry. Do not scrub it."'),
        ("      en: Tub bath\n", "      en: Bath in a tub\n", "Bath in a tub",
         'changed: name: "Tub bath" -> "Bath in a tub"'),
        (SWIMMING, SWIMMING + SLEEPING, "Sleeping on your stomach",
         ["added: the activity", "added: limit not at all, until 2 weeks (days 0 to 13)"]),
        (SWIMMING, "", "Pool and hot tub", "removed: the activity, with its limits and cautions"),
        (REST, REST.replace("24 hours", "2 days"), "What to do",
         "changed: 'Rest in bed or on a couch': until 24 hours (day 0) -> until 2 days (days 0 to 1)"),
        (REST, REST.replace("Rest in bed or on a couch", "Rest in bed"), "What to do",
         'changed: label: "Rest in bed or on a couch" -> "Rest in bed"'),
        ("Get up only when you need to,", "Get up only when you must,", "What to do",
         "changed: text of 'Rest in bed or on a couch': \"Rest in bed or on a couch. Get up only "
         'when you need to, with someone to help you." -> "Rest in bed or on a couch. Get up only '
         'when you must, with someone to help you."'),
        (REST, NAP + REST, "What to do",
         "added: 'Take a nap', until 1 week (days 0 to 6): Take a nap after lunch."),
        (REST_ITEM, "", "What to do", "removed: 'Rest in bed or on a couch', until 24 hours (day 0)"),
        ("milestones:\n", "milestones:\n  - at: 3 months\n    text:\n      en: Ask about a bone test.\n    source: seed-001\n",
         "Milestones", 'added: "Ask about a bone test.", at 3 months (day 89-92)'),
        (VISIT, "  - at: 10 days\n    by: 2 weeks\n", "Milestones",
         'changed: "Your follow-up visit is due. If you do not have a date yet, call to make one.": '
         "at 1 week, by 2 weeks (day 7 to 14) -> at 10 days, by 2 weeks (day 10 to 14)"),
        ("en: Your follow-up visit is due.", "en: Your check-up is due.", "Milestones",
         'changed: text at 1 week, by 2 weeks (day 7 to 14): "Your follow-up visit is due. If you '
         'do not have a date yet, call to make one." -> "Your check-up is due. If you do not have '
         'a date yet, call to make one."'),
        (MOST_PEOPLE, "", "Milestones", 'removed: "Most people are back to what they normally do between 4 and '
         '6 weeks. Keep to your lifting limit until it ends.", at 4 weeks, by 6 weeks (day 28 to 42)'),
        ("        en: New back pain.", "        en: New back pain or leg pain.", "Warning signs",
         ["added: \"New back pain or leg pain.\" under 'call the care team today'",
          "removed: \"New back pain.\" (was under 'call the care team today')"]),
        (BACK_PAIN, "", "Warning signs", "removed: \"New back pain.\" (was under 'call the care team today')"),
        ("en: This plan is a general guide.", "en: This plan is a guide.", "Protocol",
         'changed: notice: "This plan is a general guide. It does not replace the advice of your '
         'care team." -> "This plan is a guide. It does not replace the advice of your care team."'),
        ('emergency_number: "911"', 'emergency_number: "112"', "Protocol",
         "changed: emergency number: 911 -> 112"),
    ],
)  # fmt: skip
def test_each_change_for_patients_is_named(
    old: str, new: str, section: str, line: str | list[str]
) -> None:
    """One edit of the rules gives the change patients would notice, under its heading."""
    lines = [line] if isinstance(line, str) else line
    assert changes_between(DEFAULT_RULES, edited(old, new)) == [(section, x) for x in lines]


def test_a_sign_moved_between_tiers_is_one_change() -> None:
    """A warning sign matched by its English text, under another tier, is 'moved'."""
    text = edited(BACK_PAIN, "").replace("  emergency:\n", "  emergency:\n" + BACK_PAIN, 1)
    assert changes_between(DEFAULT_RULES, text) == [
        (
            "Warning signs",
            "moved: \"New back pain.\" from 'call the care team today' to 'emergency'",
        )
    ]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("# vplan default protocol", "# our clinic's protocol"),
        ("[lift, lifts, carrying,", "[lift, lifts, hauling, carrying,"),
        ('  drugs-com: "Drugs.com', '  drugs-com: "Drugs.com (2026)'),
        ("Default protocol shipped with vplan", "Reviewed by our clinic, 2027"),
        ('version: "2026.11-1"', 'version: "2027.01-1"'),
        ("last_reviewed: 2026-11-21", "last_reviewed: 2027-01-15"),
        (VISIT, "  - at: 7 days\n    by: 14 days\n"),
        ("    source: seed-004\n    advice:\n      en: To pick", "    source: seed-003\n    advice:\n      en: To pick"),
        ("    text:\n      en: Rest in bed or on a couch.", "    text:\n      en: >-\n        Rest in bed or on a couch."),
    ],
)  # fmt: skip
def test_what_patients_do_not_read_is_no_change(old: str, new: str) -> None:
    """Comments, sources, aliases, the review note, version, layout, equal durations: no change."""
    comparison = compare(protocol_of(DEFAULT_RULES), protocol_of(edited(old, new)))
    assert comparison.changes == ()


def test_a_new_translation_is_a_changed_text() -> None:
    """A Spanish text added beside the English one is a change for Spanish readers."""
    before = edited("      en: Tub bath\n      es: Bañarse en tina\n", "      en: Tub bath\n")
    assert changes_between(before, DEFAULT_RULES) == [
        ("Tub bath", "changed: name: translations changed (es)")
    ]


def test_the_translation_note_is_a_change_for_patients() -> None:
    """Removing the note (the Spanish was reviewed) changes what Spanish readers see."""
    note = DEFAULT_RULES[
        DEFAULT_RULES.index("  translation_note:\n") : DEFAULT_RULES.index("\nsources:") + 1
    ]
    without = edited(note, "\n")
    [(section, line)] = changes_between(DEFAULT_RULES, without)
    assert section == "Protocol"
    assert line.startswith('removed: translation note: "The Spanish (es) texts of this protocol')
    [(_, added)] = changes_between(without, DEFAULT_RULES)
    assert added.startswith("added: translation note: ")
    reworded = edited("todavía no ha sido revisada", "aún no ha sido revisada")
    assert changes_between(DEFAULT_RULES, reworded) == [
        ("Protocol", "changed: translation note: translations changed (es)")
    ]


def test_a_changed_translation_is_a_changed_text() -> None:
    """A reworded Spanish text, the English unchanged, is a change for Spanish readers."""
    text = edited("      es: Bañarse en tina\n", "      es: Baño en tina\n")
    assert changes_between(DEFAULT_RULES, text) == [
        ("Tub bath", "changed: name: translations changed (es)")
    ]


@pytest.mark.parametrize(
    ("old", "new", "keys", "in_order", "expected"),
    [
        ("abc", "abc", [str.lower], False, [("a", "a"), ("b", "b"), ("c", "c")]),
        ("abc", "cab", [str.lower], False, [("c", "c"), ("a", "a"), ("b", "b")]),
        ("ab", "bc", [str.lower], False, [("b", "b"), (None, "c"), ("a", None)]),
        ("ab", "bc", [str.lower], True, [("b", "b"), ("a", "c")]),
        ("aB", "Ab", [str, str.lower], False, [("a", "A"), ("B", "b")]),
        ("", "x", [str], False, [(None, "x")]),
    ],
)
def test_pair(
    old: str,
    new: str,
    keys: list[Callable[[str], Hashable]],
    in_order: bool,
    expected: list[tuple[str | None, str | None]],
) -> None:
    """Items match by each key in turn, then (if asked) by order; the rest are added or removed."""
    assert pair(list(old), list(new), keys, then_in_order=in_order) == expected


def test_change_reads_as_kind_then_what() -> None:
    """A change prints as 'added: ...', 'removed: ...', 'changed: ...' or 'moved: ...'."""
    assert str(Change("Lifting", ChangeKind.MOVED, "x")) == "moved: x"


def test_diff_cli_prints_changes_and_exits_1(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two versions that differ: a report by section, a count and exit code 1."""
    monkeypatch.chdir(tmp_path)
    old, new = Path("old.yaml"), Path("new.yaml")
    old.write_text(DEFAULT_RULES, encoding="utf-8")
    new.write_text(
        edited("      - until: 6 weeks\n        max: 10 lb", "      - until: 8 weeks\n        max: 10 lb")
        .replace("      - from: 6 weeks\n        until: 3 months", "      - from: 8 weeks\n        until: 3 months")
        .replace('version: "2026.11-1"', 'version: "2027.01-1"'),
        encoding="utf-8",
    )  # fmt: skip
    result = run("rules", "diff", str(old), str(new))
    assert result.code == 1, result.err
    assert result.out == (
        f"Changes for patients from {old} to {new}\n"
        "Version: 2026.11-1 -> 2027.01-1\n"
        "Last reviewed: 2026-11-21 (the same in both)\n"
        "\n"
        "Lifting\n"
        "  changed: limit up to 10 lb (4.5 kg): until 6 weeks -> until 8 weeks (days 0 to\n"
        "      41 -> days 0 to 55)\n"
        "  changed: limit up to 20 lb (9 kg): from 6 weeks until 3 months -> from 8 weeks\n"
        "      until 3 months (days 42 to 88-91 -> days 56 to 88-91)\n"
        "\n"
        "2 changes for patients.\n"
    )
    monkeypatch.setenv("COLUMNS", "50")  # a narrow terminal: its width, days kept whole
    narrow = run("rules", "diff", str(old), str(new)).out.splitlines()
    assert max(len(line) for line in narrow) <= 50
    assert "      days 0 to 55)" in narrow


def test_diff_cli_same_protocol_exits_0(run: Run, tmp_path: Path) -> None:
    """No change for patients: one line says so and the exit code is 0."""
    copy = tmp_path / "copy.yaml"
    copy.write_text(DEFAULT_RULES.replace("# vplan default", "# our"), encoding="utf-8")
    result = run("rules", "diff", "--", str(copy), str(copy))
    assert result.code == 0
    assert result.out.endswith("\nNo changes for patients.\n")


def test_diff_cli_warns_when_the_version_was_not_changed(run: Run, tmp_path: Path) -> None:
    """Changes under the same version number: the report asks for a new version."""
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(DEFAULT_RULES, encoding="utf-8")
    new.write_text(edited('emergency_number: "911"', 'emergency_number: "112"'), "utf-8")
    result = run("rules", "diff", str(old), str(new))
    assert result.code == 1
    assert result.out.endswith(
        "1 change for patients.\nBoth files have the same version: set a new 'version' (and "
        "'last_reviewed')\n  before the new protocol is used.\n"
    )


def test_diff_cli_refuses_a_bad_file_with_exit_3(run: Run, tmp_path: Path) -> None:
    """Either file with a mistake is reported as 'rules validate' does, and nothing is compared."""
    good, bad = tmp_path / "good.yaml", tmp_path / "bad.yaml"
    good.write_text(DEFAULT_RULES, encoding="utf-8")
    bad.write_text(
        edited("until: 6 weeks\n        max: 10 lb", "until: 6 fortnights\n        max: 10 lb"),
        "utf-8",
    )
    for args in ((str(good), str(bad)), (str(bad), str(good))):
        result = run("rules", "diff", *args)
        assert result.code == 3
        assert result.out == ""
        assert f"{bad}:" in result.err
        assert "not a unit of time" in result.err
