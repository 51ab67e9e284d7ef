"""The formats vplan writes and the paper it prints on: one table, from which every choice follows.

``FORMATS`` holds one ``OutputFormat`` per format: its name (the value of ``--format``), the
endings of its file names, its medium, what "Wrote FILE (...)" and the chart note call it,
the commands that write it, its media type (as a browser is sent it) and its renderer,
named as ``module:function`` and imported only when a file in that format is made. The
``--format`` choices, their help texts, what a file name's ending asks for and every
question of the kind "is this a calendar?" are answered from the table, so adding a format
is one renderer and one row (see ``register``).

This module stays light (no renderer, no plan): the command line reads it at start-up.
"""

from __future__ import annotations

from enum import Enum, StrEnum
from typing import TYPE_CHECKING, NamedTuple

from vplan.errors import InputError

if TYPE_CHECKING:
    from pathlib import Path


class Paper(StrEnum):
    """Paper sizes a clinic prints on."""

    LETTER = "letter"
    A4 = "a4"


class Medium(Enum):
    """What a file is to the patient or the clinic, which decides what a format needs and says."""

    PAPER = "paper"  # printed: laid out on a paper size, in normal or large print, with pages
    PHONE = "phone"  # the patient's phone calendar
    FILE = "file"  # a schedule as a file: text, Markdown, JSON
    RECORD = "record"  # for the clinic's record system: the printed handout and its chart note
    # in one file, which names the patient by the MRN only (and is refused without one)


class Command(StrEnum):
    """The commands that write a patient's file, each with the formats it offers."""

    SCHEDULE = "schedule"
    HANDOUT = "handout"
    TEACH_BACK = "teach-back"


HANDOUT_NOTE = "Discharge instructions given"
CALENDAR_NOTE = "Recovery calendar for the patient's phone given"
TEACH_BACK_NOTE = "Teach-back page printed for the nurse"


# What "Wrote FILE (...)" says of a file, by medium: {label} is the format's label, {paper}
# the paper size, {large_print} ", large print" or nothing, {last_day} a schedule's last day.
WROTE = {
    "paper": "{label}, {paper}{large_print}",
    "phone": "phone calendar",
    "file": "{label}, days 0 to {last_day}",
    "record": "{label} with the PDF, {paper}{large_print}, and the chart note",
}


class OutputFormat(NamedTuple):
    """One format vplan writes: one row of ``FORMATS``."""

    name: str  # the value of --format, and the journal's "format"
    endings: tuple[str, ...]  # file names in it end so (lower case); the first is the one to use
    medium: Medium
    label: str  # how the nurse's messages name it: "PDF"
    note: str  # how its chart note starts: what was given
    renderer: str  # "module:function", a function of (``documents.Subject``, stamp) to bytes
    commands: frozenset[Command]
    wrote: str = ""  # what "Wrote FILE (...)" says (see WROTE); empty: its medium's wording
    media: str = "application/octet-stream"  # its media type, as a browser is sent the file

    @property
    def paged(self) -> bool:
        """Whether the format is laid out on a paper size, in normal or large print.

        A file for the record system is: it holds the printed handout.
        """
        return self.medium in (Medium.PAPER, Medium.RECORD)

    @property
    def needs_mrn(self) -> bool:
        """Whether the file names the patient by the MRN, and so is refused without one."""
        return self.medium is Medium.RECORD

    @property
    def calendar(self) -> bool:
        """Whether the format is the patient's phone calendar."""
        return self.medium is Medium.PHONE

    @property
    def shown_as_text(self) -> bool:
        """Whether the format is text to show on a screen (else its bytes are written as is)."""
        return self.medium is Medium.FILE

    @property
    def ending(self) -> str:
        """The ending to give a file in this format (``.pdf``)."""
        return self.endings[0]

    def describe(self, paper: Paper | None, large_print: bool, days: int) -> str:
        """What was written, as "Wrote FILE (...)" says: ``PDF, letter, large print``."""
        return (self.wrote or WROTE[self.medium.value]).format(
            label=self.label,
            paper="" if paper is None else paper.value,
            large_print=", large print" if large_print else "",
            last_day=days - 1,
        )


def _row(
    name: str, endings: tuple[str, ...], medium: Medium, label: str, media: str, renderer: str,
    *commands: Command,
) -> OutputFormat:  # fmt: skip
    note = CALENDAR_NOTE if medium is Medium.PHONE else HANDOUT_NOTE
    if Command.TEACH_BACK in commands:
        note = TEACH_BACK_NOTE
    wrote = "teach-back page, {paper}" if note is TEACH_BACK_NOTE else ""
    return OutputFormat(
        name, endings, medium, label, note, renderer, frozenset(commands), wrote, media=media
    )


_DOCUMENTS = "vplan.documents"
_UTF8 = "; charset=utf-8"
# Every format vplan writes, in the order ``--format`` lists them.
FORMATS: dict[str, OutputFormat] = {
    row.name: row
    for row in (
        _row("text", (".txt", ".text"), Medium.FILE, "text", f"text/plain{_UTF8}",
             f"{_DOCUMENTS}:text_file", Command.SCHEDULE),
        _row("json", (".json",), Medium.FILE, "JSON", "application/json",
             f"{_DOCUMENTS}:json_file", Command.SCHEDULE),
        _row("markdown", (".md", ".markdown"), Medium.FILE, "Markdown", f"text/markdown{_UTF8}",
             f"{_DOCUMENTS}:markdown_file", Command.SCHEDULE),
        _row("pdf", (".pdf",), Medium.PAPER, "PDF", "application/pdf", f"{_DOCUMENTS}:pdf_file",
             Command.HANDOUT),
        _row("html", (".html", ".htm"), Medium.PAPER, "HTML", f"text/html{_UTF8}",
             f"{_DOCUMENTS}:html_file", Command.HANDOUT),
        _row("ics", (".ics",), Medium.PHONE, "ICS", f"text/calendar{_UTF8}",
             f"{_DOCUMENTS}:ics_file", Command.SCHEDULE, Command.HANDOUT),
        # For the clinic's record system (by the MRN): the PDF and the chart note in one file.
        _row("fhir", (".fhir.json",), Medium.RECORD, "FHIR R4 Bundle", "application/fhir+json",
             "vplan.render.fhir:fhir_file", Command.HANDOUT),
        _row("hl7", (".hl7",), Medium.RECORD, "HL7 v2 MDM^T02 message", "application/hl7-v2",
             "vplan.render.hl7:hl7_file", Command.HANDOUT),
        # The nurse's page of the teach-back: its questions and answers, boxes to tick.
        _row("teach-back-page", (".pdf",), Medium.PAPER, "teach-back page", "application/pdf",
             "vplan.render.teach_pdf:teach_back_file", Command.TEACH_BACK),
    )
}  # fmt: skip
PDF = FORMATS["pdf"]  # the format of a printed handout, and of a batch's combined file
TEXT = FORMATS["text"]  # the schedule's format when none is asked for: on a screen, its width


def register(row: OutputFormat) -> None:
    """Add a format to the table (a module that brings a format calls this when it loads)."""
    FORMATS[row.name] = row


def offered(command: Command) -> list[OutputFormat]:
    """The formats a command writes, in the table's order."""
    return [row for row in FORMATS.values() if command in row.commands]


def by_name(name: str) -> OutputFormat:
    """The format of this name (a ``--format`` choice, or the journal's "format")."""
    return FORMATS[name]


def known(name: str) -> OutputFormat | None:
    """The format of this name, if vplan has it (a journal may name one it no longer has)."""
    return FORMATS.get(name)


def by_ending(file_name: str, command: Command | None = None) -> OutputFormat | None:
    """The format a file name ends in (the longest ending that matches), among a command's."""
    lowered = file_name.lower()
    found = [
        (len(ending), row)
        for row in FORMATS.values()
        if command is None or command in row.commands
        for ending in row.endings
        if lowered.endswith(ending) and len(lowered) > len(ending)
    ]
    return max(found, key=lambda pair: pair[0])[1] if found else None


def endings(command: Command) -> list[str]:
    """The first ending of each format a command writes: ``.pdf``, ``.html``, ``.ics``."""
    return [row.ending for row in offered(command)]


def _names(command: Command) -> dict[str, str]:
    return {row.name.upper(): row.name for row in offered(command)}


# The choices of each command's ``--format``, one per format of the table it writes (mypy
# cannot list them: it sees an enum built from the table).
DocumentFormat = StrEnum("DocumentFormat", _names(Command.HANDOUT))  # type: ignore[misc]
ScheduleFormat = StrEnum("ScheduleFormat", _names(Command.SCHEDULE))  # type: ignore[misc]


class AnswerFormat(StrEnum):
    """Output formats of the commands that answer a question or report on the rules."""

    TEXT = "text"
    JSON = "json"


def format_for(
    asked: str | None, output: Path | None, command: Command, default: str | None = None
) -> OutputFormat:
    """The format ``--format`` names, else the one the output file's name ends in, else ``default``.

    A name whose ending is another format's than ``--format``'s is refused, whichever
    command writes that format; without ``--format``, so is one whose ending is another
    command's ("plan.pdf" for the schedule), and without a ``default``, one whose ending
    names none of the command's formats.
    """
    found = None if output is None else by_ending(output.name, command)
    elsewhere = None if output is None else by_ending(output.name)
    foreign = elsewhere is not None and command not in elsewhere.commands
    if asked is None and output is not None and elsewhere is not None and foreign:
        # 'plan.pdf' from the schedule would be text in a file named as a PDF.
        makers = " or ".join(f"'vplan {c.value}'" for c in sorted(elsewhere.commands))
        raise InputError(
            f"'{output.name}' ends in {found_ending(output.name, elsewhere)}: {makers} makes "
            f"that file, 'vplan {command.value}' does not; end the file name in "
            f"{' or '.join(sorted(endings(command)))}"
        )
    if asked is not None:
        row = by_name(str(asked))
        named = elsewhere  # the format its longest ending names, if any (whichever command)
        if output is not None and named is not None and named is not row:
            ending = found_ending(output.name, named)
            if ending.lower() not in row.endings:  # the teach-back page and the handout: .pdf
                raise InputError(
                    f"'{output.name}' ends in {ending} but --format is {row.name}; name the "
                    f"file {row.ending}, or leave out --format"
                )
        return row
    if found is not None:
        return found
    if default is None:
        name = "" if output is None else output.name
        raise InputError(
            f"cannot tell the format of '{name}'; end the file name in "
            f"{' or '.join(sorted(endings(command)))}, or give --format"
        )
    return by_name(default)


def found_ending(file_name: str, row: OutputFormat) -> str:
    """The ending of ``row`` that ``file_name`` ends in, as written there (``.PDF``)."""
    ending = max((e for e in row.endings if file_name.lower().endswith(e)), key=len)
    return file_name[-len(ending) :]


def format_help(command: Command) -> str:
    """``pdf, html or ics (the phone calendar)``: a command's formats, as its help lists them."""
    names = [
        row.name + (" (the phone calendar)" if row.calendar else "") for row in offered(command)
    ]
    return ", ".join(names[:-1]) + f" or {names[-1]}" if len(names) > 1 else names[0]


def file_names(command: Command, stem: str = "NAME", last: str = "or") -> str:
    """``NAME.pdf, NAME.html or NAME.ics``: the files a command writes, as help lists them."""
    names = [stem + ending for ending in endings(command)]
    return ", ".join(names[:-1]) + f" {last} {names[-1]}" if len(names) > 1 else names[0]


def choices(options: type[StrEnum], last: str = "or") -> str:
    """``letter or a4``: the values of an option, as its help text lists them."""
    values = [str(option.value) for option in options]
    return ", ".join(values[:-1]) + f" {last} {values[-1]}" if len(values) > 1 else values[0]
