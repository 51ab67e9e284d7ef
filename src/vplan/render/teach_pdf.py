"""The teach-back as a page the nurse prints: each question, its answer, two boxes to tick.

The nurse ticks "answered" or "taught again" beside each question, then records the
numbers answered with ``vplan teach-back DATE --taught 1,2,4``. The page names no patient.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from vplan.errors import UnprintableError
from vplan.render.font import BOLD, REGULAR, shown_characters, unprintable
from vplan.render.pdf import PAGE_SIZES, escape, register_fonts

if TYPE_CHECKING:
    from vplan.documents import Rendered, Subject
    from vplan.formats import Paper
    from vplan.stamp import Stamp
    from vplan.teachback import TeachBack

BOX = 0.95 * inch  # the width of a column of boxes to tick
MARGIN = 0.5 * inch  # room for every question of the longest plan (Spanish, kyphoplasty)


def teach_back_file(subject: Subject, stamp: Stamp) -> Rendered:
    """The table's renderer of the nurse's page: the questions of ``subject.day``.

    The phone is the patient's (else the clinic's), the paper the layout's; the stamp ends it.
    """
    from vplan.documents import Rendered
    from vplan.formats import Paper
    from vplan.teachback import build_teach_back
    from vplan.words.teach import TeachWords

    plan, lang = subject.plan, subject.lang
    phone = (None if subject.patient is None else subject.patient.phone) or ""
    view = build_teach_back(
        plan, day=subject.day or 0, phone=phone or plan.protocol.info.phone or "", lang=lang
    )
    words = TeachWords(lang)
    heads = (words.page_head("question"), words.page_head("answered"), words.page_head("retaught"))
    then = (
        f"Then: vplan teach-back {plan.procedure_date.isoformat()} --taught "
        "followed by the numbers answered, such as 1,2,4 (with the same options)."
    )
    foot = [*words.notices(plan.protocol), words.stamp_line(stamp, plan.protocol), then]
    paper = Paper.LETTER if subject.layout is None else subject.layout.paper
    return Rendered(page(view, paper, heads, foot))


def page(view: TeachBack, paper: Paper, heads: tuple[str, str, str], foot: list[str]) -> bytes:
    """The nurse's page as PDF bytes: ``heads`` name the columns, ``foot`` ends the page."""
    texts = [view.title, view.day_line, view.how, *heads, *foot]
    for text in texts + [t for q in view.questions for t in (q.text, q.answer)]:
        if missing := unprintable(text):
            raise UnprintableError(
                f"the text {text[:40]!r} has characters the page's font cannot print: "
                f"{shown_characters(missing)}; change them in the rules file it comes from"
            )
    register_fonts()
    body = ParagraphStyle("body", fontName=REGULAR, fontSize=9, leading=11.5)
    bold = ParagraphStyle("bold", parent=body, fontName=BOLD)
    title = ParagraphStyle("title", parent=bold, fontSize=14, leading=18, spaceAfter=4)
    size = PAGE_SIZES[paper]
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=size, leftMargin=MARGIN, rightMargin=MARGIN,
        topMargin=MARGIN, bottomMargin=MARGIN, title=view.title, lang=view.lang,
        invariant=True,
    )  # fmt: skip
    width = size[0] - 2 * MARGIN
    rows: list[list[object]] = [
        [Paragraph("#", bold), Paragraph(escape(heads[0]), bold),
         Paragraph(escape(heads[1]), bold), Paragraph(escape(heads[2]), bold)],
    ]  # fmt: skip
    for question in view.questions:
        rows.append(
            [
                Paragraph(str(question.number), bold),
                [
                    Paragraph(escape(question.text), bold),
                    Paragraph(f"{escape(view.expected)} {escape(question.answer)}", body),
                ],
                "",
                "",
            ]
        )
    table = Table(rows, colWidths=[0.3 * inch, width - 0.3 * inch - 2 * BOX, BOX, BOX],
                  repeatRows=1)  # fmt: skip
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.75, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.9, 0.9, 0.9)),
            ]
        )
    )
    story = [
        Paragraph(escape(view.title), title),
        Paragraph(escape(view.day_line), body),
        Paragraph(escape(view.how), body),
        Spacer(1, 8),
        table,
        Spacer(1, 8),
        *(Paragraph(escape(line), body) for line in foot),
    ]
    doc.build(story)
    return buffer.getvalue()
