"""The rules reports and the protocol listings, each as one view: text and JSON only lay them out.

``rules validate``, ``rules lint``, ``rules show`` and ``rules diff`` report on a rules file;
``red-flags``, ``activities`` and ``check`` without a procedure date list what a protocol
says. Each ``build_*`` makes one view of what its output shows; ``render/text.py`` and
``render/structured.py`` only lay it out. Pure: no clock, no printing, no files.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from vplan.i18n import ENGLISH, languages_in_use, missing_texts
from vplan.sections import SignTier, cite, sign_tiers
from vplan.words.nurse import HEADINGS, NurseWords

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from datetime import date

    from vplan.authoring.diff import Comparison
    from vplan.authoring.lint import LintWarning
    from vplan.model import Activity, Protocol
    from vplan.units import Duration, Weight


class LanguageUse(NamedTuple):
    """A language the rules' texts are written in, and how many texts lack it."""

    code: str
    missing: int


class ValidateReport(NamedTuple):
    """What ``rules validate`` says of a valid rules file."""

    label: str  # the file, as the nurse named it
    name: str
    version: str
    last_reviewed: date
    activities: int
    warning_signs: int
    main_procedure: str
    procedures: tuple[str, ...]  # the others the file describes
    languages: tuple[LanguageUse, ...]
    translation_note: str | None  # on one line


def build_validate(protocol: Protocol, label: str, procedures: Iterable[str]) -> ValidateReport:
    """The report on a valid rules file; ``procedures`` are the others it describes."""
    info = protocol.info
    return ValidateReport(
        label=label,
        name=info.name.get(),
        version=info.version,
        last_reviewed=info.last_reviewed,
        activities=len(protocol.activities),
        warning_signs=len(protocol.warning_signs),
        main_procedure=info.procedure_key,
        procedures=tuple(procedures),
        languages=tuple(
            LanguageUse(code, len(missing_texts(protocol, code)))
            for code in languages_in_use(protocol)
        ),
        translation_note=_one_line_note(protocol),
    )


class LintReport(NamedTuple):
    """What ``rules lint`` found in a valid rules file, in the file's order."""

    label: str
    findings: tuple[LintWarning, ...]
    errors: int  # texts some plans cannot show
    warnings: int  # the rest


def build_lint(label: str, findings: Sequence[LintWarning]) -> LintReport:
    """The lint report of one file."""
    errors = sum(f.is_error for f in findings)
    return LintReport(label, tuple(findings), errors, len(findings) - errors)


class ShowReport(NamedTuple):
    """``rules show``: the rules file in use, under a header naming it."""

    label: str
    name: str
    version: str
    last_reviewed: date
    translation_note: str | None  # on one line
    text: str  # the file as it is written


def build_show(protocol: Protocol, label: str, text: str) -> ShowReport:
    """The file ``text`` read from ``label``, with what its ``protocol`` says it is."""
    info = protocol.info
    return ShowReport(
        label, info.name.get(), info.version, info.last_reviewed, _one_line_note(protocol), text
    )


def _one_line_note(protocol: Protocol) -> str | None:
    note = protocol.info.translation_note
    return None if note is None else " ".join(note.get().split())


class DiffSection(NamedTuple):
    """The changes under one heading of ``rules diff``."""

    heading: str
    changes: tuple[str, ...]


class DiffReport(NamedTuple):
    """What changes for patients from one rules file to another."""

    old_label: str
    new_label: str
    old_version: str
    new_version: str
    old_reviewed: date
    new_reviewed: date
    sections: tuple[DiffSection, ...]
    changes: int

    @property
    def same_version(self) -> bool:
        """Both files say the same version: one of them needs a new one."""
        return self.old_version == self.new_version


def build_diff(comparison: Comparison, old_label: str, new_label: str) -> DiffReport:
    """The comparison of two files as the headings and lines ``rules diff`` shows."""
    sections: dict[str, list[str]] = {}
    for change in comparison.changes:
        sections.setdefault(change.section, []).append(str(change))
    old, new = comparison.old, comparison.new
    return DiffReport(
        old_label=old_label,
        new_label=new_label,
        old_version=old.version,
        new_version=new.version,
        old_reviewed=old.last_reviewed,
        new_reviewed=new.last_reviewed,
        sections=tuple(DiffSection(k, tuple(v)) for k, v in sections.items()),
        changes=len(comparison.changes),
    )


class WarningSigns(NamedTuple):
    """``red-flags``: the protocol's warning signs by tier, the most urgent first."""

    protocol: Protocol
    lang: str
    heading: str
    tiers: tuple[SignTier, ...]
    emergency_number: str


def build_warning_signs(protocol: Protocol, lang: str = ENGLISH) -> WarningSigns:
    """The warning signs of ``protocol`` in ``lang``."""
    return WarningSigns(
        protocol,
        lang,
        NurseWords(lang).tr(HEADINGS["signs"]).upper(),
        sign_tiers(protocol, lang),
        protocol.info.emergency_number,
    )


class RuleLimit(NamedTuple):
    """One limit of an activity's rule, in post-operative days."""

    start: Duration
    end: Duration | None  # None: until the care team clears it
    span: str
    max: Weight | None
    text: str
    sources: tuple[str, ...]  # cited
    with_care: bool = False  # allowed during the limit, only as its text says


class Rule(NamedTuple):
    """An activity's rule without a procedure date: ``check`` without one, and ``activities``."""

    protocol: Protocol
    lang: str
    activity: Activity
    name: str
    heading: str  # "lifting: Lifting", as the list of activities names it
    aliases: tuple[str, ...]  # as the rules write them (English)
    measured: bool  # takes an amount, such as a weight
    title: str  # "Lifting: the rule, counted from the procedure day (day 0)"
    also: tuple[str, ...]  # the other words 'check' understands, in the language asked for
    limits: tuple[RuleLimit, ...]
    summary: str
    cautions: tuple[str, ...]
    tip: str | None
    hint: str  # how to get an answer for a given day
    sources: tuple[str, ...]  # the activity's, cited
    limit_sources: tuple[str, ...]  # the first limit's (else the activity's), cited
    then: str | None = None  # how to come back once the last limit ends


def build_rule(protocol: Protocol, activity: Activity, lang: str = ENGLISH) -> Rule:
    """The rule of ``activity`` in ``lang``."""
    advice = activity.advice
    words = NurseWords(lang)
    return Rule(
        protocol=protocol,
        lang=lang,
        activity=activity,
        name=activity.name.get(lang),
        heading=f"{activity.key.replace('_', ' ')}: {activity.name.get(lang)}",
        aliases=tuple(activity.aliases),
        measured=activity.measured,
        title=words.rule_title(activity),
        also=tuple(activity.aliases if lang == ENGLISH else activity.synonyms.get(lang, ())),
        limits=tuple(
            RuleLimit(
                lim.start,
                lim.end,
                words.rule_span(lim, with_care=lim.with_care),
                lim.max,
                lim.text.get(lang),
                tuple(cite(protocol, lim.sources)),
                lim.with_care,
            )
            for lim in activity.limits
        ),
        summary=words.rule_summary(activity),
        cautions=tuple(c.text.get(lang) for c in activity.cautions),
        tip=None if advice is None else advice.get(lang),
        hint=words.give_a_date(),
        then=None if activity.then is None else activity.then.text.get(lang),
        sources=tuple(cite(protocol, activity.sources)),
        limit_sources=tuple(
            cite(protocol, activity.limits[0].sources if activity.limits else activity.sources)
        ),
    )


class Activities(NamedTuple):
    """``activities``: every activity the rules know, with its rule."""

    heading: str
    rules: tuple[Rule, ...]


def build_activities(protocol: Protocol, lang: str = ENGLISH) -> Activities:
    """The activities of ``protocol`` in ``lang``."""
    return Activities(
        NurseWords(lang).tr(HEADINGS["activities"]).upper(),
        tuple(build_rule(protocol, act, lang) for act in protocol.activities),
    )
