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


def test_a_circle_is_found() -> None:
    """The check finds a circle of three modules."""
    assert _circle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _circle({"a": {"b"}, "b": set()}) is None
