"""Languages: the interface phrases of each language, and the rules texts it needs.

English is the source language: its phrases are the message ids written in ``words/``
and its dates (``dates.py``) come from the standard library, so English needs neither a
catalog nor Babel, and the commands that speak English never load them. Any other language reads
its compiled catalog (``locale/<code>/LC_MESSAGES/vplan.mo``, shipped inside the package
and read by the standard library's ``gettext``) the first time one of its phrases is asked
for, and Babel's date module the first time one of its dates is written (``dates.py``).
The ``.mo`` is compiled from the ``.po`` beside it by ``scripts/compile-catalogs``.

Nothing falls back to English: a phrase missing from a catalog, or a rules text without
a version in the language asked for, is an error.
"""

from __future__ import annotations

import functools
import gettext
from enum import StrEnum
from pathlib import Path

from vplan.errors import MissingTranslationsError, Problem, UntranslatedError, VplanError
from vplan.languages import TABLE
from vplan.model import DEFAULT_LANG, Protocol, Where, patient_texts, place, written_at

ENGLISH = DEFAULT_LANG
# Each language vplan writes, with the Babel locale its dates follow, and its name in
# English: from the one table of languages, ``languages.py``.
LANGUAGES = {row.code: row.locale for row in TABLE}
# The choices of ``--lang``, one per language above (mypy cannot list them: it sees an enum).
Language = StrEnum("Language", {code.upper(): code for code in LANGUAGES})  # type: ignore[misc]
NAMES = {row.code: row.name for row in TABLE}
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
            f"add it to {catalog_path(self.lang)}, then run scripts/compile-catalogs"
        )

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return self.gettext(msgid1)


def catalog_path(lang: str) -> Path:
    """Where the message catalog of ``lang`` lives in the package (translators edit it)."""
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def compiled_catalog_path(lang: str) -> Path:
    """Where the compiled catalog of ``lang`` lives: what vplan reads at run time."""
    return catalog_path(lang).with_suffix(".mo")


@functools.cache
def translator(lang: str) -> gettext.NullTranslations:
    """The phrases of ``lang``: English as written, any other language from its catalog."""
    if lang == ENGLISH:
        return gettext.NullTranslations()
    if lang not in LANGUAGES:
        raise UntranslatedError(
            f"vplan has no language '{lang}'; use one of {', '.join(LANGUAGES)}"
        )
    # Compiled without its fuzzy entries: they are not translations yet.
    with compiled_catalog_path(lang).open("rb") as handle:
        translations = gettext.GNUTranslations(handle)
    translations.add_fallback(_Missing(lang))
    return translations


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
