from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import get_args

import pypdf
import pytest
from babel.messages.extract import extract_from_dir, extract_from_file
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from conftest import DEFAULT_RULES, TODAY, Run, batch_of, edited, line_of
from vplan import cli, i18n
from vplan.answer import build_answer
from vplan.authoring.lint import Kind, lint
from vplan.dates import dates
from vplan.errors import UntranslatedError
from vplan.handout import Layout, Paper, Patient, build_handout
from vplan.model import Protocol, Text, patient_texts, place
from vplan.parse import parse_duration, parse_weight
from vplan.plan import Plan, build_plan
from vplan.render import font, ics, markdown, pdf, structured, text, webpage
from vplan.render.lines import plain
from vplan.reports import build_activities, build_rule
from vplan.schedule import build_schedule
from vplan.words.nurse import NurseWords
from vplan.words.patient import PatientWords

ROOT = Path(__file__).resolve().parents[1]
WORDS = ROOT / "src" / "vplan" / "words"  # the package whose phrases the catalogs translate
LANGUAGE_TABLE = ROOT / "src" / "vplan" / "languages.py"  # and the languages' names
ANA = Patient("Ana López", "Clínica de la Columna", "555-0100", "Dra. Rivera")
STAMP = datetime(2025, 1, 1, tzinfo=UTC)
CHECK = ("check", "lifting", "15lb", "-p", "2025-03-01", "--on", "2025-03-11")
# warning_signs.call_today[2] of the default rules, and its Spanish line
PAIN = "        en: Pain that is not getting better, or is getting worse.\n"
PAIN_ES = "        es: Dolor que no mejora o que empeora.\n"


def pdf_text(data: bytes) -> str:
    """All the text of a PDF, with runs of white space made single spaces."""
    pages = pypdf.PdfReader(io.BytesIO(data)).pages
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in pages))


def spanish_pdf(plan: Plan, layout: Layout | None = None) -> bytes:
    """The Spanish PDF handout of this plan, for Ana."""
    return pdf.document(build_handout(plan, ANA, layout or Layout(), "es"))


# --- the commands ------------------------------------------------------------------------


def test_spanish_schedule_opens_with_the_plan_in_spanish(run: Run) -> None:
    """Title, dates with their weekday, the protocol, its notices and the table, all in Spanish."""
    result = run("schedule", "2025-03-01", "--lang", "es", "--patient", "Ana López")
    assert result.code == 0, result.err
    assert result.out.splitlines()[:11] == [
        "Plan de recuperación después de su vertebroplastia",
        "Paciente: Ana López",
        "Fecha del procedimiento: sábado, 1 de marzo de 2025 (día 0)",
        "Protocolo: Protocolo básico de recuperación después de la vertebroplastia y la",
        "  cifoplastia, versión 2026.12-6, revisado por última vez el",
        "  sábado, 21 de noviembre de 2026",  # a date is never broken across lines
        "Este plan es una guía general. No reemplaza los consejos de su equipo médico.",
        "Un traductor médico calificado todavía no ha revisado esta traducción al",
        "  español. Si tiene dudas, pregunte a su equipo médico.",
        "",
        "DÍA POR DÍA (del día 0 al 92)",
    ]
    # The date column is as wide as Babel's widest Spanish table date; the words are vplan's.
    width = dates("es").table_width()
    header, rule, *rows = result.out.splitlines()[11:17]
    assert header == "Fecha".ljust(width) + "  Día  Qué pasa, qué hacer, qué evitar"
    assert rule.startswith("-" * width + "  ---  ---")
    first = dates("es").table(date(2025, 3, 1)).ljust(width) + "    0  "
    assert rows[0].startswith(first)
    wrapped = " ".join(row.strip() for row in [rows[0][len(first) :], *rows[1:]])
    assert wrapped.startswith("Hoy: Día del procedimiento. Se va a casa hoy o mañana.")
    for heading in (
        "ACTIVIDADES QUE DEBE EVITAR, Y CUÁNDO PUEDE VOLVER A HACERLAS",
        "QUÉ HACER",
        "SEÑALES DE ALARMA",
        "  Se permite desde: domingo, 1 de junio de 2025 (día 92).",
    ):
        assert f"\n{heading}\n" in result.out, heading


def test_spanish_check_answers_in_spanish_with_both_units(run: Run) -> None:
    """'check --lang es' gives the verdict, why, what next, from when, and the sources; exit 1."""
    result = run(*CHECK, "--lang", "es")
    assert result.code == 1, result.err
    assert result.out.splitlines()[:8] == [
        "Levantar objetos de 15 libras (6.8 kg) el martes, 11 de marzo de 2025 (día 10):",
        "  TODAVÍA NO",
        "Por qué: No levante más de 10 libras (4.5 kg). Un galón de leche pesa unas",
        "  8 libras.",
        "Más adelante: Desde el sábado, 12 de abril de 2025 (día 42): No levante más de",
        "  20 libras (9 kg).",
        "Se permite desde: sábado, 12 de abril de 2025 (día 42)",
        "Después: Desde el domingo, 1 de junio de 2025 (día 92): Aumente el peso poco a",
    ]
    assert "Fuente (título original): Liv Hospital: How Painful Is a" in result.out


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("manejar", "-p", "2025-03-01", "--day", "1"), "Manejar el domingo, 2 de marzo de 2025 (día 1): PREGUNTE A SU EQUIPO MÉDICO"),
        (("Bañarse en tina", "-p", "2025-03-01", "--day", "42"), "Bañarse en tina el sábado, 12 de abril de 2025 (día 42): PERMITIDO"),
        (("conducir", "-p", "2025-03-01", "--day", "1"), "Manejar el domingo, 2 de marzo de 2025 (día 1): PREGUNTE A SU EQUIPO MÉDICO"),
        (("tina", "-p", "2025-03-01", "--day", "5"), "Bañarse en tina el jueves, 6 de marzo de 2025 (día 5): TODAVÍA NO"),
        (("bañarse", "-p", "2025-03-01", "--day", "5"), "Ducharse el jueves, 6 de marzo de 2025 (día 5): PERMITIDO"),
        (("lifting", "7,5 kg", "-p", "2025-03-01", "--day", "50"), "Levantar objetos de 7.5 kg (16.5 libras) el domingo, 20 de abril de 2025 (día 50): PERMITIDO"),
        (("driving",), "Manejar: la regla, contando desde el día del procedimiento (día 0)"),
    ],
)  # fmt: skip
def test_check_knows_the_spanish_names_and_keeps_the_decimal_point(
    run: Run, args: tuple[str, ...], expected: str
) -> None:
    """Spanish names are understood; weights keep the point, as es_US writes decimals."""
    result = run("check", *args, "--lang", "es")
    lines = result.out.splitlines()
    # An 80-column headline goes on under its indent, its day and verdict whole.
    headline = lines[0] if lines[0] == expected else f"{lines[0]} {lines[1].strip()}"
    assert headline == expected, result.err
    day = re.search(r"\(día \d+\)", expected)
    assert day is None or any(day.group(0) in line for line in lines[:2]), lines[:2]


def test_the_decimal_point_is_the_one_the_spanish_locale_writes(protocol: Protocol) -> None:
    """'4.5 kg' in Spanish output is how Babel's es_US writes the number, not a leftover."""
    assert i18n.LANGUAGES["es"] == "es_US"
    assert format_decimal(4.5, locale=i18n.LANGUAGES["es"]) == "4.5"
    spanish = " ".join(t.get("es") for _, t in patient_texts(protocol))
    assert "10 libras (4.5 kg)" in spanish
    assert "100.4 °F (38 °C)" in spanish


def test_spanish_red_flags_in_their_tiers(run: Run) -> None:
    """The tiers read 'Llame al 911', 'Llame hoy a su equipo médico' and 'Es normal'."""
    out = run("red-flags", "--lang", "es").out
    headings = [
        "Llame al 911 ahora mismo si:",
        "Llame hoy a su equipo médico si:",
        "Es normal, no necesita llamar:",
    ]
    positions = [out.index(h) for h in headings]
    assert positions == sorted(positions)
    assert "  - Tiene fiebre de 100.4 °F (38 °C) o más, o escalofríos.\n" in out


def keys_of(data: object, path: str = "") -> Iterator[str]:
    """Every key of a JSON document, with where it is (list items share one place)."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield f"{path}.{key}"
            yield from keys_of(value, f"{path}.{key}")
    elif isinstance(data, list):
        for item in data:
            yield from keys_of(item, f"{path}[]")


@pytest.mark.parametrize(
    "args",
    [
        ("schedule", "2025-03-01", "-f", "json"),
        ("check", "lifting", "5lb", "-p", "2025-03-01", "--day", "3", "-f", "json"),
        ("check", "pool", "-f", "json"),
        ("red-flags", "-f", "json"),
        ("activities", "-f", "json"),
    ],
)
def test_json_keeps_its_english_keys_with_texts_in_spanish(run: Run, args: tuple[str, ...]) -> None:
    """The same keys as in English (the translation note besides); the texts in Spanish."""
    english = json.loads(run(*args).out)
    spanish = json.loads(run(*args, "--lang", "es").out)
    extra = {k for k in keys_of(spanish) if k.endswith(".translation_note")}
    assert set(keys_of(spanish)) - extra == set(keys_of(english))
    assert spanish != english


def test_spanish_json_schedule_has_spanish_weekdays_and_the_translation_note(run: Run) -> None:
    """'weekday' is the Spanish name; the protocol carries the note that the Spanish is a draft."""
    data = json.loads(run("schedule", "2025-03-01", "-f", "json", "--lang", "es").out)
    assert data["days"][0]["weekday"] == "sábado"
    assert data["days"][1]["avoid"][0]["text"] == "Levantar objetos de más de 10 libras (4.5 kg)"
    assert "traductor médico calificado" in data["protocol"]["translation_note"]


def test_lang_en_is_the_same_as_no_lang(run: Run) -> None:
    """English is the default: '--lang en' changes nothing."""
    for args in (("schedule", "2025-03-01"), CHECK, ("red-flags",), ("activities", "-f", "json")):
        assert run(*args, "--lang", "en").out == run(*args).out


def test_an_unknown_language_is_a_usage_error(run: Run) -> None:
    """Only en and es are offered: anything else exits 2 with one line."""
    result = run("red-flags", "--lang", "fr")
    assert result.code == 2
    assert result.err.startswith("vplan: error: ")
    assert len(result.err.splitlines()) == 1


# --- nothing in English slips into Spanish output -------------------------------------------

# JSON values that are data, not words for the patient: keys of the rules, dates, units,
# spans as the rules write them, citations and the aliases people type.
DATA_KEYS = frozenset({"activity", "path", "source", "sources", "aliases", "from", "until", "unit"})


def json_words(data: object, key: str = "") -> Iterator[str]:
    """The strings of a JSON document that patients read."""
    if isinstance(data, dict):
        for k, value in data.items():
            if k not in DATA_KEYS:
                yield from json_words(value, k)
    elif isinstance(data, list):
        for item in data:
            yield from json_words(item, key)
    elif isinstance(data, str):
        yield data


def english_phrases() -> list[str]:
    """The pieces of every English phrase of the catalog, between its placeholders."""
    pieces = set()
    for message in read_po((ROOT / "src/vplan/locale/vplan.pot").open("rb")):
        ids = tuple(message.id) if isinstance(message.id, (tuple, list)) else (message.id,)
        for msgid in ids:
            for piece in re.split(r"\{\w+\}", msgid):
                piece = piece.strip(" .,:()")
                if re.search(r"[A-Za-z]{3,}", piece):
                    pieces.add(piece)
    return sorted(pieces)


def assert_all_spanish(output: str, protocol: Protocol) -> None:
    """No English text of the rules and no English phrase of vplan is in ``output``."""
    for loc, text_ in patient_texts(protocol):
        if text_.get("en") != text_.get("es"):
            assert text_.get("en") not in output, place(loc)
    for piece in english_phrases():
        assert not re.search(rf"\b{re.escape(piece)}\b", output), piece


def test_every_view_in_spanish_is_all_spanish(protocol: Protocol) -> None:
    """Text, Markdown, JSON, calendar and handout in Spanish hold no English word of vplan's."""
    quiet = protocol._replace(
        sources=dict.fromkeys(protocol.sources, "REF"),  # citations keep their own language
        activities=tuple(a._replace(aliases=()) for a in protocol.activities),
    )
    plan = build_plan(quiet, date(2025, 3, 1))
    verdicts = [
        plan.verdict(act, day, amount)
        for act in quiet.activities
        for day in (0, 10, 50, 100)
        for amount in (None, *([parse_weight("15 lb")] if act.measured else []))
    ]
    outputs = [
        plain(text.schedule(build_schedule(plan, 100, "Ana", "es"))),
        plain(text.activities(build_activities(quiet, "es"))),
        markdown.schedule(build_schedule(plan, 100, "Ana", "es")),
        *(plain(text.verdict(build_answer(plan, v, "es"), "es")) for v in verdicts),
        *(plain(text.rule(build_rule(quiet, a, "es"))) for a in quiet.activities),
        " | ".join(json_words(structured.schedule(build_schedule(plan, 100, "Ana", "es")))),
        " | ".join(json_words(structured.activities(build_activities(quiet, "es")))),
        *(
            " | ".join(json_words(structured.verdict(build_answer(plan, v, "es"), "es")))
            for v in verdicts
        ),
        " | ".join(t for _, t in build_handout(plan, ANA, Layout(), "es").texts()),
    ]
    cal = Calendar.from_ical(ics.calendar(plan, "Ana", stamp=STAMP, lang="es"))
    outputs += [str(e.get(name)) for e in cal.walk("VEVENT") for name in ("SUMMARY", "DESCRIPTION")]
    outputs += [str(cal.get("X-WR-CALNAME")), str(cal.get("X-WR-CALDESC"))]
    for output in outputs:
        assert_all_spanish(output, quiet)


# --- the handout -------------------------------------------------------------------------


def test_spanish_pdf_keeps_its_accents(plan: Plan) -> None:
    """Text extracted from the Spanish PDF has its accents: dates, headings, page numbers."""
    data = spanish_pdf(plan)
    found = pdf_text(data)
    for phrase in (
        "Su recuperación después de su vertebroplastia",
        "Fecha del procedimiento: sábado, 1 de marzo de 2025",
        "Teléfono: 555-0100",
        "Señales de alarma",
        "Llame al 911 ahora mismo si:",
        "Llámenos hoy al 555-0100 si:",
        "Es normal, no necesita llamar:",
        "En casa, día a día",
        "(A) El sábado, 1 de marzo:",
        "Lo que todavía no debe hacer, y desde cuándo puede hacerlo",
        "Desde el sábado, 12 de abril (E): No levante más de 20 libras (9 kg).",
        "Puede volver a hacerlo a partir del domingo, 1 de junio:",
        "Marzo de 2025",
        "Página 1 de ",
        "Ana López: Su recuperación después de su vertebroplastia",
        "Un traductor médico calificado todavía no ha revisado esta traducción",
    ):
        assert phrase in found, phrase
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert str(reader.root_object["/Lang"]) == "es"


def test_every_character_of_the_spanish_handout_is_in_the_font(plan: Plan) -> None:
    """á é í ó ú ñ ü ¿ ¡ and every other character of the Spanish handout print in the font."""
    printable = font.font_characters()
    assert set("áéíóúñüÁÉÍÓÚÑÜ¿¡°") <= printable
    handout = build_handout(plan, ANA, Layout(), "es")
    for part, text_ in handout.texts():
        assert set(text_) - {"\n"} <= printable, (part, text_)


@pytest.mark.parametrize("paper", list(Paper))
@pytest.mark.parametrize("start", [date(2025, 3, 1), date(2024, 12, 30), date(2025, 1, 31)])
def test_spanish_normal_print_fits_three_pages(
    protocol: Protocol, paper: Paper, start: date
) -> None:
    """Spanish runs longer than English: normal print takes two to four pages."""
    data = spanish_pdf(build_plan(protocol, start), Layout(paper))
    assert 2 <= len(pypdf.PdfReader(io.BytesIO(data)).pages) <= 4


def test_spanish_html_says_it_is_spanish(plan: Plan) -> None:
    """<html lang="es">, the Spanish headings, months and weekdays, and the page numbers."""
    page = webpage.document(build_handout(plan, ANA, Layout(), "es")).decode("utf-8")
    assert '<html lang="es">' in page
    assert "<title>Su recuperación después de su vertebroplastia</title>" in page
    assert "<caption>Marzo de 2025</caption>" in page
    assert "<th>DO</th><th>LU</th><th>MA</th><th>MI</th><th>JU</th><th>VI</th><th>SA</th>" in page
    assert 'content: "Página " counter(page) " de " counter(pages);' in page
    assert "(A) Del sábado, 1 de marzo al domingo, 2 de marzo:" in page.replace("\xa0", " ")


def test_handout_command_writes_spanish(run: Run, tmp_path: Path) -> None:
    """'handout --lang es' writes the PDF, HTML or calendar in Spanish."""
    base = ("handout", "2025-03-01", "--patient", "Ana López", "--phone", "555-0100")
    for name in ("ana.pdf", "ana.html", "ana.ics"):
        result = run(*base, "-o", str(tmp_path / name), "--lang", "es")
        assert result.code == 0, result.err
    assert "Llame al 911 ahora mismo si:" in pdf_text((tmp_path / "ana.pdf").read_bytes())
    assert '<html lang="es">' in (tmp_path / "ana.html").read_text(encoding="utf-8")
    cal = Calendar.from_ical((tmp_path / "ana.ics").read_bytes())
    assert str(cal.get("X-WR-CALNAME")) == "Recuperación después de su vertebroplastia: Ana López"


# --- the phone calendar --------------------------------------------------------------------


def test_spanish_calendar_updates_the_same_events(plan: Plan) -> None:
    """Spanish summaries and reminders; the UIDs are those of the English calendar."""
    spanish = Calendar.from_ical(ics.calendar(plan, "Ana López", stamp=STAMP, lang="es"))
    english = Calendar.from_ical(ics.calendar(plan, "Ana López", stamp=STAMP))
    uids = [str(e.get("UID")) for e in spanish.walk("VEVENT")]
    assert uids == [str(e.get("UID")) for e in english.walk("VEVENT")]
    summaries = [str(e.get("SUMMARY")) for e in spanish.walk("VEVENT")]
    assert "Levantar objetos: máximo 10 libras (4.5 kg) a partir de hoy" in summaries[1]
    assert "Ducharse: se permite otra vez" in summaries[2]
    first = str(spanish.walk("VEVENT")[0].get("DESCRIPTION"))
    assert (
        "Levantar objetos: Hoy no levante ni cargue nada. Descanse. Desde el domingo, 2 de marzo: "
        "No levante más de 10 libras (4.5 kg)." in first
    )
    assert "Se permite otra vez a partir del domingo, 1 de junio." in first


def test_schedule_writes_a_spanish_calendar(run: Run) -> None:
    """'schedule --format ics --lang es' prints the calendar in Spanish."""
    result = run("schedule", "2025-03-01", "-f", "ics", "--lang", "es")
    assert result.code == 0, result.err
    cal = Calendar.from_ical(result.out.encode("utf-8"))
    assert str(cal.get("X-WR-CALNAME")) == "Recuperación después de su vertebroplastia"


# --- the batch -------------------------------------------------------------------------------


def write_list(path: Path, rows: list[list[str]]) -> Path:
    """A CSV list with the header and these rows."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["name", "procedure_date", "lang", "output"], *rows])
    return path


def test_batch_takes_each_rows_language_and_refuses_an_unknown_one(
    run: Run, tmp_path: Path
) -> None:
    """'lang' per row (empty: the command's --lang); an unknown language is refused by line."""
    listing = write_list(
        tmp_path / "list.csv",
        [
            ["Ana López", "2025-03-01", "es", "ana.html"],
            ["Ann Lee", "2025-03-01", "EN", "ann.html"],
            ["Bea Ruiz", "2025-03-01", "", "bea.html"],
            ["Carl Vogt", "2025-03-01", "de", "carl.html"],
        ],
    )
    out = tmp_path / "out"
    result = run(
        *batch_of(listing, out),
        "--lang",
        "es",
        "-j",
        "1",
    )
    assert result.code == 5, result.err
    assert result.err == (f"vplan: {listing}:5: refused: unknown language 'de'; write en or es\n")
    assert sorted(p.name for p in out.iterdir()) == ["ana.html", "ann.html", "bea.html"]
    for name, lang in (("ana.html", "es"), ("ann.html", "en"), ("bea.html", "es")):
        assert f'<html lang="{lang}">' in (out / name).read_text(encoding="utf-8"), name


def test_batch_refuses_spanish_rows_when_the_rules_lack_spanish(run: Run, tmp_path: Path) -> None:
    """A row in a language the rules are not wholly written in is refused; English rows go on."""
    rules = tmp_path / "clinic.yaml"
    rules.write_text(edited(PAIN + PAIN_ES, PAIN), encoding="utf-8")
    listing = write_list(
        tmp_path / "list.csv",
        [["Ana López", "2025-03-01", "es", "ana.ics"], ["Ann Lee", "2025-03-01", "", "ann.ics"]],
    )
    out = tmp_path / "out"
    result = run(
        *batch_of(listing, out),
        "--rules",
        str(rules),
    )
    assert result.code == 5
    assert result.err == (
        f"vplan: {listing}:2: refused: the rules have no Spanish ('es') text for "
        "warning_signs.call_today[2].text; add the translations to the rules (see 'vplan rules "
        "lint'), or write another language in the 'lang' column\n"
    )
    assert [p.name for p in out.iterdir()] == ["ann.ics"]


# --- a rules file with a text missing in Spanish ----------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("red-flags",),
        ("schedule", "2025-03-01"),
        ("schedule", "2025-03-01", "-f", "ics"),
        ("check", "walking"),
        ("activities", "-f", "json"),
        ("handout", "2025-03-01", "--patient", "Ana", "--phone", "555-0100", "-o", "ana.pdf"),
    ],
)
def test_a_missing_spanish_text_is_named_with_its_line_and_nothing_is_shown(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...]
) -> None:
    """--lang es with one text not in Spanish exits 3, naming the text and its line; no English."""
    monkeypatch.chdir(tmp_path)
    text_ = edited(PAIN + PAIN_ES, PAIN)
    rules = tmp_path / "clinic.yaml"
    rules.write_text(text_, encoding="utf-8")
    result = run(*args, "--rules", str(rules), "--lang", "es")
    assert result.code == 3
    assert result.out == ""
    where = f"{rules}:{line_of(text_, PAIN)}:9"
    assert result.err.splitlines() == [
        f"{where}: warning_signs.call_today[2].text has no 'es' text; add 'es: ...' under its "
        "'en:' line",
        "vplan: error: 1 text of the rules has no Spanish ('es') version; nothing was written. "
        "Add the missing texts (check with 'vplan rules lint'), or use --lang en",
    ]
    assert not (tmp_path / "ana.pdf").exists()
    assert run(*args, "--rules", str(rules)).code == 0  # English still works


def test_lint_warns_about_the_text_missing_in_spanish(run: Run, tmp_path: Path) -> None:
    """'rules lint' names the text without 'es' as an error at its 'en:' line, and exits 1."""
    text_ = edited(PAIN + PAIN_ES, PAIN).replace(
        "last_reviewed: 2026-11-21", f"last_reviewed: {TODAY.isoformat()}"
    )
    rules = tmp_path / "clinic.yaml"
    rules.write_text(text_, encoding="utf-8")
    result = run("rules", "lint", str(rules))
    assert result.code == 1
    assert result.out.splitlines()[0] == (
        f"{rules}:{line_of(text_, PAIN)}:9: error: warning_signs.call_today[2].text has no "
        "'es' text, though other texts of the file have one; add 'es: ...' under its 'en:' "
        "line; until then '--lang es' refuses the file"
    )
    assert result.out.splitlines()[-1].startswith(f"{rules}: valid, with 1 error.")
    [warning] = lint(text_.encode("utf-8"), "clinic.yaml", today=TODAY)
    assert warning.kind is Kind.TRANSLATION
    assert warning.is_error


def test_a_file_in_english_only_needs_no_translation() -> None:
    """No text in Spanish: no language but English is in use, so lint asks for none."""
    english_only = "\n".join(
        line for line in DEFAULT_RULES.split("\n") if not line.lstrip().startswith("es: ")
    )
    english_only = re.sub(r"  translation_note:\n    en: >-\n(      .*\n)+", "", english_only)
    warnings = lint(english_only.encode("utf-8"), "clinic.yaml", today=date(2026, 11, 21))
    assert warnings == []


def test_lint_warns_about_a_language_vplan_cannot_write() -> None:
    """A 'fr:' text is of no use until vplan has French phrases: one warning, at its key."""
    text_ = edited("      en: Tub bath\n", "      en: Tub bath\n      fr: Bain\n")
    warnings = lint(text_.encode("utf-8"), "clinic.yaml", today=date(2026, 11, 21))
    french = [w for w in warnings if "vplan has no 'fr' phrases" in w.what]
    assert len(french) == 1
    assert french[0].line == line_of(text_, "      fr: Bain")
    assert all(w.kind is Kind.TRANSLATION for w in warnings)


def test_a_text_asked_for_in_a_language_it_lacks_is_an_error_never_english() -> None:
    """Text.get never falls back to English: a missing language is a rules error (exit 3)."""
    with pytest.raises(UntranslatedError, match="has no 'es' version") as caught:
        Text({"en": "New back pain."}).get("es")
    assert caught.value.exit_code == 3


def test_rules_validate_and_show_name_the_languages_and_the_translation_note(run: Run) -> None:
    """The clinic sees which languages the texts are in and that the Spanish awaits review."""
    validated = run("rules", "validate").out.splitlines()
    assert validated[1] == "Languages: en, es."
    assert validated[2].startswith("Translation note: The Spanish (es) texts of this protocol")
    shown = run("rules", "show").out.splitlines()
    assert shown[2].startswith("# Translation note: The Spanish (es) texts")
    assert '# THE SPANISH TEXTS ("es:") ARE A DRAFT TRANSLATION.' in DEFAULT_RULES


def test_rules_validate_counts_the_texts_missing_in_a_language(run: Run, tmp_path: Path) -> None:
    """A file with some Spanish says how many texts lack it."""
    rules = tmp_path / "clinic.yaml"
    rules.write_text(edited(PAIN + PAIN_ES, PAIN), encoding="utf-8")
    out = run("rules", "validate", str(rules)).out.splitlines()
    assert out[1] == "Languages: en, es (1 text without it; 'vplan rules lint' lists them)."


# --- the catalog and the dates --------------------------------------------------------------


def catalog_ids() -> set[str | tuple[str, str]]:
    """The message ids written in the words package and the table of languages."""
    found: set[str | tuple[str, str]] = set()
    for _, _, message, _, _ in extract_from_dir(str(WORDS), [("**.py", "python")]):
        found.add(message if isinstance(message, str) else (message[0], message[1]))
    for _, message, _, _ in extract_from_file("python", str(LANGUAGE_TABLE)):
        found.add(message if isinstance(message, str) else (message[0], message[1]))
    return found


def test_every_phrase_of_the_words_has_a_spanish_translation() -> None:
    """Each message of words/ is translated in es/vplan.po, not fuzzy, placeholders kept."""
    catalog = read_po(i18n.catalog_path("es").open("rb"))
    translated = {m.id: m for m in catalog if m.id}
    assert set(translated) == catalog_ids()
    for msgid, message in translated.items():
        assert not message.fuzzy, msgid
        ids = tuple(msgid) if isinstance(msgid, (tuple, list)) else (msgid,)
        string = message.string or ""
        strings = tuple(string) if isinstance(string, (tuple, list)) else (string,)
        assert all(strings), msgid
        wanted = set(re.findall(r"\{\w+\}", ids[-1]))
        assert all(set(re.findall(r"\{\w+\}", s)) == wanted for s in strings), msgid


def test_the_template_lists_every_phrase_of_the_words() -> None:
    """locale/vplan.pot, from which a new language starts, is up to date with words/."""
    template = read_po((ROOT / "src/vplan/locale/vplan.pot").open("rb"))
    assert {m.id for m in template if m.id} == catalog_ids()


def test_a_phrase_missing_from_a_catalog_is_an_error_never_english() -> None:
    """A catalog that lacks a phrase raises; it never prints the English instead."""
    with pytest.raises(UntranslatedError, match="catalog has no translation"):
        i18n.translator("es").gettext("A phrase no catalog has")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (dates("es").long(date(2025, 3, 1)), "sábado, 1 de marzo de 2025"),
        (dates("es").long(date(2025, 9, 10)), "miércoles, 10 de septiembre de 2025"),
        (dates("es").short(date(2025, 3, 1)), "sábado, 1 de marzo"),
        (dates("es").weekday(date(2025, 3, 1)), "sábado"),
        (dates("es").month(2025, 3), "Marzo de 2025"),
        (dates("en").month(2025, 3), "March 2025"),
        (dates("es").weekday_heads(), ("DO", "LU", "MA", "MI", "JU", "VI", "SA")),
        (PatientWords("es").date_span(date(2025, 3, 4), date(2025, 3, 7)), "Del martes, 4 de marzo al viernes, 7 de marzo"),
        (PatientWords().date_span(date(2025, 3, 4), date(2025, 3, 7)), "Tue, Mar 4 to Fri, Mar 7"),
        (PatientWords().date_span_lines(date(2025, 3, 4), date(2025, 3, 7)), ("Tue, Mar 4 to", "Fri, Mar 7")),
        (NurseWords("es").duration_text(parse_duration("6 weeks")), "6 semanas"),
        (NurseWords("es").duration_text(parse_duration("1 week")), "1 semana"),
        (NurseWords("es").duration_text(parse_duration("24 hours")), "24 horas"),
        (NurseWords("es").duration_text(parse_duration("3 months")), "3 meses"),
        (NurseWords().duration_text(parse_duration("3 months")), "3 months"),
    ],
)  # fmt: skip
def test_spanish_dates_and_spans(value: object, expected: object) -> None:
    """Dates, months, weekdays and durations in Spanish come from Babel and the catalog."""
    assert value == expected


def test_spanish_table_dates_write_the_weekday_and_month_in_full() -> None:
    """A table date writes out the weekday and the month ("mar" could be martes, marzo or sea)."""
    from babel.dates import get_day_names, get_month_names

    days = get_day_names("wide", locale="es_US")
    months = get_month_names("wide", locale="es_US")
    for when in (date(2025, 3, 4), date(2025, 9, 10), date(2026, 1, 31)):
        shown = dates("es").table(when)
        assert shown.lower().startswith(f"{days[when.weekday()]}, {when.day} de ".lower())
        assert f" {months[when.month]} de {when.year}" in shown


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_date_column_is_as_wide_as_the_widest_date_of_any_year(lang: str) -> None:
    """The table's date column fits the longest date Babel writes, in any month and weekday."""
    days = (date(2025, 1, 1) + timedelta(days=n) for n in range(366 * 2))
    assert dates(lang).table_width() == max(len(dates(lang).table(d)) for d in days)


def test_only_a_language_other_than_english_loads_babel(tmp_path: Path) -> None:
    """'--lang es' with a date to write loads Babel (so the probe of English runs would see it)."""
    from test_cli import _heavy_modules

    loaded = _heavy_modules(tmp_path, ("check", "walking", "-p", "2025-03-01", "--lang", "es"))
    assert "babel" in loaded


@settings(max_examples=25, deadline=None)
@given(start=st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31)))
def test_the_spanish_calendar_keeps_its_columns_for_any_date(
    protocol: Protocol, start: date
) -> None:
    """Any procedure date: each day starts a row with its date and number, within 80 columns."""
    lines = plain(
        text.calendar(build_schedule(build_plan(protocol, start), 100, lang="es"))
    ).splitlines()[3:]
    width = dates("es").table_width()
    starts = [line for line in lines if not line.startswith(" ")]
    assert len(starts) == 100
    for number, line in enumerate(starts):
        assert line[width : width + 7] == f"  {number:>3}  ", line
    assert all(len(line) <= 80 for line in lines)


def test_the_command_line_offers_every_language_with_a_catalog() -> None:
    """--lang's choices are the languages vplan has phrases for: English and each catalog."""
    with_catalog = {path.parts[-3] for path in i18n.LOCALE_DIR.glob("*/LC_MESSAGES/vplan.po")}
    assert {lang.value for lang in i18n.Language} == set(i18n.LANGUAGES) == {"en", *with_catalog}
    assert get_args(cli.LangOption)[0] is i18n.Language  # what --lang takes


@pytest.mark.parametrize("at", [time(14, 30), time(9, 0)])
def test_a_booked_visit_ends_with_one_period(protocol: Protocol, at: time) -> None:
    """A Spanish visit whose time ends in its own period ("p. m.") ends the sentence once."""
    from vplan.plan import FollowUp
    from vplan.words.common import Words

    plan = build_plan(protocol, date(2025, 3, 1), follow_up=FollowUp(date(2025, 3, 10), at, None))
    sentence = Words("es").visit_text(plan)
    shown = dates("es").time(at)
    assert sentence.endswith(shown if shown.endswith(".") else f"{shown}.")
    assert not sentence.endswith("..")
    placed = build_plan(
        protocol, date(2025, 3, 1), follow_up=FollowUp(date(2025, 3, 10), at, "Clínica Sur")
    )
    assert Words("es").visit_text(placed).endswith(f"{shown}, Clínica Sur.")
