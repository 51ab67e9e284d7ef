"""The terminal views: the schedule, a check answer, the warning signs, the activities."""

from __future__ import annotations

from typing import TYPE_CHECKING

from vplan.i18n import ENGLISH
from vplan.model import Activity, Protocol, Tier
from vplan.plan import Plan, Verdict
from vplan.render.lines import WIDTH, Line, Style, wrap
from vplan.render.sources import cite
from vplan.words import (
    COLUMNS,
    HEADINGS,
    ORDERS_HEADING,
    allowed_from_text,
    avoid_label,
    care_span,
    days_heading,
    give_a_date,
    label,
    limit_span,
    milestone_text,
    no_limits_today,
    notices,
    order_texts,
    patient_line,
    procedure_date_line,
    protocol_line,
    rule_span,
    rule_summary,
    rule_title,
    schedule_title,
    stamp_line,
    table_date,
    table_date_width,
    tier_heading,
    tr,
    verdict_reason,
    verdict_title,
    visit_text,
)

if TYPE_CHECKING:
    from vplan.stamp import Stamp


def header(plan: Plan, patient: str | None = None, lang: str = ENGLISH) -> list[Line]:
    """The title block: the patient when named, procedure, date, protocol and its review."""
    return [
        Line(schedule_title(plan.protocol, lang), Style.TITLE),
        *([] if patient is None else wrap(patient_line(patient, lang))),
        Line(procedure_date_line(plan, lang)),
        *([] if plan.follow_up is None else wrap(visit_text(plan, lang), style=Style.TITLE)),
        *wrap(protocol_line(plan.protocol, lang)),
        *(line for text in notices(plan.protocol, lang) for line in wrap(text, style=Style.MUTED)),
        Line(""),
    ]


def schedule(
    plan: Plan,
    days: int,
    patient: str | None = None,
    lang: str = ENGLISH,
    made: Stamp | None = None,
) -> list[Line]:
    """The whole schedule: calendar, restrictions, what to do, warning signs, then the stamp."""
    stamp = [] if made is None else [Line(""), *wrap(stamp_line(made, plan.protocol, lang))]
    return [
        *header(plan, patient, lang),
        *calendar(plan, days, lang),
        Line(""),
        *orders(plan, lang),
        *restrictions(plan, lang),
        Line(""),
        *care(plan, lang),
        Line(""),
        *warning_signs(plan.protocol, lang),
        *stamp,
    ]


def calendar(plan: Plan, days: int, lang: str = ENGLISH) -> list[Line]:
    """One row per day: date with weekday, day number, milestones, what to do and avoid."""
    date_width = table_date_width(lang)
    indent = " " * (date_width + 2 + 3 + 2)
    cell_width = WIDTH - len(indent)
    rule = "-" * date_width + "  ---  " + "-" * cell_width
    head = f"{tr(COLUMNS['date'], lang):<{date_width}}  {tr(COLUMNS['day'], lang):<3}  "
    lines = [
        Line(days_heading(days, capitals=True, lang=lang), Style.HEADING),
        Line(head + tr(COLUMNS["what"], lang)),
        Line(rule),
    ]
    for n in range(days):
        day = plan.day(n)
        details: list[tuple[str, Style]] = [
            (label("today", milestone_text(plan, m, lang), lang), Style.TITLE)
            for m in day.milestones
        ]
        if day.care:
            todo = "; ".join(c.item.label.get(lang) for c in day.care)
            details.append((label("do", todo, lang), Style.PLAIN))
        if day.avoid:
            avoid = "; ".join(avoid_label(w, lang) for w in day.avoid)
            details.append((label("avoid", avoid, lang), Style.PLAIN))
        if not details:
            details.append((no_limits_today(lang), Style.PLAIN))
        rows = [row for text, style in details for row in wrap(text, width=cell_width, style=style)]
        for i, row in enumerate(rows):
            left = f"{table_date(day.date, lang):<{date_width}}  {n:>3}  " if i == 0 else indent
            lines.append(Line(left + row.text, row.style))
    return lines


def orders(plan: Plan, lang: str = ENGLISH) -> list[Line]:
    """The care team's instructions for this patient, when there are any."""
    texts = order_texts(plan, lang)
    if not texts:
        return []
    lines = [Line(tr(ORDERS_HEADING, lang).upper(), Style.HEADING)]
    lines += [line for t in texts for line in wrap(f"- {t}", indent="  ", hang="    ")]
    return [*lines, Line("")]


def restrictions(plan: Plan, lang: str = ENGLISH) -> list[Line]:
    """Each restricted activity, its limits and the date it is allowed again."""
    lines = [Line(tr(HEADINGS["restrictions"], lang).upper(), Style.HEADING)]
    for act in plan.protocol.activities:
        windows = plan.windows_of(act)
        if not windows:
            continue
        lines.append(Line(act.name.get(lang), Style.TITLE))
        for window in windows:
            lines += wrap(
                f"{limit_span(plan, window, lang)}: {window.limit.text.get(lang)}",
                indent="  ",
                hang="    ",
            )
        verdict = plan.verdict(act, windows[0].start_day)
        lines += wrap(
            label("allowed_from", f"{allowed_from_text(plan, verdict, lang)}.", lang),
            indent="  ",
            style=Style.GOOD,
        )
        for caution in act.cautions:
            lines += wrap(
                label("caution", caution.text.get(lang), lang),
                indent="  ",
                hang="    ",
                style=Style.ALERT,
            )
    return lines


def care(plan: Plan, lang: str = ENGLISH) -> list[Line]:
    """What to do, day by day, and the activities that are good for the patient."""
    lines = [Line(tr(HEADINGS["care"], lang).upper(), Style.HEADING)]
    for item in plan.care:
        span = care_span(plan, item.start_day, item.end_day, lang)
        lines += wrap(f"{span}: {item.item.text.get(lang)}", indent="  ", hang="    ")
    for act in plan.protocol.activities:
        if act.advice is not None and not act.limits:
            lines += wrap(f"{act.name.get(lang)}: {act.advice.get(lang)}", indent="  ", hang="    ")
    for guide in plan.protocol.guidance:
        lines += wrap(f"{guide.title.get(lang)}: {guide.text.get(lang)}", indent="  ", hang="    ")
    return lines


def warning_signs(protocol: Protocol, lang: str = ENGLISH) -> list[Line]:
    """The warning signs, by tier, the most urgent first."""
    lines = [Line(tr(HEADINGS["signs"], lang).upper(), Style.HEADING)]
    for tier in Tier:
        style = Style.ALERT if tier is Tier.EMERGENCY else Style.TITLE
        lines.append(Line(tier_heading(protocol, tier, lang), style))
        for sign in protocol.warning_signs:
            if sign.tier is tier:
                lines += wrap(f"- {sign.text.get(lang)}", indent="  ", hang="  ")
    return lines


def verdict(plan: Plan, answer: Verdict, lang: str = ENGLISH) -> list[Line]:
    """The answer to ``check``: allowed or not, why, from when, and the source."""
    lines = [
        Line(verdict_title(plan, answer, lang), Style.GOOD if answer.allowed else Style.ALERT),
        *wrap(label("why", verdict_reason(plan, answer, lang), lang)),
        *wrap(label("allowed_from", allowed_from_text(plan, answer, lang), lang)),
    ]
    lines += [
        line
        for c in answer.cautions
        for line in wrap(label("caution", c.text.get(lang), lang), style=Style.ALERT)
    ]
    if answer.activity.advice is not None:
        lines += wrap(label("tip", answer.activity.advice.get(lang), lang))
    lines += [
        line
        for s in cite(plan.protocol, answer.sources)
        for line in wrap(label("source", s, lang), style=Style.MUTED)
    ]
    return lines


def rule(protocol: Protocol, activity: Activity, lang: str = ENGLISH) -> list[Line]:
    """An activity's rule in post-operative days (no procedure date was given)."""
    lines = [Line(rule_title(activity, lang), Style.TITLE)]
    for lim in activity.limits:
        lines += wrap(f"{rule_span(lim, lang)}: {lim.text.get(lang)}", indent="  ", hang="    ")
    lines += wrap(rule_summary(activity, lang), style=Style.GOOD)
    lines += [
        line
        for c in activity.cautions
        for line in wrap(label("caution", c.text.get(lang), lang), style=Style.ALERT)
    ]
    if activity.advice is not None:
        lines += wrap(label("tip", activity.advice.get(lang), lang))
    lines += wrap(give_a_date(lang), style=Style.MUTED)
    sources = activity.limits[0].sources if activity.limits else activity.sources
    lines += [
        line
        for s in cite(protocol, sources)
        for line in wrap(label("source", s, lang), style=Style.MUTED)
    ]
    return lines


def activities(protocol: Protocol, lang: str = ENGLISH) -> list[Line]:
    """What the rules know: each activity, its aliases and its limits."""
    lines = [Line(tr(HEADINGS["activities"], lang).upper(), Style.HEADING)]
    for act in protocol.activities:
        lines.append(Line(f"{act.key.replace('_', ' ')}: {act.name.get(lang)}", Style.TITLE))
        also = act.aliases if lang == ENGLISH else act.synonyms.get(lang, ())
        if also:  # the words 'check' understands, in the language asked for
            lines += wrap(label("also", ", ".join(also), lang), indent="  ", hang="    ")
        for lim in act.limits:
            lines += wrap(f"{rule_span(lim, lang)}: {lim.text.get(lang)}", indent="  ", hang="    ")
        lines += wrap(rule_summary(act, lang), indent="  ", hang="    ")
    return lines
