"""The nurse's words: the schedule, ``check``'s answer and the rules, as the terminal shows them.

The same phrases make the schedule in Markdown and JSON. What a patient takes home (the
handout, the phone calendar) is in ``patient.py``; what both say, in ``common.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vplan.i18n import ENGLISH, N_
from vplan.plan import Status
from vplan.words.common import HOLDS_UNTIL_CLEARED, UNTIL_CLEARED, Words

if TYPE_CHECKING:
    from vplan.model import Activity, Limit, Protocol
    from vplan.plan import Plan, Verdict, Window
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
    "limits": N_("Limits"),  # with care, to avoid, to ask about first
}

# check's answer, in capitals on the terminal.
HEADLINES = {
    Status.ALLOWED: N_("ALLOWED"),
    Status.WITH_CARE: N_("ALLOWED WITH CARE"),
    Status.NOT_YET: N_("NOT YET"),
    Status.ASK: N_("ASK YOUR CARE TEAM"),
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

    def verdict_headline(self, status: Status) -> str:
        """``ALLOWED``, ``ALLOWED WITH CARE``, ``NOT YET`` or ``ASK YOUR CARE TEAM``."""
        return self._(HEADLINES[status])

    def verdict_title(self, plan: Plan, verdict: Verdict) -> str:
        """``Lifting 15 lb (6.8 kg) on Tue, Mar 11, 2025 (day 10): NOT YET``."""
        what = verdict.activity.name.get(self.lang)
        if verdict.amount is not None:
            # TRANSLATORS: an activity and the weight asked about: "Lifting 15 lb (6.8 kg)".
            amount = _compared(verdict, self.pound)[0]
            what = self._("{name} {amount}").format(name=what, amount=amount)
        return self._("{what} on {when}: {status}").format(
            what=what,
            when=self.day_and_date(plan, verdict.day),
            status=self.verdict_headline(verdict.status),
        )

    def verdict_reason(self, plan: Plan, verdict: Verdict) -> str:
        """Why the answer is what it is, in plain words: the rule's own sentence, kept whole."""
        name = verdict.activity.name.get(self.lang)
        window = verdict.window
        parts: list[str] = []
        if window is not None:
            limit = window.limit
            if (
                limit.max is not None
                and verdict.amount is not None
                and not window.blocks(verdict.amount)
            ):
                amount, most = _compared(verdict, self.pound)
                # TRANSLATORS: "15 lb (6.8 kg) is within the limit of 20 lb (9 kg) that holds
                # from Sat, Apr 12, 2025 (day 42); that limit ends Sun, Jun 1, 2025 (day 92)."
                parts.append(
                    self._(
                        "{amount} is within the limit of {limit} that holds from {start}; {end}"
                    ).format(
                        amount=amount,
                        limit=most,
                        start=self.day_and_date(plan, window.start_day),
                        end=self._limit_end(plan, window),
                    )
                )
            else:
                parts.append(limit.text.get(self.lang))
                if limit.max is not None and verdict.amount is None:
                    parts.append(
                        self._(
                            "Give a weight to check, for example: vplan check {activity} 5lb"
                        ).format(activity=verdict.activity.key.replace("_", " "))
                    )
        elif verdict.activity.limits:
            ends = [w.end_day for w in plan.windows_of(verdict.activity)]
            last = max(end for end in ends if end is not None)
            parts.append(
                self._("The limits on {name} ended on {date}.").format(
                    name=f"{name[:1].lower()}{name[1:]}", date=self.day_and_date(plan, last)
                )
            )
            if verdict.lasting is not None:
                parts.append(verdict.lasting.text.get(self.lang))
        else:
            parts.append(self._("{name}: no limit in this plan.").format(name=name))
        parts += [self.involves_reason(plan, verdict, v) for v in verdict.involved]
        return " ".join(parts)

    def _limit_end(self, plan: Plan, window: Window) -> str:
        if window.end_day is None:
            return self._("that limit holds until your care team says it is OK.")
        return self._("that limit ends {date}.").format(
            date=self.day_and_date(plan, window.end_day)
        )

    def involves_reason(self, plan: Plan, verdict: Verdict, other: Verdict) -> str:
        """One short sentence: the activity also means another, which holds it back.

        ``A tub bath also means bending and twisting: not until Sat, Apr 12, 2025 (day 42).``
        """
        name = other.activity.name.get(self.lang)
        values = {
            "name": verdict.activity.name.get(self.lang),
            "other": f"{name[:1].lower()}{name[1:]}",
        }
        if other.status is Status.ASK:
            # TRANSLATORS: {name} and {other} are activities' names from the rules, {other} in
            # lower case: "Stairs also means walking: only when your care team says it is OK."
            return self._(
                "{name} also means {other}: only when your care team says it is OK."
            ).format(**values)
        if other.status is Status.NOT_YET and other.allowed_from_day is not None:
            return self._("{name} also means {other}: not until {date}.").format(
                date=self.day_and_date(plan, other.allowed_from_day), **values
            )
        condition = (
            other.window.limit.text.get(self.lang)
            if other.window is not None
            else ("" if other.lasting is None else other.lasting.text.get(self.lang))
        )
        # TRANSLATORS: "Stairs also means walking, with care: Walk only with someone to help
        # you." The rule's own sentence follows the colon.
        return self._("{name} also means {other}, with care: {condition}").format(
            condition=condition, **values
        )

    def verdict_when(self, plan: Plan, verdict: Verdict) -> tuple[str, str]:
        """The label and text of the answer's dates: from when, or when the condition ends."""
        status, free = verdict.status, verdict.free_from_day
        window = verdict.window
        careful = window is not None and (
            window.status(verdict.amount) is Status.WITH_CARE
            or any(v.status is Status.WITH_CARE for v in verdict.involved)
        )  # else only a caution makes the yes one with care: its dates are a yes's
        if status is Status.WITH_CARE and careful:
            if free is None:  # a sentence of its own: "No limit from" takes a date
                return "", self._(HOLDS_UNTIL_CLEARED)
            return "no_limit_from", self.day_and_date(plan, free)
        ended = [
            w.end_day
            for w in plan.windows_of(verdict.activity)
            if w.end_day is not None and w.end_day <= verdict.day
        ]
        if not status.forbids and verdict.window is None and ended:
            # Its limits have ended: from when it has had none, not when it was first allowed.
            return "no_limit_from", self.day_and_date(plan, max(ended))
        text = self.allowed_from_day_text(plan, verdict.allowed_from_day)
        if status.forbids and free is not None and free != verdict.allowed_from_day:
            text = self._("{date}, with care; with no limit from {free}").format(
                date=text, free=self.day_and_date(plan, free)
            )
        return "allowed_from", text

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

    def rule_span(self, limit: Limit, *, with_care: bool = False) -> str:
        """When a limit applies, in post-operative days; ``with care`` when it allows so."""
        start = (
            self._("the procedure day (day 0)")
            if limit.start.amount == 0
            else self.point_in_time(limit.start)
        )
        if limit.end is None:
            span = self._("From {start} {until}").format(start=start, until=self._(UNTIL_CLEARED))
        else:
            span = self._("From {start}, until {end}").format(
                start=start, end=self.point_in_time(limit.end)
            )
        # TRANSLATORS: a span of days during which an activity is allowed only as its rule
        # says: "From day 2, until day 42 (6 weeks), with care".
        return self._("{span}, with care").format(span=span) if with_care else span

    def rule_summary(self, activity: Activity) -> str:
        """When the activity is allowed, without a procedure date."""
        name = activity.name.get(self.lang)
        if not activity.limits:
            return self._("{name}: no limit in this plan.").format(name=name)
        final = activity.limits[-1]
        last = final.end
        if final.with_care:  # allowed all along, with care until then
            if last is None:
                return self._("{name}: with care until your care team says otherwise.").format(
                    name=name
                )
            return self._("{name}: no limit from {time}.").format(
                name=name, time=self.point_in_time(last)
            )
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


def _compared(verdict: Verdict, pound: str) -> tuple[str, str]:
    """The weight asked about and the limit in force, as the answer shows both."""
    assert verdict.amount is not None
    window = verdict.window
    if window is None or window.limit.max is None:
        return verdict.amount.describe(pound=pound), ""
    return verdict.amount.describe_against(window.limit.max, pound)
