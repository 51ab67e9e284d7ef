"""The rules commands and the protocol's listings: a view built, then laid out.

``rules validate``, ``lint``, ``schema``, ``diff``, ``show`` and ``init``; ``red-flags`` and
``activities``.
"""

from __future__ import annotations

import os
import shlex
import sys
from typing import TYPE_CHECKING

from vplan.commands.answers import answer, dump, report
from vplan.commands.common import load, today
from vplan.errors import EXIT_CHANGED, EXIT_OK, EXIT_WARNINGS

if TYPE_CHECKING:
    from pathlib import Path


def red_flags(as_json: bool, lang: str, rules: Path | None, procedure: str | None) -> None:
    """The warning signs by tier: call the emergency number, call the care team, expected."""
    from vplan.render import structured, text
    from vplan.reports import build_warning_signs

    listing = build_warning_signs(load(rules, procedure, lang), lang)
    answer(as_json, lambda: structured.warning_signs(listing), lambda: text.warning_signs(listing))


def activities(as_json: bool, lang: str, rules: Path | None, procedure: str | None) -> None:
    """What the rules know: each activity with its aliases and limits."""
    from vplan.render import structured, text
    from vplan.reports import build_activities

    listing = build_activities(load(rules, procedure, lang), lang)
    answer(as_json, lambda: structured.activities(listing), lambda: text.activities(listing))


def validate(file: Path | None, as_json: bool) -> None:
    """Check a rules file and list every problem as file:line:column (exit 3 if any)."""
    from vplan.model import protocol_from_data
    from vplan.render import structured, text
    from vplan.reports import build_validate
    from vplan.rules import read_bytes, resolve
    from vplan.validate import validate

    source = resolve(file, os.environ)
    data = validate(read_bytes(source), source.label)
    protocol = protocol_from_data(data, source.label)
    found = build_validate(protocol, source.label, data["procedures"])
    report(as_json, lambda: structured.rules_validate(found), lambda: text.rules_validate(found))


def init(file: Path, force: bool) -> None:
    """Write a copy of the bundled default rules to ``file``."""
    from vplan.delivery import wrote
    from vplan.output import write_file
    from vplan.rules import default_rules_path

    write_file(file, default_rules_path().read_bytes(), force=force)
    lint_it = f"vplan rules lint {shlex.quote(str(file))}"
    wrote(file, "a copy of the default protocol", then=f"edit it, then run: {lint_it}")


def lint(file: Path | None, as_json: bool) -> int:
    """Validate a rules file, then warn about what a reviewer should look at (exit 1 if any)."""
    from vplan.authoring.lint import lint_valid
    from vplan.render import structured, text
    from vplan.reports import build_lint
    from vplan.rules import load_book, read_bytes, resolve

    source = resolve(file, os.environ)
    data = read_bytes(source)
    book = load_book(source, os.environ, data)  # validated, or as validated before (the cache)
    found = build_lint(source.label, lint_valid(book, data, source.label, today=today()))
    report(as_json, lambda: structured.rules_lint(found), lambda: text.rules_lint(found))
    return EXIT_WARNINGS if found.findings else EXIT_OK


def schema(output: Path | None, force: bool) -> None:
    """Print (or write) the JSON Schema of the rules format."""
    from vplan.authoring.json_schema import rules_json_schema
    from vplan.delivery import wrote
    from vplan.output import emit

    emit(dump(rules_json_schema()), output, force=force)
    if output is not None:
        wrote(output, "the JSON Schema of the rules format")


def diff(old: Path, new: Path) -> int:
    """What changes for patients from OLD to NEW (exit 1 if anything does, else 0)."""
    from vplan.authoring.diff import compare_files
    from vplan.output import show
    from vplan.render import text
    from vplan.render.lines import at_width, terminal_width
    from vplan.reports import build_diff
    from vplan.rules import RulesSource, load_book

    before = load_book(RulesSource(old, str(old)), os.environ)
    after = load_book(RulesSource(new, str(new)), os.environ)
    found = build_diff(compare_files(before, after), str(old), str(new))
    with at_width(terminal_width()):  # the terminal's width, as the other reports
        show(text.rules_diff(found))
    return EXIT_CHANGED if found.changes else EXIT_OK


def show(rules: Path | None) -> None:
    """Print the rules file in use (after checking it), with its path and version."""
    from vplan.render import text
    from vplan.reports import build_show
    from vplan.rules import read_bytes, resolve

    source = resolve(rules, os.environ)
    written = read_bytes(source).decode("utf-8-sig")
    sys.stdout.write(text.rules_show(build_show(load(rules), source.label, written)))
