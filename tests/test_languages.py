"""Languages are one table: following docs/languages.md to add one is enough to print a handout.

In a copy of the package, a made-up language (French, "fr", with Canadian French dates) is
added as the guide says: one row in ``languages.py``, a catalog started from the
template and compiled, and an ``fr:`` text beside every ``en:`` text of the rules. vplan,
run from the copy, then prints a handout in it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir, extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from ruamel.yaml import YAML

import vplan
from vplan import i18n
from vplan.languages import TABLE
from vplan.rules import default_rules_path

PACKAGE = Path(vplan.__file__).parent
ROW = '    Language("es", "es_US", N_("Spanish")),\n'
FRENCH = {"French": "Français"}  # the one phrase the new row brings: its own name


def with_french(text: object) -> None:
    """Give every text of the rules (a mapping with an 'en' entry) an 'fr' entry."""
    if isinstance(text, dict):
        if "en" in text and "fr" not in text:
            text["fr"] = text.get("es", text["en"])
        for value in text.values():
            with_french(value)
    elif isinstance(text, list):
        for value in text:
            with_french(value)


@pytest.fixture(scope="module")
def french(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A copy of vplan with French added as docs/languages.md says, and rules with fr: texts."""
    root = tmp_path_factory.mktemp("french")
    copy = root / "vplan"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    # 1. One row in the table of languages.
    table = copy / "languages.py"
    source = table.read_text(encoding="utf-8")
    assert ROW in source
    table.write_text(
        source.replace(ROW, ROW + '    Language("fr", "fr_CA", N_("French")),\n'),
        encoding="utf-8",
    )
    # 2. The catalog, from the template of the words' phrases, translated (here: the Spanish
    #    phrases stand in for a translator's French), then compiled.
    spanish = {m.id: m.string for m in read_po(i18n.catalog_path("es").open("rb")) if m.id}
    catalog = Catalog(locale="fr_CA", domain="vplan")
    found = [m for _, _, m, _, _ in extract_from_dir(str(copy / "words"), [("**.py", "python")])]
    found += [m for _, m, _, _ in extract_from_file("python", str(table))]
    for message in found:
        msgid = message if isinstance(message, str) else tuple(message)
        catalog.add(msgid, FRENCH.get(str(msgid)) or spanish[msgid])
    catalog.fuzzy = False
    compiled = copy / "locale" / "fr" / "LC_MESSAGES" / "vplan.mo"
    compiled.parent.mkdir(parents=True)
    with compiled.open("wb") as handle:
        write_mo(handle, catalog)
    # 3. An fr: text beside every en: text of the rules.
    yaml = YAML()
    data = yaml.load(default_rules_path().read_text(encoding="utf-8"))
    with_french(data)
    rules = root / "rules-fr.yaml"
    with rules.open("w", encoding="utf-8") as handle:
        yaml.dump(data, handle)
    return root, rules


def vplan_in(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the copy of vplan in ``root`` with these arguments."""
    env = dict(os.environ, PYTHONPATH=str(root), VPLAN_CACHE_DIR=str(root / "cache"))
    return subprocess.run(
        [sys.executable, "-m", "vplan", *args], cwd=root, env=env, capture_output=True,
        text=True, check=False,
    )  # fmt: skip


def test_a_language_added_as_the_guide_says_prints_a_handout(french: tuple[Path, Path]) -> None:
    """French, added by one row, a catalog and fr: texts, prints a handout and its stamp."""
    root, rules = french
    for name in ("ana.pdf", "ana.html"):
        done = vplan_in(root, "handout", "2025-03-01", "--patient", "Ana", "--phone",
                        "555-0100", "--lang", "fr", "--rules", str(rules), "-o", name)  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert "Traceback" not in done.stderr
        assert (root / name).stat().st_size > 0
        assert "French" in done.stdout  # the chart note names the language
    page = (root / "ana.html").read_text(encoding="utf-8")
    assert 'lang="fr"' in page
    assert "Français." in page  # the stamp names the language in its own words


def test_the_new_language_is_a_choice_of_lang(french: tuple[Path, Path]) -> None:
    """The --lang choices of the copy list the new language."""
    root, _ = french
    done = vplan_in(root, "schedule", "--help")
    assert "en|es|fr" in done.stdout


def test_every_language_has_its_catalog_and_its_name() -> None:
    """Each row of the table (English aside) has a compiled catalog; each has a name."""
    assert list(i18n.LANGUAGES) == [row.code for row in TABLE]
    for row in TABLE:
        assert i18n.NAMES[row.code] == row.name
        if row.code != i18n.ENGLISH:
            assert i18n.compiled_catalog_path(row.code).is_file()
