"""``vplan schedule``: the plan's schedule on the screen, or made and delivered as a file."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from vplan.commands.common import load, now, procedure_date
from vplan.errors import InputError
from vplan.formats import TEXT, Command, format_for

if TYPE_CHECKING:
    from pathlib import Path


def schedule(
    date_text: str,
    *,
    days: int | None,
    asked: str | None,
    output: Path | None,
    force: bool,
    patient: str | None,
    visit: tuple[str | None, str | None],
    orders: Path | None,
    lang: str,
    rules: Path | None,
    procedure: str | None,
    record: Path | None,
) -> None:
    """Show the schedule (text as wide as the terminal), or write it in its format and record it."""
    from vplan.documents import Subject, make
    from vplan.parse import parse_name
    from vplan.patient import follow_up_visit, patient_plan

    fmt = format_for(asked, output, Command.SCHEDULE, default=TEXT.name)
    start = procedure_date(date_text)
    name = None if patient is None else parse_name(patient)
    if output is None:
        if record is not None and os.environ.get("VPLAN_RECORD") != str(record):
            raise InputError(
                "--record keeps a record of a file written; add --output FILE, or leave out "
                "--record (what is shown on the screen is not recorded)"
            )
        record = None  # $VPLAN_RECORD names the journal for files; the screen is not one
    book = None
    if record is not None and output is not None:
        from vplan.delivery import Journal

        book = Journal(record)
        book.check_apart(output)
    plan = patient_plan(
        load(rules, procedure, lang), start, orders=orders,
        follow_up=follow_up_visit(*visit), lang=lang,
    )  # fmt: skip
    subject = Subject(plan, now(), lang, named=name, days=days)
    if output is not None:
        from vplan.delivery import deliver, wrote

        given = deliver(make(fmt, subject), output, force=force, record=book)
        wrote(output, given.what, book)
    elif fmt is TEXT:  # on a terminal, as wide as it is (down to 50 columns)
        from vplan.documents import schedule_view
        from vplan.output import show
        from vplan.render import text
        from vplan.render.lines import at_width, terminal_width

        with at_width(terminal_width()):
            show(text.schedule(schedule_view(subject, subject.stamp)))
    else:
        data = make(fmt, subject).data
        if fmt.shown_as_text:
            sys.stdout.write(data.decode("utf-8"))
        else:
            sys.stdout.flush()
            sys.stdout.buffer.write(data)
