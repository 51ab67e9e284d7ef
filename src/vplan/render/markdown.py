"""The schedule as Markdown, for notes and records."""

from __future__ import annotations

from typing import TYPE_CHECKING

from vplan.schedule import avoid_list
from vplan.words.common import LABELS, ORDERS_HEADING, sentences
from vplan.words.nurse import COLUMNS, HEADINGS, NurseWords

if TYPE_CHECKING:
    from vplan.schedule import Schedule

# The characters that start inline Markdown (emphasis, code, links, HTML, entities).
MARKDOWN_INLINE = frozenset("\\`*_[]<>~&|")


def _cell(text: str) -> str:
    """A table cell's text shown as itself: a typed place with ``<b>`` or ``*`` is not markup."""
    return _escape(text).replace("\n", " ")


def _escape(text: str) -> str:
    """Text typed on the command line, shown as itself rather than as Markdown."""
    return "".join("\\" + c if c in MARKDOWN_INLINE else c for c in text)


def schedule(view: Schedule) -> str:
    """The whole plan as a Markdown document, ending with the stamp when one is given."""
    words = NurseWords(view.lang)
    head = view.header
    columns = [words.tr(COLUMNS[key]) for key in ("date", "day", "happens", "do", "limits")]
    out = [
        f"# {head.title}",
        "",
        *([] if head.patient is None else [f"- {_escape(head.patient)}"]),
        f"- {head.procedure}",
        *([] if head.visit is None else [f"- **{_escape(head.visit)}**"]),
        f"- {head.protocol}",
        "",
        *(f"> {text}" for text in head.notices),
        "",
        f"## {view.days_heading}",
        "",
        "| " + " | ".join(columns) + " |",
        "| --- | ---: | --- | --- | --- |",
    ]
    for day in view.days:
        cells = [
            day.date_text,
            str(day.day),
            sentences(day.milestones),
            sentences(day.do),
            " ".join(
                [
                    *(
                        [f"{words.tr(LABELS['with_care'])} {' '.join(c.named for c in careful)}"]
                        if (careful := day.careful)
                        else []
                    ),
                    *(
                        [f"{words.tr(LABELS['avoid'])} {_closed(avoided)}"]
                        if (avoided := avoid_list(day, words))
                        else []
                    ),
                    *(
                        [f"{words.tr(LABELS['ask'])} {sentences(asked)}"]
                        if (asked := [a.text for a in day.avoid if a.ask])
                        else []
                    ),
                ]
            ),
        ]
        out.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    if view.orders:
        out += ["", f"## {words.tr(ORDERS_HEADING)}", ""]
        out += [f"- {_escape(t)}" for t in view.orders]
    out += ["", f"## {words.tr(HEADINGS['restrictions'])}", ""]
    for item in view.restrictions:
        out.append(f"### {_cell(item.name)}")
        out.append("")
        out += [f"- {limit.span}: {_escape(limit.text)}" for limit in item.limits]
        out += [f"- **{words.tr(LABELS['caution'])}** {_escape(c)}" for c in item.cautions]
        if item.when_label:
            out.append(f"- **{words.tr(LABELS[item.when_label])}** {item.allowed_from_text}")
        else:  # a sentence of its own
            out.append(f"- {item.allowed_from_text}.")
        if item.then is not None:
            out.append(f"- **{words.tr(LABELS['then'])}** {_escape(item.then)}")
        if item.advice:
            out.append(f"- **{words.tr(LABELS['tip'])}** {_escape(item.advice)}")
        out.append("")
    out += [f"## {words.tr(HEADINGS['care'])}", ""]
    out += [f"- {item.span}: {_escape(item.text)}" for item in view.care]
    out += [f"- {_escape(advice.title)}: {_escape(advice.text)}" for advice in view.advice]
    out += [f"- **{_escape(g.title)}:** {_escape(g.text)}" for g in view.guidance]
    out += ["", f"## {words.tr(HEADINGS['signs'])}", ""]
    for tier in view.signs:
        out.append(f"**{tier.heading}**")
        out.append("")
        out += [f"- {_escape(sign.text)}" for sign in tier.signs]
        out.append("")
    if view.stamp_text is not None:
        out += ["---", "", f"<small>{_escape(view.stamp_text)}</small>", ""]
    return "\n".join(out)


def _closed(text: str) -> str:
    """``text`` ending in a full stop, so that the next label starts a new sentence."""
    return text if text.endswith(".") else f"{text}."
