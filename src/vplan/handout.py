"""What a printed handout says, built from one plan: the PDF and HTML renderers lay it out.

``build_handout`` is pure: it reads the plan and the patient's details and returns
frozen objects holding every string the handout prints, so both renderers print the
same words, and the font check can see all of them before anything is drawn.
"""

from __future__ import annotations

import calendar
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from itertools import groupby
from typing import TYPE_CHECKING, NamedTuple, TypeVar

from vplan.chars import NBSP as NBSP
from vplan.chars import controls_in, shown
from vplan.chars import unbroken as unbroken
from vplan.dates import capitalized
from vplan.errors import InputError
from vplan.formats import Paper as Paper  # where it was defined before
from vplan.i18n import ENGLISH
from vplan.model import Tier
from vplan.plan import AllowedAgain, FollowUpVisit, LimitChange, Plan, RuleEvent, Window
from vplan.words.common import LABELS, ORDERS_HEADING, joined, ordered_event
from vplan.words.patient import (
    ALLOWED_AGAIN_HEAD,
    ALLOWED_AGAIN_LIST,
    CAREFUL_CLEARED_HEAD,
    CLEARED_LIST,
    CLEARED_ONLY,
    CONTINUED,
    DAY_SPAN,
    FROM_DAY,
    GOES_ON,
    HANDOUT_FIELDS,
    HANDOUT_HEADINGS,
    LIMITS_BOX,
    MARKS_NOTE,
    NO_LIMIT_HEAD,
    NO_LIMIT_LIST,
    ON_DAY,
    PAGE_OF,
    PatientWords,
)

if TYPE_CHECKING:
    from vplan.plan import Milestone
    from vplan.stamp import Stamp

T = TypeVar("T")
FIRST_DAYS = 14  # the calendar shows at least the first two weeks
MAX_FIELD_LENGTH = 80


class Patient(NamedTuple):
    """Who the handout is for, and whom to call: as the nurse typed them."""

    name: str
    clinic: str | None = None
    phone: str | None = None
    doctor: str | None = None
    levels: str | None = None  # the treated vertebral levels, such as "T12, L1"


class Layout(NamedTuple):
    """How the handout is printed."""

    paper: Paper = Paper.LETTER
    large_print: bool = False


LETTER = Layout()  # normal print on US Letter: the default

INCH = 72.0  # points
LEFT_FIELDS = frozenset({"patient", "procedure", "levels", "date"})  # who and when: the left


class Sizes(NamedTuple):
    """Type sizes and spacing of one print size, in points."""

    body: float
    leading: float
    heading: float
    title: float
    footer: float
    margin: float
    gap: float
    months_across: int


# A calendar letter's size under its day, as a share of the day's: 10 pt in normal print,
# 15 in large (the PDF and the web page).
MARK_SIZE_UNDER = 0.84

NORMAL = Sizes(body=12, leading=13.6, heading=15, title=18, footer=10, margin=0.4 * INCH, gap=7,
                months_across=4)  # fmt: skip
LARGE = Sizes(body=18, leading=24.5, heading=22, title=26, footer=13, margin=0.5 * INCH, gap=10,
               months_across=2)  # fmt: skip


# Normal print should fit on two pages: when the roomy sizes would take more, the compact
# ones are used if they take fewer pages.
COMPACT = NORMAL._replace(months_across=4, leading=13.0, gap=4)
NORMAL_PAGES = 2


def sizes(layout: Layout) -> Sizes:
    """The sizes a handout in ``layout`` is first laid out in (the PDF and the web page)."""
    return LARGE if layout.large_print else NORMAL


class Field(NamedTuple):
    """A labelled value, such as ``Patient: Ann Lee``; ``key`` names a detail of the patient."""

    label: str
    value: str
    key: str = ""


class SignBox(NamedTuple):
    """One boxed tier of warning signs."""

    tier: Tier
    heading: str
    signs: tuple[str, ...]


class KeyDate(NamedTuple):
    """A day on which something changes, with the letter that marks it on the calendar."""

    mark: str
    day: int
    date: date
    when: str
    items: tuple[str, ...]  # what changes, in a few words (page 1's box says the sentences)


class CareSpan(NamedTuple):
    """Care items that start on the same day and end on the same day: when, then what to do."""

    heading: str  # "Sat, Mar 1 to Sun, Mar 2:"
    texts: tuple[str, ...]
    mark: str = ""  # the letter of its first day on the calendar


class Cell(NamedTuple):
    """A day of the plan in a month grid."""

    day_of_month: int
    mark: str


class MonthGrid(NamedTuple):
    """One calendar month, Sunday first; ``None`` pads the weeks."""

    title: str
    weekdays: tuple[str, ...]
    weeks: tuple[tuple[Cell | None, ...], ...]


class MonthRow(NamedTuple):
    """Months printed side by side, and their weeks that are tall in each (``tall_weeks``)."""

    months: tuple[MonthGrid, ...]
    tall: frozenset[int]


def month_rows(months: Sequence[MonthGrid], across: int) -> list[MonthRow]:
    """The months in rows of ``across`` side by side (the last row may have fewer)."""
    rows = (tuple(months[start : start + across]) for start in range(0, len(months), across))
    return [MonthRow(row, tall_weeks(row)) for row in rows]


def tall_weeks(side_by_side: Sequence[MonthGrid]) -> frozenset[int]:
    """The weeks (by their place in the month) with a key date in any of these months.

    Months printed side by side give such a week a boxed day's height in each of them, and
    the other weeks the height of their digits: the weeks line up across the row.
    """
    return frozenset(
        index
        for month in side_by_side
        for index, week in enumerate(month.weeks)
        if any(cell is not None and cell.mark for cell in week)
    )


class LimitGroup(NamedTuple):
    """Limits allowed again on the same day: that day, then each activity and its sentence."""

    heading: str
    limits: tuple[Field, ...]
    mark: str = ""  # the letter of the day on the calendar, when it is a key date


class NowBox(NamedTuple):
    """Page 1's box: the limits in force on the discharge day, orders, the visit, whom to call.

    Each limit is its activity's name and the rules' sentence (with the dates it changes),
    under the day it is allowed again.
    """

    heading: str
    limits: tuple[LimitGroup, ...]
    continued: str  # the heading repeated where the box goes on over the page
    visit: str
    visit_mark: str  # the letter of the visit's day on the calendar
    phone: tuple[str, ...]
    orders_heading: str
    orders: tuple[str, ...]
    # A booked visit is said under the patient's details, on page 1, in both print sizes
    # (patients ask for their next visit there), unless, in large print, details at their
    # longest leave no room for the 911 signs under it (the PDF then says it in the box); a
    # visit only due, in the box, beside whom to call to book it.
    visit_on_top: bool = False

    def texts(self) -> Iterator[str]:
        """Every string of the box, in reading order."""
        yield self.heading
        yield self.continued
        for group in self.limits:
            yield group.mark
            yield group.heading
            for limit in group.limits:
                yield limit.label
                yield limit.value
        if self.orders:
            yield self.orders_heading
            yield from self.orders
        if self.visit:
            yield self.visit_mark
            yield self.visit
        yield from self.phone


class Handout(NamedTuple):
    """Every word of one patient's handout, in reading order."""

    title: str
    fields: tuple[Field, ...]
    now: NowBox
    signs_heading: str
    signs: tuple[SignBox, ...]
    care_heading: str
    care_continued: str  # the heading where the care items go on over the page
    care: tuple[CareSpan, ...]
    key_dates_heading: str
    key_dates: tuple[KeyDate, ...]  # the letters of the calendar not shown beside a heading
    until_cleared: tuple[str, ...]
    marks: tuple[str, ...]  # every letter of the calendar
    months_heading: str
    marks_note: str
    months: tuple[MonthGrid, ...]
    instead_heading: str
    instead_continued: str  # the heading where the advice goes on over the page
    instead: tuple[Field, ...]
    footer: str
    running_head: str
    layout: Layout
    lang: str = ENGLISH
    page_of: str = PAGE_OF  # with {page} and {pages} in it
    stamp: str = ""  # what made the handout (vplan, protocol, rules digest, language, date)
    continued: str = CONTINUED  # with {heading} in it: a day's heading on the next page
    goes_on: str = GOES_ON  # after a day's letter, over its items in the right column

    def beside_marks(self) -> dict[str, list[str]]:
        """What the handout prints beside each letter of the calendar, in reading order."""
        found: dict[str, list[str]] = {mark: [] for mark in self.marks}
        for group in self.now.limits:
            if group.mark:
                found[group.mark] += [
                    group.heading,
                    *(f"{f.label}: {f.value}" for f in group.limits),
                ]
        if self.now.visit_mark:
            found[self.now.visit_mark].append(self.now.visit)
        for span in self.care:
            if span.mark:
                found[span.mark] += [span.heading, *span.texts]
        for key in self.key_dates:
            found[key.mark] += [key.when, *key.items]
        return found

    def texts(self) -> Iterator[tuple[str, str]]:
        """Every string the handout prints, each with the part it belongs to."""
        yield "title", self.title
        for field in self.fields:
            yield field.key or field.label, field.label
            yield field.key or field.label, field.value
        for text in self.now.texts():
            yield "limits now", text
        yield "heading", self.signs_heading
        for box in self.signs:
            yield "warning signs", box.heading
            for sign in box.signs:
                yield "warning signs", sign
        yield "heading", self.care_heading
        yield "heading", self.care_continued
        for span in self.care:
            yield from (("care", text) for text in (span.mark, span.heading, *span.texts))
        yield "heading", self.instead_heading
        yield "heading", self.instead_continued
        for advice in self.instead:
            yield "what you can do", advice.label
            yield "what you can do", advice.value
        yield "heading", self.months_heading
        yield "calendar", self.marks_note
        for month in self.months:
            yield "calendar", month.title
            for name in month.weekdays:
                yield "calendar", name
            for week in month.weeks:
                for cell in week:
                    if cell is not None:
                        yield "calendar", f"{cell.day_of_month} {cell.mark}"
        yield "heading", self.key_dates_heading
        for key in self.key_dates:
            yield "key dates", key.mark
            yield "key dates", key.when
            for item in key.items:
                yield "key dates", item
        for text in self.until_cleared:
            yield "key dates", text
        yield "footer", self.footer
        yield "footer", self.running_head
        yield "footer", self.page_of
        yield "heading", self.continued
        yield "heading", self.goes_on
        yield "footer", self.stamp


def sign_columns(box: SignBox, layout: Layout) -> int:
    """The columns a tier of signs is printed in (the PDF and the web page).

    Two in normal print for a tier of more than 4 signs, and for what is normal (short
    lines); one in large print.
    """
    return 1 if layout.large_print else 2 if len(box.signs) > 4 or box.tier is Tier.EXPECTED else 1


def marked(mark: str, text: str) -> str:
    """``text`` after the calendar's letter of its day, ``(B) Allowed again from ...``."""
    return f"({mark}){NBSP}{text}" if mark else text


def in_columns(items: Sequence[T], across: int) -> list[list[T | None]]:
    """``items`` as rows of ``across`` columns, read down each column; ``None`` fills the end."""
    per = -(-len(items) // across)
    columns = [list(items[i * per : (i + 1) * per]) for i in range(across)]
    return [[col[r] if r < len(col) else None for col in columns] for r in range(per)]


PHONE_DIGITS = 3  # a phone number has at least these many digits ("911" has three)


def check_field(name: str, value: str | None, *, required: bool = False) -> str | None:
    """A patient detail as typed, refused if empty (when required), too long or unprintable."""
    if value is None or not value.strip():
        if required:
            raise InputError(f"the {name} is empty; write the {name}")
        return None
    value = unicodedata.normalize("NFC", value)  # an accent typed apart joins its letter
    controls = controls_in(value)
    if controls:
        raise InputError(
            f"the {name} has a control character ({shown(controls[0])}); type it on one line, "
            "in plain letters"
        )
    if len(value) > MAX_FIELD_LENGTH:
        raise InputError(
            f"the {name} is {len(value)} characters long; shorten it to {MAX_FIELD_LENGTH} or fewer"
        )
    return value.strip()


def check_phone(value: str | None) -> str | None:
    """A phone number as typed, checked as every detail is, and with at least 3 digits."""
    phone = check_field("phone", value)
    if phone is not None and sum(ch.isdigit() for ch in phone) < PHONE_DIGITS:
        raise InputError(
            f"the phone number {phone!r} has fewer than {PHONE_DIGITS} digits; write the "
            "number patients call, such as 555-0100"
        )
    return phone


def build_handout(
    plan: Plan,
    patient: Patient,
    layout: Layout = LETTER,
    lang: str = ENGLISH,
    made: Stamp | None = None,
) -> Handout:
    """The handout of one patient in ``lang``: every text placed in its section.

    ``made``, when given, is printed small under the footer.
    """
    protocol = plan.protocol
    info = protocol.info
    words = PatientWords(lang)

    def label(key: str) -> str:
        return words.tr(HANDOUT_FIELDS[key])

    phone = patient.phone or info.phone
    if not phone:
        raise InputError(
            "the handout has no phone number for the patient to call; give --phone NUMBER "
            "(in a batch, a 'phone' column), or the clinic's number in the rules "
            "(protocol.contact.phone)"
        )
    after_hours = None if patient.phone else info.after_hours_phone
    fields = [
        Field(label("patient"), patient.name, "patient"),
        Field(label("procedure"), info.procedure.get(lang), "procedure"),
    ]
    if patient.levels:
        fields.append(Field(label("levels"), patient.levels, "levels"))
    fields.append(Field(label("date"), words.dates.long(plan.procedure_date), "date"))
    for key, value in (
        ("clinic", patient.clinic),
        ("doctor", patient.doctor),
        ("phone", phone),
    ):
        if value:
            fields.append(Field(label(key), value, key))
    marks = _marks(plan)
    limits = _limits_now(plan, words, marks)
    # An activity in page 1's box has its advice there: "what you can do" is the others'.
    boxed = {w.activity.key for w in plan.in_force(0) if not w.limit.ordered}
    care = _care(plan, words, marks)
    visit = words.visit_text(plan)
    visit_day = next((m.day for m in plan.milestones if _is_visit(m)), None)
    visit_mark = marks.get(visit_day, "") if visit and visit_day is not None else ""
    shown = {g.mark for g in limits} | {c.mark for c in care} | {visit_mark}
    shown |= {marks[day] for day in _changes_in_the_box(plan) if day in marks}
    title = words.handout_title(protocol)
    return Handout(
        title=title,
        fields=tuple(fields),
        now=NowBox(
            heading=words.tr(LIMITS_BOX),
            continued=words.tr(CONTINUED).format(heading=words.tr(LIMITS_BOX)),
            limits=limits,
            visit=visit,
            visit_mark=visit_mark,
            phone=words.phone_lines(phone, after_hours),
            visit_on_top=plan.follow_up is not None,
            orders_heading=words.tr(ORDERS_HEADING),
            orders=words.order_texts(plan, marks),
        ),
        signs_heading=words.tr(HANDOUT_HEADINGS["signs"]),
        signs=tuple(
            SignBox(
                tier,
                words.handout_tier_heading(protocol, tier, phone),
                tuple(s.text.get(lang) for s in protocol.warning_signs if s.tier is tier),
            )
            for tier in Tier
            if any(s.tier is tier for s in protocol.warning_signs)
        ),
        care_heading=words.tr(HANDOUT_HEADINGS["care"]),
        care_continued=words.tr(CONTINUED).format(heading=words.tr(HANDOUT_HEADINGS["care"])),
        care=care,
        key_dates_heading=words.tr(HANDOUT_HEADINGS["key_dates"]),
        key_dates=_key_dates(plan, words, marks, shown, said=_said_above(plan, bool(visit))),
        marks=tuple(marks.values()),
        until_cleared=_until_cleared(plan, words),
        months_heading=words.tr(HANDOUT_HEADINGS["months"]),
        marks_note=words.tr(MARKS_NOTE),
        months=_months(plan, marks, words),
        instead_heading=words.tr(HANDOUT_HEADINGS["instead"]),
        instead_continued=words.tr(CONTINUED).format(heading=words.tr(HANDOUT_HEADINGS["instead"])),
        instead=tuple(
            Field(act.name.get(lang), act.advice.get(lang))
            for act in protocol.activities
            if act.advice is not None and act.key not in boxed
        )
        + tuple(Field(g.title.get(lang), g.text.get(lang)) for g in protocol.guidance),
        footer=words.footer_text(protocol),
        running_head=f"{patient.name}: {title}",
        layout=layout,
        lang=lang,
        page_of=words.tr(PAGE_OF),
        continued=words.tr(CONTINUED),
        goes_on=words.tr(GOES_ON),
        stamp="" if made is None else words.stamp_line(made, protocol, handout=True),
    )


def _is_visit(milestone: Milestone) -> bool:
    """Whether ``milestone`` is the follow-up visit: booked, or due by the rules."""
    if isinstance(milestone, FollowUpVisit):
        return True
    return isinstance(milestone, RuleEvent) and milestone.rule.follow_up


def _limits_now(plan: Plan, words: PatientWords, marks: dict[int, str]) -> tuple[LimitGroup, ...]:
    """Each limit in force on the discharge day, under the day it is allowed again.

    The days come in order, those only the care team decides last; the care team's
    changed limits are said with their orders.
    """
    # By the day no limit holds the activity back, and whether it is allowed with care now.
    groups: dict[tuple[int | None, bool], list[Field]] = {}
    for window in plan.in_force(0):
        if window.limit.ordered:
            continue
        end = _final_end(plan, window)
        sentence = words.limit_sentence(plan, window, last=False, marks=marks)
        advice = window.activity.advice
        if advice is not None:  # how to do it, said with its limits (not as a thing to do now)
            sentence += " " + words.label("tip", advice.get(words.lang))
        field = Field(window.activity.name.get(words.lang), sentence)
        groups.setdefault((end, window.with_care), []).append(field)
    found = []
    for end, careful in sorted(groups, key=_group_order):
        if end is None:
            heading = words.tr(CAREFUL_CLEARED_HEAD if careful else LABELS["ask"])
        else:
            head = NO_LIMIT_HEAD if careful else ALLOWED_AGAIN_HEAD
            heading = words.tr(head).format(date=words.date_near(plan, end, 0))
        mark = "" if end is None else marks.get(end, "")
        found.append(LimitGroup(heading, tuple(groups[end, careful]), mark))
    return tuple(found)


def _changes_in_the_box(plan: Plan) -> set[int]:
    """The days page 1's box dates a change on, each with its calendar letter.

    The changes of the limits in force on the discharge day (the care team's too), and
    the days of the care team's dated orders.
    """
    days = {m.day for m in plan.milestones if ordered_event(m)}
    for window in plan.in_force(0):
        days |= {w.end_day for w in plan.chain(window) if w.end_day is not None}
    return days


def _group_order(key: tuple[int | None, bool]) -> tuple[bool, int, bool]:
    """The order of the box's days: by the day each ends, what only the care team ends last.

    Of the limits that end on the same day, what is allowed with care now comes first: the
    procedure day's walking and stairs are read before what waits.
    """
    end, careful = key
    return (end is None, end or 0, careful if end is None else not careful)


def _final_end(plan: Plan, window: Window) -> int | None:
    """The day the activity is allowed again once this limit and those that follow end."""
    *_, last = plan.chain(window)
    return last.end_day


def _until_cleared(plan: Plan, words: PatientWords) -> tuple[str, ...]:
    """The activities allowed only when the care team says so: one line for all of them."""
    # Those in force on the discharge day are in page 1's box already, and so is a limit
    # that allows the activity with care until then (it is allowed, as its text says).
    names = [
        w.activity.name.get(words.lang)
        for w in plan.windows
        if w.end_day is None and not w.covers(0) and not w.with_care
    ]
    if len(names) == 1:
        return (words.tr(CLEARED_ONLY).format(name=names[0]),)
    if not names:
        return ()
    listed = joined([f"{name[:1].lower()}{name[1:]}" for name in names])
    return (words.tr(CLEARED_LIST).format(names=listed),)


def _mark(index: int) -> str:
    """A, B, ... Z, then AA, AB, ..."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _marks(plan: Plan) -> dict[int, str]:
    """The calendar's letter of each day something changes or a care item starts."""
    days = sorted({m.day for m in plan.milestones} | {care.start_day for care in plan.care})
    return {day: _mark(index) for index, day in enumerate(days)}


def _said_above(plan: Plan, visit: bool) -> Callable[[Milestone], bool]:
    """Whether the handout says a milestone already, above the calendar.

    A change of a limit page 1's box lists (the protocol's or the care team's), the visit,
    a dated order of the care team, or an event said with the care items of its day.
    """
    listed = {
        (w.activity.key, w.start_day) for window in plan.in_force(0) for w in plan.chain(window)
    }

    def said(milestone: Milestone) -> bool:
        if isinstance(milestone, AllowedAgain | LimitChange):
            return (milestone.activity.key, milestone.ending.start_day) in listed
        return (
            (visit and _is_visit(milestone))
            or _an_event_of_the_day(milestone)
            or ordered_event(milestone)
        )

    return said


def _key_dates(
    plan: Plan,
    words: PatientWords,
    marks: dict[int, str],
    shown: set[str],
    said: Callable[[Milestone], bool],
) -> tuple[KeyDate, ...]:
    """The key dates the lists above do not say: what changes on each, by its letter.

    A day is left out when the box says all of its changes and its letter is shown there
    (or beside the care items that start on it).
    """
    milestones = {day: list(found) for day, found in groupby(plan.milestones, lambda m: m.day)}
    found = []
    for day, mark in marks.items():
        changes = milestones.get(day, [])
        unsaid = [m for m in changes if not said(m)]
        if not unsaid and (mark in shown or not changes):
            continue
        found.append(
            KeyDate(
                mark=mark,
                day=day,
                date=plan.date_of(day),
                when=capitalized(words.dates.long(plan.date_of(day))),
                items=_key_date_items(plan, unsaid if mark in shown else changes, words),
            )
        )
    return tuple(found)


def _an_event_of_the_day(milestone: Milestone) -> bool:
    """Whether ``milestone`` is said with the care items of its day: an event of the rules.

    The visit is said in page 1's box, and so are the care team's dated orders.
    """
    return (
        isinstance(milestone, RuleEvent)
        and not milestone.rule.follow_up
        and not milestone.rule.ordered
        and milestone.by_day is None
    )


def _care(plan: Plan, words: PatientWords, marks: dict[int, str]) -> tuple[CareSpan, ...]:
    """What to do at home, as the rules say it: the items of the same days under their dates.

    An event of the rules, such as the procedure day, comes first on its day.
    """
    spans: dict[tuple[int, int | None], list[str]] = {}
    for event in plan.milestones:  # such as the procedure day: first on its day
        if _an_event_of_the_day(event):
            spans.setdefault((event.day, event.day), []).append(words.key_date_text(plan, event))
    for care in plan.care:
        spans.setdefault((care.start_day, care.last_day), []).append(care.item.text.get(words.lang))
    order = sorted(spans, key=lambda span: (span[0], span[1] is None, span[1] or 0))
    return tuple(
        CareSpan(_care_heading(plan, *span, words), tuple(spans[span]), marks.get(span[0], ""))
        for span in order
    )


def _care_heading(plan: Plan, first: int, last: int | None, words: PatientWords) -> str:
    """The days care items apply, both included: ``Sat, Mar 1 to Sun, Mar 2:``."""
    start = words.date_near(plan, first, 0)
    if last is None:
        heading = words.tr(FROM_DAY).format(date=start)
    elif last == first:
        heading = words.tr(ON_DAY).format(date=start)
    else:
        heading = words.tr(DAY_SPAN).format(start=start, end=words.date_near(plan, last, first))
    return capitalized(heading)


def _key_date_items(
    plan: Plan, milestones: Sequence[Milestone], words: PatientWords
) -> tuple[str, ...]:
    """The day's changes in a few words (page 1's box says each limit's sentence and dates).

    Activities allowed again the same day share one line; so do those whose care ends.
    """
    ended = [m for m in milestones if isinstance(m, AllowedAgain)]
    groups = [
        (ALLOWED_AGAIN_LIST, [m for m in ended if not m.ending.with_care]),
        (NO_LIMIT_LIST, [m for m in ended if m.ending.with_care]),
    ]
    shared = [m for _, group in groups if len(group) >= 2 for m in group]
    items = [
        words.day_event_text(plan, m)
        if isinstance(m, AllowedAgain | LimitChange)
        else words.key_date_text(plan, m)
        for m in milestones
        if m not in shared
    ]
    for template, group in groups:
        if len(group) >= 2:
            names = joined([m.activity.name.get(words.lang) for m in group])
            items.append(words.tr(template).format(names=names))
    return tuple(items)


def _months(plan: Plan, marks: dict[int, str], words: PatientWords) -> tuple[MonthGrid, ...]:
    """Every month from the procedure to the last change, in Sunday-first weeks that touch it.

    A day before the procedure or after the last change is left blank, as the days of another
    month are: a shade of grey would be a meaning by colour alone, and one no text explains.
    """
    last = max(plan.last_change_day, FIRST_DAYS - 1)
    first_date, last_date = plan.procedure_date, plan.date_of(last)
    grids = []
    year, month = first_date.year, first_date.month
    weeks_of = calendar.Calendar(firstweekday=calendar.SUNDAY)
    while (year, month) <= (last_date.year, last_date.month):
        weeks = []
        for week in weeks_of.monthdatescalendar(year, month):
            if not any(0 <= plan.day_of(when) <= last for when in week):
                continue  # a week wholly before the procedure or after the last change
            row: list[Cell | None] = []
            for when in week:
                day = plan.day_of(when)
                if when.month != month or not 0 <= day <= last:
                    row.append(None)
                    continue
                row.append(Cell(when.day, marks.get(day, "")))
            weeks.append(tuple(row))
        grids.append(
            MonthGrid(words.dates.month(year, month), words.dates.weekday_heads(), tuple(weeks))
        )
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return tuple(grids)
