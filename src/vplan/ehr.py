"""What a file for the clinic's record system carries: the PDF, the chart note, who and when.

FHIR R4 (``render/fhir.py``) and HL7 v2 (``render/hl7.py``) lay out one ``Export``, built
here (``export_of``) from the PDF handout ``documents.make`` makes for the same subject.
The patient is named only by the MRN: an export never identifies a patient by name alone.
Pure: no clock, no files.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING, NamedTuple

from vplan.errors import InputError
from vplan.model import EhrSettings
from vplan.plan import Plan

if TYPE_CHECKING:
    from vplan.documents import Subject

MAX_ID = 64  # characters of an MRN or an encounter number
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9.\-_/:]*")
# The namespace of the identifiers vplan gives its documents (a UUID made from a name).
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://vplan.invalid/document")


class PlannedLimit(NamedTuple):
    """One limit of the plan as a CarePlan activity: what, the rule's sentence, its dates."""

    activity: str  # the activity's name, in English
    text: str  # the rule's own sentence, in English
    start: date
    end: date | None  # the last day it holds; None: until the care team clears it
    do_not_perform: bool  # True: the activity waits; False: allowed only as the text says


def planned_limits(plan: Plan) -> tuple[PlannedLimit, ...]:
    """Every limit of the plan, in the rules' order, for a CarePlan."""
    return tuple(
        PlannedLimit(
            activity=w.activity.name.get(),
            text=w.limit.text.get(),
            start=plan.date_of(w.start_day),
            end=None if w.last_day is None else plan.date_of(w.last_day),
            do_not_perform=not w.with_care and w.limit.max is None,
        )
        for w in plan.windows
    )


class Export(NamedTuple):
    """One handout for the record system: the PDF, its chart note, the patient's MRN, when."""

    pdf: bytes
    pages: int
    note: str  # the chart note, in English (with the teach-back's outcome when one was given)
    title: str  # "Discharge instructions: recovery after vertebroplasty"
    lang: str  # the handout's language
    mrn: str
    encounter: str | None
    made_at: datetime  # with its time zone
    settings: EhrSettings
    limits: tuple[PlannedLimit, ...] = ()  # for a CarePlan, when the rules ask for one

    @property
    def pdf_sha256(self) -> str:
        """The SHA-256 of the PDF (hex)."""
        return hashlib.sha256(self.pdf).hexdigest()

    @property
    def pdf_id(self) -> str:
        """``urn:uuid:...``, the same for the same PDF: a resend is the same document."""
        return f"urn:uuid:{uuid.uuid5(_NAMESPACE, 'pdf:' + self.pdf_sha256)}"

    @property
    def plan_id(self) -> str:
        """``urn:uuid:...`` of the CarePlan, made from the PDF it goes with."""
        return f"urn:uuid:{uuid.uuid5(_NAMESPACE, 'careplan:' + self.pdf_sha256)}"

    @property
    def note_id(self) -> str:
        """``urn:uuid:...`` of the chart note, made from the note and the PDF it is about."""
        digest = hashlib.sha256(self.note.encode("utf-8")).hexdigest()
        return f"urn:uuid:{uuid.uuid5(_NAMESPACE, f'note:{self.pdf_sha256}:{digest}')}"


def make_export(
    plan: Plan,
    pdf: bytes,
    pages: int,
    note: str,
    *,
    lang: str,
    mrn: str,
    encounter: str | None,
    made_at: datetime,
) -> Export:
    """The export of one patient's handout: its PDF and note, and the rules' settings."""
    info = plan.protocol.info
    return Export(
        pdf=pdf, pages=pages, note=note, lang=lang, mrn=mrn, encounter=encounter,
        title=f"Discharge instructions: recovery after {info.procedure.get()}",
        made_at=made_at, settings=info.ehr,
        limits=planned_limits(plan) if info.ehr.care_plan else (),
    )  # fmt: skip


def check_id(what: str, value: str | None, option: str) -> str | None:
    """An MRN or encounter number as typed: letters, digits and ``.-_/:``, up to 64."""
    if value is None:
        return None
    cleaned = value.strip()
    if not cleaned or len(cleaned) > MAX_ID or _ID.fullmatch(cleaned) is None:
        raise InputError(
            f"{option} {value!r} is not a {what}; write letters and digits (and . - _ / :), "
            f"at most {MAX_ID} characters, such as 0012345"
        )
    return cleaned


def require_mrn(mrn: str | None, fmt: str) -> str:
    """The MRN an export needs: without one, the file is refused (exit 2)."""
    if mrn is None:
        raise InputError(
            f"the {fmt} file is filed in the patient's chart by the MRN; give --mrn NUMBER (in a "
            "batch, an 'mrn' column): vplan never names a patient to a record system by name "
            "alone"
        )
    return mrn


def export_of(subject: Subject) -> Export:
    """The export of one patient's handout: the PDF made for them, its chart note, the MRN."""
    from vplan.clock import calendar_stamp
    from vplan.documents import make
    from vplan.formats import PDF

    mrn = require_mrn(subject.mrn, "record system's")
    pdf = make(PDF, subject)
    return make_export(
        subject.plan, pdf.data, pdf.given.written.pages or 0, pdf.given.note, lang=subject.lang,
        mrn=mrn, encounter=subject.encounter, made_at=calendar_stamp(subject.moment),
    )  # fmt: skip
