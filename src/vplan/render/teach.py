"""The teach-back on the terminal: each question, and the answer the patient's plan expects."""

from __future__ import annotations

from typing import TYPE_CHECKING

from vplan.render.lines import Line, Style, wrap

if TYPE_CHECKING:
    from vplan.teachback import TeachBack


def teach_back(view: TeachBack) -> list[Line]:
    """The title, the day the answers hold for, what to do, then the numbered questions."""
    lines = [
        *wrap(view.title, style=Style.TITLE),
        *wrap(view.day_line),
        *wrap(view.how, style=Style.MUTED),
    ]
    for question in view.questions:
        lines.append(Line(""))
        lines += wrap(f"{question.number}. {question.text}", hang="   ", style=Style.TITLE)
        lines += wrap(f"{view.expected} {question.answer}", indent="   ", hang="  ")
    return lines
