"""How rules cite their sources in output."""

from __future__ import annotations

from vplan.model import Protocol


def cite(protocol: Protocol, keys: tuple[str, ...]) -> list[str]:
    """The full citation of each source key."""
    return [protocol.sources[key] for key in keys]
