"""Styled lines: what the text renderers produce and the terminal writer prints.

Meaning is always in the words; a style only adds emphasis on a colour terminal.
"""

from __future__ import annotations

import textwrap
from enum import Enum
from typing import NamedTuple

WIDTH = 80


class Style(Enum):
    """How a line is emphasised on a colour terminal."""

    PLAIN = ""
    TITLE = "bold"
    HEADING = "bold underline"
    ALERT = "bold red"
    GOOD = "green"
    MUTED = "dim"


class Line(NamedTuple):
    """One line of output and its emphasis."""

    text: str
    style: Style = Style.PLAIN


def wrap(
    text: str, *, indent: str = "", hang: str = "  ", width: int = WIDTH, style: Style = Style.PLAIN
) -> list[Line]:
    """Wrap ``text`` to ``width``, continuing lines under a hanging indent."""
    wrapped = textwrap.wrap(
        text,
        width=width,
        initial_indent=indent,
        subsequent_indent=indent + hang,
        break_long_words=False,
        break_on_hyphens=False,
    )
    return [Line(part, style) for part in wrapped or [indent]]


def plain(lines: list[Line]) -> str:
    """The lines as plain text, one per line."""
    return "".join(line.text + "\n" for line in lines)
