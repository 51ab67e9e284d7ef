"""The vplan command line: each command's options and help, then one call to ``commands/``.

Errors are caught in one place, ``main``, and end as one line on stderr with a
documented exit code.
"""

# ruff: noqa: E402 (the imports below come after the cycle collector is set)

# No ``from __future__ import annotations`` here: typer reads the annotations of every
# command at each start, and objects are read faster than strings are evaluated. Names
# imported only for type checking are written in quotes instead.
import gc
import os
import sys

# A run of vplan is short, and nearly all it makes lives to its end: the modules, the rules,
# the plan. The cycle collector would walk them some fifty times (about 5 % of a start) to
# find little: it runs after every 100,000 new objects instead of 700, so that a run of
# 'check' or 'schedule' never waits for it. The page and a day's list, which run long, go
# back to Python's own thresholds (``_running_long``).
_PYTHONS_THRESHOLDS = gc.get_threshold()
gc.set_threshold(100_000, *_PYTHONS_THRESHOLDS[1:])

from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from vplan import __version__
from vplan.columns import COLUMNS
from vplan.ending import Group
from vplan.errors import EXIT_OK
from vplan.formats import (
    AnswerFormat,
    Command,
    DocumentFormat,
    Paper,
    ScheduleFormat,
    choices,
    endings,
    file_names,
    format_help,
)
from vplan.i18n import ENGLISH, LANGUAGES, NAMES, Language
from vplan.parse import DATE_ORDERS, MAX_SPAN_DAYS

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


def _file_to_read(text: str) -> Path:
    """A file name to read, as typed: an empty one names no file (Path('') is the folder)."""
    if not text.strip():
        raise typer.BadParameter(
            "the file name is empty; give the file's path, or leave out the option"
        )
    return Path(text)


RulesOption = Annotated[
    Path | None,
    typer.Option(
        "--rules",
        parser=_file_to_read,
        metavar="<path>",
        help="Rules file to use. Default: $VPLAN_RULES, else the protocol bundled with vplan.",
    ),
]

RulesFileArgument = Annotated[
    Path | None,
    typer.Argument(
        parser=_file_to_read,
        help="Rules file. Default: $VPLAN_RULES, else the bundled protocol.",
    ),
]


def _file_to_write(text: str, example: str = "ann.pdf") -> Path:
    """A file name to write, as typed: a folder (``out/``) or ``-`` is no file name."""
    if text == "-":
        raise typer.BadParameter(
            "'-' is not a file name here; leave out the option to show the output on the "
            "screen, or give a file name"
        )
    if text.endswith(("/", os.sep)) or text in ("", ".", ".."):
        folder = text if text.endswith(("/", os.sep)) else ""
        raise typer.BadParameter(
            f"'{text}' names a folder; give a file name, such as {folder}{example}"
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
        parser=_file_to_read,
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
PhoneOption = Annotated[
    str | None, typer.Option("--phone", help="The phone number the patient should call.")
]
TaughtOption = Annotated[
    str | None,
    typer.Option(
        "--taught",
        metavar="1,2,4",
        help="The numbers of the teach-back questions the patient answered, as 'vplan "
        "teach-back' numbers them today (or 'none'); the chart note says which were taught "
        "again.",
    ),
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


def _running_long() -> None:
    """For a command that runs long: collect cycles as often as Python does, as memory needs."""
    gc.set_threshold(*_PYTHONS_THRESHOLDS)


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"vplan {__version__}\n")
        raise typer.Exit(EXIT_OK)


app = typer.Typer(
    cls=Group,
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
            f"or what the --output file's name ends in ({', '.join(endings(Command.SCHEDULE))}).",
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
    from vplan.commands.schedule import schedule as write_schedule

    write_schedule(
        procedure_date, days=days, asked=None if asked is None else asked.value, output=output,
        force=force, patient=patient, visit=(follow_up, follow_up_place), orders=orders,
        lang=lang.value, rules=rules, procedure=procedure, record=record,
    )  # fmt: skip


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
    phone: PhoneOption = None,
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
            help=f"The file to write: {file_names(Command.HANDOUT)} (those for the clinic's "
            "record system need --mrn).",
        ),
    ] = None,
    fmt: Annotated[
        DocumentFormat | None,
        typer.Option(
            "--format",
            "-f",
            help=f"{format_help(Command.HANDOUT)}. Default: from the file name's ending.",
        ),
    ] = None,
    mrn: Annotated[
        str | None,
        typer.Option(
            "--mrn",
            help="The patient's medical record number, by which a file for the record "
            "system (fhir, hl7) names the patient; it needs one.",
        ),
    ] = None,
    encounter: Annotated[
        str | None,
        typer.Option("--encounter", help="The visit (encounter) number the documents belong to."),
    ] = None,
    taught: TaughtOption = None,
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
    from vplan.commands.handout import handout as make_handouts
    from vplan.handout import Layout

    if batch is not None:
        _running_long()

    return make_handouts(
        procedure_date, batch=batch, output=output, asked=None if fmt is None else fmt.value,
        layout=Layout(paper, large_print), details=(patient, clinic, phone, doctor),
        levels=levels, visit=(follow_up, follow_up_place), orders=orders,
        chart=(mrn, encounter, taught), batch_only=(sheet, combined, chart_notes, out_dir),
        date_order=None if date_format is ISO_DATES else date_format.value, force=force,
        jobs=jobs, lang=lang.value, rules=rules, procedure=procedure, record=record,
    )  # fmt: skip


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
    phone: PhoneOption = None,
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
    taught: TaughtOption = None,
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
    from vplan.commands.teachback import teach_back as run

    return run(
        procedure_date, patient=patient, phone=phone, visit=(follow_up, follow_up_place),
        orders=orders, on=on, taught=taught, output=output, paper=paper, force=force,
        lang=lang.value, rules=rules, procedure=procedure, record=record,
    )  # fmt: skip


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
    from vplan.commands.answers import check as answer_check

    return answer_check(
        words, procedure_date=procedure_date, on=on, day=day, orders=orders,
        as_json=fmt is AnswerFormat.JSON, lang=lang.value, rules=rules, procedure=procedure,
    )  # fmt: skip


@app.command("red-flags")
def red_flags(
    fmt: AnswerFormatOption = AnswerFormat.TEXT,
    lang: LangOption = ENGLISH_CHOICE,
    rules: RulesOption = None,
    procedure: ProcedureOption = None,
) -> None:
    """The warning signs by tier: call the emergency number, call the care team, expected."""
    from vplan.commands.rules import red_flags as listing

    listing(fmt is AnswerFormat.JSON, lang.value, rules, procedure)


@app.command()
def activities(
    fmt: AnswerFormatOption = AnswerFormat.TEXT,
    lang: LangOption = ENGLISH_CHOICE,
    rules: RulesOption = None,
    procedure: ProcedureOption = None,
) -> None:
    """What the rules know: each activity with its aliases and limits."""
    from vplan.commands.rules import activities as listing

    listing(fmt is AnswerFormat.JSON, lang.value, rules, procedure)


@rules_app.command("validate")
def rules_validate(
    file: RulesFileArgument = None, fmt: AnswerFormatOption = AnswerFormat.TEXT
) -> None:
    """Check a rules file and list every problem as file:line:column. Exits 3 if any."""
    from vplan.commands.rules import validate

    validate(file, fmt is AnswerFormat.JSON)


@rules_app.command("init")
def rules_init(
    file: Annotated[
        Path,
        typer.Argument(
            parser=lambda text: _file_to_write(text, "clinic.yaml"),
            help="The new rules file to write, such as clinic.yaml.",
        ),
    ],
    force: ForceOption = False,
) -> None:
    """Start a protocol of your own: write a copy of the bundled default rules to FILE."""
    from vplan.commands.rules import init

    init(file, force)


@rules_app.command(
    "lint", help="Warnings a reviewer wants on a valid rules file.", epilog=EXIT_CODES_HELP
)
def rules_lint(file: RulesFileArgument = None, fmt: AnswerFormatOption = AnswerFormat.TEXT) -> int:
    """Validate a rules file, then warn about what a reviewer should look at. Exits 1 if any."""
    from vplan.commands.rules import lint

    return lint(file, fmt is AnswerFormat.JSON)


@rules_app.command("schema")
def rules_schema(output: OutputOption = None, force: ForceOption = False) -> None:
    """Print the JSON Schema of the rules format, for editors that check YAML as you type."""
    from vplan.commands.rules import schema

    schema(output, force)


@rules_app.command(
    "diff", help="What changes for patients between two rules files.", epilog=EXIT_CODES_HELP
)
def rules_diff(
    old: Annotated[Path, typer.Argument(help="The rules file in use now.")],
    new: Annotated[Path, typer.Argument(help="The new version of the rules file.")],
) -> int:
    """What changes for patients from OLD to NEW. Exits 1 if anything does, else 0."""
    from vplan.commands.rules import diff

    return diff(old, new)


@rules_app.command("show")
def rules_show(rules: RulesOption = None) -> None:
    """Print the rules file in use (after checking it), with its path and version."""
    from vplan.commands.rules import show

    show(rules)


def main(argv: list[str] | None = None) -> NoReturn:
    """Run vplan; every error ends as one line on stderr and its exit code (``ending.main``).

    A closed pipe is a quiet success; SIGTERM stops a run as Ctrl-C does (exit 130).
    """
    from vplan.ending import main as run

    run(app, argv)


@record_app.command(
    "verify", help="Is this file one the journal recorded, unchanged?", epilog=EXIT_CODES_HELP
)
def record_verify(
    file: Annotated[Path, typer.Argument(help="The handout or calendar file to look up.")],
    record: JournalOption,
) -> int:
    """Exit 0 and the entry when FILE was recorded and is unchanged; 6 when it is not in it."""
    from vplan.commands.given import verify

    return verify(file, record)


@record_app.command(
    "check", help="Check the journal's whole chain of digests.", epilog=EXIT_CODES_HELP
)
def record_check(record: JournalOption) -> int:
    """Exit 0 when every line follows the one before; 7 and the first broken line when not."""
    from vplan.commands.given import check

    return check(record)


@record_app.command("key")
def record_key(
    file: Annotated[Path, typer.Argument(help="The new key file, such as ~/.vplan-record.key.")],
) -> None:
    """Make a new secret key for the journal, in a file only you can read."""
    from vplan.commands.given import make_key

    make_key(file)


@app.command(epilog=EXIT_CODES_HELP)
def serve(
    no_browser: Annotated[
        bool, typer.Option("--no-browser", help="Only print the page's address; open no browser.")
    ] = False,
    port: Annotated[
        int, typer.Option(min=0, max=65535, help="The port to listen on. Default: a free one.")
    ] = 0,
    host: Annotated[
        str, typer.Option(help="The address to listen on: 127.0.0.1 only (this computer).")
    ] = "127.0.0.1",
    idle_minutes: Annotated[
        float,
        typer.Option(min=0.05, max=1440, help="Stop after this many minutes without a request."),
    ] = 30,
    rules: RulesOption = None,
    procedure: ProcedureOption = None,
    record: RecordOption = None,
) -> None:
    """A page for this computer's browser: the handout form, the day's list, check, the signs."""
    from vplan.commands.serve import serve as run_page

    _running_long()

    run_page(
        host=host, port=port, idle_minutes=idle_minutes, open_browser=not no_browser, rules=rules,
        procedure=procedure, record=record,
    )  # fmt: skip
