"""A whole day's list: one handout per row, written in parallel.

``daylist`` reads the list (CSV or workbook); here each row becomes a job. Rows are read
and checked one at a time (a bad row is refused with its line number,
the others go on), and only a few rows are in flight at once, so memory does not
grow with the length of the list.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from vplan.daylist import DayList
from vplan.documents import Given, Subject, make
from vplan.errors import InputError, OrdersError, OutputError, VplanError
from vplan.formats import PDF, Command, OutputFormat, by_ending, endings
from vplan.handout import Layout, Paper, Patient, check_field, check_phone
from vplan.i18n import ENGLISH, LANGUAGES, language_name
from vplan.model import Book, Protocol, Where, normalize_name, place
from vplan.orders import Orders, patient_protocol
from vplan.parse import ORDER_FORM, DateOrder, ParseError, parse_levels, parse_list_date
from vplan.patient import follow_up_visit
from vplan.plan import MAX_FOLLOW_UP_DAYS, FollowUp, build_plan

if TYPE_CHECKING:
    from vplan.rules import RulesSource

YES = frozenset({"yes", "y", "true", "1", "x"})
NO = frozenset({"no", "n", "false", "0", ""})
MAX_NAME = 100
IN_FLIGHT_PER_WORKER = 4


@dataclass(frozen=True)
class Job:
    """One row to write: whose handout, in which format, to which file."""

    line: int
    patient: Patient
    procedure_date: date
    layout: Layout
    fmt: OutputFormat
    path: Path
    procedure: str  # the key of the procedure's protocol
    lang: str = ENGLISH
    follow_up: FollowUp | None = None
    orders_file: Path | None = None  # as the 'orders' column names it, from the CSV's folder
    orders: Orders | None = None  # read and checked against the row's protocol
    mrn: str | None = None  # the list's MRN column: for the chart notes, and the record system
    keep: bool = True  # False: the handout goes into the combined PDF only, not a file


@dataclass(frozen=True)
class ProcedureChoice:
    """The command's procedure, and every procedure of the rules a row may name."""

    default: str
    book: Book

    def key(self, name: str) -> str:
        """The procedure a row names (empty: the command's); an unknown name is refused."""
        if not name:
            return self.default
        folded = normalize_name(name)
        if folded not in self.book.names:
            known = ", ".join(sorted(self.book.protocols))
            raise InputError(f"unknown procedure '{name}'; write one of: {known}")
        return self.book.names[folded]


@dataclass(frozen=True)
class BatchRules:
    """The rules a batch writes from: every procedure, the command's, the texts not translated."""

    book: Book
    procedure: ProcedureChoice
    # For each procedure and each language vplan has: the texts without a version in it.
    untranslated: Mapping[tuple[str, str], Sequence[Where]]


def load_rules(
    source: RulesSource, env: Mapping[str, str], procedure: str | None, lang: str
) -> BatchRules:
    """Read the rules once for the whole list; refuse them if the command's language lacks texts.

    Each procedure's protocol is built once, here, and each worker gets them all.
    """
    from vplan.i18n import missing_texts, require
    from vplan.rules import load_book

    book = load_book(source, env)
    default = book.key(procedure)
    if lang != ENGLISH:
        require(book.protocols[default], lang)
    untranslated = {
        (key, code): missing_texts(protocol, code)
        for key, protocol in book.protocols.items()
        for code in LANGUAGES
    }
    return BatchRules(book, ProcedureChoice(default, book), untranslated)


@dataclass(frozen=True)
class Outcome:
    """What became of one row: the file written, or why the row was refused."""

    line: int
    written: Path | None = None
    problem: str | None = None
    given: Given | None = None  # of the file written: its journal entry and chart note
    data: bytes | None = None  # the handout itself, when it is not kept as a file
    needs_order: bool = False  # refused for a date such as 03/01/2025 without --date-format


@dataclass(frozen=True)
class Summary:
    """How the batch went."""

    written: int
    refused: tuple[Outcome, ...]


def safe_stem(text: str) -> str:
    """A file-name stem from ``text``: ASCII letters, digits, '-' and '_' only, never a path."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    stem = re.sub(r"[^A-Za-z0-9_]+", "-", ascii_text).strip("-_").lower()
    return stem[:MAX_NAME].rstrip("-_")


def read_jobs(
    day: DayList,
    out_dir: Path,
    *,
    layout: Layout,
    fmt: OutputFormat | None,
    today: date,
    procedure: ProcedureChoice,
    lang: str = ENGLISH,
    untranslated: Mapping[tuple[str, str], Sequence[Where]] | None = None,
    defaults: Patient | None = None,
    date_order: DateOrder = "iso",
    protocols: Mapping[str, Protocol] | None = None,
) -> Iterator[Job | Outcome]:
    """Each row of the list as a job to write, or as a refused outcome saying why.

    ``lang`` is the language of a row with an empty ``lang`` cell; ``untranslated`` names,
    for each language the rules are not wholly written in, the texts without it: a row in
    such a language is refused. ``date_order`` reads dates such as 03/01/2025.
    """
    taken: dict[str, int] = {}
    for record in day.records():
        line = record.line
        if record.problem is not None:
            yield Outcome(line, problem=record.problem)
            continue
        try:
            job = _job(
                record.cells, line, out_dir, layout=layout, fmt=fmt, today=today, lang=lang,
                defaults=defaults, date_order=date_order,
            )  # fmt: skip
            job = replace(job, procedure=procedure.key(record.cells.get("procedure", "")))
            missing = (untranslated or {}).get((job.procedure, job.lang), ())
            _check_translated(job.lang, missing)
            job = _with_orders(job, day.path.parent, protocols)
        except OrdersError as exc:
            first = exc.problems[0]
            more = f" (and {len(exc.problems) - 1} more)" if len(exc.problems) > 1 else ""
            yield Outcome(line, problem=f"{exc}: {first}{more}")
            continue
        except (InputError, ParseError) as exc:
            order = isinstance(exc, ParseError) and exc.fix == ORDER_FORM
            yield Outcome(line, problem=_reason(exc), needs_order=order)
            continue
        key = job.path.name.lower()
        if key in taken:
            yield Outcome(
                line,
                problem=f"the file name {job.path.name} is already used by line {taken[key]}; "
                "give this row its own name in the 'output' column",
            )
            continue
        taken[key] = line
        yield job


def combined_only(item: Job | Outcome, remedy: str) -> Job | Outcome:
    """A row made for the combined PDF only, not kept as a file; another format is refused.

    ``remedy`` ends the refusal: how to make that row (it differs by where the list came in).
    """
    if not isinstance(item, Job):
        return item
    if item.fmt is not PDF:
        return Outcome(
            item.line, problem=f"the row asks for {item.fmt.label} ({item.path.name}), and {remedy}"
        )
    return replace(item, keep=False)


def check_dates(path: Path, items: Sequence[Job | Outcome]) -> None:
    """Refuse, in one line, a list whose every row has a date such as 03/01/2025 to be read."""
    if items and all(isinstance(item, Outcome) and item.needs_order for item in items):
        rows = f"all {len(items)} rows" if len(items) > 1 else "its row"
        raise InputError(
            f"{path}: the procedure dates of {rows} are written such as 03/01/2025, which "
            "could be month first or day first; give --date-format mdy (month first, as in "
            "the US) or --date-format dmy (day first)"
        )


def check_apart(items: Sequence[Job | Outcome], others: Mapping[Path, str]) -> None:
    """Refuse, before anything is written, a row whose file is another file of the run.

    ``others`` names the combined PDF, the journal and the list itself, with what each is:
    a handout written there would be overwritten by it, or overwrite it.
    """
    places = {_place(path): (path, what) for path, what in others.items()}
    for job in items:
        if isinstance(job, Job) and _place(job.path) in places:
            path, what = places[_place(job.path)]
            raise InputError(
                f"{what} {path} is also the handout of line {job.line} ({job.path.name}); "
                f"give {what} another name"
            )


def _place(path: Path) -> tuple[Path, str]:
    """Where a file is: its folder, resolved, and its name folded (as on a folded file system)."""
    return path.parent.resolve(), path.name.lower()


def _check_translated(lang: str, missing: Sequence[Where]) -> None:
    if missing:
        more = f" and {len(missing) - 1} more" if len(missing) > 1 else ""
        raise InputError(
            f"the rules have no {language_name(lang)} text for {place(missing[0])}{more}; "
            "add the translations to the rules (see 'vplan rules lint'), or write another "
            "language in the 'lang' column"
        )


def _reason(exc: Exception) -> str:
    if isinstance(exc, ParseError):
        return f"{exc.what}; {exc.fix}"
    return str(exc)


def _job(
    row: Mapping[str, str],
    line: int,
    out_dir: Path,
    *,
    layout: Layout,
    fmt: OutputFormat | None,
    today: date,
    lang: str,
    defaults: Patient | None = None,
    date_order: DateOrder = "iso",
) -> Job:
    name = check_field("patient's name", row.get("name"), required=True)
    assert name is not None
    when = parse_list_date(
        row["procedure_date"], order=date_order, today=today, name="procedure date"
    )
    given = defaults or Patient("")
    patient = Patient(
        name=name,
        clinic=check_field("clinic", row.get("clinic")) or given.clinic,
        phone=check_phone(row.get("phone")) or given.phone,
        doctor=check_field("doctor", row.get("doctor")) or given.doctor,
        levels=parse_levels(row["levels"]) if row.get("levels") else None,
    )
    row_layout = Layout(
        paper=_paper(row.get("paper", ""), layout.paper),
        large_print=_yes_no(row.get("large_print", ""), layout.large_print),
    )
    row_fmt, file_name = _file_name(row.get("output", ""), name, when, fmt)
    row_lang = _language(row.get("lang", ""), lang)
    visit = follow_up_visit(
        row.get("follow_up") or None, row.get("follow_up_place") or None, date_order
    )
    orders = Path(row["orders"]) if row.get("orders") else None
    mrn = check_field("MRN", row.get("mrn"))
    if row_fmt.needs_mrn:  # a file for the record system names the patient by the MRN only
        from vplan.ehr import check_id, require_mrn

        mrn = require_mrn(check_id("medical record number", mrn, "the MRN"), row_fmt.name)
    return Job(
        line, patient, when, row_layout, row_fmt, out_dir / file_name, procedure="",
        lang=row_lang, follow_up=visit, orders_file=orders, mrn=mrn,
    )  # fmt: skip


def _with_orders(job: Job, folder: Path, protocols: Mapping[str, Protocol] | None) -> Job:
    """The row's orders file read and checked against its protocol; a visit checked too."""
    if job.follow_up is not None and job.follow_up.date < job.procedure_date:
        raise InputError(
            f"the follow-up visit {job.follow_up.date.isoformat()} is before the procedure "
            f"date {job.procedure_date.isoformat()}; check the date of the visit"
        )
    if job.follow_up is not None and (
        (job.follow_up.date - job.procedure_date).days > MAX_FOLLOW_UP_DAYS
    ):
        raise InputError(
            f"the follow-up visit {job.follow_up.date.isoformat()} is more than a year after "
            f"the procedure date {job.procedure_date.isoformat()}; check the year of the visit"
        )
    if job.orders_file is None or protocols is None:
        return job
    from vplan.orders import load_orders

    path = job.orders_file if job.orders_file.is_absolute() else folder / job.orders_file
    orders = load_orders(
        path, protocols[job.procedure], procedure_date=job.procedure_date, lang=job.lang,
        label=str(job.orders_file),
    )  # fmt: skip
    return replace(job, orders=orders)


def _language(text: str, default: str) -> str:
    if not text:
        return default
    if text.lower() not in LANGUAGES:
        raise InputError(f"unknown language '{text}'; write {' or '.join(LANGUAGES)}")
    return text.lower()


def _paper(text: str, default: Paper) -> Paper:
    if not text:
        return default
    try:
        return Paper(text.lower())
    except ValueError:
        raise InputError(
            f"unknown paper '{text}'; write {' or '.join(p.value for p in Paper)}"
        ) from None


def _yes_no(text: str, default: bool) -> bool:
    if not text:
        return default
    if text.lower() in YES:
        return True
    if text.lower() in NO:
        return False
    raise InputError(f"large_print is '{text}'; write yes or no")


def _file_name(
    output: str, name: str, when: date, fmt: OutputFormat | None
) -> tuple[OutputFormat, str]:
    """The row's format and a safe file name inside the folder, never a path out of it."""
    found = by_ending(output, Command.HANDOUT) if output else None
    stem_text = output
    if found is not None:
        ending = max((e for e in found.endings if output.lower().endswith(e)), key=len)
        stem_text = output[: -len(ending)]
    elif output:
        suffix = Path(output).suffix.lower()
        if suffix and not re.fullmatch(r"\.[0-9]+", suffix):
            known = endings(Command.HANDOUT)
            raise InputError(
                f"the output name '{output}' ends in {suffix}; end it in "
                f"{', '.join(known[:-1])} or {known[-1]}"
            )
    row_fmt = found or fmt or PDF
    if fmt is not None and row_fmt is not fmt:
        raise InputError(
            f"the output name '{output}' is not a {fmt.name} file; end it in {fmt.ending}"
        )
    stem = safe_stem(stem_text) if output else ""
    if output and not stem:
        raise InputError(f"the output name '{output}' has no letters or digits to name a file")
    if not stem:
        stem = f"{safe_stem(name) or 'patient'}_{when.isoformat()}"
    return row_fmt, f"{stem}{row_fmt.ending}"


# Each worker process keeps the protocols (one per procedure) it was given at start.
_PROTOCOLS: Mapping[str, Protocol] = {}


def _start_worker(protocols: Mapping[str, Protocol], watch: int = -1, parent_end: int = -1) -> None:
    """Set up a worker: its protocols, and a stop when the parent goes.

    ``watch`` is the read end of a pipe whose only write end the parent holds: it reads
    as ended when the parent exits, is killed or gives up on the run. The worker then
    removes the file it is writing and stops, so no handout is written after the parent.
    """
    global _PROTOCOLS  # set once per worker process
    _PROTOCOLS = protocols
    if watch < 0:
        return
    import signal
    import threading

    os.close(parent_end)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    signal.signal(signal.SIGTERM, lambda signum, frame: _stop_worker())

    def watch_parent() -> None:
        while True:
            try:
                if not os.read(watch, 1):
                    break
            except InterruptedError:
                continue
            except OSError:
                break
        _stop_worker()

    threading.Thread(target=watch_parent, name="vplan-watch-parent", daemon=True).start()


def _stop_worker() -> None:
    from vplan.output import discard_temporaries

    discard_temporaries()
    os._exit(143)


def write_one(job: Job, *, force: bool, stamp: datetime) -> Outcome:
    """Build, render and write one row's handout; a failure is the row's outcome, not a crash.

    ``stamp`` is when the batch was made: the calendar's DTSTAMP and the stamp's date.
    """
    from vplan.delivery import deliver

    try:
        protocol, given = patient_protocol(_PROTOCOLS[job.procedure], job.orders)
        plan = build_plan(protocol, job.procedure_date, orders=given, follow_up=job.follow_up)
        subject = Subject(
            plan, stamp, job.lang, patient=job.patient, layout=job.layout, mrn=job.mrn
        )
        made = make(job.fmt, subject)
        if job.keep:
            # Recorded by the parent, in the list's order; a worker stops as _start_worker says.
            deliver(made, job.path, force=force, hold=False)
    except VplanError as exc:
        return Outcome(job.line, problem=str(exc))
    except Exception as exc:  # one row's failure must not stop the others
        return Outcome(job.line, problem=f"the handout could not be made ({type(exc).__name__})")
    return Outcome(
        job.line, written=job.path, given=made.given, data=None if job.keep else made.data
    )


def workers() -> int:
    """The processor cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def run(
    items: Iterator[Job | Outcome],
    protocols: Mapping[str, Protocol],
    *,
    force: bool,
    stamp: datetime,
    jobs: int,
    progress: Callable[[Outcome], None] = lambda outcome: None,
    on_written: Callable[[Job, Outcome], None] | None = None,
) -> Summary:
    """Write every job, ``jobs`` at a time, reporting each outcome in the list's order.

    ``on_written`` is called in this process (never in a worker) for each file written,
    one at a time and in the list's order: the journal is appended to there. An outcome
    that comes back before those of earlier rows waits for them.
    """
    written = 0
    refused: list[Outcome] = []

    def record(outcome: Outcome, job: Job | None = None) -> None:
        nonlocal written
        if outcome.written is not None:
            written += 1
            if on_written is not None and job is not None:
                on_written(job, outcome)
        else:
            refused.append(outcome)
        progress(outcome)

    from vplan.output import held_stops

    if jobs <= 1:
        _start_worker(protocols)
        for item in items:
            if isinstance(item, Outcome):
                record(item)
                continue
            with held_stops():  # a stop comes between whole, recorded files
                record(write_one(item, force=force, stamp=stamp), item)
    else:
        # The workers watch the read end; only this process holds the write end. When it
        # closes (this run stops, or this process dies) the workers stop.
        watch, parent_end = os.pipe()
        pool = _pool(jobs, protocols, watch, parent_end)
        pending: dict[Future[Outcome], Job] = {}
        number: dict[Future[Outcome], int] = {}  # each job's place in the list
        ready: dict[int, tuple[Future[Outcome], Job]] = {}  # returned, waiting for earlier rows
        counted = 0  # jobs submitted
        following = 0  # the place of the next job to record
        before: dict[Path, tuple[int, int] | None] = {}  # each file as it was before its job

        def take(future: Future[Outcome]) -> None:
            """A finished job waits for earlier rows; every job now in order is recorded."""
            nonlocal following
            with held_stops():
                job = pending.pop(future)
                ready[number.pop(future)] = (future, job)
                while following in ready:
                    done_future, done_job = ready.pop(following)
                    following += 1
                    record(done_future.result(), done_job)

        try:
            for item in items:
                if isinstance(item, Outcome):
                    record(item)
                    continue
                before[item.path] = _identity(item.path)
                future = pool.submit(write_one, item, force=force, stamp=stamp)
                pending[future] = item
                number[future] = counted
                counted += 1
                while pending and len(pending) + len(ready) >= jobs * IN_FLIGHT_PER_WORKER:
                    done, _ = wait(pending, return_when=FIRST_COMPLETED)
                    for future in done:
                        take(future)
            while pending:
                take(next(iter(wait(pending).done)))
        except BaseException as stop:  # Ctrl-C, SIGTERM: the workers stop now, between whole files
            os.close(parent_end)
            parent_end = -1
            pool.shutdown(wait=True, cancel_futures=True)
            left = sorted(
                [(number[f], f, j) for f, j in pending.items()]
                + [(place, f, j) for place, (f, j) in ready.items()],
                key=lambda entry: entry[0],
            )
            _settle(
                {f: j for _, f, j in left}, before,
                record if isinstance(stop, KeyboardInterrupt) else None,
            )  # fmt: skip
            raise
        finally:
            pool.shutdown(wait=True)
            for fd in (watch, parent_end):
                if fd >= 0:
                    os.close(fd)
    return Summary(written, tuple(sorted(refused, key=lambda o: o.line)))


def _identity(path: Path) -> tuple[int, int] | None:
    """What tells one file at ``path`` from another written there later (None: no file)."""
    try:
        info = path.stat(follow_symlinks=False)
    except OSError:
        return None
    return info.st_ino, info.st_mtime_ns


def _settle(
    pending: Mapping[Future[Outcome], Job],
    before: Mapping[Path, tuple[int, int] | None],
    record: Callable[[Outcome, Job], None] | None,
) -> None:
    """After a stopped run, leave no handout written and not recorded.

    A file whose worker returned is recorded (``record``), or removed when it cannot be
    (``None``: the run stopped because recording failed). A file written by a worker that
    was stopped before it could return is removed.
    """
    for future, job in pending.items():
        outcome = None
        if future.done() and not future.cancelled() and future.exception() is None:
            outcome = future.result()
        if outcome is not None and outcome.written is None:
            continue  # refused: nothing was written
        if outcome is not None and record is not None:
            try:
                record(outcome, job)
                continue
            except Exception:  # the file is then removed, as not recorded
                pass
        if job.keep and _identity(job.path) != before.get(job.path):
            job.path.unlink(missing_ok=True)


def _pool(jobs: int, protocols: Mapping[str, Protocol], watch: int, parent_end: int) -> Executor:
    import multiprocessing

    # Forked workers start with the fonts and libraries the parent already loaded.
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    from functools import partial

    forked = context.get_start_method() == "fork"  # a worker started afresh has no pipe
    start = partial(_start_worker, protocols, *((watch, parent_end) if forked else ()))
    return ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=start)


def check_out_dir(out_dir: Path) -> None:
    """Make the output folder if it is new; refuse one that cannot be written."""
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(f"{out_dir} is a file, not a folder; give a folder for --out-dir")
    if not out_dir.exists():
        if not out_dir.parent.is_dir():
            raise OutputError(
                f"cannot make {out_dir}: the folder {out_dir.parent} does not exist; "
                "create it first"
            )
        try:
            out_dir.mkdir()
        except OSError as exc:
            raise OutputError(
                f"cannot make {out_dir} ({exc.strerror}); choose another folder"
            ) from None
    if not os.access(out_dir, os.W_OK | os.X_OK):
        raise OutputError(f"cannot write in {out_dir} (permission denied); choose another folder")
