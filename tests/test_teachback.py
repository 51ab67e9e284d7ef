"""Teach-back: questions from the patient's own plan, the answers in its dates, the chart note."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import Run
from vplan.errors import InputError
from vplan.i18n import translator
from vplan.model import Protocol, Tier
from vplan.patient import patient_plan
from vplan.plan import FollowUp, Plan, Status, build_plan
from vplan.rules import load, resolve
from vplan.teachback import Topic, build_teach_back, outcome, parse_taught
from vplan.words.common import Words
from vplan.words.nurse import HEADLINES
from vplan.words.teach import QUESTIONS

START = date(2025, 3, 1)
KEY = "0123456789abcdef0123456789abcdef"
STRICTER_ORDERS = """\
activities:
  lifting:
    limits:
      - until: 1 day
        text:
          en: "Today, do not lift or carry anything."
          es: "Hoy no levante ni cargue nada."
      - from: 1 day
        until: 3 months
        max: 5 lb
        text:
          en: "Do not lift more than 5 lb (2.2 kg) until your doctor says so."
          es: "No levante más de 5 lb (2.2 kg) hasta que su médico lo diga."
"""


def protocol_of(procedure: str | None) -> Protocol:
    """The bundled protocol of a procedure, validated."""
    return load(resolve(None, {}), {}, procedure=procedure, use_cache=False)


@pytest.fixture(scope="module", params=[None, "kyphoplasty"])
def each_plan(request: pytest.FixtureRequest) -> Plan:
    """The plan of each procedure the bundled rules hold, for 2025-03-01."""
    return build_plan(protocol_of(request.param), START)


def test_six_questions_cover_the_topics_in_order(each_plan: Plan) -> None:
    """Lifting, a 911 sign, a call-today sign, showering, the visit and driving, numbered 1-6."""
    view = build_teach_back(each_plan, day=0, phone="555-0100")
    assert [q.topic for q in view.questions] == list(Topic)
    assert [q.number for q in view.questions] == [1, 2, 3, 4, 5, 6]


@pytest.mark.parametrize("lang", ["en", "es"])
def test_activity_answers_start_with_the_plans_verdict(each_plan: Plan, lang: str) -> None:
    """Lifting, showering and driving answer with the verdict Plan.verdict gives on the day."""
    words = Words(lang)
    for day in (0, 1, 21, 45, 100):
        view = build_teach_back(each_plan, day=day, phone="555-0100", lang=lang)
        for question in view.questions:
            key = {Topic.LIFTING: None, Topic.SHOWER: "shower", Topic.DRIVING: "driving"}
            if question.topic not in key:
                continue
            protocol = each_plan.protocol
            activity = (
                next(a for a in protocol.activities if a.measured)
                if question.topic is Topic.LIFTING
                else protocol.by_key(str(key[question.topic]))
            )
            assert activity is not None
            status = each_plan.verdict(activity, day).status
            assert question.status is status
            assert question.answer.startswith(words.tr(HEADLINES[status]))


def test_lifting_gives_each_limit_in_the_rules_words_with_its_date(each_plan: Plan) -> None:
    """The lifting answer on day 0 carries every lifting limit's sentence and the date it starts."""
    answer = build_teach_back(each_plan, day=0, phone="555-0100").questions[0].answer
    lifting = next(a for a in each_plan.protocol.activities if a.measured)
    windows = each_plan.windows_of(lifting)
    for window in windows:
        assert window.limit.text.get() in answer
    for window in windows[1:]:
        assert f"From {Words().date_near(each_plan, window.start_day, 0)}:" in answer
    last = windows[-1].end_day
    assert last is not None
    assert f"Allowed again from {Words().date_near(each_plan, last, 0)}." in answer
    assert answer.startswith("NOT YET: ")


def test_driving_is_never_allowed_by_the_teach_back(each_plan: Plan) -> None:
    """Driving, cleared only by the care team, is ASK YOUR CARE TEAM with its caution, any day."""
    for day in (0, 30, 400):
        answer = build_teach_back(each_plan, day=day, phone="555-0100").questions[-1].answer
        assert answer.startswith("ASK YOUR CARE TEAM: Do not drive until your care team")
        assert "Never drive while you take strong pain medicine" in answer


def test_the_signs_and_the_numbers_to_call(plan: Plan) -> None:
    """The 911 question names the rules' number and every 911 sign; call-today, the phone."""
    view = build_teach_back(plan, day=0, phone="555-0199")
    emergency, today = view.questions[1], view.questions[2]
    assert "call 911" in emergency.text
    assert emergency.answer.startswith("Any one of these, then call 911 right away: ")
    assert "then call 555-0199 today: " in today.answer
    for sign in plan.protocol.warning_signs:
        if sign.tier is Tier.EMERGENCY:
            assert sign.text.get() in emergency.answer
            assert sign.text.get() not in today.answer
        if sign.tier is Tier.CALL_TODAY:
            assert sign.text.get() in today.answer


def test_the_booked_visit_is_the_follow_up_answer(protocol: Protocol) -> None:
    """A booked visit is answered with its date, time and place; the shower keeps its date."""
    plan = build_plan(protocol, START, follow_up=FollowUp(date(2025, 3, 10), None, "Spine Clinic"))
    view = build_teach_back(plan, day=0, phone="555-0100")
    visit = next(q for q in view.questions if q.topic is Topic.FOLLOW_UP)
    assert visit.answer == "Your follow-up visit: Mon, Mar 10, 2025, Spine Clinic."
    shower = next(q for q in view.questions if q.topic is Topic.SHOWER)
    assert shower.answer.endswith("Allowed again from Mon, Mar 3.")


def test_a_visit_already_past_is_not_asked(plan: Plan) -> None:
    """On day 30 the visit due on days 7 to 14 is past: five questions, none about it."""
    view = build_teach_back(plan, day=30, phone="555-0100")
    assert Topic.FOLLOW_UP not in [q.topic for q in view.questions]
    assert len(view.questions) == 5


def test_the_care_teams_orders_are_what_the_patient_is_taught(
    protocol: Protocol, tmp_path: Path
) -> None:
    """An order of 5 lb for 3 months replaces the protocol's lifting answer."""
    orders = tmp_path / "orders.yaml"
    orders.write_text(STRICTER_ORDERS, encoding="utf-8")
    plan = patient_plan(protocol, START, orders=orders)
    answer = build_teach_back(plan, day=1, phone="555-0100").questions[0].answer
    assert answer.startswith("ALLOWED WITH CARE: Do not lift more than 5 lb (2.2 kg) until your")
    assert "10 pounds" not in answer


def test_spanish_questions_come_from_the_catalog(each_plan: Plan) -> None:
    """In Spanish every question and label is the catalog's, and the answers the rules' es texts."""
    catalog = translator("es")
    view = build_teach_back(each_plan, day=0, phone="555-0100", lang="es")
    for question, key in zip(view.questions, QUESTIONS.values(), strict=True):
        assert question.text == catalog.gettext(key).format(number="911")
        assert question.text != key.format(number="911")
    assert view.expected == "Respuesta esperada:"
    lifting = next(a for a in each_plan.protocol.activities if a.measured)
    assert lifting.limits[0].text.get("es") in view.questions[0].answer
    assert view.questions[0].answer.startswith("TODAVÍA NO: ")


@settings(max_examples=60, deadline=None)
@given(
    start=st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)),
    day=st.integers(min_value=0, max_value=200),
)
def test_no_answer_is_plainer_than_the_verdict(start: date, day: int) -> None:
    """For any date and day, no activity answer is a plain yes where the plan's verdict is not."""
    plan = build_plan(_PROTOCOL, start)
    for question in build_teach_back(plan, day=day, phone="555-0100").questions:
        if question.status is None:
            continue
        if question.status is not Status.ALLOWED:
            assert not question.answer.startswith("ALLOWED:")
            assert question.answer != "ALLOWED"


_PROTOCOL = load(resolve(None, {}), {}, use_cache=False)


@pytest.mark.parametrize(
    ("typed", "answered"),
    [
        ("1,2,4", (1, 2, 4)),
        (" 4, 1 ", (1, 4)),
        ("none", ()),
        ("0", ()),
        ("1,2,3,4,5,6", (1, 2, 3, 4, 5, 6)),
    ],
)
def test_taught_numbers_are_read(typed: str, answered: tuple[int, ...]) -> None:
    """--taught takes numbers separated by commas, in any order, or 'none' (or 0)."""
    assert parse_taught(typed, 6) == answered


@pytest.mark.parametrize("typed", ["0,1", "7", "1,1", "one", "1;2", "", "\u0661,\u0662"])
def test_wrong_taught_numbers_are_refused(typed: str) -> None:
    """A number out of range, twice, or not a number (Arabic-Indic digits too) is refused."""
    with pytest.raises(InputError):
        parse_taught(typed, 6)


def test_the_outcome_names_what_was_taught_again(plan: Plan) -> None:
    """Questions 1, 2, 4 and 5 answered of 6: re-taught the call-today signs and driving."""
    view = build_teach_back(plan, day=0, phone="555-0100")
    done = outcome(view, (1, 2, 4, 5))
    assert done.chart_line() == (
        "Teach-back: 4 of 6 answered; re-taught: call-today signs, driving."
    )
    assert outcome(view, (1, 2, 3, 4, 5, 6)).chart_line() == "Teach-back: 6 of 6 answered."


def test_the_command_shows_the_questions(run: Run) -> None:
    """The teach-back command prints the numbered questions with the answers in the patient's dates."""
    result = run("teach-back", "2025-03-01", "--phone", "555-0100", "--on", "2025-03-01")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0] == "Teach-back: recovery after vertebroplasty"
    assert lines[1] == "Answers as of Sat, Mar 1, 2025 (day 0)"
    assert "4. When may you take a shower?" in lines
    assert "   Expected answer: NOT YET: Do not shower for the first 2 days. Allowed again" in lines


def test_the_command_needs_a_phone(run: Run) -> None:
    """Without --phone, and no clinic phone in the rules, the teach-back is refused (exit 2)."""
    result = run("teach-back", "2025-03-01")
    assert result.code == 2
    assert "--phone" in result.err


def test_taught_prints_the_chart_note_and_records_it(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--taught prints the chart note; --record keeps the outcome with no name in the journal."""
    monkeypatch.setenv("VPLAN_RECORD_KEY", KEY)
    journal = tmp_path / "journal.jsonl"
    result = run(
        "teach-back", "2025-03-01", "--phone", "555-0100", "--on", "2025-03-01", "--lang", "es",
        "--patient", "Ana Ruiz", "--taught", "1,2,3,4,5", "--record", str(journal),
    )  # fmt: skip
    assert result.code == 0, result.err
    note = result.out.splitlines()[-1]
    assert note.startswith(
        "Teach-back: 5 of 6 answered; re-taught: driving. Questions from the plan after "
        "vertebroplasty, procedure date Sat, Mar 1, 2025, asked on day 0, protocol "
    )
    assert note.endswith(", Spanish.")
    text = journal.read_text(encoding="utf-8")
    assert "Ana" not in text
    assert "Ruiz" not in text
    entry = json.loads(text.splitlines()[-1])
    assert entry["format"] == "teach-back"
    assert (entry["teach_back_asked"], entry["teach_back_answered"]) == (6, "1,2,3,4,5")
    assert entry["teach_back_retaught"] == "driving"
    assert len(entry["patient"]) == 64
    assert run("record", "check", "--record", str(journal)).code == 0


def test_wrong_taught_is_exit_2_and_records_nothing(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--taught 7 of six questions is refused, and the journal is not written."""
    monkeypatch.setenv("VPLAN_RECORD_KEY", KEY)
    journal = tmp_path / "journal.jsonl"
    result = run(
        "teach-back", "2025-03-01", "--phone", "555-0100", "--on", "2025-03-01",
        "--taught", "1,7", "--record", str(journal),
    )  # fmt: skip
    assert result.code == 2
    assert "from 1 to 6" in result.err
    assert not journal.exists() or journal.read_text(encoding="utf-8") == ""


def test_before_the_procedure_the_answers_start_on_day_0(run: Run) -> None:
    """Asked before the procedure date, the answers are those of the procedure day."""
    before = (START - timedelta(days=3)).isoformat()
    result = run("teach-back", "2025-03-01", "--phone", "555-0100", "--on", before)
    assert "Answers as of Sat, Mar 1, 2025 (day 0)" in result.out


def test_the_questions_read_at_grade_6_or_below() -> None:
    """Each English question scores at most lint's reading grade (Flesch-Kincaid), as rules do."""
    from vplan.authoring.lint import READING_GRADE
    from vplan.authoring.readability import flesch_kincaid_grade

    for question in QUESTIONS.values():
        assert flesch_kincaid_grade(question.format(number="911")) <= READING_GRADE, question


@pytest.mark.parametrize("procedure", ["vertebroplasty", "kyphoplasty"])
@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_nurses_page_fits_one_page(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, procedure: str, lang: str
) -> None:
    """-o NAME.pdf writes the nurse's page: one page with every question, in either language."""
    import io

    import pypdf

    monkeypatch.setenv("VPLAN_TODAY", "2025-03-01")
    out = tmp_path / "teach.pdf"
    result = run(
        "teach-back", "2025-03-01", "--phone", "555-0100", "--procedure", procedure,
        "--lang", lang, "--follow-up", "2025-03-10 14:30", "-o", str(out),
    )  # fmt: skip
    assert result.code == 0, result.err
    assert result.out == f"Wrote {out} (teach-back page, letter).\n"
    reader = pypdf.PdfReader(io.BytesIO(out.read_bytes()))
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    view = build_teach_back(
        build_plan(protocol_of(None if procedure == "vertebroplasty" else procedure), START,
                   follow_up=FollowUp(date(2025, 3, 10), None)),
        day=0, phone="555-0100", lang=lang,
    )  # fmt: skip
    for question in view.questions:
        assert " ".join(question.text.split()) in text
    assert "--taught" in text


@pytest.mark.parametrize(
    ("extra", "said"),
    [(("-o", "teach.html"), "teach.pdf"), (("-o", "teach.pdf", "--taught", "1"), "give one")],
)
def test_the_page_is_a_pdf_and_not_with_taught(
    run: Run, tmp_path: Path, extra: tuple[str, ...], said: str
) -> None:
    """The nurse's page is a .pdf; asking for it and recording answers at once is refused."""
    result = run("teach-back", "2025-03-01", "--phone", "555-0100", *extra)
    assert result.code == 2
    assert said in result.err


def test_the_page_is_never_replaced_without_force(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The nurse's page is delivered as every file: an existing file is kept (exit 4)."""
    monkeypatch.setenv("VPLAN_TODAY", "2025-03-01")
    out = tmp_path / "teach.pdf"
    out.write_bytes(b"keep me")
    args = ("teach-back", "2025-03-01", "--phone", "555-0100", "-o", str(out))
    assert run(*args).code == 4
    assert out.read_bytes() == b"keep me"
    assert run(*args, "--force").code == 0
    assert out.read_bytes().startswith(b"%PDF-")
