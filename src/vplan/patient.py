"""The plan of one patient: the protocol, the care team's orders and the booked visit.

Every command that makes a plan for a patient comes through ``patient_plan``, so that
``check``, ``schedule``, the handout and the batch all apply the same orders and the
same visit.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from vplan.errors import InputError
from vplan.i18n import ENGLISH
from vplan.model import Protocol
from vplan.parse import DateOrder, parse_follow_up, parse_place
from vplan.plan import FollowUp, Plan, build_plan


def follow_up_visit(
    when: str | None, place: str | None, order: DateOrder = "iso"
) -> FollowUp | None:
    """The booked visit typed as ``--follow-up`` and ``--follow-up-place``, or None.

    ``order`` is how a day's list writes dates such as 03/10/2025 (its --date-format).
    """
    if when is None or not when.strip():
        if place is not None and place.strip():
            raise InputError(
                "the follow-up place goes with the visit's date: give --follow-up "
                "YYYY-MM-DD HH:MM too (in a batch, the 'follow_up' column)"
            )
        return None
    day, at = parse_follow_up(when, order)
    return FollowUp(day, at, None if place is None or not place.strip() else parse_place(place))


def patient_plan(
    protocol: Protocol,
    procedure_date: date,
    *,
    orders: Path | None = None,
    follow_up: FollowUp | None = None,
    lang: str = ENGLISH,
    orders_label: str | None = None,
) -> Plan:
    """The plan of one patient; an orders file is read and checked against ``protocol``."""
    if orders is None:  # the protocol as it is: the orders code is not loaded
        return build_plan(protocol, procedure_date, follow_up=follow_up)
    from vplan.orders import load_orders, patient_protocol

    loaded = load_orders(
        orders, protocol, procedure_date=procedure_date, lang=lang, label=orders_label
    )
    ordered, given = patient_protocol(protocol, loaded)
    return build_plan(ordered, procedure_date, orders=given, follow_up=follow_up)
