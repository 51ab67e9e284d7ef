"""A locale's date and time forms, read from Babel's locale data (CLDR) once and kept.

Loading a locale's CLDR data costs a command in Spanish more than everything else it does,
for the few patterns and names its dates need. So, the first time, each field of each pattern
vplan writes (in Spanish ``EEEE``, ``d``, ``MMMM``, ``y``, ``h``, ``mm`` and ``a``) is written
by Babel for every value of the one part of a date or a time it depends on (the weekday, the
day, the month, the year, the hour or the minute), and each pattern is split into its fields
by Babel. These tables are kept in vplan's cache folder, keyed by the Babel release and the
code of this module. A date is then written by putting each field's text, as Babel wrote it,
into its pattern, as Babel does: the text is Babel's, to the character.

A form whose pattern has a field that depends on more than one part (a week number, a time
zone), or that did not write exactly as Babel over a whole year (or every minute of a day),
is not kept; neither is a year outside the table, nor anything without a cache folder: there,
Babel writes the date itself.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from datetime import date, time, timedelta
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING

from vplan import __version__
from vplan.digest import sha256

if TYPE_CHECKING:
    from babel.core import Locale

    from vplan.datatypes import Json

_FORMAT = b"vplan-dates-1"
# The forms vplan writes a date or a time in, each a date pattern, a skeleton or a time pattern.
DATE_FORMS = ("long", "weekday", "day_month", "month_year")
TIME_FORMS = ("time",)
_SKELETONS = {"day_month": "MMMMd", "month_year": "yMMMM"}
# The one part of a date or a time that the text of each field depends on.
_DEPENDS = {
    "G": "year", "y": "year", "M": "month", "L": "month", "d": "day",
    "E": "weekday", "e": "weekday", "c": "weekday",
    "h": "hour", "H": "hour", "K": "hour", "k": "hour", "a": "hour", "m": "minute",
}  # fmt: skip
_DATE_PARTS = frozenset({"year", "month", "day", "weekday"})
_TIME_PARTS = frozenset({"hour", "minute"})
FIRST_YEAR, LAST_YEAR = 1900, 2199
_MONDAY = date(2025, 1, 6)


def _dates(part: str) -> list[date]:
    """Every value of a part of a date, in the order of its index (``_index``)."""
    if part == "year":
        return [date(year, 1, 1) for year in range(FIRST_YEAR, LAST_YEAR + 1)]
    if part == "month":
        return [date(2025, month, 1) for month in range(1, 13)]
    if part == "day":
        return [date(2025, 1, day) for day in range(1, 32)]
    return [_MONDAY + timedelta(days=n) for n in range(7)]


def _times(part: str) -> list[time]:
    """Every value of a part of a time of day, in the order of its index (``_index``)."""
    if part == "hour":
        return [time(hour) for hour in range(24)]
    return [time(0, minute) for minute in range(60)]


def _index(part: str, when: date | time) -> int:
    """Where ``when`` is in the table of a field that depends on ``part``."""
    if isinstance(when, date):
        if part == "year":
            return when.year - FIRST_YEAR
        if part == "month":
            return when.month - 1
        if part == "day":
            return when.day - 1
        return when.weekday()
    return when.hour if part == "hour" else when.minute


class Forms:
    """A locale's forms: each pattern as a template of its fields, and each field's texts.

    A plain class: start-up need not load dataclasses.
    """

    def __init__(
        self,
        templates: Mapping[str, tuple[str, tuple[str, ...]]],
        fields: Mapping[str, Sequence[str]],
        full: str,
        heads: tuple[str, ...],
    ) -> None:
        self.templates = templates  # form -> (template with %(field)s, its fields)
        self.fields = fields  # field -> its texts, by the index of its part
        self.full = full  # the locale's full date pattern, as CLDR writes it
        self.heads = heads  # the short stand-alone weekday names, Sunday first

    def write(self, form: str, when: date | time) -> str | None:
        """``when`` in ``form``, or None where the tables do not reach (Babel writes it then)."""
        found = self.templates.get(form)
        if found is None:
            return None
        template, names = found
        values = {}
        for name in names:
            texts = self.fields[name]
            index = _index(_DEPENDS[name[0]], when)
            if not 0 <= index < len(texts):
                return None
            values[name] = texts[index]
        return template % values

    def to_json(self) -> dict[str, Json]:
        """The forms as kept in the cache."""
        return {
            "templates": {form: [template, list(names)]
                          for form, (template, names) in self.templates.items()},
            "fields": {name: list(texts) for name, texts in self.fields.items()},
            "full": self.full,
            "heads": list(self.heads),
        }  # fmt: skip


def _strings(value: Json) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise TypeError("not a list of strings")
    return [str(item) for item in value]


def forms_from_json(data: Mapping[str, Json]) -> Forms:
    """The forms kept in a cache entry; TypeError or KeyError if the entry is not of that shape."""
    templates, fields, full = data["templates"], data["fields"], data["full"]
    if not isinstance(templates, Mapping) or not isinstance(fields, Mapping):
        raise TypeError("not a table")
    if not isinstance(full, str):
        raise TypeError("not a pattern")
    kept: dict[str, tuple[str, tuple[str, ...]]] = {}
    for form, value in templates.items():
        if not isinstance(value, list) or len(value) != 2 or not isinstance(value[0], str):
            raise TypeError(form)
        names = tuple(_strings(value[1]))
        parts = _TIME_PARTS if form in TIME_FORMS else _DATE_PARTS if form in DATE_FORMS else None
        if parts is None or any(
            name not in fields or _DEPENDS.get(name[:1]) not in parts for name in names
        ):
            raise KeyError(form)
        kept[form] = (value[0], names)
    texts = {name: _strings(value) for name, value in fields.items()}
    return Forms(kept, texts, full, tuple(_strings(data["heads"])))


# --- from Babel ------------------------------------------------------------------------------


def babel_text(locale: Locale, form: str, when: date | time) -> str:
    """``when`` in ``form``, written by Babel."""
    from babel.dates import format_date, format_skeleton, format_time

    if isinstance(when, time):
        return str(format_time(when, "short", locale=locale))
    if form in _SKELETONS:
        return str(format_skeleton(_SKELETONS[form], when, locale=locale))
    return str(format_date(when, "full" if form == "long" else "EEEE", locale=locale))


def babel_heads(locale: Locale) -> tuple[str, ...]:
    """The locale's short stand-alone weekday names, Sunday first, from Babel."""
    from babel.dates import get_day_names

    names = get_day_names("short", context="stand-alone", locale=locale)
    return tuple(str(names[day]) for day in (6, 0, 1, 2, 3, 4, 5))


def babel_full(locale: Locale) -> str:
    """The locale's full date pattern (``EEEE, d 'de' MMMM 'de' y``), from Babel."""
    from babel.dates import get_date_format

    return str(get_date_format("full", locale=locale).pattern)


def _pattern(locale: Locale, form: str) -> str:
    """The pattern Babel writes ``form`` with."""
    from babel.dates import get_time_format, match_skeleton

    if form == "long":
        return babel_full(locale)
    if form == "weekday":
        return "EEEE"
    if form == "time":
        return str(get_time_format("short", locale=locale).pattern)
    skeletons = locale.datetime_skeletons
    skeleton = _SKELETONS[form]  # as format_skeleton chooses the locale's pattern for it
    if skeleton not in skeletons:
        skeleton = match_skeleton(skeleton, skeletons) or skeleton
    return str(skeletons[skeleton])


def tabulate(locale: Locale) -> Forms:
    """The locale's forms, from Babel: each form kept only if it writes as Babel does."""
    from babel.dates import format_date, format_time, parse_pattern, tokenize_pattern

    templates: dict[str, tuple[str, tuple[str, ...]]] = {}
    fields: dict[str, list[str]] = {}
    for form in (*DATE_FORMS, *TIME_FORMS):
        pattern = _pattern(locale, form)
        names = tuple(
            token[0] * token[1]
            for kind, token in tokenize_pattern(pattern)
            if kind == "field" and isinstance(token, tuple)
        )
        parts = {_DEPENDS.get(name[0]) for name in names}
        if not parts <= (_TIME_PARTS if form in TIME_FORMS else _DATE_PARTS):
            continue  # a field that depends on more than one part: Babel writes this form
        for name in names:
            part = _DEPENDS[name[0]]
            if name in fields:
                continue
            if part in _TIME_PARTS:
                fields[name] = [str(format_time(t, name, locale=locale)) for t in _times(part)]
            else:
                fields[name] = [str(format_date(d, name, locale=locale)) for d in _dates(part)]
        templates[form] = (str(parse_pattern(pattern).format), names)
    forms = Forms(templates, fields, babel_full(locale), babel_heads(locale))
    checked = {form: templates[form] for form in templates if _writes_as_babel(forms, locale, form)}
    used = {name for _, names in checked.values() for name in names}
    return Forms(checked, {name: fields[name] for name in used}, forms.full, forms.heads)


def _writes_as_babel(forms: Forms, locale: Locale, form: str) -> bool:
    """Whether ``form`` writes every day of a leap year (every minute of a day) as Babel does."""
    if form in TIME_FORMS:
        whens: list[date | time] = [time(h, m) for h in range(24) for m in range(60)]
    else:
        whens = [date(2024, 1, 1) + timedelta(days=n) for n in range(366)]
    return all(forms.write(form, when) == babel_text(locale, form, when) for when in whens)


# --- kept in the cache -----------------------------------------------------------------------


def _entry(folder: Path, locale: str) -> Path | None:
    """Where the forms of ``locale`` are kept, for this Babel and this code; None without Babel."""
    spec = find_spec("babel")
    if spec is None or spec.origin is None:
        return None
    digest = sha256(_FORMAT + __version__.encode() + locale.encode())
    digest.update(Path(__file__).read_bytes())
    digest.update(Path(spec.origin).read_bytes())  # Babel's release, and so its CLDR
    return folder / f"dates-{locale}-{digest.hexdigest()}.json"


def forms(locale: str, env: Mapping[str, str]) -> Forms | None:
    """The forms of ``locale`` from the cache, else from Babel and kept; None without a cache."""
    from vplan.rules import cache_folder, read_entry, store_entry

    folder = cache_folder(env)
    entry = None if folder is None else _entry(folder, locale)
    if entry is None:
        return None
    kept = read_entry(entry, "dates", "the dates were written without the cache")
    if kept is not None:
        try:
            return forms_from_json(kept)
        except (KeyError, TypeError, IndexError):
            pass  # damaged: made again
    if not os.access(entry.parent, os.W_OK):
        return None  # they could not be kept: Babel writes the dates, for less than tabulating
    from babel.core import Locale

    made = tabulate(Locale.parse(locale))
    store_entry(entry, made.to_json())
    return made
