"""``check``'s answer as one view: text and JSON only lay it out.

Pure: no clock, no printing, no files.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from vplan.i18n import ENGLISH
from vplan.plan import Status
from vplan.sections import cite
from vplan.words.common import CALL_US
from vplan.words.nurse import NurseWords

if TYPE_CHECKING:
    from datetime import date

    from vplan.plan import Plan, Verdict


class Involved(NamedTuple):
    """An activity the one asked about involves, which holds it back on the day."""

    activity: str  # the activity's key
    status: Status
    allowed_from_day: int | None
    allowed_from: date | None


class Answer(NamedTuple):
    """``check``'s answer for a day, in the words of one language."""

    plan: Plan
    verdict: Verdict
    title: str
    status: Status
    reason: str
    allowed_from_day: int | None  # None: only when the care team clears it
    allowed_from: date | None
    # The day its limits (and those of what it involves) end, whatever the amount: past when
    # they have ended, 0 when it has none; None when one lasts until the care team clears it.
    no_limit_from_day: int | None
    # "allowed_from"; for a yes with care, "no_limit_from"; "" when ``when_text`` is a sentence
    # of its own (with care until the care team says otherwise)
    when_label: str
    when_text: str
    condition: str | None  # for a yes with care: the rule's sentence, or the caution that makes it
    # The limit that follows the one in force, from its day: how today's rule changes next
    next: str | None
    then: str | None  # how to come back once the limits end, when it is still to come
    involved: tuple[Involved, ...]
    cautions: tuple[str, ...]
    tip: str | None
    sources: tuple[str, ...]  # cited

    @property
    def allowed(self) -> bool:
        """Whether the answer is a plain yes."""
        return self.status is Status.ALLOWED


def build_answer(plan: Plan, verdict: Verdict, lang: str = ENGLISH) -> Answer:
    """The answer to ``check`` for ``verdict``: one of four, why, the dates, the sources."""
    free = verdict.allowed_from_day
    advice = verdict.activity.advice
    words = NurseWords(lang)
    when_label, when_text = _when(plan, verdict, words)
    reason = words.verdict_reason(plan, verdict)
    condition = _condition(verdict, lang)
    if _ruled_by_advice(verdict) and advice is not None:
        # No limit: the advice is the rule, said as the reason, not as a tip beside it.
        reason, advice = f"{reason} {advice.get(lang)}", None
    return Answer(
        plan=plan,
        verdict=verdict,
        title=words.verdict_title(plan, verdict),
        status=verdict.status,
        reason=reason,
        allowed_from_day=free,
        allowed_from=None if free is None else plan.date_of(free),
        no_limit_from_day=_limits_end(plan, verdict),
        when_label=when_label,
        when_text=when_text,
        condition=condition,
        next=_next(plan, verdict, words),
        then=_then(plan, verdict, words),
        involved=tuple(
            Involved(
                v.activity.key,
                v.status,
                v.allowed_from_day,
                None if v.allowed_from_day is None else plan.date_of(v.allowed_from_day),
            )
            for v in verdict.involved
        ),
        cautions=tuple(c.text.get(lang) for c in verdict.cautions),
        tip=None if advice is None else advice.get(lang),
        sources=tuple(cite(plan.protocol, verdict.sources)),
    )


def _limits_end(plan: Plan, verdict: Verdict) -> int | None:
    """The day no limit holds the activity, or one it involves, any more: "No limit from".

    Of the activity, whatever the amount asked about: 5 lb within a 10 lb limit is allowed, and
    the limit still holds until it ends. A day past when the limits have ended already.
    """
    ends: list[int | None] = []
    for each in (verdict, *verdict.involved):
        windows = plan.windows_of(each.activity)
        holding = next((w for w in windows if w.covers(verdict.day)), None)
        if holding is not None:
            ends.append(list(plan.chain(holding))[-1].end_day)
        else:
            ended = [w.end_day for w in windows if w.end_day is not None and w.end_day <= each.day]
            ends.append(max(ended, default=0))
    return None if None in ends else max(e for e in ends if e is not None)


def _next(plan: Plan, verdict: Verdict, words: NurseWords) -> str | None:
    """The limit after the one in force, from its day: "From Sun, Mar 2 (day 1): Take short ..."."""
    window = verdict.window
    following = None if window is None else plan.following(window)
    if window is None or following is None or window.end_day is None:
        return None
    return words.changes_on(plan, window.end_day, following.limit.text.get(words.lang))


def _then(plan: Plan, verdict: Verdict, words: NurseWords) -> str | None:
    """How to come back once the limits end, from the day they end, while that is still to come."""
    lasting = verdict.activity.then
    if lasting is None or verdict.lasting is not None:
        return None
    text = lasting.text.get(words.lang)
    ends = [w.end_day for w in plan.windows_of(verdict.activity)]
    if not ends or None in ends:
        return text
    return words.changes_on(plan, max(e for e in ends if e is not None), text)


def _condition(verdict: Verdict, lang: str) -> str | None:
    """The sentence that says how the activity is allowed, for a yes with care."""
    if verdict.status is not Status.WITH_CARE:
        return None
    for each in (verdict, *verdict.involved):
        if each.status is Status.WITH_CARE:
            if each.window is not None and each.window.status(each.amount) is Status.WITH_CARE:
                return each.window.limit.text.get(lang)
            if each.window is None and each.lasting is not None:
                return each.lasting.text.get(lang)
    # Else only a caution ("never drive while ..."), or the advice of an activity with no
    # limit ("short rides as a passenger"), makes it one: both, when it has both.
    said = [c.text.get(lang) for c in verdict.cautions]
    advice = verdict.activity.advice
    if _ruled_by_advice(verdict) and advice is not None:
        said.append(advice.get(lang))
    return " ".join(said) or None


def _ruled_by_advice(verdict: Verdict) -> bool:
    """Whether the activity has no limit but advice on how: that advice is its rule."""
    activity = verdict.activity
    return activity.advice is not None and not activity.limits and verdict.window is None


def _when(plan: Plan, verdict: Verdict, words: NurseWords) -> tuple[str, str]:
    """From when; for what only the care team clears, their number when the rules give one."""
    label, text = words.verdict_when(plan, verdict)
    phone = plan.protocol.info.phone
    if verdict.allowed_from_day is None and verdict.status.forbids and phone:
        text += ". " + words.tr(CALL_US).format(phone=phone)
    return label, text
