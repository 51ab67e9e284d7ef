from __future__ import annotations

import io
import json
import re
from datetime import date
from pathlib import Path

import pypdf
import pytest

from conftest import ANN_HANDOUT, DEFAULT_RULES, RulesFile, Run, batch_of, edited, line_of
from vplan.model import Protocol
from vplan.plan import Status, build_plan
from vplan.rules import load, resolve

KYPHO = ("--procedure", "kyphoplasty")


@pytest.fixture(scope="module")
def kyphoplasty() -> Protocol:
    """The default file's kyphoplasty protocol."""
    return load(resolve(None, {}), {}, use_cache=False, procedure="kyphoplasty")


def test_kyphoplasty_shares_what_it_does_not_change(
    protocol: Protocol, kyphoplasty: Protocol
) -> None:
    """Warning signs, care, milestones and the unchanged activities are the same; it names itself."""
    assert kyphoplasty.warning_signs == protocol.warning_signs
    assert kyphoplasty.care == protocol.care
    assert kyphoplasty.milestones == protocol.milestones
    same = {
        "bending",
        "strenuous",
        "strengthening",
        "walking",
        "gentle_movement",
        "shower",
        "bath",
        "swimming",
    }
    for key in same:
        assert kyphoplasty.activity(key) == protocol.activity(key)
    assert kyphoplasty.info.procedure.get() == "balloon kyphoplasty"
    assert kyphoplasty.info.procedure_key == "kyphoplasty"
    assert protocol.info.procedure_key == "vertebroplasty"
    assert [a.key for a in kyphoplasty.activities] == [a.key for a in protocol.activities]


def test_kyphoplasty_takes_the_stricter_lifting_figure(
    protocol: Protocol, kyphoplasty: Protocol
) -> None:
    """5 lb for 3 weeks (its own sheet), then vertebroplasty's figures; both drive once cleared."""
    start = date(2025, 3, 1)
    vp, kp = build_plan(protocol, start), build_plan(kyphoplasty, start)
    lifting_vp, lifting_kp = protocol.activity("lifting"), kyphoplasty.activity("lifting")
    from vplan.parse import parse_weight

    eight = parse_weight("8 lb")
    assert vp.verdict(lifting_vp, 10, eight).allowed
    assert not kp.verdict(lifting_kp, 10, eight).allowed
    assert kp.verdict(lifting_kp, 10, eight).allowed_from_day == 21
    for day in range(21, 120):
        for amount in ("4 lb", "8 lb", "15 lb", "25 lb"):
            weight = parse_weight(amount)
            ours, theirs = kp.verdict(lifting_kp, day, weight), vp.verdict(lifting_vp, day, weight)
            # The same figures; kyphoplasty's caution (nothing over the head) makes a yes careful.
            careful = Status.WITH_CARE if theirs.status is Status.ALLOWED else theirs.status
            assert ours.status is careful, (day, amount)
            if ours.status.forbids:
                assert ours.allowed_from_day == theirs.allowed_from_day, (day, amount)
    for plan, proto in ((vp, protocol), (kp, kyphoplasty)):
        driving = plan.verdict(proto.activity("driving"), 365)
        assert not driving.allowed
        assert driving.allowed_from_day is None
    assert all(limit.sources for limit in lifting_kp.limits)


@pytest.mark.parametrize(
    "name", ["kyphoplasty", "Kyphoplasty", "kp", "balloon kyphoplasty", "Balloon-Kyphoplasty"]
)
def test_a_procedure_answers_to_its_key_name_and_aliases(run: Run, name: str) -> None:
    """Any of the procedure's names selects it, in any case."""
    args = ("check", "lifting", "8lb", "-p", "2025-03-01", "--on", "2025-03-11")
    result = run(*args, "--procedure", name)
    assert result.code == 1, result.err
    assert "Allowed from: Sat, Mar 22, 2025 (day 21)" in result.out


def test_the_main_procedure_is_the_default_and_can_be_named(run: Run) -> None:
    """Without --procedure, or with --procedure vertebroplasty, the main protocol answers."""
    args = ("check", "lifting", "8lb", "-p", "2025-03-01", "--on", "2025-03-11")
    assert run(*args).code == 0
    assert run(*args, "--procedure", "vertebroplasty").out == run(*args).out


def test_an_unknown_procedure_is_refused_with_the_list(run: Run) -> None:
    """A procedure the rules do not have is exit 2, naming the ones they do."""
    result = run("schedule", "2025-03-01", "--procedure", "knee replacement")
    assert result.code == 2
    assert result.err == (
        "vplan: error: 'knee replacement' is not a procedure in the rules; "
        "the procedures are: vertebroplasty, kyphoplasty\n"
    )


@pytest.mark.parametrize(
    "command",
    [
        ("schedule", "2025-03-01"),
        ("schedule", "2025-03-01", "-f", "json"),
        ("schedule", "2025-03-01", "-f", "markdown"),
        ("red-flags",),
        ("activities",),
        ("check", "lifting"),
    ],
)
def test_every_command_takes_the_procedure(run: Run, command: tuple[str, ...]) -> None:
    """Each command that shows patient text accepts --procedure."""
    result = run(*command, *KYPHO)
    assert result.code == 0, result.err


def test_the_schedule_names_the_procedure(run: Run) -> None:
    """The title and the JSON say which procedure the plan is for."""
    assert run("schedule", "2025-03-01", *KYPHO).out.startswith(
        "Recovery plan after balloon kyphoplasty\n"
    )
    data = json.loads(run("schedule", "2025-03-01", "-f", "json", *KYPHO).out)
    assert data["protocol"]["procedure"] == "balloon kyphoplasty"


def test_handouts_and_calendars_name_the_procedure(run: Run, tmp_path: Path) -> None:
    """The PDF title and the calendar's name say balloon kyphoplasty, with its own key dates."""
    pdf_path, ics_path = tmp_path / "k.pdf", tmp_path / "k.ics"
    assert (
        run(
            *ANN_HANDOUT,
            "-o",
            str(pdf_path),
            *KYPHO,
        ).code
        == 0
    )
    text = re.sub(
        r"\s+",
        " ",
        " ".join(
            p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf_path.read_bytes())).pages
        ),
    )
    assert "Your recovery after balloon kyphoplasty" in text
    assert (
        "From Sun, Mar 2 (B): Do not lift more than 5 pounds (2.2 kg). A gallon of "
        "milk is too heavy. From Sat, Mar 22 (E): Do not lift more than 10 pounds" in text
    )
    # Mar 22's letter is beside its date in the box: no list of other marked days is needed.
    assert "Also marked on the calendar" not in text
    assert run("schedule", "2025-03-01", "-f", "ics", "-o", str(ics_path), *KYPHO).code == 0
    assert b"X-WR-CALNAME:Recovery after balloon kyphoplasty" in ics_path.read_bytes()


def test_the_batch_takes_a_procedure_column(run: Run, tmp_path: Path) -> None:
    """Each row may name its procedure; an empty cell takes --procedure, an unknown one is refused."""
    rows = "name,procedure_date,procedure\nAnn,2025-03-01,kyphoplasty\nBo,2025-03-01,\nCy,2025-03-01,knee\n"
    (tmp_path / "list.csv").write_text(rows, encoding="utf-8")
    result = run(*batch_of(tmp_path / "list.csv", tmp_path / "o"))
    assert result.code == 5
    assert (
        "list.csv:4: refused: unknown procedure 'knee'; write one of: kyphoplasty, vertebroplasty"
        in result.err
    )

    def title(name: str) -> str:
        reader = pypdf.PdfReader(io.BytesIO((tmp_path / "o" / name).read_bytes()))
        return reader.pages[0].extract_text().splitlines()[0]

    assert title("ann_2025-03-01.pdf") == "Your recovery after balloon kyphoplasty"
    assert title("bo_2025-03-01.pdf") == "Your recovery after vertebroplasty"


PROCEDURE_DRIVING = "          - until: 2 weeks\n"


@pytest.mark.parametrize(
    ("old", "new", "needle", "message"),
    [
        (
            "    aliases: [balloon kyphoplasty, kp]\n",
            "    aliases: [balloon kyphoplasty, kp, vertebroplasty]\n",
            "    aliases: [balloon kyphoplasty, kp, vertebroplasty]",
            "'vertebroplasty' already names the main procedure",
        ),
        (
            PROCEDURE_DRIVING,
            "          - from: 1 day\n            until: 2 weeks\n",
            "- from: 1 day",
            "the first limit starts at 1 day, so 'driving' would be allowed, then limited",
        ),
        (
            "        source: [discharge-sheets, seed-004]\n        cautions:",
            "        source: [discharge-sheet, seed-004]\n        cautions:",
            "        source: [discharge-sheet, seed-004]\n        cautions:",
            "source 'discharge-sheet' is not listed under 'sources:'; did you mean 'discharge-sheets'?",
        ),
        (
            "        aliases: [drive, drives, driving a car]\n        source: [discharge-sheets",
            "        aliases: [drive, drives, driving a car, bath]\n        source: [discharge-sheets",
            "driving a car, bath]\n        source: [discharge-sheets",
            "'bath' already names the activity 'bath'",
        ),
        (
            "    aliases: [balloon kyphoplasty, kp]\n",
            '    aliases: [balloon kyphoplasty, kp, ""]\n',
            '    aliases: [balloon kyphoplasty, kp, ""]',
            "an empty name",
        ),
        (
            "    source: [seed-002, seed-004]\n    activities:",
            "    source: [seed-002, seed-004]\n    activity:",
            "    activity:",
            "'activity'",
        ),
    ],
)
def test_mistakes_in_a_procedure_are_found_where_they_are_written(
    run: Run, rules_file: RulesFile, old: str, new: str, needle: str, message: str
) -> None:
    """A procedure's names, limits and sources are checked like the main ones, at their lines."""
    assert DEFAULT_RULES.rindex(old) > DEFAULT_RULES.index("procedures:"), old
    head, _, tail = DEFAULT_RULES.rpartition(old)
    text = head + new + tail
    path = rules_file(text)
    result = run("rules", "validate", str(path))
    assert result.code == 3
    line = text[: text.rindex(needle)].count("\n") + 1
    problems = [p for p in result.err.splitlines() if message in p]
    assert problems, result.err
    assert f"rules.yaml:{line}:" in problems[0] or f"rules.yaml:{line + 1}:" in problems[0], (
        problems[0]
    )


def test_lint_points_into_the_procedure_that_wrote_the_text(
    run: Run, rules_file: RulesFile
) -> None:
    """A hard sentence in a procedure's own activity is reported at its line there, once."""
    hard = "Refrain from operating any motor vehicle whatsoever for approximately two weeks."
    text = edited(
        "en: Do not drive for 2 weeks. Someone else must drive you home and to your visits.",
        f"en: {hard}",
    )
    path = rules_file(text)
    result = run("rules", "lint", str(path))
    assert result.code == 1
    warnings = [w for w in result.out.splitlines() if "warning:" in w]
    assert len(warnings) == 1
    assert warnings[0].startswith(f"{path}:{line_of(text, hard)}:")


def test_diff_names_the_procedure_a_change_belongs_to(run: Run, tmp_path: Path) -> None:
    """A change in kyphoplasty's own rules is headed by its name; shared changes are said once."""
    (tmp_path / "old.yaml").write_text(DEFAULT_RULES, encoding="utf-8")
    new = edited("          - until: 2 weeks\n", "          - until: 3 weeks\n").replace(
        "en: Chest pain or trouble breathing.", "en: Chest pain, or trouble breathing."
    )
    (tmp_path / "new.yaml").write_text(new, encoding="utf-8")
    result = run("rules", "diff", str(tmp_path / "old.yaml"), str(tmp_path / "new.yaml"))
    assert result.code == 1
    assert (
        "\nkyphoplasty: Driving\n  changed: limit not at all: until 2 weeks -> until 3 weeks"
        in result.out
    )
    assert result.out.count("Chest pain, or trouble breathing.") == 1
    without = DEFAULT_RULES[: DEFAULT_RULES.index("\nprocedures:")] + "\n"
    (tmp_path / "none.yaml").write_text(without, encoding="utf-8")
    result = run("rules", "diff", str(tmp_path / "old.yaml"), str(tmp_path / "none.yaml"))
    assert "removed: the procedure 'kyphoplasty'" in result.out


def test_lint_finds_a_character_the_handout_cannot_print(run: Run, rules_file: RulesFile) -> None:
    """A character outside the embedded font is a lint warning at its text, before any handout."""
    text = edited(
        "en: Chest pain or trouble breathing.", "en: Chest pain \u2192 or trouble breathing."
    )
    path = rules_file(text)
    result = run("rules", "lint", str(path))
    assert result.code == 1
    assert f"{path}:{line_of(text, 'Chest pain')}:" in result.out
    assert "cannot print: '\u2192' (U+2192)" in result.out


def _without_kyphoplasty_spanish(*lines: str) -> str:
    """The default rules with these Spanish lines of the kyphoplasty section taken out."""
    head, sep, tail = DEFAULT_RULES.partition("\nprocedures:\n")
    for line in lines:
        assert line in tail, line
        tail = tail.replace(line, "", 1)
    return head + sep + tail


KP_NAME_ES = "      es: cifoplastia con balón\n"
KP_LIFT_ES = "              es: No levante nada que pese más de 5 lb (2.2 kg). Un galón de leche pesa demasiado.\n"


def test_a_missing_spanish_text_of_a_procedure_is_named_where_it_is_written(
    run: Run, rules_file: RulesFile
) -> None:
    """--lang es with --procedure refuses the file at the procedure's own lines; lint agrees."""
    text = _without_kyphoplasty_spanish(KP_NAME_ES, KP_LIFT_ES)
    path = rules_file(text)
    name_line = line_of(text, "      en: balloon kyphoplasty")
    lift_line = text.count("\n", 0, text.index("en: Do not lift anything heavier than 5 lb")) + 1
    result = run("check", "lifting", "--lang", "es", "--procedure", "kp", "--rules", str(path))
    assert result.code == 3
    assert f"{path}:{name_line}:7: procedures.kyphoplasty.name has no 'es' text" in result.err
    assert (
        f"{path}:{lift_line}:15: procedures.kyphoplasty.activities.lifting.limits[0].text has no 'es' text"
        in result.err
    )
    assert (
        run("check", "lifting", "--lang", "es", "--rules", str(path)).code == 0
    )  # vertebroplasty is whole
    lint = run("rules", "lint", str(path))
    assert lint.code == 1
    assert f"{path}:{name_line}:7: error: procedures.kyphoplasty.name has no 'es' text" in lint.out
    assert (
        f"{path}:{lift_line}:15: error: procedures.kyphoplasty.activities.lifting.limits[0].text"
        in lint.out
    )
