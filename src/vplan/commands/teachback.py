"""``vplan teach-back``: the questions on the screen, the nurse's page, or the answers recorded.

``--taught`` prints the chart note of the answers and adds a journal entry without a name.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from vplan.commands.common import load, now, procedure_date, today
from vplan.errors import EXIT_OK, InputError
from vplan.formats import Command, by_ending, offered

if TYPE_CHECKING:
    from pathlib import Path

    from vplan.formats import Paper
    from vplan.plan import Plan


def teach_back(
    date_text: str,
    *,
    patient: str | None,
    phone: str | None,
    visit: tuple[str | None, str | None],
    orders: Path | None,
    on: str | None,
    taught: str | None,
    output: Path | None,
    paper: Paper,
    force: bool,
    lang: str,
    rules: Path | None,
    procedure: str | None,
    record: Path | None,
) -> int:
    """The teach-back of one patient: shown, written as the nurse's page, or recorded."""
    from vplan.delivery import journal
    from vplan.handout import check_field, check_phone
    from vplan.parse import parse_date
    from vplan.patient import follow_up_visit, patient_plan
    from vplan.teachback import build_teach_back

    if output is not None and taught is not None:
        raise InputError(
            "--output writes the page to ask from, --taught records the answers: give one"
        )
    page = offered(Command.TEACH_BACK)[0]
    if output is not None and by_ending(output.name, Command.TEACH_BACK) is not page:
        raise InputError(f"the nurse's page is a PDF; name it {output.stem}{page.ending}")
    book = journal(record) if taught is not None else None
    plan = patient_plan(
        load(rules, procedure, lang), procedure_date(date_text), orders=orders,
        follow_up=follow_up_visit(*visit), lang=lang,
    )  # fmt: skip
    number = check_phone(phone) or plan.protocol.info.phone
    if not number:
        raise InputError(
            "the teach-back asks which number to call; give --phone NUMBER, or the clinic's "
            "number in the rules (protocol.contact.phone)"
        )
    day = max(0, plan.day_of(parse_date(on or "today", today=today(), name="teach-back date")))
    if output is not None:
        _write_page(plan, output, paper, lang, phone=number, day=day, force=force)
        return EXIT_OK
    view = build_teach_back(plan, day=day, phone=number, lang=lang)
    if taught is None:
        from vplan.output import show
        from vplan.render.lines import at_width, terminal_width
        from vplan.render.teach import teach_back as lines

        with at_width(terminal_width()):
            show(lines(view))
        return EXIT_OK
    from vplan.documents import Subject
    from vplan.record import visit_moment
    from vplan.teachback import chart_note, outcome, parse_taught

    done = outcome(view, parse_taught(taught, len(view.questions)))
    name = None if patient is None else check_field("patient's name", patient, required=True)
    stamp = Subject(plan, now(), lang).stamp  # the stamp the plan's documents carry today
    if book is not None:
        book.add_teach_back(plan, stamp, done, name, follow_up=visit_moment(plan.follow_up))
        sys.stdout.write(f"Recorded in {book.path}.\n")
    sys.stdout.write(chart_note(plan, stamp, done) + "\n")
    return EXIT_OK


def _write_page(
    plan: Plan, output: Path, paper: Paper, lang: str, *, phone: str, day: int, force: bool
) -> None:
    """The nurse's page, made and written as every file is (it names no patient)."""
    from vplan.delivery import deliver, wrote
    from vplan.documents import Subject, make
    from vplan.handout import Layout, Patient

    subject = Subject(
        plan, now(), lang, patient=Patient("", phone=phone), layout=Layout(paper), day=day
    )
    given = deliver(make(offered(Command.TEACH_BACK)[0], subject), output, force=force)
    wrote(output, given.what)


def taught_line(plan: Plan, taught: str, phone: str | None, lang: str) -> str:
    """``Teach-back: 4 of 6 answered; re-taught: driving.``: today's questions, as answered."""
    from vplan.teachback import build_teach_back, outcome, parse_taught

    day = max(0, plan.day_of(today()))
    number = phone or plan.protocol.info.phone or ""
    view = build_teach_back(plan, day=day, phone=number, lang=lang)
    return outcome(view, parse_taught(taught, len(view.questions))).chart_line()
