"""What the commands share: the rules in a language, the procedure date, today and now."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from vplan.i18n import ENGLISH

if TYPE_CHECKING:
    from datetime import date, datetime
    from pathlib import Path

    from vplan.model import Protocol


def load(rules: Path | None, procedure: str | None = None, lang: str | None = None) -> Protocol:
    """The protocol of the procedure; in a language other than English, only if all of it is."""
    from vplan.rules import load_from

    protocol = load_from(rules, os.environ, procedure)
    if lang is not None and lang != ENGLISH:
        from vplan.i18n import require

        require(protocol, lang)
    return protocol


def today() -> date:
    """The date 'today' means: $VPLAN_TODAY, else the system's date."""
    from vplan.clock import today

    return today(os.environ)


def procedure_date(text: str) -> date:
    """The procedure date as typed: YYYY-MM-DD or 'today'."""
    from vplan.parse import parse_date

    return parse_date(text, today=today(), name="procedure date")


def now() -> datetime:
    """When outputs are made: $SOURCE_DATE_EPOCH, else now."""
    from vplan.clock import now

    return now(os.environ)
