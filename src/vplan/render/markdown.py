"""The schedule as Markdown, for notes and records."""

from __future__ import annotations

from vplan.model import Tier
from vplan.plan import Plan
from vplan.words import (
    allowed_from_text,
    avoid_label,
    day_and_date,
    limit_span,
    long_date,
    milestone_text,
    patient_line,
    protocol_line,
    tier_heading,
)

# The characters that start inline Markdown (emphasis, code, links, HTML, entities).
MARKDOWN_INLINE = frozenset("\\`*_[]<>~&|")


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _escape(text: str) -> str:
    """Text typed on the command line, shown as itself rather than as Markdown."""
    return "".join("\\" + c if c in MARKDOWN_INLINE else c for c in text)


def schedule(plan: Plan, days: int, patient: str | None = None) -> str:
    """The whole plan as a Markdown document."""
    info = plan.protocol.info
    out = [
        f"# Recovery plan after {info.procedure.get()}",
        "",
        *([] if patient is None else [f"- {_escape(patient_line(patient))}"]),
        f"- Procedure date: {day_and_date(plan, 0)}",
        f"- {protocol_line(plan.protocol)}",
        "",
        f"> {info.notice.get()}",
        "",
        f"## Day by day (day 0 to {days - 1})",
        "",
        "| Date | Day | What happens | Do | Avoid |",
        "| --- | ---: | --- | --- | --- |",
    ]
    for n in range(days):
        day = plan.day(n)
        cells = [
            long_date(day.date),
            str(n),
            "; ".join(milestone_text(plan, m) for m in day.milestones),
            "; ".join(c.item.label.get() for c in day.care),
            "; ".join(avoid_label(w) for w in day.avoid),
        ]
        out.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    out += ["", "## Activities to avoid, and when they are allowed again", ""]
    for act in plan.protocol.activities:
        windows = plan.windows_of(act)
        if not windows:
            continue
        out.append(f"### {_cell(act.name.get())}")
        out.append("")
        out += [f"- {limit_span(plan, w)}: {w.limit.text.get()}" for w in windows]
        verdict = plan.verdict(act, windows[0].start_day)
        out.append(f"- **Allowed from:** {allowed_from_text(plan, verdict)}")
        out += [f"- **Caution:** {c.text.get()}" for c in act.cautions]
        out.append("")
    out += ["## What to do", ""]
    for item in plan.care:
        end = "" if item.end_day is None else f" to {item.end_day - 1}"
        out.append(f"- Day {item.start_day}{end}: {item.item.text.get()}")
    out += ["", "## Warning signs", ""]
    for tier in Tier:
        out.append(f"**{tier_heading(plan.protocol, tier)}**")
        out.append("")
        out += [f"- {s.text.get()}" for s in plan.protocol.warning_signs if s.tier is tier]
        out.append("")
    return "\n".join(out)
