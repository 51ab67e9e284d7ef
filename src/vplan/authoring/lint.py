"""Warnings a reviewer wants on a valid rules file, each at its line and column.

A rules file that validates may still need work before patients get it: a sentence too
hard to read, a rule that cites no source, a review more than a year old, a limit that
takes back what the one before it allowed, an activity the handout never mentions, a
text missing in a language the other texts are written in, a text that numbers a day.
``lint`` is pure: the file's bytes and today's date come in, the warnings go out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from enum import Enum

from vplan.i18n import ENGLISH, LANGUAGES, languages_in_use
from vplan.model import (
    Book,
    Limit,
    Protocol,
    Text,
    Tier,
    WarningSign,
    Where,
    book_from_data,
    patient_texts,
    place,
    written_at,
)

READING_GRADE = 6.0
# Flesch-Kincaid weighs words per sentence against syllables per word; on fewer words
# than this it measures only word length ("Walking" alone scores grade 8.4), so names,
# labels and very short sentences are not scored.
MIN_WORDS = 4
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
# Parentheses hold what a patient may skip but a text must keep exact: the name of a
# medicine, the figure in the other unit ("Tylenol (acetaminophen)", "10 lb (4.5 kg)").
# No sentence that names "acetaminophen" can score grade 6 or below, so they are not scored.
_PARENTHESES = re.compile(r"\s*\([^()]*\)")
_QUOTE_LENGTH = 60


class Kind(Enum):
    """What a warning is about."""

    READING = "hard sentence"
    SOURCE = "rule without a source"
    REVIEW = "old review date"
    TIGHTENS = "limit that tightens again"
    UNSEEN = "activity the handout never shows"
    TRANSLATION = "text without a translation"
    UNPRINTABLE = "character the handout cannot print"
    NUMBERED_DAY = "day named by its number"


# A text no plan in some language can show: every such plan would be refused.
ERRORS = frozenset({Kind.TRANSLATION, Kind.UNPRINTABLE})


@dataclass(frozen=True)
class LintWarning:
    """One thing to look at in a valid rules file, with where it is and what to do."""

    path: str
    line: int
    column: int
    kind: Kind
    what: str
    fix: str

    @property
    def is_error(self) -> bool:
        """A text some plans cannot show (no translation, a character the font lacks)."""
        return self.kind in ERRORS

    def __str__(self) -> str:
        level = "error" if self.is_error else "warning"
        return f"{self.path}:{self.line}:{self.column}: {level}: {self.what}; {self.fix}"


@dataclass(frozen=True)
class _Finding:
    loc: Where
    kind: Kind
    what: str
    fix: str
    at_key: bool = False  # point at the key rather than at its value


def lint(data: bytes, label: str, *, today: date) -> list[LintWarning]:
    """Validate the file (``RulesError`` if it is not valid), then list its warnings in order."""
    from vplan.validate import rules_data, validated_tree

    tree, model = validated_tree(data, label)
    return _placed(_book_findings(book_from_data(rules_data(model), label), today), tree, label)


def lint_valid(book: Book, data: bytes, label: str, *, today: date) -> list[LintWarning]:
    """The warnings of a file already validated into ``book``, as ``lint`` gives them.

    The file's bytes are parsed again, for the line and column of each warning, only when
    there is a warning to place; the file is valid, so the YAML tree is all that is read
    (as ``validate`` reads it).
    """
    found = _book_findings(book, today)
    if not found:
        return []
    from ruamel.yaml import YAML

    return _placed(found, YAML(typ="rt").load(data.decode("utf-8-sig")), label)


def _placed(found: list[_Finding], tree: object, label: str) -> list[LintWarning]:
    """Each finding at its line and column in the file, in the order of the file."""
    from vplan.validate import position

    warnings = [
        LintWarning(label, *position(tree, f.loc, value=not f.at_key), f.kind, f.what, f.fix)
        for f in found
    ]
    return sorted(warnings, key=lambda w: (w.line, w.column))


def _book_findings(book: Book, today: date) -> list[_Finding]:
    """What to warn about in every procedure of a valid file, each at its place in the file."""
    protocol = book.protocol()
    found = [*_findings(protocol), *_old_review(protocol, today)]
    for key in book.others:
        # Another procedure: only what it writes itself is checked again, where it is written.
        theirs = book.protocols[key]
        for finding in _findings(theirs):
            moved = written_at(theirs, finding.loc)
            if moved != finding.loc:
                what = finding.what
                for cut in (0, 1):  # a place named in the message moves with it
                    before, after = finding.loc[: len(finding.loc) - cut], moved[: len(moved) - cut]
                    what = what.replace(place(before), place(after))
                if what == finding.what:
                    what = f"{key}: {what}"
                found.append(replace(finding, loc=moved, what=what))
    return found


def _findings(protocol: Protocol) -> Iterator[_Finding]:
    """The warnings about one procedure's rules (the review date is the file's, not theirs)."""
    yield from _hard_sentences(protocol)
    yield from _missing_sources(protocol)
    yield from _tightening_limits(protocol)
    yield from _unseen_activities(protocol)
    yield from _missing_translations(protocol)
    yield from _unprintable(protocol)
    yield from _numbered_days(protocol)


# --- sentences above the reading grade -----------------------------------------------


# Names are too short to score; the translation note is read by patients only in the
# languages it is about, never in English.
_NOT_SCORED: frozenset[Where] = frozenset(
    {("protocol", "name"), ("protocol", "procedure"), ("protocol", "translation_note")}
)


def scored_texts(protocol: Protocol) -> Iterator[tuple[Where, Text]]:
    """Every text patients read in English, with where it is in the file."""
    return ((loc, text) for loc, text in patient_texts(protocol) if loc not in _NOT_SCORED)


def sentences(text: str) -> list[str]:
    """The sentences of a text: split after '.', '!' or '?' and a space."""
    return [part for part in _SENTENCE_END.split(text.strip()) if part]


def _hard_sentences(protocol: Protocol) -> Iterator[_Finding]:
    from vplan.authoring.readability import flesch_kincaid_grade, words

    for loc, text in scored_texts(protocol):
        for sentence in sentences(text.get()):
            scored = _PARENTHESES.sub("", sentence)
            if len(words(scored)) < MIN_WORDS:
                continue
            grade = round(flesch_kincaid_grade(scored), 1)
            if grade > READING_GRADE:
                yield _Finding(
                    (*loc, "en"),
                    Kind.READING,
                    f"'{_quote(sentence)}' reads at grade {grade:.1f} (Flesch-Kincaid), "
                    f"above grade {READING_GRADE:g}",
                    "use shorter, everyday words, or split it into shorter sentences",
                )


def _quote(sentence: str) -> str:
    if len(sentence) <= _QUOTE_LENGTH:
        return sentence
    return sentence[:_QUOTE_LENGTH].rsplit(" ", 1)[0] + "..."


# --- rules that cite nothing -------------------------------------------------------------


def _missing_sources(protocol: Protocol) -> Iterator[_Finding]:
    fix = "add 'source:' with the key of an entry in 'sources:' that this rule comes from"
    for act in protocol.activities:
        for i, lim in enumerate(act.limits):
            if not lim.sources:
                what = f"limit {i + 1} of '{act.key}' names no source"
                yield _Finding(("activities", act.key, "limits", i), Kind.SOURCE, what, fix)
        for i, caution in enumerate(act.cautions):
            if not caution.sources:
                what = f"caution {i + 1} of '{act.key}' names no source"
                yield _Finding(("activities", act.key, "cautions", i), Kind.SOURCE, what, fix)
    for i, item in enumerate(protocol.care):
        if not item.sources:
            what = f"the care item '{item.label.get()}' names no source"
            yield _Finding(("care", i), Kind.SOURCE, what, fix)
    for i, milestone in enumerate(protocol.milestones):
        if not milestone.sources:
            what = f"milestone {i + 1} ('{_quote(milestone.text.get())}') names no source"
            yield _Finding(("milestones", i), Kind.SOURCE, what, fix)
    for loc, sign in _signs(protocol):
        if not sign.sources:
            what = f"the warning sign '{_quote(sign.text.get())}' names no source"
            yield _Finding(loc, Kind.SOURCE, what, fix)


def _signs(protocol: Protocol) -> Iterator[tuple[Where, WarningSign]]:
    """Each warning sign with its place in the file: its tier, then its index there."""
    for tier in Tier:
        tiered = [sign for sign in protocol.warning_signs if sign.tier is tier]
        for i, sign in enumerate(tiered):
            yield ("warning_signs", tier.value, i), sign


# --- the review date ------------------------------------------------------------------------


def _old_review(protocol: Protocol, today: date) -> Iterator[_Finding]:
    from dateutil.relativedelta import relativedelta

    reviewed = protocol.info.last_reviewed
    if reviewed < today - relativedelta(years=1):
        yield _Finding(
            ("protocol", "last_reviewed"),
            Kind.REVIEW,
            f"the protocol was last reviewed on {reviewed.isoformat()}, more than a year "
            f"before today ({today.isoformat()})",
            "review it with your clinic, then set 'last_reviewed' to the date of that review",
        )
    elif reviewed > today:
        yield _Finding(
            ("protocol", "last_reviewed"),
            Kind.REVIEW,
            f"the protocol's review date {reviewed.isoformat()} is after today "
            f"({today.isoformat()})",
            "set 'last_reviewed' to the date the clinic reviewed it",
        )


# --- limits that take back what was allowed -------------------------------------------------


def _tightening_limits(protocol: Protocol) -> Iterator[_Finding]:
    for act in protocol.activities:
        for i in range(1, len(act.limits)):
            before, limit = act.limits[i - 1], act.limits[i]
            if _stricter(limit, before):
                yield _Finding(
                    ("activities", act.key, "limits", i, "max"),
                    Kind.TIGHTENS,
                    f"limit {i + 1} of '{act.key}' (from {limit.start}: {_allowance(limit)}) "
                    f"is stricter than limit {i} before it ({_allowance(before)}), so patients "
                    "would be allowed more, then less again",
                    "check the order of the limits and their 'max': limits should only loosen "
                    "as recovery goes on",
                )


def _stricter(limit: Limit, than: Limit) -> bool:
    """Whether ``limit`` allows less than ``than``: "not at all" is the strictest."""
    if limit.max is None:
        return than.max is not None
    return than.max is not None and limit.max.kg < than.max.kg


def _allowance(limit: Limit) -> str:
    return "not at all" if limit.max is None else f"up to {limit.max.describe(limit=True)}"


# --- activities no section of the handout shows ----------------------------------------------


def _unseen_activities(protocol: Protocol) -> Iterator[_Finding]:
    for act in protocol.activities:
        if not act.limits and act.advice is None:
            yield _Finding(
                ("activities", act.key),
                Kind.UNSEEN,
                f"'{act.key}' has no limits and no 'advice', so the patient handout never "
                "mentions it",
                "add its 'limits:', or 'advice:' for the handout's 'what to do' section",
                at_key=True,
            )


# --- texts missing in a language the file is written in ---------------------------------


def _missing_translations(protocol: Protocol) -> Iterator[_Finding]:
    """A language is in use when any text has it; every text must then have it."""
    in_use = languages_in_use(protocol)
    seen: set[str] = set()
    for loc, text in patient_texts(protocol):
        for lang in in_use:
            if lang not in text.translations:
                yield _Finding(
                    (*loc, ENGLISH),
                    Kind.TRANSLATION,
                    f"{place(loc)} has no '{lang}' text, though other texts of the file have one",
                    f"add '{lang}: ...' under its '{ENGLISH}:' line; until then "
                    f"'--lang {lang}' refuses the file",
                    at_key=True,
                )
        for lang in text.translations:
            if lang not in LANGUAGES and lang not in seen:
                seen.add(lang)
                yield _Finding(
                    (*loc, lang),
                    Kind.TRANSLATION,
                    f"vplan has no '{lang}' phrases (headings, dates, labels), so the '{lang}' "
                    "texts cannot be shown",
                    f"see 'Adding a language' in the README, or remove the '{lang}:' lines",
                    at_key=True,
                )


# --- characters the handout's font lacks -----------------------------------------------------


def _unprintable(protocol: Protocol) -> Iterator[_Finding]:
    """A character the embedded font lacks would stop every handout: say so at the text."""
    from vplan.render.font import shown_characters, unprintable

    for loc, text in patient_texts(protocol):
        for lang, words in text.translations.items():
            missing = unprintable(words)
            if missing:
                shown = shown_characters(missing)
                yield _Finding(
                    (*loc, lang),
                    Kind.UNPRINTABLE,
                    f"{place(loc)} has characters the handout's font cannot print: {shown}",
                    "write them in words or with other characters; until then every handout "
                    "stops with exit code 3",
                )


# --- days named by their number ----------------------------------------------------------

# vplan calls the procedure day "day 0"; many patients call it day 1, and would do what
# "from day 2" allows a day early. A text says the time from the procedure instead ("after
# the first 2 days"). The first day is the procedure day either way: it is not warned.
# For each language: the words for "day" that every match holds (case folded), so that a
# text with none of them, as most are, is not searched; and the pattern.
NUMBERED_DAYS = {
    "en": (
        ("day",),
        re.compile(
            r"\bday (\d+|one|two|three|four|five|six|seven)\b"
            r"|\b(second|third|fourth|fifth|sixth|seventh) day\b",
            re.IGNORECASE,
        ),
    ),
    "es": (
        ("día", "dia"),
        re.compile(
            r"\bd[ií]a (\d+|uno|dos|tres|cuatro|cinco|seis|siete)\b"
            r"|\b(segundo|tercer|tercero|cuarto|quinto|sexto|s[eé]ptimo) d[ií]a\b",
            re.IGNORECASE,
        ),
    ),
}


def _numbered_days(protocol: Protocol) -> Iterator[_Finding]:
    """A text that names a day by its number, which patients count from 1, not from 0."""
    for loc, text in patient_texts(protocol):
        for lang, words in text.translations.items():
            if lang not in NUMBERED_DAYS:
                continue
            days, pattern = NUMBERED_DAYS[lang]
            folded = words.casefold()
            if not any(day in folded for day in days):
                continue
            found = pattern.search(words)
            if found:
                yield _Finding(
                    (*loc, lang),
                    Kind.NUMBERED_DAY,
                    f"{place(loc)} says '{found.group(0)}': vplan counts the procedure day as "
                    "day 0, but a patient who counts it as day 1 would read this a day early",
                    "say the time from the procedure instead, such as 'after the first 2 days' "
                    "or 'after 3 days'",
                )
