"""The handout's font prints every Latin-script name, and refuses what it cannot draw."""

from __future__ import annotations

import io
import re
import unicodedata
from pathlib import Path

import pypdf
import pytest

from conftest import Run, modules_loaded
from vplan.handout import Layout, Patient, build_handout
from vplan.plan import Plan
from vplan.render import font, webpage

# Real names as they are spelt in their languages, one or two per language.
NAMES = {
    "Czech": "Antonín Dvořák",
    "Slovak": "Ľudovít Štúr",
    "Polish": "Łucja Wąsowska-Źrebiec",
    "Vietnamese": "Nguyễn Văn An",
    "Vietnamese (2)": "Trần Thị Hồng Nhung",
    "Turkish": "Şükrü Öztürk İğdır",  # noqa: RUF001 (a Turkish dotless i)
    "Romanian": "Ștefan Țiriac",
    "Icelandic": "Þórunn Guðmundsdóttir",
    "Irish": "Seán Ó Fearghaíl",
    "Hungarian": "Erdős Pál Győző",
    "Croatian": "Đurđa Kovačević",
    "Latvian": "Kārlis Ķēniņš",
    "Lithuanian": "Žygimantas Čiūrlionis",
    "Estonian": "Jüri Õunapuu",
    "Maltese": "Ġorġ Ħabela",
    "Welsh": "Siân Ŵyn",
    "German": "Jürgen Weiß",
    "French": "Françoise Lefèvre-Bœuf",
    "Spanish": "María José Núñez",
    "Portuguese": "João Gonçalves",
    "Danish": "Søren Ærø",
    "Swedish": "Åsa Öberg",
    "Catalan": "Pere Ribalta i Puig·l",
    "Esperanto": "Ĉiĝo Ĥaŭo",
    "Azerbaijani": "Əli Məmmədov",
    "Yoruba": "Adébáyọ̀ Ọlánrewájú",
    "Greek": "Γιώργος Παπαδόπουλος",
    "Russian": "Наталья Иванова",
}


def pdf_text(data: bytes) -> str:
    """The PDF's text, NFC-normalized, with runs of white space made single spaces."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    text = " ".join(page.extract_text() for page in reader.pages)
    return unicodedata.normalize("NFC", re.sub(r"\s+", " ", text))


@pytest.mark.parametrize("language", list(NAMES))
def test_a_name_in_each_language_prints_in_the_pdf_and_the_html(
    run: Run, tmp_path: Path, language: str
) -> None:
    """The nurse types the name as it is spelt: the handout is written and shows it unchanged."""
    name = NAMES[language]
    out = tmp_path / "h.pdf"
    result = run(
        "handout", "2025-03-01", "--patient", name, "--doctor", name, "--phone", "555-0100",
        "-o", str(out),
    )  # fmt: skip
    assert result.code == 0, result.err
    want = unicodedata.normalize("NFC", name)
    assert want in pdf_text(out.read_bytes())
    page = tmp_path / "h.html"
    result = run("handout", "2025-03-01", "--patient", name, "--phone", "555-0100", "-o", str(page))
    assert result.code == 0, result.err
    assert want in page.read_text(encoding="utf-8")


def test_the_names_cover_twenty_languages() -> None:
    """The list above really spans twenty languages or more."""
    assert len({language.split(" (")[0] for language in NAMES}) >= 20


@pytest.mark.parametrize(
    ("name", "character"),
    [("李雷", "'李' (U+674E)"), ("محمد علي", "'ح' (U+062D)"), ("田中 さくら", "'さ' (U+3055)")],
)
def test_a_name_in_a_script_the_font_lacks_is_refused(
    run: Run, tmp_path: Path, name: str, character: str
) -> None:
    """Chinese, Arabic, Japanese: exit 2, the character named, and no file written."""
    out = tmp_path / "x.pdf"
    result = run("handout", "2025-03-01", "--patient", name, "--phone", "555-0100", "-o", str(out))
    assert result.code == 2
    assert character in result.err
    assert "the handout's font cannot print" in result.err
    assert not out.exists()


def test_the_pdf_and_the_html_carry_the_bundled_font_and_its_licence(plan: Plan) -> None:
    """Both handouts embed Noto Sans, whose licence ships beside the font files."""
    assert "SIL OPEN FONT LICENSE Version 1.1" in (font.FONT_DIR / "OFL.txt").read_text("utf-8")
    for file in font.FONT_FILES.values():
        assert (font.FONT_DIR / file).read_bytes()[:4] == b"\x00\x01\x00\x00"  # TrueType outlines
    handout = build_handout(plan, Patient("Ann Lee", phone="555-0100"), Layout())
    page = webpage.document(handout).decode("utf-8")
    faces = re.findall(r"@font-face \{ font-family: \"Vplan Sans\"; font-weight: (\w+);", page)
    assert faces == ["normal", "bold"]
    assert "&#34;" not in page.split("</style>")[0]  # CSS is never HTML-escaped


def test_the_html_handout_and_rules_lint_check_characters_without_the_pdf_renderer(
    tmp_path: Path,
) -> None:
    """An HTML handout and 'rules lint' check the font's characters without loading the PDF code."""
    runs = [
        ["handout", "2025-03-01", "--patient", "Ann Lee", "--phone", "555-0100", "-o", "a.html"],
        ["rules", "lint"],
    ]
    assert modules_loaded(tmp_path, ("vplan.render.pdf", "reportlab.platypus"), *runs) == []
    assert (tmp_path / "a.html").exists()
