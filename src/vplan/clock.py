"""The one place vplan reads the clock: ``SOURCE_DATE_EPOCH`` and ``VPLAN_TODAY`` when set.

``SOURCE_DATE_EPOCH`` is the reproducible-builds convention: a whole number of seconds
since 1970-01-01 00:00 UTC. With it, every file vplan writes is the same, byte for
byte, from run to run. ``VPLAN_TODAY`` (YYYY-MM-DD) is the date that 'today' means, so
a plan can be made again as it was on a given day (and tests never read the clock). The
core never calls this: the command line does, and passes the time in.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime

from vplan.errors import InputError
from vplan.parse import EARLIEST
from vplan.parse import LATEST as LATEST_DAY

EPOCH_ENV = "SOURCE_DATE_EPOCH"
TODAY_ENV = "VPLAN_TODAY"
LATEST_EPOCH = 7258118399  # 2199-12-31 23:59:59 UTC: the last second of the years vplan plans for


def now(env: Mapping[str, str], clock: Callable[[], datetime] | None = None) -> datetime:
    """The time outputs are made at, with a time zone: the epoch in UTC, else local time now."""
    text = env.get(EPOCH_ENV, "").strip()
    if not text:
        return (clock or _local_now)()
    if not text.isascii() or not text.isdigit() or int(text) > LATEST_EPOCH:
        raise InputError(
            f"{EPOCH_ENV} is {text!r}; set it to a whole number of seconds since "
            "1970-01-01 00:00 UTC (such as 1740787200), or unset it"
        )
    return datetime.fromtimestamp(int(text), UTC)


def _local_now() -> datetime:
    return datetime.now().astimezone()


def calendar_stamp(made: datetime) -> datetime:
    """``made`` as a calendar file's DTSTAMP: UTC, whole seconds."""
    return made.astimezone(UTC).replace(microsecond=0)


def today(env: Mapping[str, str], clock: Callable[[], date] = date.today) -> date:
    """The date 'today' means: ``VPLAN_TODAY`` when set (YYYY-MM-DD), else the system date."""
    text = env.get(TODAY_ENV, "").strip()
    if not text:
        return clock()
    iso = len(text) == 10 and text[4] == text[7] == "-" and text.replace("-", "").isdecimal()
    try:
        if not (iso and text.isascii()):
            raise ValueError(text)
        day = date.fromisoformat(text)
    except ValueError:
        raise InputError(
            f"{TODAY_ENV}={text!r} is not a real date; set it to YYYY-MM-DD "
            "(for example 2025-03-01), or unset it to use the system date"
        ) from None
    if not EARLIEST <= day <= LATEST_DAY:
        raise InputError(
            f"{TODAY_ENV}={text!r} is outside the years vplan plans for "
            f"({EARLIEST.year}-{LATEST_DAY.year}); set a date in them, or unset it"
        )
    return day
