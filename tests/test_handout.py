from __future__ import annotations

import html
import io
import re
from datetime import date, time, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pypdf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf.generic import DictionaryObject

from conftest import ANN_HANDOUT, FIVE_MONTHS, RulesFile, Run, edited, pieces_of
from vplan.authoring.lint import NUMBERED_DAYS
from vplan.chars import unbroken
from vplan.handout import Layout, Paper, Patient, build_handout, marked
from vplan.model import Protocol, Tier
from vplan.plan import FollowUp, Plan, build_plan
from vplan.render import font, pdf, webpage
from vplan.rules import load, resolve

ANN = Patient("Ann Lee", "Spine Clinic", "555-0100", "Dr. Rivera")
HOSTILE = "<b>Ann</b> & Co"
LONG = Patient(
    "Maria Guadalupe Hernandez-Rodriguez",
    "St. Mary's Spine and Pain Center",
    "(555) 010-0199",
    "Dr. Jonathan Whitfield",
)


def pdf_reader(data: bytes) -> pypdf.PdfReader:
    """The PDF, parsed."""
    return pypdf.PdfReader(io.BytesIO(data))


def pdf_text(data: bytes) -> str:
    """All the text of a PDF, with runs of white space made single spaces."""
    text = " ".join(page.extract_text() for page in pdf_reader(data).pages)
    return re.sub(r"\s+", " ", text)


LETTER = Layout()


def handout_pdf(plan: Plan, patient: Patient = ANN, layout: Layout = LETTER) -> bytes:
    """The PDF handout of this plan."""
    return pdf.document(build_handout(plan, patient, layout))


def test_page_one_has_the_patient_the_procedure_the_clinic_and_whom_to_call(plan: Plan) -> None:
    """Page 1 starts with the name, the procedure and its date with weekday, clinic, doctor, phone."""
    first = re.sub(r"\s+", " ", pdf_reader(handout_pdf(plan)).pages[0].extract_text())
    for text in (
        "Ann Lee",
        "vertebroplasty",
        "Sat, Mar 1, 2025",
        "Spine Clinic",
        "Dr. Rivera",
        "555-0100",
    ):
        assert text in first, text
    assert first.index("Ann Lee") < first.index("Warning signs")


@pytest.mark.parametrize(
    ("lang", "booked", "signs"),
    [
        ("en", "(D) Your follow-up visit: Mon, Mar 10, 2025 at 2:30 PM, Clinic B.",
         "Warning signs"),
        ("es", "(D) Su cita de control: lunes, 10 de marzo de 2025 a las 2:30 p.m., Clinic B.",
         "Señales de alarma"),
    ],
)  # fmt: skip
def test_a_booked_visit_is_on_page_one_under_the_patients_details(
    protocol: Protocol, lang: str, booked: str, signs: str
) -> None:
    """In normal print a booked visit, weekday and letter, is under the details, before the signs."""
    visit = FollowUp(date(2025, 3, 10), time(14, 30), "Clinic B")
    plan = build_plan(protocol, date(2025, 3, 1), follow_up=visit)
    handout = build_handout(plan, LONG, LETTER, lang)
    pages = [page.extract_text() for page in pdf_reader(pdf.document(handout)).pages]
    texts = [" ".join(page.replace("\xa0", " ").split()) for page in pages]
    first = texts[0]
    assert first.index(LONG.name.split()[0]) < first.index(booked) < first.index(signs)
    assert sum(page.count(booked) for page in texts) == 1  # said once, there
    web = html.unescape(webpage.document(handout).decode("utf-8")).replace("\xa0", " ")
    shown = re.sub(r"<[^>]+>", "", web)
    assert shown.count(booked) == 1
    assert web.index('<p class="visit">') < web.index('<section class="now">')


@pytest.mark.parametrize("lang", ["en", "es"])
def test_large_print_says_a_booked_visit_on_page_one_too(protocol: Protocol, lang: str) -> None:
    """Large print as normal print: the booked visit under the details, once, before the signs."""
    visit = FollowUp(date(2025, 3, 10), time(14, 30), "Clinic B")
    plan = build_plan(protocol, date(2025, 3, 1), follow_up=visit)
    handout = build_handout(plan, LONG, Layout(large_print=True), lang)
    booked = handout.now.visit.split(": ", 1)[1]
    pages = [" ".join(page.extract_text().replace("\xa0", " ").split())
             for page in pdf_reader(pdf.document(handout)).pages]  # fmt: skip
    assert booked in pages[0]
    assert pages[0].index(booked) < pages[0].index(handout.signs[0].heading)
    assert sum(page.count(booked) for page in pages) == 1
    web = html.unescape(webpage.document(handout).decode("utf-8")).replace("\xa0", " ")
    assert re.sub(r"<[^>]+>", "", web).count(booked) == 1
    assert web.index('<p class="visit">') < web.index('<section class="now">')


def test_a_visit_only_due_is_said_in_the_box_with_whom_to_call(protocol: Protocol) -> None:
    """Not booked, the visit is due in a window: said in the box, beside the number to call."""
    handout = build_handout(build_plan(protocol, date(2025, 3, 1)), ANN, LETTER)
    text = pdf_text(pdf.document(handout)).replace("\xa0", " ")
    due = "(D) Your follow-up visit is due between Sat, Mar 8 and Sat, Mar 15."
    assert text.count(due) == 1
    box = text.index("What not to do yet")
    assert box < text.index(due) < text.index("Questions? Call us at 555-0100.")


@pytest.mark.parametrize("lang", ["en", "es"])
def test_large_print_lists_who_and_when_then_whom_to_call(plan: Plan, lang: str) -> None:
    """In one column: patient, procedure and date, then clinic, doctor and phone."""
    handout = build_handout(plan, LONG, Layout(large_print=True), lang)
    first = re.sub(r"\s+", " ", pdf_reader(pdf.document(handout)).pages[0].extract_text())
    labels = {f.key: f.label for f in handout.fields}
    order = [first.index(labels[key] + ":") for key in ("patient", "procedure", "date")]
    order += [first.index(labels[key] + ":") for key in ("clinic", "doctor", "phone")]
    assert order == sorted(order)


def test_the_warning_signs_are_on_page_one_in_their_three_tiers(plan: Plan) -> None:
    """The tiers read 'Call 911 now', 'Call us at PHONE today' and 'Normal', each with its signs."""
    first = re.sub(r"\s+", " ", pdf_reader(handout_pdf(plan)).pages[0].extract_text())
    headings = [
        "Call 911 now if:",
        "Call us at 555-0100 today if:",
        "Normal, no need to call:",
    ]
    positions = [first.index(h) for h in headings]
    assert positions == sorted(positions)
    for sign in plan.protocol.warning_signs:
        assert sign.text.get() in first


def test_without_any_phone_the_handout_is_refused(run: Run, tmp_path: Path) -> None:
    """No --phone and no protocol.contact: exit 2 with a line saying where to give one."""
    out = tmp_path / "ann.pdf"
    result = run("handout", "2025-03-01", "--patient", "Ann Lee", "-o", str(out))
    assert result.code == 2
    assert "no phone number" in result.err
    assert "--phone" in result.err
    assert "protocol.contact" in result.err
    assert not out.exists()


def test_each_restriction_is_listed_under_the_day_it_ends_with_its_weekday(plan: Plan) -> None:
    """Showering, bending, the 20 lb lifting limit and the visit have their dates and letters."""
    handout = build_handout(plan, ANN)
    beside = {mark: " ".join(texts) for mark, texts in handout.beside_marks().items()}
    by_heading = {g.heading: [f.label for f in g.limits] for g in handout.now.limits}
    assert by_heading["Allowed again from Mon, Mar 3:"] == ["Showering"]
    april = by_heading["Allowed again from Sat, Apr 12:"]
    assert {"Bending and twisting", "Strength exercises on your own", "Tub bath"} <= set(april)
    assert "Lifting" in by_heading["Allowed again from Sun, Jun 1:"]
    lifting = next(f.value for g in handout.now.limits for f in g.limits if f.label == "Lifting")
    april_mark = next(g.mark for g in handout.now.limits if "Apr 12" in g.heading)
    # The date a limit changes carries its calendar letter, never apart from it.
    assert (
        f"From Sat, Apr 12\u00a0({april_mark}): Do not lift more than 20 pounds (9 kg)." in lifting
    )
    visit = handout.now.visit
    assert "between Sat, Mar 8 and Sat, Mar 15" in visit
    assert visit in beside[handout.now.visit_mark]
    assert "Showering" in beside[next(g.mark for g in handout.now.limits if "Mar 3" in g.heading)]
    assert handout.until_cleared == ()  # in force from day 0: page 1's box says them
    text = " ".join(pdf_text(handout_pdf(plan)).split())
    for group in handout.now.limits:
        assert " ".join(marked(group.mark, group.heading).split()) in text


def test_how_to_do_a_limited_activity_is_said_with_its_limits_not_as_a_thing_to_do(
    plan: Plan,
) -> None:
    """Lifting's and showering's advice follow their limits on page 1, never under 'What you can do'."""
    handout = build_handout(plan, ANN)
    boxed = {f.label: f.value for g in handout.now.limits for f in g.limits}
    assert boxed["Lifting"].endswith(
        "Tip: Bend your knees, keep your back straight and the load close."
    )
    assert (
        boxed["Showering"]
        == "Do not shower for the first 2 days. Tip: Pat the small cut dry. Do not scrub it."
    )
    can_do = {f.label for f in handout.instead}
    assert not can_do & set(boxed)
    assert {"Sitting", "Riding in a car", "Pain medicine"} <= can_do
    heads = [g.heading for g in handout.now.limits]
    assert "With care now, until your care team says otherwise:" in heads  # sleeping, a heading
    walking = boxed["Walking"]
    assert "From Sun, Mar 2\u00a0(B): Take short walks" in walking  # with care already: 'From'


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)))
def test_every_limit_end_is_marked_on_the_calendar_and_beside_its_date(
    protocol: Protocol, when: date
) -> None:
    """For any procedure date, each dated limit's end has a letter in the grid, shown beside that date."""
    plan = build_plan(protocol, when)
    handout = build_handout(plan, ANN)
    marked_cells = {
        (month.title, cell.day_of_month): cell.mark
        for month in handout.months
        for week in month.weeks
        for cell in week
        if cell is not None and cell.mark
    }
    assert sorted(marked_cells.values()) == list(handout.marks)
    assert list(handout.marks) == [chr(ord("A") + i) for i in range(len(handout.marks))]
    beside = handout.beside_marks()
    for window in plan.windows:
        if window.end_day is None:
            continue
        end = plan.date_of(window.end_day)
        mark = marked_cells[(f"{end:%B} {end.year}", end.day)]
        short = f"{end:%a}, {end:%b} {end.day}"
        assert any(short in text for text in beside[mark]), (mark, short)
    for mark, texts in beside.items():
        assert texts, f"the letter {mark} is shown beside nothing"
    covered = [
        (month.title, cell.day_of_month)
        for month in handout.months
        for week in month.weeks
        for cell in week
        if cell is not None
    ]
    last = plan.last_change_day
    for day in (0, last // 2, last):
        shown = plan.date_of(day)
        assert (f"{shown:%B} {shown.year}", shown.day) in covered
    # Only the plan's days, each once: none before the procedure or after the last change,
    # which a shade of grey alone would tell apart.
    assert len(covered) == len(set(covered)) == last + 1


def test_each_care_sentence_is_printed_once_under_the_days_it_applies(plan: Plan) -> None:
    """Every care item's sentence from the rules is printed once, under its first and last day."""
    handout = build_handout(plan, ANN)
    printed = [t for span in handout.care for t in span.texts]
    day_zero = "Procedure day. You go home today or tomorrow."  # the rules' event, said first
    assert sorted(printed) == sorted([day_zero, *(c.item.text.get() for c in plan.care)])
    spans = {span.heading: span for span in handout.care}
    assert spans["On Sat, Mar 1:"].texts[0] == day_zero
    assert handout.key_dates == ()  # every letter is shown beside a heading above
    ice = next(c.item.text.get() for c in plan.care if "ice" in c.item.text.get().lower())
    assert ice in spans["Sat, Mar 1 to Sun, Mar 2:"].texts
    assert spans["Sat, Mar 1 to Sun, Mar 2:"].mark == "A"
    assert any("Have an adult stay with you" in t for t in spans["On Sat, Mar 1:"].texts)
    text = " ".join(pdf_text(handout_pdf(plan)).split())
    assert " ".join(ice.split()) in text
    assert "(A) Sat, Mar 1 to Sun, Mar 2:" in text


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("procedure", [None, "kyphoplasty"])
@pytest.mark.parametrize("visit", [None, FollowUp(date(2025, 3, 10), time(14, 30), "Room 4")])
def test_the_handout_names_no_day_by_its_number(
    lang: str, procedure: str | None, visit: FollowUp | None
) -> None:
    """No printed text says 'day 2': a patient who counts the procedure day as day 1 misreads it."""
    rules = load(resolve(None, {}), {}, procedure=procedure)
    plan = build_plan(rules, date(2025, 3, 1), follow_up=visit)
    words, pattern = NUMBERED_DAYS[lang]
    texts = list(build_handout(plan, LONG, LETTER, lang).texts())
    assert any(words[0] in text.casefold() for _, text in texts)  # days are spoken of
    for part, text in texts:
        assert not pattern.search(text), f"{part}: {text}"


@pytest.mark.parametrize(
    ("paper", "size"), [(Paper.LETTER, (612, 792)), (Paper.A4, (595.28, 841.89))]
)
def test_normal_print_fits_three_pages_of_the_paper_asked_for(
    plan: Plan, paper: Paper, size: tuple[float, float]
) -> None:
    """Letter and A4: every page has the paper's size, and normal print takes three at most."""
    reader = pdf_reader(handout_pdf(plan, LONG, Layout(paper)))
    assert len(reader.pages) <= 3
    for page in reader.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(
            size, abs=0.5
        )


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31)), st.sampled_from(list(Paper))
)
def test_normal_print_fits_three_pages_whatever_the_date(
    protocol: Protocol, when: date, paper: Paper
) -> None:
    """Months of five or six weeks, any weekday: with long names, three pages at most."""
    data = handout_pdf(build_plan(protocol, when), LONG, Layout(paper))
    assert len(pdf_reader(data).pages) <= 3


def test_large_print_is_18_point_with_wider_spacing_on_more_pages(plan: Plan) -> None:
    """Large print sets body text in 18 pt; it takes more pages than normal print, at most nine."""
    normal = pdf_reader(handout_pdf(plan))
    large = pdf_reader(handout_pdf(plan, layout=Layout(large_print=True)))
    assert len(normal.pages) < len(large.pages) <= 9
    sizes: list[float] = []
    large.pages[0].extract_text(
        visitor_text=lambda text, cm, tm, font, size: (
            sizes.append(size * tm[0] * cm[0]) if text.strip() else None
        )
    )
    assert min(sizes) >= 13  # the page footer
    assert max(set(sizes), key=sizes.count) == pytest.approx(18)
    assert pdf.LARGE.leading / pdf.LARGE.body > pdf.NORMAL.leading / pdf.NORMAL.body


def test_body_text_is_12_point_in_normal_print(plan: Plan) -> None:
    """Body text is 12 pt; only the page footer and the calendar's weekday heads and letters are smaller."""
    sizes: list[tuple[float, str]] = []
    for page in pdf_reader(handout_pdf(plan)).pages:
        page.extract_text(
            visitor_text=lambda text, cm, tm, font, size: (
                sizes.append((round(size * tm[0] * cm[0], 1), text.strip()))
                if text.strip()
                else None
            )
        )
    counts = [s for s, _ in sizes]
    assert max(set(counts), key=counts.count) == 12
    small = {text for s, text in sizes if s < 12}
    footers = {t for t in small if t.startswith(("Ann Lee: Your recovery", "Page "))}
    weekdays = {"Su", "Mo", "Tu", "We", "Th", "Fr", "Sa"}
    letters = set(build_handout(plan, ANN).marks)
    assert small - footers <= weekdays | letters, small - footers


def test_the_fonts_are_embedded(plan: Plan) -> None:
    """Every font the PDF uses is a TrueType font carried in the file (Noto Sans)."""
    reader = pdf_reader(handout_pdf(plan))
    seen = set()
    for page in reader.pages:
        resources = page["/Resources"].get_object()
        assert isinstance(resources, DictionaryObject)
        fonts = resources["/Font"].get_object()
        assert isinstance(fonts, DictionaryObject)
        for entry in fonts.values():
            font = entry.get_object()
            descriptor = font["/FontDescriptor"].get_object()
            assert "/FontFile2" in descriptor, font["/BaseFont"]
            seen.add(str(font["/BaseFont"]).split("+")[-1])
    assert seen == {"NotoSans-Regular", "NotoSans-Bold"}


def test_text_prints_exactly_as_typed_in_pdf_and_html(plan: Plan) -> None:
    """A name with markup and an ampersand prints as those characters, not as markup."""
    patient = Patient(HOSTILE, clinic="A & B <Spine>", phone="555-0100")
    text = pdf_text(pdf.document(build_handout(plan, patient)))
    assert HOSTILE in text
    assert "A & B <Spine>" in text
    page = webpage.document(build_handout(plan, patient)).decode("utf-8")
    assert "&lt;b&gt;Ann&lt;/b&gt; &amp; Co" in page
    assert "<b>Ann</b>" not in page
    assert _visible_text(page).count(HOSTILE) >= 1


def test_a_name_the_font_cannot_print_is_refused(run: Run, tmp_path: Path) -> None:
    """Characters outside the embedded font are refused with exit 2, and no file is written."""
    out = tmp_path / "li.pdf"
    result = run(
        "handout", "--phone", "555-0100", "2025-03-01", "--patient", "李雷", "-o", str(out)
    )
    assert result.code == 2
    assert (
        "the patient's name has characters the handout's font cannot print: '李' (U+674E)"
        in result.err
    )
    assert not out.exists()


def test_every_character_of_the_default_handout_is_in_the_font(plan: Plan) -> None:
    """The font check passes for the default protocol, and its font has the accents Spanish needs."""
    font.check_printable(build_handout(plan, ANN))
    assert set("áéíóúñüÁÉÍÓÚÑ¿¡°") <= font.font_characters()


def test_a_rules_text_the_font_cannot_print_is_a_rules_error(
    run: Run, rules_file: RulesFile, tmp_path: Path
) -> None:
    """A rules text with a character outside the font stops the handout with exit 3."""
    path = rules_file(
        ""
        + edited("en: Chest pain or trouble breathing.", "en: Chest pain ☎ or trouble breathing.")
    )
    result = run(
        "handout",
        "--phone",
        "555-0100",
        "2025-03-01",
        "--patient",
        "Ann",
        "-o",
        str(tmp_path / "a.pdf"),
        "--rules",
        str(path),
    )
    assert result.code == 3
    assert "'☎' (U+260E)" in result.err


class _Page(HTMLParser):
    """What a browser would load and show from a page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.links: list[str] = []
        self.text: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.links += [v or "" for k, v in attrs if k in ("src", "href")]
        if tag in ("style", "script"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.text.append(data)


def _visible_text(page: str) -> str:
    parser = _Page()
    parser.feed(page)
    return re.sub(r"\s+", " ", " ".join(parser.text))  # a no-break space reads as a space


def test_html_is_one_self_contained_page_with_print_css(plan: Plan) -> None:
    """No scripts, no links to anything outside; the fonts are inside and @page sets the paper."""
    page = webpage.document(build_handout(plan, ANN, Layout(Paper.A4))).decode("utf-8")
    parser = _Page()
    parser.feed(page)
    assert "script" not in parser.tags
    assert parser.links == []
    assert "url(http" not in page
    assert "@import" not in page
    assert re.search(r"@page\s*\{\s*size: A4;", page)
    assert page.count("src: url(data:font/ttf;base64,") == 2
    text = _visible_text(page)
    for needle in (
        "Ann Lee",
        "Sat, Mar 1, 2025",
        "Call 911 now if:",
        "Call us at 555-0100 today if:",
        "Normal, no need to call:",
        "(F) Allowed again from Sun, Jun 1:",
        "version 2026.12-6",
    ):
        assert needle in text, needle


def test_the_web_pages_footer_keeps_the_protocols_version_on_one_line(plan: Plan) -> None:
    """'version 2026.12-1' never breaks at its hyphen on a phone; the footer stays escaped."""
    handout = build_handout(plan, ANN)
    page = webpage.document(handout).decode("utf-8")
    version = plan.protocol.info.version
    assert f'<span class="whole">{version}</span>' in page
    assert ".whole { white-space: nowrap; }" in page
    hostile = handout._replace(footer="A <b>protocol</b>, version 2026.12-1.")
    footer = webpage.document(hostile).decode("utf-8")
    assert 'A &lt;b&gt;protocol&lt;/b&gt;, version <span class="whole">2026.12-1</span>.' in footer


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("large", [False, True])
def test_the_web_page_never_breaks_a_phone_number_or_a_date(
    plan: Plan, lang: str, large: bool
) -> None:
    """On a phone's narrow screen '(555) 010-0199' and 'Sat, Apr 12' stay on one line."""
    handout = build_handout(plan, LONG, Layout(large_print=large), lang)
    page = webpage.document(handout).decode("utf-8")
    body = page.split("<body", 1)[1]
    whole = '(555)\u00a0<span class="whole">010-0199</span>'
    assert body.count("010-0199") == body.count(whole) >= 3  # details, a tier, the box
    for group in handout.now.limits:  # a group's heading: 'No limit from Sat, Apr 12:'
        if any(ch.isdigit() for ch in group.heading):
            shown = html.escape(unbroken(marked(group.mark, group.heading)), quote=False)
            assert f"<h4>{shown}</h4>" in body, group.heading
            assert "\u00a0" in shown


@pytest.mark.parametrize("large", [False, True])
def test_the_web_page_puts_each_tier_of_signs_in_as_many_columns_as_the_pdf(
    plan: Plan, large: bool
) -> None:
    """The call-911 signs are in two columns in both, or in one in both: the two never differ."""
    handout = build_handout(plan, ANN, Layout(large_print=large))
    pieces = [p for page in pdf_reader(pdf.document(handout)).pages for p in pieces_of(page)]
    page = webpage.document(handout).decode("utf-8")
    sections = re.findall(r'<section class="tier tier-(\w+)( one)?">', page)
    assert [tier for tier, _ in sections] == [box.tier.value for box in handout.signs]
    for box, (_, one) in zip(handout.signs, sections, strict=True):
        # Where the first line of each sign starts: at one left edge, or at two.
        lefts = {
            x for x, _, text in pieces for s in box.signs if len(text) > 8 and s.startswith(text)
        }
        columns = 2 if max(lefts) - min(lefts) > 100 else 1
        assert columns == (1 if one else 2), box.tier
    assert large or sections[0] == ("emergency", "")  # six signs: two columns in normal print
    for box in handout.signs:  # no tier has columns of its own in the style sheet
        assert not re.search(rf"\.tier-{box.tier.value} ul \{{[^}}]*columns", page)


class _Months(HTMLParser):
    """The web page's rows of months: for each month, its weeks' classes and boxed days."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[list[tuple[str, bool]]]] = []  # row > month > week (class, boxed)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = dict(attrs).get("class") or ""
        if tag == "div" and classes == "months":
            self.rows.append([])
        elif tag == "table" and classes == "month":
            self.rows[-1].append([])
        elif tag == "tr" and self.rows and self.rows[-1]:
            self.rows[-1][-1].append((classes, False))
        elif tag == "span" and classes == "box":
            month = self.rows[-1][-1]
            month[-1] = (month[-1][0], True)


@pytest.mark.parametrize("large", [False, True], ids=["normal", "large"])
@pytest.mark.parametrize("when", [date(2025, 3, 1), date(2025, 8, 31)])
@pytest.mark.parametrize("months", [4, 5])
def test_the_web_pages_weeks_line_up_across_the_months_beside_them(
    protocol: Protocol, large: bool, when: date, months: int, rules_file: RulesFile
) -> None:
    """A week with a boxed day in one month of a row is tall in each; no other week is."""
    rules = protocol if months == 4 else load(resolve(rules_file(FIVE_MONTHS), {}), {})
    handout = build_handout(build_plan(rules, when), ANN, Layout(Paper.LETTER, large))
    assert len(handout.months) == months  # five: a row of months is not full
    page = webpage.document(handout).decode("utf-8")
    assert ".month tr.tall td { height:" in page
    parser = _Months()
    parser.feed(page)
    assert sum(len(row) for row in parser.rows) == len(handout.months)
    tall_seen = 0
    for row in parser.rows:
        weeks = [month[1:] for month in row]  # under the weekdays' heads
        for index in range(max(len(w) for w in weeks)):
            boxed = any(w[index][1] for w in weeks if index < len(w))
            classes = {w[index][0] for w in weeks if index < len(w)}
            assert classes == ({"tall"} if boxed else {""}), (index, classes)
            tall_seen += boxed
    assert tall_seen


def test_the_running_head_cannot_break_out_of_the_style_element(plan: Plan) -> None:
    """A name that tries to close the style element stays a CSS string."""
    patient = Patient('</style><script>alert("x")</script>', phone="555-0100")
    page = webpage.document(build_handout(plan, patient)).decode("utf-8")
    style = page[page.index("<style>") : page.index("</style>") + 8]
    assert "<script>" not in page
    assert style.count("</style>") == 1
    assert "\\3C /style\\3E \\3C script\\3E alert(\\22 x\\22 )" in style


def test_handout_writes_the_format_its_name_ends_in(run: Run, tmp_path: Path) -> None:
    """ann.pdf is a PDF, ann.html a web page, ann.ics a calendar; anything else asks for --format."""
    for name, start in (
        ("ann.pdf", b"%PDF-"),
        ("ann.html", b"<!DOCTYPE html>"),
        ("ann.ics", b"BEGIN:VCALENDAR"),
    ):
        result = run(
            *ANN_HANDOUT,
            "-o",
            str(tmp_path / name),
        )
        assert result.code == 0, result.err
        assert (tmp_path / name).read_bytes().startswith(start)
    result = run(*ANN_HANDOUT, "-o", str(tmp_path / "ann.txt"))  # the schedule's text
    assert result.code == 2
    assert "'vplan schedule' makes that file, 'vplan handout' does not" in result.err
    assert "end the file name in .fhir.json or .hl7 or .html or .ics or .pdf" in result.err
    result = run(*ANN_HANDOUT, "-o", str(tmp_path / "ann.doc"))  # no format of vplan's
    assert result.code == 2
    assert (
        "end the file name in .fhir.json or .hl7 or .html or .ics or .pdf, or give --format"
        in result.err
    )
    result = run(*ANN_HANDOUT, "-o", str(tmp_path / "ann.txt"), "--format", "html")
    assert result.code == 2  # a web page in a file named as text
    assert "'ann.txt' ends in .txt but --format is html; name the file .html" in result.err
    result = run(*ANN_HANDOUT, "-o", str(tmp_path / "ann.page"), "--format", "html")
    assert result.code == 0  # an ending of no format of vplan's: --format says which
    assert (tmp_path / "ann.page").read_bytes().startswith(b"<!DOCTYPE html>")


def test_handout_never_replaces_a_file_without_force(run: Run, tmp_path: Path) -> None:
    """An existing file is kept (exit 4) unless --force is given."""
    out = tmp_path / "ann.pdf"
    out.write_bytes(b"keep me")
    result = run(
        "handout", "--phone", "555-0100", "2025-03-01", "--patient", "Ann Lee", "-o", str(out)
    )
    assert result.code == 4
    assert out.read_bytes() == b"keep me"
    assert (
        run(
            *ANN_HANDOUT,
            "-o",
            str(out),
            "--force",
        ).code
        == 0
    )
    assert out.read_bytes().startswith(b"%PDF-")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["2025-03-01", "-o", "a.pdf"], 'give --patient "NAME"'),
        (
            ["2025-03-01", "--patient", "Ann"],
            "give --output FILE.pdf, FILE.html, FILE.ics, FILE.fhir.json or FILE.hl7",
        ),
        (["--patient", "Ann", "-o", "a.pdf"], "give the procedure date, or --batch FILE.csv"),
        (["2025-03-01", "--patient", "  ", "-o", "a.pdf"], "the patient's name is empty"),
        (["2025-03-01", "--patient", "Ann\tLee", "-o", "a.pdf"], "control character"),
        (["2025-03-01", "--patient", "A" * 81, "-o", "a.pdf"], "shorten it to 80"),
        (["2025-02-30", "--patient", "Ann", "-o", "a.pdf"], "not a real calendar date"),
        (
            ["2025-03-01", "--patient", "Ann", "-o", "a.pdf", "--paper", "legal"],
            "Invalid value for '--paper'",
        ),
        (["--batch", "x.csv"], "--batch needs --out-dir DIR"),
        (
            ["2025-03-01", "--batch", "x.csv", "--out-dir", "d"],
            "leave out DATE, --patient, --output",
        ),
    ],
)
def test_bad_handout_requests_are_one_line_with_exit_2(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    """Each mistake is named on one line, with what to write instead, and nothing is written."""
    monkeypatch.chdir(tmp_path)
    result = run("handout", "--phone", "555-0100", *args)
    assert result.code == 2
    assert message in result.err
    assert result.err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_key_date_letters_on_the_calendar_survive_black_and_white(plan: Plan) -> None:
    """Each key date's letter is printed in its calendar cell: the meaning is not in colour."""
    handout = build_handout(plan, ANN)
    text = pdf_text(handout_pdf(plan))
    for key in handout.key_dates:
        assert (
            f"{key.date.day}{key.mark}" in text.replace(" ", "")
            or f"{key.date.day} {key.mark}" in text
        )
    tiers = [box.tier for box in handout.signs]
    assert tiers == [Tier.EMERGENCY, Tier.CALL_TODAY, Tier.EXPECTED]


def test_the_footer_names_the_protocol_and_says_it_does_not_replace_advice(plan: Plan) -> None:
    """Version, review date and the notice close the handout; every page is numbered."""
    reader = pdf_reader(handout_pdf(plan))
    text = pdf_text(handout_pdf(plan))
    assert f"version {plan.protocol.info.version}, last reviewed Sat, Nov 21, 2026." in text
    assert "It does not replace the advice of your care team." in text
    for number, page in enumerate(reader.pages, start=1):
        assert f"Page {number} of {len(reader.pages)}" in page.extract_text()


def test_the_same_request_gives_the_same_pdf(plan: Plan) -> None:
    """No clock and no random ID in the PDF: printing again gives the same bytes."""
    assert handout_pdf(plan) == handout_pdf(build_plan(plan.protocol, plan.procedure_date))
    later = build_plan(plan.protocol, plan.procedure_date + timedelta(days=1))
    assert handout_pdf(later) != handout_pdf(plan)


def test_an_accent_typed_apart_joins_its_letter(run: Run, tmp_path: Path) -> None:
    """'José' typed as 'e' and a combining accent prints as 'José' (as pasted from a Mac)."""
    out = tmp_path / "jose.pdf"
    assert (
        run(
            "handout",
            "--phone",
            "555-0100",
            "2025-03-01",
            "--patient",
            "Jose\u0301 Nun\u0303ez",
            "-o",
            str(out),
        ).code
        == 0
    )
    assert "José Nuñez" in pdf_text(out.read_bytes())


def test_what_is_allowed_with_care_now_comes_first_of_its_day(plan: Plan) -> None:
    """Walking with help today is on page 1, before what waits until the same day."""
    handout = build_handout(plan, ANN)
    headings = [g.heading for g in handout.now.limits]
    careful = headings.index("With care now. No limit from Sat, Apr 12:")
    assert careful < headings.index("Allowed again from Sat, Apr 12:")
    first = " ".join(pdf_reader(handout_pdf(plan)).pages[0].extract_text().split())
    assert "Walking: Today, get up and walk only when you need to" in first


@pytest.mark.parametrize(("lang", "weekday"), [("en", "Tue,"), ("es", "martes,")])
def test_the_web_pages_procedure_date_may_go_on_after_its_weekday_on_a_phone(
    protocol: Protocol, lang: str, weekday: str
) -> None:
    """Wider than a phone in large print, the date may break after the weekday, nowhere else."""
    plan = build_plan(protocol, date(2025, 12, 30))
    handout = build_handout(plan, LONG, Layout(large_print=True), lang)
    page = webpage.document(handout).decode("utf-8")
    shown = re.search(r'<dd class="date">([^<]*)</dd>', page)
    assert shown is not None
    date_field = next(f.value for f in handout.fields if f.key == "date")
    assert shown.group(1) == unbroken(date_field).replace(f"{weekday}\u00a0", f"{weekday} ", 1)
    assert shown.group(1).startswith(f"{weekday} ")
    assert " " not in shown.group(1)[len(weekday) + 1 :]  # the rest whole: day, month, year
