"""``check``'s answer as one view: text and JSON only lay it out.

Pure: no clock, no printing, no files.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from vplan.i18n import ENGLISH
from vplan.render.sources import cite
from vplan.words.common import CALL_US
from vplan.words.nurse import NurseWords

if TYPE_CHECKING:
    from datetime import date

    from vplan.plan import Plan, Verdict


class Involved(NamedTuple):
    """An activity the one asked about involves, not allowed on the day."""

    activity: str  # the activity's key
    allowed_from_day: int | None
    allowed_from: date | None


class Answer(NamedTuple):
    """``check``'s answer for a day, in the words of one language."""

    plan: Plan
    verdict: Verdict
    title: str
    allowed: bool
    reason: str
    allowed_from_day: int | None  # None: only when the care team clears it
    allowed_from: date | None
    allowed_from_text: str
    involved: tuple[Involved, ...]
    cautions: tuple[str, ...]
    tip: str | None
    sources: tuple[str, ...]  # cited


def build_answer(plan: Plan, verdict: Verdict, lang: str = ENGLISH) -> Answer:
    """The answer to ``check`` for ``verdict``: allowed or not, why, from when, the sources."""
    free = verdict.allowed_from_day
    advice = verdict.activity.advice
    words = NurseWords(lang)
    return Answer(
        plan=plan,
        verdict=verdict,
        title=words.verdict_title(plan, verdict),
        allowed=verdict.allowed,
        reason=words.verdict_reason(plan, verdict),
        allowed_from_day=free,
        allowed_from=None if free is None else plan.date_of(free),
        allowed_from_text=_allowed_from_text(plan, verdict, words),
        involved=tuple(
            Involved(
                v.activity.key,
                v.allowed_from_day,
                None if v.allowed_from_day is None else plan.date_of(v.allowed_from_day),
            )
            for v in verdict.involved
        ),
        cautions=tuple(c.text.get(lang) for c in verdict.cautions),
        tip=None if advice is None else advice.get(lang),
        sources=tuple(cite(plan.protocol, verdict.sources)),
    )


def _allowed_from_text(plan: Plan, verdict: Verdict, words: NurseWords) -> str:
    """From when; for what only the care team clears, their number when the rules give one."""
    free = verdict.allowed_from_day
    text = words.allowed_from_day_text(plan, free)
    phone = plan.protocol.info.phone
    if free is None and not verdict.allowed and phone:
        text += ". " + words.tr(CALL_US).format(phone=phone)
    return text
