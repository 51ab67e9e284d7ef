"""What the clinic keeps of a document given to a patient: the chart note and the journal entry.

Both are pure: built from the plan, the stamp and what was written, with the time passed
in. The patient appears in the journal only as an HMAC-SHA256 of the name (and MRN) under
the clinic's secret key: a plain hash of a name could be reversed by trying names.
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from typing import TYPE_CHECKING, NamedTuple

from vplan.dates import Dates
from vplan.digest import sha256
from vplan.formats import PDF

if TYPE_CHECKING:
    from vplan.handout import Layout
    from vplan.plan import FollowUp, Plan
    from vplan.stamp import Stamp

EntryValue = str | int | bool | None  # a value of a journal entry, as JSON writes it
ENTRY_FORMAT = 1
_KEY_ID_MESSAGE = b"vplan journal key id"


class Written(NamedTuple):
    """One file written for a patient: its format, layout, pages and the SHA-256 of its bytes."""

    fmt: str  # a format's name in formats.FORMATS: pdf, html, ics, text, markdown, json
    file_sha256: str
    pages: int | None = None  # PDF only: HTML and calendars have no pages of their own
    layout: Layout | None = None  # handouts only


def file_digest(data: bytes) -> str:
    """The SHA-256 (hex) of a file's bytes."""
    return sha256(data).hexdigest()


def patient_id(key: bytes, name: str, mrn: str | None = None) -> str:
    """The patient as HMAC-SHA256 under ``key`` of the name (case and spacing folded) and MRN."""
    folded = " ".join(unicodedata.normalize("NFC", name).casefold().split())
    message = folded if mrn is None else f"{folded}\x1f{mrn.strip()}"
    return _hmac_sha256(key, message.encode("utf-8"))


def key_id(key: bytes) -> str:
    """A short name of the key, so entries made under different keys can be told apart."""
    return _hmac_sha256(key, _KEY_ID_MESSAGE)[:16]


def _hmac_sha256(key: bytes, message: bytes) -> str:
    """HMAC-SHA256 (hex), with OpenSSL's hashlib: loaded only when a journal is kept."""
    import hashlib
    import hmac

    return hmac.new(key, message, hashlib.sha256).hexdigest()


def entry(
    procedure_date: date,
    stamp: Stamp,
    written: Written,
    *,
    when: datetime,
    made_at: datetime,
    patient: str | None,
    file_hmac: str,
    key: str,
    follow_up: datetime | date | None = None,
) -> dict[str, EntryValue]:
    """The journal entry of one written file, without its seal (``prev`` and ``mac``).

    ``made_at`` is the time the file says it was made at (to the second, as its calendar's
    DTSTAMP): with ``SOURCE_DATE_EPOCH`` set to it, vplan makes the same bytes again.
    ``patient`` is the HMAC of ``patient_id`` (None when no name was given), ``file_hmac``
    the journal's HMAC of the file's SHA-256, and ``key`` the ``key_id`` of the key that
    made both. ``follow_up`` is the follow-up visit, when an
    orders file gave one; it is null otherwise.
    """
    layout = written.layout
    return {
        "format_version": ENTRY_FORMAT,
        "when": when.isoformat(timespec="seconds"),
        "made_at": made_at.isoformat(timespec="seconds"),
        **stamp.journal_fields(procedure_date, follow_up),
        "format": written.fmt,
        "paper": None if layout is None else layout.paper.value,
        "large_print": None if layout is None else layout.large_print,
        "pages": written.pages,
        "file_hmac": file_hmac,
        "patient": patient,
        "key_id": key,
    }


def combined_entry(
    *,
    when: datetime,
    made_at: datetime,
    vplan: str,
    handouts: int,
    pages: int,
    file_hmac: str,
    key: str,
) -> dict[str, EntryValue]:
    """The journal entry of a batch's combined PDF, without its seal.

    Each handout in it has an entry of its own, just before; this one records the file
    that was printed: how many handouts and pages it holds, and its HMAC.
    """  # fmt: skip
    return {
        "format_version": ENTRY_FORMAT,
        "when": when.isoformat(timespec="seconds"),
        "made_at": made_at.isoformat(timespec="seconds"),
        "vplan": vplan,
        "format": PDF.name,
        "combined": handouts,
        "pages": pages,
        "file_hmac": file_hmac,
        "key_id": key,
    }


def chart_note(
    plan: Plan,
    stamp: Stamp,
    written: Written,
    follow_up: datetime | date | None = None,
    *,
    given: str | None = None,
) -> str:
    """One line the nurse pastes into the chart, in English: what was given, from which rules.

    ``given`` starts it (the format's ``note`` in ``formats.FORMATS``; by default the
    note of the format ``written`` names); ``follow_up``, from an orders file, ends it.
    """
    info = plan.protocol.info
    if given is None:
        from vplan.formats import by_name

        given = by_name(written.fmt).note
    what = given
    orders = "" if stamp.orders_short is None else f", orders {stamp.orders_short}"
    parts = [
        f"{what}: recovery after {info.procedure.get()}, procedure date "
        f"{Dates().long(plan.procedure_date)}",
        f"protocol {stamp.protocol} {stamp.protocol_version} (rules {stamp.rules_short}{orders})",
        _language_name(stamp.lang),
    ]
    if written.layout is not None and written.layout.large_print:
        parts.append("large print")
    if written.pages is not None:
        parts.append(f"{written.pages} page{'s' if written.pages != 1 else ''}")
    if follow_up is not None:
        parts.append(f"follow-up {_when(follow_up)}")
    return ", ".join(parts) + "."


def visit_moment(visit: FollowUp | None) -> datetime | date | None:
    """A booked follow-up visit as a date and time (or a date alone), as notes and entries say."""
    if visit is None:
        return None
    return visit.date if visit.time is None else datetime.combine(visit.date, visit.time)


def _language_name(lang: str) -> str:
    from vplan.i18n import NAMES

    return NAMES.get(lang, lang)


def _when(moment: datetime | date) -> str:
    """``Mon, Mar 10, 2025 2:30 PM``, or the date alone."""
    if not isinstance(moment, datetime):
        return Dates().long(moment)
    hour = moment.hour % 12 or 12
    noon = "AM" if moment.hour < 12 else "PM"
    return f"{Dates().long(moment.date())} {hour}:{moment.minute:02d} {noon}"
