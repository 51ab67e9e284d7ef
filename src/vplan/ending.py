"""How a run of vplan ends: every error as one line on stderr with its documented exit code.

``cli.main`` runs the command line's ``app`` through ``main`` here; ``Group`` is its
command group, which passes a closed stdout pipe on as a quiet success.
"""

# No ``from __future__ import annotations``, as in cli.py: typer's objects are used as is.
import os
import sys
from typing import TYPE_CHECKING, NoReturn

import typer

from vplan.errors import EXIT_BAD_INPUT, EXIT_OK, EXIT_OUTPUT, RulesError, VplanError

if TYPE_CHECKING:
    from typer._click import Context  # typer's own copy of click, which the group extends


class _PipeClosed(Exception):
    """The reader of stdout went away, such as ``head`` in ``vplan rules show | head -1``."""


class Group(typer.core.TyperGroup):
    """The command group, passing a closed pipe to ``main`` instead of to typer (which exits 1)."""

    def invoke(self, ctx: "Context") -> object:
        """Run the command; a closed stdout pipe becomes ``_PipeClosed``."""
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            raise _PipeClosed from None


def _fail(message: str, code: int) -> NoReturn:
    from vplan.chars import escaped

    try:
        sys.stdout.flush()
    except OSError:  # the reader went away: the error still goes to stderr
        _quiet_stdout()
    sys.stderr.write(f"vplan: error: {escaped(message)}\n")
    raise SystemExit(code)


def main(app: typer.Typer, argv: list[str] | None = None) -> NoReturn:
    """Run vplan; every error ends here as one line on stderr and its exit code.

    A closed pipe is a quiet success; SIGTERM stops a run as Ctrl-C does (exit 130).
    """
    import signal
    import warnings

    from vplan.errors import CacheNotUsed, JournalNote

    said: set[str] = set()

    def note(message: Warning | str, *args: object, **kwargs: object) -> None:
        from vplan.chars import escaped

        if str(message) not in said:
            said.add(str(message))
            sys.stderr.write(f"vplan: note: {escaped(str(message))}\n")

    def terminated(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    _standard_streams()
    _text_arguments(sys.argv[1:] if argv is None else argv)

    try:
        previous = signal.signal(signal.SIGTERM, terminated)
        # Ctrl-C from here on stops the run where it is, each command cleaning up after it.
        previous_int = signal.signal(signal.SIGINT, signal.default_int_handler)
    except ValueError:  # not the main thread: leave signals alone
        previous = previous_int = None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("always", CacheNotUsed)
            warnings.simplefilter("always", JournalNote)
            warnings.showwarning = note
            _run(app, argv)
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
        if previous_int is not None:
            signal.signal(signal.SIGINT, previous_int)


def _text_arguments(arguments: list[str]) -> None:
    """Stop at an argument with bytes the locale could not read as text (a name in LANG=C)."""
    for argument in arguments:
        if any("\udc80" <= ch <= "\udcff" for ch in argument):
            from vplan.chars import escaped

            shown = escaped(argument.encode("utf-8", "surrogateescape").decode("utf-8", "replace"))
            _fail(
                f"'{shown}' has bytes this terminal's language setting cannot read as text; "
                "use a UTF-8 setting, such as LANG=C.UTF-8, and type it again",
                EXIT_BAD_INPUT,
            )


def _standard_streams() -> None:
    """Hold closed standard streams with /dev/null; without stdout, stop with exit 4."""
    from vplan.output import STDOUT_CLOSED, hold_standard_streams

    if not hold_standard_streams():
        _fail(STDOUT_CLOSED, EXIT_OUTPUT)


def _unshowable(exc: UnicodeEncodeError) -> NoReturn:
    """Stop with one line when the output's encoding cannot show a character of the answer."""
    from vplan.output import unshowable

    _fail(unshowable(exc), EXIT_OUTPUT)


def _quiet_stdout() -> None:
    """Send what is left for stdout nowhere: its reader went away."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _run(app: typer.Typer, argv: list[str] | None) -> NoReturn:
    try:
        from vplan.group import command_group

        result = command_group(app)(args=argv, prog_name="vplan", standalone_mode=False)
        if result == 130:  # Ctrl-C while typer ran the command
            raise KeyboardInterrupt
        sys.stdout.flush()  # what is left to print: a closed pipe or a bad encoding ends below
    except RulesError as exc:
        from vplan.chars import escaped

        sys.stderr.write("".join(escaped(line) + "\n" for line in exc.lines()))
        _fail(exc.summary(), exc.exit_code)
    except VplanError as exc:
        _fail(str(exc), exc.exit_code)
    except typer.Exit as exc:
        raise SystemExit(exc.exit_code) from None
    except typer.Abort:
        _fail("stopped", 130)
    except typer.TyperException as exc:
        message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
        if not message:  # no command given: the help was printed
            raise SystemExit(getattr(exc, "exit_code", EXIT_BAD_INPUT)) from None
        ctx = getattr(exc, "ctx", None)
        where = ctx.command_path if ctx is not None else "vplan"
        _fail(f"{message} (see '{where} --help')", getattr(exc, "exit_code", EXIT_BAD_INPUT))
    except KeyboardInterrupt:
        _fail("stopped", 130)
    except (_PipeClosed, BrokenPipeError):
        # The reader went away (for example 'vplan schedule ... | head'): stop quietly.
        _quiet_stdout()
        raise SystemExit(EXIT_OK) from None
    except UnicodeEncodeError as exc:
        _unshowable(exc)
    except OSError as exc:
        _fail(f"cannot write the output ({exc.strerror}); check the disk and the file", EXIT_OUTPUT)
    raise SystemExit(result if isinstance(result, int) else EXIT_OK)
