"""Small, exact parsers for what people type: ISO dates, weights and durations.

Nothing here guesses: an input that could mean two things is refused with the form
to write instead.
"""

from __future__ import annotations

import re
from datetime import date, time
from decimal import Decimal
from typing import Literal

from vplan.chars import controls_in, shown
from vplan.errors import InputError
from vplan.units import KG_PER_LB, CalendarUnit, Duration, MassUnit, Weight

DATE_FORM = "write the date as YYYY-MM-DD (for example 2025-03-01) or 'today'"
AMOUNT_FORM = "write a weight such as 15lb, 15 lb, 7kg or 7.5 kg"
DURATION_FORM = (
    "write a whole number and a unit, such as '24 hours', '2 days', '6 weeks' or '3 months'"
)
MAX_POUNDS = Decimal(1000)
EARLIEST = date(1900, 1, 1)
LATEST = date(2199, 12, 31)
MAX_LEVELS = 12  # treated vertebral levels in one procedure (usually one to three)
MAX_DECIMALS = 3  # of a weight: exact in every sum and comparison, far under Decimal's precision
MAX_SPAN_DAYS = 3660  # no rule or question reaches beyond ten years
MAX_NAME_LENGTH = 100
NAME_FORM = 'write the name in quotes, such as --patient "Jane Doe"'


class ParseError(InputError):
    """A typed value that cannot be read, with what was wrong and what to write instead."""

    def __init__(self, what: str, fix: str) -> None:
        self.what = what
        self.fix = fix
        super().__init__(f"{what}; {fix}")


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


def parse_date(text: str, *, today: date, name: str = "date") -> date:
    """Read ``YYYY-MM-DD`` or ``today``; refuse every other form rather than guess."""
    cleaned = text.strip()
    if cleaned.lower() == "today":
        return today
    if not _ISO_DATE.fullmatch(cleaned):
        raise ParseError(f"'{text}' is not a {name} vplan can read", DATE_FORM)
    try:
        value = date.fromisoformat(cleaned)
    except ValueError:
        raise ParseError(
            f"'{text}' is not a real calendar date", "check the month and day, " + DATE_FORM
        ) from None
    return _in_range(text, value)


def _in_range(text: str, value: date) -> date:
    if not EARLIEST <= value <= LATEST:
        raise ParseError(
            f"'{text}' is outside the years vplan plans for",
            f"give a date from {EARLIEST.year} to {LATEST.year}",
        )
    return value


DateOrder = Literal["iso", "mdy", "dmy"]
DATE_ORDERS: dict[DateOrder, str] = {
    "iso": "year-month-day",
    "mdy": "month first (03/01/2025 is March 1)",
    "dmy": "day first (03/01/2025 is 3 January)",
}
ORDER_FORM = (
    "write it as YYYY-MM-DD, or give --date-format mdy (month first) or dmy (day first) "
    "for the whole list"
)
_NUMERIC_DATE = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{2}|\d{4})", re.ASCII)


def parse_list_date(text: str, *, order: DateOrder, today: date, name: str = "date") -> date:
    """A date of a day's list: ``YYYY-MM-DD`` always, ``3/1/2025`` only in the order given.

    Nothing is guessed: with the default order (ISO) a date such as ``03/01/2025``, which
    could be March 1 or 3 January, is refused with the option that reads it.
    """
    cleaned = text.strip()
    match = _NUMERIC_DATE.fullmatch(cleaned)
    if match is None:
        return parse_date(text, today=today, name=name)
    first, _, second, year = match.groups()
    if order == "iso":
        if not any(_real(int(year), m, d) for m, d in ((first, second), (second, first))):
            raise ParseError(
                f"'{text}' is not a real calendar date, month first or day first",
                "check the month and day; write the date as YYYY-MM-DD",
            )
        raise ParseError(f"'{text}' could be month first or day first", ORDER_FORM)
    if len(year) == 2:
        raise ParseError(f"'{text}' has a two-digit year", "write the year in full, such as 2025")
    month, day = (int(first), int(second)) if order == "mdy" else (int(second), int(first))
    try:
        value = date(int(year), month, day)
    except ValueError:
        raise ParseError(
            f"'{text}' is not a real calendar date when read {DATE_ORDERS[order]}",
            "check the month and day, and --date-format",
        ) from None
    return _in_range(text, value)


def _real(year: int, month: str | int, day: str | int) -> bool:
    """Whether the year, month and day make a calendar date."""
    try:
        date(year, int(month), int(day))
    except ValueError:
        return False
    return True


MASS_UNITS: dict[str, MassUnit] = {
    "lb": "lb", "lbs": "lb", "pound": "lb", "pounds": "lb",
    "kg": "kg", "kgs": "kg", "kilo": "kg", "kilos": "kg", "kilogram": "kg", "kilograms": "kg",
}  # fmt: skip
_AMOUNT = re.compile(r"(?P<number>\d+(?:[.,]\d+)?)\s*(?P<unit>[a-z]+)\.?", re.IGNORECASE | re.ASCII)


def parse_weight(text: str) -> Weight:
    """Read a weight such as ``15lb``, ``15 pounds``, ``7kg``, ``7.5 kg`` or ``7,5 kg``."""
    cleaned = text.strip()
    match = _AMOUNT.fullmatch(cleaned)
    if match is None:
        if re.fullmatch(r"\d+(?:[.,]\d+)?", cleaned, re.ASCII):
            raise ParseError(f"'{text}' has no unit", "add lb or kg, for example 15lb or 7kg")
        if cleaned.startswith("-"):
            raise ParseError(f"'{text}' is a negative weight", AMOUNT_FORM)
        raise ParseError(f"'{text}' is not a weight vplan can read", AMOUNT_FORM)
    number, unit_word = match.group("number"), match.group("unit").lower()
    unit = MASS_UNITS.get(unit_word)
    if unit is None:
        raise ParseError(f"'{unit_word}' is not a unit vplan knows", "use lb or kg")
    if re.fullmatch(r"\d+,\d{3}", number):
        raise ParseError(
            f"'{number}' could mean a thousands separator or a decimal comma",
            "write it without the comma, or with a point, such as 1000 or 1.5",
        )
    decimals = len(re.split(r"[.,]", number)[1]) if re.search(r"[.,]", number) else 0
    if decimals > MAX_DECIMALS:
        raise ParseError(
            f"'{text}' has more decimals than a scale shows",
            f"write at most {MAX_DECIMALS}, such as 7.5 kg",
        )
    value = Decimal(number.replace(",", "."))
    weight = Weight(value, unit)
    if value <= 0:
        raise ParseError(f"'{text}' is not a weight above zero", AMOUNT_FORM)
    if weight.kg > MAX_POUNDS * KG_PER_LB:
        raise ParseError(f"'{text}' is more than 1000 lb", "check the number and its unit")
    return weight


# Each unit word: the calendar unit it counts in, and how many of the word make one.
_DURATION_UNITS: dict[str, tuple[CalendarUnit, int]] = {
    "hour": ("days", 24), "hours": ("days", 24), "day": ("days", 1), "days": ("days", 1),
    "week": ("weeks", 1), "weeks": ("weeks", 1), "month": ("months", 1), "months": ("months", 1),
}  # fmt: skip
_DURATION = re.compile(
    r"(?P<sign>-?)(?P<number>\d+(?:[.,]\d+)?)\s+(?P<unit>[a-z]+)", re.IGNORECASE | re.ASCII
)


def parse_duration(text: str) -> Duration:
    """Read ``24 hours``, ``2 days``, ``6 weeks`` or ``3 months``: whole numbers only."""
    cleaned = " ".join(text.split())
    match = _DURATION.fullmatch(cleaned)
    if match is None:
        raise ParseError(f"'{text}' is not a duration vplan can read", DURATION_FORM)
    word = match.group("unit").lower()
    if word not in _DURATION_UNITS:
        raise ParseError(
            f"'{match.group('unit')}' is not a unit of time vplan knows",
            "use hours, days, weeks or months",
        )
    unit, per = _DURATION_UNITS[word]
    if match.group("sign"):
        raise ParseError(f"'{text}' is negative", "count forward from the procedure day (day 0)")
    if not match.group("number").isdigit():
        raise ParseError(
            f"'{text}' is not a whole number",
            "write a whole number, or use a smaller unit (for example '10 days' for 1.5 weeks)",
        )
    amount = int(match.group("number"))
    if amount % per:
        raise ParseError(
            f"'{text}' is not a whole number of days",
            "vplan plans in whole days: write a multiple of 24 hours, such as '24 hours'",
        )
    duration = Duration(amount // per, unit, cleaned)
    # Up to 118 months cannot pass the limit (118 * 31 < 3660 days): no need to count them.
    if duration.amount * 31 > MAX_SPAN_DAYS and duration.day_bounds()[1] > MAX_SPAN_DAYS:
        raise ParseError(f"'{text}' is longer than 10 years", "check the number and its unit")
    return duration


def parse_name(text: str) -> str:
    """A patient's name as it goes into the output: spaces tidied, never empty or hidden."""
    controls = controls_in(text)
    if controls:
        raise ParseError(
            f"the patient name has a control character ({shown(controls[0])})", NAME_FORM
        )
    cleaned = " ".join(text.split())
    if not cleaned:
        raise ParseError("the patient name is empty", NAME_FORM)
    if len(cleaned) > MAX_NAME_LENGTH:
        raise ParseError(
            f"the patient name is longer than {MAX_NAME_LENGTH} characters", "shorten it"
        )
    return cleaned


FOLLOW_UP_FORM = (
    "write the visit as YYYY-MM-DD HH:MM, such as '2025-03-10 14:30' or '2025-03-10 2:30 PM' "
    "(or 2025-03-10T14:30), or the date alone"
)
_FOLLOW_UP = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2}|\d{1,2}(?P<sep>[/.-])\d{1,2}(?P=sep)(?:\d{2}|\d{4}))"
    r"(?:(?:T|\s+)(?P<hour>\d{1,2}):(?P<minute>\d{2})(?:\s*(?P<noon>[ap])\.?m\.?)?)?",
    re.ASCII | re.IGNORECASE,
)


def parse_follow_up(text: str, order: DateOrder = "iso") -> tuple[date, time | None]:
    """Read the follow-up visit: ``2025-03-10 14:30``, ``2025-03-10 2:30 PM`` or a date alone.

    A date such as ``03/10/2025`` is read in the day's list's ``order``, as its procedure
    dates are (with the default order it is refused, as they are).
    """
    match = _FOLLOW_UP.fullmatch(text.strip())
    if match is None:
        raise ParseError(f"'{text}' is not a follow-up visit vplan can read", FOLLOW_UP_FORM)
    try:
        when = parse_list_date(
            match.group("date"), order=order, today=EARLIEST, name="follow-up date"
        )
    except ParseError as exc:
        if exc.fix != ORDER_FORM:
            raise
        raise ParseError(
            f"the follow-up date in '{text}' could be month first or day first",
            "write it as YYYY-MM-DD, such as '2025-03-10 2:30 PM'; in a day's list, "
            "--date-format mdy or dmy reads the list's dates",
        ) from None
    if match.group("hour") is None:
        return when, None
    hour, minute = int(match.group("hour")), int(match.group("minute"))
    noon = match.group("noon")
    if noon is not None:
        if not (1 <= hour <= 12 and 0 <= minute <= 59):
            raise ParseError(
                f"'{text}' has no such time on a 12-hour clock ({hour}:{minute:02d})",
                "write the hour from 1 to 12 with AM or PM, such as 2:30 PM, or on a 24-hour "
                "clock, such as 14:30",
            )
        hour = hour % 12 + (12 if noon.lower() == "p" else 0)
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise ParseError(
            f"'{text}' has no such time of day ({hour}:{minute:02d})",
            "write the time on a 24-hour clock, from 00:00 to 23:59, such as 14:30, or with "
            "AM or PM, such as 2:30 PM",
        )
    return when, time(hour, minute)


def parse_levels(text: str) -> str:
    """The treated vertebral levels, such as ``T12, L1``: a letter C, T, L or S and a number."""
    parts = [p.strip().upper() for p in re.split(r"[,;]", text)]
    if len(parts) > MAX_LEVELS:
        raise ParseError(
            f"--levels names {len(parts):,} levels, more than the {MAX_LEVELS} one procedure "
            "treats",
            "write the treated levels only, such as 'T12, L1'",
        )
    spans = {"C": 7, "T": 12, "L": 5, "S": 5}
    for part in parts:
        match = re.fullmatch(r"([CTLS])\s*(\d{1,2})", part, re.ASCII)
        if match is None or not 1 <= int(match.group(2)) <= spans[match.group(1)]:
            raise ParseError(
                f"'{part or text}' is not a vertebral level",
                "write levels such as 'T12, L1' (C1-C7, T1-T12, L1-L5, S1-S5), separated by commas",
            )
    return ", ".join(re.sub(r"\s+", "", p) for p in parts)


def parse_place(text: str) -> str:
    """Where the follow-up visit is, as typed: spaces tidied, never empty or hidden."""
    cleaned = " ".join(text.split())
    form = 'write the place in quotes, such as --follow-up-place "Spine Clinic, room 4"'
    if not cleaned:
        raise ParseError("the follow-up place is empty", form)
    controls = controls_in(text)
    if controls:
        raise ParseError(
            f"the follow-up place has a control character ({shown(controls[0])})", form
        )
    if len(cleaned) > 80:
        raise ParseError("the follow-up place is longer than 80 characters", "shorten it")
    return cleaned
