"""The schedule as Markdown, for notes and records."""

from __future__ import annotations

from typing import TYPE_CHECKING

from vplan.i18n import ENGLISH
from vplan.model import Tier
from vplan.plan import Plan
from vplan.words import (
    COLUMNS,
    HEADINGS,
    LABELS,
    ORDERS_HEADING,
    allowed_from_text,
    avoid_label,
    day_range,
    days_heading,
    limit_span,
    milestone_text,
    notices,
    order_texts,
    patient_line,
    procedure_date_line,
    protocol_line,
    schedule_title,
    stamp_line,
    table_date,
    tier_heading,
    tr,
    visit_text,
)

if TYPE_CHECKING:
    from vplan.stamp import Stamp

# The characters that start inline Markdown (emphasis, code, links, HTML, entities).
MARKDOWN_INLINE = frozenset("\\`*_[]<>~&|")


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _escape(text: str) -> str:
    """Text typed on the command line, shown as itself rather than as Markdown."""
    return "".join("\\" + c if c in MARKDOWN_INLINE else c for c in text)


def schedule(
    plan: Plan,
    days: int,
    patient: str | None = None,
    lang: str = ENGLISH,
    made: Stamp | None = None,
) -> str:
    """The whole plan as a Markdown document, ending with the stamp when one is given."""
    columns = [tr(COLUMNS[key], lang) for key in ("date", "day", "happens", "do", "avoid")]
    out = [
        f"# {schedule_title(plan.protocol, lang)}",
        "",
        *([] if patient is None else [f"- {_escape(patient_line(patient, lang))}"]),
        f"- {procedure_date_line(plan, lang)}",
        *([] if plan.follow_up is None else [f"- **{_escape(visit_text(plan, lang))}**"]),
        f"- {protocol_line(plan.protocol, lang)}",
        "",
        *(f"> {text}" for text in notices(plan.protocol, lang)),
        "",
        f"## {days_heading(days, capitals=False, lang=lang)}",
        "",
        "| " + " | ".join(columns) + " |",
        "| --- | ---: | --- | --- | --- |",
    ]
    for n in range(days):
        day = plan.day(n)
        cells = [
            table_date(day.date, lang),
            str(n),
            "; ".join(milestone_text(plan, m, lang) for m in day.milestones),
            "; ".join(c.item.label.get(lang) for c in day.care),
            "; ".join(avoid_label(w, lang) for w in day.avoid),
        ]
        out.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    ordered = order_texts(plan, lang)
    if ordered:
        out += ["", f"## {tr(ORDERS_HEADING, lang)}", ""]
        out += [f"- {_escape(t)}" for t in ordered]
    out += ["", f"## {tr(HEADINGS['restrictions'], lang)}", ""]
    for act in plan.protocol.activities:
        windows = plan.windows_of(act)
        if not windows:
            continue
        out.append(f"### {_cell(act.name.get(lang))}")
        out.append("")
        out += [f"- {limit_span(plan, w, lang)}: {w.limit.text.get(lang)}" for w in windows]
        verdict = plan.verdict(act, windows[0].start_day)
        allowed = allowed_from_text(plan, verdict, lang)
        out.append(f"- **{tr(LABELS['allowed_from'], lang)}** {allowed}")
        out += [f"- **{tr(LABELS['caution'], lang)}** {c.text.get(lang)}" for c in act.cautions]
        out.append("")
    out += [f"## {tr(HEADINGS['care'], lang)}", ""]
    for item in plan.care:
        span = day_range(item.start_day, item.end_day, lang)
        out.append(f"- {span}: {item.item.text.get(lang)}")
    out += [f"- **{g.title.get(lang)}:** {g.text.get(lang)}" for g in plan.protocol.guidance]
    out += ["", f"## {tr(HEADINGS['signs'], lang)}", ""]
    for tier in Tier:
        out.append(f"**{tier_heading(plan.protocol, tier, lang)}**")
        out.append("")
        out += [f"- {s.text.get(lang)}" for s in plan.protocol.warning_signs if s.tier is tier]
        out.append("")
    if made is not None:
        out += ["---", "", f"<small>{_escape(stamp_line(made, plan.protocol, lang))}</small>", ""]
    return "\n".join(out)
