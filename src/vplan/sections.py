"""What the views share: a text with its sources, the warning signs by tier, and citations.

The schedule (``schedule.py``), ``check``'s answer (``answer.py``) and the rules reports
(``reports.py``) build their views from these, and the renderers lay them out: no view
imports a renderer or another command's view.
"""

from __future__ import annotations

from typing import NamedTuple

from vplan.i18n import ENGLISH
from vplan.model import Protocol, Tier
from vplan.words.nurse import NurseWords


def cite(protocol: Protocol, keys: tuple[str, ...]) -> list[str]:
    """The full citation of each source key."""
    return [protocol.sources[key] for key in keys]


class Note(NamedTuple):
    """A titled text: an activity's advice, a piece of guidance or a warning sign (no title)."""

    title: str
    text: str
    sources: tuple[str, ...] = ()  # cited
    key: str = ""  # for advice: the activity's key


class SignTier(NamedTuple):
    """The warning signs of one tier, the most urgent tier first."""

    tier: Tier
    heading: str
    signs: tuple[Note, ...]


def sign_tiers(protocol: Protocol, lang: str = ENGLISH) -> tuple[SignTier, ...]:
    """The warning signs of ``protocol`` by tier, the most urgent tier first."""
    words = NurseWords(lang)
    return tuple(
        SignTier(
            tier,
            words.tier_heading(protocol, tier),
            tuple(
                Note("", s.text.get(lang), tuple(cite(protocol, s.sources)))
                for s in protocol.warning_signs
                if s.tier is tier
            ),
        )
        for tier in Tier
    )
