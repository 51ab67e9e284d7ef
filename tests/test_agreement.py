"""Every output of a plan says the same dates: text, Markdown, JSON and the handout."""

from __future__ import annotations

import calendar
import functools
import json
import re
from datetime import date

from dateutil import parser
from hypothesis import given, settings
from hypothesis import strategies as st

from vplan.handout import Patient, build_handout
from vplan.model import Protocol
from vplan.plan import Plan, build_plan
from vplan.render import markdown, structured, text
from vplan.render.lines import plain
from vplan.rules import load, resolve
from vplan.schedule import build_schedule
from vplan.words.nurse import HEADINGS, NurseWords

dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31))
RESTRICTIONS = NurseWords().tr(HEADINGS["restrictions"]).upper()
DAY_NUMBER = re.compile(r"\(day (\d+)\)")


PROCEDURES = ("vertebroplasty", "kyphoplasty")


@functools.cache
def procedure_protocol(name: str) -> Protocol:
    """One of the default file's two procedures, loaded once."""
    return load(resolve(None, {}), {}, use_cache=False, procedure=name)


def shown_date(written: str, plan: Plan) -> date:
    """The date a reader sees in ``Sat, Apr 12, 2025 (day 42)``, checked against its day number."""
    day = DAY_NUMBER.search(written)
    assert day is not None, written
    when = parser.parse(written[: day.start()]).date()
    assert when == plan.date_of(int(day.group(1))), written
    return when


HOLDS = "This holds until your care team says otherwise."  # after a limit with care
ONLY_WHEN = "Only when your care team says it is OK"


def allowed_from_in_text(output: str) -> dict[str, str]:
    """Each activity's 'Allowed from' (or 'No limit from') line in the text schedule, by name."""
    section = output.split(RESTRICTIONS, 1)[1].split("\n\n", 1)[0]
    found: dict[str, str] = {}
    name = ""
    for line in section.splitlines()[1:]:
        if not line.startswith(" "):
            name = line
        elif line.strip().startswith(("Allowed from:", "No limit from:")):
            found[name] = line.split(":", 1)[1].strip().rstrip(".")
        elif line.strip() == HOLDS:  # with care, until the care team says
            found[name] = ONLY_WHEN
    return found


def allowed_from_in_markdown(output: str) -> dict[str, str]:
    """Each activity's 'Allowed from' (or 'No limit from') line in the Markdown schedule, by name."""
    found: dict[str, str] = {}
    name = ""
    for line in output.splitlines():
        if line.startswith("### "):
            name = line[4:]
        elif line.startswith(("- **Allowed from:**", "- **No limit from:**")):
            found[name] = line.split(":**", 1)[1].strip()
        elif line == f"- {HOLDS}":
            found[name] = ONLY_WHEN
    return found


def milestone_days_in_markdown(output: str) -> dict[str, str]:
    """The 'What happens' cell of each day row where it is not empty, by the row's date."""
    found = {}
    for line in output.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) == 5 and cells[1].isdigit() and cells[2]:
            found[parser.parse(cells[0]).date().isoformat()] = cells[2]
    return found


def milestone_days_in_text(output: str, plan: Plan) -> dict[str, int]:
    """The date of each day of the text calendar with 'Today:' lines, with their count."""
    found: dict[str, int] = {}
    current = ""
    width = NurseWords().dates.table_width()
    rows = output.split(RESTRICTIONS, 1)[0].split("-" * width, 1)[1].splitlines()[1:]
    for line in rows:
        if line and not line.startswith(" "):
            current = plan.date_of(int(line[width : width + 5])).isoformat()
            assert parser.parse(line[:width]).date().isoformat() == current, line
        rest = line[width + 7 :]
        if rest.startswith("Today:"):
            found[current] = found.get(current, 0) + 1
    return found


MONTHS = {name: n for n, name in enumerate(calendar.month_name) if name}


@settings(max_examples=30, deadline=None)
@given(start=dates, procedure=st.sampled_from(PROCEDURES))
def test_every_output_shows_the_same_allowed_from_dates_and_milestone_dates(
    start: date, procedure: str
) -> None:
    """For any date and both procedures, the outputs agree on every allowed-from and key date."""
    plan = build_plan(procedure_protocol(procedure), start)
    days = plan.last_change_day + 1
    view = build_schedule(plan, days)
    as_text = plain(text.schedule(view))
    as_markdown = markdown.schedule(view)
    as_json = json.loads(json.dumps(structured.schedule(view)))  # as --format json writes it
    handout = build_handout(plan, Patient("Ann Lee", phone="555-0100"))

    in_json = {r["name"]: r for r in as_json["restrictions"]}
    in_text = allowed_from_in_text(as_text)
    in_markdown = allowed_from_in_markdown(as_markdown)
    assert set(in_text) == set(in_markdown) == set(in_json)
    for name, row in in_json.items():
        if row["allowed_from"] is None:
            assert in_text[name] == in_markdown[name] == ONLY_WHEN
            continue
        assert shown_date(in_text[name], plan).isoformat() == row["allowed_from"], name
        assert shown_date(in_markdown[name], plan).isoformat() == row["allowed_from"], name
        assert plan.day_of(date.fromisoformat(row["allowed_from"])) == row["allowed_from_day"]

    milestones = {r["date"]: len(r["milestones"]) for r in as_json["days"] if r["milestones"]}
    assert milestone_days_in_text(as_text, plan) == milestones
    in_cells = milestone_days_in_markdown(as_markdown)
    assert set(in_cells) == set(milestones)
    for row in as_json["days"]:
        for milestone in row["milestones"]:
            assert milestone.replace("|", "\\|") in in_cells[row["date"]], milestone
    # The handout's calendar marks every milestone's day and every day a care item starts.
    starts = {plan.date_of(c.start_day).isoformat() for c in plan.care}
    cells = {
        date(int(month.title.split()[-1]), MONTHS[month.title.split()[0]], cell.day_of_month)
        for month in handout.months
        for week in month.weeks
        for cell in week
        if cell is not None and cell.mark
    }
    assert {d.isoformat() for d in cells} == set(milestones) | starts

    # The handout names each activity beside the letter of the day it is allowed again.
    beside = handout.beside_marks()
    marks = dict(zip(sorted(cells), handout.marks, strict=True))
    for name, row in in_json.items():
        ends = [limit["until"] for limit in row["limits"]]
        if row["allowed_from"] is not None and ends[-1] is not None:
            mark = marks[date.fromisoformat(row["allowed_from"])]
            assert any(name in text for text in beside[mark]), (name, row["allowed_from"])


@settings(max_examples=10, deadline=None)
@given(start=dates, procedure=st.sampled_from(PROCEDURES), lang=st.sampled_from(["en", "es"]))
def test_every_output_carries_the_rules_sentences_and_advice(
    start: date, procedure: str, lang: str
) -> None:
    """Each limit's and care item's sentence, and each activity's advice, is in every output."""
    plan = build_plan(procedure_protocol(procedure), start)
    view = build_schedule(plan, plan.last_change_day + 1, lang=lang)
    as_text = " ".join(plain(text.schedule(view)).split())
    as_markdown = " ".join(markdown.schedule(view).split())
    as_json = json.dumps(structured.schedule(view), ensure_ascii=False)
    handout = build_handout(plan, Patient("Ann Lee", phone="555-0100"), lang=lang)
    in_handout = " ".join(" ".join(t.split()) for _, t in handout.texts())
    sentences = [w.limit.text.get(lang) for w in plan.windows]
    sentences += [c.item.text.get(lang) for c in plan.care]
    sentences += [a.advice.get(lang) for a in plan.protocol.activities if a.advice is not None]
    for sentence in sentences:
        for name, output in (("text", as_text), ("Markdown", as_markdown), ("JSON", as_json),
                             ("handout", in_handout)):  # fmt: skip
            assert " ".join(sentence.split()) in output, (name, sentence)


def test_the_markdown_day_says_which_list_is_which() -> None:
    """A day's last cell: 'With care:', 'Avoid:' and 'Ask your care team first:' each begin a sentence."""
    plan = build_plan(procedure_protocol("vertebroplasty"), date(2025, 3, 1))
    table = markdown.schedule(build_schedule(plan, 1))
    cell = next(line for line in table.splitlines() if line.startswith("| Sat, Mar 1, 2025 |"))
    last = cell.rstrip(" |").rsplit(" | ", 1)[1]
    assert "pillows. Avoid: Lifting. Bending and twisting, and so also: strength" in last
    assert "Showering. Ask your care team first: Driving. Pool" in last
    assert last.endswith("Long trips and flying.")
