"""The HTML handout printed by a real browser: Chromium in headless mode, as a nurse's would."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pypdf
import pytest
from pypdf.generic import DictionaryObject

from conftest import Run
from vplan.handout import Handout, Layout, Paper, Patient, build_handout, marked
from vplan.plan import Plan
from vplan.render import webpage

CHROMIUM = next(
    (found for name in ("chromium", "chromium-browser") if (found := shutil.which(name))), None
)
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="chromium is not installed (Debian: apt-get install chromium); "
    ".ci/run installs it, so CI runs this test",
)
PATIENT = Patient(
    "Maria Guadalupe Hernandez-Rodriguez", "St. Mary's Spine and Pain Center", "(555) 010-0199",
    "Dr. Jonathan Whitfield",
)  # fmt: skip


def print_to_pdf(html: bytes, folder: Path) -> pypdf.PdfReader:
    """Print the page to PDF with headless Chromium, as File > Print would (headers on)."""
    page = folder / "handout.html"
    page.write_bytes(html)
    out = folder / "printed.pdf"
    assert CHROMIUM is not None
    subprocess.run(
        [
            CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", f"--user-data-dir={folder / 'profile'}",
            f"--print-to-pdf={out}", page.as_uri(),
        ],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    return pypdf.PdfReader(io.BytesIO(out.read_bytes()))


def placed_text(reader: pypdf.PdfReader) -> list[tuple[int, str, float, float]]:
    """Each piece of text with its page and where it starts on the page."""
    found: list[tuple[int, str, float, float]] = []
    for number, page in enumerate(reader.pages):

        def visit(text: str, cm: list[float], tm: list[float], *_: object, n: int = number) -> None:
            if text.strip():
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                found.append((n, text.strip(), x, y))

        page.extract_text(visitor_text=visit)
    return found


@pytest.mark.parametrize(
    ("paper", "size"), [(Paper.LETTER, (612, 792)), (Paper.A4, (595.92, 842.88))]
)
def test_the_browser_prints_the_handout_on_three_pages_with_nothing_cut_off(
    plan: Plan, tmp_path: Path, paper: Paper, size: tuple[float, float]
) -> None:
    """Printed from the browser: the paper asked for, three pages, every text whole and on the page."""
    handout = build_handout(plan, PATIENT, Layout(paper))
    reader = print_to_pdf(webpage.document(handout), tmp_path)
    assert len(reader.pages) == 3
    assert_boxed_days_level(placed_text(reader), handout.marks)
    for page in reader.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(
            size, abs=1
        )
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages))
    expected = [
        PATIENT.name, "Sat, Mar 1, 2025", handout.signs[0].heading, handout.signs[1].heading,
        handout.signs[2].heading, *[s for box in handout.signs for s in box.signs],
        *[k.when for k in handout.key_dates], handout.footer, "Page 1 of 3", "Page 3 of 3",
    ]  # fmt: skip
    for needle in expected:
        assert needle in text, needle
    width, height = size
    for number, piece, x, y in placed_text(reader):
        assert 0 <= x < width - 10, (number, piece, x)
        assert 0 <= y <= height, (number, piece, y)
    assert_no_heading_last(reader, handout)


def assert_no_heading_last(reader: pypdf.PdfReader, handout: Handout) -> None:
    """No page's body ends with a heading: a day's limits or a section's start on the next."""
    headings = {marked(g.mark, g.heading) for g in handout.now.limits}
    headings |= {marked(s.mark, s.heading) for s in handout.care}
    headings |= {handout.care_heading, handout.instead_heading, handout.months_heading}
    placed = placed_text(reader)
    for number in range(len(reader.pages) - 1):
        body = [(y, t) for n, t, _, y in placed if n == number and y > 60]  # above the foot
        lowest = min(y for y, _ in body)
        last = " ".join(t for y, t in body if abs(y - lowest) < 2)
        assert last not in headings, (number + 1, last)


def test_the_browser_keeps_the_footer_and_stamp_with_the_calendar(
    plan: Plan, tmp_path: Path
) -> None:
    """Large print in Spanish on A4, stamped: the last page is never the stamp alone."""
    from vplan.stamp import make_stamp

    ann = Patient("Ann Lee", phone="555-0100")
    made = make_stamp(plan.protocol, "es", plan.procedure_date)
    handout = build_handout(plan, ann, Layout(Paper.A4, large_print=True), "es", made)
    reader = print_to_pdf(webpage.document(handout), tmp_path)
    last = re.sub(r"\s+", " ", reader.pages[-1].extract_text())
    assert handout.months[-1].title in last
    assert handout.footer.split(".")[0] in last


@pytest.mark.parametrize("paper", ["letter", "a4"])
@pytest.mark.parametrize("when", ["2025-03-01", "2025-06-15", "2025-12-29"])
def test_a_full_handout_from_the_command_prints_on_three_pages(
    run: Run, tmp_path: Path, paper: str, when: str
) -> None:
    """With every field, a booked visit, levels and the stamp, the browser prints 3 pages."""
    out = tmp_path / "full.html"
    result = run(
        "handout", when, "--patient", PATIENT.name, "--clinic", PATIENT.clinic or "",
        "--phone", PATIENT.phone or "", "--doctor", PATIENT.doctor or "", "--paper", paper,
        "--follow-up", f"{when}T14:30", "--follow-up-place", "Clinic B, 2nd floor",
        "--levels", "T12, L1", "-o", str(out),
    )  # fmt: skip
    assert result.code == 0, result.err
    reader = print_to_pdf(out.read_bytes(), tmp_path)
    assert len(reader.pages) == 3
    assert "Made on" in reader.pages[2].extract_text()


def test_large_print_from_the_browser_keeps_every_text(plan: Plan, tmp_path: Path) -> None:
    """Large print in the browser: more pages than normal, none cut off."""
    handout = build_handout(plan, PATIENT, Layout(large_print=True))
    reader = print_to_pdf(webpage.document(handout), tmp_path)
    assert 2 < len(reader.pages) <= 8
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages))
    assert handout.footer in text
    for page, piece, x, _ in placed_text(reader):
        assert 0 <= x < 612 - 10, (page, piece, x)
    assert_boxed_days_level(placed_text(reader), handout.marks)


def assert_boxed_days_level(
    placed: list[tuple[int, str, float, float]], marks: tuple[str, ...]
) -> None:
    """Each boxed day's digits are level with the other days of its week."""
    days = {str(n) for n in range(1, 32)}
    checked = 0
    for page, text, x, y in placed:
        if text not in marks:
            continue
        above = [py for n, t, px, py in placed
                 if n == page and t in days and abs(px - x) < 10 and 0 < py - y < 25]  # fmt: skip
        if not above:
            continue  # a letter in the text, not in a box
        day_y = min(above)
        near = [py for n, t, _, py in placed if n == page and t in days and abs(py - day_y) < 8]
        assert all(abs(py - day_y) < 0.1 for py in near), (text, day_y, sorted(near))
        checked += 1
    assert checked == len(marks)


def test_the_browser_prints_the_spanish_handout_with_its_accents(
    plan: Plan, tmp_path: Path
) -> None:
    """The Spanish page prints with its accents, its dates and 'Página n de N', nothing cut off."""
    handout = build_handout(plan, PATIENT, Layout(), "es")
    reader = print_to_pdf(webpage.document(handout), tmp_path)
    pages = len(reader.pages)
    assert 2 <= pages <= 4
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages))
    expected = [
        "sábado, 1 de marzo de 2025", "Llame al 911 ahora mismo si:",
        *[s for box in handout.signs for s in box.signs], *[k.when for k in handout.key_dates],
        handout.footer, f"Página 1 de {pages}", f"Página {pages} de {pages}",
    ]  # fmt: skip
    for needle in expected:
        assert needle in text, needle
    for page, piece, x, _ in placed_text(reader):
        assert 0 <= x < 612 - 10, (page, piece, x)


def fonts_used(reader: pypdf.PdfReader) -> set[str]:
    """The names of the fonts the printed pages draw with."""
    names = set()
    for page in reader.pages:
        resources = page["/Resources"].get_object()
        assert isinstance(resources, DictionaryObject)
        fonts = resources["/Font"].get_object()
        assert isinstance(fonts, DictionaryObject)
        for entry in fonts.values():
            font = entry.get_object()
            assert isinstance(font, DictionaryObject)
            names.add(str(font["/BaseFont"]).split("+")[-1])
    return names


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_browser_draws_the_handout_in_its_own_font_with_no_header_of_its_own(
    plan: Plan, tmp_path: Path, lang: str
) -> None:
    """Printed with headers on: drawn in Noto Sans only, nothing printed in the top margin."""
    name = "Nguyễn Thị Þórunn Dvořák"
    handout = build_handout(plan, PATIENT._replace(name=name), Layout(), lang)
    reader = print_to_pdf(webpage.document(handout), tmp_path)
    assert fonts_used(reader) == {"NotoSans-Regular", "NotoSans-Bold"}
    top = float(reader.pages[0].mediabox.height) - 0.4 * 72  # the page's top margin
    assert [(n, piece) for n, piece, _, y in placed_text(reader) if y > top] == []
    text = " ".join(p.extract_text() for p in reader.pages)
    assert "file://" not in text
    assert name in unicodedata.normalize("NFC", re.sub(r"\s+", " ", text))
