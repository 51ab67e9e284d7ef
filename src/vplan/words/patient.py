"""The patient's words: the handout and the phone calendar, in one language.

What the terminal says to the nurse is in ``nurse.py``; what both say, in ``common.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vplan.dates import capitalized
from vplan.i18n import N_
from vplan.model import Tier
from vplan.plan import AllowedAgain, FollowUpVisit, LimitChange, RuleEvent
from vplan.words.common import (
    CALL_US,
    NO_LIMIT_FROM_TODAY,
    UNTIL_CLEARED,
    WITH_CARE_FROM_TODAY,
    Words,
)

if TYPE_CHECKING:
    from datetime import date

    from vplan.model import Protocol
    from vplan.plan import Milestone, Plan

# The handout: headings and phrases around the protocol's texts.
HANDOUT_TITLE = N_("Your recovery after {procedure}")
HANDOUT_FIELDS = {
    "patient": N_("Patient"),
    "procedure": N_("Procedure"),
    "date": N_("Procedure date"),
    "clinic": N_("Clinic"),
    "doctor": N_("Doctor"),
    "phone": N_("Phone"),
    "levels": N_("Levels treated"),
}
HANDOUT_HEADINGS = {
    "signs": N_("Warning signs"),
    "care": N_("At home, day by day"),
    "key_dates": N_("Also marked on the calendar"),
    "months": N_("Your recovery calendar"),
    "instead": N_("What you can do"),
}
CALL_US_AT = N_("Call us at {phone} today if:")
MARKS_NOTE = N_(
    "Each letter on the calendar marks a day. The same letter is shown beside what changes "
    "that day."
)
CLEARED_ONLY = N_("{name}: only when your care team says it is OK.")
CLEARED_LIST = N_("Only when your care team says it is OK: {names}.")
PAGE_OF = N_("Page {page} of {pages}")
ALLOWED_AGAIN_LIST = N_("Allowed again from today: {names}.")
NO_LIMIT_LIST = N_("No limit from today: {names}.")
# The heads of page 1's limits, grouped by the day they end.
ALLOWED_AGAIN_HEAD = N_("Allowed again from {date}:")
# TRANSLATORS: over the activities allowed now only as their rules say, until a date.
NO_LIMIT_HEAD = N_("With care now. No limit from {date}:")
CLEARED_HEAD = N_("Only when your care team says it is OK:")
# TRANSLATORS: over the activities allowed now only as their rules say, with no end date.
CAREFUL_CLEARED_HEAD = N_("With care now, until your care team says otherwise:")
# Over care items: the days they apply, both included.
DAY_SPAN = N_("{start} to {end}:")
ON_DAY = N_("On {date}:")
FROM_DAY = N_("From {date} on:")
# The phone calendar: a care item that starts on the event's day, and its last day.
CARE_THROUGH = N_("Through {date}: {text}")

# The handout's first box: the limits in force on the discharge day, the visit, whom to call.
LIMITS_BOX = N_("What not to do yet, and from when it is allowed")
# TRANSLATORS: a box's heading repeated at the top of the next page.
CONTINUED = N_("{heading} (continued)")
# TRANSLATORS: after a day's letter, "(E) continued:", over the day's items that go on
# in the right column, beside the day's heading in the left column.
GOES_ON = N_("continued:")
VISIT_TITLE = N_("Your follow-up visit")
VISIT_SHORT = N_("Your follow-up visit at {time}.")
AFTER_HOURS = N_("After hours, call {phone}.")


class PatientWords(Words):
    """What the patient takes home, in one language: the handout, the phone calendar."""

    def handout_title(self, protocol: Protocol) -> str:
        """``Your recovery after vertebroplasty``."""
        return self._(HANDOUT_TITLE).format(procedure=protocol.info.procedure.get(self.lang))

    def handout_tier_heading(self, protocol: Protocol, tier: Tier, phone: str | None) -> str:
        """A tier heading on the handout: with the clinic's phone number when there is one."""
        if tier is Tier.CALL_TODAY and phone:
            return self._(CALL_US_AT).format(phone=phone)
        return self.tier_heading(protocol, tier)

    def footer_text(self, protocol: Protocol) -> str:
        """The protocol's name, version and review date, and that it does not replace advice."""
        info = protocol.info
        about = self._("{name}, version {version}, last reviewed {date}.").format(
            name=info.name.get(self.lang),
            version=info.version,
            date=self.dates.long(info.last_reviewed),
        )
        return " ".join([about, *self.notices(protocol)])

    def phone_lines(self, phone: str, after_hours: str | None) -> tuple[str, ...]:
        """``Questions? Call us at 555-0100.``, then the after-hours number when there is one."""
        lines = [self._(CALL_US).format(phone=phone)]
        if after_hours:
            lines.append(self._(AFTER_HOURS).format(phone=after_hours))
        return tuple(lines)

    def key_date_text(self, plan: Plan, milestone: Milestone) -> str:
        """What changes on a key date; a new limit is said with the date it lasts until."""
        if isinstance(milestone, FollowUpVisit):
            return self.visit_short(plan)
        if not isinstance(milestone, LimitChange):
            return self.milestone_text(plan, milestone)
        name = milestone.activity.name.get(self.lang)
        following = milestone.following
        if following.with_care:
            return self.milestone_text(plan, milestone)
        if following.limit.max is None:
            return self._("{name}: not allowed from today. {text}").format(
                name=name, text=following.limit.text.get(self.lang)
            )
        until = (
            self._(UNTIL_CLEARED)
            if following.last_day is None
            else self._("until {date}").format(
                date=self.date_near(plan, following.last_day, milestone.day)
            )
        )
        return self._("{name}: up to {limit} from today {until}.").format(
            name=name, limit=following.limit.max.describe(limit=True, pound=self.pound), until=until
        )

    def visit_short(self, plan: Plan) -> str:
        """The booked visit for a row of its own day: the time and place, not the date."""
        visit = plan.follow_up
        assert visit is not None
        if visit.time is None:
            text = self._(VISIT_TITLE) + "."
        else:
            text = self._(VISIT_SHORT).format(time=self.dates.time(visit.time))
        if visit.place:
            text = f"{text[:-1]} ({visit.place})."
        return text

    def day_event_text(self, plan: Plan, milestone: AllowedAgain | LimitChange) -> str:
        """An activity allowed again, or its limit changing, in a few words."""
        name = milestone.activity.name.get(self.lang)
        if isinstance(milestone, AllowedAgain):
            if milestone.ending.with_care:
                return self._(NO_LIMIT_FROM_TODAY).format(name=name)
            return self.allowed_again(milestone.activity) + "."
        if milestone.following.with_care:
            return self._(WITH_CARE_FROM_TODAY).format(name=name)
        limit = milestone.following.limit.max
        if limit is None:
            return self._("{name}: not allowed from today").format(name=name) + "."
        return self._("{name}: up to {limit} from today.").format(
            name=name, limit=limit.describe(limit=True, pound=self.pound)
        )

    def date_span(self, first: date, last: date) -> str:
        """``Tue, Mar 4 to Fri, Mar 7``, each with its weekday."""
        return " ".join(self.date_span_lines(first, last))

    def date_span_lines(self, first: date, last: date) -> tuple[str, str]:
        """``date_span`` on two lines: ``Tue, Mar 4 to`` and ``Fri, Mar 7``."""
        written = self.dates.short
        # TRANSLATORS: two dates without the year, both days included: "Tue, Mar 4 to Fri, Mar 7".
        # Printed on two lines: where the translation has a line break ("\n"), else before {last}.
        # The first letter is made a capital.
        template = self._("{first} to {last}")
        head, tail = template.split("\n", 1) if "\n" in template else _before_last(template)
        return (
            capitalized(head.format(first=written(first)).rstrip()),
            tail.format(last=written(last)).lstrip(),
        )

    # --- the phone calendar --------------------------------------------------------------------

    def calendar_name(self, protocol: Protocol, patient: str | None) -> str:
        """``Recovery after vertebroplasty``, then the patient's name when one was given."""
        name = self._("Recovery after {procedure}").format(
            procedure=protocol.info.procedure.get(self.lang)
        )
        return name if patient is None else f"{name}: {patient}"

    def milestone_title(self, plan: Plan, milestone: Milestone) -> str:
        """A milestone in a few words, for a calendar entry: the event without its dates."""
        if isinstance(milestone, FollowUpVisit):
            return self._(VISIT_TITLE)
        if isinstance(milestone, RuleEvent):
            return milestone.text.get(self.lang)
        return self.day_event_text(plan, milestone).rstrip(".")


def _before_last(template: str) -> tuple[str, str]:
    head, _, tail = template.partition("{last}")
    return head, "{last}" + tail
