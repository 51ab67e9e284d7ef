"""The plan and the answers as plain data, for ``--format json``."""

from __future__ import annotations

from typing import Any

from vplan.i18n import ENGLISH
from vplan.model import Activity, Protocol, Tier
from vplan.plan import Plan, Verdict, Window
from vplan.render.sources import cite
from vplan.stamp import Stamp, stamp_data
from vplan.units import KG_PER_LB, Weight
from vplan.words import (
    avoid_label,
    milestone_text,
    order_texts,
    rule_summary,
    verdict_reason,
    visit_text,
    weekday,
)


def weight(value: Weight | None, *, limit: bool = False) -> dict[str, Any] | None:
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


def protocol_info(protocol: Protocol, lang: str = ENGLISH) -> dict[str, Any]:
    """Name, version and review date of the protocol, and its translation note.

    The note (null when the rules have none) says the translation must still be reviewed;
    it is there in a language other than English only.
    """
    info = protocol.info
    found: dict[str, Any] = {
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


def _window(plan: Plan, window: Window, lang: str) -> dict[str, Any]:
    end = window.end_day
    return {
        "from_day": window.start_day,
        "until_day": None if end is None else end - 1,
        "from": plan.date_of(window.start_day).isoformat(),
        "until": None if end is None else plan.date_of(end - 1).isoformat(),
        "until_cleared": end is None,
        "max": weight(window.limit.max, limit=True),
        "text": window.limit.text.get(lang),
        "ordered": window.limit.ordered,
        "sources": cite(plan.protocol, window.limit.sources),
    }


def restriction(plan: Plan, activity: Activity, lang: str = ENGLISH) -> dict[str, Any]:
    """An activity's limits and when it is allowed again."""
    windows = plan.windows_of(activity)
    free = plan.verdict(activity, windows[0].start_day).allowed_from_day if windows else 0
    return {
        "activity": activity.key,
        "name": activity.name.get(lang),
        "limits": [_window(plan, w, lang) for w in windows],
        "allowed_from_day": free,
        "allowed_from": None if free is None else plan.date_of(free).isoformat(),
        "cautions": [c.text.get(lang) for c in activity.cautions],
        "advice": None if activity.advice is None else activity.advice.get(lang),
    }


def warning_signs(protocol: Protocol, lang: str = ENGLISH) -> dict[str, Any]:
    """The warning signs by tier."""
    return {
        tier.value: [
            {"text": s.text.get(lang), "sources": cite(protocol, s.sources)}
            for s in protocol.warning_signs
            if s.tier is tier
        ]
        for tier in Tier
    } | {"emergency_number": protocol.info.emergency_number}


def schedule(
    plan: Plan,
    days: int,
    patient: str | None = None,
    lang: str = ENGLISH,
    made: Stamp | None = None,
) -> dict[str, Any]:
    """The whole plan for ``days`` days; ``patient`` is null unless a name was given.

    ``stamp`` holds what made it, with the full SHA-256 digests (null without one).
    """
    rows = []
    for n in range(days):
        day = plan.day(n)
        rows.append(
            {
                "day": n,
                "date": day.date.isoformat(),
                "weekday": weekday(day.date, lang),
                "milestones": [milestone_text(plan, m, lang) for m in day.milestones],
                "do": [c.item.label.get(lang) for c in day.care],
                "avoid": [
                    {
                        "activity": w.activity.key,
                        "text": avoid_label(w, lang),
                        "max": weight(w.limit.max, limit=True),
                    }
                    for w in day.avoid
                ],
            }
        )
    return {
        "patient": patient,
        "procedure_date": plan.procedure_date.isoformat(),
        "protocol": protocol_info(plan.protocol, lang),
        "follow_up": follow_up(plan, lang),
        "orders": orders(plan, lang),
        "stamp": None if made is None else stamp_data(made),
        "days": rows,
        "restrictions": [restriction(plan, a, lang) for a in plan.protocol.activities if a.limits],
        "care": [
            {
                "from_day": c.start_day,
                "until_day": None if c.end_day is None else c.end_day - 1,
                "text": c.item.text.get(lang),
                "sources": cite(plan.protocol, c.item.sources),
            }
            for c in plan.care
        ],
        "guidance": [
            {
                "title": g.title.get(lang),
                "text": g.text.get(lang),
                "sources": cite(plan.protocol, g.sources),
            }
            for g in plan.protocol.guidance
        ],
        "warning_signs": warning_signs(plan.protocol, lang),
    }


def follow_up(plan: Plan, lang: str = ENGLISH) -> dict[str, Any] | None:
    """The booked follow-up visit (null when none was given)."""
    visit = plan.follow_up
    if visit is None:
        return None
    return {
        "date": visit.date.isoformat(),
        "time": None if visit.time is None else visit.time.strftime("%H:%M"),
        "weekday": weekday(visit.date, lang),
        "day": plan.day_of(visit.date),
        "place": visit.place,
        "text": visit_text(plan, lang),
    }


def orders(plan: Plan, lang: str = ENGLISH) -> dict[str, Any] | None:
    """The care team's orders for this patient (null without an orders file)."""
    if plan.orders is None:
        return None
    return {
        "sha256": plan.orders.sha256,
        "activities": [a.key for a in plan.orders.activities],
        "notes": [note.get(lang) for note in plan.notes],
        "instructions": list(order_texts(plan, lang)),
    }


def verdict(plan: Plan, answer: Verdict, lang: str = ENGLISH) -> dict[str, Any]:
    """The answer to ``check``."""
    free = answer.allowed_from_day
    return {
        "activity": answer.activity.key,
        "amount": weight(answer.amount),
        "procedure_date": plan.procedure_date.isoformat(),
        "date": plan.date_of(answer.day).isoformat(),
        "day": answer.day,
        "allowed": answer.allowed,
        "allowed_from": None if free is None else plan.date_of(free).isoformat(),
        "allowed_from_day": free,
        "reason": verdict_reason(plan, answer, lang),
        "involves": [
            {
                "activity": v.activity.key,
                "allowed_from_day": v.allowed_from_day,
                "allowed_from": None
                if v.allowed_from_day is None
                else plan.date_of(v.allowed_from_day).isoformat(),
            }
            for v in answer.involved
        ],
        "cautions": [c.text.get(lang) for c in answer.cautions],
        "source": cite(plan.protocol, answer.sources),
        "protocol": protocol_info(plan.protocol, lang),
    }


def rule(protocol: Protocol, activity: Activity, lang: str = ENGLISH) -> dict[str, Any]:
    """The activity's rule in post-operative days, for a check without a procedure date."""
    return {
        "activity": activity.key,
        "allowed": None,
        "day": None,
        "allowed_from": None,
        "allowed_from_day": None,
        "reason": rule_summary(activity, lang),
        "rule": [
            {
                "from": str(lim.start),
                "until": "cleared" if lim.end is None else str(lim.end),
                "max": weight(lim.max, limit=True),
                "text": lim.text.get(lang),
                "sources": cite(protocol, lim.sources),
            }
            for lim in activity.limits
        ],
        "cautions": [c.text.get(lang) for c in activity.cautions],
        "source": cite(protocol, activity.sources),
        "protocol": protocol_info(protocol, lang),
    }


def activities(protocol: Protocol, lang: str = ENGLISH) -> list[dict[str, Any]]:
    """Every activity the rules know, with its aliases and its rule."""
    return [
        {"name": a.name.get(lang), "aliases": list(a.aliases), "measured": a.measured}
        | rule(protocol, a, lang)
        for a in protocol.activities
    ]
