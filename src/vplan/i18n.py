"""Languages: the interface phrases and dates of each language, and the rules texts it needs.

English is the source language: its phrases are the message ids written in ``words.py``
and its dates come from the standard library, so English needs neither a catalog nor
Babel, and the commands that speak English never load them. Any other language reads
its catalog (``locale/<code>/LC_MESSAGES/vplan.po``, shipped inside the package) and
Babel's locale data the first time it is asked for.

Nothing falls back to English: a phrase missing from a catalog, or a rules text without
a version in the language asked for, is an error.
"""

from __future__ import annotations

import functools
import gettext
import io
from dataclasses import dataclass
from datetime import date, time
from enum import StrEnum
from pathlib import Path

from vplan.errors import MissingTranslationsError, Problem, UntranslatedError, VplanError
from vplan.model import DEFAULT_LANG, Protocol, Where, patient_texts, place, written_at

ENGLISH = DEFAULT_LANG
# Each language vplan writes, with the Babel locale its dates follow. Spanish follows
# es_US, the Latin American Spanish written in the United States: its weeks start on
# Sunday, as the handout's month grids do, and its decimals keep the point of "4.5 kg".
LANGUAGES = {"en": "en_US", "es": "es_US"}
# The choices of ``--lang``, one per language above (mypy cannot list them: it sees an enum).
Language = StrEnum("Language", {code.upper(): code for code in LANGUAGES})  # type: ignore[misc]
NAMES = {"en": "English", "es": "Spanish"}
DOMAIN = "vplan"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"


def N_(message: str) -> str:
    """Mark a phrase for the catalog where it is written; it is translated where it is used."""
    return message


def language_name(lang: str) -> str:
    """``Spanish ('es')``: a language as messages name it."""
    return f"{NAMES.get(lang, lang)} ('{lang}')"


# --- interface phrases -------------------------------------------------------------------


class _Missing(gettext.NullTranslations):
    """The last fallback of a catalog: a phrase it lacks is an error, never English."""

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang

    def gettext(self, message: str) -> str:
        raise UntranslatedError(
            f"the {language_name(self.lang)} catalog has no translation of {message!r}; "
            f"add it to {catalog_path(self.lang)}"
        )

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return self.gettext(msgid1)


def catalog_path(lang: str) -> Path:
    """Where the message catalog of ``lang`` lives in the package."""
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.cache
def translator(lang: str) -> gettext.NullTranslations:
    """The phrases of ``lang``: English as written, any other language from its catalog."""
    if lang == ENGLISH:
        return gettext.NullTranslations()
    if lang not in LANGUAGES:
        raise UntranslatedError(
            f"vplan has no language '{lang}'; use one of {', '.join(LANGUAGES)}"
        )
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from babel.support import Translations

    with catalog_path(lang).open("rb") as handle:
        catalog = read_po(handle, locale=lang, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)  # fuzzy entries are left out: they are not translations yet
    compiled.seek(0)
    translations = Translations(compiled, domain=DOMAIN)
    translations.add_fallback(_Missing(lang))
    return translations


# --- dates -------------------------------------------------------------------------------


class Dates:
    """How dates are written in English, with the weekday always shown."""

    def long(self, when: date) -> str:
        """``Sat, Mar 1, 2025``."""
        return f"{when:%a}, {when:%b} {when.day}, {when.year}"

    def table(self, when: date) -> str:
        """A date in a column of dates: ``Sat, Mar 1, 2025``."""
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


@dataclass(frozen=True)
class BabelDates(Dates):
    """Dates in a language other than English, from Babel's locale data (CLDR)."""

    locale: str

    def long(self, when: date) -> str:
        """``sábado, 1 de marzo de 2025``: the locale's full date."""
        from babel.dates import format_date

        return str(format_date(when, "full", locale=self.locale))

    def table(self, when: date) -> str:
        """``sábado, 1 de marzo de 2025``: in full, for a short name can be misread.

        CLDR's short names in Spanish have no period ("mar" for martes and marzo reads
        as "the sea"), so the weekday and the month are written out.
        """
        return self.long(when)

    def short(self, when: date) -> str:
        """``sábado, 1 de marzo``: the whole weekday, the day and the month in words."""
        from babel.dates import format_skeleton

        day_and_month = format_skeleton("MMMMd", when, locale=self.locale)
        return f"{self.weekday(when)}, {day_and_month}"

    def month(self, year: int, month: int) -> str:
        """``Marzo de 2025``: a title, so its first letter is a capital."""
        from babel.dates import format_skeleton

        return capitalized(str(format_skeleton("yMMMM", date(year, month, 1), locale=self.locale)))

    def weekday(self, when: date) -> str:
        """``sábado``."""
        from babel.dates import format_date

        return str(format_date(when, "EEEE", locale=self.locale))

    def time(self, when: time) -> str:
        """The locale's short time of day."""
        from babel.dates import format_time

        # CLDR puts narrow no-break spaces in "2:30 p. m."; the handout's font has no glyph.
        text = str(format_time(when, "short", locale=self.locale))
        return text.replace("\u202f", " ").replace("\u00a0", " ")

    def weekday_heads(self) -> tuple[str, ...]:
        """``DO``, ``LU``, ...: the locale's short weekday names, Sunday first."""
        from babel.dates import get_day_names

        names = get_day_names("short", context="stand-alone", locale=self.locale)
        return tuple(str(names[day]) for day in (6, 0, 1, 2, 3, 4, 5))

    def table_width(self) -> int:
        """The widest date of a column of dates, over every day of a year."""
        return _table_width(self)


@functools.cache
def _table_width(dates: Dates) -> int:
    first = date(2025, 1, 1).toordinal()
    return max(len(dates.table(date.fromordinal(first + n))) for n in range(365))


@functools.cache
def dates(lang: str) -> Dates:
    """How ``lang`` writes dates."""
    if lang == ENGLISH:
        return Dates()
    return BabelDates(LANGUAGES[lang])


def capitalized(text: str) -> str:
    """``text`` with a capital first letter, for a date or a name that starts a line."""
    return text[:1].upper() + text[1:]


# --- the rules texts a language needs ------------------------------------------------------


def languages_in_use(protocol: Protocol) -> list[str]:
    """Every language any text of the rules is written in, English first."""
    found = {lang for _, text in patient_texts(protocol) for lang in text.translations}
    return sorted(found, key=lambda lang: (lang != ENGLISH, lang))


def missing_texts(protocol: Protocol, lang: str) -> list[Where]:
    """The places of the texts that have no version in ``lang``."""
    return [loc for loc, text in patient_texts(protocol) if lang not in text.translations]


def require(protocol: Protocol, lang: str) -> None:
    """Refuse rules that are not all in ``lang``, naming each text without it and its line."""
    missing = missing_texts(protocol, lang)
    if not missing:
        return
    missing = [written_at(protocol, loc) for loc in missing]
    positions = _positions(protocol.path, missing)
    problems = [
        Problem(protocol.path, line, column, f"{place(loc)} has no '{lang}' text",
                f"add '{lang}: ...' under its '{ENGLISH}:' line")
        for loc, (line, column) in zip(missing, positions, strict=True)
    ]  # fmt: skip
    raise MissingTranslationsError(problems, language_name(lang))


def _positions(path: str, locs: list[Where]) -> list[tuple[int, int]]:
    """The line and column of each text's English line; 1:1 if the file cannot be read now.

    Only an error needs them, so only then is the file read and parsed again (the
    protocol may have come from the cache of validated files, which keeps no positions).
    """
    from vplan.rules import RulesSource, read_bytes
    from vplan.validate import position, validated_tree

    try:
        tree, _ = validated_tree(read_bytes(RulesSource(Path(path), path)), path)
    except VplanError:
        return [(1, 1)] * len(locs)
    return [position(tree, (*loc, ENGLISH), value=False) for loc in locs]
