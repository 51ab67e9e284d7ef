"""What the page makes from its forms, through the core's own functions, in memory.

Each field is read by the parser the command line reads it with, so the page refuses
what the command line refuses, in the same words, and a problem is shown beside the
field it concerns. The documents are the command line's, byte for byte, for the same
inputs: made by ``documents.make`` from the same plan and clock (``SOURCE_DATE_EPOCH``,
``VPLAN_TODAY``), and recorded from the same ``Given`` in the command line's
``delivery.Journal``, so their chart notes and journal entries are the command line's too.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from vplan.errors import RulesError, VplanError
from vplan.formats import PDF, OutputFormat, Paper
from vplan.i18n import ENGLISH, LANGUAGES

if TYPE_CHECKING:
    from vplan import batch
    from vplan.answer import Answer
    from vplan.daylist import DayList
    from vplan.delivery import Journal
    from vplan.documents import Given
    from vplan.handout import Layout, Patient
    from vplan.model import Protocol as RulesProtocol
    from vplan.plan import Plan
    from vplan.reports import Rule, WarningSigns
    from vplan.teachback import TeachBack

T = TypeVar("T")
GENERAL = ""  # the key of a problem that concerns no one field
COMBINED_ONLY = (  # how a row of another format than PDF is refused here
    "this page makes the combined PDF only; use 'vplan handout --batch' with --out-dir for it"
)


@dataclass(frozen=True)
class Settings:
    """What the page makes its outputs with: the rules, the clock's settings, the journal.

    ``journal`` is the command line's (``--record``): the page records each file it gives
    there, with the same entries as the command line.
    """

    rules: Path | None = None
    procedure: str | None = None
    env: Mapping[str, str] = field(default_factory=lambda: os.environ)
    journal: Journal | None = None


class Problems(Exception):
    """What the nurse must correct, by field (``GENERAL``: the form as a whole)."""

    def __init__(self, by_field: Mapping[str, str]) -> None:
        super().__init__("; ".join(by_field.values()))
        self.by_field = dict(by_field)


class Upload:
    """A file sent with a form, kept in memory: its name as the nurse's computer gave it."""

    def __init__(self, name: str, data: bytes) -> None:
        self.name = name
        self.data = data


@dataclass(frozen=True)
class Document:
    """One patient's file made for the page, and what the clinic keeps of it (its ``Given``)."""

    data: bytes
    fmt: OutputFormat
    file_name: str
    given: Given

    @property
    def chart_note(self) -> str:
        """The chart note, as the command line prints it."""
        return self.given.note

    @property
    def printed(self) -> bool:
        """Whether it is the PDF, which the browser opens to print."""
        return self.fmt is PDF


def _message(exc: VplanError, upload: Path | None = None, name: str = "") -> str:
    """The error's words, as the command line prints them; an upload is named as sent."""
    text = "\n".join([*exc.lines(), exc.summary()]) if isinstance(exc, RulesError) else str(exc)
    return text.replace(str(upload), name or "the file") if upload is not None else text


@contextmanager
def in_memory(upload: Upload) -> Iterator[Path]:
    """A path the core can read ``upload`` at, with its bytes in memory only (never a disk file)."""
    make = getattr(os, "memfd_create", None)
    if make is None:
        raise Problems({GENERAL: "reading a file sent to this page needs Linux; on this "
                                 "computer, use the command line"})  # fmt: skip
    fd = make("vplan-upload", getattr(os, "MFD_CLOEXEC", 0))
    try:
        view = memoryview(upload.data)
        while view:
            view = view[os.write(fd, view) :]
        yield Path(f"/proc/self/fd/{fd}")
    finally:
        os.close(fd)


def today(settings: Settings) -> date:
    """The date 'today' means, as on the command line (``VPLAN_TODAY``, else the system's)."""
    from vplan.clock import today as clock_today

    try:
        return clock_today(settings.env)
    except VplanError as exc:
        raise Problems({GENERAL: str(exc)}) from None


def load(settings: Settings, lang: str, procedure: str | None = None) -> RulesProtocol:
    """The protocol, as the command line loads it; refused in a language it lacks."""
    from vplan.rules import load_from

    try:
        protocol = load_from(settings.rules, settings.env, procedure or settings.procedure)
        if lang != ENGLISH:
            from vplan.i18n import require

            require(protocol, lang)
    except VplanError as exc:
        raise Problems({GENERAL: _message(exc)}) from None
    return protocol


def procedures(settings: Settings) -> list[str]:
    """The procedures the rules file has, the main one first."""
    from vplan.rules import load_book, resolve

    try:
        book = load_book(resolve(settings.rules, settings.env), settings.env)
    except VplanError:
        return []
    return [book.main, *book.others]


class Reader:
    """A form's fields read one by one; each problem is kept with its field."""

    def __init__(self, values: Mapping[str, str]) -> None:
        self.values = values
        self.problems: dict[str, str] = {}

    def text(self, name: str) -> str:
        """The field as typed ("" when absent)."""
        return self.values.get(name, "")

    def take(self, name: str, read: Callable[[], T]) -> T | None:
        """``read()``, or None with its problem kept beside ``name``."""
        try:
            return read()
        except VplanError as exc:
            self.problems.setdefault(name, _message(exc))
            return None

    def choice(self, name: str, choices: Mapping[str, T], default: str) -> T | None:
        """One of ``choices`` (a select's value), else a problem."""
        value = self.text(name) or default
        if value not in choices:
            self.problems[name] = f"'{value}' is not a choice here; pick one of the list"
            return None
        return choices[value]

    def done(self) -> None:
        """Stop with every problem found, if any."""
        if self.problems:
            raise Problems(self.problems)


@dataclass(frozen=True)
class HandoutForm:
    """The handout form, read: everything but the plan, which is made from it."""

    patient: Patient
    procedure_date: date
    procedure: str | None
    lang: str
    layout: Layout
    follow_up: tuple[str | None, str | None]
    mrn: str | None = None  # for a file for the record system only, as --mrn
    encounter: str | None = None  # as --encounter
    taught: str | None = None  # the teach-back's answers recorded, as --taught: "1,2,4"
    teach_digest: str | None = None  # the digest of the questions shown (``digest``)


def read_handout(
    values: Mapping[str, str], settings: Settings, fmt: OutputFormat | None = None
) -> HandoutForm:
    """The handout form's fields, each read as the command line reads its option.

    The MRN and the visit number are read as ``--mrn`` and ``--encounter``; a file for the
    record system (``fmt``) needs the MRN, and only such a file carries them.
    """
    from vplan.ehr import check_id, require_mrn
    from vplan.handout import Layout, Patient, check_field, check_phone
    from vplan.parse import parse_date, parse_levels
    from vplan.patient import follow_up_visit

    form = Reader(values)
    name = form.take("patient", lambda: check_field("patient's name", form.text("patient"),
                                                    required=True))  # fmt: skip
    clinic = form.take("clinic", lambda: check_field("clinic", form.text("clinic")))
    phone = form.take("phone", lambda: check_phone(form.text("phone")))
    doctor = form.take("doctor", lambda: check_field("doctor", form.text("doctor")))
    levels_text = form.text("levels")
    levels = form.take("levels", lambda: parse_levels(levels_text) if levels_text.strip() else None)
    day = today(settings)
    start_text = form.text("procedure_date")
    if not start_text.strip():
        form.problems["procedure_date"] = "give the procedure date"
    start = form.take("procedure_date", lambda: parse_date(start_text, today=day,
                                                           name="procedure date"))  # fmt: skip
    visit = (form.text("follow_up") or None, form.text("follow_up_place") or None)
    place_only = visit[0] is None and visit[1] is not None
    form.take("follow_up_place" if place_only else "follow_up", lambda: follow_up_visit(*visit))
    lang = form.choice("lang", {code: code for code in LANGUAGES}, ENGLISH)
    paper = form.choice("paper", {p.value: p for p in Paper}, Paper.LETTER.value)
    procedure = form.text("procedure") or None
    mrn = form.take("mrn", lambda: check_id("medical record number", form.text("mrn") or None,
                                            "--mrn"))  # fmt: skip
    encounter = form.take("encounter", lambda: check_id("visit number",
                                                        form.text("encounter") or None,
                                                        "--encounter"))  # fmt: skip
    if fmt is not None and fmt.needs_mrn and "mrn" not in form.problems:
        form.take("mrn", lambda: require_mrn(mrn, fmt.label))
    form.done()
    assert name is not None
    assert start is not None
    assert lang is not None
    assert paper is not None
    patient = Patient(name, clinic, phone, doctor, levels)
    layout = Layout(paper, form.text("large_print") == "yes")
    if fmt is None or not fmt.needs_mrn:
        mrn = encounter = None  # the other files carry neither
    taught = form.text("taught") or None
    return HandoutForm(
        patient, start, procedure, lang, layout, visit, mrn, encounter, taught,
        form.text("teach_digest") or None,
    )  # fmt: skip


def plan_for(form: HandoutForm, orders: Upload | None, settings: Settings) -> Plan:
    """The patient's plan: the protocol, the care team's orders (a file sent) and the visit."""
    from vplan.errors import OrdersError
    from vplan.patient import follow_up_visit, patient_plan

    protocol = load(settings, form.lang, form.procedure)
    path = None
    try:
        booked = follow_up_visit(*form.follow_up)
        if orders is None:
            return patient_plan(protocol, form.procedure_date, follow_up=booked, lang=form.lang)
        with in_memory(orders) as path:
            return patient_plan(
                protocol, form.procedure_date, orders=path, follow_up=booked, lang=form.lang,
                orders_label=orders.name,
            )  # fmt: skip
    except VplanError as exc:
        text = _message(exc, path, orders.name if orders is not None else "")
        if isinstance(exc, OrdersError) or (
            path is not None and orders is not None and orders.name in text
        ):
            raise Problems({"orders": text}) from None
        raise Problems({"follow_up" if "follow-up" in text else GENERAL: text}) from None


PHONE_PROBLEM = "the handout has no phone number"


def make_document(
    form: HandoutForm, plan: Plan, fmt: OutputFormat, settings: Settings, *, record: bool
) -> Document:
    """The handout (or phone calendar) as the command line makes it; recorded when given.

    Made by ``documents.make``, as ``vplan handout`` makes it, and recorded from the same
    ``Given``: the bytes, the journal's entry and the chart note are the command line's.
    """
    from vplan.batch import safe_stem
    from vplan.clock import now
    from vplan.documents import Subject, make

    try:
        taught = None
        if form.taught is not None:
            from vplan.teachback import outcome, parse_taught

            view = teach_back(form, plan, settings, phone_needed=False)
            if form.teach_digest != digest(view, form.patient.name):
                raise Problems({GENERAL: TAUGHT_OTHERS})
            taught = outcome(view, parse_taught(form.taught, len(view.questions))).chart_line()
        subject = Subject(
            plan, now(settings.env), form.lang, patient=form.patient, layout=form.layout,
            mrn=form.mrn, encounter=form.encounter, teach_back=taught,
        )  # fmt: skip
        made = make(fmt, subject)
    except VplanError as exc:
        text = _message(exc)
        raise Problems({"phone" if text.startswith(PHONE_PROBLEM) else GENERAL: text}) from None
    if record and settings.journal is not None:
        try:
            settings.journal.add(made.given, None)  # given for download, not written here
        except VplanError as exc:
            raise Problems({GENERAL: _message(exc)}) from None
    stem = safe_stem(form.patient.name) or "handout"
    return Document(made.data, fmt, f"{stem}{fmt.ending}", made.given)


NO_TEACH_PHONE = (
    "the teach-back asks which number to call; give --phone NUMBER, or the clinic's "
    "number in the rules (protocol.contact.phone)"
)  # as ``vplan teach-back`` says it


def teach_back(
    form: HandoutForm, plan: Plan, settings: Settings, *, phone_needed: bool = True
) -> TeachBack:
    """The teach-back questions of ``plan``, asked today, as ``vplan teach-back`` shows them.

    The number to call is the form's, else the rules'; ``vplan teach-back`` refuses to ask
    without one, while a handout's ``--taught`` (``phone_needed`` False) does not ask.
    """
    from vplan.teachback import build_teach_back

    number = form.patient.phone or plan.protocol.info.phone
    if not number and phone_needed:
        raise Problems({"phone": NO_TEACH_PHONE})
    day = max(0, plan.day_of(today(settings)))
    return build_teach_back(plan, day=day, phone=number or "", lang=form.lang)


NOT_SHOWN = (
    "these are not the teach-back questions shown: a field changed since they were shown; "
    "press 'Teach-back questions', ask them again and tick the answers"
)
TAUGHT_OTHERS = (
    "the teach-back recorded was for other questions or another patient: a field changed "
    "since; press 'Teach-back questions' and record the answers again, or open the form "
    "afresh to save without them"
)


def digest(view: TeachBack, patient: str) -> str:
    """What identifies the questions shown: the patient, the day, the words and the answers.

    The answers ticked are recorded only against the questions they were ticked beside,
    for the patient they were asked of.
    """
    import hashlib
    import json

    shown = [patient, view.day, view.lang, [[q.number, q.text, q.answer] for q in view.questions]]
    return hashlib.sha256(json.dumps(shown, ensure_ascii=False).encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Taught:
    """The teach-back shown; recorded, the numbers answered ("1,2,4" or "none") and its note."""

    view: TeachBack
    patient: str
    answered: str | None = None
    note: str | None = None

    @property
    def digest(self) -> str:
        """The digest of the questions shown, which the form sends back with the ticks."""
        return digest(self.view, self.patient)


def answered_in(values: Mapping[str, str], asked: int) -> str:
    """The questions ticked as answered (``answered_N``), as ``--taught`` writes them."""
    ticked = [str(n) for n in range(1, asked + 1) if values.get(f"answered_{n}") == "yes"]
    return ",".join(ticked) or "none"


def record_teach_back(
    form: HandoutForm, plan: Plan, values: Mapping[str, str], settings: Settings
) -> Taught:
    """The answers ticked: the chart note and the journal's entry of ``teach-back --taught``."""
    from vplan.clock import now
    from vplan.documents import Subject
    from vplan.record import visit_moment
    from vplan.teachback import chart_note, outcome, parse_taught

    view = teach_back(form, plan, settings)
    if form.teach_digest != digest(view, form.patient.name):
        raise Problems({GENERAL: NOT_SHOWN})
    answered = answered_in(values, len(view.questions))
    try:
        done = outcome(view, parse_taught(answered, len(view.questions)))
        stamp = Subject(plan, now(settings.env), form.lang).stamp
        if settings.journal is not None:
            settings.journal.add_teach_back(
                plan, stamp, done, form.patient.name, follow_up=visit_moment(plan.follow_up)
            )
    except VplanError as exc:
        raise Problems({GENERAL: _message(exc)}) from None
    return Taught(view, form.patient.name, answered, chart_note(plan, stamp, done))


@dataclass(frozen=True)
class Asked:
    """``check``'s answer, or the rule itself when no procedure date is given."""

    answers: tuple[Answer, ...] = ()
    rules: tuple[Rule, ...] = ()


def ask(values: Mapping[str, str], settings: Settings) -> Asked:
    """The question box, answered as ``vplan check`` answers it."""
    from vplan.parse import parse_date
    from vplan.question import (
        NEEDS_PROCEDURE_DATE,
        answers,
        day_asked,
        read_question,
        split_activity,
    )

    form = Reader(values)
    lang = form.choice("lang", {code: code for code in LANGUAGES}, ENGLISH)
    words = form.text("question").split()
    if not words:
        form.problems["question"] = "write the activity, such as: lifting 15lb"
    split = form.take("question", lambda: split_activity(words))
    day = today(settings)
    start_text = form.text("procedure_date")
    start = None
    if start_text.strip():
        start = form.take("procedure_date", lambda: parse_date(start_text, today=day,
                                                               name="procedure date"))  # fmt: skip
    form.done()
    assert split is not None
    assert lang is not None
    protocol = load(settings, lang)
    question = form.take("question", lambda: read_question(protocol, *split))
    form.done()
    assert question is not None
    if start is None:
        if form.text("on").strip():
            raise Problems({"on": NEEDS_PROCEDURE_DATE})
        from vplan.reports import build_rule

        return Asked(rules=tuple(build_rule(protocol, a, lang) for a in question.found))
    from vplan.plan import build_plan

    plan = build_plan(protocol, start)
    asked_day = form.take("on", lambda: day_asked(plan, form.text("on") or None, None, day))
    form.done()
    assert asked_day is not None
    return Asked(answers=tuple(answers(plan, question, asked_day, lang)))


def warning_signs(settings: Settings, lang: str) -> WarningSigns:
    """The warning signs, as ``vplan red-flags`` lists them."""
    from vplan.reports import build_warning_signs

    return build_warning_signs(load(settings, lang), lang)


@dataclass(frozen=True)
class Refused:
    """A row of the day's list that was not made, with the reason the command line gives."""

    line: int
    problem: str


@dataclass(frozen=True)
class DayResult:
    """The day's list made: the combined PDF, the chart notes and the refused rows."""

    combined: bytes | None
    handouts: int
    pages: int
    notes: tuple[tuple[int, str, str], ...]  # line, name, chart note
    refused: tuple[Refused, ...]
    described: str


def day_list(values: Mapping[str, str], upload: Upload | None, settings: Settings) -> DayResult:
    """The day's list as ``handout --batch LIST --combined FILE.pdf`` makes it, in memory."""
    from vplan import batch, daylist
    from vplan.clock import now
    from vplan.combined import combined_bytes
    from vplan.handout import Layout, Patient, check_field, check_phone
    from vplan.parse import DATE_ORDERS
    from vplan.rules import resolve

    form = Reader(values)
    if upload is None or not upload.data:
        form.problems["list"] = "choose the day's list, a CSV file or an Excel workbook (.xlsx)"
    lang = form.choice("lang", {code: code for code in LANGUAGES}, ENGLISH)
    paper = form.choice("paper", {p.value: p for p in Paper}, Paper.LETTER.value)
    order = form.choice("date_format", {o: o for o in DATE_ORDERS}, "iso")
    clinic = form.take("clinic", lambda: check_field("clinic", form.text("clinic")))
    phone = form.take("phone", lambda: check_phone(form.text("phone")))
    doctor = form.take("doctor", lambda: check_field("doctor", form.text("doctor")))
    form.done()
    assert upload is not None
    assert lang is not None
    assert paper is not None
    assert order is not None
    layout = Layout(paper, form.text("large_print") == "yes")
    day = today(settings)
    with in_memory(upload) as path:
        try:
            chosen = batch.load_rules(
                resolve(settings.rules, settings.env), settings.env, settings.procedure, lang
            )
            protocols = chosen.book.protocols
            listed = _without_orders(daylist.open_list(path, sheet=form.text("sheet") or None))
            items = list(batch.read_jobs(
                listed, path.parent, layout=layout, fmt=None, today=day, lang=lang,
                procedure=chosen.procedure, untranslated=chosen.untranslated,
                defaults=Patient("", clinic=clinic, phone=phone, doctor=doctor),
                date_order=order, protocols=protocols,
            ))  # fmt: skip
            batch.check_dates(path, items)
        except VplanError as exc:
            raise Problems({"list": _message(exc, path, upload.name)}) from None
        described = listed.describe()
    items = [batch.combined_only(item, COMBINED_ONLY) for item in items]
    jobs = {item.line: item for item in items if isinstance(item, batch.Job)}
    moment = now(settings.env)
    printed: list[bytes] = []
    notes: list[tuple[int, str, str]] = []

    journal = settings.journal
    on_written = None
    if journal is not None:
        recording = journal

        def on_written(job: batch.Job, outcome: batch.Outcome) -> None:
            assert outcome.given is not None
            recording.add(outcome.given, None)  # in the combined PDF only, as with --combined

    def progress(outcome: batch.Outcome) -> None:
        job = jobs.get(outcome.line)
        if outcome.data is not None and outcome.given is not None and job is not None:
            printed.append(outcome.data)
            notes.append((job.line, job.patient.name, outcome.given.note))

    try:
        summary = batch.run(
            iter(items), protocols, force=False, stamp=moment, jobs=1, progress=progress,
            on_written=on_written,
        )  # fmt: skip
        refused = tuple(Refused(o.line, o.problem or "") for o in summary.refused)
        if not printed:
            return DayResult(None, 0, 0, tuple(notes), refused, described)
        data, done = combined_bytes(printed)
        if journal is not None:
            journal.add_combined(None, done, moment)  # offered for download, not written here
    except VplanError as exc:
        raise Problems({GENERAL: _message(exc)}) from None
    return DayResult(data, done.handouts, done.pages, tuple(notes), refused, described)


def _without_orders(listed: DayList) -> DayList:
    """The list, each row that names an orders file refused: the page has only the list sent.

    (A name is never looked up beside the list: the page's list is in memory, not in a folder.)
    """
    from dataclasses import fields

    from vplan.daylist import DayList, Record

    class WithoutOrders(DayList):
        def records(self) -> Iterator[Record]:
            for record in super().records():
                named = record.cells.get("orders", "")
                if record.problem is None and named:
                    yield record._replace(cells={}, problem=(
                        f"the row names an orders file ({named}); this page reads only the list "
                        "sent, so make this row with 'vplan handout --batch'"
                    ))  # fmt: skip
                else:
                    yield record

    return WithoutOrders(*(getattr(listed, f.name) for f in fields(listed)))
