"""The handout as a PDF, laid out with reportlab in an embedded font (Noto Sans).

Every text is drawn exactly as typed: it is escaped before reportlab reads its
paragraph markup, and a character the font lacks is refused before anything is drawn.
Meaning never rests on grey alone: boxes, bold type and letters carry it.
"""

from __future__ import annotations

import contextlib
import functools
import io
import os
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from html import escape as _html_escape
from typing import NamedTuple

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.doctemplate import LayoutError
from reportlab.platypus.paraparser import ParaFrag

from vplan.errors import UnprintableError
from vplan.handout import COMPACT as COMPACT  # the table of sizes, shared with the web page
from vplan.handout import LARGE as LARGE
from vplan.handout import (
    LEFT_FIELDS,
    MARK_SIZE_UNDER,
    NORMAL_PAGES,
    Field,
    Handout,
    MonthGrid,
    Paper,
    in_columns,
    marked,
    month_rows,
    sign_columns,
    unbroken,
)
from vplan.handout import NORMAL as NORMAL
from vplan.handout import Sizes as Sizes
from vplan.i18n import ENGLISH
from vplan.model import Tier
from vplan.render.font import BOLD, REGULAR, check_printable, faces


def escape(text: str) -> str:
    """``text`` safe inside reportlab's paragraph markup: &, < and > as entities.

    A phone number, a date and a figure with its unit are kept on one line (``unbroken``).
    """
    return _html_escape(unbroken(text), quote=False)


PAGE_SIZES = {Paper.LETTER: LETTER, Paper.A4: A4}
BULLET = "\u2022"
BORDER = {Tier.EMERGENCY: 2.5, Tier.CALL_TODAY: 1.5, Tier.EXPECTED: 0.75}
BOX_LINE = 2.5  # the line of page 1's box of limits, as heavy as the call-911 tier's
CELL_PADDING = 3  # points left and right of the text in a table's cell
# The most height the compact sizes save on a handout, as a share of the roomy sizes' (twice
# what they save on the bundled protocol's handouts: 6 to 7 %; the leading is 4 % less).
COMPACT_SAVES = 0.15


@functools.cache
def _cap_height() -> float:
    """The height of a capital letter (and of a digit) in the bold font, per point of size."""
    register_fonts()
    font = pdfmetrics.getFont(BOLD)
    assert isinstance(font, TTFont)
    return float(font.face.capHeight) / 1000


@functools.cache
def register_fonts() -> None:
    """Register the embedded fonts with reportlab, once."""
    regular, bold = faces()
    pdfmetrics.registerFont(regular)
    pdfmetrics.registerFont(bold)
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR,
                                  boldItalic=BOLD)  # fmt: skip


def document(handout: Handout) -> bytes:
    """The handout as PDF bytes, on the paper and in the print size it asks for."""
    return document_and_pages(handout)[0]


def document_and_pages(handout: Handout) -> tuple[bytes, int]:
    """The handout as PDF bytes, and its number of pages.

    Normal print uses the roomier sizes when they fit on two pages, else the compact ones
    if those take fewer pages: they are laid out without drawing them, and drawn only then,
    and only tried when the blocks' own height leaves them a page to save.
    """
    check_printable(handout)
    register_fonts()
    try:
        return _laid_out(handout)
    except LayoutError as exc:  # a text taller than a page: no page can hold it
        import re

        found = re.search(r" at 0x[0-9a-f]+>([^'(]{1,40})", str(exc))
        start = f" ('{found.group(1)}...')" if found else ""
        raise UnprintableError(
            f"a text of the handout is too long to fit on one page{start}; shorten it in the "
            "rules file or the orders file it comes from"
        ) from None


def _laid_out(handout: Handout) -> tuple[bytes, int]:
    """The handout in the sizes that fit it best (see ``document_and_pages``)."""
    if handout.layout.large_print:
        return _build(handout, LARGE)
    roomy, pages, content = _drawn(handout, NORMAL)
    # The compact sizes take at most COMPACT_SAVES less height than the roomy ones, block for
    # block: when even that much less would not fit on a page fewer, they are not tried.
    could_save = content * (1 - COMPACT_SAVES) <= pages - 1
    if pages > NORMAL_PAGES and could_save and _pages_needed(handout, COMPACT) < pages:
        return _build(handout, COMPACT)
    return roomy, pages  # else the roomier layout, on as many pages


def _document(handout: Handout, size: Sizes, buffer: io.BytesIO) -> SimpleDocTemplate:
    """The page template of the handout in one set of sizes, writing to ``buffer``."""
    return SimpleDocTemplate(
        buffer,
        pagesize=PAGE_SIZES[handout.layout.paper],
        leftMargin=size.margin,
        rightMargin=size.margin,
        topMargin=size.margin,
        bottomMargin=size.margin + size.footer * 1.8,
        title=handout.title,
        subject=handout.title,
        creator=f"vplan {_version()}",
        invariant=True,
        initialFontName=REGULAR,  # no unused, unembedded Helvetica in the page resources
        initialFontSize=size.body,
        # The document's language (/Lang) for screen readers; English files stay as they were.
        lang=None if handout.lang == ENGLISH else handout.lang,
    )


def _build(handout: Handout, size: Sizes) -> tuple[bytes, int]:
    """The PDF in one set of sizes, and its number of pages."""
    data, pages, _ = _drawn(handout, size)
    return data, pages


def _drawn(handout: Handout, size: Sizes) -> tuple[bytes, int, float]:
    """The PDF in one set of sizes, its number of pages, and its blocks' height in pages.

    The height is the blocks' own, one under another, without the room a page leaves
    below a block that goes to the next: no layout takes fewer pages than it.
    """
    buffer = io.BytesIO()
    doc = _document(handout, size, buffer)
    pages: list[int] = []
    blocks = _blocks(handout, _styles(size), size, doc.width, doc.height)
    content = sum(_height(f, doc.width) for block in blocks for f in block) / doc.height
    canvas = _numbered_canvas(handout.running_head, handout.page_of, size, pages)
    with _fixed_creation_date():
        doc.build(_story(blocks), canvasmaker=canvas)
    return buffer.getvalue(), pages[0], content


def _height(flowable: Flowable, width: float) -> float:
    """The height of ``flowable`` whole at ``width``, with the space above and below it."""
    height: float = flowable.wrap(width, 1e6)[1]
    return height + flowable.getSpaceBefore() + flowable.getSpaceAfter()


def _pages_needed(handout: Handout, size: Sizes) -> int:
    """The number of pages the handout takes in one set of sizes, laid out but not drawn.

    Every block is placed on its page exactly as in ``_build``; only drawing it, and
    writing the file, are left out (most of a build's time).
    """
    doc = _document(handout, size, io.BytesIO())
    blocks = _blocks(handout, _styles(size), size, doc.width, doc.height)
    for flowable in (flowable for block in blocks for flowable in block):
        flowable.drawOn = _not_drawn  # type: ignore[method-assign]
    pages: list[int] = []
    doc.build(_story(blocks), canvasmaker=_page_counter(pages))
    return pages[0]


def _not_drawn(*args: object, **kwargs: object) -> None:
    """In place of ``Flowable.drawOn`` while a handout is only laid out."""


def _page_counter(pages: list[int]) -> type[Canvas]:
    """A canvas that counts its pages into ``pages`` and writes nothing."""

    class PageCounter(Canvas):
        count = 0

        def showPage(self) -> None:  # reportlab's name
            self.count += 1
            self._startPage()  # type: ignore[attr-defined]

        def save(self) -> None:
            pages.append(self.count)

    return PageCounter


@contextlib.contextmanager
def _fixed_creation_date() -> Iterator[None]:
    """Keep the PDF's internal creation date at reportlab's fixed one (``invariant``).

    reportlab would write ``$SOURCE_DATE_EPOCH`` instead, so a handout re-made on another
    day, to be compared with the one given, would differ in that date alone. The date the
    handout was made is printed in its stamp, which is what a reader sees.
    """
    saved = os.environ.pop("SOURCE_DATE_EPOCH", None)
    try:
        yield
    finally:
        if saved is not None:
            os.environ["SOURCE_DATE_EPOCH"] = saved


def _version() -> str:
    from vplan import __version__

    return __version__


def _styles(size: Sizes) -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=REGULAR, fontSize=size.body, leading=size.leading)
    return {
        "body": body,
        "bold": ParagraphStyle("bold", parent=body, fontName=BOLD),
        "title": ParagraphStyle(
            "title", parent=body, fontName=BOLD, fontSize=size.title, leading=size.title * 1.25
        ),
        "heading": ParagraphStyle(
            "heading",
            parent=body,
            fontName=BOLD,
            fontSize=size.heading,
            leading=size.heading * 1.3,
            spaceBefore=size.gap * 0.8,
            spaceAfter=size.gap / 2,
        ),
        "bullet": ParagraphStyle(
            "bullet",
            parent=body,
            leftIndent=size.body * 1.2,
            bulletIndent=size.body * 0.2,
            bulletFontName=REGULAR,
            bulletFontSize=size.body,
        ),
        "hanging": ParagraphStyle(
            "hanging", parent=body, leftIndent=size.body * 1.2, firstLineIndent=-size.body * 1.2
        ),
        "cell": ParagraphStyle("cell", parent=body, alignment=1, leading=size.body * 0.95),
        "stamp": ParagraphStyle(
            "stamp", parent=body, fontSize=size.footer, leading=size.footer * 1.2, spaceBefore=2
        ),
    }


Styles = dict[str, ParagraphStyle]


def _heading(text: str, st: Styles, size: Sizes) -> list[Flowable]:
    """A section heading; ``_section`` keeps it on the page of the section's first block."""
    return [_p(text, st["heading"])]


Block = list[Flowable]  # flowables that go on one page together
Cell = str | Flowable | Sequence[Flowable]  # what one cell of a table holds
Row = Sequence[Cell]
# One of reportlab's table style commands: its name, the first and last cells, its values.
StyleCommand = tuple[str, tuple[int, int], tuple[int, int], *tuple[object, ...]]


def _section(lead: list[Flowable], pieces: Sequence[Flowable]) -> list[Block]:
    """A section as blocks: its heading (and lead-in text) on the page of its first piece.

    Each piece is a block of its own (a boxed tier of warning signs), so a page may break
    between pieces.
    """
    if not pieces:
        return [lead]
    return [[*lead, pieces[0]], *([piece] for piece in pieces[1:])]


class _Paragraph(Paragraph):
    """A paragraph that breaks its lines once for each width it is given.

    reportlab breaks a paragraph into lines each time a table, a block kept together or
    the page asks its height, three times on average in a handout; the lines depend on
    the width alone (the style is fixed), so the later asks reuse the first answer.
    Its markup is read once for each text and type (``_read``), however many times the
    text is printed.
    """

    def __init__(
        self,
        text: str,
        style: ParagraphStyle,
        bulletText: str | None = None,
        frags: list[ParaFrag] | None = None,  # given by reportlab for each part of a split
    ) -> None:
        if frags is None:
            # The same text in the same style breaks into the same lines wherever it is
            # printed: when the pages are counted, then drawn, and in every handout of a batch.
            vars(self)["_laid_out"] = _shared_lines(text, style, bulletText)
            frags = _read(text, style)
        super().__init__(text, style, bulletText, frags)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        """The width and height of the paragraph's lines at ``availWidth``."""
        laid_out: dict[float, dict[str, object]] = vars(self).setdefault("_laid_out", {})
        if availWidth < rl_config._FUZZ:  # too narrow for any line: reportlab says so
            return super().wrap(availWidth, availHeight)
        known = laid_out.get(availWidth)
        if known is None:
            super().wrap(availWidth, availHeight)
            known = laid_out[availWidth] = {name: vars(self)[name] for name in _LINES}
        vars(self).update(known)
        return self.width, self.height


_LINES = ("width", "_wrapWidths", "blPara", "height")  # what Paragraph.wrap works out
_SHARED: dict[tuple[object, ...], dict[float, dict[str, object]]] = {}  # by text and style


def _shared_lines(
    text: str, style: ParagraphStyle, bullet: str | None
) -> dict[float, dict[str, object]]:
    """The lines of ``text`` in ``style`` at each width, shared by every paragraph of them."""
    key = (text, bullet, *(getattr(style, name) for name in _STYLE_KEY))
    lines = _SHARED.get(key)
    if lines is None:
        if len(_SHARED) >= _READ_LIMIT:
            _SHARED.clear()
        lines = _SHARED[key] = {}
    return lines


# What of a paragraph's style its lines depend on (spaces above and below do not count).
_STYLE_KEY = ("name", "fontName", "fontSize", "leading", "leftIndent", "rightIndent",
              "firstLineIndent", "alignment", "bulletIndent", "bulletFontName",
              "bulletFontSize", "wordWrap")  # fmt: skip
_READ: dict[tuple[str, str, str, float], list[ParaFrag]] = {}  # each text's parts, by type
_READ_LIMIT = 4096  # texts kept: a batch's handouts share most of theirs


def _read(text: str, style: ParagraphStyle) -> list[ParaFrag]:
    """The parts of ``text`` (its runs of plain and bold type) in ``style``'s font and size.

    The parts depend on the font and size alone, not on the spacing, so the roomy and the
    compact print share them. They are never changed once read.
    """
    key = (text, style.name, style.fontName, style.fontSize)
    parts = _READ.get(key)
    if parts is None:
        if len(_READ) >= _READ_LIMIT:
            _READ.clear()
        parts = _READ[key] = Paragraph(text, style).frags
    return parts


def _p(text: str, style: ParagraphStyle, *, bold: bool = False) -> Paragraph:
    """A paragraph of text shown exactly as typed (reportlab's markup escaped)."""
    safe = escape(text)
    return _Paragraph(f"<b>{safe}</b>" if bold else safe, style)


def _blocks(handout: Handout, st: Styles, size: Sizes, width: float, height: float) -> list[Block]:
    """The handout's blocks in reading order; the footer stays with the last block.

    ``height`` is a page's: in large print a booked visit under details at their longest
    would leave no room for the 911 signs on page 1, so there it is said in the box instead.
    """
    signs = _signs(handout, st, size, width)
    title, fields = _p(handout.title, st["title"]), _fields(handout, st, width)
    visit = _visit(handout, st, size)
    if handout.layout.large_print and visit:
        start = signs[0][0]  # the break before the signs: the room their start needs
        assert isinstance(start, CondPageBreak)
        top = sum(_height(f, width) for f in (title, fields, *visit))
        if top + start.height > height:
            handout = handout._replace(now=handout.now._replace(visit_on_top=False))
            visit = []
    now = _now_box(handout, st, size, width)
    now.spaceBefore = size.gap / 2
    # One order in every size and language: the warning signs on page 1, then the box of
    # limits, which may go on over the page (its heading repeated there).
    blocks: list[Block] = [
        [title],
        [fields, *visit],
        *signs,
        [now],
        *_care(handout, st, size, width),
        *_instead(handout, st, size, width),
        *_calendar(handout, st, size, width),
        *_key_dates(handout, st, size, width),
    ]
    footer = _p(handout.footer, st["body"])
    footer.spaceBefore = size.gap / 2
    ends = [footer, *([_p(handout.stamp, st["stamp"])] if handout.stamp else [])]
    last = blocks[-1]
    if len(last) == 1 and isinstance(last[0], _TwoColumns) and last[0].items:
        blocks[-1] = [last[0].ending_with(ends)]  # with its last item: never alone on a page
    else:
        blocks[-1] += ends  # never alone on the last page
    return blocks


def _story(blocks: list[Block]) -> list[Flowable]:
    """The flowables of the blocks: each block of more than one kept together on its page."""
    # One level only: reportlab cannot keep a KeepTogether inside another.
    return [block[0] if len(block) == 1 else KeepTogether(block) for block in blocks]


def _signs(handout: Handout, st: Styles, size: Sizes, width: float) -> list[Block]:
    boxes: list[Flowable] = []
    for index, box in enumerate(handout.signs):
        # In large print a tier is whole on a page only when it fits: it may go on, its heading
        # again, over the page. So the signs to call 911 for start on page 1 under the longest
        # details, never all on page 2 with page 1 holding the details alone.
        across = sign_columns(box, handout.layout)
        least = 2 if index else 1  # the 911 tier starts on page 1 with one sign if need be
        table: Flowable = (
            _sign_pages(handout, box.tier, box.heading, box.signs, st, size, width, least=least)
            if handout.layout.large_print
            else _sign_box(box.tier, box.heading, box.signs, st, size, width, across)
        )
        table.spaceBefore = size.gap * 0.6 if index else 0
        boxes.append(table)
    heading = _heading(handout.signs_heading, st, size)
    if handout.layout.large_print and boxes:
        # Not kept with the whole 911 tier, which may go on over the page, so that the tier
        # starts on page 1 under the details; but never alone at a page's foot: the page
        # breaks before it when the tier's heading and its first sign would not fit under it.
        first = boxes[0]
        assert isinstance(first, _TwoColumns)
        column = first.inner / first.across - size.gap  # as ``_TwoColumns.split`` lays it out
        start = first.heading.wrap(first.inner, 1e6)[1] + first.items[0].wrap(column, 1e6)[1]
        frame = _above(size, first.border) + _below(size)
        need = sum(_height(f, width) for f in heading) + start + frame
        return [[CondPageBreak(need)], heading, *([box] for box in boxes)]
    return _section(heading, boxes)


def _sign_pages(handout: Handout, tier: Tier, heading: str, signs: tuple[str, ...],
                st: Styles, size: Sizes, width: float, *, least: int) -> _TwoColumns:  # fmt: skip
    """A tier of signs in one column that may go on over the page, its heading repeated.

    It starts on a page only with ``least`` of its signs: a sign alone at a page's foot,
    the rest of its tier over the page, is easily read as the whole tier. The 911 tier's
    ``least`` is 1, so that it always starts on page 1.
    """
    bullets = [_Paragraph(escape(s), st["bullet"], bulletText=BULLET) for s in signs]
    again = _continued(handout, heading)
    return _TwoColumns(_p(heading, st["bold"]), _p(again, st["bold"]), bullets, width, size,
                       border=BORDER[tier], across=1, least=least)  # fmt: skip


def _care(handout: Handout, st: Styles, size: Sizes, width: float) -> list[Block]:
    """What to do at home, by the days it applies; the days' heading stays with its first item."""
    spans: list[Flowable] = []
    heads: list[_Again | None] = []
    shared = _shared_marks(span.mark for span in handout.care)
    for span in handout.care:
        bullets = [_Paragraph(escape(t), st["bullet"], bulletText=BULLET) for t in span.texts]
        heading = _p(marked(span.mark, span.heading), st["bold"])
        spans += [_Stacked([heading, bullets[0]]), *bullets[1:]]  # the days with their first
        again = _again(handout, span.mark, span.heading, st, shared=span.mark in shared)
        heads += [None, *([again] * (len(bullets) - 1))]
    return _in_two_columns(handout.care_heading, handout.care_continued, spans, handout, st,
                           size, width, heads)  # fmt: skip


class _Again(NamedTuple):
    """A day's heading again, over its items that go on: over the page, or in the right column."""

    page: Flowable  # "(E) With care now. No limit from Sat, Apr 12 (continued):"
    column: Flowable  # "(E) continued:", beside the day's whole heading in the left column


def _again(handout: Handout, mark: str, heading: str, st: Styles, *, shared: bool) -> _Again:
    """The heading of a day (``mark``, ``heading``) again: in full over the page, short beside.

    Beside, its letter alone: the whole heading is across from it, in the left column, and
    each limit's own text says what it allows and from when. A letter that heads more than
    one group of the section (``shared``: "(E) With care now" and "(E) Allowed again") is
    never enough: the heading is whole beside too.
    """
    page = _p(marked(mark, _continued(handout, heading)), st["bold"])
    short = mark and not shared
    return _Again(page, _p(marked(mark, handout.goes_on), st["bold"]) if short else page)


def _shared_marks(marks: Iterable[str]) -> set[str]:
    """The letters that head more than one group of a section."""
    return {mark for mark, count in Counter(marks).items() if mark and count > 1}


def _continued(handout: Handout, heading: str) -> str:
    """A heading where what is under it goes on over the page: ``... Sun, Jun 1 (continued):``."""
    return handout.continued.format(heading=heading.removesuffix(":")) + ":"


def _key_dates(handout: Handout, st: Styles, size: Sizes, width: float) -> list[Block]:
    """The calendar's letters shown beside no heading, then what only the care team allows."""
    cleared: list[Block] = [[_p(t, st["bold"])] for t in handout.until_cleared]
    if not handout.key_dates:
        return cleared
    keys: list[Flowable] = [
        _Paragraph(
            f"<b>{escape(marked(k.mark, k.when))}:</b> {escape(' '.join(k.items))}", st["hanging"]
        )
        for k in handout.key_dates
    ]
    heading = handout.key_dates_heading
    return [*_in_two_columns(heading, heading, keys, handout, st, size, width), *cleared]


class _Stacked(Flowable):
    """Flowables one under another, as wide as the room given, kept together as one."""

    def __init__(self, flowables: Sequence[Flowable]) -> None:
        super().__init__()
        self.flowables = list(flowables)
        self.heights: list[float] = []

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        """The width given, and the height of every flowable at that width."""
        self.heights = [f.wrap(availWidth, availHeight)[1] for f in self.flowables]
        self.width, self.height = availWidth, sum(self.heights)
        return self.width, self.height

    def draw(self) -> None:
        """Each flowable under the one before."""
        top = self.height
        for flowable, height in zip(self.flowables, self.heights, strict=True):
            top -= height
            flowable.drawOn(self.canv, 0, top)


def _in_two_columns(heading: str, continued: str, items: Sequence[Flowable], handout: Handout,
                    st: Styles, size: Sizes, width: float,
                    heads: Sequence[_Again | None] = ()) -> list[Block]:  # fmt: skip
    """A section of items: two balanced columns in normal print, one in large print."""
    first, later = _p(heading, st["heading"]), _p(continued, st["heading"])
    across = 1 if handout.layout.large_print else 2
    columns = _TwoColumns(first, later, items, width, size, heads=heads, across=across)
    columns.spaceBefore = st["heading"].spaceBefore  # inside its table, the heading's is not kept
    return [[columns]]


def _instead(handout: Handout, st: Styles, size: Sizes, width: float) -> list[Block]:
    items: list[Flowable] = [
        _Paragraph(f"<b>{escape(i.label)}:</b> {escape(i.value)}", st["bullet"], bulletText=BULLET)
        for i in handout.instead
    ]
    return _in_two_columns(handout.instead_heading, handout.instead_continued, items, handout,
                           st, size, width)  # fmt: skip


class _TwoColumns(Flowable):
    """A heading over two balanced columns of items (or one), which may go on over the page.

    Where the items do not all fit, the left column is filled down the page, then the right,
    and the rest goes on over the page under the heading marked "(continued)". An item is
    never cut, and the heading is never left alone at the foot of a page. An item of a day
    that goes on in the right column or over the page has that day's heading again above it
    (``heads``: for each item, that heading again, or None for an item that starts its day),
    so that no limit is read under the day beside it. Boxed
    (``border``), it draws its frame on every page it is on, and ``tail`` is printed across
    the box under the columns, piece by piece, on the last pages. Large print has one column
    (``across``).
    """

    def __init__(self, heading: Paragraph, continued: Paragraph, items: Sequence[Flowable],
                 width: float, size: Sizes, *, border: float = 0,
                 tail: Sequence[Flowable] = (),
                 heads: Sequence[_Again | None] = (), across: int = 2,
                 least: int = 1, plain: int = 0) -> None:  # fmt: skip
        super().__init__()
        self.across, self.least, self.plain = across, least, plain
        self.heading, self.continued, self.items = heading, continued, list(items)
        self.size, self.width, self.border, self.tail = size, width, border, list(tail)
        self.heads = list(heads) or [None] * len(self.items)
        assert len(self.heads) == len(self.items), "one heading (or None) for each item"
        self.pad = size.gap if border else 0.0
        self.inner = width - 2 * self.pad
        columns = self._columns(self.items) if self.items else None
        self.table = self._table(columns, self.tail)

    def _columns(self, items: list[Flowable], right: list[Flowable] | None = None) -> Table:
        """``items`` balanced in two columns, or cut at ``right``; all in one if ``across`` is 1."""
        if self.across == 1:
            return _columns_row([[items]], 1, self.inner, self.size)
        if right is None:
            return _balanced(items, self.inner, self.size, self.heads)
        return _columns_row([[items, right]], 2, self.inner, self.size)

    def _table(self, columns: Table | None, tail: Sequence[Flowable]) -> Table:
        rows: list[Row] = [[self.heading], *([[columns]] if columns else []), *([t] for t in tail)]
        table = _table(rows, [self.width])
        style: list[StyleCommand] = [
            ("LEFTPADDING", (0, 0), (-1, -1), self.pad),
            ("RIGHTPADDING", (0, 0), (-1, -1), self.pad),
            ("TOPPADDING", (0, 0), (-1, -1), 0),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
        ]
        if self.border:
            style += [
                ("BOX", (0, 0), (-1, -1), self.border, colors.black),
                ("TOPPADDING", (0, 0), (-1, 0), _above(self.size, self.border)),
                ("BOTTOMPADDING", (0, -1), (-1, -1), _below(self.size)),
            ]
        table.setStyle(TableStyle(style))
        return table

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        """The size of the heading and both columns, all of the items."""
        self.width, self.height = self.table.wrap(availWidth, availHeight)
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        """What fits here (each column filled from the top) and the rest, for the next page."""
        column = self.inner / self.across - self.size.gap
        frame = (_above(self.size, self.border) + _below(self.size)) if self.border else 0.0
        room = availHeight - frame - self.heading.wrap(self.inner, availHeight)[1]
        heights = [item.wrap(column, 10_000)[1] for item in self.items]
        cuts, start, tallest = [], 0, 0.0
        for index in range(self.across):  # the left column, then the right
            # The right column starts with its day's heading again when the day goes on.
            head = self.heads[start] if index and start < len(self.items) else None
            used = head.column.wrap(column, 10_000)[1] if head is not None else 0.0
            end = start
            while end < len(heights) and used + heights[end] <= room:
                used += heights[end]
                end += 1
            if end == start:
                used = 0.0  # nothing in this column, not even a heading
            cuts.append(end)
            start, tallest = end, max(tallest, used)
        if cuts[0] < min(self.least, len(self.items)):  # too few here: all on the next page
            return []
        left = self.items[: cuts[0]]
        right = _headed(self.items[cuts[0] : cuts[-1]], self.heads[cuts[0] : cuts[-1]])
        columns = self._columns(left, right) if left else None
        rest, heads = self.items[cuts[-1] :], self.heads[cuts[-1] :]
        if not rest and self.across == 2 and self.tail:
            # Every item fits here: balanced, the columns leave room under them for the tail,
            # where the left one filled down the page would send the tail over it alone.
            balanced = self._columns(self.items)
            height = balanced.wrap(self.inner, 10_000)[1]
            if height <= room:
                columns, tallest = balanced, height
        if not rest:  # the tail under the columns, as many of its pieces as fit here
            used, fits = tallest, 0
            for piece in self.tail:
                used += piece.wrap(self.inner, 10_000)[1]
                if used > room:
                    break
                fits += 1
            if fits == len(self.tail):
                return [self._part(columns, self.tail)]
            if not left and not fits:  # not one piece fits here: all on the next page
                return []
            # Over the page, the tail's last ``plain`` pieces alone (the visit to book and the
            # number to call) need no heading "continued": they are no limits. Anything more
            # (the care team's orders) goes on under it.
            bare = len(self.tail) - fits <= self.plain
            heading = Spacer(1, 0) if bare else self.continued
            later = _TwoColumns(heading, heading, (), self.width, self.size,  # type: ignore[arg-type]
                                border=self.border, tail=self.tail[fits:],
                                across=self.across)  # fmt: skip
            return [self._part(columns, self.tail[:fits]), later]
        head = heads[0]
        if head is not None:  # a day's items go on over the page: its heading goes too
            rest, heads = [_Stacked([head.page, rest[0]]), *rest[1:]], [None, *heads[1:]]
        later = _TwoColumns(self.continued, self.continued, rest, self.width, self.size,
                            border=self.border, tail=self.tail, heads=heads,
                            across=self.across, least=self.least, plain=self.plain)  # fmt: skip
        return [self._part(columns, ()), later]

    def ending_with(self, ends: Sequence[Flowable]) -> _TwoColumns:
        """The same, with ``ends`` under its last item and kept with it."""
        items = [*self.items[:-1], _Stacked([self.items[-1], *ends])]
        whole = _TwoColumns(self.heading, self.continued, items, self.width, self.size,
                            border=self.border, tail=self.tail, heads=self.heads,
                            across=self.across, least=self.least, plain=self.plain)  # fmt: skip
        whole.spaceBefore = self.getSpaceBefore()
        return whole

    def _part(self, columns: Table | None, tail: Sequence[Flowable]) -> _TwoColumns:
        """The same heading over ``columns`` and ``tail``: the part of it on one page."""
        part = _TwoColumns(self.heading, self.continued, (), self.width, self.size,
                           border=self.border, across=self.across)  # fmt: skip
        part.table = part._table(columns, tail)
        part.spaceBefore = self.getSpaceBefore()  # the room above it, as above the whole
        return part

    def draw(self) -> None:
        """The heading and the columns, as laid out by ``wrap``."""
        self.table.drawOn(self.canv, 0, 0)


def _balanced(items: Sequence[Flowable], width: float, size: Sizes,
              heads: Sequence[_Again | None] = ()) -> Table:  # fmt: skip
    """Two columns that each flow on their own, cut where their heights come closest.

    A long item does not leave a gap beside it. The right column's first item has its day's
    heading again above it (``heads``, as in ``_TwoColumns``), counted in its height. Each
    item is measured once, at the column's width: reportlab's ``BalancedColumns`` searches
    by laying the items out again and again, which cost most of a handout's time.
    """
    column = width / 2 - size.gap
    heights = [item.wrap(column, 10_000)[1] for item in items]
    heads = list(heads) or [None] * len(items)
    total = sum(heights)
    best, cut, above = total, len(items), 0.0
    for index, height in enumerate(heights):
        head = heads[index]  # the right column's first item repeats its day's heading
        again = head.column.wrap(column, 10_000)[1] if head is not None else 0.0
        taller = max(above, total - above + again)
        if taller < best:
            best, cut = taller, index
        above += height
    right = _headed(items[cut:], heads[cut:])
    return _columns_row([[list(items[:cut]), right]], 2, width, size)


def _headed(items: Sequence[Flowable], heads: Sequence[_Again | None]) -> list[Flowable]:
    """The right column of ``items``, the first under its day's heading again when it has one."""
    column = list(items)
    if column and heads and heads[0] is not None:
        column[0] = _Stacked([heads[0].column, column[0]])
    return column


def _calendar(handout: Handout, st: Styles, size: Sizes, width: float) -> list[Block]:
    """The month grids: whole on one page in normal print, by rows of months in large print."""
    lead, rows = _months(handout, st, size, width)
    heading = _p(handout.months_heading, st["heading"])
    if handout.layout.large_print:  # by rows of months, its heading again over the page
        again = _p(handout.continued.format(heading=handout.months_heading), st["heading"])
        first = _Stacked([*lead, rows[0]])  # the note on letters never apart from the months
        months = _TwoColumns(heading, again, [first, *rows[1:]], width, size, across=1)
        months.spaceBefore = st["heading"].spaceBefore
        return [[months]]
    return [[heading, *lead, *rows]]


def _fields(handout: Handout, st: dict[str, ParagraphStyle], width: float) -> Table:
    """The patient's details in two columns: who and when on the left, whom to call right."""

    def cell(f: Field) -> list[Cell]:
        return [_p(f.label + ":", st["bold"]), _p(f.value, st["body"])]

    left = [cell(f) for f in handout.fields if f.key in LEFT_FIELDS]
    right = [cell(f) for f in handout.fields if f.key not in LEFT_FIELDS]
    if not handout.layout.large_print:
        # Each label column as wide as its longest label, up to a limit past which a label
        # wraps between its words, never inside one ("Teléfono:"); the values have the rest.
        halves = (width * 0.61, width * 0.39)
        left_label = _label_width(handout, st, left=True, most=width * 0.32, half=halves[0])
        right_label = _label_width(handout, st, left=False, most=width * 0.2, half=halves[1])
        # Each half a column of its own, as on the web page: a value that wraps on one side
        # (a long clinic's name) makes no line of the other side's taller.
        sides: list[Cell] = [_grid(left, [left_label, halves[0] - left_label]),
                             _grid(right, [right_label, halves[1] - right_label])]  # fmt: skip
        both = _table([sides], list(halves))
        both.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                  ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                  ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                                  ("TOPPADDING", (0, 0), (-1, -1), 0),
                                  ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))  # fmt: skip
        return both
    # One column: who and when first, then whom to call, as the two columns of normal print.
    return _grid([*left, *right], [width * 0.35, width * 0.65])


def _visit(handout: Handout, st: Styles, size: Sizes) -> list[Flowable]:
    """A booked visit under the patient's details, as patients ask: on page 1 (``visit_on_top``).

    Its calendar letter in bold, the rest as the details' values are: one line, where bold
    type would break a long Spanish date and place onto a second.
    """
    box = handout.now
    if not box.visit or not box.visit_on_top:
        return []
    mark = f"<b>{escape(marked(box.visit_mark, ''))}</b>" if box.visit_mark else ""
    return [_Paragraph(mark + escape(box.visit), st["body"])]


def _label_width(handout: Handout, st: Styles, *, left: bool, most: float, half: float) -> float:
    """The width of a column of the details' labels: its longest label, at most ``most``.

    Its values keep the room of their widest part that never breaks (a date, a phone
    number), and a label is never narrower than its widest word.
    """
    fields = [f for f in handout.fields if (f.key in LEFT_FIELDS) is left]
    labels = [f.label + ":" for f in fields]
    bold = st["bold"]
    widths = (pdfmetrics.stringWidth(t, bold.fontName, bold.fontSize) for t in labels)
    whole = max(widths, default=0) + 2 * CELL_PADDING
    room = half - _widest_word([unbroken(f.value) for f in fields], st["body"]) - 2 * CELL_PADDING
    return max(min(whole, most, room), _widest_word(labels, bold) + 2 * CELL_PADDING)


def _widest_word(texts: list[str], style: ParagraphStyle) -> float:
    """The width of the widest word of ``texts`` in ``style``."""
    words = [word for text in texts for word in text.split(" ")]  # a no-break space holds
    widths = (pdfmetrics.stringWidth(word, style.fontName, style.fontSize) for word in words)
    return max(widths, default=0)


def _table(rows: Sequence[Row], widths: list[float]) -> Table:
    """A left-aligned table whose own font is the embedded one (never an unembedded default)."""
    table = Table([list(row) for row in rows], colWidths=widths, hAlign="LEFT")
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), REGULAR, NORMAL.body)]))
    return table


def _columns(items: Sequence[Flowable], across: int, width: float, size: Sizes) -> list[Table]:
    """Flowables in ``across`` columns, read down each column; a page may break between rows."""
    rows = [[c or "" for c in row] for row in in_columns(items, across)]
    return [_columns_row([row], across, width, size) for row in rows]


def _columns_row(rows: Sequence[Row], across: int, width: float, size: Sizes) -> Table:
    """Columns side by side, each ``size.gap`` narrower than its share of ``width``.

    What a column leaves goes between the columns, none at the outer edges: the gap between
    two columns is twice ``size.gap``, and no line of either is narrower for it.
    """
    table = _table(rows, [width / across] * across)
    style: list[StyleCommand] = [("VALIGN", (0, 0), (-1, -1), "TOP"),
                                 ("TOPPADDING", (0, 0), (-1, -1), 0),
                                 ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]  # fmt: skip
    for column in range(across):
        left = size.gap * column / (across - 1) if across > 1 else 0.0
        style += [("LEFTPADDING", (column, 0), (column, -1), left),
                  ("RIGHTPADDING", (column, 0), (column, -1), size.gap - left)]  # fmt: skip
    table.setStyle(TableStyle(style))
    return table


def _rows(rows: Sequence[Row], widths: list[float], *, lines: bool = False) -> list[Table]:
    """Rows of one table, each its own block: a page may break between rows, never inside one."""
    return [_grid([row], widths, lines=lines) for row in rows]


def _grid(rows: Sequence[Row], widths: list[float], *, lines: bool = False) -> Table:
    table = _table(rows, widths)
    style: list[StyleCommand] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("TOPPADDING", (0, 0), (-1, -1), 0.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ]
    if lines:
        style.append(("LINEBELOW", (0, 0), (-1, -1), 0.5, colors.black))
    table.setStyle(TableStyle(style))
    return table


def _now_box(handout: Handout, st: Styles, size: Sizes, width: float) -> Flowable:
    """Page 1's box: what not to do yet and from when, the orders, the visit to book, the phone."""
    box = handout.now

    def bullet(text: str) -> Paragraph:
        return _Paragraph(escape(text), st["bullet"], bulletText=BULLET)

    # In normal print the days and their limits flow down two columns, as in a newspaper,
    # each day's heading kept with its first limit; in large print one limit to a row. The
    # box may go on over the page, its heading repeated there.
    visit = marked(box.visit_mark, box.visit) if box.visit and not box.visit_on_top else ""
    tail: list[Flowable] = []
    if box.orders:  # the heading of the orders with the first of them
        orders = [bullet(t) for t in box.orders]
        tail += [_Stacked([_p(box.orders_heading + ":", st["bold"]), orders[0]]), *orders[1:]]
    # Last, the visit to book and the number to call: the box ends with whom to call.
    tail.append(_p(" ".join((visit, *box.phone)).strip(), st["bold"]))
    if not handout.layout.large_print:
        items: list[Flowable] = []
        heads: list[_Again | None] = []
        shared = _shared_marks(group.mark for group in box.limits)
        for group in box.limits:
            limits = [_labelled(limit, st) for limit in group.limits]
            heading = _p(marked(group.mark, group.heading), st["bold"])
            items += [_Stacked([heading, limits[0]]), *limits[1:]]
            again = _again(handout, group.mark, group.heading, st, shared=group.mark in shared)
            heads += [None, *([again] * (len(limits) - 1))]
        return _TwoColumns(_p(box.heading, st["bold"]), _p(box.continued, st["bold"]), items,
                           width, size, border=BOX_LINE, tail=tail, heads=heads,
                           plain=1)  # fmt: skip
    rows: list[Row] = [[_p(box.heading, st["bold"])]]
    row_heads: list[Flowable | None] = [None]
    for group in box.limits:
        limits = [_labelled(limit, st) for limit in group.limits]
        heading = _p(marked(group.mark, group.heading), st["bold"])
        # The day's heading in the cell of its first limit: never alone at a foot.
        rows += [[[heading, *limits[:1]]], *([limit] for limit in limits[1:])]
        page = _p(marked(group.mark, _continued(handout, group.heading)), st["bold"])
        row_heads += [None, *([page] * (len(limits) - 1))]
    rows += [[t] for t in tail]
    row_heads += [None] * len(tail)
    table = _ContinuedTable([list(row) for row in rows], colWidths=[width], hAlign="LEFT",
                            repeatRows=1)  # fmt: skip
    table.continued = _p(box.continued, st["bold"])
    table.heads = row_heads
    table.foot_room = _below(size)
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), REGULAR, NORMAL.body)]))
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BOX", (0, 0), (-1, -1), BOX_LINE, colors.black),
                ("LEFTPADDING", (0, 0), (-1, -1), size.gap),
                ("RIGHTPADDING", (0, 0), (-1, -1), size.gap),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, 0), _above(size, BOX_LINE)),
                ("BOTTOMPADDING", (0, -1), (-1, -1), _below(size)),
            ]
        )
    )
    return table


def _above(size: Sizes, border: float) -> float:
    """The space over a box's heading: a little, and the half of its line drawn inside it."""
    return size.gap / 3 + border / 2


def _below(size: Sizes) -> float:
    """The space under a box's last line: enough for its descenders, and a little more."""
    return size.gap * 0.6 + size.body * 0.25


class _ContinuedTable(Table):
    """A boxed table whose heading row says "(continued)" on the pages it goes on to.

    ``heads`` holds, for each row, the heading to print above it when it is the first row
    of a later page (a day's heading marked "(continued)"), or None.
    """

    continued: Flowable | None = None
    heads: Sequence[Flowable | None] = ()
    foot_room: float = 0.0  # under the last line of a part the box is closed under

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # reportlab's names
        """The parts on each page; every part after the first starts with the continued heading.

        A part the box goes on from is closed at its foot, ``foot_room`` under its last line.
        """
        parts: list[Flowable] = super().split(availWidth, availHeight - self.foot_room)
        done = 0  # the rows of this table in the parts before
        for index, part in enumerate(parts):
            assert isinstance(part, _ContinuedTable)
            rows = part._cellvalues  # type: ignore[attr-defined]
            if index == 0:
                done = len(rows)
                continue
            part.continued = self.continued
            part.heads = [None, *self.heads[done : done + len(rows) - 1]]
            heights = list(part._argH or [None] * len(rows))  # type: ignore[attr-defined]
            if self.continued is not None:
                rows[0] = [self.continued, *rows[0][1:]]
                heights[0] = None  # the longer heading's height is worked out again
            head = part.heads[1] if len(rows) > 1 else None
            if head is not None:  # a day's rows go on: its heading above the first of them
                cell = rows[1][0]
                rows[1] = [[head, *(cell if isinstance(cell, list) else [cell])], *rows[1][1:]]
                heights[1] = None
                part.heads = [None, None, *part.heads[2:]]
            part._argH = heights  # type: ignore[attr-defined]
            done += len(rows) - 1
        for part in parts:
            assert isinstance(part, _ContinuedTable)
            part.foot_room = self.foot_room  # a part may be split again, on the next page
        closed = TableStyle([("LINEBELOW", (0, -1), (-1, -1), BOX_LINE, colors.black),
                             ("BOTTOMPADDING", (0, -1), (-1, -1), self.foot_room)])  # fmt: skip
        for part in parts[:-1]:  # the box closed at the foot of each page it goes on from
            assert isinstance(part, _ContinuedTable)
            part.setStyle(closed)
        return parts


def _labelled(field: Field, st: Styles) -> Paragraph:
    """``• Label: value``, the label in bold."""
    text = f"<b>{escape(field.label)}:</b> {escape(field.value)}"
    return _Paragraph(text, st["bullet"], bulletText=BULLET)


def _sign_box(tier: Tier, heading: str, signs: tuple[str, ...], st: dict[str, ParagraphStyle],
              size: Sizes, width: float, across: int) -> Table:  # fmt: skip
    bullets = [_Paragraph(escape(s), st["bullet"], bulletText=BULLET) for s in signs]
    inner = width - 2 * size.gap
    balanced = [_balanced(bullets, inner, size)] if across == 2 else []
    columns = balanced or _columns(bullets, 1, inner, size)
    content: list[Flowable] = [_p(heading, st["bold"]), *columns]
    table = _table([[content]], [width])
    table.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), BORDER[tier], colors.black),
                ("LEFTPADDING", (0, 0), (-1, -1), size.gap),
                ("RIGHTPADDING", (0, 0), (-1, -1), size.gap),
                ("TOPPADDING", (0, 0), (-1, -1), _above(size, BORDER[tier])),
                ("BOTTOMPADDING", (0, 0), (-1, -1), _below(size)),
            ]
        )
    )
    return table


def _months(
    handout: Handout, st: dict[str, ParagraphStyle], size: Sizes, width: float
) -> tuple[list[Flowable], list[Table]]:
    """The note on letters (unless it fits beside the last month), and the rows of months."""
    across = size.months_across
    gutter = _gutter(size)
    grid_w = 7 * month_cell_width(size, width)
    marks = handout.marks
    cells: list[list[Cell]] = [
        [_month(m, st, size, grid_w, marks, row.tall) for m in row.months]
        for row in month_rows(handout.months, across)
    ]
    note = _p(handout.marks_note, st["body"])
    room = len(cells[-1]) < across
    if room:
        cells[-1].append(note)
    spans = [("SPAN", (2 * (len(cells[-1]) - 1), 0), (-1, 0))] if room else []
    cells[-1] += [""] * (across - len(cells[-1]))
    widths = [w for _ in range(across) for w in (grid_w, gutter)][:-1]
    tables = []
    for index, row in enumerate(cells):
        table = _table([[cell for g in row for cell in (g, "")][:-1]], widths)
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                   ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                   ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                                   ("BOTTOMPADDING", (0, 0), (-1, -1), size.gap),
                                   *(spans if index == len(cells) - 1 else [])]))  # fmt: skip
        tables.append(table)
    return ([] if room else [note, Spacer(1, size.gap / 2)]), tables


def _month(month: MonthGrid, st: Styles, size: Sizes, width: float, marks: Sequence[str],
           tall: frozenset[int]) -> Table:  # fmt: skip
    cell_w = width / 7
    rows: list[Row] = [[_p(month.title, st["bold"])] + [""] * 6, list(month.weekdays)]
    marked: list[tuple[int, int]] = []
    for r, week in enumerate(month.weeks, start=2):
        row: list[Cell] = []
        for c, cell in enumerate(week):
            if cell is None:
                row.append("")
                continue
            if cell.mark:
                marked.append((c, r))
                box = mark_box(cell.day_of_month, cell.mark, size.body, cell_w, marks)
                row.append(MarkedDay(box))
            else:
                row.append(str(cell.day_of_month))
        rows.append(row)
    style: list[StyleCommand] = [
        ("SPAN", (0, 0), (-1, 0)),
        ("FONT", (0, 1), (-1, -1), REGULAR, size.body),
        ("FONT", (0, 1), (-1, 1), BOLD, size.body * 0.8),
        ("ALIGN", (0, 1), (-1, -1), "CENTER"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
        ("LINEBELOW", (0, 1), (-1, 1), 0.5, colors.black),
    ]
    # The weeks in ``tall`` as tall as a boxed day, the others as tall as their digits.
    tallest = mark_box(28, max(marks, key=len, default="W"), size.body, cell_w, marks)
    week_h = tallest.height + 2
    # In a tall week every day sits on the line of a boxed day's digits, not midway.
    digits_at = 1 + tallest.day_baseline - 0.2 * size.body  # a cell's leading is 1.2 its type
    for r, week in enumerate(month.weeks, start=2):
        plain = [c for c, cell in enumerate(week) if cell is not None and not cell.mark]
        for c in plain if r - 2 in tall else []:
            style += [("VALIGN", (c, r), (c, r), "BOTTOM"),
                      ("BOTTOMPADDING", (c, r), (c, r), digits_at)]  # fmt: skip
    plain_h = size.body * 1.2 + 2  # a line of digits (a cell's leading) and its padding, 1 + 1
    heights = [week_h if i in tall else plain_h for i in range(len(month.weeks))]
    table = Table([list(row) for row in rows], colWidths=[cell_w] * 7, hAlign="LEFT",
                  rowHeights=[None, None, *heights])  # fmt: skip
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), REGULAR, NORMAL.body), *style]))
    return table


def _gutter(size: Sizes) -> float:
    """The space between months side by side: four across need their cells' room."""
    return size.body / 2 if size.months_across > 3 else size.gap * 2


def frame_width(paper: Paper, size: Sizes) -> float:
    """The width the handout's text runs in, on this paper at this print size."""
    return PAGE_SIZES[paper][0] - 2 * size.margin


def month_cell_width(size: Sizes, width: float) -> float:
    """The width of a day's cell in the month grids, when the text runs ``width`` wide."""
    across = size.months_across
    return (width - _gutter(size) * (across - 1)) / across / 7


class MarkBox(NamedTuple):
    """Where a key date's day and letter go in its cell, in points from the box's corner."""

    day: str
    mark: str
    day_size: float
    mark_size: float
    stacked: bool  # the letter under the day, when the two side by side would not fit
    width: float  # the box, line included
    height: float
    text_width: float
    text_height: float
    cell_width: float

    @property
    def day_baseline(self) -> float:
        """The height of the day's baseline above the box's foot, line included."""
        inside = MARK_LINE + MARK_PAD * self.day_size
        if not self.stacked:
            return inside
        return inside + _cap_height() * self.mark_size + MARK_PAD * self.day_size


MARK_LINE = 1.25  # the box's line, in points
MARK_PAD = 0.08  # space around the letter and the day, as a share of the type size


def mark_box(
    day: int, mark: str, body: float, cell_width: float, marks: Sequence[str] = ("W",)
) -> MarkBox:
    """The box of a key date in a month grid, inside its cell: the letter under the day.

    The letter is in the same place in every language and every box is as wide as a
    two-digit day's or the widest of ``marks`` (the handout's letters), so that all look
    alike. The type shrinks only if even that is too wide.
    """
    cap = _cap_height()
    day_size = body
    while True:
        mark_size = day_size * MARK_SIZE_UNDER
        day_w = max(pdfmetrics.stringWidth(f"{n:02}", BOLD, day_size) for n in (day, 0))
        mark_w = max(pdfmetrics.stringWidth(m, BOLD, mark_size) for m in (mark, *marks))
        room = 2 * (MARK_LINE + MARK_PAD * day_size)
        text_w = max(day_w, mark_w)
        text_h = cap * (day_size + mark_size) + MARK_PAD * day_size
        if text_w + room <= cell_width or day_size <= body * 0.6:
            return MarkBox(str(day), mark, day_size, mark_size, True, text_w + room,
                           text_h + room, text_w, text_h, cell_width)  # fmt: skip
        day_size -= 0.5


class MarkedDay(Flowable):
    """A key date in a month grid: its day and letter in bold in a box, inside its cell."""

    def __init__(self, box: MarkBox) -> None:
        super().__init__()
        self.box = box

    def wrap(self, aW: float, aH: float) -> tuple[float, float]:  # reportlab's names
        """The cell's width and the box's height."""
        return self.box.cell_width, self.box.height

    def draw(self) -> None:
        """The box, centred in the cell, and the day and letter in it."""
        b, canvas = self.box, self.canv
        left = (b.cell_width - b.width) / 2
        canvas.setLineWidth(MARK_LINE)
        canvas.rect(left + MARK_LINE / 2, MARK_LINE / 2, b.width - MARK_LINE, b.height - MARK_LINE)
        inside = MARK_LINE + MARK_PAD * b.day_size
        middle = b.cell_width / 2
        # The day first, then its letter: text is read out (and copied) in this order.
        if b.stacked:
            canvas.setFont(BOLD, b.day_size)
            canvas.drawCentredString(middle, b.day_baseline, b.day)
            canvas.setFont(BOLD, b.mark_size)
            canvas.drawCentredString(middle, inside, b.mark)
            return
        right = middle + b.text_width / 2
        mark_w = pdfmetrics.stringWidth(b.mark, BOLD, b.mark_size)
        canvas.setFont(BOLD, b.day_size)
        canvas.drawRightString(right - mark_w - b.day_size * 0.06, inside, b.day)
        canvas.setFont(BOLD, b.mark_size)
        canvas.drawRightString(right, inside, b.mark)


def _numbered_canvas(
    running_head: str, page_of: str, size: Sizes, pages: list[int]
) -> type[Canvas]:
    """A canvas that writes ``name: title ... Page n of N`` at the foot of every page."""

    class NumberedCanvas(Canvas):
        _saved: list[dict[str, object]]  # each page's state, to draw its foot at the end

        def showPage(self) -> None:  # reportlab's name
            vars(self).setdefault("_saved", []).append(dict(vars(self)))
            self._startPage()  # type: ignore[attr-defined]

        def save(self) -> None:
            vars(self).setdefault("_saved", [])
            total = len(self._saved)
            pages.append(total)
            for number, state in enumerate(self._saved, start=1):
                self.__dict__.update(state)
                self._foot(number, total)
                super().showPage()
            super().save()

        def _foot(self, number: int, total: int) -> None:
            width, _ = self._pagesize  # type: ignore[attr-defined]
            y = size.margin * 0.8
            page = page_of.format(page=number, pages=total)
            room = width - 2 * size.margin - size.footer * 2
            font_size = size.footer
            while (
                font_size > 6
                and pdfmetrics.stringWidth(f"{running_head}{page}", REGULAR, font_size) > room
            ):
                font_size -= 0.5
            head = running_head
            while head and pdfmetrics.stringWidth(f"{head}{page}", REGULAR, font_size) > room:
                head = head[:-2] + "\u2026"  # still too wide at 6 pt: cut, and say so
            self.setFont(REGULAR, font_size)
            self.setLineWidth(0.5)
            self.line(
                size.margin, y + size.footer * 1.3, width - size.margin, y + size.footer * 1.3
            )
            self.drawString(size.margin, y, head)
            self.drawRightString(width - size.margin, y, page)

    return NumberedCanvas
