"""``vplan check`` and the commands that answer on the screen: an answer as text or JSON."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

from vplan.commands.common import load, today
from vplan.errors import EXIT_NOT_ALLOWED, EXIT_OK, InputError

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from pathlib import Path

    from vplan.model import Activity, Protocol
    from vplan.render.lines import Line


def check(
    words: list[str],
    *,
    procedure_date: str | None,
    on: str | None,
    day: int | None,
    orders: Path | None,
    as_json: bool,
    lang: str,
    rules: Path | None,
    procedure: str | None,
) -> int:
    """May the patient do this on this day? One of four answers; exit 0 only for a plain yes.

    The question is read as the local web page reads it (``vplan.question``).
    """
    from vplan.parse import parse_date
    from vplan.question import (
        NEEDS_PROCEDURE_DATE,
        answers,
        day_asked,
        read_question,
        split_activity,
    )

    activity_words, amount_words = split_activity(words)
    protocol = load(rules, procedure, lang)
    now_today = today()
    start = (
        None
        if procedure_date is None
        else parse_date(procedure_date, today=now_today, name="procedure date")
    )
    if orders is not None:
        from vplan.orders import load_orders

        protocol = load_orders(orders, protocol, procedure_date=start, lang=lang).apply(protocol)
    question = read_question(protocol, activity_words, amount_words)
    if on is not None and day is not None:
        raise InputError("give either --on DATE or --day N, not both")
    if start is None:
        if on is not None or day is not None:
            raise InputError(NEEDS_PROCEDURE_DATE)
        return _show_rules(protocol, question.found, question.text, as_json, lang)
    from vplan.plan import build_plan

    plan = build_plan(protocol, start)
    from vplan.render import structured, text

    found = answers(plan, question, day_asked(plan, on, day, now_today), lang)
    answer(
        as_json,
        lambda: structured.verdicts(found, question.text, lang),
        lambda: text.verdicts(found, lang),
    )
    return EXIT_OK if all(one.allowed for one in found) else EXIT_NOT_ALLOWED


def _show_rules(
    protocol: Protocol, activities: Sequence[Activity], question: str, as_json: bool, lang: str
) -> int:
    from vplan.render import structured, text
    from vplan.reports import build_rule

    views = [build_rule(protocol, activity, lang) for activity in activities]
    answer(as_json, lambda: structured.rules(views, question), lambda: text.rules(views))
    return EXIT_OK


def dump(data: object) -> str:
    """Data as the JSON vplan prints: indented, letters as they are."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def answer(as_json: bool, data: Callable[[], object], lines: Callable[[], list[Line]]) -> None:
    """Print an answer as JSON data or as text lines, as wide as the terminal."""
    if as_json:
        sys.stdout.write(dump(data()))
    else:
        from vplan.output import show
        from vplan.render.lines import at_width, terminal_width

        with at_width(terminal_width()):
            show(lines())


def report(as_json: bool, data: Callable[[], object], text: Callable[[], str]) -> None:
    """Print a rules report as JSON data or as its plain text."""
    sys.stdout.write(dump(data()) if as_json else text())
