"""The one exception hierarchy of vplan, with the exit code each kind ends with."""

from __future__ import annotations

from typing import NamedTuple

EXIT_OK = 0
EXIT_NOT_ALLOWED = 1  # check: not allowed on that day
EXIT_WARNINGS = 1  # rules lint: the file is valid, with warnings
EXIT_CHANGED = 1  # rules diff: the protocols differ for patients
EXIT_BAD_INPUT = 2
EXIT_BAD_RULES = 3
EXIT_OUTPUT = 4
EXIT_SOME_REFUSED = 5  # handout --batch: some rows were refused, the others written
EXIT_NOT_RECORDED = 6  # record verify: the file is not in the journal (changed, or never recorded)
EXIT_BROKEN_JOURNAL = 7  # record check/verify: a line of the journal was changed or removed


class VplanError(Exception):
    """Base of every error vplan reports to the user; the message is one line."""

    exit_code = EXIT_BAD_INPUT


class InputError(VplanError):
    """Something typed on the command line is wrong: a date, an amount, an activity."""

    exit_code = EXIT_BAD_INPUT


class UntranslatedError(VplanError):
    """A text is asked for in a language it has no version in; vplan never falls back."""

    exit_code = EXIT_BAD_RULES


class UnprintableError(VplanError):
    """A text of the rules file has a character the handout's font cannot print."""

    exit_code = EXIT_BAD_RULES


class OutputError(VplanError):
    """The output file cannot be written, or exists and ``--force`` was not given."""

    exit_code = EXIT_OUTPUT


class BrokenJournalError(VplanError):
    """A line of the journal was changed, removed or cut short: its chain of digests breaks."""

    exit_code = EXIT_BROKEN_JOURNAL


class Problem(NamedTuple):
    """One mistake in a rules file, with where it is and what to write instead."""

    path: str
    line: int
    column: int
    what: str
    fix: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.what}; {self.fix}"


class RulesError(VplanError):
    """A rules file is refused whole; every problem found is listed."""

    exit_code = EXIT_BAD_RULES

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.line, p.column))
        n = len(self.problems)
        super().__init__(f"the rules file has {n} problem{'s' if n != 1 else ''}")

    def lines(self) -> list[str]:
        """Each problem as ``file:line:column: what; fix``."""
        return [str(p) for p in self.problems]

    def summary(self) -> str:
        """The last line: how many problems, and what to do next."""
        return f"{self}; nothing was used. Fix the lines above and run 'vplan rules validate'"


class MissingTranslationsError(RulesError):
    """Texts of a valid rules file have no version in the language asked for; each is listed."""

    def __init__(self, problems: list[Problem], language: str) -> None:
        super().__init__(problems)
        n = len(self.problems)
        self.args = (
            f"{n} text{'s' if n != 1 else ''} of the rules {'have' if n != 1 else 'has'} "
            f"no {language} version",
        )

    def summary(self) -> str:
        """The last line: nothing was written, and how to go on."""
        return (
            f"{self}; nothing was written. Add the missing texts (check with "
            "'vplan rules lint'), or use --lang en"
        )


class OrdersError(RulesError):
    """A care team's orders file is refused whole; every problem found is listed."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems)
        n = len(self.problems)
        self.args = (f"the orders file has {n} problem{'s' if n != 1 else ''}",)

    def summary(self) -> str:
        """The last line: nothing was used, nothing written."""
        return f"{self}; nothing was used or written. Fix the lines above and run again"


class CacheNotUsed(UserWarning):
    """The rules cache was not used (its folder or an entry is not private); said once on stderr."""


class JournalNote(UserWarning):
    """Something about the journal worth a word that stops nothing: a stopped write's line."""
