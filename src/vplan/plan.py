"""Build one recovery plan from the protocol and the procedure date.

Everything vplan shows is read from a ``Plan``: the day-by-day calendar, the answer
to ``check``, the restrictions list and the milestones. The plan is pure: no clock,
no printing, no files.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import date, time, timedelta
from enum import Enum
from types import MappingProxyType
from typing import NamedTuple

from vplan.errors import InputError
from vplan.model import Activity, CareItem, Caution, Limit, MilestoneRule, Protocol, Text
from vplan.units import Duration, Weight

MAX_FOLLOW_UP_DAYS = 366  # a booked visit more than a year on is a typing slip


class FollowUp(NamedTuple):
    """The patient's booked follow-up visit: a date, a time when known, and a place."""

    date: date
    time: time | None = None
    place: str | None = None


class Status(Enum):
    """The four answers to "may the patient do this?", from the plainest yes to the firmest no."""

    ALLOWED = "allowed"  # a plain yes
    WITH_CARE = "with_care"  # yes, but only as the rule says (with help, only what is shown)
    NOT_YET = "not_yet"  # no, with the date it is allowed from
    ASK = "ask_care_team"  # no date: only the care team clears it

    @property
    def rank(self) -> int:
        """How strict the answer is: 0 for a plain yes, 3 for "ask your care team"."""
        return _RANKS[self]

    @property
    def forbids(self) -> bool:
        """Whether the answer is a no (not yet, or not until the care team says so)."""
        return self is Status.NOT_YET or self is Status.ASK


_RANKS = {Status.ALLOWED: 0, Status.WITH_CARE: 1, Status.NOT_YET: 2, Status.ASK: 3}


class Window(NamedTuple):
    """An activity's limit placed on the calendar: days ``start_day`` to ``end_day - 1``."""

    activity: Activity
    limit: Limit
    start_day: int
    end_day: int | None  # None: until the care team clears it

    @property
    def last_day(self) -> int | None:
        """The last day the limit is in force, included (None: until the care team clears it)."""
        return None if self.end_day is None else self.end_day - 1

    @property
    def with_care(self) -> bool:
        """Whether the activity is allowed during the limit, but only as its text says."""
        return self.limit.with_care

    def covers(self, day: int) -> bool:
        """Whether the limit is in force on ``day``."""
        return self.start_day <= day and (self.end_day is None or day < self.end_day)

    def status(self, amount: Weight | None = None) -> Status:
        """What the limit answers for the activity (with this weight, where one is given).

        A limit with a most allowed weight answers "with care" when no weight is asked about
        (up to that weight only), a plain yes for a weight within it, and no above it.
        """
        if self.limit.with_care:
            return Status.WITH_CARE
        if self.limit.max is not None:
            if amount is None:
                return Status.WITH_CARE
            if amount.kg <= self.limit.max.kg:
                return Status.ALLOWED
        return Status.ASK if self.end_day is None else Status.NOT_YET

    def blocks(self, amount: Weight | None) -> bool:
        """Whether the limit forbids the activity (with this weight, where one is given)."""
        return self.status(amount).forbids


class CareWindow(NamedTuple):
    """A care instruction placed on the calendar."""

    item: CareItem
    start_day: int
    end_day: int | None

    @property
    def last_day(self) -> int | None:
        """The last day the instruction applies, included (None: no end)."""
        return None if self.end_day is None else self.end_day - 1

    def covers(self, day: int) -> bool:
        """Whether the instruction applies on ``day``."""
        return self.start_day <= day and (self.end_day is None or day < self.end_day)


class MilestoneKind(Enum):
    """What happens at a milestone."""

    EVENT = "event"  # written in the rules, such as the follow-up visit
    LIMIT_CHANGES = "limit_changes"  # a new limit follows the old one
    ALLOWED_AGAIN = "allowed_again"  # the last limit ends
    FOLLOW_UP = "follow_up"  # the patient's booked follow-up visit (plan.follow_up)


class RuleEvent(NamedTuple):
    """A milestone written in the rules (or the orders), such as the follow-up visit's due days."""

    day: int
    rule: MilestoneRule
    place: int  # the rule's place among the rules' milestones (the orders' apart): stable
    by_day: int | None = None  # for an event due within a span: its last day

    @property
    def kind(self) -> MilestoneKind:
        """``MilestoneKind.EVENT``."""
        return MilestoneKind.EVENT

    @property
    def last_day(self) -> int:
        """The last day of the event, included."""
        return self.day if self.by_day is None else self.by_day

    @property
    def sources(self) -> tuple[str, ...]:
        """The rule's sources."""
        return self.rule.sources

    @property
    def text(self) -> Text:
        """What the rules say happens."""
        return self.rule.text


class FollowUpVisit(NamedTuple):
    """The patient's booked follow-up visit (``plan.follow_up``), in place of its rule."""

    day: int
    visit: FollowUp
    rule: MilestoneRule | None  # the rule of the follow-up it replaces, when the rules have one

    @property
    def kind(self) -> MilestoneKind:
        """``MilestoneKind.FOLLOW_UP``."""
        return MilestoneKind.FOLLOW_UP

    @property
    def last_day(self) -> int:
        """The visit's day."""
        return self.day

    @property
    def sources(self) -> tuple[str, ...]:
        """None: the visit is booked, not written in the rules."""
        return ()


class LimitChange(NamedTuple):
    """A new limit of an activity follows the one that ends."""

    day: int
    activity: Activity
    ending: Window
    following: Window
    place: int  # the place of ``ending`` among the activity's limits

    @property
    def kind(self) -> MilestoneKind:
        """``MilestoneKind.LIMIT_CHANGES``."""
        return MilestoneKind.LIMIT_CHANGES

    @property
    def last_day(self) -> int:
        """The day of the change."""
        return self.day

    @property
    def sources(self) -> tuple[str, ...]:
        """The sources of the new limit."""
        return self.following.limit.sources


class AllowedAgain(NamedTuple):
    """An activity's last limit ends."""

    day: int
    activity: Activity
    ending: Window
    place: int  # the place of ``ending`` among the activity's limits

    @property
    def kind(self) -> MilestoneKind:
        """``MilestoneKind.ALLOWED_AGAIN``."""
        return MilestoneKind.ALLOWED_AGAIN

    @property
    def last_day(self) -> int:
        """The day the activity is allowed again."""
        return self.day

    @property
    def sources(self) -> tuple[str, ...]:
        """The sources of the limit that ends."""
        return self.ending.limit.sources


Milestone = (
    RuleEvent | FollowUpVisit | LimitChange | AllowedAgain
)  # something that happens on a day


class DayPlan(NamedTuple):
    """One day of the calendar."""

    day: int
    date: date
    care: tuple[CareWindow, ...]
    avoid: tuple[Window, ...]  # the limits in force that forbid (all or over a weight)
    milestones: tuple[Milestone, ...]
    careful: tuple[Window, ...] = ()  # the limits in force that allow only as their text says


class Verdict(NamedTuple):
    """May the patient do an activity on a day: one of four answers, and the dates with it."""

    activity: Activity
    day: int
    amount: Weight | None
    status: Status
    window: Window | None  # the limit in force on the day, if any
    # A no: the first day the activity is allowed (perhaps with care); None: only when the care
    # team clears it. A yes: the day the last limit that forbade it ended (0: none did).
    allowed_from_day: int | None
    # The first day from ``day`` on when no limit holds the activity back at all (its lasting
    # condition, ``then``, aside); None: only when the care team clears it.
    free_from_day: int | None = None
    # The activities this one involves whose answer makes this one stricter or later.
    involved: tuple[Verdict, ...] = ()

    @property
    def allowed(self) -> bool:
        """Whether the answer is a plain yes."""
        return self.status is Status.ALLOWED

    @property
    def lasting(self) -> Caution | None:
        """How to come back, once the activity's last limit has ended (its ``then``)."""
        return self.activity.then if self.window is None and self.activity.then else None

    @property
    def cautions(self) -> tuple[Caution, ...]:
        """Conditions that apply to the activity whatever the day."""
        return self.activity.cautions

    @property
    def sources(self) -> tuple[str, ...]:
        """The sources of the limit in force, else of the lasting condition, else the activity's."""
        if self.window is not None:
            return self.window.limit.sources
        lasting = self.lasting
        return lasting.sources if lasting is not None and lasting.sources else self.activity.sources


class OrdersGiven(NamedTuple):
    """The care team's orders in a patient's protocol, as the outputs name them.

    The orders themselves are already in the protocol the plan was built from
    (``orders.patient_protocol``); this says which file they came from and what it said.
    """

    sha256: str  # of the orders file's bytes, for the stamp and the record
    activities: tuple[Activity, ...]  # the activities the orders changed or added
    notes: tuple[Text, ...]  # the care team's notes for this patient


class Plan(NamedTuple):
    """The whole recovery plan of one patient."""

    protocol: Protocol
    procedure_date: date
    windows: tuple[Window, ...]
    care: tuple[CareWindow, ...]
    milestones: tuple[Milestone, ...]
    follow_up: FollowUp | None = None  # the booked visit, in place of the protocol's "due"
    orders: OrdersGiven | None = None  # the care team's orders, already in ``protocol``
    # Each activity's key: the day it is allowed again once its first limit starts (0 for an
    # activity without limits; None: only when the care team clears it).
    allowed_from: Mapping[str, int | None] = MappingProxyType({})

    @property
    def notes(self) -> tuple[Text, ...]:
        """The care team's notes for this patient (none without orders)."""
        return () if self.orders is None else self.orders.notes

    def in_force(self, day: int = 0) -> tuple[Window, ...]:
        """The limits in force on ``day`` (by default the discharge day), in the rules' order."""
        return tuple(w for w in self.windows if w.covers(day))

    def following(self, window: Window) -> Window | None:
        """The limit of the same activity that starts when ``window`` ends, if any."""
        if window.end_day is None:
            return None
        return next(
            (w for w in self.windows_of(window.activity) if w.start_day == window.end_day), None
        )

    def chain(self, window: Window) -> Iterator[Window]:
        """``window``, then each limit of the same activity that follows it, in order."""
        current: Window | None = window
        while current is not None:
            yield current
            current = self.following(current)

    def date_of(self, day: int) -> date:
        """The calendar date of post-operative ``day``."""
        return self.procedure_date + timedelta(days=day)

    def day_of(self, when: date) -> int:
        """The post-operative day of a calendar date (negative before the procedure)."""
        return (when - self.procedure_date).days

    def windows_of(self, activity: Activity) -> tuple[Window, ...]:
        """The activity's limits in time order."""
        return tuple(w for w in self.windows if w.activity is activity)

    def day(self, day: int) -> DayPlan:
        """What to do, what to avoid and what happens on post-operative ``day``."""
        limits = self.in_force(day)
        return DayPlan(
            day=day,
            date=self.date_of(day),
            care=tuple(c for c in self.care if c.covers(day)),
            avoid=tuple(w for w in limits if not w.with_care),
            milestones=tuple(m for m in self.milestones if m.day == day),
            careful=tuple(w for w in limits if w.with_care),
        )

    def verdict(self, activity: Activity, day: int, amount: Weight | None = None) -> Verdict:
        """May the patient do ``activity`` (with ``amount``) on ``day``? Never a guess.

        An activity is never freer than one it involves (a tub bath involves bending): the
        answer is the strictest of its own and theirs, with the latest dates.
        """
        own = self._own_verdict(activity, day, amount)
        others = [
            self._own_verdict(other, day, None)
            for key in activity.involves
            if (other := self.protocol.by_key(key)) is not None
        ]
        stricter = tuple(v for v in others if _holds_longer(v, own))
        if not stricter:
            return _cautioned(own)
        every = (own, *stricter)
        status = max((v.status for v in every), key=lambda s: s.rank)
        if status.forbids:
            froms = [v.allowed_from_day for v in every if v.status.forbids]
            allowed_from = None if None in froms else max(f for f in froms if f is not None)
        else:
            allowed_from = own.allowed_from_day
        frees = [v.free_from_day for v in every]
        free_from = None if None in frees else max(f for f in frees if f is not None)
        return _cautioned(
            own._replace(
                status=status,
                allowed_from_day=allowed_from,
                free_from_day=free_from,
                involved=stricter,
            )
        )

    def _own_verdict(self, activity: Activity, day: int, amount: Weight | None) -> Verdict:
        windows = self.windows_of(activity)
        in_force = next((w for w in windows if w.covers(day)), None)
        free_from = _first_day(windows, day, lambda w: w.status(amount) is Status.ALLOWED)
        if in_force is None:
            ended = [w.end_day for w in windows if w.end_day is not None and w.end_day <= day]
            past_limits = bool(windows) and len(ended) == len(windows)
            status = Status.WITH_CARE if past_limits and activity.then else Status.ALLOWED
        else:
            status = in_force.status(amount)
        if status.forbids:
            allowed_from = _first_day(windows, day, lambda w: not w.status(amount).forbids)
        else:
            ended = [w.end_day for w in windows if w.end_day is not None and w.end_day <= day]
            ended = [end for end in ended if _blocking(windows, end - 1, amount)]
            allowed_from = max(ended, default=0)
        return Verdict(activity, day, amount, status, in_force, allowed_from, free_from)

    @property
    def last_change_day(self) -> int:
        """The last day on which a dated limit ends or a milestone falls."""
        ends = [w.end_day for w in self.windows if w.end_day is not None]
        events = [m.last_day for m in self.milestones]
        return max([0, *ends, *events])


def _cautioned(verdict: Verdict) -> Verdict:
    """A yes for an activity with a caution, or ruled by its advice alone, is a yes with care.

    The caution holds every day. An activity with no limit but advice on how to do it ("Short
    rides as a passenger"; "get up and walk at least every 45 minutes") has that advice for
    its rule: a plain yes would drop it. Beside limits, advice is a tip ("bend your knees").
    """
    activity = verdict.activity
    ruled_by_advice = activity.advice is not None and not activity.limits
    if verdict.status is Status.ALLOWED and (activity.cautions or ruled_by_advice):
        return verdict._replace(status=Status.WITH_CARE)
    return verdict


def _blocking(windows: tuple[Window, ...], day: int, amount: Weight | None) -> bool:
    return any(w.covers(day) and w.blocks(amount) for w in windows)


def _first_day(windows: tuple[Window, ...], day: int, lets: Callable[[Window], bool]) -> int | None:
    """The first day from ``day`` on when every limit in force ``lets`` the activity.

    None when a limit that does not let it lasts until the care team clears it.
    """
    candidate = day
    while True:
        holding = next((w for w in windows if w.covers(candidate) and not lets(w)), None)
        if holding is None:
            return candidate
        if holding.end_day is None:
            return None
        candidate = holding.end_day


def _holds_longer(other: Verdict, own: Verdict) -> bool:
    """Whether an involved activity's answer is stricter than the activity's, or lasts longer."""
    if other.status.rank > own.status.rank:
        return True
    if other.status is Status.ALLOWED:
        return False
    if own.free_from_day is not None and (
        other.free_from_day is None or other.free_from_day > own.free_from_day
    ):
        return True
    return (
        other.status.forbids
        and own.status.forbids
        and own.allowed_from_day is not None
        and (other.allowed_from_day is None or other.allowed_from_day > own.allowed_from_day)
    )


def _day(duration: Duration, start: date) -> int:
    return (duration.end(start) - start).days


def place_limits(activity: Activity, procedure_date: date) -> tuple[Window, ...]:
    """The activity's limits on the calendar from ``procedure_date`` (day 0)."""
    return tuple(
        Window(
            activity=activity,
            limit=lim,
            start_day=_day(lim.start, procedure_date),
            end_day=None if lim.end is None else _day(lim.end, procedure_date),
        )
        for lim in activity.limits
    )


def build_plan(
    protocol: Protocol,
    procedure_date: date,
    *,
    orders: OrdersGiven | None = None,
    follow_up: FollowUp | None = None,
) -> Plan:
    """Place every rule of the patient's protocol on the calendar from ``procedure_date`` (day 0).

    ``protocol`` is this patient's: with the care team's orders already in it
    (``orders.patient_protocol``), which ``orders`` names for the outputs. A booked
    ``follow_up`` visit takes the place of the protocol's follow-up milestone. A visit
    before the procedure date is an input error.
    """
    if follow_up is not None and follow_up.date < procedure_date:
        raise InputError(
            f"the follow-up visit {follow_up.date.isoformat()} is before the procedure date "
            f"{procedure_date.isoformat()}; check the date of the visit"
        )
    if follow_up is not None and (follow_up.date - procedure_date).days > MAX_FOLLOW_UP_DAYS:
        raise InputError(
            f"the follow-up visit {follow_up.date.isoformat()} is more than a year after the "
            f"procedure date {procedure_date.isoformat()}; check the year of the visit"
        )
    windows = tuple(w for act in protocol.activities for w in place_limits(act, procedure_date))
    care = tuple(
        CareWindow(
            item,
            _day(item.start, procedure_date),
            None if item.end is None else _day(item.end, procedure_date),
        )
        for item in protocol.care
    )
    counts = {False: 0, True: 0}  # the rules' milestones and the orders', counted apart
    events: list[Milestone] = []
    for rule in protocol.milestones:
        place = counts[rule.ordered]
        counts[rule.ordered] += 1
        if follow_up is not None and rule.follow_up:
            continue
        by_day = None if rule.by is None else _day(rule.by, procedure_date)
        events.append(RuleEvent(_day(rule.at, procedure_date), rule, place, by_day))
    if follow_up is not None:
        visit = next((r for r in protocol.milestones if r.follow_up), None)
        events.append(FollowUpVisit((follow_up.date - procedure_date).days, follow_up, visit))
    changes = [m for act in protocol.activities for m in _limit_milestones(act, windows)]
    milestones = sorted(events + changes, key=lambda m: m.day)
    plan = Plan(protocol, procedure_date, windows, care, tuple(milestones), follow_up, orders)
    return plan._replace(allowed_from=MappingProxyType(_allowed_from(plan)))


def _allowed_from(plan: Plan) -> dict[str, int | None]:
    """Each activity's allowed-again day (no limit holds it back), from its first limit's start."""
    found: dict[str, int | None] = {}
    for activity in plan.protocol.activities:
        windows = plan.windows_of(activity)
        found[activity.key] = (
            plan.verdict(activity, windows[0].start_day).free_from_day if windows else 0
        )
    return found


def _limit_milestones(activity: Activity, windows: tuple[Window, ...]) -> list[Milestone]:
    own = [w for w in windows if w.activity is activity]
    found: list[Milestone] = []
    for place, window in enumerate(own):
        if window.end_day is None:
            continue
        following = next((w for w in own if w.start_day == window.end_day), None)
        if following is not None:
            found.append(LimitChange(window.end_day, activity, window, following, place))
        else:
            found.append(AllowedAgain(window.end_day, activity, window, place))
    return found
