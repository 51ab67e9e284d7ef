"""The one walk over the texts patients read: lint, 'rules diff' and the translations follow it."""

from __future__ import annotations

import copy
import os
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import textstat

from conftest import BUNDLED_RULES, RulesFile, Run
from vplan import batch
from vplan.authoring.diff import compare
from vplan.authoring.lint import Kind, lint
from vplan.model import Text, Where, patient_texts, place, protocol_from_data
from vplan.rules import RulesSource
from vplan.validate import validate

REVIEWED = date(2026, 11, 21)  # the bundled protocol's last_reviewed
# A sentence well above grade 6; its grade is textstat's, which may change between releases.
HARD = "Recommencement of anticoagulation necessitates consultation with the interventionalist."
HARD_GRADE = round(float(textstat.flesch_kincaid_grade(HARD)), 1)
RESTART_ALL = "Restart all your stopped medicines the day after the procedure."


def bundled_data() -> Any:
    """The bundled rules as validation reads them, to edit one text at a time."""
    return validate(BUNDLED_RULES.encode("utf-8"), "rules.yaml")


def guidance_text_line(title: str = "") -> int:
    """The line index of the English text of the first advice whose title holds ``title``."""
    lines = BUNDLED_RULES.splitlines()
    for i in range(lines.index("guidance:"), len(lines) - 3):
        if lines[i].endswith("- title:") and title in lines[i + 1]:
            at = lines.index("    text:", i) + 1
            assert lines[at].startswith("      en: ")
            return at
    raise AssertionError(f"no advice titled {title!r}")


def with_guidance(
    title: str = "", english: str | None = None, *, drop_spanish: bool = False
) -> str:
    """The bundled rules with an advice's English text replaced, or its Spanish dropped."""
    lines = BUNDLED_RULES.splitlines(keepends=True)
    at = guidance_text_line(title)
    if english is not None:
        lines[at] = f"      en: {english}\n"
    if drop_spanish:
        assert lines[at + 1].startswith("      es: ")
        del lines[at + 1]
    return "".join(lines)


def texts_in(value: object) -> Iterator[Text]:
    """Every Text held anywhere in a protocol, found by walking its fields."""
    if isinstance(value, Text):
        yield value
    elif isinstance(value, tuple):
        for item in value:
            yield from texts_in(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from texts_in(item)


def set_text(data: Any, where: Where, lang: str, words: str) -> None:
    """Write ``words`` as the ``lang`` text at ``where`` in validated rules data."""
    node = data
    for step in where:
        node = node[step]
    node[lang] = words


def test_the_walk_finds_every_text_of_the_protocol() -> None:
    """Each text the protocol holds, in any section, is one the walk yields."""
    protocol = protocol_from_data(bundled_data(), "rules.yaml")
    walked = {id(text) for _, text in patient_texts(protocol)}
    held = {id(text) for text in texts_in(tuple(protocol))}
    assert held == walked
    assert any(where[0] == "guidance" for where, _ in patient_texts(protocol))


def test_every_text_changed_is_a_change_in_rules_diff() -> None:
    """Changing any text patients read, in English or in Spanish, is reported by 'rules diff'."""
    data = bundled_data()
    old = protocol_from_data(data, "rules.yaml")
    places = [where for where, _ in patient_texts(old)]
    assert len(places) > 60
    for where in places:
        for lang in ("en", "es"):
            changed = copy.deepcopy(data)
            set_text(changed, where, lang, "Call your care team about this.")
            new = protocol_from_data(changed, "rules.yaml")
            assert compare(old, new).changes, (place(where), lang)


def test_a_changed_medicines_advice_is_reported(run: Run, tmp_path: Path) -> None:
    """'rules diff' names the changed advice and its new words, and exits 1."""
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(BUNDLED_RULES, encoding="utf-8")
    new.write_text(with_guidance("Medicines you stopped", RESTART_ALL), encoding="utf-8")
    result = run("rules", "diff", str(old), str(new))
    assert result.code == 1
    assert RESTART_ALL in " ".join(result.out.split())
    assert "No changes for patients" not in result.out


def test_a_hard_advice_sentence_is_scored_by_lint() -> None:
    """A grade-10 sentence in the advice gets a reading warning at its line."""
    text = with_guidance(english=HARD)
    warnings = lint(text.encode("utf-8"), "clinic.yaml", today=REVIEWED)
    hard = [w for w in warnings if w.kind is Kind.READING]
    assert [w.line for w in hard] == [guidance_text_line() + 1]
    assert f"grade {HARD_GRADE:.1f}" in hard[0].what


def test_an_advice_without_spanish_fails_lint() -> None:
    """An advice text with no Spanish is a lint error naming its place."""
    text = with_guidance(drop_spanish=True)
    warnings = lint(text.encode("utf-8"), "clinic.yaml", today=REVIEWED)
    assert [(w.kind, w.is_error) for w in warnings] == [(Kind.TRANSLATION, True)]
    assert re.match(r"guidance\[0\]\.text has no 'es' text", warnings[0].what)


def test_an_advice_without_spanish_holds_up_the_spanish_rows(rules_file: RulesFile) -> None:
    """The translation check names the advice without Spanish; English is not held up."""
    path = rules_file(with_guidance(drop_spanish=True))
    chosen = batch.load_rules(RulesSource(path, str(path)), dict(os.environ), None, "en")
    missing = chosen.untranslated[("vertebroplasty", "es")]
    assert [place(where) for where in missing] == ["guidance[0].text"]
    assert chosen.untranslated[("vertebroplasty", "en")] == []


def test_an_advice_without_spanish_stops_a_spanish_handout(run: Run, tmp_path: Path) -> None:
    """A Spanish handout is refused, naming the advice's line, before any file is written."""
    rules = tmp_path / "rules.yaml"
    rules.write_text(with_guidance(drop_spanish=True), encoding="utf-8")
    out = tmp_path / "x.pdf"
    result = run(
        "handout", "2025-03-01", "--patient", "Ana", "--lang", "es", "--rules", str(rules),
        "-o", str(out),
    )  # fmt: skip
    assert result.code != 0
    assert f"rules.yaml:{guidance_text_line() + 1}" in result.err
    assert "guidance[0].text" in result.err
    assert not out.exists()
