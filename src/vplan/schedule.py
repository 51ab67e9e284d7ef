"""The schedule as one view: every section the text, Markdown and JSON schedules show.

``build_schedule(plan, days, ...)`` makes one ``Schedule``; ``render/text.py``,
``render/markdown.py`` and ``render/structured.py`` only lay it out, so they cannot
disagree on a date, a span or a piece of advice (``answer.py`` does the same for
``check``). Pure: no clock, no printing, no files.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from vplan.i18n import ENGLISH
from vplan.plan import Status
from vplan.sections import Note, SignTier, cite, sign_tiers
from vplan.words.common import HOLDS_UNTIL_CLEARED, sentences
from vplan.words.nurse import NurseWords

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import date

    from vplan.model import Activity
    from vplan.plan import FollowUp, Plan, Window
    from vplan.stamp import Stamp
    from vplan.units import Weight
    from vplan.words.common import Words


class Header(NamedTuple):
    """The title block: title, the patient when named, procedure, visit, protocol, notices."""

    title: str
    patient: str | None  # the line naming the patient, None without a name
    procedure: str
    visit: str | None  # the booked follow-up visit, None without one
    protocol: str
    notices: tuple[str, ...]


class Avoid(NamedTuple):
    """A limit in force on a day, as the day's row names it."""

    activity: str  # the activity's key
    text: str
    max: Weight | None
    ask: bool = False  # no date: only the care team clears it
    involves: tuple[str, ...] = ()  # keys of the activities this one involves (a tub bath: bending)
    until: int | None = None  # the day this limit ends (None: when the care team says)


class AvoidGroup(NamedTuple):
    """A limit of a day's list with the limits of that day that involve its activity."""

    head: Avoid
    members: tuple[Avoid, ...] = ()


def avoid_groups(avoid: Sequence[Avoid]) -> tuple[AvoidGroup, ...]:
    """A day's limits with a date (not the ones to ask about), each under one it involves.

    ``Bending and twisting`` heads a tub bath, housework and gardening, which involve it:
    the patient reads a short list of what to avoid, and what each means. An activity goes
    under the first activity it involves that heads a group that day, is not allowed at
    all and is limited at least as long: under ``Lifting over 10 lb``, weight training
    would read as allowed below 10 lb; under bending (6 weeks), hard exercise (3 months)
    would read as allowed when bending is. Groups are in the list's order.
    """
    dated = [a for a in avoid if not a.ask]
    keys = {a.activity for a in dated}
    heads = {a.activity for a in dated if not keys.intersection(a.involves)}
    by_key = {a.activity: a for a in dated}

    def holds(head: str, member: Avoid) -> bool:
        """Whether ``member`` may be listed under ``head``: not at all, and as long."""
        limit = by_key[head]
        if limit.max is not None:
            return False
        return limit.until is None or (member.until is not None and member.until <= limit.until)

    under: dict[str, str] = {}
    for a in dated:
        if a.activity not in heads:
            first = next((k for k in a.involves if k in heads and holds(k, a)), None)
            if first is None:  # nothing it involves heads a group it may go under
                heads.add(a.activity)
            else:
                under[a.activity] = first
    return tuple(
        AvoidGroup(a, tuple(m for m in dated if under.get(m.activity) == a.activity))
        for a in dated
        if a.activity in heads
    )


class Careful(NamedTuple):
    """A limit in force on a day that allows the activity only as its rule says."""

    activity: str  # the activity's key
    text: str  # the rule's own sentence, which says how
    name: str  # the activity's name, which the sentence is said under

    @property
    def named(self) -> str:
        """``Stairs: Go slowly and hold the handrail.``: the sentence under its activity."""
        return f"{self.name}: {self.text}"


class DayRow(NamedTuple):
    """One day of the calendar."""

    day: int
    date: date
    date_text: str  # the date as the table shows it, with its weekday
    weekday: str
    milestones: tuple[str, ...]
    do: tuple[str, ...]
    avoid: tuple[Avoid, ...]
    careful: tuple[Careful, ...] = ()


def avoid_list(day: DayRow, words: Words) -> str:
    """The day's list of limits with a date, grouped (``avoid_groups``); empty without one.

    Each group is a sentence, ``Lifting. Showering.``, on every day alike.
    """
    groups = avoid_groups(day.avoid)
    return sentences([words.avoid_group(g.head.text, [m.text for m in g.members]) for g in groups])


class LimitRow(NamedTuple):
    """One limit of an activity, with its days (the last one included)."""

    window: Window
    first_day: int
    last_day: int | None  # None: until the care team clears it
    span: str
    text: str
    sources: tuple[str, ...]  # cited


class Restriction(NamedTuple):
    """A restricted activity: its limits and when it is allowed again."""

    activity: Activity
    name: str
    limits: tuple[LimitRow, ...]
    allowed_from_day: int | None  # None: only when the care team clears it
    allowed_from: date | None
    allowed_from_text: str
    cautions: tuple[str, ...]
    advice: str | None
    then: str | None = None  # how to come back once the last limit ends
    # "allowed_from"; "no_limit_from" when the last limit allows it with care (walking); ""
    # when that limit holds until the care team says (``allowed_from_text`` says so)
    when_label: str = "allowed_from"


class CareRow(NamedTuple):
    """A care instruction and the days it applies (the last one included)."""

    first_day: int
    last_day: int | None  # None: no end
    span: str
    text: str
    sources: tuple[str, ...]  # cited


class Schedule(NamedTuple):
    """Everything a schedule shows, in the words of one language."""

    plan: Plan
    lang: str
    patient: str | None
    header: Header
    days_heading: str  # "Day by day (day 0 to 89)"
    days_title: str  # the same in capitals, where the terminal shows it
    days: tuple[DayRow, ...]
    orders: tuple[str, ...]  # the care team's instructions for this patient
    restrictions: tuple[Restriction, ...]
    care: tuple[CareRow, ...]
    advice: tuple[Note, ...]  # of the activities without limits
    guidance: tuple[Note, ...]
    signs: tuple[SignTier, ...]
    stamp: Stamp | None
    stamp_text: str | None
    follow_up: FollowUp | None


def build_schedule(
    plan: Plan,
    days: int,
    patient: str | None = None,
    lang: str = ENGLISH,
    made: Stamp | None = None,
) -> Schedule:
    """The schedule of ``plan`` for its first ``days`` days, in ``lang``."""
    protocol = plan.protocol
    words = NurseWords(lang)
    marks = _Marks(plan, words)
    header = Header(
        title=words.schedule_title(protocol),
        patient=None if patient is None else words.patient_line(patient),
        procedure=words.procedure_date_line(plan),
        visit=None if plan.follow_up is None else words.visit_text(plan),
        protocol=words.protocol_line(protocol),
        notices=tuple(words.notices(protocol)),
    )
    return Schedule(
        plan=plan,
        lang=lang,
        patient=patient,
        header=header,
        days_heading=words.days_heading(days, capitals=False),
        days_title=words.days_heading(days, capitals=True),
        days=tuple(_day(plan, n, words, marks) for n in range(days)),
        orders=tuple(words.order_texts(plan)),
        restrictions=tuple(
            _restriction(plan, act, words) for act in protocol.activities if plan.windows_of(act)
        ),
        care=tuple(
            CareRow(
                first_day=c.start_day,
                last_day=c.last_day,
                span=words.care_span(plan, c.start_day, c.last_day),
                text=c.item.text.get(lang),
                sources=tuple(cite(protocol, c.item.sources)),
            )
            for c in plan.care
        ),
        advice=tuple(
            Note(act.name.get(lang), act.advice.get(lang), key=act.key)
            for act in protocol.activities
            if act.advice is not None and not act.limits
        ),
        guidance=tuple(
            Note(g.title.get(lang), g.text.get(lang), tuple(cite(protocol, g.sources)))
            for g in protocol.guidance
        ),
        signs=sign_tiers(protocol, lang),
        stamp=made,
        stamp_text=None if made is None else words.stamp_line(made, protocol),
        follow_up=plan.follow_up,
    )


class _Marks:
    """What each limit puts on the rows of the days it is in force, made once for all of them."""

    def __init__(self, plan: Plan, words: NurseWords) -> None:
        lang = words.lang
        # By the limit's identity: a day's limits are the plan's own windows.
        self.avoid = {
            id(w): Avoid(w.activity.key, words.avoid_label(w), w.limit.max,
                         w.status() is Status.ASK, w.activity.involves, w.end_day)
            for w in plan.windows
            if not w.with_care
        }  # fmt: skip
        self.careful = {
            id(w): Careful(w.activity.key, w.limit.text.get(lang), w.activity.name.get(lang))
            for w in plan.windows
            if w.with_care
        }


def _day(plan: Plan, n: int, words: NurseWords, marks: _Marks) -> DayRow:
    day, lang = plan.day(n), words.lang
    return DayRow(
        day=n,
        date=day.date,
        date_text=words.dates.table(day.date),
        weekday=words.dates.weekday(day.date),
        milestones=tuple(words.milestone_text(plan, m) for m in day.milestones),
        do=tuple(c.item.label.get(lang) for c in day.care),
        avoid=tuple(marks.avoid[id(w)] for w in day.avoid),
        careful=tuple(marks.careful[id(w)] for w in day.careful),
    )


def _restriction(plan: Plan, activity: Activity, words: NurseWords) -> Restriction:
    lang = words.lang
    free = plan.allowed_from[activity.key]
    windows = plan.windows_of(activity)
    careful = bool(windows) and windows[-1].with_care  # the last limit allows it with care
    when = words.allowed_from_day_text(plan, free)
    if careful and free is None:  # a sentence of its own: "No limit from" takes a date
        when = words.tr(HOLDS_UNTIL_CLEARED).removesuffix(".")
    return Restriction(
        activity=activity,
        name=activity.name.get(lang),
        limits=tuple(
            LimitRow(
                window=w,
                first_day=w.start_day,
                last_day=w.last_day,
                span=words.limit_span(plan, w),
                text=w.limit.text.get(lang),
                sources=tuple(cite(plan.protocol, w.limit.sources)),
            )
            for w in windows
        ),
        allowed_from_day=free,
        allowed_from=None if free is None else plan.date_of(free),
        allowed_from_text=when,
        cautions=tuple(c.text.get(lang) for c in activity.cautions),
        advice=None if activity.advice is None else activity.advice.get(lang),
        then=None if activity.then is None else activity.then.text.get(lang),
        when_label=("" if free is None else "no_limit_from") if careful else "allowed_from",
    )
