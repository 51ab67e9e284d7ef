"""The words vplan puts around the protocol's texts: dates, headings, verdicts.

Patient texts come from the rules file; the phrases here are the interface. They live
in one place so that other languages can be added beside English.
"""

from __future__ import annotations

from datetime import date

from vplan.model import Activity, Limit, Protocol, Tier
from vplan.plan import Milestone, MilestoneKind, Plan, Verdict, Window
from vplan.units import Duration

UNTIL_CLEARED = "until your care team says it is OK"

TIER_HEADINGS = {
    Tier.EMERGENCY: "Call {number} now if you have:",
    Tier.CALL_TODAY: "Call your care team today if you have:",
    Tier.EXPECTED: "Normal, no need to call:",
}


def long_date(when: date) -> str:
    """``Sat, Mar 1, 2025``: the weekday is always shown."""
    return f"{when:%a}, {when:%b} {when.day}, {when.year}"


def day_and_date(plan: Plan, day: int) -> str:
    """``Sat, Apr 12, 2025 (day 42)``."""
    return f"{long_date(plan.date_of(day))} (day {day})"


def patient_line(name: str) -> str:
    """``Patient: Jane Doe``, shown under the title only when a name was given."""
    return f"Patient: {name}"


def protocol_line(protocol: Protocol) -> str:
    """``Protocol: NAME, version V, last reviewed DATE``."""
    info = protocol.info
    return (
        f"Protocol: {info.name.get()}, version {info.version}, "
        f"last reviewed {long_date(info.last_reviewed)}"
    )


def calendar_name(protocol: Protocol, patient: str | None = None) -> str:
    """``Recovery after vertebroplasty``, then the patient's name when one was given."""
    name = f"Recovery after {protocol.info.procedure.get()}"
    return name if patient is None else f"{name}: {patient}"


def tier_heading(protocol: Protocol, tier: Tier) -> str:
    """The heading of a tier of warning signs."""
    return TIER_HEADINGS[tier].format(number=protocol.info.emergency_number)


def avoid_label(window: Window) -> str:
    """``Lifting over 10 lb (4.5 kg)``, or the activity's name when it is not allowed at all."""
    name = window.activity.name.get()
    if window.limit.max is None:
        return name
    return f"{name} over {window.limit.max.describe(limit=True)}"


def restriction_title(window: Window) -> str:
    """``No lifting over 10 lb (4.5 kg)``; a limit with no end date says until when."""
    label = avoid_label(window)
    title = f"No {label[:1].lower()}{label[1:]}"
    return title if window.end_day is not None else f"{title} {UNTIL_CLEARED}"


def days_span(plan: Plan, first: int, last: int) -> str:
    """``Day 0 to 41 (Sat, Mar 1, 2025 to Fri, Apr 11, 2025)``: both days included."""
    return (
        f"Day {first} to {last} ({long_date(plan.date_of(first))} "
        f"to {long_date(plan.date_of(last))})"
    )


def limit_span(plan: Plan, window: Window) -> str:
    """``Day 0 to 41 (Sat, Mar 1, 2025 to Fri, Apr 11, 2025)``, or open-ended."""
    start = window.start_day
    if window.end_day is None:
        return f"From day {start} ({long_date(plan.date_of(start))}) {UNTIL_CLEARED}"
    return days_span(plan, start, window.end_day - 1)


def allowed_again(activity: Activity) -> str:
    """``Driving: allowed again``."""
    return f"{activity.name.get()}: allowed again"


def milestone_title(plan: Plan, milestone: Milestone) -> str:
    """A milestone in a few words, for a calendar entry: the event without its dates."""
    if milestone.kind is MilestoneKind.EVENT and milestone.text is not None:
        return milestone.text.get()
    if milestone.kind is MilestoneKind.ALLOWED_AGAIN and milestone.activity is not None:
        return allowed_again(milestone.activity)
    return milestone_text(plan, milestone)


def milestone_text(plan: Plan, milestone: Milestone) -> str:
    """What happens at a milestone, in a short sentence."""
    if milestone.kind is MilestoneKind.EVENT and milestone.text is not None:
        text = milestone.text.get()
        if milestone.by_day is not None:
            text += f" (by {long_date(plan.date_of(milestone.by_day))})"
        return text
    assert milestone.activity is not None
    name = milestone.activity.name.get()
    if milestone.kind is MilestoneKind.ALLOWED_AGAIN:
        cautions = [c.text.get() for c in milestone.activity.cautions]
        return " ".join([f"{allowed_again(milestone.activity)}.", *cautions])
    assert milestone.window is not None
    limit = milestone.window.limit.max
    if limit is None:
        return f"{name}: not allowed from today"
    return f"{name}: limit changes to {limit.describe(limit=True)}"


def verdict_reason(plan: Plan, verdict: Verdict) -> str:
    """Why the activity is or is not allowed on the day, in plain words."""
    name = verdict.activity.name.get()
    window = verdict.window
    if not verdict.allowed:
        assert window is not None
        if window.limit.max is not None and verdict.amount is None:
            return (
                f"{name} is limited to {window.limit.max.describe(limit=True)} on this day. "
                "Give a weight to check, for example: "
                f"vplan check {verdict.activity.key.replace('_', ' ')} 5lb"
            )
        return window.limit.text.get()
    if window is not None and window.limit.max is not None and verdict.amount is not None:
        return (
            f"{verdict.amount.describe()} is within the limit of "
            f"{window.limit.max.describe(limit=True)} that applies on this day."
        )
    if verdict.allowed_from_day:
        return (
            f"The limit on {name.lower()} ended on {day_and_date(plan, verdict.allowed_from_day)}."
        )
    return f"{name} has no limit in this plan."


def allowed_from_text(plan: Plan, verdict: Verdict) -> str:
    """When the activity is allowed: a date with its weekday and day number."""
    if verdict.allowed_from_day is None:
        return "Only when your care team says it is OK"
    return day_and_date(plan, verdict.allowed_from_day)


def point_in_time(duration: Duration) -> str:
    """``day 42 (6 weeks)``, or ``3 months after the procedure`` for calendar months."""
    if duration.unit == "months":
        low, high = duration.day_bounds()
        return f"{duration} after the procedure (day {low} to {high}, by the calendar)"
    day = duration.day_bounds()[0]
    return f"day {day}" if duration.unit == "days" else f"day {day} ({duration})"


def rule_span(limit: Limit) -> str:
    """When a limit applies, in post-operative days."""
    start = "the procedure day (day 0)" if limit.start.amount == 0 else point_in_time(limit.start)
    if limit.end is None:
        return f"From {start} {UNTIL_CLEARED}"
    return f"From {start}, until {point_in_time(limit.end)}"


def rule_summary(activity: Activity) -> str:
    """When the activity is allowed, without a procedure date."""
    name = activity.name.get()
    if not activity.limits:
        return f"{name} has no limit in this plan."
    last = activity.limits[-1].end
    if last is None:
        return f"{name} is allowed only when your care team says it is OK."
    return f"{name} is allowed from {point_in_time(last)}."


# The handout: headings and phrases around the protocol's texts.
HANDOUT_TITLE = "Your recovery after {procedure}"
HANDOUT_FIELDS = {
    "patient": "Patient",
    "procedure": "Procedure",
    "date": "Procedure date",
    "clinic": "Clinic",
    "doctor": "Doctor",
    "phone": "Phone",
}
HANDOUT_HEADINGS = {
    "signs": "Warning signs",
    "key_dates": "Key dates",
    "first_days": "The first two weeks, day by day",
    "months": "Your recovery calendar",
    "instead": "What you can do",
}
CALL_US_AT = "Call us at {phone} today if you have:"
MARKS_NOTE = "Each letter on the calendar is a key date above. Day 0 is the procedure day."
EVERY_DAY = "Every day of these two weeks, do not do these: {labels}."
NOT_YET = "Not yet: {labels}."
DO_TODAY = "Do: {labels}."
CLEARED_ONLY = "{name}: only when your care team says it is OK."
PAGE_OF = "Page {page} of {pages}"
ALLOWED_AGAIN_LIST = "Allowed again from today: {names}."


def short_date(when: date) -> str:
    """``Sat, Mar 1``: for rows and cells where the year is shown above."""
    return f"{when:%a}, {when:%b} {when.day}"


def month_title(year: int, month: int) -> str:
    """``March 2025``."""
    return f"{date(year, month, 1):%B} {year}"


def weekday_initials() -> tuple[str, ...]:
    """Column heads of a month grid, Sunday first."""
    return ("Su", "Mo", "Tu", "We", "Th", "Fr", "Sa")


def handout_tier_heading(protocol: Protocol, tier: Tier, phone: str | None) -> str:
    """A tier heading on the handout: with the clinic's phone number when there is one."""
    if tier is Tier.CALL_TODAY and phone:
        return CALL_US_AT.format(phone=phone)
    return tier_heading(protocol, tier)


def key_date_text(plan: Plan, milestone: Milestone) -> str:
    """What changes on a key date; a new limit is said with the date it lasts until."""
    if milestone.kind is not MilestoneKind.LIMIT_CHANGES:
        return milestone_text(plan, milestone)
    assert milestone.activity is not None
    assert milestone.window is not None
    name = milestone.activity.name.get()
    following = milestone.window
    if following.limit.max is None:
        return f"{name}: not allowed from today. {following.limit.text.get()}"
    until = (
        "until your care team says it is OK"
        if following.end_day is None
        else f"until {short_date(plan.date_of(following.end_day - 1))}"
    )
    return f"{name}: up to {following.limit.max.describe(limit=True)} from today {until}."


def footer_text(protocol: Protocol) -> str:
    """The protocol's name, version and review date, and that it does not replace advice."""
    info = protocol.info
    return (
        f"{info.name.get()}, version {info.version}, last reviewed "
        f"{long_date(info.last_reviewed)}. {info.notice.get()}"
    )


def day_event_text(plan: Plan, milestone: Milestone) -> str:
    """A milestone in a few words, for a row of the day-by-day table."""
    if milestone.kind is MilestoneKind.EVENT and milestone.text is not None:
        first = milestone.text.get().split(". ")[0].rstrip(".")
        return f"{first}."
    assert milestone.activity is not None
    name = milestone.activity.name.get()
    if milestone.kind is MilestoneKind.ALLOWED_AGAIN:
        return f"{name}: allowed again."
    assert milestone.window is not None
    limit = milestone.window.limit.max
    if limit is None:
        return f"{name}: not allowed from today."
    return f"{name}: up to {limit.describe(limit=True)} from today."


def day_span(first: int, last: int) -> str:
    """``Day 3``, or ``Days 3 to 6``."""
    return f"Day {first}" if first == last else f"Days {first} to {last}"


def date_span(first: date, last: date) -> str:
    """``Tue, Mar 4`` to ``Fri, Mar 7``, each with its weekday."""
    return f"{short_date(first)} to {short_date(last)}"
