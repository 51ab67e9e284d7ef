"""The care team's orders for one patient: changes to the protocol, dated items and notes.

An orders file is small YAML, read and checked like the rules file (every problem as
``file:line:column``, nothing used when any is wrong). Its activities have the shape of
the rules' activities, written partly: what is written replaces the protocol's (all the
limits of the activity at once), the rest is inherited. An order looser than the
protocol (a higher ``max``, an earlier end) is refused unless the activity says
``loosen: confirmed``, so that a typing slip cannot relax a limit.

``Orders.apply`` is pure; the loading below imports the YAML parser and the schema only
when a file is given.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, timedelta
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, NamedTuple

from vplan.digest import sha256
from vplan.errors import OrdersError, Problem
from vplan.model import (
    DEFAULT_LANG,
    Activity,
    Caution,
    Limit,
    MilestoneRule,
    Protocol,
    Text,
    Where,
    normalize_name,
)
from vplan.parse import parse_weight
from vplan.units import Duration

if TYPE_CHECKING:
    from vplan.plan import OrdersGiven, Window
    from vplan.schema import (
        CautionModel,
        LimitModel,
        MilestoneModel,
        OrderActivityModel,
        OrdersModel,
    )

MAX_BYTES = 256 * 1024
LastEnd = Duration | bool | None  # when an activity's last limit ends (None: cleared; False: none)
ORDERS_SOURCE = "care-team-orders"  # the source of every order that names none
ORDERS_CITATION = "The care team's orders for this patient"
ANOTHER_ONES_NAME = (  # what to write instead when an order names an activity with another's name
    "an order cannot give an activity another one's name or alias; choose another word"
)
Finding = tuple[Where, str, str]


class Orders(NamedTuple):
    """A validated orders file, built for one protocol: ready to apply."""

    label: str
    sha256: str  # of the file's bytes, for a record of what was printed
    raw: bytes
    activities: tuple[Activity, ...]  # each replaces the protocol's activity of its key, or is new
    milestones: tuple[MilestoneRule, ...]
    notes: tuple[Text, ...]

    @property
    def given(self) -> OrdersGiven:
        """What a plan keeps of these orders for the outputs: digest, activities, notes."""
        from vplan.plan import OrdersGiven

        return OrdersGiven(self.sha256, self.activities, self.notes)

    def apply(self, protocol: Protocol) -> Protocol:
        """The protocol with these orders in place; the protocol itself is not changed."""
        ordered = {act.key: act for act in self.activities}
        activities = tuple(ordered.pop(act.key, act) for act in protocol.activities)
        sources = dict(protocol.sources) | {ORDERS_SOURCE: ORDERS_CITATION}
        return protocol._replace(
            activities=activities + tuple(ordered.values()),
            milestones=protocol.milestones + self.milestones,
            sources=MappingProxyType(sources),
        )


def patient_protocol(
    protocol: Protocol, orders: Orders | None
) -> tuple[Protocol, OrdersGiven | None]:
    """The patient's protocol: ``protocol`` with the care team's ``orders`` in place.

    Also what a plan keeps of the orders for the outputs (None without orders); both go
    to ``plan.build_plan``.
    """
    if orders is None:
        return protocol, None
    return orders.apply(protocol), orders.given


def read_orders_bytes(path: Path, label: str) -> bytes:
    """The file's bytes; a missing, unreadable or oversized file is an orders error."""

    def whole(what: str, fix: str) -> OrdersError:
        return OrdersError([Problem(label, 1, 1, what, fix)])

    from vplan.files import NotAFileError, TooLargeError, read_regular

    try:
        return read_regular(path, MAX_BYTES)
    except FileNotFoundError:
        raise whole("the orders file does not exist", "check the path") from None
    except IsADirectoryError:
        raise whole("this is a folder, not an orders file", "name a .yaml file") from None
    except NotAFileError:
        raise whole("this is not a regular file", "name the orders .yaml file itself") from None
    except TooLargeError:
        raise whole("the file is larger than 256 KiB", "an orders file is a few lines") from None
    except OSError as exc:
        raise whole(f"cannot read the file ({exc.strerror})", "check its permissions") from None


def load_orders(
    path: Path,
    protocol: Protocol,
    *,
    procedure_date: date | None = None,
    lang: str = DEFAULT_LANG,
    label: str | None = None,
) -> Orders:
    """Read and check an orders file for ``protocol``; refused whole with every problem.

    Looser orders are checked on ``procedure_date`` (the patient's calendar); without
    one, on procedure dates that cover every length of month.
    """
    name = label if label is not None else str(path)
    return orders_from_bytes(
        read_orders_bytes(path, name), name, protocol, procedure_date=procedure_date, lang=lang
    )


def orders_from_bytes(
    data: bytes,
    label: str,
    protocol: Protocol,
    *,
    procedure_date: date | None = None,
    lang: str = DEFAULT_LANG,
) -> Orders:
    """The orders written in ``data`` (the file's bytes), checked against ``protocol``."""
    from pydantic import ValidationError
    from ruamel.yaml.comments import CommentedMap

    from vplan.errors import RulesError
    from vplan.schema import OrdersModel
    from vplan.validate import position, read_yaml, schema_problem

    try:
        tree = read_yaml(data, label)
    except RulesError as exc:
        raise OrdersError([_in_orders_words(problem) for problem in exc.problems]) from None
    if not isinstance(tree, CommentedMap):
        raise OrdersError(
            [Problem(label, 1, 1, "the file is not a set of 'key: value' lines",
                     "start with 'activities:' or 'notes:'")]
        )  # fmt: skip
    try:
        model = OrdersModel.model_validate(tree)
    except ValidationError as exc:
        raise OrdersError(
            [
                _in_orders_words(schema_problem(err, tree, label, OrdersModel))
                for err in exc.errors()
            ]
        ) from None
    findings = list(_checks(model, protocol, procedure_date, lang))
    if findings:
        raise OrdersError(
            [
                Problem(label, *position(tree, loc, value=True), what, fix)
                for loc, what, fix in findings
            ]
        )
    return Orders(
        label=label,
        sha256=sha256(data).hexdigest(),
        raw=data,
        activities=tuple(_activity(key, act, protocol) for key, act in model.activities.items()),
        milestones=tuple(_milestone(m) for m in model.milestones),
        notes=tuple(Text(dict(note)) for note in model.notes),
    )


# The reader's words for a rules file, and what they are for an orders file.
_ORDERS_WORDS = (
    ("start from a copy of vplan's default rules.yaml", "start with 'activities:' or 'notes:'"),
    ("a rules file has a few hundred lines", "an orders file has a few dozen lines"),
    ("a rules file has about 1,000", "an orders file has a few dozen"),
    ("a rules file nests about 8 levels", "an orders file nests about 6 levels"),
    ("a rules file may have", "any file vplan reads may have"),
    ("a rules file is", "an orders file is"),
    (
        "see 'The rules file' in the README",
        "see 'The care team's orders for one patient' in docs/clinics.md",
    ),
)


def _in_orders_words(problem: Problem) -> Problem:
    """A problem the shared reader found, said of an orders file rather than a rules file."""
    what, fix = problem.what, problem.fix
    for rules, orders in _ORDERS_WORDS:
        what, fix = what.replace(rules, orders), fix.replace(rules, orders)
    return problem._replace(what=what, fix=fix)


def _sourced(refs: list[str] | None) -> tuple[str, ...]:
    """The sources an order cites: the orders themselves when it names none."""
    return (ORDERS_SOURCE,) if refs is None else tuple(refs)


def _limit(lim: LimitModel, *, ordered: bool = True) -> Limit:
    """A limit as ordered (``ordered=False``: as written, to compare with the protocol's)."""
    return Limit(
        start=lim.start,
        end=None if isinstance(lim.until, str) else lim.until,
        max=None if lim.max is None else parse_weight(lim.max),
        text=Text(dict(lim.text)),
        sources=_sourced(lim.source) if ordered else tuple(lim.source or ()),
        ordered=ordered,
        with_care=lim.with_care,
    )


def _caution(caution: CautionModel) -> Caution:
    return Caution(Text(dict(caution.text)), _sourced(caution.source))


def _milestone(milestone: MilestoneModel) -> MilestoneRule:
    return MilestoneRule(
        at=milestone.at,
        by=milestone.by,
        text=Text(dict(milestone.text)),
        sources=_sourced(milestone.source),
        follow_up=milestone.kind == "follow_up",
        ordered=True,
    )


def _existing(protocol: Protocol, key: str) -> Activity | None:
    return next((act for act in protocol.activities if act.key == key), None)


def _activity(key: str, order: OrderActivityModel, protocol: Protocol) -> Activity:
    """The activity as ordered: the order's fields in place of the protocol's."""
    base = _existing(protocol, key)
    if base is None:
        assert order.name is not None  # _checks refuses a new activity without a name
        return Activity(
            key=key,
            name=Text(dict(order.name)),
            aliases=tuple(order.aliases or ()),
            measured=order.measure == "weight",
            limits=tuple(_limit(lim) for lim in order.limits or ()),
            cautions=tuple(_caution(c) for c in order.cautions or ()),
            advice=None if order.advice is None else Text(dict(order.advice)),
            sources=_sourced(order.source),
            then=None if order.then is None else _caution(order.then),
        )
    changed = base
    if order.name is not None:
        changed = changed._replace(name=Text(dict(order.name)))
    if order.aliases is not None:
        changed = changed._replace(aliases=tuple(order.aliases))
    if order.advice is not None:
        changed = changed._replace(advice=Text(dict(order.advice)))
    if order.limits is not None:
        changed = changed._replace(limits=tuple(_limit(lim) for lim in order.limits))
    if order.cautions is not None:
        changed = changed._replace(cautions=tuple(_caution(c) for c in order.cautions))
    if order.then is not None:
        changed = changed._replace(then=_caution(order.then))
    if order.measure is not None:
        changed = changed._replace(measured=True)
    return changed


# --- checks ------------------------------------------------------------------------------


def _checks(
    model: OrdersModel, protocol: Protocol, procedure_date: date | None, lang: str
) -> Iterator[Finding]:
    from vplan.schema import ActivityModel
    from vplan.validate import limit_checks, window_checks

    names = protocol.names()
    known = ", ".join(act.key for act in protocol.activities)
    for key, order in model.activities.items():
        at: Where = ("activities", key)
        base = _existing(protocol, key)
        if base is None:
            other = names.get(normalize_name(key))
            if other is not None:
                yield at, f"'{key}' is another name of '{other.key}'", f"write '{other.key}:'"
                continue
            if order.name is None:
                yield (
                    at,
                    f"'{key}' is not an activity of the rules",
                    f"write one of: {known}; or add 'name:' to order a new activity",
                )
                continue
        # What the activity is once ordered: each part the order writes, else the protocol's.
        limits = order.limits if order.limits is not None else (base.limits if base else ())
        advice = order.advice if order.advice is not None else (base.advice if base else None)
        cautions = order.cautions if order.cautions is not None else (base.cautions if base else ())
        if not limits and advice is None and not cautions:
            from vplan.validate import says_nothing

            yield from says_nothing(at, key)
        measured = order.measure is not None or (base is not None and base.measured)
        if order.limits is not None:
            shape = ActivityModel.model_construct(
                limits=order.limits, measure="weight" if measured else None
            )
            yield from limit_checks(at, key, shape)
        yield from _source_checks(at, order, protocol)
        if base is not None and order.limits is not None and order.loosen is None:
            yield from _loosening(at, key, base, order, procedure_date)
    yield from _naming_checks(model, protocol)
    yield from _involves_checks(model, protocol)
    yield from window_checks([], ("care",), model.milestones, ("milestones",))
    for i, milestone in enumerate(model.milestones):
        if milestone.kind is not None:
            yield (
                ("milestones", i, "kind"),
                "an order cannot be the follow-up visit",
                "remove 'kind'; give the booked visit with --follow-up",
            )
        for j, ref in enumerate(milestone.source or []):
            if ref not in protocol.sources:
                yield (
                    ("milestones", i, "source", j),
                    f"source '{ref}' is not in the rules",
                    ("leave out 'source' (the orders are the source), or name a key of the rules"),
                )
    if lang != DEFAULT_LANG:
        yield from _untranslated(model.model_dump(by_alias=True), (), lang)


def _activity_names(act: Activity) -> Iterator[str]:
    """Every name an activity answers to: key, name in each language, aliases, synonyms."""
    yield act.key
    yield from act.name.translations.values()
    yield from act.aliases
    for words in act.synonyms.values():
        yield from words


def _naming_checks(model: OrdersModel, protocol: Protocol) -> Iterator[Finding]:
    """The names an order writes, held to the rules' own: none empty, none two activities'.

    An order may rename its own activity, never take another's name or alias: 'check
    driving' must keep reaching driving's limits.
    """
    from vplan.validate import name_finding

    owner: dict[str, str] = {}
    for act in protocol.activities:
        order = model.activities.get(act.key)
        kept = act._replace(
            name=act.name if order is None or order.name is None else Text({}),
            aliases=act.aliases if order is None or order.aliases is None else (),
        )
        for name in _activity_names(kept):
            owner.setdefault(normalize_name(name), act.key)
    reported = protocol.names()  # a new key that is one of these is reported in _checks
    for key, order in model.activities.items():
        at: Where = ("activities", key)
        new_key = _existing(protocol, key) is None and normalize_name(key) not in reported
        written: list[tuple[Where, str]] = [(at, key)] if new_key or not key.strip() else []
        written += [((*at, "name", lang), text) for lang, text in (order.name or {}).items()]
        written += [((*at, "aliases", i), alias) for i, alias in enumerate(order.aliases or [])]
        for loc, name in written:
            found = name_finding(loc, name, key, owner, ANOTHER_ONES_NAME)
            if found is not None:
                yield found


def _involves_checks(model: OrdersModel, protocol: Protocol) -> Iterator[Finding]:
    """With the orders applied, no activity is allowed while something it involves is not."""
    from vplan.validate import ends_by

    def ends(each: Sequence[Duration | None]) -> LastEnd:
        return False if not each else each[-1]

    last: dict[str, LastEnd] = {
        act.key: ends([lim.end for lim in act.limits]) for act in protocol.activities
    }
    ordered = {key for key, order in model.activities.items() if order.limits is not None}
    for key in ordered:
        limits = model.activities[key].limits or []
        last[key] = ends([None if isinstance(lim.until, str) else lim.until for lim in limits])
    for act in protocol.activities:
        for other in act.involves:
            if (act.key in ordered or other in ordered) and not ends_by(
                last.get(act.key, False), last.get(other, False)
            ):
                where = act.key if act.key in ordered else other
                yield (
                    ("activities", where, "limits"),
                    f"with these orders '{act.key}' would be allowed while '{other}', which it "
                    "involves, is still limited",
                    f"order '{other}' to end as early as '{act.key}', or keep '{act.key}' "
                    f"limited as long as '{other}'",
                )


def _source_checks(at: Where, order: OrderActivityModel, protocol: Protocol) -> Iterator[Finding]:
    cited: list[tuple[Where, list[str] | None]] = [((*at, "source"), order.source)]
    cited += [
        ((*at, "limits", i, "source"), lim.source) for i, lim in enumerate(order.limits or [])
    ]
    cited += [
        ((*at, "cautions", i, "source"), c.source) for i, c in enumerate(order.cautions or [])
    ]
    for loc, refs in cited:
        for ref in refs or []:
            if ref not in protocol.sources:
                yield (
                    loc,
                    f"source '{ref}' is not in the rules",
                    ("leave out 'source' (the orders are the source), or name a key of the rules"),
                )


def _untranslated(data: object, loc: Where, lang: str) -> Iterator[Finding]:
    """Every text of the orders without a version in ``lang``."""
    if isinstance(data, Mapping):
        if DEFAULT_LANG in data and all(isinstance(v, str) for v in data.values()):
            if lang not in data:
                yield (
                    (*loc, DEFAULT_LANG),
                    f"the text has no '{lang}' version",
                    (f"add '{lang}: ...' under its '{DEFAULT_LANG}:' line, or use --lang en"),
                )
            return
        for key, value in data.items():
            yield from _untranslated(value, (*loc, key), lang)
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _untranslated(value, (*loc, i), lang)


def reference_dates() -> tuple[date, ...]:
    """Procedure dates that meet every length of month, a leap day and a year's end."""
    found = []
    for year in (2024, 2025):
        for month in range(1, 13):
            for day in (1, 15, 28, 29, 30, 31):
                try:
                    found.append(date(year, month, day))
                except ValueError:
                    continue
    return tuple(found)


def _loosening(
    at: Where, key: str, base: Activity, order: OrderActivityModel, procedure_date: date | None
) -> Iterator[Finding]:
    """Where the ordered limits allow more than the protocol's, on some day of recovery."""
    from vplan.plan import place_limits

    ordered = base._replace(limits=tuple(_limit(lim, ordered=False) for lim in order.limits or ()))
    dates: Iterable[date] = (procedure_date,) if procedure_date else reference_dates()
    for start in dates:
        old, new = place_limits(base, start), place_limits(ordered, start)
        found = _first_looser(old, new)
        if found is None:
            continue
        day, index, field, what = found
        where = f"on day {day} ({(start + timedelta(days=day)).isoformat()})" if procedure_date \
            else f"from day {day} for some procedure dates"  # fmt: skip
        loc: Where = (*at, "limits") if index is None else (*at, "limits", index, field)
        yield (
            loc,
            f"this order is looser than the protocol: {what} {where}",
            f"check the figure; if the care team means it, add 'loosen: confirmed' under '{key}:'",
        )
        return


def _first_looser(
    old: tuple[Window, ...], new: tuple[Window, ...]
) -> tuple[int, int | None, str, str] | None:
    """The first day the new limits allow more: (day, index of the limit, its key, how)."""
    ends = [w.end_day or w.start_day for w in (*old, *new)]
    for day in range(max([0, *ends]) + 1):
        before = next((w for w in old if w.covers(day)), None)
        after = next((i for i, w in enumerate(new) if w.covers(day)), None)
        if before is None:
            continue
        name = before.activity.name.get().lower()
        if after is None:
            last = max((i for i, w in enumerate(new) if w.start_day <= day), default=None)
            return (
                day,
                last,
                "until",
                f"{name} is allowed again, while the protocol still limits it",
            )
        if new[after].with_care and not before.with_care and before.limit.max is None:
            return (
                day,
                after,
                "with_care",
                f"{name} is allowed with care, while the protocol does not allow it",
            )
        limit, was = new[after].limit.max, before.limit.max
        if limit is not None and (was is None or limit.kg > was.kg):
            allowed = f"{name} up to {limit.describe(limit=True)}"
            rule = "not at all" if was is None else f"up to {was.describe(limit=True)}"
            return day, after, "max", f"{allowed} (the protocol: {rule})"
    return None
