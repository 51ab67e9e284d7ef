"""The terminal views: the schedule, a check answer, the protocol listings, the rules reports."""

from __future__ import annotations

from typing import TYPE_CHECKING

from vplan.i18n import ENGLISH
from vplan.model import Tier
from vplan.render.lines import Line, Style, width, wrap
from vplan.schedule import avoid_list
from vplan.words.common import ORDERS_HEADING, sentences
from vplan.words.nurse import COLUMNS, HEADINGS, NurseWords

if TYPE_CHECKING:
    from collections.abc import Sequence

    from vplan.answer import Answer
    from vplan.reports import (
        Activities,
        DiffReport,
        LintReport,
        Rule,
        ShowReport,
        ValidateReport,
        WarningSigns,
    )
    from vplan.schedule import Schedule
    from vplan.sections import SignTier


def header(view: Schedule) -> list[Line]:
    """The title block: the patient when named, procedure, date, protocol and its review."""
    head = view.header
    return [
        *wrap(head.title, style=Style.TITLE),
        *([] if head.patient is None else wrap(head.patient)),
        *wrap(head.procedure),
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


NARROWEST_CELL = 36  # columns of "what happens" beside the date; fewer: under the date


def calendar(view: Schedule) -> list[Line]:
    """One row per day: date with weekday, day number, milestones, what to do and avoid."""
    lang = view.lang
    words = NurseWords(lang)
    date_width = words.dates.table_width()
    indent = " " * (date_width + 2 + 3 + 2)
    cell_width = width() - len(indent)
    # In a narrow terminal, each day's date on a line of its own, what happens under it.
    stacked = cell_width < NARROWEST_CELL
    if stacked:
        indent, cell_width = "  ", width() - 2
    rule = "-" * date_width + "  ---  " + "-" * cell_width
    head = f"{words.tr(COLUMNS['date']):<{date_width}}  {words.tr(COLUMNS['day']):<3}  "
    what = wrap(words.tr(COLUMNS["what"]), width=cell_width, hang="")
    lines = [
        *wrap(view.days_title, hang="", style=Style.HEADING),
        *(
            [Line("-" * width())]
            if stacked
            else [Line(head + what[0].text), *(Line(indent + w.text) for w in what[1:]), Line(rule)]
        ),
    ]
    for day in view.days:
        details: list[tuple[str, Style]] = [
            (words.label("today", text), Style.TITLE) for text in day.milestones
        ]
        if day.do:
            details.append((words.label("do", sentences(day.do)), Style.PLAIN))
        if day.careful:
            careful = " ".join(c.named for c in day.careful)
            details.append((words.label("with_care", careful), Style.PLAIN))
        if avoided := avoid_list(day, words):
            details.append((words.label("avoid", avoided), Style.PLAIN))
        if asked := [a.text for a in day.avoid if a.ask]:
            details.append((words.label("ask", sentences(asked)), Style.PLAIN))
        if not details:
            details.append((words.no_limits_today(), Style.PLAIN))
        rows = [row for text, style in details for row in wrap(text, width=cell_width, style=style)]
        if stacked:
            lines.append(Line(f"{day.date_text}  ({words.tr(COLUMNS['day']).lower()} {day.day})"))
        for i, row in enumerate(rows):
            first = f"{day.date_text:<{date_width}}  {day.day:>3}  "
            lines.append(Line((first if i == 0 and not stacked else indent) + row.text, row.style))
    return lines


def orders(view: Schedule) -> list[Line]:
    """The care team's instructions for this patient, when there are any."""
    words = NurseWords(view.lang)
    if not view.orders:
        return []
    lines = wrap(words.tr(ORDERS_HEADING).upper(), hang="", style=Style.HEADING)
    lines += [line for t in view.orders for line in wrap(f"- {t}", indent="  ", hang="    ")]
    return [*lines, Line("")]


def restrictions(view: Schedule) -> list[Line]:
    """Each restricted activity, its limits and the date it is allowed again."""
    lang = view.lang
    words = NurseWords(lang)
    lines = wrap(words.tr(HEADINGS["restrictions"]).upper(), hang="", style=Style.HEADING)
    for item in view.restrictions:
        lines.append(Line(item.name, Style.TITLE))
        for limit in item.limits:
            lines += wrap(f"{limit.span}: {limit.text}", indent="  ", hang="    ")
        for caution in item.cautions:  # it holds all along: said with the limits
            lines += wrap(
                words.label("caution", caution), indent="  ", hang="    ", style=Style.ALERT
            )
        lines += wrap(
            words.label(item.when_label, f"{item.allowed_from_text}."),
            indent="  ",
            style=Style.GOOD,
        )
        if item.then is not None:
            lines += wrap(words.label("then", item.then), indent="  ", hang="    ")
        if item.advice:
            lines += wrap(words.label("tip", item.advice), indent="  ", hang="    ")
    return lines


def care(view: Schedule) -> list[Line]:
    """What to do, day by day, and the activities that are good for the patient."""
    words = NurseWords(view.lang)
    lines = wrap(words.tr(HEADINGS["care"]).upper(), hang="", style=Style.HEADING)
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
    return _signs(words.tr(HEADINGS["signs"]).upper(), view.signs)


def warning_signs(listing: WarningSigns) -> list[Line]:
    """The warning signs, by tier, the most urgent first."""
    return _signs(listing.heading, listing.tiers)


def _signs(heading: str, tiers: Sequence[SignTier]) -> list[Line]:
    lines = wrap(heading, hang="", style=Style.HEADING)
    for tier in tiers:
        style = Style.ALERT if tier.tier is Tier.EMERGENCY else Style.TITLE
        lines.append(Line(tier.heading, style))
        for sign in tier.signs:
            lines += wrap(f"- {sign.text}", indent="  ", hang="  ")
    return lines


def _headline(title: str, style: Style) -> list[Line]:
    """``Lifting ... (day 10): NOT ALLOWED`` wrapped to the width, the date and verdict whole."""
    head, colon, verdict = title.rpartition(": ")
    if not colon:
        return wrap(title, style=style)
    glued = f"{head}{colon}{verdict.replace(' ', NO_BREAK)}"
    return [Line(line.text.replace(NO_BREAK, " "), style) for line in wrap(glued, style=style)]


NO_BREAK = "\u00a0"  # textwrap breaks at ASCII spaces only


def verdict(answer: Answer, lang: str = ENGLISH) -> list[Line]:
    """The answer to ``check``: allowed or not, why, from when, and the source."""
    words = NurseWords(lang)
    lines = [
        *_headline(answer.title, Style.GOOD if answer.allowed else Style.ALERT),
        *wrap(words.label("why", answer.reason)),
        *(wrap(words.label("next", answer.next)) if answer.next is not None else []),
        *wrap(words.label(answer.when_label, answer.when_text)),
    ]
    if answer.then is not None:
        lines += wrap(words.label("then", answer.then))
    lines += [
        line for c in answer.cautions for line in wrap(words.label("caution", c), style=Style.ALERT)
    ]
    if answer.tip is not None:
        lines += wrap(words.label("tip", answer.tip))
    lines += [
        line for s in answer.sources for line in wrap(words.label("source", s), style=Style.MUTED)
    ]
    return lines


def verdicts(answers: Sequence[Answer], lang: str = ENGLISH) -> list[Line]:
    """The answers to ``check`` for a word that means more than one activity, one after another."""
    lines: list[Line] = []
    for answer in answers:
        lines += [*([Line("")] if lines else []), *verdict(answer, lang)]
    return lines


def rules(views: Sequence[Rule]) -> list[Line]:
    """The rules of each activity a word may mean, one after another."""
    lines: list[Line] = []
    for view in views:
        lines += [*([Line("")] if lines else []), *rule(view)]
    return lines


def rule(view: Rule) -> list[Line]:
    """An activity's rule in post-operative days (no procedure date was given)."""
    lang = view.lang
    words = NurseWords(lang)
    lines = wrap(view.title, style=Style.TITLE)
    for lim in view.limits:
        lines += wrap(f"{lim.span}: {lim.text}", indent="  ", hang="    ")
    lines += wrap(view.summary, style=Style.GOOD)
    if view.then is not None:
        lines += wrap(words.label("then", view.then))
    lines += [
        line for c in view.cautions for line in wrap(words.label("caution", c), style=Style.ALERT)
    ]
    if view.tip is not None:
        lines += wrap(words.label("tip", view.tip))
    lines += wrap(view.hint, style=Style.MUTED)
    lines += [
        line
        for s in view.limit_sources
        for line in wrap(words.label("source", s), style=Style.MUTED)
    ]
    return lines


def activities(listing: Activities) -> list[Line]:
    """What the rules know: each activity, its aliases and its limits."""
    lines = wrap(listing.heading, hang="", style=Style.HEADING)
    for act in listing.rules:
        lines += wrap(act.heading, style=Style.TITLE)
        if act.also:  # the words 'check' understands, in the language asked for
            also = NurseWords(act.lang).label("also", ", ".join(act.also))
            lines += wrap(also, indent="  ", hang="    ")
        for lim in act.limits:
            lines += wrap(f"{lim.span}: {lim.text}", indent="  ", hang="    ")
        lines += wrap(act.summary, indent="  ", hang="    ")
    return lines


def rules_validate(report: ValidateReport) -> str:
    """``rules validate``: the file is valid, what it is and holds, and its languages."""
    others = "".join(f", {key}" for key in report.procedures)
    languages = ", ".join(
        use.code
        + (
            f" ({use.missing} text{'s' if use.missing != 1 else ''} without it; "
            "'vplan rules lint' lists them)"
            if use.missing
            else ""
        )
        for use in report.languages
    )
    note = report.translation_note
    return (
        f"{report.label}: valid. {report.name}, version {report.version}, last reviewed "
        f"{report.last_reviewed.isoformat()}; {report.activities} activities, "
        f"{report.warning_signs} warning signs; procedures: {report.main_procedure} "
        f"(main){others}.\n"
        f"Languages: {languages}.\n" + ("" if note is None else f"Translation note: {note}\n")
    )


def rules_lint(report: LintReport) -> str:
    """``rules lint``: a line per finding, then what was found, or that nothing was."""
    if not report.findings:
        return f"{report.label}: valid, no warnings.\n"
    errors, warnings = report.errors, report.warnings
    found = [
        *([f"{errors} error{'s' if errors != 1 else ''}"] if errors else []),
        *([f"{warnings} warning{'s' if warnings != 1 else ''}"] if warnings else []),
    ]
    return "".join(f"{finding}\n" for finding in report.findings) + (
        f"{report.label}: valid, with {' and '.join(found)}. Look at each line above "
        "before the protocol is given to patients.\n"
    )


def rules_show(report: ShowReport) -> str:
    """``rules show``: the file as it is written, under comment lines naming it."""
    note = report.translation_note
    return (
        f"# {report.label}\n# {report.name}, version {report.version}, "
        f"last reviewed {report.last_reviewed.isoformat()}\n"
        + ("" if note is None else f"# Translation note: {note}\n")
        + report.text
    )


def rules_diff(report: DiffReport) -> list[Line]:
    """``rules diff``: a heading per section, a line per change, then how many."""
    reviewed = (report.old_reviewed.isoformat(), report.new_reviewed.isoformat())
    lines = [
        *wrap(
            f"Changes for patients from {report.old_label} to {report.new_label}",
            style=Style.TITLE,
        ),
        *wrap(f"Version: {_from_to(report.old_version, report.new_version)}"),
        *wrap(f"Last reviewed: {_from_to(*reviewed)}"),
    ]
    for section in report.sections:
        lines += [Line(""), *wrap(section.heading, hang="", style=Style.HEADING)]
        for change in section.changes:
            lines += wrap(change, indent="  ", hang="    ")
    lines.append(Line(""))
    n = report.changes
    if n == 0:
        lines.append(Line("No changes for patients.", Style.GOOD))
    else:
        lines.append(Line(f"{n} change{'s' if n != 1 else ''} for patients.", Style.TITLE))
        if report.same_version:
            lines += wrap(
                "Both files have the same version: set a new 'version' (and 'last_reviewed') "
                "before the new protocol is used.",
                style=Style.ALERT,
            )
    return lines


def _from_to(old: str, new: str) -> str:
    return f"{old} (the same in both)" if old == new else f"{old} -> {new}"
