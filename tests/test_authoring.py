from __future__ import annotations

from pathlib import Path

from conftest import Run
from vplan.rules import default_rules_path


def test_init_writes_a_copy_of_the_default_rules(run: Run, tmp_path: Path) -> None:
    """'rules init' writes the bundled rules byte for byte and names the next step."""
    target = tmp_path / "clinic.yaml"
    result = run("rules", "init", str(target))
    assert result.code == 0, result.err
    assert target.read_bytes() == default_rules_path().read_bytes()
    assert result.out == (
        f"Wrote the default protocol to {target}. Next: edit it, then run: "
        f"vplan rules lint {target}\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clinic.yaml"]


def test_init_never_overwrites_without_force(run: Run, tmp_path: Path) -> None:
    """An existing file is refused (exit 4) and kept; --force replaces it."""
    target = tmp_path / "clinic.yaml"
    target.write_text("my own protocol\n", encoding="utf-8")
    refused = run("rules", "init", str(target))
    assert refused.code == 4
    assert refused.err.count("\n") == 1
    assert "--force" in refused.err
    assert target.read_text(encoding="utf-8") == "my own protocol\n"
    assert run("rules", "init", str(target), "--force").code == 0
    assert target.read_bytes() == default_rules_path().read_bytes()


def test_init_quotes_a_path_with_spaces_in_the_next_step(run: Run, tmp_path: Path) -> None:
    """The suggested lint command can be pasted as it is, even for a name with a space."""
    target = tmp_path / "my clinic.yaml"
    assert run("rules", "init", str(target)).out.endswith(f"vplan rules lint '{target}'\n")
