"""The nurse's words: the schedule, ``check``'s answer and the rules, as the terminal shows them.

The same phrases make the schedule in Markdown and JSON. What a patient takes home (the
handout, the phone calendar) is in ``patient.py``; what both say, in ``common.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vplan.i18n import ENGLISH, N_
from vplan.words.common import UNTIL_CLEARED, Words

if TYPE_CHECKING:
    from vplan.model import Activity, Limit, Protocol
    from vplan.plan import Plan, Verdict
    from vplan.units import Duration

# Headings of the schedule (the terminal shows them in capitals) and of its table.
HEADINGS = {
    "restrictions": N_("Activities to avoid, and when they are allowed again"),
    "care": N_("What to do"),
    "signs": N_("Warning signs"),
    "activities": N_("Activities in the rules"),
}
COLUMNS = {
    "date": N_("Date"),
    "day": N_("Day"),
    "what": N_("What happens, what to do, what to avoid"),
    "happens": N_("What happens"),
    "do": N_("Do"),
    "avoid": N_("Avoid"),
}


class NurseWords(Words):
    """The terminal's phrases in one language: the schedule, ``check``, the rules."""

    def schedule_title(self, protocol: Protocol) -> str:
        """``Recovery plan after vertebroplasty``."""
        return self._("Recovery plan after {procedure}").format(
            procedure=protocol.info.procedure.get(self.lang)
        )

    def procedure_date_line(self, plan: Plan) -> str:
        """``Procedure date: Sat, Mar 1, 2025 (day 0)``."""
        return self._("Procedure date: {date}").format(date=self.day_and_date(plan, 0))

    def patient_line(self, name: str) -> str:
        """``Patient: Jane Doe``, shown under the title only when a name was given."""
        return self._("Patient: {name}").format(name=name)

    def days_heading(self, days: int, *, capitals: bool) -> str:
        """``Day by day (day 0 to 92)``; ``DAY BY DAY (day 0 to 92)`` on the terminal."""
        if capitals:
            return self._("DAY BY DAY (day 0 to {last})").format(last=days - 1)
        return self._("Day by day (day 0 to {last})").format(last=days - 1)

    def care_span(self, plan: Plan, first: int, last: int | None) -> str:
        """When a care item applies, ``last`` included: ``Day 0 to 1``.

        One day is said with its date, ``Day 0 (Sat, Mar 1, 2025)``; an item with no end
        (``last`` None) applies ``From day 6``.
        """
        if last is None:
            return self._("From day {day}").format(day=first)
        if last == first:
            return self._("Day {day} ({date})").format(
                day=first, date=self.dates.long(plan.date_of(first))
            )
        return self._("Day {first} to {last}").format(first=first, last=last)

    def no_limits_today(self) -> str:
        """A day of the calendar with nothing to do or avoid."""
        return self._("No limits from this plan today.")

    # --- check's answer ----------------------------------------------------------------------

    def verdict_title(self, plan: Plan, verdict: Verdict) -> str:
        """``Lifting 15 lb (6.8 kg) on Tue, Mar 11, 2025 (day 10): NOT ALLOWED``."""
        what = verdict.activity.name.get(self.lang)
        if verdict.amount is not None:
            # TRANSLATORS: an activity and the weight asked about: "Lifting 15 lb (6.8 kg)".
            what = self._("{name} {amount}").format(name=what, amount=_compared(verdict)[0])
        status = self._("ALLOWED") if verdict.allowed else self._("NOT ALLOWED")
        return self._("{what} on {when}: {status}").format(
            what=what, when=self.day_and_date(plan, verdict.day), status=status
        )

    def verdict_reason(self, plan: Plan, verdict: Verdict) -> str:
        """Why the activity is or is not allowed on the day, in plain words."""
        name = verdict.activity.name.get(self.lang)
        window = verdict.window
        if not verdict.allowed:
            if window is not None and window.limit.max is not None and verdict.amount is None:
                return self._(
                    "{name} is limited to {limit} on this day. Give a weight to check, "
                    "for example: vplan check {activity} 5lb"
                ).format(
                    name=name,
                    limit=window.limit.max.describe(limit=True),
                    activity=verdict.activity.key.replace("_", " "),
                )
            own = [] if window is None else [window.limit.text.get(self.lang)]
            because = [self.involves_reason(plan, verdict, v) for v in verdict.involved]
            return " ".join([*own, *because])
        if window is not None and window.limit.max is not None and verdict.amount is not None:
            amount, limit = _compared(verdict)
            return self._(
                "{amount} is within the limit of {limit} that applies on this day."
            ).format(amount=amount, limit=limit)
        if verdict.allowed_from_day:
            return self._("The limit on {name} is over: allowed again from {date}.").format(
                name=name.lower(), date=self.day_and_date(plan, verdict.allowed_from_day)
            )
        return self._("{name}: no limit in this plan.").format(name=name)

    def involves_reason(self, plan: Plan, verdict: Verdict, other: Verdict) -> str:
        """Why an activity waits for another it involves, and until when.

        ``Tub bath involves bending and twisting, allowed again from Sat, Apr 12, 2025 (day 42).``
        """
        name = other.activity.name.get(self.lang)
        values = {
            "name": verdict.activity.name.get(self.lang),
            "other": f"{name[:1].lower()}{name[1:]}",
        }
        if other.allowed_from_day is None:
            # TRANSLATORS: {name} and {other} are activities' names from the rules, {other} in
            # lower case: "Tub bath involves bending and twisting, allowed only when ...".
            return self._(
                "{name} involves {other}, allowed only when your care team says it is OK."
            ).format(**values)
        # TRANSLATORS: "Tub bath involves bending and twisting, allowed again from Sat, Apr 12".
        return self._("{name} involves {other}, allowed again from {date}.").format(
            date=self.day_and_date(plan, other.allowed_from_day), **values
        )

    # --- the rules, without a procedure date ---------------------------------------------------

    def duration_text(self, duration: Duration) -> str:
        """A duration of the rules, such as ``6 weeks``: in English as the rules write it."""
        if self.lang == ENGLISH:
            return str(duration)  # as the rules write it
        amount, unit = duration.written.split()
        n = int(amount)
        if unit.lower().startswith("hour"):
            return self.ngettext("{n} hour", "{n} hours", n).format(n=n)
        if duration.unit == "days":
            return self.ngettext("{n} day", "{n} days", n).format(n=n)
        if duration.unit == "weeks":
            return self.ngettext("{n} week", "{n} weeks", n).format(n=n)
        return self.ngettext("{n} month", "{n} months", n).format(n=n)

    def point_in_time(self, duration: Duration) -> str:
        """``day 42 (6 weeks)``, or ``3 months after the procedure`` for calendar months."""
        written = self.duration_text(duration)
        if duration.unit == "months":
            low, high = duration.day_bounds()
            return self._(
                "{duration} after the procedure (day {low} to {high}, by the calendar)"
            ).format(duration=written, low=low, high=high)
        day = duration.day_bounds()[0]
        if duration.unit == "days":
            # TRANSLATORS: a time after the procedure, written after "From" and "until"
            # ("From day 42, until ..."): add the article your language needs there.
            return self._("day {day}").format(day=day)
        # TRANSLATORS: as "day {day}", with the span the rules give: "day 42 (6 weeks)".
        return self._("day {day} ({duration})").format(day=day, duration=written)

    def rule_span(self, limit: Limit) -> str:
        """When a limit applies, in post-operative days."""
        start = (
            self._("the procedure day (day 0)")
            if limit.start.amount == 0
            else self.point_in_time(limit.start)
        )
        if limit.end is None:
            return self._("From {start} {until}").format(start=start, until=self._(UNTIL_CLEARED))
        return self._("From {start}, until {end}").format(
            start=start, end=self.point_in_time(limit.end)
        )

    def rule_summary(self, activity: Activity) -> str:
        """When the activity is allowed, without a procedure date."""
        name = activity.name.get(self.lang)
        if not activity.limits:
            return self._("{name}: no limit in this plan.").format(name=name)
        last = activity.limits[-1].end
        if last is None:
            return self._("{name}: only when your care team says it is OK.").format(name=name)
        return self._("{name}: allowed from {time}.").format(
            name=name, time=self.point_in_time(last)
        )

    def rule_title(self, activity: Activity) -> str:
        """``Lifting: the rule, counted from the procedure day (day 0)``."""
        return self._("{name}: the rule, counted from the procedure day (day 0)").format(
            name=activity.name.get(self.lang)
        )

    def give_a_date(self) -> str:
        """The hint under a rule stated without a procedure date."""
        return self._("Give the procedure date (-p YYYY-MM-DD) for an answer on a given day.")


def _compared(verdict: Verdict) -> tuple[str, str]:
    """The weight asked about and the limit in force, as the answer shows both."""
    assert verdict.amount is not None
    window = verdict.window
    if window is None or window.limit.max is None:
        return verdict.amount.describe(), ""
    return verdict.amount.describe_against(window.limit.max)
