"""Making one patient's document: the plan, stamped and rendered in one format, pure.

``make(fmt, subject)`` is the one way a patient's file is made, for ``schedule -o``,
``handout`` and every batch worker: it stamps the plan, calls the format's renderer (named
by its row of ``formats.FORMATS`` and imported only now) and returns a ``Made``: the
bytes, and the ``Given``, what the clinic keeps of it (the journal entry's fields and the
chart note are both built from it, so they cannot disagree). ``delivery.deliver`` writes
a made document and records it.

The renderers below are the table's own: each is a function of a ``Subject`` to
``Rendered``, loading its library when it is called.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, NamedTuple

from vplan.formats import OutputFormat, Paper
from vplan.i18n import ENGLISH
from vplan.stamp import Stamp, make_stamp

if TYPE_CHECKING:
    from vplan.handout import Handout, Layout, Patient
    from vplan.plan import Plan
    from vplan.record import Written
    from vplan.schedule import Schedule


class Subject(NamedTuple):
    """What a document is made of: one patient's plan, who it is for, how it is laid out."""

    plan: Plan
    moment: datetime  # when it is made: its stamp's date, its calendar's DTSTAMP
    lang: str = ENGLISH
    patient: Patient | None = None  # a handout's details: name, clinic, phone, doctor, levels
    named: str | None = None  # a name without details (a schedule's --patient); else none
    layout: Layout | None = None  # the paper and print size, for a printed format
    days: int | None = None  # the days a schedule shows (None: as many as the plan needs)
    mrn: str | None = None  # the patient's MRN, by which a file for the record system names them
    encounter: str | None = None  # the visit (encounter) number, for the record system
    teach_back: str | None = None  # the teach-back's outcome, which ends the chart note
    day: int | None = None  # the post-operative day a teach-back is asked on

    @property
    def stamp(self) -> Stamp:
        """The stamp printed on the document: what made it, from which rules, and when."""
        orders = None if self.plan.orders is None else self.plan.orders.sha256
        return make_stamp(self.plan.protocol, self.lang, self.moment.date(), orders_sha256=orders)

    @property
    def shown_days(self) -> int:
        """The days a schedule shows: as asked, else 90, or more to reach the last change."""
        return self.days if self.days is not None else max(90, self.plan.last_change_day + 1)

    @property
    def name(self) -> str | None:
        """The patient's name, when one was given (None: no name is written)."""
        return self.named if self.patient is None else self.patient.name


class Rendered(NamedTuple):
    """A file's bytes, and its number of pages when the format has pages of its own (PDF).

    A file that carries its own chart note (one for the record system) gives it as ``note``:
    the note printed and recorded is then the one in the file.
    """

    data: bytes
    pages: int | None = None
    note: str | None = None


Renderer = Callable[[Subject, Stamp], Rendered]


class Given(NamedTuple):
    """What the clinic keeps of a document made for a patient: one value, small to pass on.

    The journal entry (``delivery.Journal.add``), the chart note and the "Wrote" line are
    all built from it.
    """

    procedure_date: date
    stamp: Stamp
    written: Written
    patient: str | None  # the name, for the journal's HMAC; never written anywhere in clear
    made_at: datetime
    follow_up: datetime | date | None
    note: str  # the chart note, in English
    what: str  # how "Wrote FILE (...)" describes it


class Made(NamedTuple):
    """A document made for a patient: its bytes and what the clinic keeps of it."""

    fmt: OutputFormat
    data: bytes
    given: Given


def renderer(fmt: OutputFormat) -> Renderer:
    """The renderer of a format, imported now (only the format used is ever loaded)."""
    module, _, function = fmt.renderer.partition(":")
    found: Renderer = getattr(importlib.import_module(module), function)
    return found


def make(fmt: OutputFormat, subject: Subject) -> Made:
    """Stamp the plan and render it in ``fmt``: the document and what the clinic keeps of it."""
    from vplan.record import Written, chart_note, file_digest, visit_moment

    stamp = subject.stamp
    out = renderer(fmt)(subject, stamp)
    layout = subject.layout if fmt.paged else None
    written = Written(fmt.name, file_digest(out.data), out.pages, layout)
    plan = subject.plan
    follow_up = visit_moment(plan.follow_up)
    note = out.note
    if note is None:
        note = chart_note(plan, stamp, written, follow_up=follow_up, given=fmt.note)
        if subject.teach_back is not None:
            note += f" {subject.teach_back}"
    paper: Paper | None = None if layout is None else layout.paper
    large = layout is not None and layout.large_print
    what = fmt.describe(paper, large, subject.shown_days)
    given = Given(
        plan.procedure_date, stamp, written, subject.name, subject.moment, follow_up, note, what
    )
    return Made(fmt, out.data, given)


# --- the renderers of the table's formats ----------------------------------------------------


def pdf_file(subject: Subject, stamp: Stamp) -> Rendered:
    """The printed handout as a PDF, with its number of pages."""
    from vplan.render import pdf

    return Rendered(*pdf.document_and_pages(_handout(subject, stamp)))


def html_file(subject: Subject, stamp: Stamp) -> Rendered:
    """The printed handout as a web page."""
    from vplan.render import webpage

    return Rendered(webpage.document(_handout(subject, stamp)))


def ics_file(subject: Subject, stamp: Stamp) -> Rendered:
    """The phone calendar; the phone it names is the patient's, else the protocol's."""
    from vplan.clock import calendar_stamp
    from vplan.render import ics

    plan = subject.plan
    given = None if subject.patient is None else subject.patient.phone
    data = ics.calendar(
        plan, subject.name, stamp=calendar_stamp(subject.moment), lang=subject.lang, made=stamp,
        phone=given or plan.protocol.info.phone,
    )  # fmt: skip
    return Rendered(data)


def text_file(subject: Subject, stamp: Stamp) -> Rendered:
    """The schedule as plain text, 80 columns wide."""
    from vplan.render import text
    from vplan.render.lines import plain

    return Rendered(plain(text.schedule(schedule_view(subject, stamp))).encode("utf-8"))


def markdown_file(subject: Subject, stamp: Stamp) -> Rendered:
    """The schedule as Markdown."""
    from vplan.render import markdown

    return Rendered(markdown.schedule(schedule_view(subject, stamp)).encode("utf-8"))


def json_file(subject: Subject, stamp: Stamp) -> Rendered:
    """The schedule as JSON data."""
    import json

    from vplan.render import structured

    data = structured.schedule(schedule_view(subject, stamp))
    return Rendered((json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))


def schedule_view(subject: Subject, stamp: Stamp) -> Schedule:
    """The schedule view of a subject (its days, restrictions, warning signs, stamp)."""
    from vplan.schedule import build_schedule

    return build_schedule(subject.plan, subject.shown_days, subject.name, subject.lang, stamp)


def _handout(subject: Subject, stamp: Stamp) -> Handout:
    from vplan.handout import LETTER, Patient, build_handout

    patient = subject.patient or Patient("")
    return build_handout(subject.plan, patient, subject.layout or LETTER, subject.lang, stamp)
