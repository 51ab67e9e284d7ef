"""What changes for patients between two versions of a protocol, for a clinic's review.

``compare`` is pure: two validated protocols in, the changes out. Only what patients read
or live by counts: the activities and their limits, cautions and advice, what to do, the
milestones, the warning signs, the advice for the whole recovery and the texts around them.
Sources, aliases, the review note, comments and the order of keys do not.

Rules are matched between the versions by what they are, not by their place in the file:
an activity by its key, a caution or a warning sign by its English text, a limit by its
span and its weight, a care item by its label, a milestone by its text, advice by its title.
Every text patients read is found by the one walk over the texts (``patient_texts``): a
text of a section none of these comparisons knows is compared at its place in the file, so
a section added to the rules is never left out of the report.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass, replace
from enum import Enum
from typing import TypeVar

from vplan.model import (
    Activity,
    Book,
    CareItem,
    Guidance,
    Limit,
    MilestoneRule,
    Protocol,
    ProtocolInfo,
    Text,
    Tier,
    Where,
    patient_texts,
    place,
)
from vplan.units import Duration

T = TypeVar("T")

PROTOCOL = "Protocol"
CARE = "What to do"
MILESTONES = "Milestones"
WARNING_SIGNS = "Warning signs"
GUIDANCE = "Advice"
SHARED_WORDS = "Words for more than one activity"
TIER_NAMES = {
    Tier.EMERGENCY: "'emergency'",
    Tier.CALL_TODAY: "'call the care team today'",
    Tier.EXPECTED: "'normal, no need to call'",
}


class ChangeKind(Enum):
    """How a rule changed."""

    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"
    MOVED = "moved"


@dataclass(frozen=True)
class Change:
    """One difference patients would notice, under the heading it belongs to."""

    section: str
    kind: ChangeKind
    what: str

    def __str__(self) -> str:
        return f"{self.kind.value}: {self.what}"


@dataclass(frozen=True)
class Comparison:
    """Two versions of a protocol and what changes for patients between them."""

    old: ProtocolInfo
    new: ProtocolInfo
    changes: tuple[Change, ...]


def compare(old: Protocol, new: Protocol) -> Comparison:
    """Every change for patients from ``old`` to ``new``, in the order of the handout."""
    changes = [
        *_protocol_changes(old.info, new.info),
        *_activity_changes(old, new),
        *_shared_word_changes(old, new),
        *_care_changes(old.care, new.care),
        *_milestone_changes(old.milestones, new.milestones),
        *_sign_changes(old, new),
        *_guidance_changes(old.guidance, new.guidance),
        *_other_text_changes(old, new),
    ]
    return Comparison(old.info, new.info, tuple(changes))


def compare_files(old: Book, new: Book) -> Comparison:
    """Every change for patients between two rules files, for each procedure they hold.

    The main procedure's changes come first; another procedure's changes are headed by its
    name, and only what differs from its own main protocol's changes is listed again.
    """
    main = compare(old.protocol(), new.protocol())
    changes = list(main.changes)
    seen = set(main.changes)
    for key in old.others:
        if key not in new.others:
            changes.append(Change("Procedures", ChangeKind.REMOVED, f"the procedure '{key}'"))
    for key in new.others:
        if key not in old.others:
            changes.append(Change("Procedures", ChangeKind.ADDED, f"the procedure '{key}'"))
            continue
        theirs = compare(old.protocols[key], new.protocols[key])
        for change in theirs.changes:
            if change not in seen:  # the same change as the main procedure's is said once
                changes.append(replace(change, section=f"{key}: {change.section}"))
    return Comparison(main.old, main.new, tuple(changes))


# --- matching ------------------------------------------------------------------------------


def pair(
    old: Sequence[T],
    new: Sequence[T],
    keys: Sequence[Callable[[T], Hashable]],
    *,
    then_in_order: bool = False,
) -> list[tuple[T | None, T | None]]:
    """Match items of two versions, by each key in turn; what is left was added or removed.

    With ``then_in_order``, items still unmatched are paired by their order (the first
    left of the old with the first left of the new, and so on). Matched and added items
    come in the new order, removed ones after them in the old order.
    """
    matched: dict[int, int] = {}  # new index -> old index
    for key in keys:
        for i, item in enumerate(old):
            if i in matched.values():
                continue
            wanted = key(item)
            j = next(
                (j for j in range(len(new)) if j not in matched and key(new[j]) == wanted), None
            )
            if j is not None:
                matched[j] = i
    if then_in_order:
        old_left = [i for i in range(len(old)) if i not in matched.values()]
        new_left = [j for j in range(len(new)) if j not in matched]
        matched.update(zip(new_left, old_left, strict=False))
    pairs: list[tuple[T | None, T | None]] = [
        (old[matched[j]] if j in matched else None, item) for j, item in enumerate(new)
    ]
    taken = set(matched.values())
    pairs += [(item, None) for i, item in enumerate(old) if i not in taken]
    return pairs


def _words(text: Text) -> str:
    return " ".join(text.get().split())


def _span_key(duration: Duration | None) -> tuple[str, int] | None:
    """A duration as patients live it: '1 week' and '7 days' are the same; months are not."""
    if duration is None:
        return None
    if duration.unit == "months":
        return ("months", duration.amount)
    return ("days", duration.day_bounds()[0])


# --- words ------------------------------------------------------------------------------


def _bounds(low: int, high: int) -> str:
    return str(low) if low == high else f"{low}-{high}"


def _days(start: Duration, end: Duration | None) -> str:
    """``days 0 to 41`` (calendar months give a range: ``days 42 to 88-91``)."""
    first = _bounds(*start.day_bounds())
    if end is None:
        return f"from day {first}"
    low, high = end.day_bounds()
    last = _bounds(low - 1, high - 1)
    return f"day {first}" if first == last else f"days {first} to {last}"


def _when(start: Duration, end: Duration | None, open_end: str) -> str:
    """As the rules say it: ``until 6 weeks``, ``from 6 weeks until 3 months``."""
    until = f"until {end}" if end is not None else open_end
    return until if start.amount == 0 else f"from {start} {until}"


def _limit_when(limit: Limit) -> str:
    return _when(limit.start, limit.end, "until cleared")


def _allowance(limit: Limit) -> str:
    if limit.with_care:
        return "with care"
    return "not at all" if limit.max is None else f"up to {limit.max.describe(limit=True)}"


def _text_change(old: Text, new: Text) -> str | None:
    """How a text changed: the English before and after, or the translations that changed."""
    if _words(old) != _words(new):
        return f'"{old.get()}" -> "{new.get()}"'
    languages = sorted(
        lang
        for lang in {*old.translations, *new.translations}
        if old.translations.get(lang) != new.translations.get(lang)
    )
    return f"translations changed ({', '.join(languages)})" if languages else None


# --- the protocol ----------------------------------------------------------------------------


def _protocol_changes(old: ProtocolInfo, new: ProtocolInfo) -> Iterator[Change]:
    for field, label in (("name", "name"), ("procedure", "procedure"), ("notice", "notice")):
        change = _text_change(getattr(old, field), getattr(new, field))
        if change is not None:
            yield Change(PROTOCOL, ChangeKind.CHANGED, f"{label}: {change}")
    if old.emergency_number != new.emergency_number:
        yield Change(
            PROTOCOL,
            ChangeKind.CHANGED,
            f"emergency number: {old.emergency_number} -> {new.emergency_number}",
        )
    yield from _note_changes(old.translation_note, new.translation_note)


def _note_changes(old: Text | None, new: Text | None) -> Iterator[Change]:
    """The note that the translations await review: read by patients in those languages."""
    if old is None and new is not None:
        yield Change(PROTOCOL, ChangeKind.ADDED, f'translation note: "{_words(new)}"')
    elif old is not None and new is None:
        yield Change(PROTOCOL, ChangeKind.REMOVED, f'translation note: "{_words(old)}"')
    elif old is not None and new is not None:
        change = _text_change(old, new)
        if change is not None:
            yield Change(PROTOCOL, ChangeKind.CHANGED, f"translation note: {change}")


# --- activities ----------------------------------------------------------------------------


def _activity_changes(old: Protocol, new: Protocol) -> Iterator[Change]:
    for before, after in pair(old.activities, new.activities, [lambda a: a.key]):
        if after is None:
            assert before is not None
            yield Change(
                before.name.get(), ChangeKind.REMOVED, "the activity, with its limits and cautions"
            )
        elif before is None:
            yield from _added_activity(after)
        else:
            yield from _changed_activity(before, after)


def _shared_word_changes(old: Protocol, new: Protocol) -> Iterator[Change]:
    """A word that answers for more than one activity, added, removed or meaning others."""
    for word in sorted({*old.shared_words, *new.shared_words}):
        before, after = old.shared_words.get(word), new.shared_words.get(word)
        if before is None and after is not None:
            yield Change(SHARED_WORDS, ChangeKind.ADDED, f"'{word}': {', '.join(after)}")
        elif after is None and before is not None:
            yield Change(SHARED_WORDS, ChangeKind.REMOVED, f"'{word}': {', '.join(before)}")
        elif before != after and before is not None and after is not None:
            yield Change(
                SHARED_WORDS,
                ChangeKind.CHANGED,
                f"'{word}': {', '.join(before)} -> {', '.join(after)}",
            )


def _added_activity(activity: Activity) -> Iterator[Change]:
    section = activity.name.get()
    yield Change(section, ChangeKind.ADDED, "the activity")
    for limit in activity.limits:
        yield Change(section, ChangeKind.ADDED, _limit_line(limit))
    for caution in activity.cautions:
        yield Change(section, ChangeKind.ADDED, f'caution "{caution.text.get()}"')
    if activity.advice is not None:
        yield Change(section, ChangeKind.ADDED, f'advice "{activity.advice.get()}"')
    if activity.then is not None:
        yield Change(section, ChangeKind.ADDED, f'then "{activity.then.text.get()}"')


def _limit_line(limit: Limit) -> str:
    return f"limit {_allowance(limit)}, {_limit_when(limit)} ({_days(limit.start, limit.end)})"


def _changed_activity(old: Activity, new: Activity) -> Iterator[Change]:
    section = new.name.get()
    name = _text_change(old.name, new.name)
    if name is not None:
        yield Change(section, ChangeKind.CHANGED, f"name: {name}")
    yield from _limit_changes(section, old.limits, new.limits)
    for before, after in pair(old.cautions, new.cautions, [lambda c: _words(c.text)]):
        if before is None and after is not None:
            yield Change(section, ChangeKind.ADDED, f'caution "{after.text.get()}"')
        elif after is None and before is not None:
            yield Change(section, ChangeKind.REMOVED, f'caution "{before.text.get()}"')
        elif before is not None and after is not None:
            change = _text_change(before.text, after.text)
            if change is not None:
                yield Change(section, ChangeKind.CHANGED, f"caution: {change}")
    if old.advice is None and new.advice is not None:
        yield Change(section, ChangeKind.ADDED, f'advice "{new.advice.get()}"')
    elif old.advice is not None and new.advice is None:
        yield Change(section, ChangeKind.REMOVED, f'advice "{old.advice.get()}"')
    elif old.advice is not None and new.advice is not None:
        change = _text_change(old.advice, new.advice)
        if change is not None:
            yield Change(section, ChangeKind.CHANGED, f"advice: {change}")
    if old.then is None and new.then is not None:
        yield Change(section, ChangeKind.ADDED, f'then "{new.then.text.get()}"')
    elif old.then is not None and new.then is None:
        yield Change(section, ChangeKind.REMOVED, f'then "{old.then.text.get()}"')
    elif old.then is not None and new.then is not None:
        change = _text_change(old.then.text, new.then.text)
        if change is not None:
            yield Change(section, ChangeKind.CHANGED, f"then: {change}")


def _limit_changes(section: str, old: Sequence[Limit], new: Sequence[Limit]) -> Iterator[Change]:
    def span(limit: Limit) -> Hashable:
        return (_span_key(limit.start), _span_key(limit.end))

    def weight(limit: Limit) -> Hashable:
        return None if limit.max is None else limit.max.kg

    keys = [lambda lim: (span(lim), weight(lim)), span, weight]
    for before, after in pair(old, new, keys, then_in_order=True):
        if after is None:
            assert before is not None
            yield Change(section, ChangeKind.REMOVED, _limit_line(before))
            continue
        if before is None:
            yield Change(section, ChangeKind.ADDED, _limit_line(after))
            continue
        days = f"({_days(before.start, before.end)} -> {_days(after.start, after.end)})"
        if span(before) != span(after) and weight(before) != weight(after):
            yield Change(
                section,
                ChangeKind.CHANGED,
                f"limit {_allowance(before)}, {_limit_when(before)} -> {_allowance(after)}, "
                f"{_limit_when(after)} {days}",
            )
        elif span(before) != span(after):
            yield Change(
                section,
                ChangeKind.CHANGED,
                f"limit {_allowance(after)}: {_limit_when(before)} -> {_limit_when(after)} {days}",
            )
        elif weight(before) != weight(after) or before.with_care != after.with_care:
            yield Change(
                section,
                ChangeKind.CHANGED,
                f"limit {_limit_when(after)} ({_days(after.start, after.end)}): "
                f"{_allowance(before)} -> {_allowance(after)}",
            )
        text = _text_change(before.text, after.text)
        if text is not None:
            yield Change(
                section,
                ChangeKind.CHANGED,
                f"text of the limit {_allowance(after)}, {_limit_when(after)}: {text}",
            )


# --- what to do ------------------------------------------------------------------------------


def _care_when(item: CareItem) -> str:
    return f"{_when(item.start, item.end, 'with no end')} ({_days(item.start, item.end)})"


def _care_changes(old: Sequence[CareItem], new: Sequence[CareItem]) -> Iterator[Change]:
    def label(item: CareItem) -> Hashable:
        return _words(item.label)

    def span(item: CareItem) -> Hashable:
        return (_span_key(item.start), _span_key(item.end))

    for before, after in pair(old, new, [label, span]):
        if after is None:
            assert before is not None
            yield Change(CARE, ChangeKind.REMOVED, f"'{before.label.get()}', {_care_when(before)}")
            continue
        if before is None:
            yield Change(
                CARE,
                ChangeKind.ADDED,
                f"'{after.label.get()}', {_care_when(after)}: {after.text.get()}",
            )
            continue
        name = after.label.get()
        label_change = _text_change(before.label, after.label)
        if label_change is not None:
            yield Change(CARE, ChangeKind.CHANGED, f"label: {label_change}")
        if span(before) != span(after):
            yield Change(
                CARE, ChangeKind.CHANGED, f"'{name}': {_care_when(before)} -> {_care_when(after)}"
            )
        text = _text_change(before.text, after.text)
        if text is not None:
            yield Change(CARE, ChangeKind.CHANGED, f"text of '{name}': {text}")


# --- milestones ------------------------------------------------------------------------------


def _milestone_when(rule: MilestoneRule) -> str:
    at = _bounds(*rule.at.day_bounds())
    if rule.by is None:
        return f"at {rule.at} (day {at})"
    return f"at {rule.at}, by {rule.by} (day {at} to {_bounds(*rule.by.day_bounds())})"


def _milestone_changes(
    old: Sequence[MilestoneRule], new: Sequence[MilestoneRule]
) -> Iterator[Change]:
    def text(rule: MilestoneRule) -> Hashable:
        return _words(rule.text)

    def timing(rule: MilestoneRule) -> Hashable:
        return (_span_key(rule.at), _span_key(rule.by))

    for before, after in pair(old, new, [text, timing]):
        if after is None:
            assert before is not None
            yield Change(
                MILESTONES, ChangeKind.REMOVED, f'"{before.text.get()}", {_milestone_when(before)}'
            )
            continue
        if before is None:
            yield Change(
                MILESTONES, ChangeKind.ADDED, f'"{after.text.get()}", {_milestone_when(after)}'
            )
            continue
        if timing(before) != timing(after):
            yield Change(
                MILESTONES,
                ChangeKind.CHANGED,
                f'"{after.text.get()}": {_milestone_when(before)} -> {_milestone_when(after)}',
            )
        change = _text_change(before.text, after.text)
        if change is not None:
            yield Change(MILESTONES, ChangeKind.CHANGED, f"text {_milestone_when(after)}: {change}")


# --- warning signs ---------------------------------------------------------------------------


def _sign_changes(old: Protocol, new: Protocol) -> Iterator[Change]:
    for before, after in pair(old.warning_signs, new.warning_signs, [lambda s: _words(s.text)]):
        if after is None:
            assert before is not None
            yield Change(
                WARNING_SIGNS,
                ChangeKind.REMOVED,
                f'"{before.text.get()}" (was under {TIER_NAMES[before.tier]})',
            )
        elif before is None:
            yield Change(
                WARNING_SIGNS,
                ChangeKind.ADDED,
                f'"{after.text.get()}" under {TIER_NAMES[after.tier]}',
            )
        else:
            if before.tier is not after.tier:
                yield Change(
                    WARNING_SIGNS,
                    ChangeKind.MOVED,
                    f'"{after.text.get()}" from {TIER_NAMES[before.tier]} '
                    f"to {TIER_NAMES[after.tier]}",
                )
            change = _text_change(before.text, after.text)
            if change is not None:
                yield Change(WARNING_SIGNS, ChangeKind.CHANGED, f'"{after.text.get()}": {change}')


# --- advice for the whole recovery ----------------------------------------------------------


def _guidance_changes(old: Sequence[Guidance], new: Sequence[Guidance]) -> Iterator[Change]:
    def title(advice: Guidance) -> Hashable:
        return _words(advice.title)

    def text(advice: Guidance) -> Hashable:
        return _words(advice.text)

    for before, after in pair(old, new, [title, text]):
        if after is None:
            assert before is not None
            yield Change(
                GUIDANCE, ChangeKind.REMOVED, f"'{before.title.get()}': {before.text.get()}"
            )
            continue
        if before is None:
            yield Change(GUIDANCE, ChangeKind.ADDED, f"'{after.title.get()}': {after.text.get()}")
            continue
        name = after.title.get()
        title_change = _text_change(before.title, after.title)
        if title_change is not None:
            yield Change(GUIDANCE, ChangeKind.CHANGED, f"title: {title_change}")
        text_change = _text_change(before.text, after.text)
        if text_change is not None:
            yield Change(GUIDANCE, ChangeKind.CHANGED, f"text of '{name}': {text_change}")


# --- texts of any other section ----------------------------------------------------------------

# The sections whose rules the comparisons above match by what they are.
COMPARED_SECTIONS = frozenset(
    {"protocol", "activities", "care", "milestones", "warning_signs", "guidance"}
)


def _other_text_changes(old: Protocol, new: Protocol) -> Iterator[Change]:
    """Each text of a section no comparison above knows, compared at its place in the file."""

    def others(protocol: Protocol) -> dict[Where, Text]:
        return {
            loc: text for loc, text in patient_texts(protocol) if loc[0] not in COMPARED_SECTIONS
        }

    before, after = others(old), others(new)
    for loc in [*after, *(loc for loc in before if loc not in after)]:
        section = str(loc[0])
        if loc not in before:
            yield Change(section, ChangeKind.ADDED, f'{place(loc)}: "{after[loc].get()}"')
        elif loc not in after:
            yield Change(section, ChangeKind.REMOVED, f'{place(loc)}: "{before[loc].get()}"')
        else:
            change = _text_change(before[loc], after[loc])
            if change is not None:
                yield Change(section, ChangeKind.CHANGED, f"{place(loc)}: {change}")


# --- the report ------------------------------------------------------------------------------
