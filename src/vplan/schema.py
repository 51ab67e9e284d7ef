"""The rules format as pydantic models: strict types, no unknown keys.

Imported only when a rules file is validated (not on every run): building these
models costs more than the rest of a ``check``.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    JsonValue,
    PlainSerializer,
    PlainValidator,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError, PydanticKnownError

from vplan.model import CLEARED
from vplan.parse import ParseError, parse_duration, parse_weight
from vplan.units import Duration

LANGUAGE_CODE = re.compile(r"[a-z]{2,3}(-[A-Za-z]{2,4})?")


def _custom(what: str, fix: str) -> PydanticCustomError:
    return PydanticCustomError("vplan", "{what}", {"what": what, "fix": fix})


MAX_TEXT = 1_000  # characters in one text: a few sentences; the longest default one is 200


def _check_text(value: dict[str, str]) -> dict[str, str]:
    if "en" not in value:
        raise _custom("the text has no English ('en') version", "add a line 'en: <the sentence>'")
    for lang, text in value.items():
        if not LANGUAGE_CODE.fullmatch(lang):
            raise _custom(f"'{lang}' is not a language code", "use a code such as en or es")
        if not text.strip():
            raise _custom(f"the '{lang}' text is empty", "write the sentence, or remove the line")
        if len(text) > MAX_TEXT:
            raise _custom(
                f"the '{lang}' text is {len(text):,} characters long, more than the "
                f"{MAX_TEXT:,} one text of a handout may have",
                "shorten it, or split it into several items",
            )
    return value


def _check_synonyms(value: dict[str, list[str]]) -> dict[str, list[str]]:
    for lang in value:
        if not LANGUAGE_CODE.fullmatch(lang):
            raise _custom(f"'{lang}' is not a language code", "use a code such as es")
    return value


def _read_duration(value: object) -> Duration:
    """A duration read once, here: the protocol is built from what this returns."""
    if not isinstance(value, str):
        raise PydanticKnownError("string_type")
    try:
        return parse_duration(value)
    except ParseError as exc:
        raise _custom(exc.what, exc.fix) from None


def _read_until(value: object) -> Duration | Literal["cleared"]:
    return "cleared" if value == CLEARED else _read_duration(value)


def _dump_duration(value: Duration | str) -> list[int | str] | str:
    """A duration in the validated data (and its cache) as read: [amount, unit, as written]."""
    return value if isinstance(value, str) else [value.amount, value.unit, value.written]


def _check_weight(value: str) -> str:
    try:
        parse_weight(value)
    except ParseError as exc:
        raise _custom(exc.what, "write a weight such as '10 lb' or '4.5 kg'") from None
    return value


def _check_nonblank(value: str) -> str:
    if not value.strip():
        raise _custom("the value is empty", "write the text, or remove the line")
    return value


def _check_format(value: int) -> int:
    if value != 1:
        raise _custom(f"format {value} is not one vplan reads", "write 'format: 1'")
    return value


def _one_or_many(value: object) -> object:
    return [value] if isinstance(value, str) else value


def _title_alone(value: object) -> object:
    return {"title": value} if isinstance(value, str) else value


def _check_sources(value: list[str]) -> list[str]:
    if not value:
        raise _custom("no source is named", "name at least one key of 'sources:'")
    return value


# --- how each type reads in the JSON Schema ('vplan rules schema'), for editors -------------
# The patterns accept what vplan reads (units in any case, as parse.py does). A few limits
# cannot be written as a pattern (24 hours must be whole days, nothing over 10 years or
# 1000 lb); 'vplan rules validate' checks those.


def _any_case(word: str) -> str:
    return "".join(f"[{c.lower()}{c.upper()}]" for c in word)


_NOT_BLANK = r"\S"
_DURATION = (
    r"\s*[0-9]+\s+(?:"
    + "|".join(_any_case(unit) + "[sS]?" for unit in ("hour", "day", "week", "month"))
    + r")\s*"
)
DURATION_PATTERN = f"^{_DURATION}$"
UNTIL_PATTERN = f"^(?:{CLEARED}|{_DURATION})$"
_WEIGHT_UNITS = ("lb", "pound", "kg", "kilo", "kilogram")
WEIGHT_PATTERN = (
    r"^\s*[0-9]+(?:[.,][0-9]{1,3})?\s*(?:"
    + "|".join(_any_case(unit) + "[sS]?" for unit in _WEIGHT_UNITS)
    + r")\.?\s*$"
)
_TEXT_SCHEMA = {
    "type": "object",
    "description": "A text patients read, keyed by language code: 'en' is required, "
    "translations sit beside it (es, fr, pt-BR).",
    "required": ["en"],
    "propertyNames": {"pattern": LANGUAGE_CODE.pattern.join("^$")},
    "additionalProperties": {"type": "string", "pattern": _NOT_BLANK},
}
_DURATION_SCHEMA = {
    "type": "string",
    "pattern": DURATION_PATTERN,
    "description": "A time after the procedure: a whole number and hours (a multiple of 24), "
    "days, weeks or months, such as '2 days', '6 weeks' or '3 months'.",
}
_UNTIL_SCHEMA = {
    "type": "string",
    "pattern": UNTIL_PATTERN,
    "description": "When the limit ends: a duration such as '6 weeks' or '3 months', or "
    "'cleared' (not until the care team says so).",
}
_WEIGHT_SCHEMA = {
    "type": "string",
    "pattern": WEIGHT_PATTERN,
    "description": "The most the patient may lift: a number and lb or kg, such as '10 lb' or "
    "'4.5 kg'.",
}
_SOURCES_SCHEMA = {
    "anyOf": [
        {"type": "string", "pattern": _NOT_BLANK},
        {"type": "array", "items": {"type": "string", "pattern": _NOT_BLANK}, "minItems": 1},
    ],
    "description": "Where the rule comes from: a key of 'sources:', or a list of keys such as "
    "[seed-004, drugs-com].",
}
_DATE_SCHEMA = {
    "type": "string",
    "format": "date",
    "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
    "description": "The date of the clinic's last review, YYYY-MM-DD, without quotes "
    "(a quoted date is text, which vplan refuses).",
}

Nonblank = Annotated[
    str, AfterValidator(_check_nonblank), WithJsonSchema({"type": "string", "pattern": _NOT_BLANK})
]
LocalText = Annotated[dict[str, str], AfterValidator(_check_text), WithJsonSchema(_TEXT_SCHEMA)]
_AS_READ = PlainSerializer(_dump_duration)
DurationText = Annotated[
    Duration, PlainValidator(_read_duration), _AS_READ, WithJsonSchema(_DURATION_SCHEMA)
]
UntilText = Annotated[
    Duration | Literal["cleared"],
    PlainValidator(_read_until),
    _AS_READ,
    WithJsonSchema(_UNTIL_SCHEMA),
]
WeightText = Annotated[str, AfterValidator(_check_weight), WithJsonSchema(_WEIGHT_SCHEMA)]
SourceRefs = Annotated[
    list[str],
    BeforeValidator(_one_or_many),
    AfterValidator(_check_sources),
    WithJsonSchema(_SOURCES_SCHEMA),
]
ReviewDate = Annotated[date, WithJsonSchema(_DATE_SCHEMA)]
FormatNumber = Annotated[
    int,
    AfterValidator(_check_format),
    WithJsonSchema({"type": "integer", "const": 1, "description": "The rules format: 1."}),
]


class Strict(BaseModel):
    """Base of every section: strict types, unknown keys refused."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


def _text(what: str) -> str:
    return f"{what} Keyed by language code: 'en' is required; translations sit beside it."


NO_TIME = Duration(0, "days", "0 days")  # where 'from' starts when it is left out
_NO_TIME: dict[str, JsonValue] = {"default": NO_TIME.written}
_FROM = "When it starts, counted from the procedure day; '0 days' when left out."
_SOURCE = (
    "Where the rule comes from: a key of 'sources:', or a list of keys. A draft may leave it "
    "out; 'vplan rules lint' warns."
)


class LimitModel(Strict):
    """One window of an activity's restriction."""

    start: DurationText = Field(
        NO_TIME, alias="from", description=_FROM, json_schema_extra=_NO_TIME
    )
    until: UntilText = Field(
        description="When the limit ends, such as '6 weeks' (allowed again from day 42), or "
        "'cleared': not until the care team says so."
    )
    max: WeightText | None = Field(
        None,
        description="For an activity with 'measure: weight': the most allowed, such as '10 lb'. "
        "Left out: not at all.",
    )
    with_care: bool = Field(
        False,
        description="true when the activity is allowed during this limit, but only as its text "
        "says (with someone to help, only what the therapist shows): 'vplan check' answers "
        "'with care', never a plain yes. Left out: not allowed during the limit.",
    )
    text: LocalText = Field(description=_text("What the patient reads about this limit."))
    source: SourceRefs | None = Field(None, description=_SOURCE)


class CautionModel(Strict):
    """A condition that always applies to an activity."""

    text: LocalText = Field(description=_text("The caution, as the patient reads it."))
    source: SourceRefs | None = Field(None, description=_SOURCE)


class ActivityModel(Strict):
    """An activity the patient may ask about."""

    name: LocalText = Field(description=_text("The name patients read, such as 'Lifting'."))
    aliases: list[str] = Field(
        [], description="Other words for it that 'vplan check' understands, such as 'lift'."
    )
    measure: Literal["weight"] | None = Field(
        None, description="'weight' when the activity takes an amount; its limits may have 'max'."
    )
    advice: LocalText | None = Field(
        None,
        description="What to do instead, or how to do it safely. The handout shows an activity "
        "only if it has limits or advice.",
    )
    limits: list[LimitModel] = Field(
        [],
        description="The limits in time order, back to back: each starts where the one before "
        "it ends.",
    )
    cautions: list[CautionModel] = Field([], description="Conditions that apply whatever the day.")
    then: CautionModel | None = Field(
        None,
        description="How to come back once the last limit ends, such as 'add weight a little at "
        "a time': shown after the limits, and from then on 'vplan check' answers 'with care'.",
    )
    involves: list[str] = Field(
        [],
        description="Other activities this one involves, by key, such as [bending] for a tub "
        "bath: it must stay limited for as long as any of them is limited.",
    )
    synonyms: Annotated[dict[str, list[str]], AfterValidator(_check_synonyms)] = Field(
        {},
        description="Words in other languages that 'vplan check' understands, keyed by "
        "language code, such as es: [conducir, manejar].",
    )
    source: SourceRefs = Field(
        description="Where the activity's rules come from: a key of 'sources:', or a list of keys."
    )


class CareModel(Strict):
    """What to do during a window of recovery."""

    start: DurationText = Field(
        NO_TIME, alias="from", description=_FROM, json_schema_extra=_NO_TIME
    )
    until: DurationText | None = Field(
        None, description="When it ends, such as '2 days'. Left out: no end."
    )
    label: LocalText = Field(
        description=_text("A few words for the calendar, such as 'Ice the site'.")
    )
    text: LocalText = Field(description=_text("The full instruction, as the patient reads it."))
    source: SourceRefs | None = Field(None, description=_SOURCE)


class MilestoneModel(Strict):
    """An event due at a time after the procedure."""

    at: DurationText = Field(description="When it is due, such as '1 week'.")
    by: DurationText | None = Field(None, description="The latest it may happen, if it may vary.")
    kind: Literal["follow_up"] | None = Field(
        None,
        description="'follow_up' for the follow-up visit: a booked visit (--follow-up) takes "
        "its place in the patient's plan.",
    )
    text: LocalText = Field(description=_text("What happens, as the patient reads it."))
    source: SourceRefs | None = Field(None, description=_SOURCE)


class SignModel(Strict):
    """A warning sign."""

    text: LocalText = Field(description=_text("The sign, as the patient reads it."))
    source: SourceRefs | None = Field(None, description=_SOURCE)


class WarningSignsModel(Strict):
    """The warning signs in three tiers."""

    emergency: list[SignModel] = Field(
        description="Call the emergency number now. At least one.",
        json_schema_extra={"minItems": 1},
    )
    call_today: list[SignModel] = Field(description="Call the care team today.")
    expected: list[SignModel] = Field(description="Normal after the procedure; no need to call.")


class ContactModel(Strict):
    """The clinic's phone numbers, printed on every handout unless the nurse gives others."""

    phone: Nonblank = Field(description='The number patients call, in quotes: "555-0100".')
    after_hours_phone: Nonblank | None = Field(
        None, description="The number to call after hours, if it is another one."
    )


class CodingModel(Strict):
    """A code from a published code system, such as LOINC's 69730-0 "Instructions"."""

    system: Nonblank = Field(description="The code system's URI, such as http://loinc.org.")
    code: Nonblank = Field(description='The code, in quotes: "69730-0".')
    display: Nonblank = Field(description="The code's name in the code system.")


class EhrModel(Strict):
    """How the files sent to the clinic's record system (FHIR, HL7 v2) name the clinic."""

    document_type: CodingModel | None = Field(
        None,
        description="The type of the documents sent. Default: LOINC 69730-0 'Instructions'.",
    )
    mrn_system: Nonblank | None = Field(
        None,
        description="The URI of the clinic's MRNs as its FHIR server knows them (Patient."
        "identifier.system), such as urn:oid:2.16.840.1.113883.19.5. Default: none.",
    )
    sending_application: Nonblank | None = Field(
        None, description="HL7 v2 MSH-3, the sending application. Default: vplan."
    )
    sending_facility: Nonblank | None = Field(
        None, description="HL7 v2 MSH-4, the sending facility: the clinic."
    )
    receiving_application: Nonblank | None = Field(
        None, description="HL7 v2 MSH-5, the receiving application (the interface engine)."
    )
    receiving_facility: Nonblank | None = Field(
        None, description="HL7 v2 MSH-6, the receiving facility."
    )
    care_plan: bool = Field(
        False,
        description="Add a FHIR CarePlan whose activities are the limits with their dates "
        "(doNotPerform for what waits), for a record system that takes one.",
    )


class GuidanceModel(Strict):
    """Advice for the whole recovery, such as how to prevent the next fracture."""

    title: LocalText = Field(description=_text("A few words, such as 'Physical therapy'."))
    text: LocalText = Field(description=_text("The advice, in a few short sentences."))
    source: SourceRefs | None = Field(None, description=_SOURCE)


class ProtocolModel(Strict):
    """Name, version and review of the protocol."""

    name: LocalText = Field(description=_text("The protocol's name, shown on every plan."))
    procedure: LocalText = Field(description=_text("The procedure, such as 'vertebroplasty'."))
    version: Nonblank = Field(description='The version, in quotes, such as "2026.11-1".')
    last_reviewed: ReviewDate
    emergency_number: Nonblank = Field(description='The number to call, in quotes: "911".')
    notice: LocalText = Field(description=_text("Shown to patients at the top of every plan."))
    review_note: Nonblank = Field(description="For the clinic: who reviewed it and how.")
    contact: ContactModel | None = Field(
        None,
        description="The clinic's phone numbers for the handout. '--phone' (or the batch's "
        "'phone' column) overrides them for one patient.",
    )
    ehr: EhrModel | None = Field(
        None,
        description="How the files for the clinic's record system (NAME.fhir.json, NAME.hl7) "
        "name the document type and the clinic.",
    )
    translation_note: LocalText | None = Field(
        None,
        description=_text(
            "While the translations are drafts: says they must be reviewed by a qualified "
            "medical translator. Shown by 'vplan rules validate' and 'rules show', and with "
            "the plan in any language other than English (on the handout, in its footer). "
            "Remove it once the review is done."
        ),
    )


class ProcedureModel(Strict):
    """Another procedure: the main protocol, with the changes written here."""

    name: LocalText = Field(
        description=_text("The procedure's name, shown on plans, such as 'balloon kyphoplasty'.")
    )
    aliases: list[str] = Field(
        [], description="Other names '--procedure' understands, such as 'kyphoplasty'."
    )
    source: SourceRefs = Field(
        description="Where the differences come from: a key of 'sources:', or a list of keys."
    )
    activities: dict[str, ActivityModel] = Field(
        {},
        description="Activities whose rules differ, written in full: each replaces the main "
        "protocol's activity of the same key (or adds one). The others are shared.",
    )
    care: list[CareModel] | None = Field(
        None, description="What to do, when it differs: replaces the whole 'care' list."
    )
    milestones: list[MilestoneModel] | None = Field(
        None, description="Events, when they differ: replaces the whole 'milestones' list."
    )


class SourceModel(Strict):
    """One source rules may cite: the title patients read, and the reviewer's file."""

    title: Nonblank = Field(
        description="The citation patients read: the publisher, then the title, such as "
        "'Liv Hospital: How Painful Is a Vertebroplasty?'."
    )
    file: Nonblank | None = Field(
        None,
        description="For the clinic's reviewer only, never printed: the file or address the "
        "source was read from.",
    )


_SOURCE_ENTRY_SCHEMA = {
    "anyOf": [
        {"type": "string", "pattern": _NOT_BLANK},
        {
            "type": "object",
            "properties": {
                "title": {"type": "string", "pattern": _NOT_BLANK},
                "file": {"type": "string", "pattern": _NOT_BLANK},
            },
            "required": ["title"],
            "additionalProperties": False,
        },
    ],
    "description": "The citation patients read (publisher: title), or 'title:' with the "
    "reviewer's 'file:' beside it.",
}
SourceEntry = Annotated[
    SourceModel, BeforeValidator(_title_alone), WithJsonSchema(_SOURCE_ENTRY_SCHEMA)
]


class RulesModel(Strict):
    """A whole rules file."""

    format: FormatNumber
    protocol: ProtocolModel
    sources: dict[str, SourceEntry] = Field(
        description="Every source a rule may cite: a short key, then the citation patients "
        "read, or its 'title' and the reviewer's 'file'."
    )
    activities: dict[str, ActivityModel] = Field(
        description="The activities patients ask about, by key (the key is also a name)."
    )
    care: list[CareModel] = Field(description="What to do, and when.")
    milestones: list[MilestoneModel] = Field(description="Events due after the procedure.")
    warning_signs: WarningSignsModel
    guidance: list[GuidanceModel] = Field(
        [],
        description="Advice for the whole recovery (physical therapy, medicines, preventing "
        "the next fracture), shown in the schedule and on the handout. Shared by every procedure.",
    )
    shared_words: dict[str, list[str]] = Field(
        {},
        description="Words that name more than one activity, such as 'bathing' (a shower or a "
        "tub bath), each with the keys of the activities it may mean: 'vplan check' answers "
        "for each of them.",
    )
    procedures: dict[str, ProcedureModel] = Field(
        {},
        description="Other procedures this file also covers, by key (the key is also a name). "
        "Each shares the protocol, sources and warning signs, and changes only what it lists.",
    )


class OrderActivityModel(Strict):
    """The care team's changes to one activity for one patient: what is written replaces."""

    name: LocalText | None = Field(
        None, description=_text("Required for an activity the rules do not have.")
    )
    aliases: list[str] | None = Field(None, description="Other words for it, for 'vplan check'.")
    measure: Literal["weight"] | None = Field(None, description="'weight' for a new activity.")
    advice: LocalText | None = Field(None, description=_text("Replaces the advice."))
    limits: list[LimitModel] | None = Field(
        None, description="Replace the protocol's limits for this activity, in time order."
    )
    cautions: list[CautionModel] | None = Field(None, description="Replace the cautions.")
    then: CautionModel | None = Field(
        None, description="Replaces how to come back once the last limit ends."
    )
    source: SourceRefs | None = Field(None, description=_SOURCE)
    loosen: Literal["confirmed"] | None = Field(
        None,
        description="'confirmed' when the care team means a limit looser than the protocol's "
        "(a higher 'max', an earlier end); without it such an order is refused.",
    )


class OrdersModel(Strict):
    """A care team's orders for one patient."""

    activities: dict[str, OrderActivityModel] = Field(
        {}, description="Activities whose rules change for this patient, by the rules' key."
    )
    milestones: list[MilestoneModel] = Field(
        [], description="Dated items added for this patient, such as restarting a medicine."
    )
    notes: list[LocalText] = Field([], description=_text("Free texts for this patient."))
