"""The handout as one self-contained HTML file: Jinja2 with autoescaping, print CSS, fonts inside.

The page embeds the same Noto Sans fonts as the PDF, so it prints the same
characters on any machine, and it loads nothing from outside the file.
"""

from __future__ import annotations

import base64
import functools
import re
from pathlib import Path

import jinja2
from markupsafe import Markup

from vplan.chars import NBSP
from vplan.handout import (
    COMPACT,
    LEFT_FIELDS,
    MARK_SIZE_UNDER,
    Field,
    Handout,
    Paper,
    marked,
    month_rows,
    sign_columns,
    sizes,
    unbroken,
)
from vplan.render.font import FONT_DIR, FONT_FILES, check_printable

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
PAGE_SIZES = {Paper.LETTER: "letter", Paper.A4: "A4"}
FONT_FAMILY = '"Vplan Sans"'  # the embedded font's name inside the page


@functools.cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=False,
    )
    env.filters["css_string"] = css_string
    env.filters["unbroken"] = _unbroken
    env.filters["date_field"] = _date_field
    env.filters["marked"] = _marked
    env.filters["whole_versions"] = _whole_versions
    return env


@functools.cache
def _fonts_css() -> Markup:
    """The ``@font-face`` rules with the fonts inside; CSS, so never HTML-escaped."""
    faces = []
    for weight, name in FONT_FILES.items():
        data = base64.b64encode((FONT_DIR / name).read_bytes()).decode("ascii")
        faces.append(
            f"@font-face {{ font-family: {FONT_FAMILY}; font-weight: {weight}; "
            f'src: url(data:font/ttf;base64,{data}) format("truetype"); }}'
        )
    return Markup("\n".join(faces))


def warm() -> None:
    """Load the template and the fonts now (before worker processes are forked)."""
    _environment().get_template("handout.html.j2")
    _fonts_css()


def css_string(text: str) -> Markup:
    """``text`` as a quoted CSS string that cannot end the string or the style element.

    Inside ``<style>`` HTML entities mean nothing, so the string is escaped for CSS
    (every quote, backslash, angle bracket and ampersand as a hex escape) and not for HTML.
    """
    escaped = re.sub(r'[\\"<>&\x00-\x1f\x7f]', lambda m: f"\\{ord(m.group()):X} ", text)
    return Markup(f'"{escaped}"')


def _page_of(template: str) -> Markup:
    """``Page n of N`` as a CSS content value built from the words of the interface."""
    parts = re.split(r"(\{page\}|\{pages\})", template)
    values = {"{page}": "counter(page)", "{pages}": "counter(pages)"}
    return Markup(" ".join(values.get(part) or css_string(part) for part in parts if part))


def _halves(fields: tuple[Field, ...]) -> list[tuple[Field, ...]]:
    """Who and when on the left, whom to call on the right, by field, as in the PDF."""
    left = tuple(f for f in fields if f.key in LEFT_FIELDS)
    right = tuple(f for f in fields if f.key not in LEFT_FIELDS)
    return [column for column in (left, right) if column]


# A figure with a hyphen ("010-0199"): a browser breaks a line at the hyphen, the PDF never.
_HYPHENATED = re.compile(r"\d+(?:-\d+)+")
_VERSION = re.compile(r"\d+(?:\.\d+)*-\d+")  # "2026.12-1": a browser would break at its hyphen


def _held(text: str, pattern: re.Pattern[str]) -> Markup:
    """``text``, escaped, each match of ``pattern`` held in a span that never breaks."""
    escaped = str(Markup.escape(text))
    return Markup(pattern.sub(lambda m: f'<span class="whole">{m.group(0)}</span>', escaped))


def _unbroken(text: str) -> Markup:
    """``text``, escaped, kept whole where the PDF keeps it: no line breaks in dates and figures.

    Dates and figures get no-break spaces; a figure with a hyphen (a phone number) is held.
    """
    return _held(unbroken(text), _HYPHENATED)


def _date_field(text: str) -> Markup:
    """The procedure date of the details, whole but for one break after its weekday.

    "martes, 30 de diciembre de 2025" in large print is wider than a phone: there it goes on
    after "martes,"; wherever the line has room it is on one line, as in the PDF.
    """
    held = str(_unbroken(text))
    return Markup(held.replace(f",{NBSP}", ", ", 1))


def _whole_versions(text: str) -> Markup:
    """``text``, escaped, with each version number kept on one line (as the PDF keeps it)."""
    return _held(text, _VERSION)


def _marked(text: str, mark: str) -> str:
    """``text`` after its day's letter on the calendar (``marked``), as in the PDF."""
    return marked(mark, text)


def _pt(points: float) -> str:
    return f"{points:g}pt"


def document(handout: Handout) -> bytes:
    """The handout as UTF-8 HTML bytes, printable on the paper and in the size it asks for."""
    check_printable(handout)
    large = handout.layout.large_print
    size = sizes(handout.layout)  # the PDF's table of sizes
    # Four months across in normal print, as the PDF's compact layout.
    months_across = size.months_across if large else COMPACT.months_across
    template = _environment().get_template("handout.html.j2")
    text = template.render(
        h=handout,
        lang=handout.lang,
        fonts=_fonts_css(),
        page_size=PAGE_SIZES[handout.layout.paper],
        margin=_pt(size.margin),
        bottom=_pt(size.margin + size.footer * 2.6),
        footer_size=_pt(size.footer),
        body_size=_pt(size.body),
        mark_size=_pt(size.body * MARK_SIZE_UNDER),  # as the PDF's, whatever the day's size
        line_height=f"{size.leading / size.body:.3g}",
        title_size=_pt(size.title),
        heading_size=_pt(size.heading),
        fields_columns="auto" if large else "auto auto",
        field_columns=[handout.fields] if large else _halves(handout.fields),
        sign_columns=1 if large else 2,
        tier_columns=[sign_columns(box, handout.layout) for box in handout.signs],
        months_across=months_across,
        month_rows=month_rows(handout.months, months_across),
        note_beside=len(handout.months) % months_across != 0,
        stacked=large,
        running_head=handout.running_head,
        page_of=_page_of(handout.page_of),
    )
    return text.encode("utf-8")
