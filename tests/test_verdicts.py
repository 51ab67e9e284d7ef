"""The four answers of 'check': allowed, with care, not yet, ask your care team."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import BUNDLED_RULES, Run
from vplan.dates import Dates
from vplan.errors import InputError, RulesError
from vplan.model import Protocol
from vplan.parse import parse_weight
from vplan.plan import Plan, Status, build_plan
from vplan.rules import RulesSource, default_rules_path, load

CHECK = ("check", "-p", "2025-03-01", "--day")


def answer(run: Run, activity: str, day: int, *more: str) -> dict[str, object]:
    """The JSON answer of 'check' for ``activity`` on ``day``."""
    result = run(
        "check", *activity.split(), "-p", "2025-03-01", "--day", str(day), "-f", "json", *more
    )
    assert result.code in (0, 1), result.err
    data: dict[str, object] = json.loads(result.out)
    assert (result.code == 0) is (data["allowed"] is True)
    return data


@pytest.mark.parametrize(
    ("asked", "day", "verdict"),
    [
        ("walking", 0, "with_care"),  # walks to the car, with help
        ("stairs", 0, "with_care"),
        ("lifting 8lb", 0, "not_yet"),  # the day of rest: nothing lifted
        ("lifting 8lb", 1, "allowed"),
        ("lifting", 10, "with_care"),  # up to 10 lb only
        ("core exercises", 3, "not_yet"),  # strength exercise on one's own
        ("exercise", 20, "not_yet"),
        ("back exercises", 20, "not_yet"),
        ("stretching", 20, "not_yet"),  # stretching is bending
        ("physical therapy", 3, "with_care"),  # only what the therapist shows
        ("mowing", 50, "not_yet"),  # heavy yard work waits with hard exercise
        ("raking", 50, "not_yet"),
        ("gym", 92, "with_care"),  # then: ask how to start
        ("lifting 30lb", 92, "with_care"),  # add weight a little at a time
        ("work", 10, "ask_care_team"),
        ("sex", 10, "ask_care_team"),
        ("travel", 10, "ask_care_team"),
        ("pool", 10, "ask_care_team"),
        ("carry groceries", 0, "not_yet"),
        ("riding in a car", 0, "with_care"),  # a passenger, on short rides: not driving
        ("sleeping", 0, "with_care"),  # head raised, for the first 2 days
        ("travel by plane", 10, "ask_care_team"),
    ],
)
def test_each_question_gets_its_verdict(run: Run, asked: str, day: int, verdict: str) -> None:
    """The examples a nurse educator read answer as the rules say, in JSON and exit code."""
    assert answer(run, asked, day)["verdict"] == verdict


def test_a_weight_within_the_limit_keeps_the_procedures_caution_as_its_condition(run: Run) -> None:
    """After kyphoplasty, 4 lb on day 3 is a yes only with its caution: no lifting overhead."""
    data = answer(run, "lifting 4lb", 3, "--procedure", "kyphoplasty")
    assert data["verdict"] == "with_care"
    assert data["condition"] == "Do not lift things over your head until your follow-up visit."
    assert answer(run, "lifting 4lb", 3)["verdict"] == "allowed"  # vertebroplasty: no caution


@pytest.mark.parametrize(
    ("args", "headline"),
    [
        (("walking", "--day", "0"), "ALLOWED WITH CARE"),
        (("bath", "--day", "42"), "ALLOWED"),
        (("lifting", "15lb", "--day", "10"), "NOT YET"),
        (("work", "--day", "10"), "ASK YOUR CARE TEAM"),
        (("walking", "--day", "0", "--lang", "es"), "PERMITIDO CON CUIDADO"),
        (("tina", "--day", "42", "--lang", "es"), "PERMITIDO"),
        (("lifting", "15lb", "--day", "10", "--lang", "es"), "TODAVÍA NO"),
        (("trabajo", "--day", "10", "--lang", "es"), "PREGUNTE A SU EQUIPO MÉDICO"),
    ],
)
def test_the_verdict_is_the_headline_in_every_language(
    run: Run, args: tuple[str, ...], headline: str
) -> None:
    """The first line ends with the verdict, in English and in Spanish."""
    result = run("check", *args, "-p", "2025-03-01")
    first = (
        " ".join(result.out.split("\n", 2)[:2])
        if result.out.split("\n")[1].startswith("  ")
        else result.out.splitlines()[0]
    )
    assert " ".join(first.split()).endswith(f": {headline}"), first
    assert result.code == (0 if headline in ("ALLOWED", "PERMITIDO") else 1)


def test_day_zero_walking_keeps_its_condition(run: Run) -> None:
    """Walking on day 0 is a yes with help, not a ban: the rule's sentence is the reason."""
    data = answer(run, "walking", 0)
    assert data["allowed"] is False
    assert data["condition"] == data["reason"]
    assert "with someone to help you" in str(data["condition"])
    assert data["no_limit_from"] == "2025-04-12"  # short walks, with care, until 6 weeks
    text = " ".join(run(*CHECK, "0", "walking").out.split())
    assert (
        "Why: Today, get up and walk only when you need to, such as to the car, with someone to "
        "help you." in text
    )
    assert "No limit from: Sat, Apr 12, 2025 (day 42)" in text


@pytest.mark.parametrize(
    ("asked", "day", "ends"),
    [
        ("lifting 5lb", 13, "2025-06-01"),  # within the 10 lb limit, which holds until 6 weeks
        ("lifting 15lb", 10, "2025-06-01"),
        ("walking", 50, "2025-04-12"),  # ended before the day asked about: that day
        ("shower", 3, "2025-03-03"),
        ("bath", 3, "2025-04-12"),  # a tub bath involves bending
        ("sitting", 3, "2025-03-01"),  # no limit at all
        ("driving", 3, None),  # only when the care team clears it
    ],
)
def test_no_limit_from_is_when_the_limits_end_whatever_the_load(
    run: Run, asked: str, day: int, ends: str | None
) -> None:
    """JSON's no_limit_from is the day the activity's limits end, as the text's line says."""
    data = answer(run, asked, day)
    assert data["no_limit_from"] == ends
    text = " ".join(run(*CHECK, str(day), *asked.split()).out.split())
    if ends is not None and asked in ("walking", "shower"):  # said in the text: the same day
        day_of = date.fromisoformat(ends) - date(2025, 3, 1)
        shown = f"{Dates().long(date.fromisoformat(ends))} (day {day_of.days})"
        assert f"No limit from: {shown}" in text


@pytest.mark.parametrize(("asked", "day"), [("sitting", 3), ("car ride", 0), ("lifting 5lb", 13)])
def test_the_json_answer_carries_the_tip_the_text_prints(run: Run, asked: str, day: int) -> None:
    """A tip reaches JSON as it reaches the text; where it alone makes the yes careful, it is why."""
    data = answer(run, asked, day)
    text = " ".join(run(*CHECK, str(day), *asked.split()).out.split())
    if data["tip"] is None:  # no limit at all: the advice is the rule, its condition, and why
        assert data["verdict"] == "with_care"
        assert str(data["reason"]).endswith(str(data["condition"]))
        assert f"Why: {data['reason']}" in text
        assert "Tip:" not in text
    else:  # beside a limit, a tip on how
        assert f"Tip: {data['tip']}" in text


def test_a_yes_with_advice_on_how_is_never_a_plain_yes(run: Run) -> None:
    """'Car ride' (short rides as a passenger) and sitting (get up every 45 minutes): with care."""
    car = answer(run, "car ride", 0)
    assert car["verdict"] == "with_care"
    assert car["allowed"] is False
    assert "Short rides as a passenger" in str(car["condition"])
    sitting = answer(run, "sitting", 5, "--lang", "es")
    assert sitting["verdict"] == "with_care"
    assert "cada 45 minutos" in str(sitting["condition"])


@pytest.mark.parametrize(
    ("asked", "day", "following"),
    [
        ("walking", 0, "From Sun, Mar 2, 2025 (day 1): Take short walks"),
        ("sleeping", 0, "From Mon, Mar 3, 2025 (day 2): Sleep on your back or side. Do not"),
        ("lifting", 0, "From Sun, Mar 2, 2025 (day 1): Do not lift more than 10 pounds"),
        ("walking", 10, None),  # the last limit: no limit follows it
        ("sitting", 3, None),  # no limit at all
    ],
)
def test_the_answer_says_which_limit_comes_next(
    run: Run, asked: str, day: int, following: str | None
) -> None:
    """Today's rule is followed by the next one, from its date: never read as lasting to the end."""
    data = answer(run, asked, day)
    text = " ".join(run(*CHECK, str(day), asked).out.split())
    if following is None:
        assert data["next"] is None
        assert "Next:" not in text
    else:
        assert str(data["next"]).startswith(following)
        assert f"Next: {data['next']}" in text


def test_the_therapists_exercises_keep_their_condition(run: Run) -> None:
    """From day 2 to day 41, exercises are only what the therapist shows; after, no limit."""
    data = answer(run, "physical therapy", 10)
    assert "only what your doctor or therapist shows you" in str(data["condition"])
    assert data["no_limit_from_day"] == 42
    assert answer(run, "physical therapy", 42)["verdict"] == "allowed"


def test_a_lighter_weight_under_a_later_step_says_which_limit_holds(run: Run) -> None:
    """15 lb on day 50 is within the 20 lb limit from Apr 12, and that limit's end is said."""
    data = answer(run, "lifting 15lb", 50)
    assert data["verdict"] == "allowed"
    assert data["reason"] == (
        "15 lb (6.8 kg) is within the limit of 20 lb (9 kg) that holds from Sat, Apr 12, 2025 "
        "(day 42); that limit ends Sun, Jun 1, 2025 (day 92)."
    )


def test_after_every_limit_the_reason_is_when_they_ended(run: Run) -> None:
    """Day 100: never 'the limit is over from Apr 12' while the 20 lb step held until Jun 1."""
    data = answer(run, "lifting 15lb", 100)
    assert data["verdict"] == "with_care"
    assert str(data["reason"]).startswith(
        "The limits on lifting ended on Sun, Jun 1, 2025 (day 92)."
    )
    assert "Add weight a little at a time" in str(data["reason"])
    assert "is over" not in str(data["reason"])


def test_before_the_limits_end_then_says_from_when(run: Run) -> None:
    """A lasting condition is told with its date while it is still to come."""
    data = answer(run, "lifting 15lb", 10)
    assert data["then"] == (
        "From Sun, Jun 1, 2025 (day 92): Add weight a little at a time. Stop if it hurts."
    )


@pytest.mark.parametrize(("word", "lang"), [("bathing", "en"), ("bañarse", "es")])
def test_a_word_for_two_activities_gets_both_answers(run: Run, word: str, lang: str) -> None:
    """'bathing' and 'bañarse' answer the shower and the tub bath, each with its own dates."""
    result = run("check", word, "-p", "2025-03-01", "--day", "4", "-f", "json", "--lang", lang)
    assert result.code == 1
    data = json.loads(result.out)
    assert data["question"] == word
    assert data["verdict"] == "not_yet"
    assert data["allowed"] is False
    assert [(a["activity"], a["verdict"]) for a in data["answers"]] == [
        ("shower", "allowed"),
        ("bath", "not_yet"),
    ]
    text = run("check", word, "-p", "2025-03-01", "--day", "4", "--lang", lang).out
    assert len([line for line in text.splitlines() if line and not line[0].isspace()]) > 4
    assert text.count("\n\n") == 1  # two answers, one after the other


def test_answers_in_spanish_keep_the_rules_sentences(run: Run) -> None:
    """Spanish 'caminar' on day 0: with care, and the Spanish rule's sentence."""
    data = answer(run, "caminar", 0, "--lang", "es")
    assert data["verdict"] == "with_care"
    assert "con alguien que le ayude" in str(data["condition"])


@pytest.mark.parametrize(
    ("asked", "key"),
    [
        ("core exercises", "strengthening"),
        ("ab exercises", "strengthening"),
        ("exercise", "strengthening"),
        ("stretching", "bending"),
        ("toe touches", "bending"),
        ("mowing the lawn", "strenuous"),
        ("raking leaves", "strenuous"),
        ("shoveling snow", "strenuous"),
        ("carry groceries", "lifting"),
        ("riding in a car", "riding"),
        ("passenger", "riding"),
        ("travel by plane", "travel"),
        ("viajar en avión", "travel"),
        ("sleeping", "sleeping"),
        ("sleep position", "sleeping"),
        ("going to the gym", "weight_training"),
    ],
)
def test_the_words_patients_use_mean_what_they_mean_for_the_back(
    protocol: Protocol, asked: str, key: str
) -> None:
    """Everyday words map to the activity they mean: core exercises are strength exercises."""
    assert protocol.activity(asked).key == key


@pytest.mark.parametrize(
    ("asked", "allowed"),
    [
        ("sleping", {"sleeping"}),
        ("excercise", {"exercise", "exercises"}),
        ("yoga", set()),
        ("knitting", set()),
        ("cooking", set()),
        ("playing cards", set()),
        ("watching tv", set()),
        ("reading", set()),
        ("tub bth", {"tub bath"}),
        ("tup bath", {"tub bath"}),
        ("hot tib", {"hot tub"}),
        ("hottub", {"hot tub"}),
        ("laundrybasket", {"laundry basket"}),
        # One word apart, the opposite position: sleeping on the stomach is not on the back.
        ("dormir boca abajo", set()),
        ("sleeping on my stomach", set()),
        ("sleeping on my tummy", set()),
    ],
)
def test_suggestions_for_unknown_words_never_point_elsewhere(
    protocol: Protocol, asked: str, allowed: set[str]
) -> None:
    """An unknown word is an error that suggests only a near spelling of what was meant."""
    with pytest.raises(InputError) as caught:
        protocol.activity(asked)
    message = str(caught.value)
    suggested = (
        set(message.split("did you mean ")[1].split("?")[0].replace("'", "").split(" or "))
        if "did you mean" in message
        else set()
    )
    assert suggested <= allowed, message
    assert "ask your care team" in message


def test_a_with_care_limit_with_a_weight_is_refused(tmp_path: Path) -> None:
    """'max' already allows what is under it: with_care beside it is a mistake, at its line."""
    old = "        max: 10 lb\n"
    text = BUNDLED_RULES.replace(old, old + "        with_care: true\n", 1)
    path = tmp_path / "clinic.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RulesError) as caught:
        load(RulesSource(path, str(path)), {}, use_cache=False)
    assert any(
        "a limit with 'max' already allows what is under it" in x for x in caught.value.lines()
    )


def test_with_care_while_what_it_involves_is_forbidden_is_refused(tmp_path: Path) -> None:
    """Stairs with care on day 0 while walking is not allowed at all: refused at 'with_care'."""
    walking = "        with_care: true\n        text:\n          en: Today, get up and walk only"
    assert walking in BUNDLED_RULES
    text = BUNDLED_RULES.replace(walking, walking.replace("        with_care: true\n", ""), 1)
    path = tmp_path / "clinic.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RulesError) as caught:
        load(RulesSource(path, str(path)), {}, use_cache=False)
    assert any(
        "'stairs' would be allowed with care while 'walking', which it involves, is not allowed "
        "at all" in line
        for line in caught.value.lines()
    )


def test_a_shared_word_that_is_a_name_is_refused(tmp_path: Path) -> None:
    """A shared word must not also be an activity's name: it would answer one activity only."""
    text = BUNDLED_RULES.replace("  bathing: [shower, bath]\n", "  tub: [shower, bath]\n", 1)
    path = tmp_path / "clinic.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RulesError) as caught:
        load(RulesSource(path, str(path)), {}, use_cache=False)
    assert any("'tub' already names the activity 'bath'" in x for x in caught.value.lines())


def test_a_with_care_order_that_was_a_ban_needs_confirming(protocol: Protocol) -> None:
    """An order allowing driving with care, where the protocol forbids it, is looser."""
    from vplan.errors import OrdersError
    from vplan.orders import orders_from_bytes

    text = (
        "activities:\n  driving:\n    limits:\n      - until: cleared\n        with_care: true\n"
        "        text: {en: Drive only short trips.}\n"
    )
    with pytest.raises(OrdersError) as caught:
        orders_from_bytes(text.encode(), "o.yaml", protocol, procedure_date=date(2025, 3, 1))
    assert (
        "driving is allowed with care, while the protocol does not allow it"
        in caught.value.lines()[0]
    )


def test_the_schedule_lists_with_care_apart_from_avoid(plan: Plan) -> None:
    """Day 0's row says walking with care, and never 'avoid walking'."""
    from vplan.render import structured
    from vplan.schedule import build_schedule

    day0 = json.loads(json.dumps(structured.schedule(build_schedule(plan, 1))))["days"][0]
    assert "walking" not in [a["activity"] for a in day0["avoid"]]
    assert "walking" in [c["activity"] for c in day0["with_care"]]


dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31))


@pytest.fixture(scope="module")
def procedures() -> tuple[Protocol, Protocol]:
    """The bundled vertebroplasty and kyphoplasty protocols."""
    source = RulesSource(default_rules_path(), "rules.yaml")
    return load(source, {}), load(source, {}, procedure="kyphoplasty")


@settings(max_examples=30, deadline=None)
@given(
    dates,
    st.integers(min_value=0, max_value=400),
    st.sampled_from([None, "3lb", "8lb", "15lb", "30lb"]),
)
def test_kyphoplasty_is_never_freer_than_vertebroplasty(
    procedures: tuple[Protocol, Protocol], when: date, day: int, weight: str | None
) -> None:
    """For every date and day, each activity's answer after kyphoplasty is at least as strict."""
    vp, kp = (build_plan(p, when) for p in procedures)
    for activity in vp.protocol.activities:
        other = kp.protocol.by_key(activity.key)
        assert other is not None
        amount = parse_weight(weight) if weight and activity.measured else None
        mine, theirs = vp.verdict(activity, day, amount), kp.verdict(other, day, amount)
        assert theirs.status.rank >= mine.status.rank, (activity.key, day, weight)
        if mine.status is Status.NOT_YET and theirs.status is Status.NOT_YET:
            assert mine.allowed_from_day is not None
            assert theirs.allowed_from_day is not None
            assert theirs.allowed_from_day >= mine.allowed_from_day


def test_rules_diff_reports_a_condition_and_a_shared_word(run: Run, tmp_path: Path) -> None:
    """A limit that loses 'with care', a changed 'then' and a shared word are changes for patients."""
    stairs = "        with_care: true\n        text:\n          en: Today, use stairs"
    text = (
        BUNDLED_RULES.replace(stairs, stairs.replace("        with_care: true\n", ""), 1)
        .replace("  bathe: [shower, bath]\n", "  bathe: [shower, bath, washing]\n", 1)
        .replace("en: Start slowly and add a little at a time.", "en: Start again slowly.", 1)
    )
    path = tmp_path / "clinic.yaml"
    path.write_text(text, encoding="utf-8")
    result = run("rules", "diff", str(default_rules_path()), str(path))
    assert result.code == 1, result.err
    assert "changed: limit until 1 day (day 0): with care -> not at all" in result.out
    assert "changed: 'bathe': shower, bath -> shower, bath, washing" in result.out
    changed = " ".join(result.out.split())
    assert (
        'then: "Start slowly and add a little at a time. Stop if it hurts." -> "Start again'
        in changed
    )
