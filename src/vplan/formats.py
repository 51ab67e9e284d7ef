"""The formats vplan writes and the paper it prints on: the choices of ``--format`` and ``--paper``.

Each choice is named here once; the command line builds its options from these at start-up,
so this module stays light (no renderer, no plan).
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from vplan.errors import InputError

if TYPE_CHECKING:
    from pathlib import Path


class Paper(StrEnum):
    """Paper sizes a clinic prints on."""

    LETTER = "letter"
    A4 = "a4"


class DocumentFormat(StrEnum):
    """Formats of a patient's handout file."""

    PDF = "pdf"
    HTML = "html"
    ICS = "ics"
    FHIR = "fhir"  # a FHIR R4 Bundle holding the PDF and the chart note, NAME.fhir.json
    HL7 = "hl7"  # an HL7 v2 MDM^T02 message holding the PDF and the chart note


EXPORTS = (DocumentFormat.FHIR, DocumentFormat.HL7)  # files for the record system, by MRN


class ScheduleFormat(StrEnum):
    """Output formats of ``schedule``."""

    TEXT = "text"
    JSON = "json"
    MARKDOWN = "markdown"
    ICS = "ics"


class AnswerFormat(StrEnum):
    """Output formats of the commands that answer a question or report on the rules."""

    TEXT = "text"
    JSON = "json"


SCHEDULE_SUFFIXES = {
    ".txt": ScheduleFormat.TEXT,
    ".text": ScheduleFormat.TEXT,
    ".md": ScheduleFormat.MARKDOWN,
    ".markdown": ScheduleFormat.MARKDOWN,
    ".json": ScheduleFormat.JSON,
    ".ics": ScheduleFormat.ICS,
}


def schedule_format(asked: ScheduleFormat | None, output: Path | None) -> ScheduleFormat:
    """The format ``--format`` names, else the one the output file's name ends in, else text."""
    if output is None:
        return asked or ScheduleFormat.TEXT
    found = SCHEDULE_SUFFIXES.get(output.suffix.lower())
    if asked is not None and found is not None and found is not asked:
        suffix = next(suffix for suffix, known in SCHEDULE_SUFFIXES.items() if known is asked)
        raise InputError(
            f"{output.name!r} ends in {output.suffix} but --format is {asked.value}; "
            f"name the file {suffix}, or leave out --format"
        )
    return asked or found or ScheduleFormat.TEXT


def choices(options: type[StrEnum], last: str = "or") -> str:
    """``letter or a4``: the values of an option, as its help text lists them."""
    values = [str(option.value) for option in options]
    return ", ".join(values[:-1]) + f" {last} {values[-1]}" if len(values) > 1 else values[0]
