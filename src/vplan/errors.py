"""The one exception hierarchy of vplan, with the exit code each kind ends with."""

from __future__ import annotations

from dataclasses import dataclass

EXIT_OK = 0
EXIT_NOT_ALLOWED = 1  # check: not allowed on that day
EXIT_WARNINGS = 1  # rules lint: the file is valid, with warnings
EXIT_CHANGED = 1  # rules diff: the protocols differ for patients
EXIT_BAD_INPUT = 2
EXIT_BAD_RULES = 3
EXIT_OUTPUT = 4
EXIT_SOME_REFUSED = 5  # handout --batch: some rows were refused, the others written


class VplanError(Exception):
    """Base of every error vplan reports to the user; the message is one line."""

    exit_code = EXIT_BAD_INPUT


class InputError(VplanError):
    """Something typed on the command line is wrong: a date, an amount, an activity."""

    exit_code = EXIT_BAD_INPUT


class UnprintableError(VplanError):
    """A text of the rules file has a character the handout's font cannot print."""

    exit_code = EXIT_BAD_RULES


class OutputError(VplanError):
    """The output file cannot be written, or exists and ``--force`` was not given."""

    exit_code = EXIT_OUTPUT


@dataclass(frozen=True)
class Problem:
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
