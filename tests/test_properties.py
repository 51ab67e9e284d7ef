from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from vplan.model import Protocol
from vplan.plan import build_plan
from vplan.units import Weight

dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31))
weights = st.one_of(
    st.none(),
    st.builds(
        Weight,
        st.decimals(min_value=Decimal("0.5"), max_value=Decimal(60), places=1),
        st.sampled_from(["lb", "kg"]),
    ),
)


@settings(max_examples=60, deadline=None)
@given(start=dates, amount=weights)
def test_check_agrees_with_the_schedule_every_day(
    protocol: Protocol, start: date, amount: Weight | None
) -> None:
    """For any procedure date, every day 0-365 and any weight, check and schedule agree."""
    plan = build_plan(protocol, start)
    for activity in protocol.activities:
        weight = amount if activity.measured else None
        for day in range(366):
            answer = plan.verdict(activity, day, weight)
            shown = [w for w in plan.day(day).avoid if w.activity is activity]
            forbidden_by_schedule = any(w.blocks(weight) for w in shown)
            assert answer.allowed is not forbidden_by_schedule
            free = answer.allowed_from_day
            if not answer.allowed and free is not None:
                # the schedule shows it forbidden until the day before, and not on that day
                assert free > day
                assert any(
                    w.blocks(weight) for w in plan.day(free - 1).avoid if w.activity is activity
                )
                assert not any(
                    w.blocks(weight) for w in plan.day(free).avoid if w.activity is activity
                )
            if not answer.allowed and free is None:
                assert any(w.end_day is None for w in shown)


@settings(max_examples=200, deadline=None)
@given(start=dates)
def test_limits_end_on_the_dates_the_conventions_give(protocol: Protocol, start: date) -> None:
    """A 6-week limit ends on day 42; a 3-month limit ends on the same day 3 months on."""
    from dateutil.relativedelta import relativedelta

    plan = build_plan(protocol, start)
    lifting = protocol.activity("lifting")
    first, second = plan.windows_of(lifting)
    assert first.end_day == 42
    assert second.end_day is not None
    assert plan.date_of(second.end_day) == start + relativedelta(months=3)
