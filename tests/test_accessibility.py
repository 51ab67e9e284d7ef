"""The HTML handout passes an axe-core audit (WCAG 2.1 A and AA) in Debian's headless Chromium."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from vplan.handout import Layout, Paper, Patient, build_handout
from vplan.plan import Plan
from vplan.render import webpage

ROOT = Path(__file__).resolve().parent.parent
AUDIT = ROOT / "tests" / "axe" / "audit.mjs"
CHROMIUM = next(
    (found for name in ("chromium", "chromium-browser") if (found := shutil.which(name))), None
)
NODE = shutil.which("node")
MODULES = ROOT / "node_modules"
pytestmark = [
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="chromium is not installed (Debian: apt-get install chromium); .ci/run installs it",
    ),
    pytest.mark.skipif(
        NODE is None, reason="node is not installed (Debian: apt-get install nodejs npm)"
    ),
    pytest.mark.skipif(
        not (MODULES / "axe-core").is_dir() or not (MODULES / "puppeteer-core").is_dir(),
        reason="axe-core and puppeteer-core are not installed: run 'npm ci' (.ci/run does)",
    ),
]
LAYOUTS = {
    "letter, English": (Layout(), "en"),
    "A4, large print, English": (Layout(Paper.A4, large_print=True), "en"),
    "letter, Spanish": (Layout(), "es"),
    "letter, large print, Spanish": (Layout(large_print=True), "es"),
}


def test_every_html_handout_passes_the_wcag_21_aa_audit(plan: Plan, tmp_path: Path) -> None:
    """axe-core finds no WCAG 2.1 A or AA violation, and the page draws in its embedded font."""
    patient = Patient("Nguyễn Văn An", "St. Mary's Spine <Center>", "(555) 010-0199", "Dr. Ó Sé")
    files: dict[str, str] = {}
    for name, (layout, lang) in LAYOUTS.items():
        page = tmp_path / f"{len(files)}.html"
        page.write_bytes(webpage.document(build_handout(plan, patient, layout, lang)))
        files[str(page)] = name
    assert NODE is not None
    assert CHROMIUM is not None
    done = subprocess.run(
        [NODE, str(AUDIT), CHROMIUM, *files], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    for path, name in files.items():
        assert report[path]["violations"] == [], name
        assert sorted(report[path]["fonts"]) == ["Vplan Sans bold", "Vplan Sans normal"], name
        assert "color-contrast" in report[path]["passes"], name
