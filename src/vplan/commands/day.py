"""``vplan handout --batch``: a day's list made into handouts, recorded, with their chart notes.

``batch.py`` reads the rows into jobs and runs them in worker processes, each making its
document with ``documents.make`` and writing it with ``delivery.deliver``; here the
command's options are checked, every file is recorded in the list's order from the
``Given`` its worker returned (so its journal entry and its chart note come from one
value), and the combined PDF and the chart notes file are written and recorded.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, cast

from vplan.commands.common import now, today
from vplan.delivery import Journal, journal, same_file, wrote
from vplan.errors import EXIT_OK, EXIT_SOME_REFUSED, InputError
from vplan.formats import PDF, by_name

WITHOUT_OUT_DIR = (
    "without --out-dir only PDF handouts are made, for --combined; give --out-dir DIR for it"
)

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime
    from pathlib import Path

    from rich.progress import Progress

    from vplan import batch
    from vplan.handout import Layout
    from vplan.parse import DateOrder


def day_list(
    csv_path: Path,
    out_dir: Path | None,
    layout: Layout,
    asked: str | None,
    *,
    force: bool,
    jobs: int | None,
    rules: Path | None,
    procedure: str | None,
    lang: str,
    details: tuple[str | None, str | None, str | None],
    record: Path | None,
    reading: tuple[str | None, str],
    combined: Path | None,
    chart_notes: Path | None = None,
) -> int:
    """A day's list: handouts in ``out_dir`` (None: only in the ``combined`` PDF)."""
    from vplan import batch, daylist
    from vplan.chars import escaped
    from vplan.handout import Patient, check_field, check_phone
    from vplan.output import check_writable
    from vplan.rules import resolve

    if not csv_path.exists():
        raise InputError(f"cannot read {csv_path}: no such file; give the list's path")
    book = journal(record)
    extra = [path for path in (combined, chart_notes) if path is not None]
    if book is not None:
        book.check_apart(csv_path, *extra)
    if combined is not None and chart_notes is not None and same_file(combined, chart_notes):
        raise InputError("--chart-notes and --combined name one file; give each its own name")
    for path, option in ((combined, "--combined"), (chart_notes, "--chart-notes")):
        if path is not None and same_file(path, csv_path):
            raise InputError(
                f"{option} names the day's list it reads ({csv_path.name}); give it another name"
            )
    sheet, date_order = reading
    fmt = None if asked is None else by_name(asked)
    if combined is not None:
        _check_combined(combined, asked, force=force)
    if chart_notes is not None:
        if chart_notes.suffix.lower() != ".csv":
            raise InputError(f"--chart-notes writes a CSV file; name it {chart_notes.stem}.csv")
        check_writable(chart_notes, force=force)
    chosen = batch.load_rules(resolve(rules, os.environ), os.environ, procedure, lang)
    protocols = chosen.book.protocols
    clinic, phone, doctor = details
    defaults = Patient(
        "",
        clinic=check_field("clinic", clinic),
        phone=check_phone(phone),
        doctor=check_field("doctor", doctor),
    )
    day = daylist.open_list(csv_path, sheet=sheet)  # checked before the folder is made
    total = day.rows
    keep = out_dir is not None
    folder = out_dir if out_dir is not None else (combined or csv_path).parent
    items = list(batch.read_jobs(
        day, folder, layout=layout, fmt=fmt, today=today(), lang=lang,
        procedure=chosen.procedure, untranslated=chosen.untranslated,
        defaults=defaults, date_order=cast("DateOrder", date_order), protocols=protocols,
    ))  # fmt: skip
    batch.check_dates(csv_path, items)
    if out_dir is not None:
        batch.check_out_dir(out_dir)
    if not keep:
        items = [batch.combined_only(item, WITHOUT_OUT_DIR) for item in items]
    others = {csv_path: "the day's list"}
    if combined is not None:
        others[combined] = "the --combined PDF"
    if chart_notes is not None:
        others[chart_notes] = "the --chart-notes file"
    if book is not None:
        others[book.path] = "the journal"
    if keep:
        batch.check_apart(items, others)
    workers = min(jobs or batch.workers(), max(1, total))
    sys.stdout.write(escaped(f"Read {csv_path}: {day.describe()}.") + "\n")
    _warm_renderers()
    moment = now()
    on_written = None
    if book is not None:
        recording = book

        def on_written(job: batch.Job, outcome: batch.Outcome) -> None:
            assert outcome.given is not None
            recording.add(outcome.given, job.path if job.keep else None)

    printed: list[Path | bytes] = []  # the PDFs written, in the list's order, for --combined
    notes: list[tuple[batch.Job, str]] = []  # each patient's chart note, in the list's order
    by_line = {item.line: item for item in items if isinstance(item, batch.Job)}

    with _progress(total) as step:

        def progress(outcome: batch.Outcome) -> None:
            job = by_line.get(outcome.line)
            if outcome.written is not None and job is not None:
                if job.fmt is PDF:
                    printed.append(outcome.data if outcome.data is not None else outcome.written)
                if outcome.given is not None:
                    notes.append((job, outcome.given.note))
            step(outcome)

        try:
            summary = batch.run(
                iter(items), protocols, force=force, stamp=moment, jobs=workers,
                progress=progress, on_written=on_written,
            )  # fmt: skip
        except KeyboardInterrupt:  # stopped: the handouts written so far keep their notes
            _stopped_notes(notes, chart_notes, mrn=day.has("mrn"), force=force)
            raise
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
        wrote(f"{how_many} in {out_dir}", rows, book)
    else:
        sys.stdout.write(f"Made {how_many} for {combined} ({rows}).\n")
    if combined is not None:
        _write_combined(combined, printed, force=force, record=book, moment=moment)
    if chart_notes is not None:
        _write_chart_notes(chart_notes, notes, mrn=day.has("mrn"), force=force)
    return EXIT_SOME_REFUSED if refused else EXIT_OK


def _stopped_notes(
    notes: list[tuple[batch.Job, str]], path: Path | None, *, mrn: bool, force: bool
) -> None:
    """The chart notes of the handouts written before a stop, where the whole batch's go."""
    from vplan.chars import escaped

    notes = [(job, note) for job, note in notes if job.keep]  # a combined PDF is not written
    if not notes:
        return
    if path is None:
        sys.stdout.write("Chart notes of the handouts written before the stop:\n")
        for job, note in notes:
            sys.stdout.write(escaped(f"{_whose(job)}: {note}") + "\n")
    else:
        _write_chart_notes(path, notes, mrn=mrn, force=force)
    sys.stdout.flush()


def _whose(job: batch.Job) -> str:
    """``Line 2, Ann Lee (MRN 12345)``: whose chart a batch's note goes in."""
    mrn = f" (MRN {job.mrn})" if job.mrn else ""
    return f"Line {job.line}, {job.patient.name}{mrn}"


def _write_chart_notes(
    path: Path, notes: list[tuple[batch.Job, str]], *, mrn: bool, force: bool
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
    wrote(path, f"CSV, {count} chart note{'s' if count != 1 else ''}")


def _inert(cell: str) -> str:
    """A cell a spreadsheet shows as text: one that starts like a formula gets a leading '."""
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell


def _check_combined(combined: Path, asked: str | None, *, force: bool) -> None:
    """Refuse --combined before any handout is written, if its file cannot be written."""
    from vplan.output import check_writable

    if asked is not None and by_name(asked) is not PDF:
        raise InputError(f"--combined makes one PDF; leave out --format {asked}")
    if combined.suffix.lower() != PDF.ending:
        raise InputError(f"--combined writes a PDF; name it {combined.stem}{PDF.ending}")
    check_writable(combined, force=force)


def _write_combined(
    combined: Path,
    handouts: list[Path | bytes],
    *,
    force: bool,
    record: Journal | None = None,
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
        if record is not None:
            record.add_combined(combined, done, moment or now())
    wrote(
        combined,
        f"PDF, {done.handouts} handout{'s' if done.handouts != 1 else ''}, {done.pages} pages, "
        "each handout starting on a new sheet",
        record,
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
