"""Teach-back: questions from one patient's plan, with the answers in the patient's dates.

The nurse asks each question and the patient answers in their own words; what was not
answered is taught again. The questions are made from the plan (the care team's orders and
the booked visit included), so the expected answers are this patient's: the verdict of the
day the questions are asked on, then the rules' own sentences with the dates they change.
A topic the rules do not hold (no lifting rule, no follow-up visit) is left out, never
guessed. Pure: no clock, no printing, no files.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, NamedTuple

from vplan.errors import InputError
from vplan.i18n import ENGLISH
from vplan.model import Tier
from vplan.plan import FollowUpVisit, RuleEvent
from vplan.words.teach import TeachWords

if TYPE_CHECKING:
    from datetime import date, datetime

    from vplan.model import Activity
    from vplan.plan import Plan, Status
    from vplan.stamp import Stamp


class Topic(StrEnum):
    """What a question asks about; the value names it in the chart note (in English)."""

    LIFTING = "lifting"
    EMERGENCY = "emergency signs"
    CALL_TODAY = "call-today signs"
    SHOWER = "showering"
    FOLLOW_UP = "follow-up visit"
    DRIVING = "driving"


_WORD_KEYS = {
    Topic.LIFTING: "lifting",
    Topic.EMERGENCY: "emergency",
    Topic.CALL_TODAY: "call_today",
    Topic.SHOWER: "shower",
    Topic.FOLLOW_UP: "follow_up",
    Topic.DRIVING: "driving",
}


class Question(NamedTuple):
    """One question, numbered from 1, and the answer the patient's plan gives."""

    number: int
    topic: Topic
    text: str
    answer: str
    status: Status | None = None  # the verdict, for a question about an activity


class TeachBack(NamedTuple):
    """The questions for one patient, asked on post-operative ``day``, in ``lang``."""

    title: str
    day_line: str
    how: str
    expected: str  # the label before each answer
    day: int
    lang: str
    questions: tuple[Question, ...]


class Outcome(NamedTuple):
    """What the nurse recorded: the questions answered, and the topics taught again."""

    asked: int
    answered: tuple[int, ...]
    retaught: tuple[Topic, ...]
    day: int  # the post-operative day the questions were asked about

    def chart_line(self) -> str:
        """``Teach-back: 4 of 5 answered; re-taught: driving.``, in English for the chart."""
        line = f"Teach-back: {len(self.answered)} of {self.asked} answered"
        if self.retaught:
            line += "; re-taught: " + ", ".join(topic.value for topic in self.retaught)
        return line + "."


def build_teach_back(plan: Plan, *, day: int, phone: str, lang: str = ENGLISH) -> TeachBack:
    """The questions of ``plan`` asked on post-operative ``day``; ``phone`` is the number to call.

    An activity question is asked only when the rules hold the activity (lifting: the
    activity measured by weight; showering and driving by their keys, ``shower`` and
    ``driving``); the follow-up question only when the plan has a visit.
    """
    words = TeachWords(lang)
    protocol = plan.protocol
    number = protocol.info.emergency_number
    found: list[tuple[Topic, str, Status | None]] = []
    lifting = next((a for a in protocol.activities if a.measured), None)
    if lifting is not None:
        found.append((Topic.LIFTING, *_activity_answer(words, plan, lifting, day)))
    for tier, topic in ((Tier.EMERGENCY, Topic.EMERGENCY), (Tier.CALL_TODAY, Topic.CALL_TODAY)):
        signs = [s.text.get(lang) for s in protocol.warning_signs if s.tier is tier]
        if signs:
            ask = number if tier is Tier.EMERGENCY else None
            found.append((topic, words.signs_answer(signs, number=ask, phone=phone), None))
    shower = protocol.by_key("shower")
    if shower is not None:
        found.append((Topic.SHOWER, *_activity_answer(words, plan, shower, day)))
    visit = words.visit_text(plan) if _visit_ahead(plan, day) else ""
    if visit:
        found.append((Topic.FOLLOW_UP, visit, None))
    driving = protocol.by_key("driving")
    if driving is not None:
        found.append((Topic.DRIVING, *_activity_answer(words, plan, driving, day)))
    questions = tuple(
        Question(n, topic, words.question(_WORD_KEYS[topic], number), answer, status)
        for n, (topic, answer, status) in enumerate(found, start=1)
    )
    return TeachBack(
        title=words.title(protocol.info.procedure.get(lang)),
        day_line=words.day_line(words.day_and_date(plan, day)),
        how=words.how(),
        expected=words.expected(),
        day=day,
        lang=lang,
        questions=questions,
    )


def _visit_ahead(plan: Plan, day: int) -> bool:
    """Whether the follow-up visit (booked, or due within a span) is on or after ``day``."""
    return any(
        m.last_day >= day
        for m in plan.milestones
        if isinstance(m, FollowUpVisit) or (isinstance(m, RuleEvent) and m.rule.follow_up)
    )


def _activity_answer(
    words: TeachWords, plan: Plan, activity: Activity, day: int
) -> tuple[str, Status]:
    """The verdict on ``day``, then the rules' sentences: the limit in force or the next one.

    An activity that involves another (a tub bath involves bending) adds that one's
    sentence where it makes the answer stricter or later, as ``Plan.verdict`` does.
    """
    verdict = plan.verdict(activity, day)
    parts = [_rule_text(words, plan, activity, day)]
    for involved in verdict.involved:
        own = _rule_text(words, plan, involved.activity, day)
        if own:
            parts.append(f"{involved.activity.name.get(words.lang)}: {own}")
    text = " ".join(part for part in parts if part)
    return words.verdict_answer(verdict.status, text), verdict.status


def _rule_text(words: TeachWords, plan: Plan, activity: Activity, day: int) -> str:
    """The limit in force on ``day`` with each date it changes; else the next; else ``then``."""
    lang = words.lang
    ahead = [
        w for w in plan.windows_of(activity) if w.covers(day) or w.start_day > day
    ]  # in time order
    if ahead:
        first = ahead[0]
        sentence = words.limit_sentence(plan, first)
        if first.covers(day):
            return sentence
        return words.changes_on(plan, first.start_day, sentence)
    parts = [] if activity.then is None else [activity.then.text.get(lang)]
    parts += [c.text.get(lang) for c in activity.cautions]
    parts += [] if activity.advice is None else [activity.advice.get(lang)]
    return " ".join(parts)


def parse_taught(text: str, asked: int) -> tuple[int, ...]:
    """``1,2,4`` (or ``none``): the numbers of the questions answered, each once, 1 to ``asked``."""
    cleaned = text.strip().lower()
    if cleaned in ("none", "0"):
        return ()
    found: list[int] = []
    for part in cleaned.replace(" ", "").split(","):
        if not (part.isascii() and part.isdigit()) or not 1 <= int(part) <= asked:
            raise InputError(
                f"--taught {text!r}: write the numbers of the questions answered, from 1 to "
                f"{asked}, separated by commas, such as 1,2,4 (or 'none')"
            )
        if int(part) in found:
            raise InputError(f"--taught {text!r} names question {part} twice; name it once")
        found.append(int(part))
    return tuple(sorted(found))


def outcome(teach: TeachBack, answered: tuple[int, ...]) -> Outcome:
    """What was answered and what was taught again, in the questions' order."""
    retaught = tuple(q.topic for q in teach.questions if q.number not in answered)
    return Outcome(len(teach.questions), answered, retaught, teach.day)


def chart_note(plan: Plan, stamp: Stamp, done: Outcome) -> str:
    """The chart note of a teach-back, in English: the outcome, then the plan it came from.

    ``Teach-back: 5 of 6 answered; re-taught: driving. Questions from the plan after
    vertebroplasty, procedure date Sat, Mar 1, 2025, protocol ... (rules 9e7350a0), English.``
    """
    from vplan.dates import Dates
    from vplan.i18n import NAMES

    orders = "" if stamp.orders_short is None else f", orders {stamp.orders_short}"
    return (
        f"{done.chart_line()} Questions from the plan after {plan.protocol.info.procedure.get()}, "
        f"procedure date {Dates().long(plan.procedure_date)}, asked on day {done.day}"
        f", protocol {stamp.protocol} {stamp.protocol_version} (rules {stamp.rules_short}{orders})"
        f", {NAMES.get(stamp.lang, stamp.lang)}."
    )


def journal_entry(
    plan: Plan,
    stamp: Stamp,
    done: Outcome,
    *,
    when: datetime,
    patient: str | None,
    key: str,
    follow_up: datetime | date | None = None,
) -> dict[str, str | int | bool | None]:
    """The journal entry of a teach-back, without its seal: no file, no name, no answers' text.

    ``patient`` is the HMAC of the patient (None without a name), ``key`` the key's id.
    """
    return {
        "format_version": 1,
        "when": when.isoformat(timespec="seconds"),
        **stamp.journal_fields(plan.procedure_date, follow_up),
        "format": "teach-back",
        "teach_back_day": done.day,
        "teach_back_asked": done.asked,
        "teach_back_answered": ",".join(str(n) for n in done.answered),
        "teach_back_retaught": ", ".join(topic.value for topic in done.retaught),
        "patient": patient,
        "key_id": key,
    }
