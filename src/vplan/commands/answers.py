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
    """May the patient do this on this day? One of four answers; exit 0 only for a plain yes."""
    from vplan.parse import parse_date, parse_weight

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
    question = " ".join(activity_words)
    found = protocol.activities_named(question)
    amount = parse_weight(" ".join(amount_words)) if amount_words else None
    unmeasured = next((a for a in found if not a.measured), None)
    if amount is not None and unmeasured is not None:
        raise InputError(
            f"{unmeasured.name.get().lower()} does not take an amount; "
            f"leave out '{' '.join(amount_words)}'"
        )
    if on is not None and day is not None:
        raise InputError("give either --on DATE or --day N, not both")
    if start is None:
        if on is not None or day is not None:
            raise InputError(
                "--on and --day count from the procedure date; add -p YYYY-MM-DD, "
                "or leave them out to see the rule in post-operative days"
            )
        return _show_rules(protocol, found, question, as_json, lang)
    from vplan.plan import build_plan

    plan = build_plan(protocol, start)
    if day is None:
        when = parse_date(on or "today", today=now_today, name="check date")
        day = plan.day_of(when)
        if day < 0:
            raise InputError(
                f"the check date {when.isoformat()} is before the procedure date "
                f"{start.isoformat()}; check a day on or after the procedure"
            )
    from vplan.answer import build_answer
    from vplan.render import structured, text

    answers = [build_answer(plan, plan.verdict(act, day, amount), lang) for act in found]
    answer(
        as_json,
        lambda: structured.verdicts(answers, question, lang),
        lambda: text.verdicts(answers, lang),
    )
    return EXIT_OK if all(answer.allowed for answer in answers) else EXIT_NOT_ALLOWED


def split_activity(words: list[str]) -> tuple[list[str], list[str]]:
    """The activity is the words before the first one that starts with a digit."""
    for index, word in enumerate(words):
        if word[:1].isdigit() or word[:1] in "-.,":
            if index == 0:
                raise InputError(
                    f"'{word}' is not an activity; write the activity first, then the weight"
                )
            return words[:index], words[index:]
    return words, []


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
