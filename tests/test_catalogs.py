"""The compiled message catalogs: the .mo vplan reads is the .po translators write."""

from __future__ import annotations

import io
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from conftest import modules_loaded
from vplan import i18n

ROOT = Path(__file__).resolve().parents[1]
CATALOGS = sorted(i18n.LOCALE_DIR.glob(f"*/LC_MESSAGES/{i18n.DOMAIN}.po"))
COMPILE = "scripts/compile-catalogs"
CHECK_ES = ("check", "lifting", "15lb", "-p", "2025-03-01", "--on", "2025-03-11", "--lang", "es")


def mo_entries(data: bytes) -> dict[bytes, bytes]:
    """Every (message id, translation) of a GNU .mo file; the header without the compiler's name.

    The header's ``Generated-By`` names the Babel release that compiled the file: it says
    nothing about the phrases, so a new Babel does not make a catalog out of date.
    """
    order = "<" if struct.unpack_from("<I", data)[0] == 0x950412DE else ">"
    _, _, count, ids, strings = struct.unpack_from(f"{order}5I", data)

    def entry(table: int, i: int) -> bytes:
        length, offset = struct.unpack_from(f"{order}2I", data, table + 8 * i)
        return data[offset : offset + length]

    entries = {entry(ids, i): entry(strings, i) for i in range(count)}
    header = entries.get(b"", b"").splitlines(keepends=True)
    entries[b""] = b"".join(line for line in header if not line.startswith(b"Generated-By:"))
    return entries


def compiled(po: Path) -> bytes:
    """The .mo Babel's compiler makes of this .po now (as ``pybabel compile`` does)."""
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=po.parts[-3], domain=i18n.DOMAIN)
    out = io.BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


def test_every_language_but_english_has_a_catalog() -> None:
    """Each language other than English has a .po: the list below is not empty by mistake."""
    assert {po.parts[-3] for po in CATALOGS} == set(i18n.LANGUAGES) - {i18n.ENGLISH}


@pytest.mark.parametrize("po", CATALOGS, ids=lambda po: po.parts[-3])
def test_each_compiled_catalog_says_what_its_po_says(po: Path) -> None:
    """The committed .mo has exactly the translations its .po compiles to (fuzzy ones left out)."""
    mo = po.with_suffix(".mo")
    stale = f"{mo.relative_to(ROOT)} is out of date with {po.name}: run {COMPILE} and commit it"
    assert mo.is_file(), stale
    fresh, committed = mo_entries(compiled(po)), mo_entries(mo.read_bytes())
    differ = sorted(
        key for key in fresh.keys() | committed.keys() if fresh.get(key) != committed.get(key)
    )
    assert not differ, f"{stale} (phrases that differ: {differ[:5]})"


def test_a_spanish_phrase_comes_from_the_compiled_catalog() -> None:
    """The translator reads the .mo: a phrase and a plural read as the .po writes them."""
    translations = i18n.translator("es")
    assert translations.gettext("NOT YET") == "TODAVÍA NO"
    assert translations.ngettext("{n} week", "{n} weeks", 1) == "{n} semana"
    assert translations.ngettext("{n} week", "{n} weeks", 6) == "{n} semanas"


def test_spanish_check_and_schedule_read_no_po_and_load_only_babels_dates(tmp_path: Path) -> None:
    """With --lang es, check and schedule load Babel's dates but neither its catalog tools nor its support."""
    runs = [CHECK_ES, ("schedule", "2025-03-01", "--lang", "es")]
    loaded = modules_loaded(tmp_path, ("babel",), *runs)
    assert "babel.dates" in loaded
    assert [m for m in loaded if m.startswith(("babel.messages", "babel.support"))] == []


def test_spanish_without_a_date_loads_no_babel(tmp_path: Path) -> None:
    """'red-flags' and 'activities' in Spanish write no date, so Babel is never loaded."""
    runs = [("red-flags", "--lang", "es"), ("activities", "--lang", "es")]
    assert modules_loaded(tmp_path, ("babel",), *runs) == []


def test_the_wheel_carries_each_compiled_catalog(tmp_path: Path) -> None:
    """A wheel built from the checkout holds every .mo, as committed, beside its .po."""
    subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        check=True,
    )
    (wheel,) = tmp_path.glob("vplan-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        for po in CATALOGS:
            inside = f"vplan/{po.with_suffix('.mo').relative_to(i18n.LOCALE_DIR.parent)}"
            assert archive.read(inside) == po.with_suffix(".mo").read_bytes()
