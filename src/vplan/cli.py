"""The vplan command line: options in, one plan built, one renderer, output out.

Errors are caught in one place, ``main``, and end as one line on stderr with a
documented exit code.
"""

# No ``from __future__ import annotations`` here: typer reads the annotations of every
# command at each start, and objects are read faster than strings are evaluated. Names
# imported only for type checking are written in quotes instead.
import json
import os
import shlex
import sys
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn, cast

import typer

from vplan import __version__
from vplan.columns import COLUMNS
from vplan.errors import (
    EXIT_BAD_INPUT,
    EXIT_CHANGED,
    EXIT_NOT_ALLOWED,
    EXIT_NOT_RECORDED,
    EXIT_OK,
    EXIT_OUTPUT,
    EXIT_SOME_REFUSED,
    EXIT_WARNINGS,
    InputError,
    OutputError,
    RulesError,
    VplanError,
)
from vplan.formats import AnswerFormat, DocumentFormat, Paper, ScheduleFormat, choices
from vplan.i18n import ENGLISH, LANGUAGES, NAMES, Language
from vplan.parse import DATE_ORDERS, MAX_SPAN_DAYS, DateOrder

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from rich.progress import Progress
    from typer._click import Context  # typer's own copy of click, which the group extends

    from vplan import batch, teachback
    from vplan.combined import Combined
    from vplan.handout import Layout
    from vplan.model import Activity, Protocol
    from vplan.plan import Plan
    from vplan.record import Written
    from vplan.render.lines import Line
    from vplan.stamp import Stamp

EXIT_CODES_HELP = (
    "Exit codes: 0 success (for check: ALLOWED); 1 check: not a plain yes, rules lint: warnings, "
    "rules diff: the protocols differ; 2 bad input (usage, date, amount, unknown activity); "
    "3 a bad rules file or orders file; 4 the output file cannot be written; "
    "5 handout --batch: some rows were refused; 6 record verify: the file is not in the journal; "
    "7 the journal's chain is broken."
)
MAX_DAYS = 730


# The orders of a day's list's dates, one per order the parser reads.
DateFormat = StrEnum("DateFormat", {order.upper(): order for order in DATE_ORDERS})  # type: ignore[misc]
ISO_DATES = DateFormat("iso")
ENGLISH_CHOICE = Language(ENGLISH)
_LANGUAGE_CHOICES = " or ".join(f"{code} ({NAMES[code]})" for code in LANGUAGES)
LangOption = Annotated[
    Language,
    typer.Option(
        "--lang",
        help=f"Language of the patient texts: {_LANGUAGE_CHOICES}. Every text of the rules must "
        "have it; none is shown in English instead.",
    ),
]
RulesOption = Annotated[
    Path | None,
    typer.Option(
        "--rules",
        help="Rules file to use. Default: $VPLAN_RULES, else the protocol bundled with vplan.",
    ),
]


RulesFileArgument = Annotated[
    Path | None,
    typer.Argument(help="Rules file. Default: $VPLAN_RULES, else the bundled protocol."),
]


def _file_to_write(text: str) -> Path:
    """A file name to write, as typed: a folder (``out/``) or ``-`` is no file name."""
    if text == "-":
        raise typer.BadParameter(
            "'-' is not a file name here; leave out the option to show the output on the "
            "screen, or give a file name"
        )
    if text.endswith(("/", os.sep)) or text in ("", ".", ".."):
        folder = text if text.endswith(("/", os.sep)) else ""
        raise typer.BadParameter(
            f"'{text}' names a folder; give a file name, such as {folder}ann.pdf"
        )
    return Path(text)


OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        parser=_file_to_write,
        metavar="<path>",
        help="Write to this file (atomically) instead of the screen.",
    ),
]
ForceOption = Annotated[bool, typer.Option("--force", help="Replace an existing output file.")]
ProcedureOption = Annotated[
    str | None,
    typer.Option(
        "--procedure",
        metavar="NAME",
        help="The procedure, as the rules name it (such as kyphoplasty). "
        "Default: the rules' main procedure (vertebroplasty).",
    ),
]


OrdersOption = Annotated[
    Path | None,
    typer.Option(
        "--orders",
        metavar="FILE",
        help="The care team's orders for this patient (YAML): limits that replace the "
        "protocol's, dated items and notes. Checked like the rules; exit 3 if wrong.",
    ),
]
FollowUpOption = Annotated[
    str | None,
    typer.Option(
        "--follow-up",
        metavar="DATETIME",
        help="The booked follow-up visit: '2025-03-10 14:30', '2025-03-10 2:30 PM', "
        "2025-03-10T14:30 or a date alone. "
        "Replaces the protocol's 'follow-up due'.",
    ),
]
FollowUpPlaceOption = Annotated[
    str | None,
    typer.Option("--follow-up-place", metavar="TEXT", help="Where the follow-up visit is."),
]
RecordOption = Annotated[
    Path | None,
    typer.Option(
        "--record",
        envvar="VPLAN_RECORD",
        metavar="JOURNAL",
        help="Add a line to this journal for each file written (default: $VPLAN_RECORD). "
        "Needs the clinic's key: $VPLAN_RECORD_KEY or $VPLAN_RECORD_KEY_FILE.",
    ),
]
JournalOption = Annotated[
    Path,
    typer.Option(
        "--record",
        envvar="VPLAN_RECORD",
        metavar="JOURNAL",
        help="The journal file (default: $VPLAN_RECORD).",
    ),
]


AnswerFormatOption = Annotated[
    AnswerFormat,
    typer.Option("--format", "-f", help=f"Output format: {choices(AnswerFormat)}."),
]


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"vplan {__version__}\n")
        raise typer.Exit(EXIT_OK)


class _PipeClosed(Exception):
    """The reader of stdout went away, such as ``head`` in ``vplan rules show | head -1``."""


class _Group(typer.core.TyperGroup):
    """The command group, passing a closed pipe to ``main`` instead of to typer (which exits 1)."""

    def invoke(self, ctx: "Context") -> object:
        """Run the command; a closed stdout pipe becomes ``_PipeClosed``."""
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            raise _PipeClosed from None


app = typer.Typer(
    cls=_Group,
    name="vplan",
    help="Recovery planner for patients after vertebroplasty. ",
    epilog=EXIT_CODES_HELP,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
rules_app = typer.Typer(
    help="Start, check, lint, compare and show the rules file (the clinic's protocol). ",
    epilog=EXIT_CODES_HELP,
    no_args_is_help=True,
)
app.add_typer(rules_app, name="rules")
record_app = typer.Typer(
    help="The journal of the files given to patients: verify a file, check the journal, "
    "make a key. ",
    epilog=EXIT_CODES_HELP,
    no_args_is_help=True,
)
app.add_typer(record_app, name="record")


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Recovery planner for patients after vertebroplasty."""


def _load(
    rules: Path | None, procedure: str | None = None, lang: Language | None = None
) -> "Protocol":
    """The protocol of the procedure; in a language other than English, only if all of it is."""
    from vplan.rules import load_from

    protocol = load_from(rules, os.environ, procedure)
    if lang is not None and lang is not ENGLISH_CHOICE:
        from vplan.i18n import require

        require(protocol, lang.value)
    return protocol


def _today() -> date:
    from vplan.clock import today

    return today(os.environ)


def _procedure_date(text: str) -> date:
    from vplan.parse import parse_date

    return parse_date(text, today=_today(), name="procedure date")


def _now() -> datetime:
    """When outputs are made: $SOURCE_DATE_EPOCH, else now."""
    from vplan.clock import now

    return now(os.environ)


class _Journal:
    """The journal that files are recorded in, with the clinic's key (read before any write)."""

    def __init__(self, path: Path) -> None:
        from vplan.journal import check_last, read_key
        from vplan.record import key_id

        self.path = path
        self.key = read_key(os.environ)
        self.key_id = key_id(self.key)
        check_last(path, self.key)  # a journal that cannot be added to stops us before a write

    def add(
        self,
        procedure_date: date,
        made: "Stamp",
        written: "Written",
        patient: str | None,
        made_at: datetime,
        file: Path | None,
        follow_up: datetime | date | None = None,
    ) -> None:
        """Append the entry of ``file``, just written; the patient and the file only as HMACs.

        ``made_at`` is the time the file was made at (its stamp, its calendar's DTSTAMP);
        ``follow_up`` the booked visit the file names, as its chart note does.
        When the entry cannot be added, the file is removed: nothing is given unrecorded
        (``file`` None: a handout made for the combined PDF only, not written as a file).
        """
        from vplan.clock import calendar_stamp
        from vplan.journal import append, file_mac
        from vplan.record import entry, patient_id

        fields = entry(
            procedure_date, made, written, when=datetime.now(UTC),
            made_at=calendar_stamp(made_at),
            patient=None if patient is None else patient_id(self.key, patient),
            file_hmac=file_mac(self.key, written.file_sha256), key=self.key_id,
            follow_up=follow_up,
        )  # fmt: skip
        from vplan.output import held_stops

        with held_stops():  # a stop comes after the file is recorded, or removed
            try:
                append(self.path, self.key, fields)
            except OutputError as exc:
                if file is None:
                    raise
                file.unlink(missing_ok=True)
                raise OutputError(f"{exc}; {file} was removed, as it is not recorded") from None

    def add_combined(self, file: Path, done: "Combined", made_at: datetime) -> None:
        """Append the entry of a batch's combined PDF, just written; remove it if that fails."""
        from vplan import __version__
        from vplan.clock import calendar_stamp
        from vplan.journal import append, file_mac
        from vplan.record import combined_entry

        fields = combined_entry(
            when=datetime.now(UTC), made_at=calendar_stamp(made_at), vplan=__version__,
            handouts=done.handouts, pages=done.pages,
            file_hmac=file_mac(self.key, done.sha256), key=self.key_id,
        )  # fmt: skip
        try:
            append(self.path, self.key, fields)
        except OutputError as exc:
            file.unlink(missing_ok=True)
            raise OutputError(f"{exc}; {file} was removed, as it is not recorded") from None

    def check_apart(self, *outputs: Path) -> None:
        """Refuse a journal that is also one of the files to write."""
        for output in outputs:
            if _same_file(output, self.path):
                raise InputError(
                    f"--record {self.path} is also a file to write or read; give the journal "
                    "a name of its own"
                )


def _same_file(one: Path, other: Path) -> bool:
    """Whether two paths name one file (or would, once it is made)."""
    try:
        return one.resolve() == other.resolve() or one.samefile(other)
    except OSError:
        return False


def _journal(path: Path | None) -> _Journal | None:
    return None if path is None else _Journal(path)


def _wrote(target: object, what: str, journal: _Journal | None = None, then: str = "") -> None:
    """Tell the nurse what was written, as every command does: "Wrote FILE (what)."."""
    from vplan.chars import escaped

    recorded = f"; recorded in {journal.path}" if journal is not None else ""
    line = escaped(f"Wrote {target} ({what}){recorded}.")  # a file name may hold anything
    sys.stdout.write(line + "\n" + (f"Next: {then}\n" if then else ""))


def _dump(data: object) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


@app.command()
def schedule(
    procedure_date: Annotated[str, typer.Argument(help="Procedure date: YYYY-MM-DD or 'today'.")],
    days: Annotated[
        int | None,
        typer.Option(
            "--days",
            min=1,
            max=MAX_DAYS,
            help="Days to show. Default: 90, or more to reach the day the last dated limit ends. "
            "The ics calendar always covers the whole plan.",
        ),
    ] = None,
    asked: Annotated[
        ScheduleFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="Output format; ics is a calendar file for the patient's phone. Default: text, "
            "or what the --output file's name ends in (.txt, .md, .json, .ics).",
        ),
    ] = None,
    output: OutputOption = None,
    force: ForceOption = False,
    patient: Annotated[
        str | None,
        typer.Option(
            "--patient",
            metavar="NAME",
            help="The patient's name, shown in the header (ics: in the calendar's name). "
            "Without it, no name is written.",
        ),
    ] = None,
    follow_up: FollowUpOption = None,
    follow_up_place: FollowUpPlaceOption = None,
    orders: OrdersOption = None,
    lang: LangOption = ENGLISH_CHOICE,
    rules: RulesOption = None,
    procedure: ProcedureOption = None,
    record: RecordOption = None,
) -> None:
    """The day-by-day recovery calendar, the restrictions and the warning signs."""
    from vplan.formats import schedule_format
    from vplan.parse import parse_name
    from vplan.patient import follow_up_visit, patient_plan
    from vplan.stamp import make_stamp

    fmt = schedule_format(asked, output)
    start = _procedure_date(procedure_date)
    name = None if patient is None else parse_name(patient)
    if output is None:
        if record is not None and os.environ.get("VPLAN_RECORD") != str(record):
            raise InputError(
                "--record keeps a record of a file written; add --output FILE, or leave out "
                "--record (what is shown on the screen is not recorded)"
            )
        record = None  # $VPLAN_RECORD names the journal for files; the screen is not one
    journal = _journal(record)
    if journal is not None and output is not None:
        journal.check_apart(output)
    visit = follow_up_visit(follow_up, follow_up_place)
    plan = patient_plan(
        _load(rules, procedure, lang), start, orders=orders, follow_up=visit, lang=lang.value
    )
    shown = days if days is not None else max(90, plan.last_change_day + 1)
    code = lang.value
    moment = _now()
    made = make_stamp(plan.protocol, code, moment.date(), orders_sha256=_orders_digest(plan))
    data: str | bytes
    if fmt is ScheduleFormat.JSON:
        from vplan.render import structured
        from vplan.schedule import build_schedule

        data = _dump(structured.schedule(build_schedule(plan, shown, name, code, made)))
    elif fmt is ScheduleFormat.MARKDOWN:
        from vplan.render import markdown
        from vplan.schedule import build_schedule

        data = markdown.schedule(build_schedule(plan, shown, name, code, made))
    elif fmt is ScheduleFormat.ICS:
        from vplan.clock import calendar_stamp
        from vplan.render import ics

        data = ics.calendar(plan, name, stamp=calendar_stamp(moment), lang=code, made=made,
                            phone=plan.protocol.info.phone)  # fmt: skip
    else:
        from vplan.render import text
        from vplan.schedule import build_schedule

        if output is None:  # on a terminal, as wide as it is (down to 50 columns)
            from vplan.render.lines import at_width, terminal_width

            with at_width(terminal_width()):
                _emit_lines(
                    text.schedule(build_schedule(plan, shown, name, code, made)), None, force
                )
            return
        lines = text.schedule(build_schedule(plan, shown, name, code, made))
        from vplan.render.lines import plain

        data = plain(lines)
    if journal is not None and output is not None:
        from vplan.output import held_stops
        from vplan.record import Written, file_digest

        raw = data.encode("utf-8") if isinstance(data, str) else data
        with held_stops():  # written and recorded, or neither
            _emit(data, output, force)
            journal.add(
                start, made, Written(fmt.value, file_digest(raw)), name, moment, output,
                follow_up=_visit_moment(plan),
            )  # fmt: skip
    else:
        _emit(data, output, force)
    if output is not None:
        what = {
            ScheduleFormat.JSON: "JSON",
            ScheduleFormat.MARKDOWN: "Markdown",
            ScheduleFormat.TEXT: "text",
        }
        span = (
            "phone calendar" if fmt is ScheduleFormat.ICS else f"{what[fmt]}, days 0 to {shown - 1}"
        )
        _wrote(output, span, journal)


@app.command(
    help="The printed handout for one patient, or one per row of a CSV list.",
    epilog=EXIT_CODES_HELP,
)
def handout(
    procedure_date: Annotated[
        str | None,
        typer.Argument(help="Procedure date: YYYY-MM-DD or 'today'. Not used with --batch."),
    ] = None,
    patient: Annotated[
        str | None, typer.Option("--patient", help="The patient's name, as it should print.")
    ] = None,
    clinic: Annotated[str | None, typer.Option("--clinic", help="The clinic's name.")] = None,
    phone: Annotated[
        str | None, typer.Option("--phone", help="The phone number the patient should call.")
    ] = None,
    doctor: Annotated[str | None, typer.Option("--doctor", help="The doctor's name.")] = None,
    levels: Annotated[
        str | None,
        typer.Option(
            "--levels",
            help='The treated vertebral levels, such as "T12, L1", shown under the procedure.',
        ),
    ] = None,
    follow_up: FollowUpOption = None,
    follow_up_place: FollowUpPlaceOption = None,
    orders: OrdersOption = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            parser=_file_to_write,
            metavar="<path>",
            help="The file to write: NAME.pdf, NAME.html, NAME.ics, or for the clinic's "
            "record system NAME.fhir.json (FHIR R4) or NAME.hl7 (HL7 v2), which need --mrn.",
        ),
    ] = None,
    fmt: Annotated[
        DocumentFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="pdf, html, ics (the phone calendar), fhir or hl7 (the PDF and the chart "
            "note for the record system). Default: from the file name's ending.",
        ),
    ] = None,
    mrn: Annotated[
        str | None,
        typer.Option(
            "--mrn",
            help="The patient's medical record number: a .fhir.json or .hl7 file names the "
            "patient by it, and needs it.",
        ),
    ] = None,
    encounter: Annotated[
        str | None,
        typer.Option("--encounter", help="The visit (encounter) number the documents belong to."),
    ] = None,
    taught: Annotated[
        str | None,
        typer.Option(
            "--taught",
            metavar="1,2,4",
            help="The teach-back questions answered (as 'vplan teach-back' numbers them "
            "today): the chart note adds the outcome.",
        ),
    ] = None,
    paper: Annotated[
        Paper, typer.Option("--paper", help=f"Paper size: {choices(Paper)}.")
    ] = Paper.LETTER,
    large_print: Annotated[
        bool,
        typer.Option("--large-print", help="18 pt type and wider line spacing, for older readers."),
    ] = False,
    batch: Annotated[
        Path | None,
        typer.Option(
            "--batch",
            help="A day's list, CSV or Excel workbook (.xlsx), with the columns "
            + ", ".join(c.name for c in COLUMNS if c.required)
            + " and optionally "
            + ", ".join(c.name for c in COLUMNS if not c.required)
            + ": one handout per row. Other columns are ignored.",
        ),
    ] = None,
    sheet: Annotated[
        str | None,
        typer.Option("--sheet", help="The workbook's sheet to read. Default: the first."),
    ] = None,
    date_format: Annotated[
        DateFormat,
        typer.Option(
            "--date-format",
            help="How the list writes dates such as 03/01/2025: mdy (month first) or dmy "
            "(day first). Default: iso, YYYY-MM-DD only.",
        ),
    ] = ISO_DATES,
    combined: Annotated[
        Path | None,
        typer.Option(
            "--combined",
            parser=_file_to_write,
            metavar="<path>",
            help="Also write every PDF handout of the batch into this one PDF, in the list's "
            "order, each starting on a new sheet, for one print run.",
        ),
    ] = None,
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out-dir",
            help="The folder for --batch handouts (made if it is new). Without it, --combined "
            "writes the combined PDF only.",
        ),
    ] = None,
    chart_notes: Annotated[
        Path | None,
        typer.Option(
            "--chart-notes",
            parser=_file_to_write,
            metavar="<path>",
            help="With --batch: also write each patient's chart note to this CSV file (line, "
            "name, the list's MRN when it has one, procedure date, file, chart note).",
        ),
    ] = None,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            "-j",
            min=1,
            max=64,
            help="Handouts written at once. Default: the number of processor cores.",
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace files that already exist.")
    ] = False,
    lang: LangOption = ENGLISH_CHOICE,
    rules: RulesOption = None,
    procedure: ProcedureOption = None,
    record: RecordOption = None,
) -> int:
    """The printed handout for one patient, or one per row of a CSV list."""
    from vplan.handout import Layout

    layout = Layout(paper, large_print)
    if batch is not None:
        per_patient = (patient, output, levels, follow_up, follow_up_place, orders, mrn)
        if encounter is not None or taught is not None:
            raise InputError("--encounter and --taught are for one patient; leave them out")
        if procedure_date is not None or any(v is not None for v in per_patient):
            raise InputError(
                "with --batch, the dates, names, file names, levels, visits and orders come "
                "from the CSV; leave out DATE, --patient, --output, --levels, --follow-up, "
                "--follow-up-place, --orders and --mrn"
            )
        if out_dir is None and combined is None:
            raise InputError(
                "--batch needs --out-dir DIR, the folder for the handouts, or --combined "
                "FILE.pdf for one PDF of them all"
            )
        return _batch(
            batch, out_dir, layout, fmt, force=force, jobs=jobs, rules=rules,
            procedure=procedure, lang=lang, details=(clinic, phone, doctor), record=record,
            reading=(sheet, date_format.value), combined=combined, chart_notes=chart_notes,
        )  # fmt: skip
    for given, name in (
        (sheet, "--sheet"), (combined, "--combined"), (chart_notes, "--chart-notes"),
    ):  # fmt: skip
        if given is not None:
            raise InputError(f"{name} goes with --batch LIST; for one handout leave it out")
    if date_format is not ISO_DATES:
        raise InputError("--date-format goes with --batch LIST; write DATE as YYYY-MM-DD")
    if procedure_date is None:
        raise InputError("give the procedure date, or --batch FILE.csv for a list")
    if out_dir is not None:
        raise InputError("--out-dir goes with --batch; for one handout use --output FILE")
    if output is None:
        raise InputError("give --output FILE.pdf, FILE.html or FILE.ics: the handout is a file")
    return _one_handout(
        procedure_date, output, fmt, layout, force=force, rules=rules, procedure=procedure,
        details=(patient, clinic, phone, doctor), lang=lang, record=record, levels=levels,
        visit=(follow_up, follow_up_place), orders=orders, chart=(mrn, encounter, taught),
    )  # fmt: skip


def _one_handout(
    procedure_date: str,
    output: Path,
    asked: DocumentFormat | None,
    layout: "Layout",
    *,
    force: bool,
    rules: Path | None,
    procedure: str | None,
    details: tuple[str | None, str | None, str | None, str | None],
    lang: Language,
    record: Path | None,
    levels: str | None = None,
    visit: tuple[str | None, str | None] = (None, None),
    orders: Path | None = None,
    chart: tuple[str | None, str | None, str | None] = (None, None, None),
) -> int:
    from vplan.clock import calendar_stamp
    from vplan.documents import DocumentFormat, format_for, render_paged
    from vplan.ehr import check_id, require_mrn
    from vplan.handout import Patient, check_field
    from vplan.output import held_stops, write_file
    from vplan.parse import parse_levels
    from vplan.patient import follow_up_visit, patient_plan
    from vplan.record import Written, chart_note, file_digest
    from vplan.stamp import make_stamp

    name, clinic, phone, doctor = details
    if name is None:
        raise InputError('give --patient "NAME": the handout is printed for one patient')
    patient = Patient(
        name=check_field("patient's name", name, required=True) or "",
        clinic=check_field("clinic", clinic),
        phone=check_field("phone", phone),
        doctor=check_field("doctor", doctor),
        levels=None if levels is None else parse_levels(levels),
    )
    fmt = format_for(output, asked)
    from vplan.formats import EXPORTS

    mrn = check_id("medical record number", chart[0], "--mrn")
    encounter = check_id("visit number", chart[1], "--encounter")
    if fmt in EXPORTS:
        mrn = require_mrn(mrn, "FHIR" if fmt is DocumentFormat.FHIR else "HL7 v2")
    elif encounter is not None:
        raise InputError("--encounter goes with a .fhir.json or .hl7 file; leave it out")
    journal = _journal(record)
    if journal is not None:
        journal.check_apart(output)
    booked = follow_up_visit(*visit)
    plan = patient_plan(
        _load(rules, procedure, lang), _procedure_date(procedure_date), orders=orders,
        follow_up=booked, lang=lang.value,
    )  # fmt: skip
    taught = None if chart[2] is None else _taught_line(plan, chart[2], patient.phone, lang)
    moment = _now()
    made = make_stamp(plan.protocol, lang.value, moment.date(), orders_sha256=_orders_digest(plan))
    drawn = DocumentFormat.PDF if fmt in EXPORTS else fmt
    out = render_paged(
        drawn, plan, patient, layout, stamp=calendar_stamp(moment), lang=lang.value, made=made
    )
    paper = None if fmt is DocumentFormat.ICS else layout
    visit_moment = _visit_moment(plan)
    note = chart_note(plan, made, Written(drawn.value, "", out.pages, paper), visit_moment)
    if taught is not None:
        note += f" {taught}"
    if mrn is not None and fmt in EXPORTS:
        from vplan.ehr import export_bytes, make_export

        export = make_export(
            plan, out.data, out.pages or 0, note, lang=lang.value, mrn=mrn, encounter=encounter,
            made_at=calendar_stamp(moment),
        )  # fmt: skip
        out = out._replace(data=export_bytes(fmt.value, export))
    written = Written(fmt.value, file_digest(out.data), out.pages, paper)
    with held_stops():  # written and recorded, or neither
        write_file(output, out.data, force=force)
        if journal is not None:
            journal.add(
                plan.procedure_date, made, written, patient.name, moment, output,
                follow_up=visit_moment,
            )  # fmt: skip
    _wrote(output, _describe(fmt, layout), journal)
    sys.stdout.write(note + "\n")
    return EXIT_OK


def _taught_line(plan: "Plan", taught: str, phone: str | None, lang: Language) -> str:
    """``Teach-back: 4 of 6 answered; re-taught: driving.``: the questions of today."""
    from vplan.teachback import build_teach_back, outcome, parse_taught

    day = max(0, plan.day_of(_today()))
    number = phone or plan.protocol.info.phone or ""
    view = build_teach_back(plan, day=day, phone=number, lang=lang.value)
    return outcome(view, parse_taught(taught, len(view.questions))).chart_line()


def _orders_digest(plan: "Plan") -> str | None:
    """The SHA-256 of the orders file the plan was made with, for the stamp."""
    return None if plan.orders is None else plan.orders.sha256


def _visit_moment(plan: "Plan") -> datetime | date | None:
    """The booked follow-up visit as a date and time (or a date), for the chart note."""
    from vplan.record import visit_moment

    return visit_moment(plan.follow_up)


def _describe(fmt: DocumentFormat, layout: "Layout") -> str:
    """``PDF, letter, large print``: what was written."""
    if fmt.value == "ics":
        return "phone calendar"
    if fmt.value in ("fhir", "hl7"):
        what = "FHIR R4 Bundle" if fmt.value == "fhir" else "HL7 v2 MDM^T02 message"
        return f"{what} with the PDF, {layout.paper.value}, and the chart note"
    return f"{fmt.value.upper()}, {layout.paper.value}" + (
        ", large print" if layout.large_print else ""
    )


def _batch(
    csv_path: Path,
    out_dir: Path | None,
    layout: "Layout",
    asked: DocumentFormat | None,
    *,
    force: bool,
    jobs: int | None,
    rules: Path | None,
    procedure: str | None,
    lang: Language,
    details: tuple[str | None, str | None, str | None],
    record: Path | None,
    reading: tuple[str | None, str],
    combined: Path | None,
    chart_notes: Path | None = None,
) -> int:
    """A day's list: handouts in ``out_dir`` (None: only in the ``combined`` PDF)."""
    from vplan import batch, daylist
    from vplan.chars import escaped
    from vplan.handout import Patient, check_field
    from vplan.output import check_writable
    from vplan.record import visit_moment
    from vplan.rules import resolve

    if not csv_path.exists():
        raise InputError(f"cannot read {csv_path}: no such file; give the list's path")
    journal = _journal(record)
    extra = [path for path in (combined, chart_notes) if path is not None]
    if journal is not None:
        journal.check_apart(csv_path, *extra)
    if combined is not None and chart_notes is not None and _same_file(combined, chart_notes):
        raise InputError("--chart-notes and --combined name one file; give each its own name")
    sheet, date_order = reading
    if combined is not None:
        _check_combined(combined, asked, force=force)
    if chart_notes is not None:
        if chart_notes.suffix.lower() != ".csv":
            raise InputError(f"--chart-notes writes a CSV file; name it {chart_notes.stem}.csv")
        check_writable(chart_notes, force=force)
    chosen = batch.load_rules(resolve(rules, os.environ), os.environ, procedure, lang.value)
    protocols = chosen.book.protocols
    clinic, phone, doctor = details
    defaults = Patient(
        "",
        clinic=check_field("clinic", clinic),
        phone=check_field("phone", phone),
        doctor=check_field("doctor", doctor),
    )
    day = daylist.open_list(csv_path, sheet=sheet)  # checked before the folder is made
    total = day.rows
    keep = out_dir is not None
    folder = out_dir if out_dir is not None else (combined or csv_path).parent
    items = list(batch.read_jobs(
        day, folder, layout=layout, fmt=asked, today=_today(), lang=lang.value,
        procedure=chosen.procedure, untranslated=chosen.untranslated,
        defaults=defaults, date_order=cast(DateOrder, date_order), protocols=protocols,
    ))  # fmt: skip
    batch.check_dates(csv_path, items)
    if out_dir is not None:
        batch.check_out_dir(out_dir)
    if not keep:
        items = [_combined_only(item) for item in items]
    others = {csv_path: "the day's list"}
    if combined is not None:
        others[combined] = "the --combined PDF"
    if chart_notes is not None:
        others[chart_notes] = "the --chart-notes file"
    if journal is not None:
        others[journal.path] = "the journal"
    if keep:
        batch.check_apart(items, others)
    workers = min(jobs or batch.workers(), max(1, total))
    sys.stdout.write(escaped(f"Read {csv_path}: {day.describe()}.") + "\n")
    _warm_renderers()
    moment = _now()
    on_written = None
    if journal is not None:
        from vplan.record import Written

        def on_written(job: batch.Job, outcome: batch.Outcome) -> None:
            assert outcome.sha256 is not None
            paper = None if job.fmt.value == "ics" else job.layout
            written = Written(job.fmt.value, outcome.sha256, outcome.pages, paper)
            made = batch.job_stamp(job, protocols, moment.date())
            journal.add(
                job.procedure_date, made, written, job.patient.name, moment,
                job.path if job.keep else None, follow_up=visit_moment(job.follow_up),
            )  # fmt: skip

    printed: list[Path | bytes] = []  # the PDFs written, in the list's order, for --combined
    notes: list[tuple[batch.Job, str]] = []  # each patient's chart note, in the list's order
    by_line = {item.line: item for item in items if isinstance(item, batch.Job)}

    with _progress(total) as step:

        def progress(outcome: batch.Outcome) -> None:
            job = by_line.get(outcome.line)
            if outcome.written is not None and job is not None:
                if job.fmt.value == "pdf":
                    printed.append(outcome.data if outcome.data is not None else outcome.written)
                if outcome.note is not None:
                    notes.append((job, outcome.note))
            step(outcome)

        summary = batch.run(
            iter(items), protocols, force=force, stamp=moment, jobs=workers, progress=progress,
            on_written=on_written,
        )  # fmt: skip
    for outcome in summary.refused:
        refusal = f"{csv_path}:{outcome.line}: refused: {outcome.problem}"
        sys.stderr.write(f"vplan: {escaped(refusal)}\n")
    if notes:
        sys.stdout.write("Chart notes:\n")
        for job, note in notes:
            sys.stdout.write(escaped(f"{_whose(job)}: {note}") + "\n")
    refused = len(summary.refused)
    lines = ", ".join(str(o.line) for o in summary.refused)
    how_many = f"{summary.written} handout{'s' if summary.written != 1 else ''}"
    rows = f"refused {refused} row{'s' if refused != 1 else ''}" + (
        f": line{'s' if refused != 1 else ''} {lines}" if refused else ""
    )
    if keep:
        _wrote(f"{how_many} in {out_dir}", rows, journal)
    else:
        sys.stdout.write(f"Made {how_many} for {combined} ({rows}).\n")
    if combined is not None:
        _write_combined(combined, printed, force=force, journal=journal, moment=moment)
    if chart_notes is not None:
        _write_chart_notes(chart_notes, notes, mrn=day.has("mrn"), force=force)
    return EXIT_SOME_REFUSED if refused else EXIT_OK


def _combined_only(item: "batch.Job | batch.Outcome") -> "batch.Job | batch.Outcome":
    """A row made for the combined PDF only (no --out-dir): a PDF, not kept as a file."""
    from vplan import batch

    if not isinstance(item, batch.Job):
        return item
    if item.fmt.value != "pdf":
        return batch.Outcome(
            item.line,
            problem=f"the row asks for {item.fmt.value.upper()} ({item.path.name}), and without "
            "--out-dir only PDF handouts are made, for --combined; give --out-dir DIR for it",
        )
    return replace(item, keep=False)


def _whose(job: "batch.Job") -> str:
    """``Line 2, Ann Lee (MRN 12345)``: whose chart a batch's note goes in."""
    mrn = f" (MRN {job.mrn})" if job.mrn else ""
    return f"Line {job.line}, {job.patient.name}{mrn}"


def _write_chart_notes(
    path: Path, notes: "list[tuple[batch.Job, str]]", *, mrn: bool, force: bool
) -> None:
    """The batch's chart notes as a CSV file, one row per patient, in the list's order."""
    import csv
    import io

    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\r\n")
    mrn_column = ["mrn"] if mrn else []
    out.writerow(["line", "name", *mrn_column, "procedure_date", "file", "chart_note"])
    for job, note in notes:
        cells = [job.patient.name, *([job.mrn or ""] if mrn else [])]
        file = job.path.name if job.keep else ""
        row = [str(job.line), *cells, job.procedure_date.isoformat(), file, note]
        out.writerow([_inert(cell) for cell in row])
    from vplan.output import write_file

    write_file(path, buffer.getvalue().encode("utf-8"), force=force)
    count = len(notes)
    _wrote(path, f"CSV, {count} chart note{'s' if count != 1 else ''}")


def _inert(cell: str) -> str:
    """A cell a spreadsheet shows as text: one that starts like a formula gets a leading '."""
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell


def _check_combined(combined: Path, asked: DocumentFormat | None, *, force: bool) -> None:
    """Refuse --combined before any handout is written, if its file cannot be written."""
    from vplan.documents import DocumentFormat
    from vplan.output import check_writable

    if asked is not None and asked is not DocumentFormat.PDF:
        raise InputError(f"--combined makes one PDF; leave out --format {asked.value}")
    if combined.suffix.lower() != ".pdf":
        raise InputError(f"--combined writes a PDF; name it {combined.stem}.pdf")
    check_writable(combined, force=force)


def _write_combined(
    combined: Path,
    handouts: "list[Path | bytes]",
    *,
    force: bool,
    journal: _Journal | None = None,
    moment: datetime | None = None,
) -> None:
    """Write the combined PDF, and record it in the journal when there is one."""
    from vplan.chars import escaped
    from vplan.combined import write_combined
    from vplan.output import held_stops

    if not handouts:
        sys.stdout.write(escaped(f"No PDF handout was written, so {combined} was not made.") + "\n")
        return
    with held_stops():  # written and recorded, or neither
        done = write_combined(combined, handouts, force=force)
        if journal is not None:
            journal.add_combined(combined, done, moment or _now())
    _wrote(
        combined,
        f"PDF, {done.handouts} handout{'s' if done.handouts != 1 else ''}, {done.pages} pages, "
        "each handout starting on a new sheet",
        journal,
    )


def _warm_renderers() -> None:
    """Load the fonts and templates once, before the worker processes are forked."""
    from vplan.render import pdf, webpage

    pdf.register_fonts()
    webpage.warm()


class _progress:  # lower case: it reads as a function in a with statement
    """A progress bar on a terminal; nothing when stderr is a file or a pipe."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.bar: Progress | None = None

    def __enter__(self) -> Callable[[object], None]:
        if not sys.stderr.isatty():
            return lambda outcome: None
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        self.bar = Progress(
            TextColumn("Writing handouts"),
            BarColumn(),
            MofNCompleteColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        bar = self.bar
        bar.start()
        task = bar.add_task("handouts", total=self.total)
        return lambda outcome: bar.advance(task)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


@app.command(
    help="May the patient do this? One of four answers: ALLOWED (exit 0); ALLOWED WITH CARE, "
    "only as the rule says; NOT YET, with the date; ASK YOUR CARE TEAM (each exits 1).",
    epilog=EXIT_CODES_HELP,
)
def check(
    words: Annotated[
        list[str],
        typer.Argument(
            metavar="ACTIVITY [AMOUNT]",
            help="The activity (a name or alias from the rules) and, for lifting, a weight such "
            "as 15lb or 7.5 kg.",
        ),
    ],
    procedure_date: Annotated[
        str | None,
        typer.Option("--procedure-date", "-p", help="Procedure date: YYYY-MM-DD or 'today'."),
    ] = None,
    on: Annotated[
        str | None,
        typer.Option("--on", help="The day to check: YYYY-MM-DD or 'today' (the default)."),
    ] = None,
    day: Annotated[
        int | None,
        typer.Option(
            "--day",
            min=0,
            max=MAX_SPAN_DAYS,
            help="The day to check, as a post-operative day (0 = procedure day).",
        ),
    ] = None,
    orders: OrdersOption = None,
    fmt: AnswerFormatOption = AnswerFormat.TEXT,
    lang: LangOption = ENGLISH_CHOICE,
    rules: RulesOption = None,
    procedure: ProcedureOption = None,
) -> int:
    """May the patient do this on this day? One of four answers; exit 0 only for a plain yes."""
    from vplan.parse import parse_date, parse_weight

    activity_words, amount_words = _split_activity(words)
    protocol = _load(rules, procedure, lang)
    today = _today()
    start = (
        None
        if procedure_date is None
        else parse_date(procedure_date, today=today, name="procedure date")
    )
    if orders is not None:
        from vplan.orders import load_orders

        protocol = load_orders(orders, protocol, procedure_date=start, lang=lang.value).apply(
            protocol
        )
    question = " ".join(activity_words)
    found = protocol.activities_named(question)
    amount = parse_weight(" ".join(amount_words)) if amount_words else None
    unmeasured = next((a for a in found if not a.measured), None)
    if amount is not None and unmeasured is not None:
        raise InputError(
            f"{unmeasured.name.get().lower()} does not take an amount; "
            f"leave out '{' '.join(amount_words)}'"
        )
    if on is not None and day is not None:
        raise InputError("give either --on DATE or --day N, not both")
    if start is None:
        if on is not None or day is not None:
            raise InputError(
                "--on and --day count from the procedure date; add -p YYYY-MM-DD, "
                "or leave them out to see the rule in post-operative days"
            )
        return _show_rules(protocol, found, question, fmt, lang.value)
    from vplan.plan import build_plan

    plan = build_plan(protocol, start)
    if day is None:
        when = parse_date(on or "today", today=today, name="check date")
        day = plan.day_of(when)
        if day < 0:
            raise InputError(
                f"the check date {when.isoformat()} is before the procedure date "
                f"{start.isoformat()}; check a day on or after the procedure"
            )
    from vplan.answer import build_answer
    from vplan.render import structured, text

    code = lang.value
    answers = [build_answer(plan, plan.verdict(act, day, amount), code) for act in found]
    _answer(
        fmt,
        lambda: structured.verdicts(answers, question, code),
        lambda: text.verdicts(answers, code),
    )
    return EXIT_OK if all(answer.allowed for answer in answers) else EXIT_NOT_ALLOWED


def _split_activity(words: list[str]) -> tuple[list[str], list[str]]:
    """The activity is the words before the first one that starts with a digit."""
    for index, word in enumerate(words):
        if word[:1].isdigit() or word[:1] in "-.,":
            if index == 0:
                raise InputError(
                    f"'{word}' is not an activity; write the activity first, then the weight"
                )
            return words[:index], words[index:]
    return words, []


def _show_rules(
    protocol: "Protocol",
    activities: "Sequence[Activity]",
    question: str,
    fmt: AnswerFormat,
    lang: str,
) -> int:
    from vplan.render import structured, text
    from vplan.reports import build_rule

    views = [build_rule(protocol, activity, lang) for activity in activities]
    _answer(fmt, lambda: structured.rules(views, question), lambda: text.rules(views))
    return EXIT_OK


@app.command("red-flags")
def red_flags(
    fmt: AnswerFormatOption = AnswerFormat.TEXT,
    lang: LangOption = ENGLISH_CHOICE,
    rules: RulesOption = None,
    procedure: ProcedureOption = None,
) -> None:
    """The warning signs by tier: call the emergency number, call the care team, expected."""
    from vplan.render import structured, text
    from vplan.reports import build_warning_signs

    listing = build_warning_signs(_load(rules, procedure, lang), lang.value)
    _answer(fmt, lambda: structured.warning_signs(listing), lambda: text.warning_signs(listing))


@app.command()
def activities(
    fmt: AnswerFormatOption = AnswerFormat.TEXT,
    lang: LangOption = ENGLISH_CHOICE,
    rules: RulesOption = None,
    procedure: ProcedureOption = None,
) -> None:
    """What the rules know: each activity with its aliases and limits."""
    from vplan.render import structured, text
    from vplan.reports import build_activities

    listing = build_activities(_load(rules, procedure, lang), lang.value)
    _answer(fmt, lambda: structured.activities(listing), lambda: text.activities(listing))


@rules_app.command("validate")
def rules_validate(
    file: RulesFileArgument = None, fmt: AnswerFormatOption = AnswerFormat.TEXT
) -> None:
    """Check a rules file and list every problem as file:line:column. Exits 3 if any."""
    from vplan.model import protocol_from_data
    from vplan.render import structured, text
    from vplan.reports import build_validate
    from vplan.rules import read_bytes, resolve
    from vplan.validate import validate

    source = resolve(file, os.environ)
    data = validate(read_bytes(source), source.label)
    protocol = protocol_from_data(data, source.label)
    report = build_validate(protocol, source.label, data["procedures"])
    _report(fmt, lambda: structured.rules_validate(report), lambda: text.rules_validate(report))


@rules_app.command("init")
def rules_init(
    file: Annotated[Path, typer.Argument(help="The new rules file to write, such as clinic.yaml.")],
    force: ForceOption = False,
) -> None:
    """Start a protocol of your own: write a copy of the bundled default rules to FILE."""
    from vplan.output import write_file
    from vplan.rules import default_rules_path

    write_file(file, default_rules_path().read_bytes(), force=force)
    lint = f"vplan rules lint {shlex.quote(str(file))}"
    _wrote(file, "a copy of the default protocol", then=f"edit it, then run: {lint}")


@rules_app.command(
    "lint", help="Warnings a reviewer wants on a valid rules file.", epilog=EXIT_CODES_HELP
)
def rules_lint(file: RulesFileArgument = None, fmt: AnswerFormatOption = AnswerFormat.TEXT) -> int:
    """Validate a rules file, then warn about what a reviewer should look at. Exits 1 if any."""
    from vplan.authoring.lint import lint_valid
    from vplan.render import structured, text
    from vplan.reports import build_lint
    from vplan.rules import load_book, read_bytes, resolve

    source = resolve(file, os.environ)
    data = read_bytes(source)
    book = load_book(source, os.environ, data)  # validated, or as validated before (the cache)
    report = build_lint(source.label, lint_valid(book, data, source.label, today=_today()))
    _report(fmt, lambda: structured.rules_lint(report), lambda: text.rules_lint(report))
    return EXIT_WARNINGS if report.findings else EXIT_OK


@rules_app.command("schema")
def rules_schema(output: OutputOption = None, force: ForceOption = False) -> None:
    """Print the JSON Schema of the rules format, for editors that check YAML as you type."""
    from vplan.authoring.json_schema import rules_json_schema

    _emit(_dump(rules_json_schema()), output, force)
    if output is not None:
        _wrote(output, "the JSON Schema of the rules format")


@rules_app.command(
    "diff", help="What changes for patients between two rules files.", epilog=EXIT_CODES_HELP
)
def rules_diff(
    old: Annotated[Path, typer.Argument(help="The rules file in use now.")],
    new: Annotated[Path, typer.Argument(help="The new version of the rules file.")],
) -> int:
    """What changes for patients from OLD to NEW. Exits 1 if anything does, else 0."""
    from vplan.authoring.diff import compare_files
    from vplan.render import text
    from vplan.reports import build_diff
    from vplan.rules import RulesSource, load_book

    before = load_book(RulesSource(old, str(old)), os.environ)
    after = load_book(RulesSource(new, str(new)), os.environ)
    report = build_diff(compare_files(before, after), str(old), str(new))
    _emit_lines(text.rules_diff(report), None, False)
    return EXIT_CHANGED if report.changes else EXIT_OK


@rules_app.command("show")
def rules_show(rules: RulesOption = None) -> None:
    """Print the rules file in use (after checking it), with its path and version."""
    from vplan.render import text
    from vplan.reports import build_show
    from vplan.rules import read_bytes, resolve

    source = resolve(rules, os.environ)
    written = read_bytes(source).decode("utf-8-sig")
    sys.stdout.write(text.rules_show(build_show(_load(rules), source.label, written)))


def _answer(
    fmt: AnswerFormat, data: Callable[[], object], lines: "Callable[[], list[Line]]"
) -> None:
    """Print an answer as JSON data or as text lines."""
    if fmt is AnswerFormat.JSON:
        sys.stdout.write(_dump(data()))
    else:
        from vplan.render.lines import at_width, terminal_width

        with at_width(terminal_width()):
            _emit_lines(lines(), None, False)


def _report(fmt: AnswerFormat, data: Callable[[], object], text: Callable[[], str]) -> None:
    """Print a rules report as JSON data or as its plain text."""
    sys.stdout.write(_dump(data()) if fmt is AnswerFormat.JSON else text())


def _emit(text: str | bytes, output: Path | None, force: bool) -> None:
    from vplan.output import emit

    emit(text, output, force=force)


def _emit_lines(lines: "list[Line]", output: Path | None, force: bool) -> None:
    from vplan.output import show, write_file
    from vplan.render.lines import plain

    if output is None:
        show(lines)
    else:
        write_file(output, plain(lines).encode("utf-8"), force=force)


def _fail(message: str, code: int) -> NoReturn:
    from vplan.chars import escaped

    try:
        sys.stdout.flush()
    except OSError:  # the reader went away: the error still goes to stderr
        _quiet_stdout()
    sys.stderr.write(f"vplan: error: {escaped(message)}\n")
    raise SystemExit(code)


def main(argv: list[str] | None = None) -> NoReturn:
    """Run vplan; every error ends here as one line on stderr and its exit code.

    A closed pipe is a quiet success; SIGTERM stops a run as Ctrl-C does (exit 130).
    """
    import signal
    import warnings

    from vplan.errors import CacheNotUsed, JournalNote

    said: set[str] = set()

    def note(message: Warning | str, *args: object, **kwargs: object) -> None:
        from vplan.chars import escaped

        if str(message) not in said:
            said.add(str(message))
            sys.stderr.write(f"vplan: note: {escaped(str(message))}\n")

    def terminated(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    _standard_streams()

    try:
        previous = signal.signal(signal.SIGTERM, terminated)
    except ValueError:  # not the main thread: leave signals alone
        previous = None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("always", CacheNotUsed)
            warnings.simplefilter("always", JournalNote)
            warnings.showwarning = note
            _run(argv)
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _standard_streams() -> None:
    """Hold closed standard streams with /dev/null; without stdout, stop with exit 4."""
    from vplan.output import STDOUT_CLOSED, hold_standard_streams

    if not hold_standard_streams():
        _fail(STDOUT_CLOSED, EXIT_OUTPUT)


def _unshowable(exc: UnicodeEncodeError) -> NoReturn:
    """Stop with one line when the output's encoding cannot show a character of the answer."""
    from vplan.output import unshowable

    _fail(unshowable(exc), EXIT_OUTPUT)


def _quiet_stdout() -> None:
    """Send what is left for stdout nowhere: its reader went away."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _run(argv: list[str] | None) -> NoReturn:
    try:
        result = app(args=argv, prog_name="vplan", standalone_mode=False)
    except RulesError as exc:
        from vplan.chars import escaped

        sys.stderr.write("".join(escaped(line) + "\n" for line in exc.lines()))
        _fail(exc.summary(), exc.exit_code)
    except VplanError as exc:
        _fail(str(exc), exc.exit_code)
    except typer.Exit as exc:
        raise SystemExit(exc.exit_code) from None
    except typer.Abort:
        _fail("stopped", 130)
    except typer.TyperException as exc:
        message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
        if not message:  # no command given: the help was printed
            raise SystemExit(getattr(exc, "exit_code", EXIT_BAD_INPUT)) from None
        ctx = getattr(exc, "ctx", None)
        where = ctx.command_path if ctx is not None else "vplan"
        _fail(f"{message} (see '{where} --help')", getattr(exc, "exit_code", EXIT_BAD_INPUT))
    except KeyboardInterrupt:
        _fail("stopped", 130)
    except (_PipeClosed, BrokenPipeError):
        # The reader went away (for example 'vplan schedule ... | head'): stop quietly.
        _quiet_stdout()
        raise SystemExit(EXIT_OK) from None
    except UnicodeEncodeError as exc:
        _unshowable(exc)
    except OSError as exc:
        _fail(f"cannot write the output ({exc.strerror}); check the disk and the file", EXIT_OUTPUT)
    if result == 130:  # Ctrl-C while typer ran the command
        _fail("stopped", 130)
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _quiet_stdout()
        raise SystemExit(EXIT_OK) from None
    except UnicodeEncodeError as exc:
        _unshowable(exc)
    except OSError as exc:
        _fail(f"cannot write the output ({exc.strerror}); check the disk and the file", EXIT_OUTPUT)
    raise SystemExit(result if isinstance(result, int) else EXIT_OK)


@record_app.command(
    "verify", help="Is this file one the journal recorded, unchanged?", epilog=EXIT_CODES_HELP
)
def record_verify(
    file: Annotated[Path, typer.Argument(help="The handout or calendar file to look up.")],
    record: JournalOption,
) -> int:
    """Exit 0 and the entry when FILE was recorded and is unchanged; 6 when it is not in it."""
    from vplan.chars import escaped
    from vplan.files import MAX_DOCUMENT, NotAFileError, TooLargeError, sha256_regular
    from vplan.journal import entries, file_mac, read_key

    key = read_key(os.environ)
    try:
        digest = sha256_regular(file, MAX_DOCUMENT)
    except (NotAFileError, IsADirectoryError):
        raise InputError(f"{file} is not an ordinary file; give the file to verify") from None
    except TooLargeError:
        raise InputError(
            f"{file} is larger than {MAX_DOCUMENT // 2**20} MiB, more than any file vplan "
            "writes; give the file to verify"
        ) from None
    except OSError as exc:
        raise InputError(f"cannot read {file} ({exc.strerror}); give the file to verify") from None
    mac = file_mac(key, digest)
    found = None
    for entry in entries(record, key):  # the whole chain is checked, even after a match
        if found is None and entry.fields.get("file_hmac") == mac:
            found = entry
    if found is None:
        sys.stdout.write(
            f"{file}: not in the journal {record}. No entry matches this file (SHA-256 "
            f"{digest}): it was changed after it was written, vplan did not record it, or it "
            "was recorded under another key.\n"
        )
        return EXIT_NOT_RECORDED
    sys.stdout.write(
        escaped(f"{file}: in the journal {record}, line {found.line}, unchanged.") + "\n"
    )
    sys.stdout.write(_describe_entry(found.fields))
    return EXIT_OK


def _describe_entry(fields: "Mapping[str, object]") -> str:
    """An entry as the lines a person reads."""
    from vplan.i18n import NAMES

    def short(key: str) -> str:
        value = fields.get(key)
        return str(value)[:8] if value else ""

    if isinstance(fields.get("combined"), int):
        count, pages = fields["combined"], fields.get("pages")
        return (
            f"When: {fields.get('when')} (vplan {fields.get('vplan')})\n"
            f"File: PDF, {pages} pages, the combined PDF of {count} handout"
            f"{'s' if count != 1 else ''} of a batch (each has its own entry before this one)\n"
        )
    orders = f", orders {short('orders_sha256')}" if fields.get("orders_sha256") else ""
    pages = fields.get("pages")
    what = str(fields.get("format", "")).upper() + (
        f", {pages} page{'s' if pages != 1 else ''}" if isinstance(pages, int) else ""
    )
    lines = [
        f"When: {fields.get('when')} (made on {fields.get('made_on')}, "
        f"vplan {fields.get('vplan')})",
        f"Protocol: {fields.get('protocol')} {fields.get('protocol_version')} "
        f"(rules {short('rules_sha256')}{orders})",
        f"Procedure: {fields.get('procedure')}, on {fields.get('procedure_date')}",
        f"Language: {NAMES.get(str(fields.get('lang')), fields.get('lang'))}",
        f"File: {what}",
    ]
    if fields.get("follow_up"):
        lines.append(f"Follow-up: {fields['follow_up']}")
    return "".join(line + "\n" for line in lines)


@record_app.command(
    "check", help="Check the journal's whole chain of digests.", epilog=EXIT_CODES_HELP
)
def record_check(record: JournalOption) -> int:
    """Exit 0 when every line follows the one before; 7 and the first broken line when not."""
    from vplan.journal import entries, read_key

    key = read_key(os.environ)
    count = 0
    last = None
    for entry in entries(record, key):
        count += 1
        last = entry.mac
    if last is None:
        sys.stdout.write(f"{record}: the journal is empty.\n")
        return EXIT_OK
    sys.stdout.write(
        f"{record}: {count} entr{'ies' if count != 1 else 'y'}, every line sealed and the chain "
        f"whole. Seal of the last line: {last}\n"
    )
    return EXIT_OK


@record_app.command("key")
def record_key(
    file: Annotated[Path, typer.Argument(help="The new key file, such as ~/.vplan-record.key.")],
) -> None:
    """Make a new secret key for the journal, in a file only you can read."""
    import secrets

    from vplan.journal import KEY_FILE_ENV, write_key

    write_key(file, secrets.token_hex(32))
    _wrote(
        file,
        "a new secret key for the journal; only you can read it",
        then=f"set {KEY_FILE_ENV}={file}, and keep a copy somewhere safe: without the key, names "
        "cannot be matched to the journal's entries.",
    )


@app.command(
    "teach-back",
    help="Teach-back: questions from the patient's own plan, with the answers expected; "
    "--taught records which were answered.",
    epilog=EXIT_CODES_HELP,
)
def teach_back(
    procedure_date: Annotated[str, typer.Argument(help="Procedure date: YYYY-MM-DD or 'today'.")],
    patient: Annotated[
        str | None,
        typer.Option(
            "--patient", help="The patient's name: for the journal only (as an HMAC), never shown."
        ),
    ] = None,
    phone: Annotated[
        str | None, typer.Option("--phone", help="The phone number the patient should call.")
    ] = None,
    follow_up: FollowUpOption = None,
    follow_up_place: FollowUpPlaceOption = None,
    orders: OrdersOption = None,
    on: Annotated[
        str | None,
        typer.Option(
            "--on",
            help="The day the questions are asked: YYYY-MM-DD or 'today' (the default); "
            "the procedure day when earlier.",
        ),
    ] = None,
    taught: Annotated[
        str | None,
        typer.Option(
            "--taught",
            metavar="1,2,4",
            help="The numbers of the questions the patient answered (or 'none'): prints the "
            "chart note, and records it with --record. The others were taught again.",
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            parser=_file_to_write,
            metavar="<path>",
            help="Write the nurse's page, NAME.pdf, with a box to tick beside each question.",
        ),
    ] = None,
    paper: Annotated[
        Paper, typer.Option("--paper", help=f"Paper size of the page: {choices(Paper)}.")
    ] = Paper.LETTER,
    force: ForceOption = False,
    lang: LangOption = ENGLISH_CHOICE,
    rules: RulesOption = None,
    procedure: ProcedureOption = None,
    record: RecordOption = None,
) -> int:
    """The teach-back questions for one patient; with --taught, the chart note of the answers."""
    if output is not None and taught is not None:
        raise InputError(
            "--output writes the page to ask from, --taught records the answers: give one"
        )
    if output is not None and not output.name.lower().endswith(".pdf"):
        raise InputError(f"the nurse's page is a PDF; name it {output.stem}.pdf")
    from vplan.handout import check_field
    from vplan.parse import parse_date
    from vplan.patient import follow_up_visit, patient_plan
    from vplan.teachback import build_teach_back, outcome, parse_taught

    journal = _journal(record) if taught is not None else None
    plan = patient_plan(
        _load(rules, procedure, lang), _procedure_date(procedure_date), orders=orders,
        follow_up=follow_up_visit(follow_up, follow_up_place), lang=lang.value,
    )  # fmt: skip
    number = check_field("phone", phone) or plan.protocol.info.phone
    if not number:
        raise InputError(
            "the teach-back asks which number to call; give --phone NUMBER, or the clinic's "
            "number in the rules (protocol.contact.phone)"
        )
    day = max(0, plan.day_of(parse_date(on or "today", today=_today(), name="teach-back date")))
    view = build_teach_back(plan, day=day, phone=number, lang=lang.value)
    if output is not None:
        _teach_back_page(plan, view, output, paper, lang, force=force)
        return EXIT_OK
    if taught is None:
        from vplan.output import show
        from vplan.render.lines import at_width, terminal_width
        from vplan.render.teach import teach_back as lines

        with at_width(terminal_width()):
            show(lines(view))
        return EXIT_OK
    done = outcome(view, parse_taught(taught, len(view.questions)))
    name = None if patient is None else check_field("patient's name", patient, required=True)
    _record_teach_back(plan, done, name, lang, journal)
    return EXIT_OK


def _teach_back_page(
    plan: "Plan",
    view: "teachback.TeachBack",
    output: Path,
    paper: Paper,
    lang: Language,
    *,
    force: bool,
) -> None:
    """Write the nurse's page of the teach-back: the questions, answers and boxes to tick."""
    from vplan.output import write_file
    from vplan.render.teach_pdf import page
    from vplan.stamp import make_stamp
    from vplan.words.teach import TeachWords

    words = TeachWords(lang.value)
    made = make_stamp(plan.protocol, lang.value, _now().date(), orders_sha256=_orders_digest(plan))
    heads = (words.page_head("question"), words.page_head("answered"), words.page_head("retaught"))
    record = (
        f"Then: vplan teach-back {plan.procedure_date.isoformat()} --taught "
        "followed by the numbers answered, such as 1,2,4 (with the same options)."
    )
    foot = [*words.notices(plan.protocol), words.stamp_line(made, plan.protocol), record]
    data = page(view, paper, heads, foot)
    write_file(output, data, force=force)
    _wrote(output, f"teach-back page, {paper.value}")


def _record_teach_back(
    plan: "Plan",
    done: "teachback.Outcome",
    name: str | None,
    lang: Language,
    journal: _Journal | None,
) -> None:
    """Print the teach-back's chart note, after adding it to the journal when there is one."""
    from vplan.record import patient_id
    from vplan.stamp import make_stamp
    from vplan.teachback import chart_note, journal_entry

    made = make_stamp(plan.protocol, lang.value, _now().date(), orders_sha256=_orders_digest(plan))
    if journal is not None:
        from vplan.journal import append

        fields = journal_entry(
            plan, made, done, when=datetime.now(UTC),
            patient=None if name is None else patient_id(journal.key, name),
            key=journal.key_id, follow_up=_visit_moment(plan),
        )  # fmt: skip
        append(journal.path, journal.key, fields)
        sys.stdout.write(f"Recorded in {journal.path}.\n")
    sys.stdout.write(chart_note(plan, made, done) + "\n")
