"""The patient's own plan: the care team's orders, the booked follow-up visit, the phone, page 1."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pypdf
import pytest
from icalendar import Calendar

from conftest import DEFAULT_RULES, Run
from vplan.errors import OrdersError
from vplan.handout import Layout, Patient, build_handout
from vplan.model import Protocol
from vplan.orders import ORDERS_CITATION, orders_from_bytes
from vplan.plan import FollowUp, MilestoneKind, RuleEvent, build_plan
from vplan.render import ics, pdf

START = date(2025, 3, 1)


def pdf_reader(data: bytes) -> pypdf.PdfReader:
    """A reader over PDF bytes."""
    import io

    return pypdf.PdfReader(io.BytesIO(data))


STRICTER = """\
activities:
  lifting:
    limits:
      - until: 1 day
        text:
          en: "Today, do not lift or carry anything."
          es: "Hoy no levante ni cargue nada."
      - from: 1 day
        until: 3 months
        max: 5 lb
        text:
          en: "Do not lift more than 5 lb (2.2 kg) until your doctor says so."
          es: "No levante más de 5 lb (2.2 kg) hasta que su médico lo diga."
milestones:
  - at: 2 days
    text:
      en: Restart your blood thinner today.
      es: Vuelva a tomar su anticoagulante hoy.
notes:
  - en: Wear your back brace when you are out of bed.
    es: Use su faja para la espalda cuando esté fuera de la cama.
"""
LOOSER = """\
activities:
  lifting:
    limits:
      - until: 6 weeks
        max: 50 lb
        text: {en: "Do not lift more than 50 lb."}
"""


@pytest.fixture
def orders_file(tmp_path: Path) -> Callable[..., Path]:
    """Write an orders file with this text and return its path."""

    def write(text: str, name: str = "orders.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


def test_a_stricter_order_is_what_check_answers(run: Run, orders_file: Callable[..., Path]) -> None:
    """With a 5 lb order, 6 lb on day 50 is not allowed until the order ends, from the orders."""
    orders = str(orders_file(STRICTER))
    result = run("check", "lifting", "6lb", "-p", "2025-03-01", "--day", "50", "--orders", orders)
    assert result.code == 1, result.err
    assert "Do not lift more than 5 lb (2.2 kg)" in result.out
    assert "Allowed from: Sun, Jun 1, 2025 (day 92)" in result.out
    assert f"Source: {ORDERS_CITATION}" in result.out
    plain = run("check", "lifting", "6lb", "-p", "2025-03-01", "--day", "50")
    assert plain.code == 0


def test_every_schedule_view_shows_the_orders(run: Run, orders_file: Callable[..., Path]) -> None:
    """Text, Markdown and JSON carry the ordered limit, the dated item and the note."""
    orders = str(orders_file(STRICTER))
    args = ("schedule", "2025-03-01", "--orders", orders)
    text = run(*args).out
    assert "YOUR CARE TEAM'S INSTRUCTIONS FOR YOU" in text
    assert "Wear your back brace when you are out of bed." in text
    assert "Avoid: Lifting over 5 lb (2.2 kg)" in text
    assert "Today: Restart your blood thinner today." in text
    markdown = run(*args, "-f", "markdown").out
    assert "## Your care team's instructions for you" in markdown
    data = json.loads(run(*args, "-f", "json").out)
    assert len(data["orders"]["sha256"]) == 64
    assert data["orders"]["notes"] == ["Wear your back brace when you are out of bed."]
    lifting = next(r for r in data["restrictions"] if r["activity"] == "lifting")
    assert [(lim["max"] and lim["max"]["text"], lim["ordered"]) for lim in lifting["limits"]] == [
        (None, True),
        ("5 lb (2.2 kg)", True),
    ]


def test_a_looser_order_is_refused_at_its_line(
    run: Run, orders_file: Callable[..., Path], tmp_path: Path
) -> None:
    """50 lb for a 10 lb limit: exit 3, file:line:column at the max, nothing written."""
    orders = orders_file(LOOSER)
    out = tmp_path / "plan.txt"
    result = run("schedule", "2025-03-01", "--orders", str(orders), "-o", str(out))
    assert result.code == 3
    assert f"{orders}:5:14: this order is looser than the protocol" in result.err
    assert "loosen: confirmed" in result.err
    assert not out.exists()


def test_a_confirmed_looser_order_is_used(run: Run, orders_file: Callable[..., Path]) -> None:
    """'loosen: confirmed' at the activity lets the care team allow more than the protocol."""
    confirmed = LOOSER.replace("  lifting:\n", "  lifting:\n    loosen: confirmed\n")
    orders = str(orders_file(confirmed))
    result = run("check", "lifting", "30lb", "-p", "2025-03-01", "--day", "3", "--orders", orders)
    assert result.code == 0, result.err


def test_an_earlier_end_is_looser_too(protocol: Protocol) -> None:
    """A driving limit that ends before the protocol's is refused, without a procedure date too."""
    text = "activities:\n  driving:\n    limits: []\n"
    with pytest.raises(OrdersError) as caught:
        orders_from_bytes(text.encode(), "o.yaml", protocol)
    assert caught.value.lines()[0].startswith("o.yaml:3:13: this order is looser")


@pytest.mark.parametrize(
    ("text", "where", "what"),
    [
        ("activites: {}\n", "1:1", "unknown key 'activites'; did you mean 'activities'?"),
        ("activities:\n  skydiving: {limits: []}\n", "2:14", "'skydiving' is not an activity"),
        ("activities:\n  lift: {limits: []}\n", "2:9", "'lift' is another name of 'lifting'"),
        # A new activity that says nothing would be a plain yes that no rule gives.
        (
            "activities:\n  skydiving:\n    name: {en: Skydiving}\n",
            "3:5",
            "'skydiving' has no limits, no advice and no caution",
        ),
        ("notes:\n  - {fr: Bonjour}\n", "2:5", "no English ('en') version"),
        ("activities: [\n", "2:1", "YAML syntax"),
        ("milestones:\n  - {at: 2 days, kind: follow_up, text: {en: Hi}}\n", "2:24", "follow-up"),
        (
            "activities:\n  lifting:\n    limits:\n      - {until: 3 months,"
            " text: {en: x}, source: nowhere}\n",
            "4:50",
            "source 'nowhere' is not in the rules",
        ),
        (
            "activities:\n  bath:\n    loosen: confirmed\n    limits:\n"
            "      - {until: 2 days, text: {en: No tub bath for 2 days.}}\n",
            "5:7",
            "'bath' would be allowed while 'bending', which it involves, is still limited",
        ),
    ],
)
def test_bad_orders_files_name_file_line_and_column(
    protocol: Protocol, text: str, where: str, what: str
) -> None:
    """Each mistake of an orders file is one line, file:line:column, and the file is refused."""
    with pytest.raises(OrdersError) as caught:
        orders_from_bytes(text.encode(), "o.yaml", protocol, procedure_date=START)
    line = caught.value.lines()[0]
    assert line.startswith(f"o.yaml:{where}: "), line
    assert what in line
    assert caught.value.exit_code == 3


def test_an_order_that_empties_an_activity_is_refused(protocol: Protocol) -> None:
    """'work: limits: []', confirmed, leaves work with nothing: a plain yes no rule gives."""
    text = "activities:\n  work:\n    loosen: confirmed\n    limits: []\n"
    with pytest.raises(OrdersError) as caught:
        orders_from_bytes(text.encode(), "o.yaml", protocol)
    assert "'work' has no limits, no advice and no caution" in caught.value.lines()[0]


def test_a_caution_beside_advice_keeps_both_in_the_answer(
    run: Run, orders_file: Callable[..., Path]
) -> None:
    """Riding with an ordered caution: the condition is the caution and the advice, never a tip."""
    path = orders_file(
        "activities:\n  riding:\n    cautions:\n      - text: {en: Wear your seat belt.}\n"
    )
    result = run("check", "car ride", "-p", "2025-03-01", "--day", "0", "--orders", str(path))
    assert result.code == 1
    assert "Tip:" not in result.out
    assert "Short rides as a passenger" in " ".join(result.out.split("Why:")[1].split())
    data = json.loads(
        run("check", "car ride", "-p", "2025-03-01", "--day", "0", "--orders", str(path),
            "-f", "json").out
    )  # fmt: skip
    assert data["condition"].startswith("Wear your seat belt. Short rides as a passenger")


def test_orders_in_spanish_need_every_text_in_spanish(protocol: Protocol) -> None:
    """With --lang es, an order without 'es:' is a problem at its 'en:' line."""
    text = "notes:\n  - en: Wear your brace.\n"
    with pytest.raises(OrdersError) as caught:
        orders_from_bytes(text.encode(), "o.yaml", protocol, lang="es")
    assert caught.value.lines()[0].startswith("o.yaml:2:9: the text has no 'es' version")


def test_a_missing_orders_file_is_exit_3(run: Run, tmp_path: Path) -> None:
    """A path that does not exist is refused with the path and exit 3."""
    result = run("schedule", "2025-03-01", "--orders", str(tmp_path / "nope.yaml"))
    assert result.code == 3
    assert "the orders file does not exist" in result.err


def test_the_orders_keep_their_bytes_and_digest(protocol: Protocol) -> None:
    """The loaded orders hold the file's bytes and their SHA-256, for a record of what printed."""
    import hashlib

    data = STRICTER.encode()
    orders = orders_from_bytes(data, "o.yaml", protocol)
    assert orders.raw == data
    assert orders.sha256 == hashlib.sha256(data).hexdigest()


def test_a_booked_visit_replaces_the_follow_up_due(protocol: Protocol) -> None:
    """The protocol's 'follow-up due' milestone gives way to the booked visit on its day."""
    visit = FollowUp(date(2025, 3, 10), time(14, 30), "Spine Clinic, room 4")
    plan = build_plan(protocol, START, follow_up=visit)
    kinds = [(m.day, m.kind) for m in plan.milestones if m.kind is MilestoneKind.FOLLOW_UP]
    assert kinds == [(9, MilestoneKind.FOLLOW_UP)]
    assert not any(isinstance(m, RuleEvent) and m.rule.follow_up for m in plan.milestones)
    handout = build_handout(plan, Patient("Ann Lee", phone="555-0100"))
    assert handout.now.visit == (
        "Your follow-up visit: Mon, Mar 10, 2025 at 2:30 PM, Spine Clinic, room 4."
    )
    # The visit's day is marked on the calendar with the letter printed beside the visit.
    cells = {c.day_of_month: c.mark for w in handout.months[0].weeks for c in w if c}  # March
    assert handout.now.visit_mark == cells[10] != ""
    assert handout.now.visit in handout.beside_marks()[cells[10]]


def test_the_follow_up_is_a_timed_event_with_an_alert_the_day_before(protocol: Protocol) -> None:
    """In the phone calendar the visit starts at its time, and its alarm is one day before."""
    visit = FollowUp(date(2025, 3, 10), time(14, 30))
    plan = build_plan(protocol, START, follow_up=visit)
    stamp = datetime(2025, 3, 1, tzinfo=UTC)
    cal = Calendar.from_ical(ics.calendar(plan, "Ann Lee", stamp=stamp))
    events = [e for e in cal.walk("VEVENT") if str(e["SUMMARY"]) == "Your follow-up visit"]
    assert len(events) == 1
    event = events[0]
    assert event.decoded("DTSTART") == datetime(2025, 3, 10, 14, 30)
    alarms = event.walk("VALARM")
    assert [a.decoded("TRIGGER") for a in alarms] == [timedelta(days=-1)]
    assert not any("follow-up visit is due" in str(e["SUMMARY"]) for e in cal.walk("VEVENT"))


def test_the_follow_up_in_json_has_its_date_and_time(run: Run) -> None:
    """JSON's follow_up has the date, the time, the weekday and the place."""
    result = run("schedule", "2025-03-01", "-f", "json", "--follow-up", "2025-03-10T14:30",
                 "--follow-up-place", "Room 4")  # fmt: skip
    data = json.loads(result.out)["follow_up"]
    assert (data["date"], data["time"], data["weekday"], data["place"], data["day"]) == (
        "2025-03-10", "14:30", "Monday", "Room 4", 9,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("visit", "message"),
    [
        ("2025-02-20 10:00", "before the procedure date"),
        ("2025-03-10 25:00", "no such time of day"),
        ("2025-03-32", "not a real calendar date"),
        ("next tuesday", "not a follow-up visit vplan can read"),
    ],
)
def test_an_impossible_visit_is_exit_2(run: Run, tmp_path: Path, visit: str, message: str) -> None:
    """A visit before the procedure, or a time or date that does not exist, is bad input."""
    out = tmp_path / "ann.pdf"
    result = run("handout", "2025-03-01", "--patient", "Ann", "--phone", "555-0100",
                 "--follow-up", visit, "-o", str(out))  # fmt: skip
    assert result.code == 2
    assert message in result.err
    assert not out.exists()


def test_page_one_box_says_each_limit_with_its_figure_and_dates(protocol: Protocol) -> None:
    """The box says each limit's sentence, the date a limit changes and the day it ends."""
    handout = build_handout(build_plan(protocol, START), Patient("Ann Lee", phone="555-0100"))
    groups = {group.heading: group.limits for group in handout.now.limits}
    lifting = {f.label: f.value for f in groups["Allowed again from Sun, Jun 1:"]}["Lifting"]
    assert " ".join(lifting.split()) == (  # each date with its letter on the calendar
        "Today, do not lift or carry anything. Rest. From Sun, Mar 2 (B): Do not lift "
        "more than 10 pounds (4.5 kg). A gallon of milk weighs about 8 pounds. From Sat, "
        "Apr 12 (E): Do not lift more than 20 pounds (9 kg). From Sun, Jun 1 (F): "
        "Add weight a little at a time. Stop if it hurts. Tip: Bend your knees, keep your back "
        "straight and the load close."
    )
    careful = groups["With care now. No limit from Sat, Apr 12:"]
    walking = " ".join({f.label: f.value for f in careful}["Walking"].split())
    assert "with someone to help you. From Sun, Mar 2 (B): Take short walks" in walking
    assert "Ask your care team first:" in groups
    assert handout.now.phone == ("Questions? Call us at 555-0100.",)
    assert not any(" until Sat" in f.value for limits in groups.values() for f in limits)


@pytest.mark.parametrize(
    ("layout", "lang", "words"),
    [
        (Layout(), "en", "What not to do yet, and from when it is allowed"),
        (Layout(large_print=True), "en", "What not to do yet"),
        (Layout(), "es", "Lo que todavía no debe hacer"),
        (Layout(large_print=True), "es", "Lo que todavía no debe hacer"),
    ],
)
def test_page_one_box_is_on_page_one_in_every_print(
    protocol: Protocol, layout: Layout, lang: str, words: str
) -> None:
    """The box of limits starts on page 1 after the warning signs (in large print, right after them)."""
    plan = build_plan(protocol, START)
    handout = build_handout(plan, Patient("Ann Lee", phone="555-0100"), layout, lang)
    pages = [" ".join(p.extract_text().split()) for p in pdf_reader(pdf.document(handout)).pages]
    box = next(n for n, text in enumerate(pages) if words in text)
    last_tier = handout.signs[-1].heading
    signs_end = next(n for n, text in enumerate(pages) if last_tier in text)
    if layout.large_print:
        assert box in (signs_end, signs_end + 1)  # where the signs end, or on the next page
    else:
        assert box == 0


def test_the_normal_handout_with_levels_is_three_pages_at_most(protocol: Protocol) -> None:
    """A stamped handout with clinic, doctor and levels prints on three pages at most."""
    from vplan.stamp import make_stamp

    plan = build_plan(protocol, START)
    patient = Patient("Ann Lee", "Spine Clinic", "555-0100", "Dr. Rivera", "T12, L1")
    made = make_stamp(protocol, "en", START)
    reader = pdf_reader(pdf.document(build_handout(plan, patient, made=made)))
    assert len(reader.pages) <= 3
    first = " ".join(reader.pages[0].extract_text().split())
    assert "Levels treated: T12, L1" in first


def test_the_clinics_phone_in_the_rules_prints_when_none_is_given(
    run: Run, rules_file: Callable[..., Path], tmp_path: Path
) -> None:
    """protocol.contact gives the phone and the after-hours number; --phone overrides both."""
    rules = rules_file(
        DEFAULT_RULES.replace(
            '  emergency_number: "911"\n',
            '  emergency_number: "911"\n  contact:\n    phone: "555-0111"\n'
            '    after_hours_phone: "555-0199"\n',
        )
    )
    out = tmp_path / "ann.html"
    result = run("handout", "2025-03-01", "--patient", "Ann", "--rules", str(rules), "-o", str(out))
    assert result.code == 0, result.err
    page = out.read_text(encoding="utf-8").replace("\xa0", " ")  # no-break spaces as spaces
    page = re.sub(r"<[^>]+>", "", page)  # the text a reader sees (a number is held in a span)
    assert "Questions? Call us at 555-0111." in page
    assert "After hours, call 555-0199." in page
    other = tmp_path / "bob.html"
    run("handout", "2025-03-01", "--patient", "Bob", "--rules", str(rules), "--phone", "555-0100",
        "-o", str(other))  # fmt: skip
    assert "555-0111" not in other.read_text(encoding="utf-8")


@pytest.mark.parametrize("levels", ["T13", "X1", "T12,, L1", ""])
def test_bad_levels_are_exit_2(run: Run, tmp_path: Path, levels: str) -> None:
    """A level that is not a vertebra is refused with the form to write."""
    result = run("handout", "2025-03-01", "--patient", "Ann", "--phone", "555-0100", "--levels", levels,
                 "-o", str(tmp_path / "a.pdf"))  # fmt: skip
    assert result.code == 2
    assert "T12, L1" in result.err


def test_batch_rows_take_the_visit_the_levels_and_orders(
    run: Run, tmp_path: Path, orders_file: Callable[..., Path]
) -> None:
    """Batch columns follow_up, follow_up_place, levels and orders; a bad orders file refuses its row."""
    orders_file(STRICTER, "ann.yaml")
    orders_file(LOOSER, "bob.yaml")
    listing = tmp_path / "list.csv"
    listing.write_text(
        "name,procedure_date,phone,levels,follow_up,follow_up_place,orders,output\n"
        "Ann Lee,2025-03-01,555-0100,T12,2025-03-10 14:30,Room 4,ann.yaml,ann.html\n"
        "Bob Stone,2025-03-01,555-0100,,,,bob.yaml,bob.html\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = run("handout", "--batch", str(listing), "--out-dir", str(out), "-j", "1")
    assert result.code == 5
    assert "list.csv:3: refused: the orders file has 1 problem: bob.yaml:5:14:" in result.err
    page = (out / "ann.html").read_text(encoding="utf-8").replace("\xa0", " ")
    for needle in ("T12", "Your follow-up visit: Mon, Mar 10, 2025 at 2:30 PM, Room 4.",
                   "Wear your back brace"):  # fmt: skip
        assert needle in page
    assert not (out / "bob.html").exists()


def test_forty_notes_go_on_over_the_pages_in_normal_print(
    run: Run, orders_file: Callable[..., Path], tmp_path: Path
) -> None:
    """Page 1's box with 40 of the care team's notes goes on over the pages, each note printed."""
    note = "Keep the brace on when you walk outside and when you sit for a long time in a car."
    notes = "".join(f"  - en: Note number {n}. {note}\n" for n in range(1, 41))
    out = tmp_path / "ann.pdf"
    result = run(
        "handout", "2025-03-01", "--patient", "Ann Lee", "--phone", "555-0100",
        "--orders", str(orders_file("notes:\n" + notes)), "-o", str(out),
    )  # fmt: skip
    assert result.code == 0, result.err
    text = " ".join(" ".join(p.extract_text().split()) for p in pdf_reader(out.read_bytes()).pages)
    for n in range(1, 41):
        assert f"Note number {n}. {note}" in text, n


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_orders_dates_carry_their_letters_on_a_handout_of_three_or_four_pages(
    run: Run, orders_file: Callable[..., Path], tmp_path: Path, lang: str
) -> None:
    """With a visit and orders, kyphoplasty on Letter: each ordered date has its letter."""
    out = tmp_path / "ann.pdf"
    result = run(
        "handout", "2025-03-01", "--patient", "Maria Guadalupe Hernandez-Rodriguez",
        "--phone", "(555) 010-0199", "--clinic", "St. Mary's Spine and Pain Center",
        "--doctor", "Dr. Jonathan Whitfield", "--follow-up", "2025-03-10 14:30",
        "--follow-up-place", "Spine Clinic, Room 4", "--orders", str(orders_file(STRICTER)),
        "--procedure", "kyphoplasty", "--lang", lang, "-o", str(out),
    )  # fmt: skip
    assert result.code == 0, result.err
    reader = pdf_reader(out.read_bytes())
    assert len(reader.pages) <= (3 if lang == "en" else 4)
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    restart = {"en": "Mon, Mar 3 (C): Restart your blood thinner today.",
               "es": "Lunes, 3 de marzo (C): Vuelva a tomar su anticoagulante hoy."}  # fmt: skip
    assert restart[lang] in text
    also = {"en": "Also marked on the calendar", "es": "También marcado en el calendario"}
    assert also[lang] not in text  # every marked day is said beside its letter


def test_the_handout_box_ends_with_whom_to_call_after_the_orders(
    run: Run, orders_file: Callable[..., Path], tmp_path: Path
) -> None:
    """The care team's instructions come inside the box of limits, then the number to call."""
    for name in ("ann.pdf", "ann.html"):
        out = tmp_path / name
        result = run("handout", "2025-03-01", "--patient", "Ann Lee", "--phone", "555-0100",
                     "--orders", str(orders_file(STRICTER)), "-o", str(out))  # fmt: skip
        assert result.code == 0, result.err
        if name.endswith(".pdf"):
            pages = pdf_reader(out.read_bytes()).pages
            text = " ".join(" ".join(page.extract_text() for page in pages).split())
        else:
            page = html.unescape(re.sub(r"<[^>]+>", " ", out.read_text(encoding="utf-8")))
            text = " ".join(page.split())
        text = text.replace("\xa0", " ")
        box = text.index("What not to do yet")
        orders = text.index("Your care team's instructions for you")
        assert box < orders < text.index("Wear your back brace when you are out of bed.")
        assert text.index("Wear your back brace") < text.index("Questions? Call us at")
