"""``check``'s question read from the words typed: the activity, an amount, the day asked about.

The command line and the local web page (``vplan serve``) both read a question here, so
they refuse the same questions with the same words and answer with the same ``Answer``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, NamedTuple

from vplan.errors import InputError
from vplan.i18n import ENGLISH

if TYPE_CHECKING:
    from vplan.answer import Answer
    from vplan.model import Activity, Protocol
    from vplan.plan import Plan
    from vplan.units import Weight


NEEDS_PROCEDURE_DATE = (
    "--on and --day count from the procedure date; add -p YYYY-MM-DD, "
    "or leave them out to see the rule in post-operative days"
)


class Question(NamedTuple):
    """What is asked: the words of the activity, the activities they name, and an amount."""

    text: str
    found: tuple[Activity, ...]
    amount: Weight | None


def split_activity(typed: Sequence[str]) -> tuple[list[str], list[str]]:
    """The activity is the words before the first one that starts with a digit.

    A unit ('nan lb', '+5 lb') ends the activity one word before it, so a weight vplan
    cannot read is refused as a weight, never looked up as part of the activity's name.
    """
    from vplan.chars import controls_in, escaped, shown
    from vplan.parse import MASS_UNITS

    for each in typed:
        controls = controls_in(each)
        if controls:
            raise InputError(
                f"'{escaped(each)}' has a control character ({shown(controls[0])}); type the "
                "question on one line, in plain letters"
            )
    words = [word for each in typed for word in each.split()]
    for index, word in enumerate(words):
        if index and word.lower().rstrip(".") in MASS_UNITS:  # the number before it, if any
            start = index - 1 if index > 1 else index
            return list(words[:start]), list(words[start:])
        if word[:1].isdigit() or word[:1] in "-+.,":
            if index == 0:
                raise InputError(
                    f"'{word}' is not an activity; write the activity first, then the weight"
                )
            return list(words[:index]), list(words[index:])
    return list(words), []


def read_question(
    protocol: Protocol, activity_words: Sequence[str], amount_words: Sequence[str]
) -> Question:
    """The activities the words name, and the amount (refused for an activity without one)."""
    from vplan.parse import parse_weight

    text = " ".join(activity_words)
    found = tuple(protocol.activities_named(text))
    amount = parse_weight(" ".join(amount_words)) if amount_words else None
    unmeasured = next((a for a in found if not a.measured), None)
    if amount is not None and unmeasured is not None:
        raise InputError(
            f"{unmeasured.name.get().lower()} does not take an amount; "
            f"leave out '{' '.join(amount_words)}'"
        )
    return Question(text, found, amount)


def day_asked(plan: Plan, on: str | None, day: int | None, today: date) -> int:
    """The post-operative day asked about: ``day``, else the date ``on`` (default: today)."""
    if on is not None and day is not None:
        raise InputError("give either --on DATE or --day N, not both")
    if day is not None:
        return day
    from vplan.parse import parse_date

    when = parse_date(on or "today", today=today, name="check date")
    found = plan.day_of(when)
    if found < 0:
        raise InputError(
            f"the check date {when.isoformat()} is before the procedure date "
            f"{plan.procedure_date.isoformat()}; check a day on or after the procedure"
        )
    return found


def answers(plan: Plan, question: Question, day: int, lang: str = ENGLISH) -> list[Answer]:
    """One answer for each activity the question names, on ``day``."""
    from vplan.answer import build_answer

    return [
        build_answer(plan, plan.verdict(activity, day, question.amount), lang)
        for activity in question.found
    ]
