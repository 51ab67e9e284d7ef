"""The stamp on every output: which vplan, which protocol, which rules file, which language, when.

A stamp is a pure value, built from the protocol (which carries the SHA-256 of its rules
file), the language and the date the output was made. Outputs show it in one line with
the first 8 hex digits of each digest; JSON and the journal carry the full digests.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import NamedTuple

from vplan import __version__
from vplan.model import Protocol

SHORT = 8  # hex digits of a digest shown on an output


class Stamp(NamedTuple):
    """What made an output: vplan's version, the protocol and its files, language and date."""

    vplan: str
    protocol: str  # the protocol's name, in English
    protocol_version: str
    procedure: str  # the procedure's key, such as 'vertebroplasty'
    rules_sha256: str
    lang: str
    made_on: date
    # The SHA-256 of the orders file the plan was made with; None when there was none.
    orders_sha256: str | None = None

    @property
    def rules_short(self) -> str:
        """The first 8 hex digits of the rules file's SHA-256."""
        return self.rules_sha256[:SHORT]

    @property
    def orders_short(self) -> str | None:
        """The first 8 hex digits of the orders file's SHA-256, when one was used."""
        return None if self.orders_sha256 is None else self.orders_sha256[:SHORT]

    def journal_fields(
        self, procedure_date: date, follow_up: datetime | date | None
    ) -> dict[str, str | None]:
        """What a journal entry says of what made it, the procedure and the visit, in order."""
        return {
            "vplan": self.vplan,
            "protocol": self.protocol,
            "protocol_version": self.protocol_version,
            "rules_sha256": self.rules_sha256,
            "orders_sha256": self.orders_sha256,
            "procedure": self.procedure,
            "procedure_date": procedure_date.isoformat(),
            "follow_up": None if follow_up is None else follow_up.isoformat(),
            "lang": self.lang,
            "made_on": self.made_on.isoformat(),
        }


def make_stamp(
    protocol: Protocol, lang: str, made_on: date, *, orders_sha256: str | None = None
) -> Stamp:
    """The stamp of an output made from ``protocol`` in ``lang`` on ``made_on``."""
    info = protocol.info
    return Stamp(
        vplan=__version__,
        protocol=info.name.get(),
        protocol_version=info.version,
        procedure=info.procedure_key,
        rules_sha256=protocol.digest,
        lang=lang,
        made_on=made_on,
        orders_sha256=orders_sha256,
    )


def stamp_data(stamp: Stamp) -> dict[str, str | None]:
    """The stamp as JSON data, with the full digests."""
    return {
        "vplan": stamp.vplan,
        "protocol": stamp.protocol,
        "protocol_version": stamp.protocol_version,
        "procedure": stamp.procedure,
        "rules_sha256": stamp.rules_sha256,
        "orders_sha256": stamp.orders_sha256,
        "lang": stamp.lang,
        "made_on": stamp.made_on.isoformat(),
    }
