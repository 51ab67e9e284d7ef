from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from datetime import date, time, timedelta
from pathlib import Path

import pytest
from babel.core import Locale
from babel.dates import format_date, format_skeleton, format_time, get_day_names
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import modules_loaded
from vplan.cldr import DATE_FORMS, TIME_FORMS, tabulate
from vplan.dates import BabelDates, Dates, _table_width, capitalized, dates
from vplan.errors import CacheNotUsed
from vplan.i18n import LANGUAGES
from vplan.rules import _entry_head

YEAR = [date(2025, 1, 1) + timedelta(days=n) for n in range(365)]


@pytest.mark.parametrize(
    "locale",
    [
        "es_US",
        "es_MX",
        "es_ES",
        "fr_FR",
        "fr_CA",
        "de_DE",
        "pt_BR",
        "it_IT",
        "nl_NL",
        "pl_PL",
        "ru_RU",
        "vi_VN",
    ],
)
def test_the_widest_date_found_from_twenty_dates_is_the_widest_of_the_year(locale: str) -> None:
    """The date column's width, found from a few dates, is the widest of all 365, in many locales."""
    dates = BabelDates(locale)
    assert _table_width(dates) == max(len(dates.table(when)) for when in YEAR)


# --- the forms kept in the cache (cldr.py) write exactly what Babel writes ------------------

TWO_YEARS = [date(2024, 1, 1) + timedelta(days=n) for n in range(366 + 365)]
DAY_OF_MINUTES = [time(hour, minute) for hour in range(24) for minute in range(60)]


def _babel_dates(locale: str) -> tuple[Callable[[date], dict[str, str]], Callable[[time], str]]:
    """What Babel itself writes for each of a date's forms, and for a time of day."""
    babel = Locale.parse(locale)

    def of_date(when: date) -> dict[str, str]:
        weekday = format_date(when, "EEEE", locale=babel)
        return {
            "long": format_date(when, "full", locale=babel),
            "weekday": weekday,
            "short": f"{weekday}, {format_skeleton('MMMMd', when, locale=babel)}",
            "month": capitalized(format_skeleton("yMMMM", when.replace(day=1), locale=babel)),
        }

    def of_time(when: time) -> str:
        return format_time(when, "short", locale=babel).replace("\u202f", " ").replace("\xa0", " ")

    return of_date, of_time


def _written(dates: Dates, when: date) -> dict[str, str]:
    return {
        "long": dates.long(when),
        "weekday": dates.weekday(when),
        "short": dates.short(when),
        "month": dates.month(when.year, when.month),
    }


@pytest.mark.parametrize(
    "locale", [*LANGUAGES.values(), "es_MX", "fr_FR", "de_DE", "pt_BR", "vi_VN"]
)
def test_dates_from_the_cache_are_what_babel_writes(locale: str) -> None:
    """Every day of two years and every minute of a day, written from the cache, are Babel's text."""
    of_date, of_time = _babel_dates(locale)
    made, kept = (
        BabelDates(locale),
        BabelDates(locale),
    )  # the first makes the entry, the second reads it
    assert made._forms is not None
    assert kept._forms is not None
    names = get_day_names("short", context="stand-alone", locale=locale)
    for written in (made, kept):
        assert all(_written(written, when) == of_date(when) for when in TWO_YEARS)
        assert all(written.time(when) == of_time(when) for when in DAY_OF_MINUTES)
        assert written.weekday_heads() == tuple(names[day] for day in (6, 0, 1, 2, 3, 4, 5))


@pytest.mark.parametrize("locale", list(LANGUAGES.values()))
def test_each_language_keeps_every_form_of_its_dates(locale: str) -> None:
    """The languages vplan writes keep every date form and the time: none needs Babel once kept."""
    forms = tabulate(Locale.parse(locale))
    assert set(forms.templates) == {*DATE_FORMS, *TIME_FORMS}


@settings(max_examples=200, deadline=None)
@given(when=st.dates(min_value=date(1800, 1, 1), max_value=date(2400, 12, 31)))
def test_spanish_dates_of_any_year_are_what_babel_writes(when: date) -> None:
    """Any date, within the kept years or outside them, is written as Babel writes it."""
    of_date, _ = _babel_dates(LANGUAGES["es"])
    assert _written(dates("es"), when) == of_date(when)


def test_without_a_cache_babel_writes_the_dates(monkeypatch: pytest.MonkeyPatch) -> None:
    """With the cache off, nothing is kept and Babel writes the same dates."""
    kept = BabelDates("es_US")
    assert kept._forms is not None
    monkeypatch.setenv("VPLAN_NO_CACHE", "1")
    uncached = BabelDates("es_US")
    assert uncached._forms is None
    assert all(_written(uncached, when) == _written(kept, when) for when in TWO_YEARS[:60])
    assert uncached.weekday_heads() == kept.weekday_heads()
    assert uncached.full_fields() == kept.full_fields() == frozenset("EdMy")


def test_a_damaged_entry_is_made_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An entry whose bytes changed is not read: the forms are made from Babel again and kept."""
    monkeypatch.setenv("VPLAN_CACHE_DIR", str(tmp_path))
    assert BabelDates("es_US")._forms is not None
    (entry,) = tmp_path.glob("dates-es_US-*.json")
    entry.write_bytes(entry.read_bytes().replace(b"marzo", b"marzx"))
    dates = BabelDates("es_US")
    assert dates.long(date(2025, 3, 1)) == format_date(date(2025, 3, 1), "full", locale="es_US")
    assert "marzx" not in entry.read_text(encoding="utf-8")


def test_a_spanish_run_with_its_dates_kept_loads_no_babel(tmp_path: Path) -> None:
    """Once a Spanish run kept its dates' forms, the next reads them and never imports Babel."""
    env = dict(os.environ, VPLAN_CACHE_DIR=str(tmp_path / "cache"))
    spanish = ("schedule", "2025-03-01", "--lang", "es")
    subprocess.run(
        [sys.executable, "-m", "vplan", *spanish], env=env, capture_output=True, check=True
    )
    check = ("check", "walking", "-p", "2025-03-01", "--lang", "es", "--format", "json")
    assert modules_loaded(tmp_path, ("babel",), spanish, check) == []


def test_an_entry_others_may_write_is_not_used_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A well-formed entry that others could have written never changes a date; a warning says so."""
    monkeypatch.setenv("VPLAN_CACHE_DIR", str(tmp_path))
    assert BabelDates("es_US")._forms is not None
    (entry,) = tmp_path.glob("dates-es_US-*.json")
    payload = entry.read_bytes().partition(b"\n")[2].replace(b"marzo", b"marzx")
    entry.write_bytes(_entry_head(payload) + b"\n" + payload)
    entry.chmod(0o664)
    with pytest.warns(
        CacheNotUsed, match="the dates cache entry .* the dates were written without"
    ):
        written = BabelDates("es_US").long(date(2025, 3, 1))
    assert written == format_date(date(2025, 3, 1), "full", locale="es_US")
