"""The words both audiences read: the plan's limits, events, visit and orders, in one language.

Patient texts come from the rules file; the phrases here are the interface around them,
written in English, the source language. Each is a message of the catalog
(``self._("...")`` where it is used, ``N_("...")`` where a table names it), and
``locale/<code>/LC_MESSAGES/vplan.po`` holds its translation. A ``Words`` object speaks
one language, given once when it is made.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from vplan.dates import Dates, capitalized, dates
from vplan.i18n import ENGLISH, N_, NAMES, translator
from vplan.model import Protocol, Tier
from vplan.plan import AllowedAgain, FollowUpVisit, Plan, RuleEvent, Window

if TYPE_CHECKING:
    from vplan.model import Activity
    from vplan.plan import Milestone
    from vplan.stamp import Stamp

UNTIL_CLEARED = N_("until your care team says it is OK")
# TRANSLATORS: {label} is an activity's name from the rules (first letter in lower case),
# with its limit: "No lifting over 10 lb (4.5 kg)". A calendar event's title.
RESTRICTION_NO = N_("No {label}")

TIER_HEADINGS = {
    Tier.EMERGENCY: N_("Call {number} now if:"),
    Tier.CALL_TODAY: N_("Call your care team today if:"),
    Tier.EXPECTED: N_("Normal, no need to call:"),
}

# Labels that start a line: "Why: Do not lift more than 10 lb (4.5 kg)."
LABELS = {
    "today": N_("Today:"),
    "do": N_("Do:"),
    "avoid": N_("Avoid:"),
    "with_care": N_("With care:"),
    "ask": N_("Ask your care team first:"),
    "allowed_from": N_("Allowed from:"),
    "no_limit_from": N_("No limit from:"),
    "next": N_("Next:"),
    "then": N_("Then:"),
    "caution": N_("Caution:"),
    "why": N_("Why:"),
    "tip": N_("Tip:"),
    # TRANSLATORS: a source is cited under the title it was published with, often English;
    # say so beside the label.
    "source": N_("Source:"),
    "when": N_("When:"),
    "also": N_("Also:"),
}

# A limit in force, with each date it changes; the care team's orders; the visit.
ALLOWED_AGAIN_FROM = N_("Allowed again from {date}.")
ONLY_WHEN_CLEARED = N_("Allowed only when your care team says it is OK.")
NO_LIMIT_FROM = N_("No limit from {date}.")
# TRANSLATORS: what a limit allows from a date, with the rule's own sentence after the colon:
# "With care from Mon, Mar 3: Do only the exercises your therapist shows you."
WITH_CARE_FROM = N_("With care from {date}: {text}")
FROM_DAY_TEXT = N_("From {date}: {text}")
HOLDS_UNTIL_CLEARED = N_("This holds until your care team says otherwise.")
NO_LIMIT_FROM_TODAY = N_("{name}: no limit from today.")
# TRANSLATORS: an activity's name from the rules, allowed only as its rule says: the title of
# a calendar event, "Walking: with care".
WITH_CARE_TITLE = N_("{name}: with care")
# TRANSLATORS: an activity's name from the rules that only the care team clears: the title of
# a calendar event, "Work: ask your care team first".
ASK_TITLE = N_("{name}: ask your care team first")
# TRANSLATORS: the activities only the care team clears, in a list: "driving, work or sex".
ASK_FIRST_LIST = N_("Ask your care team before you start: {names}.")
# TRANSLATORS: a day's event: "Exercises your therapist shows you: with care from today."
WITH_CARE_FROM_TODAY = N_("{name}: with care from today.")
ORDERS_HEADING = N_("Your care team's instructions for you")
ORDER_DATED = N_("{date}: {text}")
VISIT_BOOKED = N_("Your follow-up visit: {when}.")
VISIT_AT = N_("{date} at {time}")
VISIT_PLACE = N_("{when}, {place}")
VISIT_DUE = N_(
    "Your follow-up visit is due between {first} and {last}. If you do not have a date yet, "
    "call to make one."
)
# TRANSLATORS: the pound, as the rules' texts in this language write it (Spanish: libras).
POUND = N_("lb")
CALL_US = N_("Questions? Call us at {phone}.")

STAMP = N_("Made on {date} by vplan {vplan} from {protocol} {version} (rules {rules}), {language}.")
# On the handout, whose footer names the protocol and its version just above.
HANDOUT_STAMP = N_("Made on {date} by vplan {vplan} (rules {rules}), {language}.")
HANDOUT_STAMP_WITH_ORDERS = N_(
    "Made on {date} by vplan {vplan} (rules {rules}, orders {orders}), {language}."
)
STAMP_WITH_ORDERS = N_(
    "Made on {date} by vplan {vplan} from {protocol} {version} (rules {rules}, orders {orders}), "
    "{language}."
)


def joined(items: Sequence[str]) -> str:
    """Names on one line, ``a; b``; as sentences (``sentences``) when one has a semicolon."""
    if any(";" in item for item in items):
        return sentences(items)
    return "; ".join(items)


def in_sentence(name: str) -> str:
    """``tub bath``: a name that starts with a capital, inside a sentence (``PT`` stays)."""
    if len(name) > 1 and name[1].isupper():
        return name
    return name[:1].lower() + name[1:]


def sentences(items: Sequence[str]) -> str:
    """Items on one line as sentences, each ending in a full stop: ``A. B; c.``.

    ``Move your legs; keep your head raised`` in a list split by semicolons would read as
    two items, and ``allowed again.; Stairs`` is no sentence.
    """
    ends = (".", "!", "?", ":")
    return " ".join(item if item.rstrip().endswith(ends) else f"{item}." for item in items)


class Words:
    """The phrases and dates of one language."""

    def __init__(self, lang: str = ENGLISH) -> None:
        self.lang = lang
        translations = translator(lang)
        self._: Callable[[str], str] = translations.gettext
        self.ngettext: Callable[[str, str, int], str] = translations.ngettext
        self.dates: Dates = dates(lang)
        # The pound as the rules' texts of this language write it ("libras" in Spanish).
        self.pound = self._(POUND)

    def tr(self, message: str) -> str:
        """A phrase of the catalog (marked with ``N_`` where it is written)."""
        return self._(message)

    def label(self, key: str, text: str) -> str:
        """``Why: TEXT``: a label of ``LABELS`` and what follows it (no label: ``key`` empty)."""
        return f"{self._(LABELS[key])} {text}" if key else text

    def day_and_date(self, plan: Plan, day: int) -> str:
        """``Sat, Apr 12, 2025 (day 42)``."""
        return self._("{date} (day {day})").format(date=self.dates.long(plan.date_of(day)), day=day)

    def date_near(self, plan: Plan, day: int, near: int) -> str:
        """A date without its year when it falls in the same year as day ``near``, else with it."""
        when = plan.date_of(day)
        if when.year == plan.date_of(near).year:
            return self.dates.short(when)
        return self.dates.long(when)

    def protocol_line(self, protocol: Protocol) -> str:
        """``Protocol: NAME, version V, last reviewed DATE``."""
        info = protocol.info
        return self._("Protocol: {name}, version {version}, last reviewed {date}").format(
            name=info.name.get(self.lang),
            version=info.version,
            date=self.dates.long(info.last_reviewed),
        )

    def notices(self, protocol: Protocol) -> list[str]:
        """The notice that the plan does not replace advice, then the translation note.

        The protocol's note that its translation must still be reviewed is shown in a
        language other than English only.
        """
        info = protocol.info
        found = [info.notice.get(self.lang)]
        if self.lang != ENGLISH and info.translation_note is not None:
            found.append(info.translation_note.get(self.lang))
        return found

    def tier_heading(self, protocol: Protocol, tier: Tier) -> str:
        """The heading of a tier of warning signs."""
        return self._(TIER_HEADINGS[tier]).format(number=protocol.info.emergency_number)

    def avoid_group(self, head: str, members: Sequence[str]) -> str:
        """``Bending and twisting, and so also: tub bath; housework``: a limit, what involves it."""
        if not members:
            return head
        return self._("{name}, and so also: {activities}").format(
            name=head, activities="; ".join(in_sentence(m) for m in members)
        )

    def avoid_label(self, window: Window) -> str:
        """``Lifting over 10 lb (4.5 kg)``, or the activity's name when it is not allowed at all."""
        name = window.activity.name.get(self.lang)
        if window.limit.max is None:
            return name
        return self._("{name} over {limit}").format(
            name=name, limit=window.limit.max.describe(limit=True, pound=self.pound)
        )

    def restriction_title(self, window: Window) -> str:
        """``No lifting over 10 lb (4.5 kg)``; a limit with no end date says until when.

        A limit that allows the activity with care says so: ``Walking: with care``.
        """
        name = window.activity.name.get(self.lang)
        if window.with_care:
            return self._(WITH_CARE_TITLE).format(name=name)
        if window.end_day is None and window.limit.max is None:
            return self._(ASK_TITLE).format(name=name)
        text = self.avoid_label(window)
        title = self._(RESTRICTION_NO).format(label=f"{text[:1].lower()}{text[1:]}")
        return title if window.end_day is not None else f"{title} {self._(UNTIL_CLEARED)}"

    def days_span(self, plan: Plan, first: int, last: int) -> str:
        """``Day 0 to 41 (Sat, Mar 1, 2025 to Fri, Apr 11, 2025)``, or ``Day 0 (Sat, ...)``."""
        if first == last:
            return self._("Day {day} ({date})").format(
                day=first, date=self.dates.long(plan.date_of(first))
            )
        return self._("Day {first} to {last} ({first_date} to {last_date})").format(
            first=first,
            last=last,
            first_date=self.dates.long(plan.date_of(first)),
            last_date=self.dates.long(plan.date_of(last)),
        )

    def limit_span(self, plan: Plan, window: Window) -> str:
        """``Day 0 to 41 (Sat, Mar 1, 2025 to Fri, Apr 11, 2025)``, or open-ended."""
        start, last = window.start_day, window.last_day
        if last is None:
            return self._("From day {day} ({date}) {until}").format(
                day=start, date=self.dates.long(plan.date_of(start)), until=self._(UNTIL_CLEARED)
            )
        return self.days_span(plan, start, last)

    def changes_on(self, plan: Plan, day: int, text: str) -> str:
        """``From Sat, Apr 12, 2025 (day 42): TEXT``: what the next limit says, from its day."""
        return self._(FROM_DAY_TEXT).format(date=self.day_and_date(plan, day), text=text)

    def allowed_again(self, activity: Activity) -> str:
        """``Driving: allowed again``."""
        return self._("{name}: allowed again").format(name=activity.name.get(self.lang))

    def milestone_text(self, plan: Plan, milestone: Milestone) -> str:
        """What happens at a milestone, in a short sentence."""
        lang = self.lang
        if isinstance(milestone, FollowUpVisit):
            return self.visit_text(plan)
        if isinstance(milestone, RuleEvent):
            text = milestone.text.get(lang)
            if milestone.by_day is not None:
                by = self._("Due by {date}.").format(
                    date=self.dates.long(plan.date_of(milestone.by_day))
                )
                text += f" {by}"
            return text
        name = milestone.activity.name.get(lang)
        if isinstance(milestone, AllowedAgain):
            activity = milestone.activity
            cautions = [c.text.get(lang) for c in activity.cautions]  # they hold every day
            then = [] if activity.then is None else [activity.then.text.get(lang)]
            ended = (
                self._(NO_LIMIT_FROM_TODAY).format(name=name)
                if milestone.ending.with_care
                else f"{self.allowed_again(activity)}."
            )
            return " ".join([ended, *then, *cautions])
        if milestone.following.with_care:
            return " ".join(
                [
                    self._(WITH_CARE_FROM_TODAY).format(name=name),
                    milestone.following.limit.text.get(lang),
                ]
            )
        limit = milestone.following.limit.max
        if limit is None:
            return self._("{name}: not allowed from today").format(name=name)
        return self._("{name}: limit changes to {limit}").format(
            name=name, limit=limit.describe(limit=True, pound=self.pound)
        )

    def allowed_from_day_text(self, plan: Plan, day: int | None) -> str:
        """``Sat, Apr 12, 2025 (day 42)``, or only when the care team says so (``day`` None)."""
        if day is None:
            return self._("Only when your care team says it is OK")
        return self.day_and_date(plan, day)

    def visit_when(self, plan: Plan, *, year: bool = True) -> str:
        """``Mon, Mar 10, 2025 at 2:30 PM, Spine Clinic``: the booked visit's date, time, place."""
        visit = plan.follow_up
        assert visit is not None
        when = self.dates.long(visit.date) if year else self.dates.short(visit.date)
        if visit.time is not None:
            when = self._(VISIT_AT).format(date=when, time=self.dates.time(visit.time))
        if visit.place:
            when = self._(VISIT_PLACE).format(when=when, place=visit.place)
        return when

    def visit_text(self, plan: Plan) -> str:
        """The follow-up visit in a sentence: booked, or due within the protocol's span."""
        if plan.follow_up is not None:
            when = self.visit_when(plan)
            sentence = self._(VISIT_BOOKED).format(when=when)
            if when.endswith(".") and sentence.endswith(f"{when}."):
                return sentence[:-1]  # the time's own period ends it: "2:30 p. m.", not "p. m.."
            return sentence
        due = next(
            (m for m in plan.milestones if isinstance(m, RuleEvent) and m.rule.follow_up), None
        )
        if due is None:
            return ""
        return self._(VISIT_DUE).format(
            first=self.date_near(plan, due.day, 0), last=self.date_near(plan, due.last_day, 0)
        )

    def limit_sentence(
        self,
        plan: Plan,
        window: Window,
        *,
        last: bool = True,
        marks: Mapping[int, str] | None = None,
    ) -> str:
        """A limit as the rules write it, then each date it changes, in the rules' words.

        ``Rest today. Get up only when you need to, with someone to help you. Allowed again
        from Sun, Mar 2.``: the text carries the limit's conditions and figures; a limit that
        follows is said by its own text from the day it starts. Without ``last``, the day
        it is allowed again (or that only the care team says when) is left to the caller.
        A day with a letter in ``marks`` (the handout's calendar) is followed by it:
        ``From Sat, Mar 22 (C): ...``. A caution of the activity follows the first text.
        """
        lang = self.lang
        # A caution holds all along: it follows the first text, before the dates that follow.
        parts = [window.limit.text.get(lang), *(c.text.get(lang) for c in window.activity.cautions)]
        current = window
        while current.end_day is not None:
            when = self.date_near(plan, current.end_day, 0)
            when = _with_mark(when, (marks or {}).get(current.end_day))
            following = plan.following(current)
            if following is None:
                if last:
                    ended = NO_LIMIT_FROM if current.with_care else ALLOWED_AGAIN_FROM
                    parts.append(self._(ended).format(date=when))
                then = window.activity.then
                if then is not None and last:
                    parts.append(then.text.get(lang))
                elif then is not None:  # the caller says the day: the advice says it too
                    parts.append(self._(FROM_DAY_TEXT).format(date=when, text=then.text.get(lang)))
                break
            # Said "with care" where it starts to be; a limit with care after one is just "From".
            careful = following.with_care and not current.with_care
            template = WITH_CARE_FROM if careful else FROM_DAY_TEXT
            parts.append(self._(template).format(date=when, text=following.limit.text.get(lang)))
            current = following
        if current.end_day is None and last:
            parts.append(self._(HOLDS_UNTIL_CLEARED if current.with_care else ONLY_WHEN_CLEARED))
        return " ".join(parts)

    def order_texts(self, plan: Plan, marks: Mapping[int, str] | None = None) -> tuple[str, ...]:
        """What the care team ordered for this patient: changed limits, dated items, then notes.

        A changed limit in force on the discharge day is said with its figure and the dates it
        changes, as page 1's box says the protocol's; one that starts later, by its own text.
        A date with a letter in ``marks`` (the handout's calendar) is followed by it.
        """
        found = [
            f"{w.activity.name.get(self.lang)}: {self.limit_sentence(plan, w, marks=marks)}"
            if w.covers(0)
            else w.limit.text.get(self.lang)
            for w in plan.windows
            if w.limit.ordered and (w.covers(0) or (w.start_day > 0 and not _chained(plan, w)))
        ]
        found += [
            self._(ORDER_DATED).format(
                date=_with_mark(
                    capitalized(self.date_near(plan, m.day, 0)), (marks or {}).get(m.day)
                ),
                text=self.milestone_text(plan, m),
            )
            for m in plan.milestones
            if ordered_event(m)
        ]
        found += [note.get(self.lang) for note in plan.notes]
        return tuple(found)

    def stamp_line(self, stamp: Stamp, protocol: Protocol, *, handout: bool = False) -> str:
        """What made the output, in one line: date, vplan, protocol, digests (8 hex), language.

        The ``handout``'s leaves out the protocol, which its footer names just above, and
        writes its date as the patient reads dates (the others: YYYY-MM-DD, as a record does).
        """
        if handout:
            template = HANDOUT_STAMP if stamp.orders_short is None else HANDOUT_STAMP_WITH_ORDERS
            made_on = self.dates.long(stamp.made_on)
        else:
            template = STAMP if stamp.orders_short is None else STAMP_WITH_ORDERS
            made_on = stamp.made_on.isoformat()
        return self._(template).format(
            date=made_on,
            vplan=stamp.vplan,
            protocol=protocol.info.name.get(self.lang),
            version=stamp.protocol_version,
            rules=stamp.rules_short,
            orders=stamp.orders_short,
            language=self._(NAMES[stamp.lang]),
        )


def _with_mark(when: str, mark: str | None) -> str:
    """``Sat, Mar 22 (C)``: a date with its letter on the handout's calendar, never apart."""
    return f"{when}\u00a0({mark})" if mark else when


def ordered_event(milestone: Milestone) -> bool:
    """Whether ``milestone`` is a dated item of the care team's orders."""
    return (
        isinstance(milestone, RuleEvent | FollowUpVisit)
        and milestone.rule is not None
        and milestone.rule.ordered
    )


def _chained(plan: Plan, window: Window) -> bool:
    """Whether an earlier limit of the same activity, in force on day 0, leads to this one."""
    return any(
        w.covers(0) and w.end_day is not None and w.end_day <= window.start_day
        for w in plan.windows_of(window.activity)
    )
