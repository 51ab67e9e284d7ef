"""The characters vplan refuses in what it reads, and how a message shows them.

A control character (C0 such as ESC or NUL, DEL, C1 such as U+009B or U+0085), a line
or paragraph separator, a bidirectional override or mark, or a character with no width can
clear a terminal, split a message in two, reorder what a reader sees or make one word look
like another. vplan refuses them in every text it
reads (patient details, rules texts) and escapes them in every message it prints.
"""

from __future__ import annotations

import re
import unicodedata

# Bidirectional embeddings, overrides and isolates: they reorder the text shown after them;
# so do the direction marks (LRM, RLM, ALM), one character at a time.
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
# Characters with no width: 'lifting' with one after it is another word that looks the same.
# (The joiners U+200C and U+200D are let through: some scripts write names with them.)
_INVISIBLE = frozenset("\u200b\u2060\u2061\u2062\u2063\u2064\ufeff")
_SEPARATORS = frozenset({"Zl", "Zp"})  # U+2028, U+2029: a new line to many readers


def is_control(char: str) -> bool:
    """Whether ``char`` is one vplan never lets through (a newline included)."""
    category = unicodedata.category(char)
    return (
        category == "Cc"
        or category in _SEPARATORS
        or char in _BIDI
        or char in _INVISIBLE
        or category == "Cs"
    )


def controls_in(text: str, *, newlines: bool = False) -> list[str]:
    """The control characters in ``text``, each once, in order; newlines allowed if ``newlines``."""
    found = [c for c in text if is_control(c) and not (newlines and c == "\n")]
    return list(dict.fromkeys(found))


def shown(char: str) -> str:
    """How a message names one character: ``U+001B``."""
    return f"U+{ord(char):04X}"


def escaped(text: str) -> str:
    r"""``text`` with every control character written as an escape (``\n``, ``\x1b``, ``\u202e``).

    What a message echoes of the user's input goes through here, so an error is always one
    line and never drives the terminal.
    """
    if not any(is_control(c) for c in text):
        return text
    return "".join(_escape(c) if is_control(c) else c for c in text)


def _escape(char: str) -> str:
    if char in "\n\r\t":
        return repr(char)[1:-1]
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


NBSP = "\u00a0"
# Spaces a line never breaks at: between a figure and a short word after it ("10 lb",
# "2:30 PM", "1 de"), in a date ("Sat, Mar 1, 2025", "1 de marzo de 2025"), in a phone
# number ("(555) 010-0199"), before a figure in brackets ("pounds (4.5 kg)"), in a day
# number ("(day 1)", "days 0") and a temperature ("100.4 °F").
_UNBROKEN = re.compile(
    r"(?<=\d) (?=\(?\d|[^\W\d]{1,7}\b)"
    r"|(?<=\b(?:Sun|Mon|Tue|Wed|Thu|Fri|Sat),) (?=[A-Z])"
    r"|(?<=\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)) (?=\d)"
    r"|(?<=\d,) (?=\d{4}\b)|(?<=\bde) (?=\d{4}\b)|(?<=\d de) (?=\w)|(?<=\w,) (?=\d{1,2} de )"
    r"| (?=de \d{4}\b)"
    r"|(?<=\)) (?=\d)| (?=\(\d)"
    r"| (?=\((?:day|día) \d)|(?<=\bday) (?=\d)|(?<=\bdays) (?=\d)|(?<=\bdía) (?=\d)"
    r"|(?<=\bdías) (?=\d)|(?<=\d) (?=°)"  # "Mar 2, 2025 (day 1)", "100.4 °F" in the terminal
)


_DIGIT = re.compile(r"\d")  # every space held whole is near a figure: a text without one has none


def unbroken(text: str, glue: str = NBSP) -> str:
    """``text`` with ``glue`` (a no-break space) where a line must not break (``_UNBROKEN``)."""
    return _UNBROKEN.sub(glue, text) if _DIGIT.search(text) else text
