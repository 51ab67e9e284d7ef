"""FHIR R4: one transaction Bundle with the handout's PDF and its chart note, by the MRN.

Two ``DocumentReference`` resources, each with one content: the PDF (base64, with its SHA-1
``hash`` and ``size``) and the chart note (``text/plain; charset=utf-8``). Each is created
only if none has its identifier yet (``ifNoneExist``), so a resend adds nothing. The patient
is referred to by the MRN (a conditional reference the server resolves), never by name.
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vplan.documents import Rendered, Subject
    from vplan.ehr import Export
    from vplan.model import Coding
    from vplan.stamp import Stamp

Json = dict[str, object]
URI = "urn:ietf:rfc:3986"  # identifiers that are URIs, such as urn:uuid:...
# US Core's category of clinical notes (US Core DocumentReference Category code system).
CLINICAL_NOTE = {
    "system": "http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category",
    "code": "clinical-note",
    "display": "Clinical Note",
}
# HL7 table 0203 (identifier type): MR, the medical record number.
MR = {
    "coding": [
        {
            "system": "http://terminology.hl7.org/CodeSystem/v2-0203",
            "code": "MR",
            "display": "Medical record number",
        }
    ]
}


def attachment_hash(data: bytes) -> str:
    """FHIR's ``Attachment.hash``: the SHA-1 of the data, in base64."""
    return base64.b64encode(hashlib.sha1(data).digest()).decode("ascii")


def fhir_file(subject: Subject, stamp: Stamp) -> Rendered:
    """The table's renderer of ``fhir``: the subject's PDF and chart note in a Bundle."""
    from vplan.documents import Rendered
    from vplan.ehr import export_of

    export = export_of(subject)
    return Rendered(bundle(export), export.pages, export.note)


def bundle(export: Export) -> bytes:
    """The transaction Bundle as UTF-8 JSON."""
    made = export.made_at.isoformat(timespec="seconds")
    entries = [
        _entry(export.pdf_id, _pdf_document(export, made)),
        _entry(export.note_id, _note_document(export, made)),
    ]
    if export.settings.care_plan:
        entries.append(_entry(export.plan_id, _care_plan(export, made), "CarePlan"))
    data: Json = {
        "resourceType": "Bundle",
        "type": "transaction",
        "timestamp": made,
        "entry": entries,
    }
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _entry(identifier: str, resource: Json, kind: str = "DocumentReference") -> Json:
    """A conditional create: POST, unless a resource with this identifier exists already."""
    return {
        "fullUrl": identifier,
        "resource": resource,
        "request": {
            "method": "POST",
            "url": kind,
            "ifNoneExist": f"identifier={URI}|{identifier}",
        },
    }


def _document(export: Export, made: str, identifier: str, description: str) -> Json:
    """What both documents say: identifier, status, type, subject, date, context."""
    found: Json = {
        "resourceType": "DocumentReference",
        "masterIdentifier": {"system": URI, "value": identifier},
        "status": "current",
        "docStatus": "final",
        "type": {
            "coding": [_coding(export.settings.document_type)],
            "text": export.title,
        },
        "category": [{"coding": [CLINICAL_NOTE]}],
        "subject": _patient(export),
        "date": made,
        "description": description,
    }
    if export.encounter is not None:
        found["context"] = {"encounter": [_encounter(export.encounter)]}
    return found


def _pdf_document(export: Export, made: str) -> Json:
    found = _document(export, made, export.pdf_id, f"{export.title} (PDF, {_pages(export)})")
    found["content"] = [
        {
            "attachment": {
                "contentType": "application/pdf",
                "language": export.lang,
                "data": base64.b64encode(export.pdf).decode("ascii"),
                "size": len(export.pdf),
                "hash": attachment_hash(export.pdf),
                "title": f"{export.title}.pdf",
                "creation": made,
            }
        }
    ]
    return found


def _note_document(export: Export, made: str) -> Json:
    note = export.note.encode("utf-8")
    found = _document(export, made, export.note_id, f"Chart note ({export.title})")
    pdf = {"identifier": {"system": URI, "value": export.pdf_id}}
    found["relatesTo"] = [{"code": "appends", "target": pdf}]
    found["content"] = [
        {
            "attachment": {
                "contentType": "text/plain; charset=utf-8",
                "language": "en",
                "data": base64.b64encode(note).decode("ascii"),
                "size": len(note),
                "hash": attachment_hash(note),
                "title": "Chart note",
                "creation": made,
            }
        }
    ]
    return found


def _care_plan(export: Export, made: str) -> Json:
    """The limits as a CarePlan: each with its dates and the rule's own sentence.

    ``doNotPerform`` is true for a limit that forbids the activity; a limit that allows it
    only up to a weight or with care is false, and its description carries the condition.
    """
    activities: list[Json] = []
    for limit in export.limits:
        period = {"start": limit.start.isoformat()}
        if limit.end is not None:
            period["end"] = limit.end.isoformat()
        detail: Json = {
            "code": {"text": limit.activity},
            "status": "scheduled",
            "doNotPerform": limit.do_not_perform,
            "scheduledPeriod": period,
            "description": limit.text,
        }
        activities.append({"detail": detail})
    found: Json = {
        "resourceType": "CarePlan",
        "identifier": [{"system": URI, "value": export.plan_id}],
        "status": "active",
        "intent": "plan",
        "title": export.title,
        "subject": _patient(export),
        "created": made,
        "supportingInfo": [{"reference": export.pdf_id}],
        "activity": activities,
    }
    if export.encounter is not None:
        found["encounter"] = _encounter(export.encounter)
    return found


def _patient(export: Export) -> Json:
    """The patient by MRN: a conditional reference, with the identifier itself beside it."""
    system = export.settings.mrn_system
    identifier: Json = {"type": MR, "value": export.mrn}
    if system is not None:
        identifier = {"type": MR, "system": system, "value": export.mrn}
    token = export.mrn if system is None else f"{system}|{export.mrn}"
    return {"reference": f"Patient?identifier={token}", "type": "Patient", "identifier": identifier}


def _encounter(number: str) -> Json:
    return {
        "reference": f"Encounter?identifier={number}",
        "type": "Encounter",
        "identifier": {"value": number},
    }


def _coding(coding: Coding) -> Json:
    return {"system": coding.system, "code": coding.code, "display": coding.display}


def _pages(export: Export) -> str:
    return f"{export.pages} page{'s' if export.pages != 1 else ''}"
