"""The languages vplan writes: one row each, the one table every use of a language reads.

A row names the language's code (``--lang``, the rules' ``xx:`` lines, the catalog's
folder), the Babel locale its dates follow, and its name in English, which the nurse reads
and which each catalog translates for the stamp ("English", "Spanish"). ``i18n.LANGUAGES``,
``i18n.NAMES``, the choices of ``--lang``, the dates (``dates.py``) and the stamp's
language (``words/common.py``) all follow from it. See docs/languages.md, "Adding a language".
"""

from __future__ import annotations

from typing import NamedTuple


def N_(message: str) -> str:
    """Mark a phrase for the catalog where it is written; it is translated where it is used."""
    return message


class Language(NamedTuple):
    """One language vplan writes."""

    code: str  # "es": --lang, the rules' "es:" lines, locale/es/
    locale: str  # the Babel locale its dates follow: "es_US"
    name: str  # in English, as the nurse reads it and the stamp says it (translated)


# Spanish follows es_US, the Latin American Spanish written in the United States: its weeks
# start on Sunday, as the handout's month grids do, and its decimals keep the point of "4.5 kg".
TABLE = (
    Language("en", "en_US", N_("English")),
    Language("es", "es_US", N_("Spanish")),
)
