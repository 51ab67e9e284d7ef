from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vplan.parse import ParseError, parse_date, parse_duration, parse_weight
from vplan.units import MassUnit, Weight

TODAY = date(2025, 3, 20)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-03-01", date(2025, 3, 1)),
        (" 2024-02-29 ", date(2024, 2, 29)),
        ("today", TODAY),
        ("TODAY", TODAY),
    ],
)
def test_dates_people_type(text: str, expected: date) -> None:
    """ISO dates and 'today' are read exactly."""
    assert parse_date(text, today=TODAY) == expected


@pytest.mark.parametrize(
    "text",
    [
        "03/04/2025",
        "March 1",
        "2025-02-30",
        "2025-3-1",
        "20250301",
        "2025-03-01T10:00",
        "",
        "tomorrow",
    ],
)
def test_dates_that_would_need_a_guess_are_refused(text: str) -> None:
    """Any form but YYYY-MM-DD or 'today' is refused with the form to write."""
    with pytest.raises(ParseError) as err:
        parse_date(text, today=TODAY)
    assert "YYYY-MM-DD" in str(err.value)


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("15lb", "15", "lb"),
        ("15 lb", "15", "lb"),
        ("15lbs", "15", "lb"),
        ("15 pounds", "15", "lb"),
        ("1 pound", "1", "lb"),
        ("7kg", "7", "kg"),
        ("7.5 kg", "7.5", "kg"),
        ("7,5 kg", "7.5", "kg"),
        ("7,5KG", "7.5", "kg"),
        ("2 kilos", "2", "kg"),
    ],
)
def test_weights_in_pounds_and_kilograms(text: str, value: str, unit: MassUnit) -> None:
    """Every spelling of pounds and kilograms the issue lists is read exactly."""
    assert parse_weight(text) == Weight(Decimal(value), unit)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("15", "has no unit"),
        ("15 stone", "not a unit"),
        ("-5 lb", "negative"),
        ("0 lb", "above zero"),
        ("1,000 lb", "thousands separator or a decimal comma"),
        ("lots", "not a weight"),
        ("5000 lb", "more than 1000 lb"),
    ],
)
def test_weights_that_are_wrong_or_ambiguous(text: str, message: str) -> None:
    """A weight with no unit, an unknown unit, or a doubtful comma is refused."""
    with pytest.raises(ParseError, match=message):
        parse_weight(text)


def test_weights_compare_exactly_across_units() -> None:
    """4.5 kg is under 10 lb; 4.54 kg is over it (10 lb is 4.5359 kg)."""
    ten_lb = parse_weight("10 lb")
    assert parse_weight("4.5 kg").kg < ten_lb.kg < parse_weight("4.54 kg").kg


def test_limits_show_the_other_unit_rounded_down() -> None:
    """A limit's converted figure never exceeds the limit (10 lb shows 4.5 kg, not 4.6)."""
    assert parse_weight("10 lb").describe(limit=True) == "10 lb (4.5 kg)"
    assert parse_weight("20 lb").describe(limit=True) == "20 lb (9 kg)"
    assert parse_weight("5 kg").describe(limit=True) == "5 kg (11 lb)"


@pytest.mark.parametrize(
    ("text", "amount", "unit"),
    [("24 hours", 1, "days"), ("48 hours", 2, "days"), ("2 days", 2, "days"), ("1 day", 1, "days"),
     ("6 weeks", 6, "weeks"), ("3 months", 3, "months"), ("0 days", 0, "days")],
)  # fmt: skip
def test_durations(text: str, amount: int, unit: str) -> None:
    """Durations are whole numbers of hours (in days), days, weeks or months."""
    duration = parse_duration(text)
    assert (duration.amount, duration.unit) == (amount, unit)


@pytest.mark.parametrize(
    ("text", "message"),
    [("6.5 weeks", "whole number"), ("-2 days", "negative"), ("6 wks", "not a unit of time"),
     ("36 hours", "whole number of days"), ("six weeks", "not a duration"), ("6weeks", "not a duration")],
)  # fmt: skip
def test_bad_durations(text: str, message: str) -> None:
    """Fractional, negative and unknown durations are refused."""
    with pytest.raises(ParseError, match=message):
        parse_duration(text)


def test_calendar_months_from_the_procedure_date() -> None:
    """3 months from 2025-03-01 ends on 2025-06-01; from Nov 30 it ends on Feb 28."""
    three = parse_duration("3 months")
    assert three.end(date(2025, 3, 1)) == date(2025, 6, 1)
    assert three.end(date(2024, 11, 30)) == date(2025, 2, 28)
    assert three.day_bounds() == (89, 92)
    assert parse_duration("6 weeks").end(date(2025, 3, 1)) == date(2025, 4, 12)


@given(
    amount=st.decimals(min_value=Decimal("0.1"), max_value=60, places=2),
    unit=st.sampled_from(["lb", "kg"]),
    limit=st.sampled_from([Weight(Decimal(10), "lb"), Weight(Decimal(20), "lb"),
                           Weight(Decimal("4.5"), "kg"), Weight(Decimal(9), "kg")]),
)  # fmt: skip
def test_a_weight_against_a_limit_reads_the_same_in_both_units(
    amount: Decimal, unit: MassUnit, limit: Weight
) -> None:
    """Within the limit, each unit's figure is at most the limit's; over it, above it."""
    weight = Weight(amount, unit)
    shown, limit_shown = weight.describe_against(limit)
    figures = {u: Decimal(v) for v, u in re.findall(r"([\d.]+) (lb|kg)", shown)}
    limits = {u: Decimal(v) for v, u in re.findall(r"([\d.]+) (lb|kg)", limit_shown)}
    assert set(figures) == set(limits) == {"lb", "kg"}
    for each in ("lb", "kg"):
        if weight.kg <= limit.kg:
            assert figures[each] <= limits[each], (shown, limit_shown)
        else:
            assert figures[each] > limits[each], (shown, limit_shown)
