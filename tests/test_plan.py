from __future__ import annotations

from datetime import date

from vplan.model import Protocol
from vplan.parse import parse_weight
from vplan.plan import MilestoneKind, Plan, Status, build_plan
from vplan.words.common import Words


def test_six_week_limit_covers_days_0_to_41(plan: Plan) -> None:
    """Bending is avoided on days 0-41 and allowed again from day 42 (2025-04-12)."""
    bending = plan.protocol.activity("bending")
    assert not plan.verdict(bending, 41).allowed
    answer = plan.verdict(bending, 0)
    assert answer.allowed_from_day == 42
    assert plan.date_of(42) == date(2025, 4, 12)
    assert plan.verdict(bending, 42).allowed


def test_month_limits_count_calendar_months_from_the_procedure(plan: Plan) -> None:
    """The 20 lb limit of 3 months ends on 2025-06-01 (day 92), not after 90 days."""
    lifting = plan.protocol.activity("lifting")
    heavy = parse_weight("25 lb")
    answer = plan.verdict(lifting, 50, heavy)
    assert not answer.allowed
    assert answer.allowed_from_day is not None
    assert plan.date_of(answer.allowed_from_day) == date(2025, 6, 1)
    # From then on, weight is added a little at a time: a yes with care, never a plain yes.
    assert plan.verdict(lifting, 92, heavy).status is Status.WITH_CARE


def test_lifting_limits_step_up(plan: Plan) -> None:
    """Nothing on the day of rest; 15 lb waits until day 42; with no weight, up to the limit."""
    lifting = plan.protocol.activity("lift")
    assert plan.verdict(lifting, 10, parse_weight("15lb")).allowed_from_day == 42
    assert plan.verdict(lifting, 0, parse_weight("8 lb")).status is Status.NOT_YET
    assert plan.verdict(lifting, 1, parse_weight("8 lb")).allowed
    assert plan.verdict(lifting, 10, parse_weight("10 lb")).allowed  # "nothing over 10 lb"
    assert plan.verdict(lifting, 10, parse_weight("4.54 kg")).status is Status.NOT_YET
    no_weight = plan.verdict(lifting, 50)
    assert no_weight.status is Status.WITH_CARE  # up to 20 lb only
    assert no_weight.free_from_day == 92


def test_an_allowed_answer_says_since_when(plan: Plan) -> None:
    """Lifting 15 lb on day 50 is allowed, and has been since day 42."""
    answer = plan.verdict(plan.protocol.activity("lifting"), 50, parse_weight("15 lb"))
    assert answer.allowed
    assert answer.allowed_from_day == 42


def test_until_cleared_never_becomes_allowed_by_date(plan: Plan) -> None:
    """A pool is never allowed by the calendar alone: the answer is to ask the care team."""
    pool = plan.protocol.activity("Hot-Tub")
    answer = plan.verdict(pool, 365)
    assert answer.status is Status.ASK
    assert answer.allowed_from_day is None


def test_walking_on_the_day_of_rest_is_with_help(plan: Plan) -> None:
    """Day 0 is rest, up only with help (seed 004); from day 1, short walks, a little more each day."""
    walk = plan.protocol.activity("walk")
    first = plan.verdict(walk, 0)
    assert first.status is Status.WITH_CARE
    assert first.window is not None
    assert "with someone to help you" in first.window.limit.text.get()
    then = plan.verdict(walk, 1)
    assert then.status is Status.WITH_CARE  # short walks, a little more each day
    assert then.window is not None
    assert "short walks" in then.window.limit.text.get()
    assert first.free_from_day == then.free_from_day == 42


def test_milestones_name_the_changes(plan: Plan) -> None:
    """Day 42 says the lifting limit rises to 20 lb; day 7 says the follow-up is due."""
    day42 = [Words().milestone_text(plan, m) for m in plan.day(42).milestones]
    assert "Lifting: limit changes to 20 lb (9 kg)" in day42
    assert "Bending and twisting: allowed again." in day42
    day7 = [Words().milestone_text(plan, m) for m in plan.day(7).milestones]
    assert any("follow-up visit" in text and "Sat, Mar 15, 2025" in text for text in day7)
    kinds = {m.kind for m in plan.day(92).milestones}
    assert kinds == {MilestoneKind.ALLOWED_AGAIN}


def test_last_change_reaches_the_end_of_the_month_limit(protocol: Protocol) -> None:
    """The calendar must run past day 89 to show when a 3-month limit ends."""
    assert build_plan(protocol, date(2025, 3, 1)).last_change_day == 92
    assert build_plan(protocol, date(2025, 11, 30)).last_change_day == 90  # ends 2026-02-28


def test_day_plan_lists_what_to_do_and_avoid(plan: Plan) -> None:
    """Day 0: rest, and no showering or driving; day 2: showering allowed again, driving not."""
    day0 = plan.day(0)
    assert any("Rest" in c.item.label.get() for c in day0.care)
    assert {"driving", "shower"} <= {w.activity.key for w in day0.avoid}
    assert not any(w.activity.key == "shower" for w in plan.day(2).avoid)
    assert any(w.activity.key == "driving" for w in plan.day(365).avoid)
    day2 = [Words().milestone_text(plan, m) for m in plan.day(2).milestones]
    assert "Showering: allowed again." in day2
