"""``vplan handout`` for one patient: the handout (or phone calendar) made, delivered, noted."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from vplan.commands.common import load, now, procedure_date
from vplan.errors import InputError
from vplan.formats import Command, format_for

if TYPE_CHECKING:
    from pathlib import Path

    from vplan.handout import Layout


def one_handout(
    date_text: str,
    output: Path,
    asked: str | None,
    layout: Layout,
    *,
    force: bool,
    rules: Path | None,
    procedure: str | None,
    details: tuple[str | None, str | None, str | None, str | None],
    lang: str,
    record: Path | None,
    levels: str | None = None,
    visit: tuple[str | None, str | None] = (None, None),
    orders: Path | None = None,
) -> None:
    """Write one patient's file, record it, and print "Wrote" and the chart note."""
    from vplan.delivery import deliver, journal, wrote
    from vplan.documents import Subject, make
    from vplan.handout import Patient, check_field
    from vplan.parse import parse_levels
    from vplan.patient import follow_up_visit, patient_plan

    name, clinic, phone, doctor = details
    if name is None:
        raise InputError('give --patient "NAME": the handout is printed for one patient')
    patient = Patient(
        name=check_field("patient's name", name, required=True) or "",
        clinic=check_field("clinic", clinic),
        phone=check_field("phone", phone),
        doctor=check_field("doctor", doctor),
        levels=None if levels is None else parse_levels(levels),
    )
    fmt = format_for(asked, output, Command.HANDOUT)
    book = journal(record)
    if book is not None:
        book.check_apart(output)
    booked = follow_up_visit(*visit)
    plan = patient_plan(
        load(rules, procedure, lang), procedure_date(date_text), orders=orders,
        follow_up=booked, lang=lang,
    )  # fmt: skip
    made = make(fmt, Subject(plan, now(), lang, patient=patient, layout=layout))
    given = deliver(made, output, force=force, record=book)
    wrote(output, given.what, book)
    sys.stdout.write(given.note + "\n")
