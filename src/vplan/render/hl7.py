"""HL7 v2.5.1: one ``MDM^T02`` message with the handout's PDF and its chart note, by the MRN.

``MSH`` (sender and facility from the rules), ``EVN``, ``PID`` (the MRN in PID-3, no name),
``PV1`` (the encounter in PV1-19 when given), ``TXA`` (document type, times, status) and two
``OBX``: the PDF as ``ED`` (base64) and the chart note as ``TX``. Segments end in a carriage
return; text is escaped (``|`` as the escape sequence F, and so on), base64 needs none.
"""

from __future__ import annotations

import base64
import hashlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import datetime

    from vplan.documents import Rendered, Subject
    from vplan.ehr import Export
    from vplan.model import Coding
    from vplan.stamp import Stamp

VERSION = "2.5.1"
_ESCAPES = {"\\": "\\E\\", "|": "\\F\\", "^": "\\S\\", "&": "\\T\\", "~": "\\R\\"}


def escaped(text: str) -> str:
    """Text as an HL7 v2 field holds it: delimiters escaped, a line break as a space."""
    out = "".join(_ESCAPES.get(ch, ch) for ch in text)
    return " ".join(out.splitlines())


def hl7_file(subject: Subject, stamp: Stamp) -> Rendered:
    """The table's renderer of ``hl7``: the subject's PDF and chart note in an MDM^T02."""
    from vplan.documents import Rendered
    from vplan.ehr import export_of

    export = export_of(subject)
    return Rendered(message(export), export.pages, export.note)


def message(export: Export) -> bytes:
    """The MDM^T02 message as UTF-8, segments ending in a carriage return."""
    settings = export.settings
    when = _timestamp(export.made_at)
    kind = settings.document_type
    unique = export.pdf_id.removeprefix("urn:uuid:")
    control = hashlib.sha256(export.note_id.encode("ascii")).hexdigest()[:20]
    segments = [
        _segment(
            "MSH", "^~\\&", escaped(settings.sending_application),
            escaped(settings.sending_facility or ""), escaped(settings.receiving_application or ""),
            escaped(settings.receiving_facility or ""), when, "", "MDM^T02^MDM_T02", control,
            "P", VERSION, "", "", "", "", "", "UNICODE UTF-8",
        ),
        _segment("EVN", "T02", when),
        _segment("PID", "1", "", f"{escaped(export.mrn)}^^^^MR"),
        _segment("PV1", "1", "U", *[""] * 16, escaped(export.encounter or "")),
        _segment(
            "TXA", "1", escaped(kind.code), "AP", when, "", when, *[""] * 5, unique,
            *[""] * 4, "DO", "", "AV",
        ),
        _segment(
            "OBX", "1", "ED", _code(kind), "1",
            f"^AP^PDF^Base64^{base64.b64encode(export.pdf).decode('ascii')}",
            "", "", "", "", "", "F", "", "", when,
        ),
        _segment(
            "OBX", "2", "TX", "^Chart note", "2", escaped(export.note),
            "", "", "", "", "", "F", "", "", when,
        ),
    ]  # fmt: skip
    return "".join(segment + "\r" for segment in segments).encode("utf-8")


def _segment(name: str, *fields: str) -> str:
    if name == "MSH":  # MSH-1 is the field separator itself
        return "MSH|" + "|".join(fields)
    return "|".join((name, *fields)).rstrip("|")


def _code(coding: Coding) -> str:
    """``69730-0^Instructions^LN``: a LOINC code as HL7 v2 names its system (table 0396)."""
    system = "LN" if coding.system == "http://loinc.org" else "L"
    return f"{escaped(coding.code)}^{escaped(coding.display)}^{system}"


def _timestamp(when: datetime) -> str:
    """``20250301143208+0000``: to the second, with the time zone."""
    return when.strftime("%Y%m%d%H%M%S%z")
