from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from hypothesis import given, settings
from hypothesis import strategies as st

from vplan.answer import build_answer
from vplan.model import Protocol
from vplan.orders import orders_from_bytes, patient_protocol
from vplan.plan import build_plan
from vplan.render import structured
from vplan.schedule import build_schedule
from vplan.units import Weight, add_months

dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31))
boundaries = [
    *(Weight(Decimal(v), "lb") for v in ("10", "20")),
    *(Weight(Decimal(v), "kg") for v in ("4.53", "4.54", "9.07", "9.08")),
]
weights = st.one_of(
    st.none(),
    st.sampled_from(boundaries),
    st.builds(
        Weight,
        st.decimals(min_value=Decimal("0.5"), max_value=Decimal(60), places=2),
        st.sampled_from(["lb", "kg"]),
    ),
)
HORIZON = 366


def forbidden_by_row(row: dict[str, Any], activity: str, amount: Weight | None) -> bool:
    """Whether a schedule row, as printed, forbids the activity with this weight.

    A limit with a most weight forbids only a weight over it: without a weight, it allows
    lifting up to it, with care.
    """
    for avoid in row["avoid"]:
        if avoid["activity"] != activity:
            continue
        limit = avoid["max"]
        if limit is None:
            return True
        if (
            amount is not None
            and amount.kg > Weight(Decimal(str(limit["value"])), limit["unit"]).kg
        ):
            return True
    return False


def careful_by_row(row: dict[str, Any], activity: str, amount: Weight | None) -> bool:
    """Whether a schedule row, as printed, allows the activity only with care."""
    if any(c["activity"] == activity for c in row["with_care"]):
        return True
    return amount is None and any(
        a["activity"] == activity and a["max"] is not None for a in row["avoid"]
    )


@st.composite
def orders_texts(draw: st.DrawFn) -> str:
    """An orders file: random back-to-back limits for lifting and driving, and a new activity."""
    out = ["activities:"]
    for key, measured in (("lifting", True), ("driving", False), ("carrying_pets", True)):
        if not draw(st.booleans()):
            continue
        out += [f"  {key}:", "    loosen: confirmed"]
        if key == "carrying_pets":
            out += ["    name: {en: Carrying pets}", "    measure: weight"]
        # Every dated end falls within the calendar the test reads (HORIZON days).
        unit = draw(st.sampled_from(["days", "weeks"]))
        # Lifting ends by 12 weeks: what involves it (hard exercise, weights) is limited 3 months.
        involved = key == "lifting"
        top = (84 if involved else 300) if unit == "days" else (12 if involved else 45)
        ends = sorted(draw(st.sets(st.integers(1, top), min_size=1, max_size=3)))
        out.append("    limits:")
        start = 0
        for index, end in enumerate(ends):
            last = index == len(ends) - 1
            cleared = last and not involved and draw(st.booleans())
            until = "cleared" if cleared else f"{end} {unit}"
            out += [f"      - from: {start} {unit}", f"        until: {until}"]
            figure = draw(
                st.one_of(st.none(), st.sampled_from(["3 lb", "2.5 kg", "15 lb", "40 lb"]))
            )
            if measured and figure is not None:
                out.append(f"        max: {figure}")
            out.append("        text: {en: As your care team says.}")
            start = end
    if len(out) == 1:
        out = ["notes:", "  - en: Nothing changes."]
    return "\n".join(out) + "\n"


@settings(max_examples=40, deadline=None)
@given(start=dates, amount=weights, orders=st.one_of(st.none(), orders_texts()))
def test_check_agrees_with_the_schedule_every_day(
    protocol: Protocol, start: date, amount: Weight | None, orders: str | None
) -> None:
    """For any date, days 0-365, every activity, any weight and random orders, both agree."""
    ordered = None if orders is None else orders_from_bytes(orders.encode(), "o.yaml", protocol)
    patients, given = patient_protocol(protocol, ordered)
    plan = build_plan(patients, start, orders=given)
    schedule: dict[str, Any] = structured.schedule(build_schedule(plan, HORIZON))
    rows = schedule["days"]
    for activity in plan.protocol.activities:
        weight = amount if activity.measured else None
        blocked = [forbidden_by_row(row, activity.key, weight) for row in rows]
        for day in range(HORIZON):
            answer: dict[str, Any] = structured.verdict(
                build_answer(plan, plan.verdict(activity, day, weight))
            )
            assert answer["day"] == day
            assert answer["date"] == rows[day]["date"]
            forbids = answer["verdict"] in ("not_yet", "ask_care_team")
            assert forbids is blocked[day]
            if careful_by_row(rows[day], activity.key, weight) and not forbids:
                assert answer["verdict"] == "with_care"
            if not forbids:
                continue
            free = next((d for d in range(day, HORIZON) if not blocked[d]), None)
            if free is None:
                # never free within the calendar: only the care team can clear it
                assert answer["allowed_from"] is None
            else:
                assert answer["allowed_from"] == rows[free]["date"]


@settings(max_examples=200, deadline=None)
@given(start=dates)
def test_limits_end_on_the_dates_the_conventions_give(protocol: Protocol, start: date) -> None:
    """A 6-week limit ends on day 42; a 3-month limit ends on the same day 3 months on."""
    from dateutil.relativedelta import relativedelta

    plan = build_plan(protocol, start)
    lifting = protocol.activity("lifting")
    rest, first, second = plan.windows_of(lifting)
    assert rest.end_day == 1
    assert first.end_day == 42
    assert second.end_day is not None
    assert plan.date_of(second.end_day) == start + relativedelta(months=3)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2189, 12, 31)), st.integers(0, 120))
def test_whole_months_are_added_as_dateutil_adds_them(start: date, months: int) -> None:
    """The fast month arithmetic of the span bounds agrees with dateutil's relativedelta."""
    assert add_months(start, months) == start + relativedelta(months=months)
