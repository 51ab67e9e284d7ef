"""How the handout sits on its pages: large print that reads well, key dates boxed in their cells."""

from __future__ import annotations

import io
import re
from datetime import date, time, timedelta
from functools import cache
from itertools import pairwise
from pathlib import Path

import pypdf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reportlab.platypus import Paragraph, Table

from conftest import FIVE_MONTHS, RulesFile, pieces_of
from vplan.handout import Handout, Layout, Paper, Patient, build_handout, marked
from vplan.model import Protocol, Tier
from vplan.plan import FollowUp, build_plan
from vplan.render import pdf
from vplan.rules import load, resolve

PATIENT = Patient(
    "Maria Guadalupe Hernandez-Rodriguez", "St. Mary's Spine and Pain Center", "(555) 010-0199",
    "Dr. Jonathan Whitfield",
)  # fmt: skip
LEVELS = Patient(
    "Ana López", "St. Mary's Spine and Pain Center", "(555) 010-0199", "Dr. Jonathan Whitfield",
    "T12, L1",
)  # fmt: skip
OLDER_RULES = Path(__file__).parent / "data" / "rules-2026.11-1.yaml"
YEAR = [date(2025, 1, 1) + timedelta(days=n) for n in range(365)]


@cache
def protocol(procedure: str | None) -> Protocol:
    """The default rules' protocol of this procedure (None: the main one)."""
    return load(resolve(None, {}), {}, use_cache=False, procedure=procedure)


class Page:
    """One printed page: its text, and how far down its body text reaches."""

    def __init__(self, page: pypdf.PageObject) -> None:
        """Read the page's text pieces with their heights on the page."""
        pieces: list[tuple[float, str]] = []

        def visit(text: str, cm: list[float], tm: list[float], *_: object) -> None:
            if text.strip():
                pieces.append((tm[5] * cm[3] + cm[5], text))

        self.text = re.sub(r"\s+", " ", page.extract_text(visitor_text=visit))
        self.height = float(page.mediabox.height)
        footer = min(y for y, _ in pieces)
        self.lowest = min(y for y, _ in pieces if y > footer + 1)  # above the running footer


def pages(handout: Handout) -> list[Page]:
    """The handout printed to PDF, page by page."""
    return [Page(p) for p in pypdf.PdfReader(io.BytesIO(pdf.document(handout))).pages]


def page_of(printed: list[Page], needle: str) -> int:
    """The first page on which ``needle`` is printed."""
    return next(n for n, page in enumerate(printed) if needle in page.text)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    when=st.sampled_from(YEAR),
    procedure=st.sampled_from([None, "kyphoplasty"]),
    paper=st.sampled_from(list(Paper)),
    lang=st.sampled_from(["en", "es"]),
)
def test_large_print_keeps_every_block_whole_and_fills_its_pages(
    when: date, procedure: str | None, paper: Paper, lang: str
) -> None:
    """Large print, any date: 911 tier on page 1; a tier starts with two signs, goes on headed."""
    handout = build_handout(
        build_plan(protocol(procedure), when), PATIENT, Layout(paper, large_print=True), lang
    )
    printed = pages(handout)
    assert len(printed) <= (9 if lang == "en" else 10)
    first = printed[0].text
    for field in handout.fields:
        assert f"{field.label}: {field.value}" in first
    emergency = next(box for box in handout.signs if box.tier is Tier.EMERGENCY)
    for text in (emergency.heading, *emergency.signs):
        assert text in first, text
    for box in handout.signs:  # each sign whole; over the page, under its tier's heading again
        opens = page_of(printed, box.heading)
        again = handout.continued.format(heading=box.heading.removesuffix(":")) + ":"
        for sign in box.signs:
            on = page_of(printed, sign)
            assert on == opens or again in printed[on].text, (sign, again)
        if box.tier is not Tier.EMERGENCY:  # never one sign alone under its heading at a foot
            assert sum(sign in printed[opens].text for sign in box.signs) >= min(2, len(box.signs))
    for key in handout.key_dates:
        where = printed[page_of(printed, f"({key.mark}) {key.when}")].text
        assert all(item in where for item in key.items), key.when
    for span in handout.care:  # the days' heading on the page of their first item
        where = printed[page_of(printed, f"({span.mark}) {span.heading}")].text
        assert span.texts[0] in where, span.heading
        for text in span.texts:  # each item whole on one page
            assert any(text in page.text for page in printed), text
    opens = page_of(printed, handout.months_heading)  # never alone: the first month under it
    assert handout.months[0].title in printed[opens].text
    for number, page in enumerate(printed[:-1], start=1):
        # A key date with its care items, or a row of months with the footer, is one block
        # and may leave up to two thirds of a page.
        assert page.lowest < page.height * 2 / 3, f"page {number} is less than a third full"


@pytest.mark.parametrize("procedure", [None, "kyphoplasty"])
def test_every_key_date_box_fits_inside_its_calendar_cell(procedure: str | None) -> None:
    """Any date of a year, size and paper: a key date's day and letter, boxed, fit in its cell."""
    sizes = [pdf.NORMAL, pdf.COMPACT, pdf.LARGE]
    cells = {
        (size, paper): pdf.month_cell_width(size, pdf.frame_width(paper, size))
        for size in sizes
        for paper in Paper
    }
    seen = 0
    for when in YEAR:
        handout = build_handout(
            build_plan(protocol(procedure), when), Patient("Ann Lee", phone="555-0100")
        )
        marked = [c for m in handout.months for w in m.weeks for c in w if c and c.mark]
        assert len(marked) == len(handout.marks)
        for cell in marked:
            for (size, _), width in cells.items():
                marks = list(handout.marks)
                box = pdf.mark_box(cell.day_of_month, cell.mark, size.body, width, marks)
                assert box.day_size == size.body
                assert box.text_width + 2 * pdf.MARK_LINE < box.width <= box.cell_width
                assert box.cell_width == width
                seen += 1
    assert seen > 365 * len(cells)


@cache
def older_protocol() -> Protocol:
    """The pinned earlier protocol, shorter: its handouts often fit the roomy sizes."""
    return load(resolve(OLDER_RULES, {}), {}, use_cache=False)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    when=st.sampled_from(YEAR),
    older=st.booleans(),
    paper=st.sampled_from(list(Paper)),
    lang=st.sampled_from(["en", "es"]),
)
def test_normal_print_is_the_roomy_layout_when_it_fits_two_pages_else_the_shorter(
    when: date, older: bool, paper: Paper, lang: str
) -> None:
    """Normal print is what drawing both sizes would choose: roomy on two pages, else shorter."""
    rules = older_protocol() if older else protocol(None)
    handout = build_handout(build_plan(rules, when), PATIENT, Layout(paper), lang)
    roomy, roomy_pages = pdf._build(handout, pdf.NORMAL)
    compact, compact_pages = pdf._build(handout, pdf.COMPACT)
    expected = roomy if roomy_pages <= 2 or compact_pages >= roomy_pages else compact
    assert pdf.document(handout) == expected


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    when=st.sampled_from(YEAR),
    older=st.booleans(),
    size=st.sampled_from([pdf.NORMAL, pdf.COMPACT, pdf.LARGE]),
    paper=st.sampled_from(list(Paper)),
    lang=st.sampled_from(["en", "es"]),
)
def test_laying_out_without_drawing_counts_the_pages_of_the_drawn_handout(
    when: date, older: bool, size: pdf.Sizes, paper: Paper, lang: str
) -> None:
    """The layout that draws nothing ends on the page the printed handout ends on."""
    rules = older_protocol() if older else protocol(None)
    layout = Layout(paper, large_print=size is pdf.LARGE)
    handout = build_handout(build_plan(rules, when), PATIENT, layout, lang)
    data, pages = pdf._build(handout, size)
    assert pdf._pages_needed(handout, size) == pages == len(pypdf.PdfReader(io.BytesIO(data)).pages)


@pytest.mark.parametrize("when", YEAR[::61])
def test_reading_and_breaking_each_paragraph_once_changes_no_byte(
    when: date, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reusing a text's parts and line breaks gives the very PDF that working them out again gives."""
    for layout, lang in ((Layout(), "en"), (Layout(Paper.A4, large_print=True), "es")):
        handout = build_handout(build_plan(protocol(None), when), PATIENT, layout, lang)
        reused = pdf.document(handout)
        with monkeypatch.context() as patch:
            patch.setattr(pdf, "_Paragraph", Paragraph)
            assert pdf.document(handout) == reused


BROKEN = re.compile(
    r"\b(?:Sun|Mon|Tue|Wed|Thu|Fri|Sat),\n|\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\n\d"
    r"|\d,\n\d{4}|\(555\)\n|\d\n(?:lb|kg|pounds|weeks|days|months|minutes|de)\b|\d de\n"
)


@pytest.mark.parametrize("large_print", [False, True])
@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("paper", list(Paper))
def test_phone_numbers_dates_and_figures_are_never_broken_across_lines(
    large_print: bool, lang: str, paper: Paper
) -> None:
    """No line of the PDF ends inside the phone number, a date or a figure with its unit."""
    from vplan.plan import FollowUp

    plan = build_plan(protocol(None), date(2025, 3, 1), follow_up=FollowUp(date(2025, 3, 10)))
    handout = build_handout(plan, PATIENT, Layout(paper, large_print), lang)
    reader = pypdf.PdfReader(io.BytesIO(pdf.document(handout)))
    assert "(555) 010-0199" in reader.pages[0].extract_text()
    for number, page in enumerate(reader.pages, start=1):
        text = page.extract_text()
        assert not BROKEN.findall(text), (number, BROKEN.findall(text))
    # Nor is a word cut in two where a line may not break (a key date in its column).
    whole = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    for key in handout.key_dates:
        assert key.when in whole, key.when


@pytest.mark.parametrize("paper", list(Paper))
@pytest.mark.parametrize("size", [pdf.NORMAL, pdf.COMPACT, pdf.LARGE])
def test_calendar_letters_are_large_and_under_the_day_in_every_language(
    paper: Paper, size: pdf.Sizes
) -> None:
    """A key date's letter is at least 10 pt (14 pt in large print), always under its day."""
    width = pdf.month_cell_width(size, pdf.frame_width(paper, size))
    marks = list("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    for day in (1, 28, 31):
        for mark in ("A", "W", "M"):
            box = pdf.mark_box(day, mark, size.body, width, marks)
            assert box.stacked
            assert box.mark_size >= (14 if size is pdf.LARGE else 10)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_box_of_limits_says_continued_on_the_pages_it_goes_on_to(lang: str) -> None:
    """Large print: the box's heading is repeated with '(continued)' on each page after its first."""
    plan = build_plan(protocol(None), date(2025, 3, 1))
    handout = build_handout(plan, PATIENT, Layout(large_print=True), lang)
    printed = pages(handout)
    heading = " ".join(handout.now.heading.split())
    continued = " ".join(handout.now.continued.split())
    holding = [page.text for page in printed if heading in page.text]
    assert len(holding) >= 2
    assert continued not in holding[0]
    assert all(continued in text for text in holding[1:])


@pytest.mark.parametrize(("procedure", "lang"), [(None, "en")])
def test_normal_print_care_and_advice_go_on_over_the_page_under_their_heading(
    procedure: str | None, lang: str
) -> None:
    """Normal print: a section cut by the page goes on under its heading with '(continued)'."""
    went_on = 0
    for when in YEAR[::11]:  # dates across a year: the page cuts differ by date
        handout = build_handout(build_plan(protocol(procedure), when), PATIENT, Layout(), lang)
        printed = pages(handout)
        for heading, continued in (
            (handout.care_heading, handout.care_continued),
            (handout.instead_heading, handout.instead_continued),
        ):
            first = page_of(printed, heading)
            later = [n for n, page in enumerate(printed) if continued in page.text]
            # Each page it goes on to starts with the continued heading, right after the first.
            assert later == list(range(first + 1, first + 1 + len(later))), (when, heading)
            went_on += len(later)
        # No care item or piece of advice is cut by the page: each is whole on one page.
        whole = [
            *(t for span in handout.care for t in span.texts),
            *(f"{i.label}: {i.value}" for i in handout.instead),
        ]
        for text in whole:
            assert any(" ".join(text.split()) in page.text for page in printed), (when, text)
    assert went_on  # some of these handouts cut one of them (so the checks above ran)


def test_an_activity_allowed_with_care_until_the_care_team_says_is_never_said_forbidden() -> None:
    """Sleeping (back or side, until the care team says) is not 'only when your care team says'."""
    plan = build_plan(protocol(None), date(2025, 3, 1))
    handout = build_handout(plan, PATIENT, Layout())
    sleeping = plan.protocol.activity("sleeping").name.get()
    assert not any(sleeping in text for text in handout.until_cleared)
    in_box = [f.value for group in handout.now.limits for f in group.limits if f.label == sleeping]
    assert in_box
    assert "Do not sleep on your stomach" in in_box[0]


@pytest.mark.parametrize("large", [False, True])
@pytest.mark.parametrize("when", [date(2026, 12, 7), date(2025, 3, 1)])
def test_a_days_limits_that_go_on_over_the_page_have_its_heading_again(
    when: date, large: bool
) -> None:
    """The box's first item on a later page is a day's heading, never a bare limit."""
    handout = build_handout(build_plan(protocol(None), when), PATIENT, Layout(large_print=large))
    continued = " ".join(handout.now.continued.split())
    plain_heads = {g.heading.removesuffix(":") for g in handout.now.limits if not g.mark}
    seen = 0
    for page in pages(handout):
        if continued not in page.text:
            continue
        after = page.text.split(continued, 1)[1].lstrip()
        assert after.startswith("(") or after.startswith(tuple(plain_heads)), after[:80]
        seen += 1
    assert seen  # the box goes on over the page for this patient


def right_column_tops(data: bytes, headings: list[str]) -> list[tuple[str, str]]:
    """The first line of the right column under each of ``headings`` on every page."""
    tops = []
    for page in pypdf.PdfReader(io.BytesIO(data)).pages:
        pieces = pieces_of(page)
        footer = min(y for _, y, _ in pieces)  # the running footer: no column of the page
        pieces = [piece for piece in pieces if piece[1] > footer + 1]
        middle = float(page.mediabox.width) / 2
        for heading in headings:
            above = [y for x, y, text in pieces if x < middle and text.startswith(heading)]
            for top in above:
                # The right column's top, on the line under the heading (none: one column)
                under = [
                    (y, text) for x, y, text in pieces if x > middle and top - 40 < y < top - 1
                ]
                if under:
                    tops.append((heading, max(under)[1].replace("\xa0", " ")))
    return tops


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("when", [date(2025, 3, 1), date(2025, 7, 28), date(2025, 12, 20)])
def test_a_day_that_goes_on_in_the_right_column_has_its_heading_again(
    lang: str, when: date
) -> None:
    """The right column starts with a day's heading, whole or as a letter that heads one group."""
    handout = build_handout(build_plan(protocol(None), when), PATIENT, Layout(), lang)
    sections = {
        handout.now.heading[:20]: [(g.mark, g.heading) for g in handout.now.limits],
        handout.care_heading: [(s.mark, s.heading) for s in handout.care],
    }
    tops = right_column_tops(pdf.document(handout), list(sections))
    assert {heading for heading, _ in tops} == set(sections)  # each in two columns here
    for heading, top in tops:
        groups = sections[heading]
        letters = [mark for mark, _ in groups]
        allowed = [marked(mark, h) for mark, h in groups]  # a day that starts there
        allowed += [marked(mark, handout.continued.format(heading=h.removesuffix(":")) + ":")
                    for mark, h in groups]  # fmt: skip
        # "(E) continued:" only where one group has the letter: never the wrong one of two
        allowed += [marked(m, handout.goes_on) for m in letters if m and letters.count(m) == 1]
        allowed = [" ".join(a.replace("\xa0", " ").split()) for a in allowed]
        assert any(a.startswith(top) for a in allowed), (heading, top)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_large_prints_box_of_limits_is_closed_at_the_foot_of_each_page_it_goes_on_from(
    lang: str,
) -> None:
    """Each page's part of the box has its line along the bottom, clear of the descenders."""
    handout = build_handout(
        build_plan(protocol(None), date(2025, 3, 1)), PATIENT, Layout(large_print=True), lang
    )
    pdf.register_fonts()
    width = pdf.frame_width(Paper.LETTER, pdf.LARGE)
    box = pdf._now_box(handout, pdf._styles(pdf.LARGE), pdf.LARGE, width)
    box.wrap(width, 10_000)
    parts = box.split(width, 300)  # a page with room for a few rows only
    assert len(parts) == 2
    first = parts[0]
    rows = len(first._cellvalues)  # type: ignore[attr-defined]
    below = [c for c in first._linecmds if c[0] == "LINEBELOW"]  # type: ignore[attr-defined]
    assert any(c[2][1] in (-1, rows - 1) and c[3] >= 2.5 for c in below)
    # The line clears the last line's descenders as the box's own foot does, and still fits.
    last = first._cellStyles[-1][0]  # type: ignore[attr-defined]
    assert last.bottomPadding >= pdf.LARGE.body * 0.25 + pdf.LARGE.gap / 2
    assert first.wrap(width, 300)[1] <= 300


@settings(max_examples=16, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    when=st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31)),
    procedure=st.sampled_from([None, "kyphoplasty"]),
    paper=st.sampled_from(list(Paper)),
    lang=st.sampled_from(["en", "es"]),
)
def test_normal_print_takes_three_pages_in_every_language_paper_and_procedure(
    when: date, procedure: str | None, paper: Paper, lang: str
) -> None:
    """Normal print, stamped, long details or levels, a booked visit or none: 3 pages at most."""
    from vplan.stamp import make_stamp

    made = make_stamp(protocol(procedure), lang, date(2026, 12, 7))
    later = FollowUp(when + timedelta(days=9), time(16), "Clinic B, 2nd floor")
    for patient, visit in ((PATIENT, None), (LEVELS, later)):
        plan = build_plan(protocol(procedure), when, follow_up=visit)
        handout = build_handout(plan, patient, Layout(paper), lang, made)
        assert len(pages(handout)) <= 3


@pytest.mark.parametrize(
    "when",
    [date(2025, 9, 1), date(2025, 9, 8), date(2025, 11, 3), date(2025, 11, 10), date(2025, 12, 17)],
)
def test_spanish_kyphoplasty_with_levels_and_a_visit_at_a_place_takes_three_pages(
    when: date,
) -> None:
    """The dates whose long visit line (a Spanish date, a time and a place) made page 4."""
    visit = FollowUp(when + timedelta(days=9), time(16), "Clinic B, 2nd floor")
    plan = build_plan(protocol("kyphoplasty"), when, follow_up=visit)
    handout = build_handout(plan, LEVELS, Layout(Paper.LETTER), "es")
    assert len(pages(handout)) == 3


@pytest.mark.parametrize(
    "when", [date(2025, 1, 28), date(2025, 7, 27), date(2025, 9, 28), date(2025, 12, 15)]
)
def test_spanish_kyphoplasty_on_letter_takes_three_pages_where_it_took_four(when: date) -> None:
    """The longest handout (Spanish, kyphoplasty, Letter) on dates whose calendar ran to page 4."""
    from vplan.stamp import make_stamp

    rules = protocol("kyphoplasty")
    made = make_stamp(rules, "es", date(2026, 12, 7))
    handout = build_handout(build_plan(rules, when), PATIENT, Layout(Paper.LETTER), "es", made)
    printed = pages(handout)
    assert len(printed) == 3
    assert handout.months_heading in printed[-1].text  # the calendar, whole, on the last page


@pytest.mark.parametrize(
    "size", [pdf.NORMAL, pdf.COMPACT, pdf.LARGE], ids=["roomy", "compact", "large"]
)
@pytest.mark.parametrize("when", [date(2025, 3, 1), date(2025, 8, 31), date(2025, 12, 31)])
@pytest.mark.parametrize("shown", [4, 5])
def test_weeks_of_months_side_by_side_line_up_and_only_marked_weeks_are_tall(
    size: pdf.Sizes, when: date, shown: int, rules_file: RulesFile
) -> None:
    """A week is as tall in every month beside it; tall for a boxed day only where one is."""
    rules = (
        protocol("kyphoplasty") if shown == 4 else load(resolve(rules_file(FIVE_MONTHS), {}), {})
    )
    handout = build_handout(build_plan(rules, when), PATIENT)
    assert len(handout.months) == shown  # five: the last row of four across has one month
    pdf.register_fonts()
    width = pdf.frame_width(Paper.LETTER, size)
    _, rows = pdf._months(handout, pdf._styles(size), size, width)
    grids = iter(handout.months)
    tall_seen = plain_seen = 0
    for row in rows:
        tables = [cell for cell in vars(row)["_cellvalues"][0] if isinstance(cell, Table)]
        months = [next(grids) for _ in tables]
        heights = [vars(table)["_rowHeights"][2:] for table in tables]  # under the weekdays
        for week in range(max(len(m.weeks) for m in months)):
            marked = any(
                cell is not None and cell.mark
                for m in months
                if week < len(m.weeks)
                for cell in m.weeks[week]
            )
            of_week = {h[week] for h in heights if week < len(h)}
            assert len(of_week) == 1, (week, of_week)  # the same in every month of the row
            tall_seen += marked
            plain_seen += not marked
            box = pdf.mark_box(28, "W", size.body, pdf.month_cell_width(size, width))
            assert (of_week.pop() >= box.height) is marked
    assert tall_seen
    assert plain_seen
    assert next(grids, None) is None


@pytest.mark.parametrize("large", [False, True], ids=["normal", "large"])
@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("when", [date(2025, 3, 1), date(2025, 8, 31), date(2025, 12, 31)])
def test_a_boxed_day_sits_on_the_line_of_the_other_days_of_its_week(
    when: date, lang: str, large: bool
) -> None:
    """In the printed calendar, a boxed day's digits are level with the plain days beside it."""
    rules = load(resolve(None, {}), {}, use_cache=False)
    layout = Layout(large_print=large)
    handout = build_handout(build_plan(rules, when), PATIENT, layout=layout, lang=lang)
    data = pdf.document(handout)
    days = {str(n) for n in range(1, 32)}
    checked = beside = 0
    for page in pypdf.PdfReader(io.BytesIO(data)).pages:
        pieces = pieces_of(page)
        for x, y, text in pieces:
            if text not in handout.marks:
                continue
            # The boxed day is the digits just above its letter, in the same cell.
            above = [(py, t) for px, py, t in pieces
                     if t in days and abs(px - x) < 8 and 0 < py - y < 20]  # fmt: skip
            if not above:
                continue  # the letter beside a day in the text, not in a box
            day_y = min(above)[0]
            # The other days of its row of months: the pieces just as high, or as good as.
            near = [py for _, py, t in pieces if t in days and abs(py - day_y) < 8]
            assert all(abs(py - day_y) < 0.05 for py in near), (text, day_y, sorted(near))
            checked += 1
            beside += len(near) - 1  # a last week may hold the boxed day alone
    assert checked == len(handout.marks)
    assert beside > 0


@pytest.mark.parametrize("patient", [PATIENT, LEVELS])
@pytest.mark.parametrize("large_print", [False, True])
@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("procedure", [None, "kyphoplasty"])
def test_page_one_has_the_signs_to_call_911_for_under_the_longest_details(
    procedure: str | None, lang: str, large_print: bool, patient: Patient
) -> None:
    """Every detail, levels and a booked visit never push the 911 signs off page 1.

    Normal print has them all there; large print starts them there, and a sign that does not
    fit goes on over the page under the tier's heading again.
    """
    when = date(2025, 1, 1)  # a long weekday and month, in Spanish
    visit = FollowUp(date(2025, 1, 10), time(14, 30), "Clinic B, 2nd floor")
    plan = build_plan(protocol(procedure), when, follow_up=visit)
    handout = build_handout(plan, patient, Layout(Paper.LETTER, large_print), lang)
    printed = pages(handout)
    emergency = next(box for box in handout.signs if box.tier is Tier.EMERGENCY)
    assert emergency.heading in printed[0].text
    assert " ".join(emergency.signs[0].split()) in printed[0].text
    again = handout.continued.format(heading=emergency.heading.removesuffix(":")) + ":"
    for sign in emergency.signs:
        on = page_of(printed, " ".join(sign.split()))
        assert on == 0 or (large_print and on == 1 and again in printed[1].text), sign
    assert len(printed) <= (3 if not large_print else 9 if lang == "en" else 10)


@pytest.mark.parametrize("when", [date(2025, 1, 1), date(2025, 9, 17)])
@pytest.mark.parametrize("lang", ["en", "es"])
def test_large_print_never_leaves_the_signs_heading_alone_under_the_longest_details(
    lang: str, when: date
) -> None:
    """Details at their longest: 'Warning signs' and the first 911 sign share a page.

    A booked visit, its place as long, moves them to no later page: where it would, it is
    said in the box of limits instead of under the details.
    """
    wide = " ".join(["Wwwwwwww"] * 9)  # 80 characters, the most a detail may have
    levels = ", ".join(f"T{n}" for n in range(1, 13))
    patient = Patient(wide, wide, "(555) 010-0199", wide, levels)
    starts = []
    for visit in (None, FollowUp(when + timedelta(days=27), time(14, 30), wide)):
        plan = build_plan(protocol(None), when, follow_up=visit)
        handout = build_handout(plan, patient, Layout(large_print=True), lang)
        printed = pages(handout)
        emergency = next(box for box in handout.signs if box.tier is Tier.EMERGENCY)
        heading = page_of(printed, handout.signs_heading)
        assert emergency.heading in printed[heading].text
        assert " ".join(emergency.signs[0].split()) in printed[heading].text
        starts.append(heading)
        if visit is not None:  # said once, wherever it is
            booked = " ".join(handout.now.visit.split(": ", 1)[1].split())
            assert sum(page.text.count(booked) for page in printed) == 1
    assert starts[1] == starts[0]


def _box_of(
    heights: list[float], tail: list[float], plain: int = 0
) -> tuple[pdf._TwoColumns, float]:
    """A two-column box of items and tail pieces of these heights, and its heading's height."""
    from reportlab.platypus import Spacer

    pdf.register_fonts()
    st = pdf._styles(pdf.NORMAL)
    heading = pdf._p("What not to do yet", st["bold"])
    box = pdf._TwoColumns(
        heading, pdf._p("What not to do yet (continued)", st["bold"]),
        [Spacer(1, h) for h in heights], 500, pdf.NORMAL, tail=[Spacer(1, h) for h in tail],
        plain=plain,
    )  # fmt: skip
    return box, heading.wrap(500, 1000)[1]


def test_items_that_all_fit_are_balanced_to_leave_room_for_the_tail_under_them() -> None:
    """The items fit here: balanced, not the left column filled down, the tail's first fits too."""
    box, heading = _box_of([100, 100, 100, 100], tail=[70, 70])
    here, later = box.split(500, heading + 320)  # room for 3 items in a column, or 200 and 70 twice
    assert here.wrap(500, 1000)[1] == pytest.approx(heading + 200 + 70)
    assert isinstance(later, pdf._TwoColumns)
    assert len(later.tail) == 1
    assert not later.items


def test_only_the_tail_over_the_page_has_no_continued_heading() -> None:
    """The visit to book and the number to call go on over the page under no 'continued' heading."""
    box, heading = _box_of([100, 100], tail=[90], plain=1)
    here, later = box.split(500, heading + 150)
    assert here.wrap(500, 1000)[1] == pytest.approx(heading + 100)
    assert isinstance(later, pdf._TwoColumns)
    assert later.tail
    assert not later.items
    assert later.wrap(500, 1000)[1] == pytest.approx(90)  # the tail alone, no heading above it


def test_orders_over_the_page_go_on_under_the_continued_heading() -> None:
    """More of the tail than the number to call (the care team's orders): 'continued' above it."""
    box, heading = _box_of([100, 100], tail=[40, 40, 90], plain=1)
    _, later = box.split(500, heading + 150)  # the items balanced, and the first order, fit
    assert isinstance(later, pdf._TwoColumns)
    assert len(later.tail) == 2
    assert later.wrap(500, 1000)[1] == pytest.approx(heading + 130)


def test_a_long_clinic_name_makes_no_line_of_the_patients_side_taller() -> None:
    """The details' halves are columns of their own: a wrapped clinic name leaves the left alone."""
    plan = build_plan(protocol(None), date(2025, 3, 1))
    handout = build_handout(plan, LEVELS, Layout())
    clinic = next(f for f in handout.fields if f.key == "clinic")
    first = pypdf.PdfReader(io.BytesIO(pdf.document(handout))).pages[0]
    at = {text: y for _, y, text in pieces_of(first)}
    assert clinic.value not in at  # the clinic's name wraps onto a second line
    labels = [f.label + ":" for f in handout.fields if f.key in ("patient", "procedure", "levels")]
    ys = [at[label] for label in labels]
    gaps = [above - below for above, below in pairwise(ys)]
    assert all(gap < pdf.NORMAL.leading * 1.5 for gap in gaps), gaps  # one line each
