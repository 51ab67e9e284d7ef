"""``vplan handout`` for one patient: the handout, calendar or record system's file, noted."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from vplan.commands.common import load, now, procedure_date
from vplan.errors import EXIT_OK, InputError
from vplan.formats import Command, file_names, format_for, offered

if TYPE_CHECKING:
    from pathlib import Path

    from vplan.formats import OutputFormat
    from vplan.handout import Layout


def one_handout(
    date_text: str,
    output: Path,
    asked: str | None,
    layout: Layout,
    *,
    force: bool,
    rules: Path | None,
    procedure: str | None,
    details: tuple[str | None, str | None, str | None, str | None],
    lang: str,
    record: Path | None,
    levels: str | None = None,
    visit: tuple[str | None, str | None] = (None, None),
    orders: Path | None = None,
    chart: tuple[str | None, str | None, str | None] = (None, None, None),
) -> None:
    """Write one patient's file, record it, and print "Wrote" and the chart note.

    ``chart`` is ``--mrn``, ``--encounter`` and ``--taught``: the MRN a file for the record
    system needs, its visit number, and the teach-back's answers, which end the chart note.
    """
    from vplan.delivery import deliver, journal, wrote
    from vplan.documents import Subject, make
    from vplan.handout import Patient, check_field, check_phone
    from vplan.parse import parse_levels
    from vplan.patient import follow_up_visit, patient_plan

    name, clinic, phone, doctor = details
    if name is None:
        raise InputError('give --patient "NAME": the handout is printed for one patient')
    patient = Patient(
        name=check_field("patient's name", name, required=True) or "",
        clinic=check_field("clinic", clinic),
        phone=check_phone(phone),
        doctor=check_field("doctor", doctor),
        levels=None if levels is None else parse_levels(levels),
    )
    fmt = format_for(asked, output, Command.HANDOUT)
    mrn, encounter = _chart_ids(fmt, chart[0], chart[1])
    book = journal(record)
    if book is not None:
        book.check_apart(output)
    booked = follow_up_visit(*visit)
    plan = patient_plan(
        load(rules, procedure, lang), procedure_date(date_text), orders=orders,
        follow_up=booked, lang=lang,
    )  # fmt: skip
    taught = None
    if chart[2] is not None:
        from vplan.commands.teachback import taught_line

        taught = taught_line(plan, chart[2], patient.phone, lang)
    subject = Subject(
        plan, now(), lang, patient=patient, layout=layout, mrn=mrn, encounter=encounter,
        teach_back=taught,
    )  # fmt: skip
    made = make(fmt, subject)
    given = deliver(made, output, force=force, record=book)
    wrote(output, given.what, book)
    sys.stdout.write(given.note + "\n")


def _chart_ids(
    fmt: OutputFormat, mrn: str | None, encounter: str | None
) -> tuple[str | None, str | None]:
    """``--mrn`` and ``--encounter`` checked: a file for the record system needs the MRN."""
    if mrn is None and encounter is None and not fmt.needs_mrn:
        return None, None  # nothing to check: the record system's code is not loaded
    from vplan.ehr import check_id, require_mrn

    mrn = check_id("medical record number", mrn, "--mrn")
    encounter = check_id("visit number", encounter, "--encounter")
    if fmt.needs_mrn:
        return require_mrn(mrn, fmt.label), encounter
    if encounter is not None:
        endings = " or ".join(row.ending for row in offered(Command.HANDOUT) if row.needs_mrn)
        raise InputError(f"--encounter goes with a {endings} file; leave it out")
    return mrn, encounter


def handout(
    date_text: str | None,
    *,
    batch: Path | None,
    output: Path | None,
    asked: str | None,
    layout: Layout,
    details: tuple[str | None, str | None, str | None, str | None],
    levels: str | None,
    visit: tuple[str | None, str | None],
    orders: Path | None,
    chart: tuple[str | None, str | None, str | None] = (None, None, None),
    batch_only: tuple[str | None, Path | None, Path | None, Path | None],
    date_order: str | None,
    force: bool,
    jobs: int | None,
    lang: str,
    rules: Path | None,
    procedure: str | None,
    record: Path | None,
) -> int:
    """One patient's handout, or a day's list (``batch``): the options each takes checked first.

    ``batch_only`` is ``--sheet``, ``--combined``, ``--chart-notes`` and ``--out-dir``;
    ``date_order`` the list's ``--date-format`` (None: YYYY-MM-DD, the default).
    """
    sheet, combined, chart_notes, out_dir = batch_only
    name, clinic, phone, doctor = details
    if batch is not None:
        if chart[1] is not None or chart[2] is not None:
            raise InputError("--encounter and --taught are for one patient; leave them out")
        per_patient = (name, output, levels, *visit, orders, chart[0])
        if date_text is not None or any(v is not None for v in per_patient):
            raise InputError(
                "with --batch, the dates, names, file names, levels, visits, orders and MRNs "
                "come from the CSV; leave out DATE, --patient, --output, --levels, "
                "--follow-up, --follow-up-place, --orders and --mrn"
            )
        if out_dir is None and combined is None:
            raise InputError(
                "--batch needs --out-dir DIR, the folder for the handouts, or --combined "
                "FILE.pdf for one PDF of them all"
            )
        from vplan.commands.day import day_list

        return day_list(
            batch, out_dir, layout, asked, force=force, jobs=jobs, rules=rules,
            procedure=procedure, lang=lang, details=(clinic, phone, doctor), record=record,
            reading=(sheet, date_order or "iso"), combined=combined, chart_notes=chart_notes,
        )  # fmt: skip
    for given, option in (
        (sheet, "--sheet"), (combined, "--combined"), (chart_notes, "--chart-notes"),
    ):  # fmt: skip
        if given is not None:
            raise InputError(f"{option} goes with --batch LIST; for one handout leave it out")
    if date_order is not None:
        raise InputError("--date-format goes with --batch LIST; write DATE as YYYY-MM-DD")
    if date_text is None:
        raise InputError("give the procedure date, or --batch FILE.csv for a list")
    if out_dir is not None:
        raise InputError("--out-dir goes with --batch; for one handout use --output FILE")
    if output is None:
        files = file_names(Command.HANDOUT, "FILE")
        raise InputError(f"give --output {files}: the handout is a file")
    one_handout(
        date_text, output, asked, layout, force=force, rules=rules, procedure=procedure,
        details=details, lang=lang, record=record, levels=levels, visit=visit, orders=orders,
        chart=chart,
    )  # fmt: skip
    return EXIT_OK
