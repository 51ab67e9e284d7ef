from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from conftest import Run
from vplan.model import Protocol
from vplan.plan import Plan, RuleEvent, build_plan
from vplan.render.ics import calendar

STAMP = datetime(2025, 3, 1, 12, 30, tzinfo=UTC)
NOTICE = "This plan is a general guide. It does not replace the advice of your care team."


def events(data: bytes) -> list[Any]:
    """The events of an iCalendar file, parsed back with icalendar."""
    return list(Calendar.from_ical(data).walk("VEVENT"))


def span(event: Any) -> tuple[date, date]:
    """An event's first day and its exclusive end."""
    return event.decoded("DTSTART"), event.decoded("DTEND")


def by_summary(found: list[Any], summary: str) -> Any:
    """The one event with this summary."""
    matching = [e for e in found if str(e["SUMMARY"]) == summary]
    assert len(matching) == 1, (summary, [str(e["SUMMARY"]) for e in found])
    return matching[0]


def change_days(plan: Plan) -> set[int]:
    """The days something changes (the procedure day too), each one event of the calendar."""
    spans = [m for m in plan.milestones if isinstance(m, RuleEvent) and m.by_day is not None]
    starts = {c.start_day for c in plan.care}  # what to do from that day on
    return {0} | {m.day for m in plan.milestones if m not in spans} | starts


def on(found: list[Any], when: date) -> Any:
    """The one all-day event that starts on ``when``."""
    matching = [e for e in found if e.decoded("DTSTART") == when]
    assert len(matching) == 1, (when, [str(e["SUMMARY"]) for e in matching])
    return matching[0]


def uids(data: bytes) -> list[str]:
    """The UIDs of the events, in file order."""
    return [str(e["UID"]) for e in events(data)]


def test_every_event_is_all_day_with_an_end_after_its_start(plan: Plan) -> None:
    """Each event has DTSTART and DTEND as VALUE=DATE dates, and ends after it starts."""
    found = events(calendar(plan, stamp=STAMP))
    assert len(found) == len(change_days(plan)) + 1  # and the follow-up visit's span
    for event in found:
        for name in ("DTSTART", "DTEND"):
            assert event[name].params["VALUE"] == "DATE"
            assert type(event.decoded(name)) is date
        start, end = span(event)
        assert end > start


def test_events_fall_on_the_days_of_the_plan(plan: Plan) -> None:
    """One event a day something changes, on its real date; the visit's span is its own."""
    found = events(calendar(plan, stamp=STAMP))
    for day in change_days(plan):
        assert span(on(found, plan.date_of(day))) == (plan.date_of(day), plan.date_of(day + 1))
    assert "Showering: allowed again" in str(on(found, date(2025, 3, 3))["SUMMARY"])
    assert "Lifting: up to 20 lb (9 kg) from today" in str(on(found, date(2025, 4, 12))["SUMMARY"])
    follow_up = next(e for e in found if str(e["SUMMARY"]).startswith("Your follow-up visit"))
    assert span(follow_up) == (date(2025, 3, 8), date(2025, 3, 16))  # day 7 to day 14
    assert not [e for e in found if str(e["SUMMARY"]).startswith("No ")]  # no daily banners


def test_the_procedure_day_lists_every_limit_that_starts_in_the_rules_words(plan: Plan) -> None:
    """Day 0's event says each limit as the rules write it, with its dates and conditions."""
    first = str(on(events(calendar(plan, stamp=STAMP)), date(2025, 3, 1))["DESCRIPTION"])
    assert (
        "Walking: Today, get up and walk only when you need to, such as to the car, with" in first
    )
    assert "Pool and hot tub: No pool or hot tub until your care team says you may." in first
    assert "Allowed only when your care team says it is OK." in first
    assert "From Sat, Apr 12: Do not lift more than 20 pounds (9 kg)." in first


def test_a_days_event_says_the_care_items_that_start_that_day_until_their_last(
    plan: Plan,
) -> None:
    """Day 1's event: doing a little more, through its last day; day 42's: how back exercises start."""
    found = events(calendar(plan, stamp=STAMP))
    more = next(c for c in plan.care if c.item.label.get() == "Do a little more each day")
    day_one = str(on(found, date(2025, 3, 2))["DESCRIPTION"])
    assert f"Through Fri, Mar 28: {more.item.text.get()}" in day_one
    strength = plan.protocol.by_key("strengthening")
    assert strength is not None
    assert strength.then is not None
    day_42 = " ".join(str(on(found, date(2025, 4, 12))["DESCRIPTION"]).split())
    assert f"Strength exercises on your own: allowed again. {strength.then.text.get()}" in day_42


def test_calendar_properties(plan: Plan) -> None:
    """PRODID, VERSION, CALSCALE, METHOD, the calendar's name, and DTSTAMP as passed in."""
    from vplan import __version__

    data = calendar(plan, stamp=STAMP)
    cal = Calendar.from_ical(data)
    assert str(cal["PRODID"]) == f"-//vplan//vplan {__version__}//EN"
    assert str(cal["VERSION"]) == "2.0"
    assert str(cal["CALSCALE"]) == "GREGORIAN"
    assert str(cal["METHOD"]) == "PUBLISH"
    assert str(cal["X-WR-CALNAME"]) == "Recovery after vertebroplasty"
    for event in events(data):
        assert event.decoded("DTSTAMP") == STAMP
    assert b"DTSTAMP:20250301T123000Z\r\n" in data


def test_lines_are_folded_crlf_and_utf8(plan: Plan) -> None:
    """Every line ends in CRLF and is at most 75 octets; the bytes are UTF-8."""
    data = calendar(plan, "Zoë Núñez-Łukasiewicz", stamp=STAMP)
    assert data.endswith(b"\r\n")
    lines = data.split(b"\r\n")[:-1]
    assert all(b"\n" not in line and len(line) <= 75 for line in lines)
    assert "Zoë Núñez-Łukasiewicz" in data.decode("utf-8")


def test_uids_are_stable_and_unique(plan: Plan) -> None:
    """The same plan gives the same UIDs at another time; no UID appears twice in a file."""
    first = uids(calendar(plan, stamp=STAMP))
    again = uids(calendar(plan, stamp=STAMP + timedelta(days=30)))
    assert first == again
    assert len(set(first)) == len(first)
    assert all(uid.endswith("@vplan") for uid in first)
    named = uids(calendar(plan, "Jane Doe", stamp=STAMP))
    assert named == uids(calendar(plan, "Jane Doe", stamp=STAMP + timedelta(hours=1)))


def test_uids_differ_for_another_date_or_patient(protocol: Protocol, plan: Plan) -> None:
    """Another procedure date or another patient gives other UIDs: no event is overwritten."""
    other_day = build_plan(protocol, date(2025, 3, 2))
    runs = [
        set(uids(calendar(plan, stamp=STAMP))),
        set(uids(calendar(other_day, stamp=STAMP))),
        set(uids(calendar(plan, "Jane Doe", stamp=STAMP))),
        set(uids(calendar(plan, "John Roe", stamp=STAMP))),
    ]
    for i, first in enumerate(runs):
        for second in runs[i + 1 :]:
            assert not first & second


def test_patient_name_is_written_only_when_asked(run: Run, tmp_path: Path) -> None:
    """Without --patient the name is nowhere in the file; with it, it names the calendar only."""
    plain = tmp_path / "plain.ics"
    named = tmp_path / "named.ics"
    assert run("schedule", "2025-03-01", "-f", "ics", "-o", str(plain)).code == 0
    assert (
        run("schedule", "2025-03-01", "-f", "ics", "-o", str(named), "--patient", "Jane Doe").code
        == 0
    )
    assert b"Jane" not in plain.read_bytes()
    assert b"Patient" not in plain.read_bytes()
    data = named.read_bytes()
    assert b"X-WR-CALNAME:Recovery after vertebroplasty: Jane Doe\r\n" in data
    assert data.count(b"Jane") == 1
    assert all("jane" not in uid.lower() for uid in uids(data))


def test_patient_name_is_escaped_as_text(plan: Plan) -> None:
    """Commas, semicolons and backslashes in a name are escaped, as RFC 5545 TEXT wants."""
    data = calendar(plan, "Doe, Jane; Jr. \\ x", stamp=STAMP)
    assert b"X-WR-CALNAME:Recovery after vertebroplasty: Doe\\, Jane\\; Jr. \\\\ x\r\n" in data


def test_descriptions_carry_the_whole_reminder(plan: Plan) -> None:
    """Each day's description has what changes, in the rules' words, its date and sources."""
    found = events(calendar(plan, stamp=STAMP))
    april = str(on(found, date(2025, 4, 12))["DESCRIPTION"]).splitlines()
    assert april[:2] == [
        "Lifting: limit changes to 20 lb (9 kg).",
        "Do not lift more than 20 pounds (9 kg).",
    ]
    assert "When: Sat, Apr 12, 2025" in april  # the date alone: no day numbered
    for event in found:  # a patient who counts the procedure day as day 1 would misread "day 42"
        assert not re.search(r"\b[Dd]ays? \d", str(event["DESCRIPTION"])), event["SUMMARY"]
    assert any(line.startswith("Source: Liv Hospital") for line in april)
    first = str(on(found, date(2025, 3, 1))["DESCRIPTION"])
    assert "Driving: Do not drive until your care team says you may." in first
    assert "Never drive while you take strong pain medicine (an opioid" in first
    second = str(on(found, date(2025, 3, 2))["DESCRIPTION"])
    assert "Stairs: with care from today. Go slowly and hold the handrail." in second
    for event in found:
        description = str(event["DESCRIPTION"])
        assert "\nSource: " in description
        assert description.endswith(NOTICE)


def test_milestones_after_the_procedure_day_have_a_9_am_alarm(plan: Plan) -> None:
    """A display alarm at 9:00 on each later day something changes; none on the procedure day."""
    found = events(calendar(plan, stamp=STAMP))
    changes = on(found, date(2025, 3, 3))
    alarm = changes.walk("VALARM")
    assert len(alarm) == 1
    assert str(alarm[0]["ACTION"]) == "DISPLAY"
    assert alarm[0].decoded("TRIGGER") == timedelta(hours=9)
    assert str(alarm[0]["DESCRIPTION"]) == str(changes["SUMMARY"])
    assert not on(found, date(2025, 3, 1)).walk("VALARM")
    alarmed = [e for e in found if e.walk("VALARM")]
    assert len(alarmed) == len(change_days(plan))  # each later change day, and the visit's span


def test_a_stamp_without_a_time_zone_is_refused(plan: Plan) -> None:
    """DTSTAMP is UTC: a naive stamp is a mistake of the caller."""
    with pytest.raises(ValueError, match="time zone"):
        calendar(plan, stamp=datetime(2025, 3, 1, 12, 0))


@settings(max_examples=100, deadline=None)
@given(start=st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)))
def test_each_day_a_limit_changes_or_ends_has_its_event(protocol: Protocol, start: date) -> None:
    """For any date: one event a day, ending the next day, on every day a limit changes or ends."""
    plan = build_plan(protocol, start)
    found = events(calendar(plan, stamp=STAMP))
    assert len(found) == len(change_days(plan)) + 1
    assert all(span(e)[1] > span(e)[0] for e in found)
    starts = [span(e)[0] for e in found]
    for window in plan.windows:
        if window.end_day is not None:
            assert plan.date_of(window.end_day) in starts
    assert len(set(starts)) == len(starts)


def test_schedule_writes_the_calendar_and_never_overwrites_without_force(
    run: Run, tmp_path: Path
) -> None:
    """--output x.ics writes the calendar; a second run exits 4 and leaves it; --force replaces."""
    target = tmp_path / "x.ics"
    result = run("schedule", "2025-03-01", "--format", "ics", "--output", str(target))
    assert result.code == 0, result.err
    assert result.out == f"Wrote {target} (phone calendar).\n"
    first = target.read_bytes()
    assert first.startswith(b"BEGIN:VCALENDAR\r\n")
    refused = run("schedule", "2025-03-02", "-f", "ics", "-o", str(target))
    assert refused.code == 4
    assert "already exists" in refused.err
    assert target.read_bytes() == first
    forced = run("schedule", "2025-03-02", "-f", "ics", "-o", str(target), "--force")
    assert forced.code == 0, forced.err
    assert set(uids(target.read_bytes())).isdisjoint(uids(first))


def test_schedule_prints_the_calendar_whatever_the_days(run: Run) -> None:
    """Without --output the calendar goes to stdout; --days does not cut it short."""
    whole = run("schedule", "2025-03-01", "-f", "ics").out
    short = run("schedule", "2025-03-01", "-f", "ics", "--days", "3").out
    assert whole.startswith("BEGIN:VCALENDAR\r\n")
    assert whole.endswith("END:VCALENDAR\r\n")
    assert uids(whole.encode()) == uids(short.encode())
    assert "DTSTART;VALUE=DATE:20250601" in whole  # lifting allowed again, day 92


def test_the_booked_visit_carries_its_place_and_the_phone(protocol: Protocol) -> None:
    """The visit's event has LOCATION (its place) and the number to call in its description."""
    from vplan.plan import FollowUp

    visit = FollowUp(date(2025, 3, 10), None, "Spine Clinic, room 4")
    plan = build_plan(protocol, date(2025, 3, 1), follow_up=visit)
    found = events(calendar(plan, stamp=STAMP, phone="(555) 010-0199"))
    event = by_summary(found, "Your follow-up visit")
    assert str(event["LOCATION"]) == "Spine Clinic, room 4"
    assert "Questions? Call us at (555) 010-0199." in str(event["DESCRIPTION"])
    assert all("LOCATION" not in e for e in found if e is not event)


def test_a_visit_due_but_not_booked_says_the_number_to_call_to_make_it(plan: Plan) -> None:
    """'If you do not have a date yet, call to make one': the same event says the number."""
    found = events(calendar(plan, stamp=STAMP, phone="(555) 010-0199"))
    due = next(e for e in found if "call to make one" in str(e["DESCRIPTION"]))
    assert "Questions? Call us at (555) 010-0199." in str(due["DESCRIPTION"])
    others = [e for e in found if e is not due]
    assert all("(555) 010-0199" not in str(e["DESCRIPTION"]) for e in others)
