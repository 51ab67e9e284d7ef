"""How each language writes dates, with the weekday always shown.

English comes from the standard library and never loads Babel; any other language writes
its dates from Babel's locale data (CLDR): from the locale's forms that ``cldr.py`` keeps in
vplan's cache, or, the first time, by Babel itself.
"""

from __future__ import annotations

import functools
from datetime import date, time
from typing import TYPE_CHECKING

from vplan.i18n import ENGLISH, LANGUAGES

if TYPE_CHECKING:
    from babel.core import Locale

    from vplan.cldr import Forms


class Dates:
    """How dates are written in English, with the weekday always shown."""

    def long(self, when: date) -> str:
        """``Sat, Mar 1, 2025``."""
        return f"{when:%a}, {when:%b} {when.day}, {when.year}"

    def table(self, when: date) -> str:
        """A date that starts a row of a table: ``Sat, Mar 1, 2025``."""
        return self.long(when)

    def short(self, when: date) -> str:
        """``Sat, Mar 1``: for rows and cells where the year is shown above."""
        return f"{when:%a}, {when:%b} {when.day}"

    def month(self, year: int, month: int) -> str:
        """``March 2025``."""
        return f"{date(year, month, 1):%B} {year}"

    def weekday(self, when: date) -> str:
        """``Saturday``."""
        return f"{when:%A}"

    def time(self, when: time) -> str:
        """``2:30 PM``: a time of day on the clock patients read."""
        hour = when.hour % 12 or 12
        return f"{hour}:{when.minute:02d} {'AM' if when.hour < 12 else 'PM'}"

    def weekday_heads(self) -> tuple[str, ...]:
        """Column heads of a month grid, Sunday first."""
        return ("Su", "Mo", "Tu", "We", "Th", "Fr", "Sa")

    def table_width(self) -> int:
        """The widest date of a column of dates."""
        return 17  # "Wed, Sep 10, 2025"


class BabelDates(Dates):
    """Dates in a language other than English, from Babel's locale data (CLDR).

    Written from the locale's forms kept in vplan's cache (``cldr.py``: each field's text as
    Babel writes it), else by Babel itself. A plain class (one per language, made by
    ``dates``): start-up need not load dataclasses.
    """

    def __init__(self, locale: str) -> None:
        self.locale = locale

    @functools.cached_property
    def _forms(self) -> Forms | None:
        """The locale's forms, read once: from the cache, else from Babel (None without a cache)."""
        import os

        from vplan.cldr import forms

        return forms(self.locale, os.environ)

    @functools.cached_property
    def _locale(self) -> Locale:
        """Babel's locale, parsed once: given by name, Babel would parse it for every date."""
        from babel.core import Locale

        return Locale.parse(self.locale)

    def _write(self, form: str, when: date | time) -> str:
        """``when`` in one of the forms of ``cldr.py``, from the kept forms or by Babel."""
        text = None if self._forms is None else self._forms.write(form, when)
        if text is None:
            from vplan.cldr import babel_text

            text = babel_text(self._locale, form, when)
        return text

    def long(self, when: date) -> str:
        """``sábado, 1 de marzo de 2025``: the locale's full date."""
        return self._write("long", when)

    def table(self, when: date) -> str:
        """``Sábado, 1 de marzo de 2025``: in full, for a short name can be misread.

        CLDR's short names in Spanish have no period ("mar" for martes and marzo reads
        as "the sea"), so the weekday and the month are written out. It starts a row, so
        its first letter is a capital.
        """
        return capitalized(self.long(when))

    def short(self, when: date) -> str:
        """``sábado, 1 de marzo``: the whole weekday, the day and the month in words."""
        return f"{self.weekday(when)}, {self._write('day_month', when)}"

    def month(self, year: int, month: int) -> str:
        """``Marzo de 2025``: a title, so its first letter is a capital."""
        return capitalized(self._write("month_year", date(year, month, 1)))

    def weekday(self, when: date) -> str:
        """``sábado``."""
        return self._write("weekday", when)

    def time(self, when: time) -> str:
        """The locale's short time of day."""
        # CLDR puts narrow no-break spaces in "2:30 p. m."; the handout's font has no glyph.
        return self._write("time", when).replace("\u202f", " ").replace("\u00a0", " ")

    def weekday_heads(self) -> tuple[str, ...]:
        """``DO``, ``LU``, ...: the locale's short weekday names, Sunday first."""
        if self._forms is not None:
            return self._forms.heads
        from vplan.cldr import babel_heads

        return babel_heads(self._locale)

    def table_width(self) -> int:
        """The widest date of a column of dates, over every day of a year."""
        return _table_width(self)

    def full_fields(self) -> frozenset[str]:
        """The letters of the date fields of the locale's full date (``EEEE, d 'de' MMMM ...``)."""
        import re

        if self._forms is not None:
            pattern = self._forms.full
        else:
            from vplan.cldr import babel_full

            pattern = babel_full(self._locale)
        return frozenset(ch for ch in re.sub("'[^']*'", "", pattern) if ch.isalpha())


# Fields whose text depends on a date only through its era, year, weekday, month and day: in
# a pattern of these alone each field's width adds to the others', so a year's widest date
# has the widest weekday, the widest month and the wider day (a year has every combination).
_SEPARATE_FIELDS = frozenset("GyEcMLd")


@functools.cache
def _table_width(dates: Dates) -> int:
    first = date(2025, 1, 1).toordinal()
    year = [date.fromordinal(first + n) for n in range(365)]
    if not isinstance(dates, BabelDates) or not dates.full_fields() <= _SEPARATE_FIELDS:
        return max(len(dates.table(when)) for when in year)
    # Weekday by weekday (January 10 to 16), then month by month on the widest weekday (a
    # two-digit day), then that weekday's one-digit day in the widest month: 20 dates, not 365.
    widths: dict[date, int] = {}

    def widest(candidates: list[date]) -> date:
        for when in candidates:
            widths.setdefault(when, len(dates.table(when)))
        return max(candidates, key=widths.__getitem__)

    weekday = widest(year[9:16]).weekday()
    month = widest(
        [next(d for d in year if d.month == m and d.day >= 10 and d.weekday() == weekday)
         for m in range(1, 13)]
    ).month  # fmt: skip
    widest([d for d in year if d.month == month and d.day < 10 and d.weekday() == weekday])
    return max(widths.values())


@functools.cache
def dates(lang: str) -> Dates:
    """How ``lang`` writes dates."""
    if lang == ENGLISH:
        return Dates()
    return BabelDates(LANGUAGES[lang])


def capitalized(text: str) -> str:
    """``text`` with a capital first letter, for a date or a name that starts a line."""
    return text[:1].upper() + text[1:]
