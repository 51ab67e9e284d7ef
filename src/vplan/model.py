"""The protocol as vplan uses it: frozen, typed objects built from validated rules data.

``protocol_from_data`` (one procedure) and ``book_from_data`` (every procedure, each
built once) are the ways in: they take the plain data that the schema validated (fresh
from YAML, or from the validation cache), so both paths build the same objects. The
durations in that data were read by validation and are not read again here.

The value objects here, in ``plan.py`` and in ``handout.py`` are ``NamedTuple``s: as
immutable and typed as frozen dataclasses, but defined about six times faster, which
every command pays for at start-up (``scripts/bench.py`` measures it).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date
from enum import Enum
from types import MappingProxyType
from typing import TYPE_CHECKING, NamedTuple

from vplan.errors import InputError, UntranslatedError
from vplan.parse import parse_weight
from vplan.units import CalendarUnit, Duration, Weight

if TYPE_CHECKING:
    from vplan.datatypes import (
        ActivityData,
        CautionData,
        EhrData,
        LimitData,
        MilestoneData,
        ProcedureData,
        RulesData,
        SourceData,
        UntilData,
    )

DEFAULT_LANG = "en"
# A place in a rules (or orders) file, such as ("activities", "lifting", "limits", 0): the one
# location type of messages, lint and the translations; ``validate.position`` finds its line.
Where = tuple[str | int, ...]
CLEARED = "cleared"  # an ``until`` that ends only when the care team says so


class Text(NamedTuple):
    """A patient-facing text with its translations, keyed by language code."""

    translations: Mapping[str, str]

    def get(self, lang: str = DEFAULT_LANG) -> str:
        """The text in ``lang``; English when no language is asked for. Never another language."""
        try:
            return self.translations[lang]
        except KeyError:
            english = " ".join(self.translations[DEFAULT_LANG].split())
            raise UntranslatedError(
                f"the rules text {english[:50]!r} has no '{lang}' version; "
                f"add '{lang}: ...' under its '{DEFAULT_LANG}:' line"
            ) from None

    def __str__(self) -> str:
        return self.get()


class Tier(Enum):
    """How urgent a warning sign is."""

    EMERGENCY = "emergency"
    CALL_TODAY = "call_today"
    EXPECTED = "expected"


class Limit(NamedTuple):
    """One window of an activity's restriction, counted from the procedure date."""

    start: Duration
    end: Duration | None  # None: until the care team clears it
    max: Weight | None  # None: not at all
    text: Text
    sources: tuple[str, ...]
    ordered: bool = False  # from the care team's orders for this patient
    with_care: bool = False  # allowed during the limit, but only as its text says


class Caution(NamedTuple):
    """A condition that always applies to an activity (for example, not on opioids)."""

    text: Text
    sources: tuple[str, ...]


class Activity(NamedTuple):
    """Something a patient may ask about, with the limits the protocol puts on it."""

    key: str
    name: Text
    aliases: tuple[str, ...]
    measured: bool  # takes a weight, such as lifting
    limits: tuple[Limit, ...]
    cautions: tuple[Caution, ...]
    advice: Text | None
    sources: tuple[str, ...]
    involves: tuple[str, ...] = ()  # keys of the activities this one involves
    synonyms: Mapping[str, tuple[str, ...]] = MappingProxyType({})  # words in other languages
    then: Caution | None = None  # how to come back once the last limit ends


class Guidance(NamedTuple):
    """Advice for the whole recovery, such as how to prevent the next fracture."""

    title: Text
    text: Text
    sources: tuple[str, ...]


class CareItem(NamedTuple):
    """What to do during a window of recovery."""

    start: Duration
    end: Duration | None  # None: no end
    label: Text
    text: Text
    sources: tuple[str, ...]


class MilestoneRule(NamedTuple):
    """An event of recovery due at a time, such as the follow-up visit."""

    at: Duration
    by: Duration | None
    text: Text
    sources: tuple[str, ...]
    follow_up: bool = False  # the follow-up visit: a booked appointment takes its place
    ordered: bool = False  # from the care team's orders for this patient


class WarningSign(NamedTuple):
    """A sign the patient must act on (or, for the expected tier, need not)."""

    tier: Tier
    text: Text
    sources: tuple[str, ...]


class Coding(NamedTuple):
    """A code of a published code system: its URI, the code and its name there."""

    system: str
    code: str
    display: str


# LOINC 69730-0 "Instructions": "instructions given to a patient", such as not resuming normal
# activities, potential complications and follow-up (https://loinc.org/69730-0/).
INSTRUCTIONS = Coding("http://loinc.org", "69730-0", "Instructions")


class EhrSettings(NamedTuple):
    """How the files for the clinic's record system name the document type and the clinic."""

    document_type: Coding = INSTRUCTIONS
    mrn_system: str | None = None
    sending_application: str = "vplan"
    sending_facility: str | None = None
    receiving_application: str | None = None
    receiving_facility: str | None = None
    care_plan: bool = False  # add a FHIR CarePlan of the limits


class ProtocolInfo(NamedTuple):
    """Who wrote the protocol, which version it is, and when it was last reviewed."""

    name: Text
    procedure: Text
    procedure_key: str  # the procedure's name as '--procedure' takes it, such as 'kyphoplasty'
    version: str
    last_reviewed: date
    emergency_number: str
    notice: Text
    review_note: str
    translation_note: Text | None = None  # shown with the texts in a language not yet reviewed
    phone: str | None = None  # the clinic's phone (protocol.contact), when the rules give one
    after_hours_phone: str | None = None
    ehr: EhrSettings = EhrSettings()  # protocol.ehr, else the defaults


class Protocol(NamedTuple):
    """A whole, validated rules file."""

    path: str
    info: ProtocolInfo
    sources: Mapping[str, str]
    activities: tuple[Activity, ...]
    care: tuple[CareItem, ...]
    milestones: tuple[MilestoneRule, ...]
    warning_signs: tuple[WarningSign, ...]
    # For another procedure: where its own rules are written in the file (see written_at).
    origin: Mapping[Where, Where] = MappingProxyType({})
    digest: str = ""  # the SHA-256 (hex) of the rules file's bytes, for the stamp on outputs
    guidance: tuple[Guidance, ...] = ()
    # Words that name more than one activity (folded), with the keys of those activities.
    shared_words: Mapping[str, tuple[str, ...]] = MappingProxyType({})

    def by_key(self, key: str) -> Activity | None:
        """The activity with this key, if there is one."""
        return next((act for act in self.activities if act.key == key), None)

    def names(self) -> dict[str, Activity]:
        """Every name an activity answers to (key, name, aliases), folded.

        The name and synonyms in another language count too, unless they are already
        another activity's English name or alias.
        """
        found: dict[str, Activity] = {}
        for act in self.activities:
            for name in (act.key, act.name.get(), *act.aliases):
                found.setdefault(normalize_name(name), act)
        for act in self.activities:
            others = [name for names in act.synonyms.values() for name in names]
            for name in (*act.name.translations.values(), *others):
                found.setdefault(normalize_name(name), act)
        return found

    def activity(self, name: str) -> Activity:
        """The activity called ``name``; an unknown name is an error, never a guess."""
        found = self.activities_named(name)
        if len(found) > 1:
            raise InputError(
                f"'{name}' may mean {' or '.join(repr(a.name.get().lower()) for a in found)}; "
                "name one of them"
            )
        return found[0]

    def activities_named(self, name: str) -> tuple[Activity, ...]:
        """The activity called ``name``, or each one a shared word may mean ('bathing').

        An unknown name is an error, never a guess.
        """
        names = self.names()
        folded = normalize_name(name)
        if folded in names:
            return (names[folded],)
        shared = self.shared_words.get(folded)
        if shared:
            return tuple(act for key in shared if (act := self.by_key(key)) is not None)
        close = _near_spellings(folded, [*names, *self.shared_words])
        known = ", ".join(act.key.replace("_", " ") for act in self.activities)
        hint = f"did you mean {' or '.join(repr(c) for c in close)}? " if close else ""
        raise InputError(
            f"'{name}' is not an activity in the rules; {hint}known activities: {known}. "
            "For anything else, ask your care team"
        )


def _near_spellings(word: str, names: Sequence[str]) -> list[str]:
    """The names ``word`` is most likely a misspelling of: never a merely similar word.

    Only names nearly as close as the closest count, and only when that is very close:
    'sleping' is 'sleeping', not 'sweeping'; 'knitting' is not 'sitting'. A name of several
    words is one only when each word is a misspelling of its own: 'dormir boca abajo' (on
    the stomach) is never 'dormir boca arriba' (on the back), one word apart.
    """
    import difflib

    def ratio(a: str, b: str) -> float:
        return difflib.SequenceMatcher(None, a, b).ratio()

    def near(a: str, b: str) -> bool:  # one word for another: a slip, never another word
        return ratio(a, b) >= WORD_TYPO or _one_edit(a, b) or (len(a) > 1 and b.startswith(a))

    def word_by_word(name: str) -> bool:
        typed, known = word.split(), name.split()
        if len(typed) != len(known):  # 'hottub' for 'hot tub': the same letters
            return _one_edit(word.replace(" ", ""), name.replace(" ", ""))
        return all(near(a, b) for a, b in zip(typed, known, strict=True))

    scored = sorted(
        ((ratio(word, name), name) for name in names if word_by_word(name)),
        reverse=True,
    )
    if not scored or scored[0][0] < 0.85:
        return []
    best = scored[0][0]
    return [name for score, name in scored[:3] if score >= best - 0.03]


WORD_TYPO = 0.75  # each word of a misspelt name at least this close to the word it stands for


def _one_edit(a: str, b: str) -> bool:
    """Whether ``a`` is ``b`` with at most one letter added, left out, changed or swapped."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    start = next(
        (i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b))
    )
    if len(a) == len(b):
        swapped = (
            a[start + 2 :] == b[start + 2 :] and a[start : start + 2] == b[start : start + 2][::-1]
        )
        return a[start + 1 :] == b[start + 1 :] or swapped
    return a[start + 1 :] == b[start:] if len(a) > len(b) else a[start:] == b[start + 1 :]


def normalize_name(name: str) -> str:
    """Fold case, hyphens and underscores, so ``Hot-tub`` and ``hot_tub`` are one name."""
    return " ".join(name.lower().replace("-", " ").replace("_", " ").split())


def _text(data: Mapping[str, str]) -> Text:
    return Text(dict(data))


def _optional_text(data: Mapping[str, str] | None) -> Text | None:
    return None if data is None else Text(dict(data))


def _citation(value: str | SourceData) -> str:
    """The citation patients read; a source's reviewer's 'file' is never printed."""
    return value if isinstance(value, str) else value["title"]


def _sources(value: str | list[str] | None) -> tuple[str, ...]:
    """The source keys of a rule; none for a draft rule that cites nothing yet."""
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def _duration(value: Sequence[int | str]) -> Duration:
    """A duration as validation read it (``[6, "weeks", "6 weeks"]``): it is not read again."""
    amount, unit, written = value
    return Duration(int(amount), _UNITS[unit], str(written))


_UNITS: dict[int | str, CalendarUnit] = {"days": "days", "weeks": "weeks", "months": "months"}


def _until(value: UntilData | None) -> Duration | None:
    return None if value is None or value == CLEARED else _duration(value)


def procedure_names(data: RulesData) -> dict[str, str]:
    """Every name a procedure answers to, folded, with the procedure's key (the main one first)."""
    main = normalize_name(data["protocol"]["procedure"]["en"])
    found: dict[str, str] = {main: main}
    for key, proc in data.get("procedures", {}).items():
        for name in (key, proc["name"]["en"], *proc["aliases"]):
            found.setdefault(normalize_name(name), key)
    return found


def _unknown_procedure(name: str, main: str, others: Iterable[str]) -> InputError:
    return InputError(
        f"'{name}' is not a procedure in the rules; the procedures are: "
        f"{', '.join([main, *others])}"
    )


def _procedure(data: RulesData, name: str | None) -> tuple[ProcedureData | None, str]:
    """The procedure called ``name`` (None: the main one) and its key; unknown is an error."""
    main = data["protocol"]["procedure"]["en"]
    if name is None:
        return None, normalize_name(main)
    names = procedure_names(data)
    folded = normalize_name(name)
    if folded not in names:
        raise _unknown_procedure(name, main, data.get("procedures", {}))
    key = names[folded]
    return (None, key) if key == normalize_name(main) else (data["procedures"][key], key)


def limit_from_data(lim: LimitData, *, ordered: bool = False) -> Limit:
    """One limit of an activity, from validated data."""
    return Limit(
        start=_duration(lim["from"]),
        end=_until(lim["until"]),
        max=None if lim["max"] is None else parse_weight(lim["max"]),
        text=_text(lim["text"]),
        sources=_sources(lim["source"]),
        ordered=ordered,
        with_care=lim.get("with_care", False),
    )


def activity_from_data(key: str, act: ActivityData) -> Activity:
    """One activity, from validated data."""
    return Activity(
        key=key,
        name=_text(act["name"]),
        aliases=tuple(act["aliases"]),
        measured=act["measure"] == "weight",
        limits=tuple(limit_from_data(lim) for lim in act["limits"]),
        cautions=tuple(_caution(c) for c in act["cautions"]),
        advice=None if act["advice"] is None else _text(act["advice"]),
        sources=_sources(act["source"]),
        involves=tuple(act.get("involves", ())),
        synonyms={lang: tuple(names) for lang, names in act.get("synonyms", {}).items()},
        then=None if (then := act.get("then")) is None else _caution(then),
    )


def _caution(data: CautionData) -> Caution:
    return Caution(_text(data["text"]), _sources(data["source"]))


def milestone_from_data(m: MilestoneData, *, ordered: bool = False) -> MilestoneRule:
    """One milestone rule, from validated data."""
    return MilestoneRule(
        at=_duration(m["at"]),
        by=_until(m["by"]),
        text=_text(m["text"]),
        sources=_sources(m["source"]),
        follow_up=m.get("kind") == "follow_up",
        ordered=ordered,
    )


def protocol_from_data(data: RulesData, path: str, procedure: str | None = None) -> Protocol:
    """Build the protocol of one procedure (the main one by default) from validated rules data.

    Another procedure is the main protocol with its own activities, care and milestones
    put in place of the main ones; the sources and warning signs are shared.
    """
    return _built(data, path, *_procedure(data, procedure))


def _ehr(data: EhrData | None) -> EhrSettings:
    """The settings of ``protocol.ehr``, each left out taking its default."""
    if data is None:
        return EhrSettings()
    kind = data.get("document_type")
    return EhrSettings(
        document_type=INSTRUCTIONS if kind is None else Coding(**kind),
        mrn_system=data.get("mrn_system"),
        sending_application=data.get("sending_application") or "vplan",
        sending_facility=data.get("sending_facility"),
        receiving_application=data.get("receiving_application"),
        receiving_facility=data.get("receiving_facility"),
        care_plan=bool(data.get("care_plan")),
    )


def _built(data: RulesData, path: str, changes: ProcedureData | None, key: str) -> Protocol:
    """The protocol of the procedure keyed ``key``: the main one when ``changes`` is None."""
    meta = data["protocol"]
    contact = meta.get("contact")
    activities_data = dict(data["activities"])
    care_data, milestones_data = data["care"], data["milestones"]
    if changes is not None:
        activities_data |= changes["activities"]
        care_data = changes["care"] if changes["care"] is not None else care_data
        milestones_data = (
            changes["milestones"] if changes["milestones"] is not None else (milestones_data)
        )
    info = ProtocolInfo(
        name=_text(meta["name"]),
        procedure=_text(meta["procedure"] if changes is None else changes["name"]),
        procedure_key=key,
        version=meta["version"],
        last_reviewed=date.fromisoformat(meta["last_reviewed"]),
        emergency_number=meta["emergency_number"],
        notice=_text(meta["notice"]),
        review_note=meta["review_note"],
        translation_note=_optional_text(meta.get("translation_note")),
        phone=None if contact is None else contact.get("phone"),
        after_hours_phone=None if contact is None else contact.get("after_hours_phone"),
        ehr=_ehr(meta.get("ehr")),
    )
    activities = tuple(activity_from_data(key, act) for key, act in activities_data.items())
    care = tuple(
        CareItem(
            start=_duration(item["from"]),
            end=_until(item["until"]),
            label=_text(item["label"]),
            text=_text(item["text"]),
            sources=_sources(item["source"]),
        )
        for item in care_data
    )
    milestones = tuple(milestone_from_data(m) for m in milestones_data)
    signs = tuple(
        WarningSign(tier, _text(sign["text"]), _sources(sign["source"]))
        for tier in Tier
        for sign in data["warning_signs"][tier.value]
    )
    origin: dict[Where, Where] = {}
    if changes is not None:
        here: Where = ("procedures", key)
        origin[("protocol", "procedure")] = (*here, "name")
        origin |= {("activities", k): (*here, "activities", k) for k in changes["activities"]}
        for part in ("care", "milestones"):
            if changes[part] is not None:
                origin[(part,)] = (*here, part)
    return Protocol(
        path=path,
        info=info,
        sources={key: _citation(value) for key, value in data["sources"].items()},
        activities=activities,
        care=care,
        milestones=milestones,
        warning_signs=signs,
        origin=origin,
        guidance=tuple(
            Guidance(_text(g["title"]), _text(g["text"]), _sources(g["source"]))
            for g in data.get("guidance", ())
        ),
        shared_words={
            normalize_name(word): tuple(keys) for word, keys in data.get("shared_words", {}).items()
        },
    )


def patient_texts(protocol: Protocol) -> Iterator[tuple[Where, Text]]:
    """Every text of the rules that patients read, with where it is in the file.

    The one walk over the texts: the languages a file needs, the translations it lacks,
    lint's warnings about texts and the changes 'rules diff' reports all follow it, so a
    text added here is read by each of them.
    """
    info = protocol.info
    yield ("protocol", "name"), info.name
    yield ("protocol", "procedure"), info.procedure
    yield ("protocol", "notice"), info.notice
    if info.translation_note is not None:
        yield ("protocol", "translation_note"), info.translation_note
    for act in protocol.activities:
        base: Where = ("activities", act.key)
        yield (*base, "name"), act.name
        if act.advice is not None:
            yield (*base, "advice"), act.advice
        for i, lim in enumerate(act.limits):
            yield (*base, "limits", i, "text"), lim.text
        for i, caution in enumerate(act.cautions):
            yield (*base, "cautions", i, "text"), caution.text
        if act.then is not None:
            yield (*base, "then", "text"), act.then.text
    for i, item in enumerate(protocol.care):
        yield ("care", i, "label"), item.label
        yield ("care", i, "text"), item.text
    for i, milestone in enumerate(protocol.milestones):
        yield ("milestones", i, "text"), milestone.text
    for tier in Tier:
        tiered = [sign for sign in protocol.warning_signs if sign.tier is tier]
        for i, sign in enumerate(tiered):
            yield ("warning_signs", tier.value, i, "text"), sign.text
    for i, advice in enumerate(protocol.guidance):
        yield ("guidance", i, "title"), advice.title
        yield ("guidance", i, "text"), advice.text


def place(loc: Where) -> str:
    """``warning_signs.call_today[2].text``: a place in the rules file, as a reader finds it."""
    out = ""
    for step in loc:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else step)
    return out


def written_at(protocol: Protocol, where: Where) -> Where:
    """Where in the file a rule of this procedure is written: its own section, or the shared one."""
    for prefix, moved in protocol.origin.items():
        if where[: len(prefix)] == prefix:
            return moved + where[len(prefix) :]
    return where


class Book(NamedTuple):
    """A rules file's procedures, each built once: the main procedure first, then the others."""

    main: str  # the main procedure's key
    protocols: Mapping[str, Protocol]  # by key, in the file's order
    names: Mapping[str, str]  # every name a procedure answers to, folded, with its key
    title: str  # the main procedure's English name, as messages list the procedures

    @property
    def others(self) -> tuple[str, ...]:
        """The keys of the procedures other than the main one, in the file's order."""
        return tuple(key for key in self.protocols if key != self.main)

    def key(self, name: str | None) -> str:
        """The key of the procedure called ``name`` (None: the main one); unknown is an error."""
        if name is None:
            return self.main
        folded = normalize_name(name)
        if folded not in self.names:
            raise _unknown_procedure(name, self.title, self.others)
        return self.names[folded]

    def protocol(self, name: str | None = None) -> Protocol:
        """The protocol of the procedure called ``name`` (None: the main one)."""
        return self.protocols[self.key(name)]


def book_from_data(data: RulesData, path: str, digest: str = "") -> Book:
    """Every procedure's protocol of a rules file, from its validated data, built once."""
    title = data["protocol"]["procedure"]["en"]
    main = normalize_name(title)
    protocols = {main: _built(data, path, None, main)._replace(digest=digest)}
    for key, changes in data.get("procedures", {}).items():
        protocols[key] = _built(data, path, changes, key)._replace(digest=digest)
    return Book(main, protocols, procedure_names(data), title)
