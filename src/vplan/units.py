"""Value types for what rules and people write: durations and weights."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from functools import cache
from typing import Literal, NamedTuple

KG_PER_LB = Decimal("0.45359237")  # exact, by definition of the pound

CalendarUnit = Literal["days", "weeks", "months"]
MassUnit = Literal["lb", "kg"]


class Duration(NamedTuple):
    """A whole number of days, weeks or calendar months, counted from the procedure date."""

    amount: int
    unit: CalendarUnit
    written: str

    def end(self, start: date) -> date:
        """The first date after the span: ``6 weeks`` from day 0 ends on day 42."""
        if self.unit == "months":
            from dateutil.relativedelta import relativedelta

            return start + relativedelta(months=self.amount)
        days = self.amount * (7 if self.unit == "weeks" else 1)
        return start + timedelta(days=days)

    def day_bounds(self) -> tuple[int, int]:
        """The fewest and most days this span can last, over every start date."""
        if self.unit != "months":
            days = self.amount * (7 if self.unit == "weeks" else 1)
            return days, days
        if self.amount > 1200:  # beyond any plan; keeps the date arithmetic in range
            return self.amount * 28, self.amount * 31
        return _month_bounds(self.amount)

    def __str__(self) -> str:
        return self.written


def add_months(start: date, months: int) -> date:
    """``start`` plus whole calendar months, the day kept or cut to the month's last day.

    The same date as ``start + relativedelta(months=months)``, without loading dateutil:
    the bounds below need it some thousand times on every start-up.
    """
    years, month0 = divmod(start.month - 1 + months, 12)
    year, month = start.year + years, month0 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


@cache
def _month_bounds(months: int) -> tuple[int, int]:
    # Four years hold every month-length pattern of the calendar between 1901 and 2099.
    start = date(2000, 3, 1)
    lengths = set()
    for offset in range(4 * 366):
        day = start + timedelta(days=offset)
        lengths.add((add_months(day, months) - day).days)
    return min(lengths), max(lengths)


def _round(value: Decimal, places: str, rounding: str) -> str:
    text = format(value.quantize(Decimal(places), rounding=rounding), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _exact(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


class Weight(NamedTuple):
    """A weight as written, in pounds or kilograms; compared exactly."""

    value: Decimal
    unit: MassUnit

    @property
    def kg(self) -> Decimal:
        """The exact weight in kilograms."""
        return self.value if self.unit == "kg" else self.value * KG_PER_LB

    def describe(self, *, limit: bool = False, pound: str = "lb") -> str:
        """``10 lb (4.5 kg)``: as written, then the other unit; ``pound`` names the pound.

        For a limit the other unit is rounded down, so that following either figure
        keeps the patient under the limit.
        """
        rounding = ROUND_FLOOR if limit else ROUND_HALF_UP
        written = _exact(self.value)
        if self.unit == "lb":
            return f"{written} {pound} ({_round(self.kg, '0.1', rounding)} kg)"
        return f"{written} kg ({_round(self.value / KG_PER_LB, '0.1', rounding)} {pound})"

    def describe_against(self, limit: Weight, pound: str = "lb") -> tuple[str, str]:
        """The weight and ``limit`` as an answer compares them, each figure telling the truth.

        This weight's other figure is rounded to the nearest tenth, unless that would cross
        the limit's figure in the same unit: then down when within the limit, up when over
        ("20 lb (9 kg) is within the limit of 20 lb (9 kg)", not "20 lb (9.1 kg)"). The
        limit's figure in this weight's unit gets more decimals when fewer would read as
        less than a weight within it ("9.07 kg" against "20 lb (9.07 kg)").
        """
        within = self.kg <= limit.kg
        unit = _other(self.unit)
        other = self.kg if self.unit == "lb" else self.value / KG_PER_LB
        limit_other = limit.kg if unit == "kg" else limit.value / KG_PER_LB
        bound = (
            Decimal(_round(limit_other, "0.1", ROUND_FLOOR)) if unit != limit.unit else limit.value
        )
        shown = _round(other, "0.1", ROUND_HALF_UP)
        if (Decimal(shown) > bound) if within else (Decimal(shown) <= bound):
            shown = _round(other, "0.1", ROUND_FLOOR if within else ROUND_CEILING)
        names = {"lb": pound, "kg": "kg"}
        amount = f"{_exact(self.value)} {names[self.unit]} ({shown} {names[unit]})"
        if self.unit == limit.unit or not within:
            return amount, limit.describe(limit=True, pound=pound)
        exact = limit.kg if self.unit == "kg" else limit.value / KG_PER_LB
        places = Decimal("0.1")
        while Decimal(_round(exact, str(places), ROUND_FLOOR)) < self.value:
            places /= 10
        figure = _round(exact, format(places, "f"), ROUND_FLOOR)
        return amount, f"{_exact(limit.value)} {names[limit.unit]} ({figure} {names[self.unit]})"

    def __str__(self) -> str:
        return self.describe()


def _other(unit: MassUnit) -> MassUnit:
    return "kg" if unit == "lb" else "lb"
