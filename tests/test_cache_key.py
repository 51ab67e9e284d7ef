"""The rules cache key covers the code that validates: derived from imports, not a hand list."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import vplan
from vplan.rules import default_rules_path, validating_code

PACKAGE = Path(vplan.__file__).parent


def test_the_key_covers_every_module_validation_loads() -> None:
    """Each vplan module loaded while a rules file is validated is in the key, chars.py too."""
    loaded = subprocess.run(
        [sys.executable, "-c",
         "import sys; from pathlib import Path; from vplan.validate import validate; "
         "validate(Path(sys.argv[1]).read_bytes(), 'rules.yaml'); "
         "print(' '.join(sorted(m[6:] for m in sys.modules if m.startswith('vplan.'))))",
         str(default_rules_path())],
        capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    covered = validating_code(PACKAGE)
    assert "chars" in covered
    assert set(loaded) <= set(covered), set(loaded) - set(covered)


def test_a_change_to_a_validating_module_changes_the_key(tmp_path: Path) -> None:
    """Editing chars.py (imported by validate.py) changes the code keyed; editing cli.py does not."""
    copy = tmp_path / "vplan"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    before = validating_code(copy)
    with (copy / "cli.py").open("a", encoding="utf-8") as handle:
        handle.write("\n# a change outside validation\n")
    assert validating_code(copy) == before
    with (copy / "chars.py").open("a", encoding="utf-8") as handle:
        handle.write("\n# a change to a module validation uses\n")
    assert validating_code(copy) != before


def test_a_module_imported_inside_a_function_is_followed(tmp_path: Path) -> None:
    """An import within a function, or of a module by name from the package, is followed."""
    package = tmp_path / "vplan"
    package.mkdir()
    (package / "validate.py").write_text(
        "def validate():\n    from vplan.checks import one\n    from vplan import words\n",
        encoding="utf-8",
    )
    (package / "checks.py").write_text("import vplan.deeper\n", encoding="utf-8")
    (package / "deeper.py").write_text("X = 1\n", encoding="utf-8")
    (package / "words.py").write_text("", encoding="utf-8")
    (package / "unused.py").write_text("", encoding="utf-8")
    assert list(validating_code(package)) == ["checks", "deeper", "validate", "words"]
