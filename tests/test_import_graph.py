"""The modules of vplan import one another in one direction: no circle in the import graph."""

from __future__ import annotations

import ast
from pathlib import Path

import vplan

PACKAGE = Path(vplan.__file__).parent


def _module_names() -> dict[str, Path]:
    """Every module of the package by its dotted name under vplan ('' for the package)."""
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """The vplan modules a file imports when it runs (in functions too; not for type checks)."""
    found: set[str] = set()

    class Visitor(ast.NodeVisitor):
        def visit_If(self, node: ast.If) -> None:
            if isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
                for child in node.orelse:
                    self.visit(child)
                return
            self.generic_visit(node)

        def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
            if node.module is None or node.module.split(".")[0] != "vplan":
                return
            base = node.module[len("vplan.") :] if "." in node.module else ""
            for alias in node.names:
                whole = f"{base}.{alias.name}" if base else alias.name
                found.add(whole if whole in modules else base)

        def visit_Import(self, node: ast.Import) -> None:
            found.update(a.name[len("vplan.") :] for a in node.names if a.name.startswith("vplan."))

    Visitor().visit(ast.parse(path.read_text(encoding="utf-8")))
    return found


def _circle(graph: dict[str, set[str]]) -> list[str] | None:
    """One circle of the graph, as the modules along it, or None."""
    done: set[str] = set()

    def walk(node: str, path: list[str]) -> list[str] | None:
        for following in sorted(graph.get(node, ())):
            if following in path:
                return [*path[path.index(following) :], following]
            if following not in done:
                found = walk(following, [*path, following])
                if found:
                    return found
        done.add(node)
        return None

    for start in sorted(graph):
        found = walk(start, [start])
        if found:
            return found
    return None


def test_the_import_graph_has_no_circle() -> None:
    """No module imports, through others, a module that imports it (orders and plan included)."""
    modules = _module_names()
    graph = {name: _imports(path, modules) - {name} for name, path in modules.items()}
    assert "orders" not in graph["plan"]
    assert _circle(graph) is None


def _all_imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """The vplan modules a file imports, for type checking too."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("vplan"):
            base = node.module[len("vplan.") :] if "." in node.module else ""
            found.update(
                f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names
            )
    return found


VIEWS = ("schedule", "answer", "reports", "handout", "sections")


def test_no_view_imports_a_renderer() -> None:
    """The views (schedule, check's answer, the reports, the handout) never import render/."""
    modules = _module_names()
    for view in VIEWS:
        imported = _all_imports(modules[view], modules)
        assert not [name for name in imported if name.startswith("render")], view


def test_the_reports_do_not_import_the_schedule() -> None:
    """The rules reports share the warning signs with the schedule through sections, not it."""
    modules = _module_names()
    assert "schedule" not in _all_imports(modules["reports"], modules)


def test_the_core_never_imports_the_command_line() -> None:
    """No module but the entry point imports cli or the commands' work: the CLI sits on top."""
    modules = _module_names()
    for name, path in modules.items():
        if name in ("cli", "__main__") or name.startswith("commands"):
            continue
        imported = _all_imports(path, modules)
        assert not [m for m in imported if m == "cli" or m.startswith("commands")], name


def test_a_circle_is_found() -> None:
    """The check finds a circle of three modules."""
    assert _circle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _circle({"a": {"b"}, "b": set()}) is None
