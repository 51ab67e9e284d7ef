"""The shapes of plain data: JSON as written and read, and the validated rules.

``RulesData`` is what ``validate.rules_data`` makes of a valid rules file (the schema's
models dumped as JSON, keys as written in the file) and what the validation cache keeps:
``model.book_from_data`` builds the protocol from it. Imported only for type checking.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal, TypeAlias, TypedDict

# What json.dumps writes: read-only containers, so that a list of strings is one too.
Json: TypeAlias = str | int | float | bool | Sequence["Json"] | Mapping[str, "Json"] | None

TextData: TypeAlias = dict[str, str]  # a text keyed by language code: {"en": ..., "es": ...}
DurationData: TypeAlias = list[int | str]  # a duration as read: [6, "weeks", "6 weeks"]
UntilData: TypeAlias = DurationData | Literal["cleared"]

LimitData = TypedDict(
    "LimitData",
    {
        "from": DurationData,
        "until": UntilData,
        "max": str | None,
        "with_care": bool,
        "text": TextData,
        "source": list[str] | None,
    },
)
CareData = TypedDict(
    "CareData",
    {
        "from": DurationData,
        "until": DurationData | None,
        "label": TextData,
        "text": TextData,
        "source": list[str] | None,
    },
)


class CautionData(TypedDict):
    """A condition that always applies to an activity."""

    text: TextData
    source: list[str] | None


class ActivityData(TypedDict):
    """An activity with its limits."""

    name: TextData
    aliases: list[str]
    measure: Literal["weight"] | None
    advice: TextData | None
    limits: list[LimitData]
    cautions: list[CautionData]
    then: CautionData | None
    involves: list[str]
    synonyms: dict[str, list[str]]
    source: list[str]


class MilestoneData(TypedDict):
    """An event due at a time after the procedure."""

    at: DurationData
    by: DurationData | None
    kind: Literal["follow_up"] | None
    text: TextData
    source: list[str] | None


class SignData(TypedDict):
    """A warning sign."""

    text: TextData
    source: list[str] | None


class WarningSignsData(TypedDict):
    """The warning signs in three tiers."""

    emergency: list[SignData]
    call_today: list[SignData]
    expected: list[SignData]


class ContactData(TypedDict):
    """The clinic's phone numbers."""

    phone: str
    after_hours_phone: str | None


class CodingData(TypedDict):
    """A code from a published code system."""

    system: str
    code: str
    display: str


class EhrData(TypedDict):
    """How the files for the clinic's record system name the document type and the clinic."""

    document_type: CodingData | None
    mrn_system: str | None
    sending_application: str | None
    sending_facility: str | None
    receiving_application: str | None
    receiving_facility: str | None
    care_plan: bool


class GuidanceData(TypedDict):
    """Advice for the whole recovery."""

    title: TextData
    text: TextData
    source: list[str] | None


class ProtocolData(TypedDict):
    """Name, version and review of the protocol."""

    name: TextData
    procedure: TextData
    version: str
    last_reviewed: str  # YYYY-MM-DD
    emergency_number: str
    notice: TextData
    review_note: str
    contact: ContactData | None
    ehr: EhrData | None
    translation_note: TextData | None


class ProcedureData(TypedDict):
    """Another procedure: what it changes of the main protocol."""

    name: TextData
    aliases: list[str]
    source: list[str]
    activities: dict[str, ActivityData]
    care: list[CareData] | None
    milestones: list[MilestoneData] | None


class SourceData(TypedDict):
    """A source rules may cite."""

    title: str
    file: str | None


class RulesData(TypedDict):
    """A whole validated rules file."""

    format: int
    protocol: ProtocolData
    sources: dict[str, SourceData]
    activities: dict[str, ActivityData]
    care: list[CareData]
    milestones: list[MilestoneData]
    warning_signs: WarningSignsData
    guidance: list[GuidanceData]
    shared_words: dict[str, list[str]]
    procedures: dict[str, ProcedureData]
