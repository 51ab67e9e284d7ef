"""The teach-back's words: the questions a nurse asks and the answers the plan expects.

The answers carry the rules' own sentences (``Words.limit_sentence``) after the verdict's
headline, so a question never states a rule plainer than the rules do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vplan.i18n import N_
from vplan.words.common import Words, sentences
from vplan.words.nurse import HEADLINES

if TYPE_CHECKING:
    from vplan.plan import Status

# The questions, in plain words (one per topic of ``teachback.Topic``).
QUESTIONS = {
    "lifting": N_("What is the heaviest thing you may lift now? From what day may you lift more?"),
    # TRANSLATORS: {number} is the emergency number from the rules, such as 911.
    "emergency": N_("Tell me one sign that means you must call {number} right away."),
    "call_today": N_(
        "Tell me one sign that means you should call us today. What number do you call?"
    ),
    "shower": N_("When may you take a shower?"),
    "follow_up": N_("When is your follow-up visit?"),
    "driving": N_("When may you drive again?"),
}
# TRANSLATORS: the answer to the question of a 911 sign; {signs} are the rules' sentences.
EMERGENCY_ANSWER = N_("Any one of these, then call {number} right away: {signs}")
# TRANSLATORS: the answer to the question of a sign to call today; {phone} is a phone number.
CALL_TODAY_ANSWER = N_("Any one of these, then call {phone} today: {signs}")
# TRANSLATORS: a verdict (such as NOT YET) and the rule's own sentences after it.
VERDICT_ANSWER = N_("{verdict}: {text}")
TEACH_TITLE = N_("Teach-back: recovery after {procedure}")
# TRANSLATORS: the day the questions are asked about, such as "Sat, Mar 1, 2025 (day 0)".
TEACH_DAY = N_("Answers as of {date}")
TEACH_HOW = N_(
    "Ask each question. The patient answers in their own words. If an answer is wrong or "
    "missing, teach it again, then ask again."
)
EXPECTED = N_("Expected answer:")
# The heads of the nurse's printed page: a column of questions, two columns of boxes to tick.
PAGE_HEADS = {
    "question": N_("Question, and the answer expected"),
    "answered": N_("Answered"),
    "retaught": N_("Taught again"),
}


class TeachWords(Words):
    """The teach-back's phrases in one language."""

    def question(self, topic: str, number: str) -> str:
        """The question of a topic, in plain words."""
        return self._(QUESTIONS[topic]).format(number=number)

    def verdict_answer(self, status: Status, text: str) -> str:
        """``NOT YET: Do not shower for the first 2 days. ...``: a verdict and the rule."""
        if not text:
            return self._(HEADLINES[status])
        return self._(VERDICT_ANSWER).format(verdict=self._(HEADLINES[status]), text=text)

    def signs_answer(self, signs: list[str], *, number: str | None = None, phone: str = "") -> str:
        """Any one of the tier's signs, then whom to call: ``number`` for 911, else ``phone``."""
        listed = sentences(signs)
        if number is not None:
            return self._(EMERGENCY_ANSWER).format(number=number, signs=listed)
        return self._(CALL_TODAY_ANSWER).format(phone=phone, signs=listed)

    def title(self, procedure: str) -> str:
        """``Teach-back: recovery after vertebroplasty``."""
        return self._(TEACH_TITLE).format(procedure=procedure)

    def day_line(self, when: str) -> str:
        """``Answers as of Sat, Mar 1, 2025 (day 0)``."""
        return self._(TEACH_DAY).format(date=when)

    def how(self) -> str:
        """What the nurse does with the questions."""
        return self._(TEACH_HOW)

    def page_head(self, key: str) -> str:
        """A column head of the nurse's printed page."""
        return self._(PAGE_HEADS[key])

    def expected(self) -> str:
        """``Expected answer:``."""
        return self._(EXPECTED)
