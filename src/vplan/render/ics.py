"""The plan as an iCalendar file (RFC 5545), for the patient's phone calendar.

One event for each day on which something changes, listing what changes (the
procedure day lists every limit that starts, in the rules' words); the booked visit,
and a visit due within a span of days, have their own. Alarms come only on those days
after the procedure day, and before the visit. Every event but a timed visit lasts
whole days: ``DTSTART;VALUE=DATE`` and an exclusive ``DTEND;VALUE=DATE``. Each event's
description carries the whole reminder, because phone calendars often drop alarms on
import. UIDs depend only on the procedure date, the event's day (or place in the rules)
and the patient's name (when given), so importing the file again updates the events
instead of adding them twice.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from icalendar import Alarm, Calendar, Event, vText

from vplan import __version__
from vplan.i18n import ENGLISH
from vplan.plan import FollowUpVisit, LimitChange, Plan, RuleEvent
from vplan.sections import cite
from vplan.words.patient import CARE_THROUGH, LIMITS_BOX, PatientWords

if TYPE_CHECKING:
    from vplan.plan import CareWindow, Milestone
    from vplan.stamp import Stamp

UID_DOMAIN = "vplan"
UID_LENGTH = 32  # hex digits of the SHA-256 kept: 128 bits
ALARM_AT = timedelta(hours=9)  # from the start of the day: 9:00 on the event's first day
VISIT_LENGTH = timedelta(hours=1)  # a booked visit with a time: shown as one hour
DAY_BEFORE = timedelta(days=-1)  # the booked visit's alarm: the day before, at its time
DAY_BEFORE_9AM = timedelta(hours=-15)  # a visit with no time: 9:00 the day before


@dataclass(frozen=True)
class Entry:
    """One all-day event: its identity in the plan, its days and its words."""

    key: str  # stable identity, such as ``limit:lifting:0``; never shown
    first_day: int
    end_day: int  # exclusive: the day after the last one
    summary: str
    details: tuple[str, ...]
    alarm: bool
    at: time | None = None  # a timed event (the booked visit) starts then
    alarm_before: bool = False  # the alarm comes the day before, not on the day
    location: str | None = None  # where the event is (the booked visit's place)


def calendar(
    plan: Plan,
    patient: str | None = None,
    *,
    stamp: datetime,
    lang: str = ENGLISH,
    made: Stamp | None = None,
    phone: str | None = None,
) -> bytes:
    """The plan as an iCalendar file: one all-day event per limit and per milestone.

    ``patient`` names the calendar and keeps its UIDs apart from another patient's;
    without it no name is written. ``stamp`` (with a time zone) is every event's
    DTSTAMP. The UIDs do not depend on ``lang``: a calendar in another language
    updates the same events. ``made``, when given, ends the calendar's description;
    ``phone``, the number to call, is in the booked visit's event.
    """
    if stamp.tzinfo is None:
        raise ValueError("the stamp needs a time zone, such as datetime.now(UTC)")
    words = PatientWords(lang)
    notice = "\n".join(words.notices(plan.protocol))
    cal = Calendar()
    cal.add("prodid", f"-//vplan//vplan {__version__}//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    # X- properties are TEXT (RFC 5545, 3.8.8.2): escaped like SUMMARY, so "Doe, Jane" stays whole.
    cal.add("x-wr-calname", vText(words.calendar_name(plan.protocol, patient)))
    about = [notice, words.protocol_line(plan.protocol), *(n.get(lang) for n in plan.notes)]
    if made is not None:
        about.append(words.stamp_line(made, plan.protocol))
    cal.add("x-wr-caldesc", vText("\n".join(about)))
    for entry in sorted(_entries(plan, words, phone), key=lambda e: e.first_day):
        cal.add_component(_event(plan, entry, _uid(plan, entry.key, patient), stamp, notice))
    data: bytes = cal.to_ical()
    return data


def _entries(plan: Plan, words: PatientWords, phone: str | None) -> list[Entry]:
    """One event for each day something changes; the visit and a span of days apart."""
    found: list[Entry] = []
    changes: dict[int, list[Milestone]] = {0: []}  # the procedure day: the limits start
    starts: dict[int, list[CareWindow]] = {}  # what to do from a day on is a change too
    for care in plan.care:
        starts.setdefault(care.start_day, []).append(care)
        changes.setdefault(care.start_day, [])
    for milestone in plan.milestones:
        if isinstance(milestone, FollowUpVisit) or (
            isinstance(milestone, RuleEvent) and milestone.by_day is not None
        ):
            found.append(_milestone(plan, milestone, words, phone))
        else:
            changes.setdefault(milestone.day, []).append(milestone)
    found += [
        _changes(plan, day, happening, starts.get(day, []), words)
        for day, happening in changes.items()
    ]
    return found


def _changes(
    plan: Plan,
    day: int,
    happening: list[Milestone],
    starting: list[CareWindow],
    words: PatientWords,
) -> Entry:
    """What changes on a day, each change in a few words and then in the rules' words.

    The care items that start on the day follow, each with its last day.
    """
    lang = words.lang
    titles = [words.milestone_title(plan, m) for m in happening]
    details: list[str] = []
    sources: list[str] = []
    for milestone in happening:
        text = words.milestone_text(plan, milestone)
        details.append(text if text.endswith(".") else f"{text}.")
        if isinstance(milestone, LimitChange) and not milestone.following.with_care:
            details.append(milestone.following.limit.text.get(lang))
        sources += milestone.sources
    if day == 0:
        for window in plan.in_force(0):
            name = window.activity.name.get(lang)
            details.append(f"{name}: {words.limit_sentence(plan, window)}")
            sources += window.limit.sources
        if not titles:
            titles = [words.tr(LIMITS_BOX)]
    for care in starting:
        text = care.item.text.get(lang)
        if care.last_day is not None and care.last_day > day:
            text = words.tr(CARE_THROUGH).format(
                date=words.date_near(plan, care.last_day, day), text=text
            )
        details.append(text)
        sources += care.item.sources
    if not titles:
        titles = [care.item.label.get(lang) for care in starting]
    details.append(words.label("when", words.dates.long(plan.date_of(day))))
    return Entry(
        key=f"day:{day}",
        first_day=day,
        end_day=day + 1,
        summary="; ".join(titles),
        details=(*details, *_sources(plan, tuple(dict.fromkeys(sources)), words)),
        alarm=day > 0,  # on the procedure day itself, a reminder comes too late
    )


def _uid(plan: Plan, key: str, patient: str | None) -> str:
    """The same procedure date, event and patient always give the same UID; no name in clear."""
    parts = [plan.procedure_date.isoformat(), key]
    if patient is not None:
        parts.append(patient)
    digest = hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()
    return f"{digest[:UID_LENGTH]}@{UID_DOMAIN}"


def _event(plan: Plan, entry: Entry, uid: str, stamp: datetime, notice: str) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    if entry.at is not None:  # floating local time: the visit is where the patient lives
        start = datetime.combine(plan.date_of(entry.first_day), entry.at)
        event.add("dtstart", start)
        event.add("dtend", start + VISIT_LENGTH)
    else:
        event.add("dtstart", plan.date_of(entry.first_day))
        event.add("dtend", plan.date_of(entry.end_day))
    event.add("summary", entry.summary)
    if entry.location:
        event.add("location", entry.location)
    event.add("description", "\n".join([*entry.details, "", notice]))
    event.add("transp", "OPAQUE" if entry.at is not None else "TRANSPARENT")
    if entry.alarm:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", entry.summary)
        if not entry.alarm_before:
            trigger = ALARM_AT
        else:
            trigger = DAY_BEFORE if entry.at is not None else DAY_BEFORE_9AM
        alarm.add("trigger", trigger)
        event.add_component(alarm)
    return event


def _sources(plan: Plan, keys: tuple[str, ...], words: PatientWords) -> list[str]:
    return [words.label("source", s) for s in cite(plan.protocol, keys)]


def _milestone(
    plan: Plan, milestone: FollowUpVisit | RuleEvent, words: PatientWords, phone: str | None
) -> Entry:
    """The booked visit, with its place and the phone; or an event due within a span of days.

    A follow-up visit due, not yet booked, says the phone to call to make it.
    """
    if isinstance(milestone, FollowUpVisit):
        return Entry(
            key="follow-up",  # the same event when the visit moves
            first_day=milestone.day,
            end_day=milestone.day + 1,
            summary=words.milestone_title(plan, milestone),
            details=(words.visit_text(plan), *(words.phone_lines(phone, None) if phone else ())),
            alarm=True,
            at=milestone.visit.time,
            alarm_before=True,
            location=milestone.visit.place,
        )
    # The orders' items follow the rules', so they are counted apart.
    key = f"{'order' if milestone.rule.ordered else 'milestone'}:{milestone.place}"
    first, last = plan.date_of(milestone.day), plan.date_of(milestone.last_day)
    when = words.label(
        "when", words.date_span(first, last) if last > first else words.dates.long(first)
    )
    return Entry(
        key=key,
        first_day=milestone.day,
        end_day=milestone.last_day + 1,
        summary=words.milestone_title(plan, milestone),
        details=(
            words.milestone_text(plan, milestone),
            when,
            # The visit to make: the number to call for it.
            *(words.phone_lines(phone, None) if phone and milestone.rule.follow_up else ()),
            *_sources(plan, milestone.sources, words),
        ),
        alarm=milestone.day > 0,  # on the procedure day itself, a reminder comes too late
    )
