from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from conftest import Run
from vplan.model import Protocol
from vplan.plan import Plan, build_plan
from vplan.render.ics import calendar
from vplan.words.common import Words

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


def uids(data: bytes) -> list[str]:
    """The UIDs of the events, in file order."""
    return [str(e["UID"]) for e in events(data)]


def test_every_event_is_all_day_with_an_end_after_its_start(plan: Plan) -> None:
    """Each event has DTSTART and DTEND as VALUE=DATE dates, and ends after it starts."""
    found = events(calendar(plan, stamp=STAMP))
    assert len(found) == len(plan.windows) + len(plan.milestones)
    for event in found:
        for name in ("DTSTART", "DTEND"):
            assert event[name].params["VALUE"] == "DATE"
            assert type(event.decoded(name)) is date
        start, end = span(event)
        assert end > start


def test_events_fall_on_the_days_of_the_plan(plan: Plan) -> None:
    """Real dates for 2025-03-01: the end is exclusive, the day after the last one."""
    found = events(calendar(plan, stamp=STAMP))
    assert span(by_summary(found, "No lifting")) == (date(2025, 3, 1), date(2025, 3, 2))
    assert span(by_summary(found, "No lifting over 10 lb (4.5 kg)")) == (
        date(2025, 3, 2),
        date(2025, 4, 12),
    )
    assert span(by_summary(found, "Walking: with care")) == (date(2025, 3, 1), date(2025, 3, 2))
    assert span(by_summary(found, "No lifting over 20 lb (9 kg)")) == (
        date(2025, 4, 12),
        date(2025, 6, 1),
    )
    assert span(by_summary(found, "Showering: allowed again")) == (
        date(2025, 3, 3),
        date(2025, 3, 4),
    )
    assert span(by_summary(found, "No showering")) == (date(2025, 3, 1), date(2025, 3, 3))
    assert span(by_summary(found, "Lifting: limit changes to 20 lb (9 kg)")) == (
        date(2025, 4, 12),
        date(2025, 4, 13),
    )
    follow_up = next(e for e in found if str(e["SUMMARY"]).startswith("Your follow-up visit"))
    assert span(follow_up) == (date(2025, 3, 8), date(2025, 3, 16))  # day 7 to day 14


def test_a_limit_without_an_end_date_is_one_day_that_says_until_when(plan: Plan) -> None:
    """'until: cleared' gives a one-day event on its first day: ask the care team first."""
    found = events(calendar(plan, stamp=STAMP))
    pool = by_summary(found, "Pool and hot tub: ask your care team first")
    assert span(pool) == (date(2025, 3, 1), date(2025, 3, 2))
    assert "Allowed from: Only when your care team says it is OK" in str(pool["DESCRIPTION"])


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
    """Each description has the limit or milestone text, the dates, cautions and sources."""
    found = events(calendar(plan, stamp=STAMP))
    lifting = str(by_summary(found, "No lifting over 10 lb (4.5 kg)")["DESCRIPTION"]).splitlines()
    assert lifting[:4] == [
        "Do not lift anything heavier than 10 pounds (4.5 kg). A gallon of milk weighs about 8 pounds.",
        "When: Day 1 to 41 (Sun, Mar 2, 2025 to Fri, Apr 11, 2025)",
        "From Sat, Apr 12, 2025 (day 42): Do not lift anything heavier than 20 pounds (9 kg).",
        "Allowed from: Sun, Jun 1, 2025 (day 92)",
    ]
    assert any(
        line.startswith("Source: Advanced Spine and Pain: What Is Vertebroplasty?")
        for line in lifting
    )
    driving = str(by_summary(found, "Driving: ask your care team first")["DESCRIPTION"])
    assert "Do not drive until your care team says you may." in driving
    assert "Caution: Never drive while you take strong pain medicine (an opioid" in driving
    again = str(by_summary(found, "Stairs: no limit from today")["DESCRIPTION"])
    assert again.startswith("Stairs: no limit from today.")
    assert "When: Sun, Mar 2, 2025 (day 1)" in again
    for event in found:
        description = str(event["DESCRIPTION"])
        assert "\nSource: " in description
        assert description.endswith(NOTICE)


def test_milestones_after_the_procedure_day_have_a_9_am_alarm(plan: Plan) -> None:
    """A display alarm at 9:00 on the day of each later milestone; limits have none."""
    found = events(calendar(plan, stamp=STAMP))
    alarm = by_summary(found, "Showering: allowed again").walk("VALARM")
    assert len(alarm) == 1
    assert str(alarm[0]["ACTION"]) == "DISPLAY"
    assert alarm[0].decoded("TRIGGER") == timedelta(hours=9)
    assert str(alarm[0]["DESCRIPTION"]) == "Showering: allowed again"
    assert not by_summary(found, "No showering").walk("VALARM")
    first_day = [e for e in found if str(e["SUMMARY"]).startswith("Procedure day")]
    assert not first_day[0].walk("VALARM")


def test_a_stamp_without_a_time_zone_is_refused(plan: Plan) -> None:
    """DTSTAMP is UTC: a naive stamp is a mistake of the caller."""
    with pytest.raises(ValueError, match="time zone"):
        calendar(plan, stamp=datetime(2025, 3, 1, 12, 0))


@settings(max_examples=100, deadline=None)
@given(start=st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)))
def test_each_limit_ends_on_the_day_the_plan_allows_the_activity_again(
    protocol: Protocol, start: date
) -> None:
    """For any date, events end after they start, and a limit's DTEND is the next step's date."""
    plan = build_plan(protocol, start)
    found = events(calendar(plan, stamp=STAMP))
    assert len(found) == len(plan.windows) + len(plan.milestones)
    assert all(span(e)[1] > span(e)[0] for e in found)
    by_start = {(span(e)[0], str(e["SUMMARY"])): e for e in found}
    for activity in protocol.activities:
        windows = plan.windows_of(activity)
        for i, window in enumerate(windows):
            first = plan.date_of(window.start_day)
            first_day, end = span(by_start[(first, Words().restriction_title(window))])
            assert first_day == first
            if window.end_day is None:
                assert end == first + timedelta(days=1)
            elif i + 1 < len(windows):
                assert end == plan.date_of(windows[i + 1].start_day)
            else:
                allowed = plan.verdict(activity, window.start_day).free_from_day
                assert allowed is not None
                assert end == plan.date_of(allowed)


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
