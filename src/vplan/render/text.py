"""The terminal views: the schedule, a check answer, the warning signs, the activities."""

from __future__ import annotations

from vplan.model import Activity, Protocol, Tier
from vplan.plan import Plan, Verdict
from vplan.render.lines import WIDTH, Line, Style, wrap
from vplan.render.sources import cite
from vplan.words import (
    allowed_from_text,
    avoid_label,
    day_and_date,
    limit_span,
    long_date,
    milestone_text,
    patient_line,
    protocol_line,
    rule_span,
    rule_summary,
    tier_heading,
    verdict_reason,
)

DATE_WIDTH = 17  # "Wed, Sep 10, 2025"
DETAIL_INDENT = " " * (DATE_WIDTH + 2 + 3 + 2)
CELL_WIDTH = WIDTH - len(DETAIL_INDENT)


def header(plan: Plan, patient: str | None = None) -> list[Line]:
    """The title block: the patient when named, procedure, date, protocol and its review."""
    info = plan.protocol.info
    return [
        Line(f"Recovery plan after {info.procedure.get()}", Style.TITLE),
        *([] if patient is None else wrap(patient_line(patient))),
        Line(f"Procedure date: {day_and_date(plan, 0)}"),
        *wrap(protocol_line(plan.protocol)),
        *wrap(info.notice.get(), style=Style.MUTED),
        Line(""),
    ]


def schedule(plan: Plan, days: int, patient: str | None = None) -> list[Line]:
    """The whole schedule: calendar, restrictions, what to do, warning signs."""
    return [
        *header(plan, patient),
        *calendar(plan, days),
        Line(""),
        *restrictions(plan),
        Line(""),
        *care(plan),
        Line(""),
        *warning_signs(plan.protocol),
    ]


def calendar(plan: Plan, days: int) -> list[Line]:
    """One row per day: date with weekday, day number, milestones, what to do and avoid."""
    rule = "-" * DATE_WIDTH + "  ---  " + "-" * CELL_WIDTH
    lines = [
        Line(f"DAY BY DAY (day 0 to {days - 1})", Style.HEADING),
        Line(f"{'Date':<{DATE_WIDTH}}  Day  What happens, what to do, what to avoid"),
        Line(rule),
    ]
    for n in range(days):
        day = plan.day(n)
        details: list[tuple[str, Style]] = [
            (f"Today: {milestone_text(plan, m)}", Style.TITLE) for m in day.milestones
        ]
        if day.care:
            details.append(("Do: " + "; ".join(c.item.label.get() for c in day.care), Style.PLAIN))
        if day.avoid:
            details.append(("Avoid: " + "; ".join(avoid_label(w) for w in day.avoid), Style.PLAIN))
        if not details:
            details.append(("No limits from this plan today.", Style.PLAIN))
        rows = [row for text, style in details for row in wrap(text, width=CELL_WIDTH, style=style)]
        for i, row in enumerate(rows):
            left = f"{long_date(day.date):<{DATE_WIDTH}}  {n:>3}  " if i == 0 else DETAIL_INDENT
            lines.append(Line(left + row.text, row.style))
    return lines


def restrictions(plan: Plan) -> list[Line]:
    """Each restricted activity, its limits and the date it is allowed again."""
    lines = [Line("ACTIVITIES TO AVOID, AND WHEN THEY ARE ALLOWED AGAIN", Style.HEADING)]
    for act in plan.protocol.activities:
        windows = plan.windows_of(act)
        if not windows:
            continue
        lines.append(Line(act.name.get(), Style.TITLE))
        for window in windows:
            lines += wrap(
                f"{limit_span(plan, window)}: {window.limit.text.get()}", indent="  ", hang="    "
            )
        verdict = plan.verdict(act, windows[0].start_day)
        lines += wrap(
            f"Allowed from: {allowed_from_text(plan, verdict)}.", indent="  ", style=Style.GOOD
        )
        for caution in act.cautions:
            lines += wrap(
                f"Caution: {caution.text.get()}", indent="  ", hang="    ", style=Style.ALERT
            )
    return lines


def care(plan: Plan) -> list[Line]:
    """What to do, day by day, and the activities that are good for the patient."""
    lines = [Line("WHAT TO DO", Style.HEADING)]
    for item in plan.care:
        if item.end_day is None:
            span = f"From day {item.start_day}"
        elif item.end_day - item.start_day == 1:
            span = f"Day {item.start_day} ({long_date(plan.date_of(item.start_day))})"
        else:
            span = f"Day {item.start_day} to {item.end_day - 1}"
        lines += wrap(f"{span}: {item.item.text.get()}", indent="  ", hang="    ")
    for act in plan.protocol.activities:
        if act.advice is not None and not act.limits:
            lines += wrap(f"{act.name.get()}: {act.advice.get()}", indent="  ", hang="    ")
    return lines


def warning_signs(protocol: Protocol) -> list[Line]:
    """The warning signs, by tier, the most urgent first."""
    lines = [Line("WARNING SIGNS", Style.HEADING)]
    for tier in Tier:
        style = Style.ALERT if tier is Tier.EMERGENCY else Style.TITLE
        lines.append(Line(tier_heading(protocol, tier), style))
        for sign in protocol.warning_signs:
            if sign.tier is tier:
                lines += wrap(f"- {sign.text.get()}", indent="  ", hang="  ")
    return lines


def verdict(plan: Plan, answer: Verdict) -> list[Line]:
    """The answer to ``check``: allowed or not, why, from when, and the source."""
    what = answer.activity.name.get()
    if answer.amount is not None:
        what += f" {answer.amount.describe()}"
    when = day_and_date(plan, answer.day)
    status = "ALLOWED" if answer.allowed else "NOT ALLOWED"
    lines = [
        Line(f"{what} on {when}: {status}", Style.GOOD if answer.allowed else Style.ALERT),
        *wrap(f"Why: {verdict_reason(plan, answer)}"),
        *wrap(f"Allowed from: {allowed_from_text(plan, answer)}"),
    ]
    lines += [
        line
        for c in answer.cautions
        for line in wrap(f"Caution: {c.text.get()}", style=Style.ALERT)
    ]
    if answer.activity.advice is not None:
        lines += wrap(f"Tip: {answer.activity.advice.get()}")
    lines += [
        line
        for s in cite(plan.protocol, answer.sources)
        for line in wrap(f"Source: {s}", style=Style.MUTED)
    ]
    return lines


def rule(protocol: Protocol, activity: Activity) -> list[Line]:
    """An activity's rule in post-operative days (no procedure date was given)."""
    lines = [
        Line(
            f"{activity.name.get()}: the rule, counted from the procedure day (day 0)", Style.TITLE
        )
    ]
    for lim in activity.limits:
        lines += wrap(f"{rule_span(lim)}: {lim.text.get()}", indent="  ", hang="    ")
    lines += wrap(rule_summary(activity), style=Style.GOOD)
    lines += [
        line
        for c in activity.cautions
        for line in wrap(f"Caution: {c.text.get()}", style=Style.ALERT)
    ]
    if activity.advice is not None:
        lines += wrap(f"Tip: {activity.advice.get()}")
    lines += wrap(
        "Give the procedure date (-p YYYY-MM-DD) for an answer on a given day.", style=Style.MUTED
    )
    sources = activity.limits[0].sources if activity.limits else activity.sources
    lines += [
        line for s in cite(protocol, sources) for line in wrap(f"Source: {s}", style=Style.MUTED)
    ]
    return lines


def activities(protocol: Protocol) -> list[Line]:
    """What the rules know: each activity, its aliases and its limits."""
    lines = [Line("ACTIVITIES IN THE RULES", Style.HEADING)]
    for act in protocol.activities:
        lines.append(Line(f"{act.key.replace('_', ' ')}: {act.name.get()}", Style.TITLE))
        if act.aliases:
            lines += wrap("Also: " + ", ".join(act.aliases), indent="  ", hang="    ")
        for lim in act.limits:
            lines += wrap(f"{rule_span(lim)}: {lim.text.get()}", indent="  ", hang="    ")
        lines += wrap(rule_summary(act), indent="  ", hang="    ")
    return lines
