"""The handout's font (Noto Sans): where it lives, what it can draw, and the check before drawing.

Light on purpose: it reads the font files with reportlab's TrueType reader only, so the
HTML handout and ``rules lint`` check characters without loading the PDF renderer, which
registers the same two faces (``faces``) to lay the PDF out.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING

from reportlab.pdfbase.ttfonts import TTFont

from vplan.errors import InputError, UnprintableError

if TYPE_CHECKING:
    from collections.abc import Iterable

    from vplan.handout import Handout

FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"  # Noto Sans, with its licence
FONT_FILES = {"normal": "NotoSans-Regular.ttf", "bold": "NotoSans-Bold.ttf"}
REGULAR, BOLD = "VplanSans", "VplanSans-Bold"
TYPED_PARTS = {  # the handout's parts that the nurse types (keys of its fields)
    "patient": "the patient's name",
    "clinic": "the clinic's name",
    "doctor": "the doctor's name",
    "phone": "the phone number",
    "levels": "the treated levels",
}


@functools.cache
def faces() -> tuple[TTFont, TTFont]:
    """The regular and the bold face, each read once."""
    return (
        TTFont(REGULAR, str(FONT_DIR / FONT_FILES["normal"])),
        TTFont(BOLD, str(FONT_DIR / FONT_FILES["bold"])),
    )


@functools.cache
def font_characters() -> frozenset[str]:
    """The characters both faces can draw."""
    regular, bold = faces()
    have = set(regular.face.charToGlyph) & set(bold.face.charToGlyph)
    return frozenset(chr(code) for code in have if code >= 32)


def unprintable(text: str) -> list[str]:
    """The characters of ``text`` the font cannot draw, each once, sorted (a line break it can)."""
    printable = font_characters()
    return sorted({ch for ch in text if ch not in printable and ch != "\n"})


def shown_characters(characters: Iterable[str]) -> str:
    """``'→' (U+2192)``: characters as a message shows them."""
    return " ".join(f"'{ch}' (U+{ord(ch):04X})" for ch in characters)


def check_printable(handout: Handout) -> None:
    """Refuse a handout with a character the font lacks, naming where it is."""
    for part, text in handout.texts():
        missing = unprintable(text)
        if not missing:
            continue
        shown = shown_characters(missing)
        if part in TYPED_PARTS:
            raise InputError(
                f"{TYPED_PARTS[part]} has characters the handout's font cannot print: {shown}; "
                "write them with letters of the Latin alphabet"
            )
        raise UnprintableError(
            f"the rules text {text[:40]!r} ({part}) has characters the handout's font cannot "
            f"print: {shown}; change them in the rules file (or the orders file) it comes from"
        )
