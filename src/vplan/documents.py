"""The files vplan writes for one patient: which format a file name asks for, and its bytes.

Each format is a pure function of the plan; this module only picks one, importing its
library when it is used, so that commands that print to the terminal never load them.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import NamedTuple

from vplan.errors import InputError
from vplan.formats import DocumentFormat as DocumentFormat  # where it was defined before
from vplan.handout import Layout, Patient, build_handout
from vplan.i18n import ENGLISH
from vplan.plan import Plan
from vplan.stamp import Stamp

SUFFIXES = {
    ".pdf": DocumentFormat.PDF,
    ".html": DocumentFormat.HTML,
    ".htm": DocumentFormat.HTML,
    ".ics": DocumentFormat.ICS,
    ".hl7": DocumentFormat.HL7,
}
FHIR_SUFFIX = ".fhir.json"  # two suffixes: a JSON file that is a FHIR Bundle


def format_for(path: Path, asked: DocumentFormat | None) -> DocumentFormat:
    """The format asked for, else the one the file name ends in."""
    fhir = path.name.lower().endswith(FHIR_SUFFIX)
    found = DocumentFormat.FHIR if fhir else SUFFIXES.get(path.suffix.lower())
    if asked is not None:
        if found is not None and found is not asked:
            raise InputError(
                f"'{path.name}' ends in {FHIR_SUFFIX if fhir else path.suffix} but --format is "
                f"{asked.value}; name the file {_suffix(asked)}, or leave out --format"
            )
        return asked
    if found is None:
        raise InputError(
            f"cannot tell the format of '{path.name}'; end the file name in "
            f"{', '.join(sorted(set(SUFFIXES) - {'.htm'}))} or {FHIR_SUFFIX}, or give --format"
        )
    return found


def _suffix(fmt: DocumentFormat) -> str:
    return FHIR_SUFFIX if fmt is DocumentFormat.FHIR else f".{fmt.value}"


class Rendered(NamedTuple):
    """A file's bytes, and its number of pages when the format has pages of its own (PDF)."""

    data: bytes
    pages: int | None


def render_paged(
    fmt: DocumentFormat,
    plan: Plan,
    patient: Patient,
    layout: Layout,
    *,
    stamp: datetime,
    lang: str = ENGLISH,
    made: Stamp | None = None,
) -> Rendered:
    """The bytes of one patient's file in ``fmt`` and ``lang``, and the pages of a PDF.

    Pages are None for HTML and calendars; ``stamp`` dates a calendar file, and ``made``
    is the stamp printed on the file (what made it, and when).
    """
    if fmt is DocumentFormat.ICS:
        from vplan.render import ics

        phone = patient.phone or plan.protocol.info.phone
        data = ics.calendar(plan, patient.name, stamp=stamp, lang=lang, made=made, phone=phone)
        return Rendered(data, None)
    handout = build_handout(plan, patient, layout, lang, made)
    if fmt is DocumentFormat.PDF:
        from vplan.render import pdf

        return Rendered(*pdf.document_and_pages(handout))
    from vplan.render import webpage

    return Rendered(webpage.document(handout), None)
