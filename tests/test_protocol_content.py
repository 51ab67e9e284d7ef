"""The bundled protocol: no contradictions, the seeds' advice, every warning sign, patients' questions."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import BUNDLED_RULES, Run, line_of
from vplan.authoring.lint import lint
from vplan.errors import RulesError
from vplan.model import Protocol, Tier, patient_texts
from vplan.plan import Status, build_plan
from vplan.rules import RulesSource, default_rules_path, load

TODAY = date(2026, 12, 5)
BATH_LIMIT = """      - until: 6 weeks
        text:
          en: No tub baths."""


def problems(path: Path) -> list[str]:
    """The problem lines vplan reports for the rules file at ``path``."""
    with pytest.raises(RulesError) as err:
        load(RulesSource(path, str(path)), {}, use_cache=False)
    return err.value.lines()


def test_the_bundled_rules_lint_clean() -> None:
    """'vplan rules lint' finds nothing to warn about in the bundled protocol."""
    path = default_rules_path()
    assert lint(path.read_bytes(), str(path), today=TODAY) == []


def test_an_activity_allowed_while_what_it_involves_is_not_is_refused(tmp_path: Path) -> None:
    """A tub bath after 2 days while bending waits 6 weeks: refused at 'involves', with the fix."""
    text = BUNDLED_RULES.replace(BATH_LIMIT, BATH_LIMIT.replace("6 weeks", "2 days", 1), 1)
    assert text != BUNDLED_RULES
    path = tmp_path / "clinic.yaml"
    path.write_text(text, encoding="utf-8")
    found = problems(path)
    line = line_of(text, "    involves: [bending]\n    source: [krames, seed-004]")
    assert found == [
        f"{path}:{line}:16: 'bath' would be allowed from 2 days, but it involves 'bending', "
        "which is limited until 6 weeks; make the last limit of 'bath' last until '6 weeks' or "
        "later, or remove 'bending' from its 'involves'"
    ]


def test_involving_an_activity_the_rules_lack_is_refused(tmp_path: Path) -> None:
    """A misspelt key in 'involves' is named, with the key it is close to."""
    text = BUNDLED_RULES.replace("    involves: [bending]\n", "    involves: [bendin]\n", 1)
    path = tmp_path / "clinic.yaml"
    path.write_text(text, encoding="utf-8")
    found = problems(path)
    assert len(found) == 1
    assert "involves 'bendin', which is not an activity; did you mean 'bending'?" in found[0]


def test_a_procedure_that_shortens_what_is_involved_is_checked_too(tmp_path: Path) -> None:
    """Weight training involves lifting: a procedure lifting limit of 6 months is refused."""
    text = BUNDLED_RULES.replace(
        "          - from: 6 weeks\n            until: 3 months\n",
        "          - from: 6 weeks\n            until: 6 months\n", 1
    )  # fmt: skip
    assert text != BUNDLED_RULES
    path = tmp_path / "clinic.yaml"
    path.write_text(text, encoding="utf-8")
    found = problems(path)
    assert any(
        "'weight_training' would be allowed from 3 months for kyphoplasty, but it involves "
        "'lifting', which is limited until 6 months" in line
        for line in found
    ), found


def test_check_explains_an_activity_by_what_it_involves(run: Run, tmp_path: Path) -> None:
    """Weight training without a way back of its own takes lifting's, said in one sentence."""
    then = (
        "          en: No weight training.\n"
        "          es: No levante pesas.\n"
        "        source: seed-004\n"
        "    then:\n"
    )
    start = BUNDLED_RULES.index(then)
    end = BUNDLED_RULES.index("  walking:\n", start)
    text = BUNDLED_RULES[:start] + then.removesuffix("    then:\n") + "\n" + BUNDLED_RULES[end:]
    path = tmp_path / "clinic.yaml"
    path.write_text(text, encoding="utf-8")
    result = run("check", "gym", "-p", "2025-03-01", "--day", "100", "--rules", str(path))
    assert result.code == 1, result.err
    out = " ".join(result.out.split())
    assert "Weight training on Mon, Jun 9, 2025 (day 100): ALLOWED WITH CARE" in out
    assert (
        "Weight training also means lifting, with care: Add weight a little at a time. "
        "Stop if it hurts." in out
    )


@settings(max_examples=40, deadline=None)
@given(
    st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31)),
    st.sampled_from([None, "kyphoplasty"]),
    st.integers(min_value=0, max_value=400),
)
def test_no_activity_is_ever_freer_than_one_it_involves(
    when: date, procedure: str | None, day: int
) -> None:
    """For any date, procedure and day: an activity's answer is as strict as what it involves."""
    protocol = load(RulesSource(default_rules_path(), "rules.yaml"), {}, procedure=procedure)
    plan = build_plan(protocol, when)
    for activity in protocol.activities:
        mine = plan.verdict(activity, day)
        for key in activity.involves:
            other = protocol.by_key(key)
            assert other is not None
            theirs = plan.verdict(other, day)
            assert mine.status.rank >= theirs.status.rank, (activity.key, key, day)
            if theirs.status.forbids:
                assert mine.allowed_from_day is None or (
                    theirs.allowed_from_day is not None
                    and mine.allowed_from_day >= theirs.allowed_from_day
                ), (activity.key, key, day)


@pytest.mark.parametrize(
    ("asked", "day", "status"),
    [
        ("physical therapy", 10, Status.WITH_CARE),  # only what the therapist shows
        ("gentle exercise", 1, Status.NOT_YET),  # exercises start on day 2
        ("back exercises", 10, Status.NOT_YET),  # strength exercise on one's own: 6 weeks
        ("core exercises", 20, Status.NOT_YET),
        ("exercise", 3, Status.NOT_YET),
        ("stretching", 3, Status.NOT_YET),  # stretching bends the back
        ("strength training", 20, Status.NOT_YET),  # on one's own: after 6 weeks
        ("strength training", 50, Status.WITH_CARE),  # start slowly, as shown
        ("weight training", 50, Status.NOT_YET),  # it means lifting, limited until 3 months
        ("strenuous", 50, Status.NOT_YET),
        ("mowing", 50, Status.NOT_YET),  # heavy yard work waits with hard exercise
        ("raking", 50, Status.NOT_YET),
        ("walking", 0, Status.WITH_CARE),  # day 0 is rest, up only with help
        ("walking", 1, Status.WITH_CARE),  # short walks at first, a little more each day
        ("wash", 1, Status.WITH_CARE),  # sitting down, the bandage kept dry
        ("shower", 1, Status.NOT_YET),
        ("vacuuming", 30, Status.NOT_YET),
        ("gardening", 50, Status.WITH_CARE),  # weeding and planting, no mowing yet
        ("stairs", 0, Status.WITH_CARE),
        ("stairs", 3, Status.WITH_CARE),
        ("sitting", 0, Status.WITH_CARE),  # up every 45 minutes
        ("sleeping", 1, Status.WITH_CARE),  # head raised for the first 2 days
        ("riding in a car", 0, Status.WITH_CARE),  # short rides, as a passenger
        ("travel by plane", 10, Status.ASK),
    ],
)
def test_the_questions_patients_ask_have_sourced_answers(
    plan: object, asked: str, day: int, status: Status
) -> None:
    """Exercise, washing, stairs, housework and more are known, with the seeds' figures."""
    from vplan.plan import Plan

    assert isinstance(plan, Plan)
    verdict = plan.verdict(plan.protocol.activity(asked), day)
    assert verdict.status is status
    assert verdict.sources


@pytest.mark.parametrize("asked", ["work", "sex", "flying", "driving", "hot tub"])
def test_what_the_sources_do_not_date_is_never_allowed_by_guess(plan: object, asked: str) -> None:
    """Work, sex, travel, driving and the pool wait until the care team says so."""
    from vplan.plan import Plan

    assert isinstance(plan, Plan)
    verdict = plan.verdict(plan.protocol.activity(asked), 400)
    assert verdict.status is Status.ASK
    assert verdict.allowed_from_day is None
    assert verdict.window is not None
    assert "care team" in verdict.window.limit.text.get()


@pytest.mark.parametrize(
    ("asked", "name"),
    [
        ("conducir", "Manejar"),
        ("manejar", "Manejar"),
        ("bañarse en tina", "Bañarse en tina"),
        ("tina", "Bañarse en tina"),
        ("fisioterapia", "Ejercicios de fisioterapia"),
        ("viajar en avión", "Viajes largos y en avión"),
        ("escaleras", "Subir o bajar escaleras"),
        ("sexo", "Tener relaciones sexuales"),
    ],
)
def test_check_understands_spanish_names_and_synonyms(run: Run, asked: str, name: str) -> None:
    """'check --lang es' knows the Spanish words patients use, not only the printed name."""
    result = run("check", asked, "-p", "2025-03-01", "--day", "3", "--lang", "es")
    assert result.out.startswith(f"{name} el martes, 4 de marzo de 2025 (día 3)"), result.err


def test_the_warning_signs_cover_the_sources_in_clear_tiers(protocol: Protocol) -> None:
    """Every sign the sources name is listed, each in one tier; any leg sign is 911 only."""
    by_tier = {
        tier: " ".join(s.text.get() for s in protocol.warning_signs if s.tier is tier)
        for tier in Tier
    }
    emergency, today = by_tier[Tier.EMERGENCY], by_tier[Tier.CALL_TODAY]
    for sign in (
        "chest pain or trouble breathing",
        "face, lips or tongue swell",
        "legs or bottom are newly weak, numb or tingly",
        "suddenly cannot stand or walk as well as before",
        "newly leak pee or poop",
        "cannot pee at all",
        "keeps bleeding after you press hard on it for 5 minutes",
        "very hard to wake up",
        "breathe very slowly",
        "cannot move an arm",
        "very bad pain, and your arms, chest or belly are newly weak, numb or tingly",
    ):
        assert sign in emergency, sign
    for sign in (
        "fever of 100.4",
        "red or swollen, or pus or clear fluid comes out",
        "bled but stopped when you pressed",
        "rash or hives",
        "no better after 3 days",
        "You fall, or have sudden new back pain",
        "It gets harder each day to stand or walk",
        "arms, chest or belly are newly weak, numb or tingly",
        "arm or leg is newly swollen, red, warm or sore",
        "headache gets worse when you stand",
        "hard to poop while you take pain medicine",
    ):
        assert sign in today, sign
    # A leg that is weak, numb or tingly is 911 only; a swollen, sore leg (a clot) calls today.
    assert not any(word in today for word in ("legs", "bottom"))
    assert "arms" in today
    # A fall with any 911 sign is that sign's, not this one; blood from the cut is the
    # bleeding signs', not the sign of a cut that drains.
    assert "You fall, or have sudden new back pain, and have no sign on the 911 list." in today
    assert "leak" not in today
    # A call-today sign with a 911 form says it is not that form: a swollen leg (a clot, 911
    # with chest pain), a rash (911 with a swollen face), a swollen belly (911 if no pee), pain
    # (911 with new weakness), walking harder each day (911 when the legs weaken), weak or numb
    # arms (911 when an arm cannot move, or with very bad pain).
    signs_today = [s.text.get() for s in protocol.warning_signs if s.tier is Tier.CALL_TODAY]
    for start in (
        "You fall",
        "An arm or leg is newly swollen",
        "You have a rash",
        "You throw up",
        "Your pain gets worse",
        "It gets harder each day",
        "Your arms, chest or belly",
    ):
        sign = next(text for text in signs_today if text.startswith(start))
        assert "no sign on the 911 list" in sign, sign
    # Drowsy but easy to wake is normal; hard to wake is 911 (someone else calls), too sleepy
    # to stay awake after the procedure day is a call today: one tier for each.
    assert "Drowsy on the procedure day, but easy to wake" in by_tier[Tier.EXPECTED]
    assert "very hard to wake up, or you breathe very slowly. The person with you" in emergency
    assert "After the procedure day, you are too sleepy to stay awake." in today
    # What is normal says how long it takes: better a little each day, for some a few weeks,
    # most people 4 to 6 weeks to feel normal.
    assert "eases a little each day. For some, it takes a few weeks" in by_tier[Tier.EXPECTED]
    assert "4 to 6 weeks to feel normal again, as most people do" in by_tier[Tier.EXPECTED]
    assert all(s.sources for s in protocol.warning_signs)


def test_the_spanish_signs_keep_the_911_condition_and_who_sees_it(protocol: Protocol) -> None:
    """Each call-today sign that defers to the 911 list says so in Spanish; hard to wake is seen."""
    for sign in protocol.warning_signs:
        english, spanish = sign.text.get("en"), sign.text.get("es")
        assert ("no sign on the 911 list" in english) == (
            "sin señales de la lista del 911" in spanish
        )
    hard_to_wake = next(s for s in protocol.warning_signs if "hard to wake" in s.text.get("en"))
    # The person with the patient sees it: not "le cuesta despertarse", which a groggy patient
    # would say of any morning.
    assert hard_to_wake.text.get("es").startswith("Es muy difícil despertarle")


@pytest.mark.parametrize("asked", ["sit ups", "crunches", "planks"])
def test_exercises_no_source_dates_are_sent_to_the_care_team(run: Run, asked: str) -> None:
    """Sit-ups, crunches and planks are not taken for back and belly exercises, allowed at 6 weeks."""
    result = run("check", asked, "-p", "2025-03-01", "--day", "50")
    assert result.code != 0
    assert "ask your care team" in result.err


def test_every_source_the_protocol_names_is_a_seed_or_a_published_sheet_with_its_address() -> None:
    """No rule cites an unnamed group: each source is a seed file or a sheet read at an address."""
    from ruamel.yaml import YAML

    data = YAML(typ="safe").load(BUNDLED_RULES)
    for key, source in data["sources"].items():
        assert isinstance(source, dict), key
        assert source["file"].startswith("https://") or key.startswith("seed-"), key
        assert "(" in source["title"] or key.startswith("seed-"), key  # a year, or "undated"


def test_the_schedule_and_handout_carry_therapy_fracture_prevention_and_medicines(
    run: Run,
) -> None:
    """The seeds' advice beyond the limits is in the schedule's 'what to do'."""
    out = " ".join(run("schedule", "2025-03-01").out.split())
    for title in (
        "Pain medicine:",
        "Medicines you stopped:",
        "Heat:",
        "A back brace:",
        "Prevent the next fracture:",
        "If you cannot reach us:",
    ):
        assert title in out
    assert "Many pain pills from a doctor have the drug in Tylenol (acetaminophen)" in out
    assert "Before you go home, ask when to restart each one" in out
    assert "If you take a blood thinner, ask before you take Advil (ibuprofen)" in out
    assert "balanced diet" in out
    assert "go home today or tomorrow" in out


def test_pain_medicine_is_never_a_permission(protocol: Protocol) -> None:
    """No text says a pain medicine 'may' be taken; each one that names one asks first."""
    for _, text in patient_texts(protocol):
        words = text.get()
        if "Tylenol" in words or "Advil" in words:
            assert "may take" not in words
            assert re.search(r"[Aa]sk (them )?before", words), words


def test_heat_waits_for_the_ice_days_and_warns_of_burns(protocol: Protocol) -> None:
    """Ice is for days 0-1; heat is advised after the ice days, with a burn warning."""
    ice = next(c for c in protocol.care if c.label.get().startswith("Ice"))
    assert ice.end is not None
    assert ice.end.day_bounds() == (2, 2)
    heat = next(g for g in protocol.guidance if g.title.get() == "Heat")
    ice_days = ice.end.day_bounds()[0]
    assert heat.text.get("en").startswith(f"After the first {ice_days} days")
    assert heat.text.get("es").startswith(f"Después de los primeros {ice_days} días")
    assert "burn" in heat.text.get()
    assert "Heat" not in " ".join(c.text.get() for c in protocol.care)


@pytest.mark.parametrize("procedure", [None, "kyphoplasty"])
def test_no_limit_in_force_says_to_shower_while_showering_waits(procedure: str | None) -> None:
    """On a day showering is not allowed, no other limit in force says to shower instead."""
    protocol = load(RulesSource(default_rules_path(), "rules.yaml"), {}, procedure=procedure)
    plan = build_plan(protocol, date(2025, 3, 1))
    showering = protocol.by_key("shower")
    assert showering is not None
    waits = [day for day in range(60) if plan.verdict(showering, day).status.forbids]
    assert waits == [0, 1]
    for day in waits:
        for activity in protocol.activities:
            window = plan.verdict(activity, day).window
            if activity is showering or window is None:
                continue
            for lang in ("en", "es"):
                said = window.limit.text.get(lang).lower()
                assert not re.search(r"\b(shower|dúchese|ducha)", said), (activity.key, day)


def test_the_procedure_days_list_to_avoid_is_short_and_grouped(run: Run) -> None:
    """Day 0's list: what involves bending, and ends with it, is listed after bending."""
    result = run("schedule", "2025-03-01", "--days", "1", "--format", "markdown")
    assert result.code == 0, result.err
    row = next(x for x in result.out.splitlines() if x.startswith("| Sat, Mar 1, 2025 |"))
    avoided = row.split("Avoid: ", 1)[1].split(" Ask your care team first:", 1)[0]
    assert avoided == (
        "Lifting. Bending and twisting, and so also: strength exercises on your own; tub bath; "
        "housework; gardening. Hard exercise, sports and heavy work. Physical therapy exercises. "
        "Weight training. Showering."
    )


@settings(max_examples=30, deadline=None)
@given(
    st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31)),
    st.sampled_from([None, "kyphoplasty"]),
    st.integers(min_value=0, max_value=120),
)
def test_a_days_groups_name_each_limit_once_and_never_under_a_figure(
    when: date, procedure: str | None, day: int
) -> None:
    """Each limit of any day is listed once, under one it involves, stopped fully and as long."""
    from vplan.schedule import avoid_groups, build_schedule

    protocol = load(RulesSource(default_rules_path(), "rules.yaml"), {}, procedure=procedure)
    row = build_schedule(build_plan(protocol, when), day + 1).days[day]
    groups = avoid_groups(row.avoid)
    listed = [a for g in groups for a in (g.head, *g.members)]
    assert sorted(listed) == sorted(a for a in row.avoid if not a.ask)
    for group in groups:
        for member in group.members:
            assert group.head.activity in member.involves
            assert group.head.max is None
            ends = group.head.until
            assert ends is None or (member.until is not None and member.until <= ends)
