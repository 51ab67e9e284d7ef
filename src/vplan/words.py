"""The words vplan puts around the protocol's texts: dates, headings, verdicts.

Patient texts come from the rules file; the phrases here are the interface. They live
in this one place, written in English, the source language: each is a message of the
catalog (``_("...")`` where it is used, ``N_("...")`` where a table names it), and
``locale/<code>/LC_MESSAGES/vplan.po`` holds its translation. Every function takes the
language to write in.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from vplan.i18n import ENGLISH, N_, capitalized, dates, translator
from vplan.model import Activity, Limit, Protocol, Tier
from vplan.plan import AllowedAgain, FollowUpVisit, LimitChange, Plan, RuleEvent, Verdict, Window
from vplan.units import Duration

if TYPE_CHECKING:
    from vplan.plan import Milestone
    from vplan.stamp import Stamp

UNTIL_CLEARED = N_("until your care team says it is OK")
# TRANSLATORS: {label} is an activity's name from the rules (first letter in lower case),
# with its limit: "No lifting over 10 lb (4.5 kg)". A calendar event's title.
RESTRICTION_NO = N_("No {label}")

TIER_HEADINGS = {
    Tier.EMERGENCY: N_("Call {number} now if:"),
    Tier.CALL_TODAY: N_("Call your care team today if:"),
    Tier.EXPECTED: N_("Normal, no need to call:"),
}

# Labels that start a line: "Why: Do not lift anything heavier than 10 lb (4.5 kg)."
LABELS = {
    "today": N_("Today:"),
    "do": N_("Do:"),
    "avoid": N_("Avoid:"),
    "allowed_from": N_("Allowed from:"),
    "caution": N_("Caution:"),
    "why": N_("Why:"),
    "tip": N_("Tip:"),
    "source": N_("Source:"),
    "when": N_("When:"),
    "also": N_("Also:"),
}

# Headings of the schedule (the terminal shows them in capitals) and of its table.
HEADINGS = {
    "restrictions": N_("Activities to avoid, and when they are allowed again"),
    "care": N_("What to do"),
    "signs": N_("Warning signs"),
    "activities": N_("Activities in the rules"),
}
COLUMNS = {
    "date": N_("Date"),
    "day": N_("Day"),
    "what": N_("What happens, what to do, what to avoid"),
    "happens": N_("What happens"),
    "do": N_("Do"),
    "avoid": N_("Avoid"),
}


def tr(message: str, lang: str = ENGLISH) -> str:
    """A phrase of the catalog (marked with ``N_`` where it is written) in ``lang``."""
    return translator(lang).gettext(message)


def label(key: str, text: str, lang: str = ENGLISH) -> str:
    """``Why: TEXT``: a label of ``LABELS`` and what follows it."""
    return f"{tr(LABELS[key], lang)} {text}"


def long_date(when: date, lang: str = ENGLISH) -> str:
    """``Sat, Mar 1, 2025``: the weekday is always shown."""
    return dates(lang).long(when)


def table_date(when: date, lang: str = ENGLISH) -> str:
    """A date that starts a row of a table: ``Sat, Mar 1, 2025``."""
    return capitalized(dates(lang).table(when))


def table_date_width(lang: str = ENGLISH) -> int:
    """The widest ``table_date`` of ``lang``."""
    return dates(lang).table_width()


def weekday(when: date, lang: str = ENGLISH) -> str:
    """``Saturday``."""
    return dates(lang).weekday(when)


def day_and_date(plan: Plan, day: int, lang: str = ENGLISH) -> str:
    """``Sat, Apr 12, 2025 (day 42)``."""
    _ = translator(lang).gettext
    return _("{date} (day {day})").format(date=long_date(plan.date_of(day), lang), day=day)


def schedule_title(protocol: Protocol, lang: str = ENGLISH) -> str:
    """``Recovery plan after vertebroplasty``."""
    _ = translator(lang).gettext
    return _("Recovery plan after {procedure}").format(procedure=protocol.info.procedure.get(lang))


def procedure_date_line(plan: Plan, lang: str = ENGLISH) -> str:
    """``Procedure date: Sat, Mar 1, 2025 (day 0)``."""
    _ = translator(lang).gettext
    return _("Procedure date: {date}").format(date=day_and_date(plan, 0, lang))


def patient_line(name: str, lang: str = ENGLISH) -> str:
    """``Patient: Jane Doe``, shown under the title only when a name was given."""
    _ = translator(lang).gettext
    return _("Patient: {name}").format(name=name)


def protocol_line(protocol: Protocol, lang: str = ENGLISH) -> str:
    """``Protocol: NAME, version V, last reviewed DATE``."""
    info = protocol.info
    _ = translator(lang).gettext
    return _("Protocol: {name}, version {version}, last reviewed {date}").format(
        name=info.name.get(lang), version=info.version, date=long_date(info.last_reviewed, lang)
    )


def notices(protocol: Protocol, lang: str = ENGLISH) -> list[str]:
    """The notice that the plan does not replace advice, then the translation note.

    The protocol's note that its translation must still be reviewed is shown in a
    language other than English only.
    """
    info = protocol.info
    found = [info.notice.get(lang)]
    if lang != ENGLISH and info.translation_note is not None:
        found.append(info.translation_note.get(lang))
    return found


def calendar_name(protocol: Protocol, patient: str | None, lang: str = ENGLISH) -> str:
    """``Recovery after vertebroplasty``, then the patient's name when one was given."""
    _ = translator(lang).gettext
    name = _("Recovery after {procedure}").format(procedure=protocol.info.procedure.get(lang))
    return name if patient is None else f"{name}: {patient}"


def tier_heading(protocol: Protocol, tier: Tier, lang: str = ENGLISH) -> str:
    """The heading of a tier of warning signs."""
    return tr(TIER_HEADINGS[tier], lang).format(number=protocol.info.emergency_number)


def avoid_label(window: Window, lang: str = ENGLISH) -> str:
    """``Lifting over 10 lb (4.5 kg)``, or the activity's name when it is not allowed at all."""
    name = window.activity.name.get(lang)
    if window.limit.max is None:
        return name
    _ = translator(lang).gettext
    return _("{name} over {limit}").format(name=name, limit=window.limit.max.describe(limit=True))


def restriction_title(window: Window, lang: str = ENGLISH) -> str:
    """``No lifting over 10 lb (4.5 kg)``; a limit with no end date says until when."""
    text = avoid_label(window, lang)
    title = tr(RESTRICTION_NO, lang).format(label=f"{text[:1].lower()}{text[1:]}")
    return title if window.end_day is not None else f"{title} {tr(UNTIL_CLEARED, lang)}"


def days_span(plan: Plan, first: int, last: int, lang: str = ENGLISH) -> str:
    """``Day 0 to 41 (Sat, Mar 1, 2025 to Fri, Apr 11, 2025)``: both days included."""
    _ = translator(lang).gettext
    return _("Day {first} to {last} ({first_date} to {last_date})").format(
        first=first,
        last=last,
        first_date=long_date(plan.date_of(first), lang),
        last_date=long_date(plan.date_of(last), lang),
    )


def limit_span(plan: Plan, window: Window, lang: str = ENGLISH) -> str:
    """``Day 0 to 41 (Sat, Mar 1, 2025 to Fri, Apr 11, 2025)``, or open-ended."""
    start, last = window.start_day, window.last_day
    if last is None:
        _ = translator(lang).gettext
        return _("From day {day} ({date}) {until}").format(
            day=start, date=long_date(plan.date_of(start), lang), until=tr(UNTIL_CLEARED, lang)
        )
    return days_span(plan, start, last, lang)


def care_span(plan: Plan, first: int, last: int | None, lang: str = ENGLISH) -> str:
    """When a care item applies (``last`` included): ``Day 0 to 1``, ``Day 0 (Sat, Mar 1, 2025)``.

    An item with no end (``last`` None) applies ``From day 6``.
    """
    _ = translator(lang).gettext
    if last is None:
        return _("From day {day}").format(day=first)
    if last == first:
        return _("Day {day} ({date})").format(day=first, date=long_date(plan.date_of(first), lang))
    return _("Day {first} to {last}").format(first=first, last=last)


def changes_on(plan: Plan, day: int, text: str, lang: str = ENGLISH) -> str:
    """``From Sat, Apr 12, 2025 (day 42): TEXT``: what the next limit says, from its day."""
    _ = translator(lang).gettext
    return _("From {date}: {text}").format(date=day_and_date(plan, day, lang), text=text)


def allowed_again(activity: Activity, lang: str = ENGLISH) -> str:
    """``Driving: allowed again``."""
    _ = translator(lang).gettext
    return _("{name}: allowed again").format(name=activity.name.get(lang))


def milestone_title(plan: Plan, milestone: Milestone, lang: str = ENGLISH) -> str:
    """A milestone in a few words, for a calendar entry: the event without its dates."""
    if isinstance(milestone, FollowUpVisit):
        return tr(VISIT_TITLE, lang)
    if isinstance(milestone, RuleEvent):
        return milestone.text.get(lang)
    if isinstance(milestone, AllowedAgain):
        return allowed_again(milestone.activity, lang)
    return milestone_text(plan, milestone, lang)


def milestone_text(plan: Plan, milestone: Milestone, lang: str = ENGLISH) -> str:
    """What happens at a milestone, in a short sentence."""
    _ = translator(lang).gettext
    if isinstance(milestone, FollowUpVisit):
        return visit_text(plan, lang)
    if isinstance(milestone, RuleEvent):
        text = milestone.text.get(lang)
        if milestone.by_day is not None:
            by = _("(by {date})").format(date=long_date(plan.date_of(milestone.by_day), lang))
            text += f" {by}"
        return text
    name = milestone.activity.name.get(lang)
    if isinstance(milestone, AllowedAgain):
        cautions = [c.text.get(lang) for c in milestone.activity.cautions]
        return " ".join([f"{allowed_again(milestone.activity, lang)}.", *cautions])
    limit = milestone.following.limit.max
    if limit is None:
        return _("{name}: not allowed from today").format(name=name)
    return _("{name}: limit changes to {limit}").format(name=name, limit=limit.describe(limit=True))


def verdict_title(plan: Plan, verdict: Verdict, lang: str = ENGLISH) -> str:
    """``Lifting 15 lb (6.8 kg) on Tue, Mar 11, 2025 (day 10): NOT ALLOWED``."""
    _ = translator(lang).gettext
    what = verdict.activity.name.get(lang)
    if verdict.amount is not None:
        # TRANSLATORS: an activity and the weight asked about: "Lifting 15 lb (6.8 kg)".
        what = _("{name} {amount}").format(name=what, amount=_compared(verdict)[0])
    status = _("ALLOWED") if verdict.allowed else _("NOT ALLOWED")
    return _("{what} on {when}: {status}").format(
        what=what, when=day_and_date(plan, verdict.day, lang), status=status
    )


def _compared(verdict: Verdict) -> tuple[str, str]:
    """The weight asked about and the limit in force, as the answer shows both."""
    assert verdict.amount is not None
    window = verdict.window
    if window is None or window.limit.max is None:
        return verdict.amount.describe(), ""
    return verdict.amount.describe_against(window.limit.max)


def verdict_reason(plan: Plan, verdict: Verdict, lang: str = ENGLISH) -> str:
    """Why the activity is or is not allowed on the day, in plain words."""
    _ = translator(lang).gettext
    name = verdict.activity.name.get(lang)
    window = verdict.window
    if not verdict.allowed:
        if window is not None and window.limit.max is not None and verdict.amount is None:
            return _(
                "{name} is limited to {limit} on this day. Give a weight to check, "
                "for example: vplan check {activity} 5lb"
            ).format(
                name=name,
                limit=window.limit.max.describe(limit=True),
                activity=verdict.activity.key.replace("_", " "),
            )
        own = [] if window is None else [window.limit.text.get(lang)]
        because = [involves_reason(plan, verdict, v, lang) for v in verdict.involved]
        return " ".join([*own, *because])
    if window is not None and window.limit.max is not None and verdict.amount is not None:
        amount, limit = _compared(verdict)
        return _("{amount} is within the limit of {limit} that applies on this day.").format(
            amount=amount, limit=limit
        )
    if verdict.allowed_from_day:
        return _("The limit on {name} is over: allowed again from {date}.").format(
            name=name.lower(), date=day_and_date(plan, verdict.allowed_from_day, lang)
        )
    return _("{name}: no limit in this plan.").format(name=name)


def involves_reason(plan: Plan, verdict: Verdict, other: Verdict, lang: str = ENGLISH) -> str:
    """Why an activity waits for another it involves, and until when.

    ``Tub bath involves bending and twisting, allowed again from Sat, Apr 12, 2025 (day 42).``
    """
    _ = translator(lang).gettext
    name = other.activity.name.get(lang)
    values = {
        "name": verdict.activity.name.get(lang),
        "other": f"{name[:1].lower()}{name[1:]}",
    }
    if other.allowed_from_day is None:
        # TRANSLATORS: {name} and {other} are activities' names from the rules, {other} in
        # lower case: "Tub bath involves bending and twisting, allowed only when ...".
        return _("{name} involves {other}, allowed only when your care team says it is OK.").format(
            **values
        )
    # TRANSLATORS: "Tub bath involves bending and twisting, allowed again from Sat, Apr 12, ...".
    return _("{name} involves {other}, allowed again from {date}.").format(
        date=day_and_date(plan, other.allowed_from_day, lang), **values
    )


def allowed_from_text(plan: Plan, verdict: Verdict, lang: str = ENGLISH) -> str:
    """When the activity is allowed: a date with its weekday and day number."""
    return allowed_from_day_text(plan, verdict.allowed_from_day, lang)


def allowed_from_day_text(plan: Plan, day: int | None, lang: str = ENGLISH) -> str:
    """``Sat, Apr 12, 2025 (day 42)``, or only when the care team says so (``day`` None)."""
    if day is None:
        _ = translator(lang).gettext
        return _("Only when your care team says it is OK")
    return day_and_date(plan, day, lang)


def duration_text(duration: Duration, lang: str = ENGLISH) -> str:
    """A duration of the rules, such as ``6 weeks``: in English as the rules write it."""
    if lang == ENGLISH:
        return str(duration)  # as the rules write it
    ngettext = translator(lang).ngettext
    amount, unit = duration.written.split()
    n = int(amount)
    if unit.lower().startswith("hour"):
        return ngettext("{n} hour", "{n} hours", n).format(n=n)
    if duration.unit == "days":
        return ngettext("{n} day", "{n} days", n).format(n=n)
    if duration.unit == "weeks":
        return ngettext("{n} week", "{n} weeks", n).format(n=n)
    return ngettext("{n} month", "{n} months", n).format(n=n)


def point_in_time(duration: Duration, lang: str = ENGLISH) -> str:
    """``day 42 (6 weeks)``, or ``3 months after the procedure`` for calendar months."""
    _ = translator(lang).gettext
    written = duration_text(duration, lang)
    if duration.unit == "months":
        low, high = duration.day_bounds()
        return _("{duration} after the procedure (day {low} to {high}, by the calendar)").format(
            duration=written, low=low, high=high
        )
    day = duration.day_bounds()[0]
    if duration.unit == "days":
        # TRANSLATORS: a time after the procedure, written after "From" and "until"
        # ("From day 42, until ..."): add the article your language needs there.
        return _("day {day}").format(day=day)
    # TRANSLATORS: as "day {day}", with the span the rules give: "day 42 (6 weeks)".
    return _("day {day} ({duration})").format(day=day, duration=written)


def rule_span(limit: Limit, lang: str = ENGLISH) -> str:
    """When a limit applies, in post-operative days."""
    _ = translator(lang).gettext
    start = (
        _("the procedure day (day 0)")
        if limit.start.amount == 0
        else point_in_time(limit.start, lang)
    )
    if limit.end is None:
        return _("From {start} {until}").format(start=start, until=tr(UNTIL_CLEARED, lang))
    return _("From {start}, until {end}").format(start=start, end=point_in_time(limit.end, lang))


def rule_summary(activity: Activity, lang: str = ENGLISH) -> str:
    """When the activity is allowed, without a procedure date."""
    _ = translator(lang).gettext
    name = activity.name.get(lang)
    if not activity.limits:
        return _("{name}: no limit in this plan.").format(name=name)
    last = activity.limits[-1].end
    if last is None:
        return _("{name}: only when your care team says it is OK.").format(name=name)
    return _("{name}: allowed from {time}.").format(name=name, time=point_in_time(last, lang))


def rule_title(activity: Activity, lang: str = ENGLISH) -> str:
    """``Lifting: the rule, counted from the procedure day (day 0)``."""
    _ = translator(lang).gettext
    return _("{name}: the rule, counted from the procedure day (day 0)").format(
        name=activity.name.get(lang)
    )


def give_a_date(lang: str = ENGLISH) -> str:
    """The hint under a rule stated without a procedure date."""
    _ = translator(lang).gettext
    return _("Give the procedure date (-p YYYY-MM-DD) for an answer on a given day.")


def no_limits_today(lang: str = ENGLISH) -> str:
    """A day of the calendar with nothing to do or avoid."""
    _ = translator(lang).gettext
    return _("No limits from this plan today.")


def days_heading(days: int, *, capitals: bool, lang: str = ENGLISH) -> str:
    """``Day by day (day 0 to 92)``; ``DAY BY DAY (day 0 to 92)`` on the terminal."""
    _ = translator(lang).gettext
    if capitals:
        return _("DAY BY DAY (day 0 to {last})").format(last=days - 1)
    return _("Day by day (day 0 to {last})").format(last=days - 1)


# The handout: headings and phrases around the protocol's texts.
HANDOUT_TITLE = N_("Your recovery after {procedure}")
HANDOUT_FIELDS = {
    "patient": N_("Patient"),
    "procedure": N_("Procedure"),
    "date": N_("Procedure date"),
    "clinic": N_("Clinic"),
    "doctor": N_("Doctor"),
    "phone": N_("Phone"),
    "levels": N_("Levels treated"),
}
HANDOUT_HEADINGS = {
    "signs": N_("Warning signs"),
    "key_dates": N_("Key dates"),
    "first_days": N_("The first two weeks, day by day"),
    "months": N_("Your recovery calendar"),
    "instead": N_("What you can do"),
}
CALL_US_AT = N_("Call us at {phone} today if:")
MARKS_NOTE = N_("Each letter on the calendar is a key date above. Day 0 is the procedure day.")
EVERY_DAY = N_("Every day of these two weeks, keep to the limits in the box on page 1.")
NOT_YET = N_("Not yet: {labels}.")
DO_TODAY = N_("Do: {labels}.")
CLEARED_ONLY = N_("{name}: only when your care team says it is OK.")
CLEARED_LIST = N_("Only when your care team says it is OK: {names}.")
PAGE_OF = N_("Page {page} of {pages}")
ALLOWED_AGAIN_LIST = N_("Allowed again from today: {names}.")


def short_date(when: date, lang: str = ENGLISH) -> str:
    """``Sat, Mar 1``: for rows and cells where the year is shown above."""
    return dates(lang).short(when)


def month_title(year: int, month: int, lang: str = ENGLISH) -> str:
    """``March 2025``."""
    return dates(lang).month(year, month)


def weekday_initials(lang: str = ENGLISH) -> tuple[str, ...]:
    """Column heads of a month grid, Sunday first."""
    return dates(lang).weekday_heads()


def handout_title(protocol: Protocol, lang: str = ENGLISH) -> str:
    """``Your recovery after vertebroplasty``."""
    return tr(HANDOUT_TITLE, lang).format(procedure=protocol.info.procedure.get(lang))


def handout_tier_heading(
    protocol: Protocol, tier: Tier, phone: str | None, lang: str = ENGLISH
) -> str:
    """A tier heading on the handout: with the clinic's phone number when there is one."""
    if tier is Tier.CALL_TODAY and phone:
        return tr(CALL_US_AT, lang).format(phone=phone)
    return tier_heading(protocol, tier, lang)


def key_date_text(plan: Plan, milestone: Milestone, lang: str = ENGLISH) -> str:
    """What changes on a key date; a new limit is said with the date it lasts until."""
    if isinstance(milestone, FollowUpVisit):
        return visit_short(plan, lang)
    if not isinstance(milestone, LimitChange):
        return milestone_text(plan, milestone, lang)
    _ = translator(lang).gettext
    name = milestone.activity.name.get(lang)
    following = milestone.following
    if following.limit.max is None:
        return _("{name}: not allowed from today. {text}").format(
            name=name, text=following.limit.text.get(lang)
        )
    until = (
        tr(UNTIL_CLEARED, lang)
        if following.last_day is None
        else _("until {date}").format(
            date=_date_near(plan, following.last_day, milestone.day, lang)
        )
    )
    return _("{name}: up to {limit} from today {until}.").format(
        name=name, limit=following.limit.max.describe(limit=True), until=until
    )


def _date_near(plan: Plan, day: int, near: int, lang: str) -> str:
    """A date without its year when it falls in the same year as day ``near``, else with it."""
    when = plan.date_of(day)
    if when.year == plan.date_of(near).year:
        return short_date(when, lang)
    return long_date(when, lang)


def footer_text(protocol: Protocol, lang: str = ENGLISH) -> str:
    """The protocol's name, version and review date, and that it does not replace advice."""
    info = protocol.info
    _ = translator(lang).gettext
    about = _("{name}, version {version}, last reviewed {date}.").format(
        name=info.name.get(lang), version=info.version, date=long_date(info.last_reviewed, lang)
    )
    return " ".join([about, *notices(protocol, lang)])


def day_event_text(plan: Plan, milestone: Milestone, lang: str = ENGLISH) -> str:
    """A milestone in a few words, for a row of the day-by-day table."""
    if isinstance(milestone, FollowUpVisit):
        return visit_short(plan, lang)
    if isinstance(milestone, RuleEvent):
        first = milestone.text.get(lang).split(". ")[0].rstrip(".")
        return f"{first}."
    _ = translator(lang).gettext
    name = milestone.activity.name.get(lang)
    if isinstance(milestone, AllowedAgain):
        return _("{name}: allowed again.").format(name=name)
    limit = milestone.following.limit.max
    if limit is None:
        return _("{name}: not allowed from today.").format(name=name)
    return _("{name}: up to {limit} from today.").format(
        name=name, limit=limit.describe(limit=True)
    )


def day_span(first: int, last: int, lang: str = ENGLISH) -> str:
    """``Day 3``, or ``Days 3 to 6``."""
    _ = translator(lang).gettext
    if first == last:
        return _("Day {day}").format(day=first)
    return _("Days {first} to {last}").format(first=first, last=last)


def date_span(first: date, last: date, lang: str = ENGLISH) -> str:
    """``Tue, Mar 4 to Fri, Mar 7``, each with its weekday."""
    return " ".join(date_span_lines(first, last, lang))


def date_span_lines(first: date, last: date, lang: str = ENGLISH) -> tuple[str, str]:
    """``date_span`` on two lines: ``Tue, Mar 4 to`` and ``Fri, Mar 7``."""
    _ = translator(lang).gettext
    # TRANSLATORS: two dates without the year, both days included: "Tue, Mar 4 to Fri, Mar 7".
    # Printed on two lines: where the translation has a line break ("\n"), else before {last}.
    # The first letter is made a capital.
    template = _("{first} to {last}")
    head, tail = template.split("\n", 1) if "\n" in template else _before_last(template)
    return (
        capitalized(head.format(first=short_date(first, lang)).rstrip()),
        tail.format(last=short_date(last, lang)).lstrip(),
    )


def _before_last(template: str) -> tuple[str, str]:
    head, _, tail = template.partition("{last}")
    return head, "{last}" + tail


def row_label(when: str, days: str, mark: str) -> str:
    """``Sat, Mar 1 (day 0, A)``: the label of one day's row on the handout."""
    inside = f"{days.lower()}, {mark}" if mark else days.lower()
    return f"{when} ({inside})"


def every_day_text(lang: str = ENGLISH) -> str:
    """The limits in force on each of the first days: page 1's box says them, with their dates."""
    return tr(EVERY_DAY, lang)


# The handout's first box: the limits in force on the discharge day, the visit, whom to call.
LIMITS_BOX = N_("What not to do yet, and from when it is allowed")
UP_TO_FROM = N_("Up to {limit} allowed from {date}.")
NOT_ALLOWED_FROM = N_("Not allowed at all from {date}.")
ALLOWED_AGAIN_FROM = N_("Allowed again from {date}.")
ONLY_WHEN_CLEARED = N_("Allowed only when your care team says it is OK.")
VISIT_BOOKED = N_("Your follow-up visit: {when}.")
VISIT_AT = N_("{date} at {time}")
VISIT_PLACE = N_("{when}, {place}")
VISIT_DUE = N_(
    "Your follow-up visit is due between {first} and {last}. If you do not have a date yet, "
    "call to make one."
)
VISIT_TITLE = N_("Your follow-up visit")
VISIT_SHORT = N_("Your follow-up visit at {time}.")
VISIT_SHORT_DAY = N_("Your follow-up visit.")
CALL_US = N_("Questions? Call us at {phone}.")
AFTER_HOURS = N_("After hours, call {phone}.")
ORDERS_HEADING = N_("Your care team's instructions for you")
ORDER_DATED = N_("{date}: {text}")


def visit_when(plan: Plan, lang: str = ENGLISH, *, year: bool = True) -> str:
    """``Mon, Mar 10, 2025 at 2:30 PM, Spine Clinic``: the booked visit's date, time, place."""
    visit = plan.follow_up
    assert visit is not None
    when = long_date(visit.date, lang) if year else short_date(visit.date, lang)
    if visit.time is not None:
        when = tr(VISIT_AT, lang).format(date=when, time=dates(lang).time(visit.time))
    if visit.place:
        when = tr(VISIT_PLACE, lang).format(when=when, place=visit.place)
    return when


def visit_text(plan: Plan, lang: str = ENGLISH) -> str:
    """The follow-up visit in a sentence: booked, or due within the protocol's span."""
    if plan.follow_up is not None:
        return tr(VISIT_BOOKED, lang).format(when=visit_when(plan, lang))
    due = next((m for m in plan.milestones if isinstance(m, RuleEvent) and m.rule.follow_up), None)
    if due is None:
        return ""
    return tr(VISIT_DUE, lang).format(
        first=_date_near(plan, due.day, 0, lang), last=_date_near(plan, due.last_day, 0, lang)
    )


def visit_short(plan: Plan, lang: str = ENGLISH) -> str:
    """The booked visit for a row of its own day: the time and place, not the date."""
    visit = plan.follow_up
    assert visit is not None
    if visit.time is None:
        text = tr(VISIT_SHORT_DAY, lang)
    else:
        text = tr(VISIT_SHORT, lang).format(time=dates(lang).time(visit.time))
    if visit.place:
        text = f"{text[:-1]} ({visit.place})."
    return text


def limit_now_text(plan: Plan, window: Window, lang: str = ENGLISH) -> str:
    """A limit in force, with its figure and each date it changes: never a bare "until".

    ``No lifting over 10 lb (4.5 kg). Up to 20 lb (9 kg) allowed from Sat, Apr 12.
    Allowed again from Sun, Jun 1.``
    """
    parts = [restriction_title(window, lang) + "."]
    current: Window | None = window
    while current is not None and current.end_day is not None:
        following = plan.following(current)
        when = _date_near(plan, current.end_day, 0, lang)
        if following is None:
            parts.append(tr(ALLOWED_AGAIN_FROM, lang).format(date=when))
        elif following.limit.max is None:
            parts.append(tr(NOT_ALLOWED_FROM, lang).format(date=when))
        else:
            parts.append(
                tr(UP_TO_FROM, lang).format(
                    limit=following.limit.max.describe(limit=True), date=when
                )
            )
        if following is not None and following.end_day is None:
            parts.append(tr(ONLY_WHEN_CLEARED, lang))
        current = following
    parts += [c.text.get(lang) for c in window.activity.cautions]
    return " ".join(parts)


def _chained(plan: Plan, window: Window) -> bool:
    """Whether an earlier limit of the same activity, in force on day 0, leads to this one."""
    return any(
        w.covers(0) and w.end_day is not None and w.end_day <= window.start_day
        for w in plan.windows_of(window.activity)
    )


def phone_lines(phone: str, after_hours: str | None, lang: str = ENGLISH) -> tuple[str, ...]:
    """``Questions? Call us at 555-0100.``, then the after-hours number when there is one."""
    lines = [tr(CALL_US, lang).format(phone=phone)]
    if after_hours:
        lines.append(tr(AFTER_HOURS, lang).format(phone=after_hours))
    return tuple(lines)


def order_texts(plan: Plan, lang: str = ENGLISH) -> tuple[str, ...]:
    """What the care team ordered for this patient: changed limits, dated items, then notes.

    A changed limit in force on the discharge day is said with its figure and the dates it
    changes, as page 1's box says the protocol's; one that starts later, by its own text.
    """
    found = [
        limit_now_text(plan, w, lang) if w.covers(0) else w.limit.text.get(lang)
        for w in plan.windows
        if w.limit.ordered and (w.covers(0) or (w.start_day > 0 and not _chained(plan, w)))
    ]
    found += [
        tr(ORDER_DATED, lang).format(
            date=capitalized(_date_near(plan, m.day, 0, lang)), text=milestone_text(plan, m, lang)
        )
        for m in plan.milestones
        if isinstance(m, RuleEvent | FollowUpVisit) and m.rule is not None and m.rule.ordered
    ]
    found += [note.get(lang) for note in plan.notes]
    return tuple(found)


NAMES_OR = N_("{names} or {last}")


def limits_now(plan: Plan, lang: str = ENGLISH) -> tuple[str, ...]:
    """Each limit in force on the discharge day, with its figure and the dates it changes.

    Activities not allowed at all that are allowed again on the same day share one line:
    ``No driving, showering or tub bath. Allowed again from Mon, Mar 3.``
    """
    groups: dict[int | None, list[Window]] = {}  # by the day allowed again (None: cleared)
    lines: list[Window | int | None] = []
    for window in plan.in_force(0):
        if window.limit.ordered:
            continue  # said under the care team's instructions (order_texts)
        end = window.end_day
        if window.limit.max is not None or plan.following(window) is not None:
            lines.append(window)
            continue
        if end not in groups:
            groups[end] = []
            lines.append(end)
        groups[end].append(window)
    found = []
    for line in lines:
        if isinstance(line, Window):
            found.append(limit_now_text(plan, line, lang))
            continue
        windows = groups[line]
        if len(windows) == 1:
            found.append(limit_now_text(plan, windows[0], lang))
            continue
        names = [w.activity.name.get(lang) for w in windows]
        names = [f"{n[:1].lower()}{n[1:]}" for n in names]
        joined = tr(NAMES_OR, lang).format(names=", ".join(names[:-1]), last=names[-1])
        if line is None:
            # "No driving, work or travel until your care team says it is OK."
            parts = [tr(RESTRICTION_NO, lang).format(label=f"{joined} {tr(UNTIL_CLEARED, lang)}.")]
        else:
            parts = [
                tr(RESTRICTION_NO, lang).format(label=joined) + ".",
                tr(ALLOWED_AGAIN_FROM, lang).format(date=_date_near(plan, line, 0, lang)),
            ]
        parts += [c.text.get(lang) for w in windows for c in w.activity.cautions]
        found.append(" ".join(parts))
    return tuple(found)


LANGUAGE_NAMES = {"en": N_("English"), "es": N_("Spanish")}
STAMP = N_("Made on {date} by vplan {vplan} from {protocol} {version} (rules {rules}), {language}.")
STAMP_WITH_ORDERS = N_(
    "Made on {date} by vplan {vplan} from {protocol} {version} (rules {rules}, orders {orders}), "
    "{language}."
)


def stamp_line(stamp: Stamp, protocol: Protocol, lang: str = ENGLISH) -> str:
    """What made the output, in one line: date, vplan, protocol, digests (8 hex), language."""
    template = STAMP if stamp.orders_short is None else STAMP_WITH_ORDERS
    return tr(template, lang).format(
        date=stamp.made_on.isoformat(),
        vplan=stamp.vplan,
        protocol=protocol.info.name.get(lang),
        version=stamp.protocol_version,
        rules=stamp.rules_short,
        orders=stamp.orders_short,
        language=tr(LANGUAGE_NAMES[stamp.lang], lang),
    )
