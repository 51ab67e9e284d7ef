"""The rules format as pydantic models: strict types, no unknown keys.

Imported only when a rules file is validated (not on every run): building these
models costs more than the rest of a ``check``.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from vplan.model import CLEARED
from vplan.parse import ParseError, parse_duration, parse_weight

LANGUAGE_CODE = re.compile(r"[a-z]{2,3}(-[A-Za-z]{2,4})?")


def _custom(what: str, fix: str) -> PydanticCustomError:
    return PydanticCustomError("vplan", "{what}", {"what": what, "fix": fix})


def _check_text(value: dict[str, str]) -> dict[str, str]:
    if "en" not in value:
        raise _custom("the text has no English ('en') version", "add a line 'en: <the sentence>'")
    for lang, text in value.items():
        if not LANGUAGE_CODE.fullmatch(lang):
            raise _custom(f"'{lang}' is not a language code", "use a code such as en or es")
        if not text.strip():
            raise _custom(f"the '{lang}' text is empty", "write the sentence, or remove the line")
    return value


def _check_duration(value: str) -> str:
    try:
        parse_duration(value)
    except ParseError as exc:
        raise _custom(exc.what, exc.fix) from None
    return value


def _check_until(value: str) -> str:
    return value if value == CLEARED else _check_duration(value)


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


def _one_or_many(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


def _check_sources(value: list[str]) -> list[str]:
    if not value:
        raise _custom("no source is named", "name at least one key of 'sources:'")
    return value


Nonblank = Annotated[str, AfterValidator(_check_nonblank)]


LocalText = Annotated[dict[str, str], AfterValidator(_check_text)]
DurationText = Annotated[str, AfterValidator(_check_duration)]
UntilText = Annotated[str, AfterValidator(_check_until)]
WeightText = Annotated[str, AfterValidator(_check_weight)]
SourceRefs = Annotated[list[str], BeforeValidator(_one_or_many), AfterValidator(_check_sources)]


class Strict(BaseModel):
    """Base of every section: strict types, unknown keys refused."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class LimitModel(Strict):
    """One window of an activity's restriction."""

    start: DurationText = Field("0 days", alias="from")
    until: UntilText
    max: WeightText | None = None
    text: LocalText
    source: SourceRefs | None = None


class CautionModel(Strict):
    """A condition that always applies to an activity."""

    text: LocalText
    source: SourceRefs | None = None


class ActivityModel(Strict):
    """An activity the patient may ask about."""

    name: LocalText
    aliases: list[str] = []
    measure: Literal["weight"] | None = None
    advice: LocalText | None = None
    limits: list[LimitModel] = []
    cautions: list[CautionModel] = []
    source: SourceRefs


class CareModel(Strict):
    """What to do during a window of recovery."""

    start: DurationText = Field("0 days", alias="from")
    until: DurationText | None = None
    label: LocalText
    text: LocalText
    source: SourceRefs | None = None


class MilestoneModel(Strict):
    """An event due at a time after the procedure."""

    at: DurationText
    by: DurationText | None = None
    text: LocalText
    source: SourceRefs | None = None


class SignModel(Strict):
    """A warning sign."""

    text: LocalText
    source: SourceRefs | None = None


class WarningSignsModel(Strict):
    """The warning signs in three tiers."""

    emergency: list[SignModel]
    call_today: list[SignModel]
    expected: list[SignModel]


class ProtocolModel(Strict):
    """Name, version and review of the protocol."""

    name: LocalText
    procedure: LocalText
    version: Nonblank
    last_reviewed: date
    emergency_number: Nonblank
    notice: LocalText
    review_note: Nonblank


class RulesModel(Strict):
    """A whole rules file."""

    format: Annotated[int, AfterValidator(_check_format)]
    protocol: ProtocolModel
    sources: dict[str, Nonblank]
    activities: dict[str, ActivityModel]
    care: list[CareModel]
    milestones: list[MilestoneModel]
    warning_signs: WarningSignsModel
