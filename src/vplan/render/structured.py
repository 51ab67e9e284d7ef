"""The plan and the answers as plain data, for ``--format json``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from vplan.i18n import ENGLISH
from vplan.stamp import stamp_data
from vplan.units import KG_PER_LB
from vplan.words.nurse import NurseWords

if TYPE_CHECKING:
    from vplan.answer import Answer
    from vplan.datatypes import Json
    from vplan.model import Protocol
    from vplan.plan import Plan
    from vplan.reports import Activities, LintReport, Rule, ValidateReport, WarningSigns
    from vplan.schedule import LimitRow, Restriction, Schedule
    from vplan.sections import SignTier
    from vplan.units import Weight


def weight(value: Weight | None, *, limit: bool = False) -> dict[str, Json] | None:
    """A weight in both units, exact, with the text patients read."""
    if value is None:
        return None
    return {
        "value": float(value.value),
        "unit": value.unit,
        "kg": round(float(value.kg), 3),
        "lb": round(float(value.kg / KG_PER_LB), 3),
        "text": value.describe(limit=limit),
    }


def protocol_info(protocol: Protocol, lang: str = ENGLISH) -> dict[str, Json]:
    """Name, version and review date of the protocol, and its translation note.

    The note (null when the rules have none) says the translation must still be reviewed;
    it is there in a language other than English only.
    """
    info = protocol.info
    found: dict[str, Json] = {
        "name": info.name.get(lang),
        "procedure": info.procedure.get(lang),
        "version": info.version,
        "last_reviewed": info.last_reviewed.isoformat(),
        "notice": info.notice.get(lang),
        "path": protocol.path,
    }
    if lang != ENGLISH:
        note = info.translation_note
        found["translation_note"] = None if note is None else note.get(lang)
    return found


def _limit(limit: LimitRow, plan: Plan) -> dict[str, Json]:
    last = limit.last_day
    return {
        "from_day": limit.first_day,
        "until_day": last,
        "from": plan.date_of(limit.first_day).isoformat(),
        "until": None if last is None else plan.date_of(last).isoformat(),
        "until_cleared": last is None,
        "max": weight(limit.window.limit.max, limit=True),
        "with_care": limit.window.with_care,
        "text": limit.text,
        "ordered": limit.window.limit.ordered,
        "sources": list(limit.sources),
    }


def restriction(item: Restriction, plan: Plan) -> dict[str, Json]:
    """An activity's limits and when it is allowed again."""
    free = item.allowed_from
    return {
        "activity": item.activity.key,
        "name": item.name,
        "limits": [_limit(limit, plan) for limit in item.limits],
        "allowed_from_day": item.allowed_from_day,
        "allowed_from": None if free is None else free.isoformat(),
        "cautions": list(item.cautions),
        "advice": item.advice,
        "then": item.then,
    }


def warning_signs(listing: WarningSigns) -> dict[str, Json]:
    """The warning signs by tier, and the emergency number."""
    return signs(listing.tiers, listing.emergency_number)


def signs(tiers: Sequence[SignTier], emergency_number: str) -> dict[str, Json]:
    """Warning signs by tier (each with its cited sources), and the number to call."""
    found: dict[str, Json] = {
        tier.tier.value: [{"text": s.text, "sources": list(s.sources)} for s in tier.signs]
        for tier in tiers
    }
    return found | {"emergency_number": emergency_number}


def schedule(view: Schedule) -> dict[str, Json]:
    """The whole plan for the view's days; ``patient`` is null unless a name was given.

    ``stamp`` holds what made it, with the full SHA-256 digests (null without one).
    """
    plan, lang = view.plan, view.lang
    return {
        "patient": view.patient,
        "procedure_date": plan.procedure_date.isoformat(),
        "protocol": protocol_info(plan.protocol, lang),
        "follow_up": follow_up(plan, lang),
        "orders": orders(view),
        "stamp": None if view.stamp is None else stamp_data(view.stamp),
        "days": [
            {
                "day": day.day,
                "date": day.date.isoformat(),
                "weekday": day.weekday,
                "milestones": list(day.milestones),
                "do": list(day.do),
                "avoid": [
                    {
                        "activity": a.activity,
                        "text": a.text,
                        "max": weight(a.max, limit=True),
                        "ask_care_team": a.ask,
                    }
                    for a in day.avoid
                ],
                "with_care": [
                    {"activity": c.activity, "name": c.name, "text": c.text} for c in day.careful
                ],
            }
            for day in view.days
        ],
        "restrictions": [restriction(item, plan) for item in view.restrictions],
        "care": [
            {
                "from_day": c.first_day,
                "until_day": c.last_day,
                "text": c.text,
                "sources": list(c.sources),
            }
            for c in view.care
        ],
        "advice": [{"activity": a.key, "name": a.title, "text": a.text} for a in view.advice],
        "guidance": [
            {"title": g.title, "text": g.text, "sources": list(g.sources)} for g in view.guidance
        ],
        "warning_signs": signs(view.signs, plan.protocol.info.emergency_number),
    }


def follow_up(plan: Plan, lang: str = ENGLISH) -> dict[str, Json] | None:
    """The booked follow-up visit (null when none was given)."""
    visit = plan.follow_up
    if visit is None:
        return None
    words = NurseWords(lang)
    return {
        "date": visit.date.isoformat(),
        "time": None if visit.time is None else visit.time.strftime("%H:%M"),
        "weekday": words.dates.weekday(visit.date),
        "day": plan.day_of(visit.date),
        "place": visit.place,
        "text": words.visit_text(plan),
    }


def orders(view: Schedule) -> dict[str, Json] | None:
    """The care team's orders for this patient (null without an orders file)."""
    given = view.plan.orders
    if given is None:
        return None
    return {
        "sha256": given.sha256,
        "activities": [a.key for a in given.activities],
        "notes": [note.get(view.lang) for note in view.plan.notes],
        "instructions": list(view.orders),
    }


def verdict(answer: Answer, lang: str = ENGLISH) -> dict[str, Json]:
    """The answer to ``check``."""
    plan = answer.plan
    free, no_limit = answer.allowed_from, answer.no_limit_from_day
    return {
        "activity": answer.verdict.activity.key,
        "amount": weight(answer.verdict.amount),
        "procedure_date": plan.procedure_date.isoformat(),
        "date": plan.date_of(answer.verdict.day).isoformat(),
        "day": answer.verdict.day,
        "verdict": answer.status.value,
        "allowed": answer.allowed,
        "allowed_from": None if free is None else free.isoformat(),
        "allowed_from_day": answer.allowed_from_day,
        "no_limit_from": None if no_limit is None else plan.date_of(no_limit).isoformat(),
        "no_limit_from_day": no_limit,
        "reason": answer.reason,
        "condition": answer.condition,
        "next": answer.next,
        "then": answer.then,
        "involves": [
            {
                "activity": v.activity,
                "verdict": v.status.value,
                "allowed_from_day": v.allowed_from_day,
                "allowed_from": None if v.allowed_from is None else v.allowed_from.isoformat(),
            }
            for v in answer.involved
        ],
        "cautions": list(answer.cautions),
        "tip": answer.tip,
        "source": list(answer.sources),
        "protocol": protocol_info(plan.protocol, lang),
    }


def verdicts(answers: Sequence[Answer], question: str, lang: str = ENGLISH) -> dict[str, Json]:
    """The answer to ``check``; for a word that means more than one activity, each answer.

    ``verdict`` is then the strictest answer and ``allowed`` true only when every one is.
    """
    if len(answers) == 1:
        return verdict(answers[0], lang)
    strictest = max((a.status for a in answers), key=lambda status: status.rank)
    return {
        "question": question,
        "verdict": strictest.value,
        "allowed": all(a.allowed for a in answers),
        "answers": [verdict(a, lang) for a in answers],
    }


def rules(views: Sequence[Rule], question: str) -> dict[str, Json]:
    """The rule of an activity; for a word that means more than one activity, each rule."""
    if len(views) == 1:
        return rule(views[0])
    return {"question": question, "rules": [rule(view) for view in views]}


def rule(view: Rule) -> dict[str, Json]:
    """The activity's rule in post-operative days, for a check without a procedure date."""
    return {
        "activity": view.activity.key,
        "allowed": None,
        "day": None,
        "allowed_from": None,
        "allowed_from_day": None,
        "reason": view.summary,
        "rule": [
            {
                "from": str(lim.start),
                "until": "cleared" if lim.end is None else str(lim.end),
                "max": weight(lim.max, limit=True),
                "with_care": lim.with_care,
                "text": lim.text,
                "sources": list(lim.sources),
            }
            for lim in view.limits
        ],
        "then": view.then,
        "cautions": list(view.cautions),
        "tip": view.tip,
        "source": list(view.sources),
        "protocol": protocol_info(view.protocol, view.lang),
    }


def activities(listing: Activities) -> list[dict[str, Json]]:
    """Every activity the rules know, with its aliases and its rule."""
    return [
        {"name": r.name, "aliases": list(r.aliases), "measured": r.measured, **rule(r)}
        for r in listing.rules
    ]


def rules_validate(report: ValidateReport) -> dict[str, Json]:
    """``rules validate`` of a valid file: what it is, what it holds, its languages."""
    return {
        "file": report.label,
        "valid": True,
        "name": report.name,
        "version": report.version,
        "last_reviewed": report.last_reviewed.isoformat(),
        "activities": report.activities,
        "warning_signs": report.warning_signs,
        "procedures": [report.main_procedure, *report.procedures],
        "main_procedure": report.main_procedure,
        "languages": [
            {"code": use.code, "texts_without_it": use.missing} for use in report.languages
        ],
        "translation_note": report.translation_note,
    }


def rules_lint(report: LintReport) -> dict[str, Json]:
    """``rules lint``: each finding with its place, and how many errors and warnings."""
    return {
        "file": report.label,
        "valid": True,
        "errors": report.errors,
        "warnings": report.warnings,
        "findings": [
            {
                "line": f.line,
                "column": f.column,
                "level": "error" if f.is_error else "warning",
                "kind": f.kind.name.lower(),
                "what": f.what,
                "fix": f.fix,
            }
            for f in report.findings
        ],
    }
