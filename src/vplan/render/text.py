"""The terminal views: the schedule, a check answer, the warning signs, the activities."""

from __future__ import annotations

from typing import TYPE_CHECKING

from vplan.i18n import ENGLISH
from vplan.model import Activity, Protocol, Tier
from vplan.render.lines import WIDTH, Line, Style, wrap
from vplan.render.sources import cite
from vplan.words.common import ORDERS_HEADING
from vplan.words.nurse import COLUMNS, HEADINGS, NurseWords

if TYPE_CHECKING:
    from vplan.answer import Answer
    from vplan.schedule import Schedule


def header(view: Schedule) -> list[Line]:
    """The title block: the patient when named, procedure, date, protocol and its review."""
    head = view.header
    return [
        Line(head.title, Style.TITLE),
        *([] if head.patient is None else wrap(head.patient)),
        Line(head.procedure),
        *([] if head.visit is None else wrap(head.visit, style=Style.TITLE)),
        *wrap(head.protocol),
        *(line for text in head.notices for line in wrap(text, style=Style.MUTED)),
        Line(""),
    ]


def schedule(view: Schedule) -> list[Line]:
    """The whole schedule: calendar, restrictions, what to do, warning signs, then the stamp."""
    stamp = [] if view.stamp_text is None else [Line(""), *wrap(view.stamp_text)]
    return [
        *header(view),
        *calendar(view),
        Line(""),
        *orders(view),
        *restrictions(view),
        Line(""),
        *care(view),
        Line(""),
        *signs(view),
        *stamp,
    ]


def calendar(view: Schedule) -> list[Line]:
    """One row per day: date with weekday, day number, milestones, what to do and avoid."""
    lang = view.lang
    words = NurseWords(lang)
    date_width = words.dates.table_width()
    indent = " " * (date_width + 2 + 3 + 2)
    cell_width = WIDTH - len(indent)
    rule = "-" * date_width + "  ---  " + "-" * cell_width
    head = f"{words.tr(COLUMNS['date']):<{date_width}}  {words.tr(COLUMNS['day']):<3}  "
    lines = [
        Line(view.days_title, Style.HEADING),
        Line(head + words.tr(COLUMNS["what"])),
        Line(rule),
    ]
    for day in view.days:
        details: list[tuple[str, Style]] = [
            (words.label("today", text), Style.TITLE) for text in day.milestones
        ]
        if day.do:
            details.append((words.label("do", "; ".join(day.do)), Style.PLAIN))
        if day.avoid:
            avoid = "; ".join(a.text for a in day.avoid)
            details.append((words.label("avoid", avoid), Style.PLAIN))
        if not details:
            details.append((words.no_limits_today(), Style.PLAIN))
        rows = [row for text, style in details for row in wrap(text, width=cell_width, style=style)]
        for i, row in enumerate(rows):
            left = f"{day.date_text:<{date_width}}  {day.day:>3}  " if i == 0 else indent
            lines.append(Line(left + row.text, row.style))
    return lines


def orders(view: Schedule) -> list[Line]:
    """The care team's instructions for this patient, when there are any."""
    words = NurseWords(view.lang)
    if not view.orders:
        return []
    lines = [Line(words.tr(ORDERS_HEADING).upper(), Style.HEADING)]
    lines += [line for t in view.orders for line in wrap(f"- {t}", indent="  ", hang="    ")]
    return [*lines, Line("")]


def restrictions(view: Schedule) -> list[Line]:
    """Each restricted activity, its limits and the date it is allowed again."""
    lang = view.lang
    words = NurseWords(lang)
    lines = [Line(words.tr(HEADINGS["restrictions"]).upper(), Style.HEADING)]
    for item in view.restrictions:
        lines.append(Line(item.name, Style.TITLE))
        for limit in item.limits:
            lines += wrap(f"{limit.span}: {limit.text}", indent="  ", hang="    ")
        lines += wrap(
            words.label("allowed_from", f"{item.allowed_from_text}."),
            indent="  ",
            style=Style.GOOD,
        )
        for caution in item.cautions:
            lines += wrap(
                words.label("caution", caution), indent="  ", hang="    ", style=Style.ALERT
            )
    return lines


def care(view: Schedule) -> list[Line]:
    """What to do, day by day, and the activities that are good for the patient."""
    words = NurseWords(view.lang)
    lines = [Line(words.tr(HEADINGS["care"]).upper(), Style.HEADING)]
    for item in view.care:
        lines += wrap(f"{item.span}: {item.text}", indent="  ", hang="    ")
    for advice in view.advice:
        lines += wrap(f"{advice.title}: {advice.text}", indent="  ", hang="    ")
    for guide in view.guidance:
        lines += wrap(f"{guide.title}: {guide.text}", indent="  ", hang="    ")
    return lines


def signs(view: Schedule) -> list[Line]:
    """The schedule's warning signs, by tier, the most urgent first."""
    words = NurseWords(view.lang)
    lines = [Line(words.tr(HEADINGS["signs"]).upper(), Style.HEADING)]
    for tier in view.signs:
        style = Style.ALERT if tier.tier is Tier.EMERGENCY else Style.TITLE
        lines.append(Line(tier.heading, style))
        for sign in tier.signs:
            lines += wrap(f"- {sign.text}", indent="  ", hang="  ")
    return lines


def warning_signs(protocol: Protocol, lang: str = ENGLISH) -> list[Line]:
    """The warning signs, by tier, the most urgent first."""
    words = NurseWords(lang)
    lines = [Line(words.tr(HEADINGS["signs"]).upper(), Style.HEADING)]
    for tier in Tier:
        style = Style.ALERT if tier is Tier.EMERGENCY else Style.TITLE
        lines.append(Line(words.tier_heading(protocol, tier), style))
        for sign in protocol.warning_signs:
            if sign.tier is tier:
                lines += wrap(f"- {sign.text.get(lang)}", indent="  ", hang="  ")
    return lines


def verdict(answer: Answer, lang: str = ENGLISH) -> list[Line]:
    """The answer to ``check``: allowed or not, why, from when, and the source."""
    words = NurseWords(lang)
    lines = [
        Line(answer.title, Style.GOOD if answer.allowed else Style.ALERT),
        *wrap(words.label("why", answer.reason)),
        *wrap(words.label("allowed_from", answer.allowed_from_text)),
    ]
    lines += [
        line for c in answer.cautions for line in wrap(words.label("caution", c), style=Style.ALERT)
    ]
    if answer.tip is not None:
        lines += wrap(words.label("tip", answer.tip))
    lines += [
        line for s in answer.sources for line in wrap(words.label("source", s), style=Style.MUTED)
    ]
    return lines


def rule(protocol: Protocol, activity: Activity, lang: str = ENGLISH) -> list[Line]:
    """An activity's rule in post-operative days (no procedure date was given)."""
    words = NurseWords(lang)
    lines = [Line(words.rule_title(activity), Style.TITLE)]
    for lim in activity.limits:
        lines += wrap(f"{words.rule_span(lim)}: {lim.text.get(lang)}", indent="  ", hang="    ")
    lines += wrap(words.rule_summary(activity), style=Style.GOOD)
    lines += [
        line
        for c in activity.cautions
        for line in wrap(words.label("caution", c.text.get(lang)), style=Style.ALERT)
    ]
    if activity.advice is not None:
        lines += wrap(words.label("tip", activity.advice.get(lang)))
    lines += wrap(words.give_a_date(), style=Style.MUTED)
    sources = activity.limits[0].sources if activity.limits else activity.sources
    lines += [
        line
        for s in cite(protocol, sources)
        for line in wrap(words.label("source", s), style=Style.MUTED)
    ]
    return lines


def activities(protocol: Protocol, lang: str = ENGLISH) -> list[Line]:
    """What the rules know: each activity, its aliases and its limits."""
    words = NurseWords(lang)
    lines = [Line(words.tr(HEADINGS["activities"]).upper(), Style.HEADING)]
    for act in protocol.activities:
        lines.append(Line(f"{act.key.replace('_', ' ')}: {act.name.get(lang)}", Style.TITLE))
        also = act.aliases if lang == ENGLISH else act.synonyms.get(lang, ())
        if also:  # the words 'check' understands, in the language asked for
            lines += wrap(words.label("also", ", ".join(also)), indent="  ", hang="    ")
        for lim in act.limits:
            lines += wrap(f"{words.rule_span(lim)}: {lim.text.get(lang)}", indent="  ", hang="    ")
        lines += wrap(words.rule_summary(act), indent="  ", hang="    ")
    return lines
