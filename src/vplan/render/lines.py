"""Styled lines: what the text renderers produce and the terminal writer prints.

Meaning is always in the words; a style only adds emphasis on a colour terminal.
"""

from __future__ import annotations

import contextlib
import functools
import shutil
import textwrap
from collections.abc import Iterator
from contextvars import ContextVar
from enum import Enum
from typing import NamedTuple

from vplan.chars import unbroken

WIDTH = 80  # the widest lines: files, pipes, and wide terminals
MIN_WIDTH = 50  # the narrowest terminal the lines follow
_width: ContextVar[int] = ContextVar("width", default=WIDTH)


def width() -> int:
    """The width lines are wrapped to now: ``WIDTH`` unless ``at_width`` says otherwise."""
    return _width.get()


def terminal_width() -> int:
    """The terminal's width in columns (``COLUMNS`` when set), 80 when there is none."""
    return shutil.get_terminal_size((WIDTH, 24)).columns


@contextlib.contextmanager
def at_width(columns: int) -> Iterator[None]:
    """Wrap lines made inside to ``columns``, kept between 50 and 80."""
    token = _width.set(max(MIN_WIDTH, min(columns, WIDTH)))
    try:
        yield
    finally:
        _width.reset(token)


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


# Holds a space that must not break (a date, a figure and its unit) while a text is wrapped:
# a control character, which no text vplan prints can hold (``vplan.chars``).
GLUE = "\x00"
_ONE_LINE = frozenset("\t\n\r\x0b\x0c")  # the white space textwrap would turn into spaces


def wrap(
    text: str,
    *,
    indent: str = "",
    hang: str = "  ",
    width: int | None = None,
    style: Style = Style.PLAIN,
) -> list[Line]:
    """Wrap ``text`` to ``width`` (by default ``width()``), continuing under a hanging indent."""
    wrapped = _wrapped(text, _width.get() if width is None else width, indent, hang)
    return [Line(part, style) for part in wrapped]


@functools.lru_cache(maxsize=512)
def _wrapped(text: str, width: int, indent: str, hang: str) -> tuple[str, ...]:
    """The lines of ``text`` wrapped: once for each text, as a calendar repeats a day's limits."""
    if len(indent) + len(text) <= width and text == text.strip() and _ONE_LINE.isdisjoint(text):
        return (indent + text,) if text else (indent,)  # one line: nothing to break or hold
    wrapped = _broken(unbroken(text, GLUE), width, indent, hang)
    if any(len(line) > width for line in wrapped):  # a run held whole is wider than the line
        wrapped = _broken(text, width, indent, hang)
    return tuple(line.replace(GLUE, " ") for line in wrapped) or (indent,)


def _broken(text: str, width: int, indent: str, hang: str) -> list[str]:
    return textwrap.wrap(
        text,
        width=width,
        initial_indent=indent,
        subsequent_indent=indent + hang,
        break_long_words=False,
        break_on_hyphens=False,
    )


def plain(lines: list[Line]) -> str:
    """The lines as plain text, one per line."""
    return "".join(line.text + "\n" for line in lines)
