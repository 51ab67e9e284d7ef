from __future__ import annotations

from datetime import date, timedelta

import pytest

from vplan.dates import BabelDates, _table_width

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
