"""Write output: to stdout, or atomically to a file that is never overwritten without --force."""

from __future__ import annotations

import fcntl
import os
import stat
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from vplan.errors import OutputError
from vplan.render.lines import Line, plain

TEMP_PREFIX = ".vplan-"  # never the file's own name: that can be a patient's
TEMP_SUFFIX = ".tmp"
STALE_AFTER = 60  # seconds: a younger temporary may be one another worker is still opening
MIN_WIDTH = 40  # columns: a narrower terminal is written to as if it were this wide
_SWEPT: set[Path] = set()  # folders already cleared of stale temporaries by this process
_WRITING: set[Path] = set()  # this process's temporaries, while they are written


def write_file(path: Path, data: bytes, *, force: bool) -> None:
    """Write ``data`` to ``path`` in one step: a reader never sees half a file.

    Without ``force`` an existing file is refused, and the check and the write are one
    step (a hard link fails if the name exists), so nothing is overwritten by a race.
    The temporary file is locked while it is written; one a killed vplan left behind
    is removed on the next write in its folder.
    """
    write_stream(path, lambda handle: handle.write(data), force=force)


def check_writable(path: Path, *, force: bool) -> None:
    """Refuse, before any work, a file that cannot be written or exists without ``force``."""
    folder = path.parent
    if not folder.is_dir():
        raise OutputError(
            f"cannot write {path}: the folder {folder} does not exist; create it first"
        )
    if path.is_dir():
        raise OutputError(f"cannot write {path}: it is a folder; give a file name")
    if path.is_symlink() or (path.exists() and not path.is_file()):
        raise OutputError(
            f"{path} is not an ordinary file (a link or a device); give another file name"
        )
    if path.exists() and not force:
        raise OutputError(
            f"{path} already exists; choose another name or add --force to replace it"
        )


def write_stream(path: Path, fill: Callable[[BinaryIO], object], *, force: bool) -> None:
    """Write to ``path`` what ``fill`` writes to a handle, in one step, as ``write_file``."""
    check_writable(path, force=force)
    folder = path.parent
    remove_stale_temporaries(folder)
    import tempfile  # only when a file is written: not for what is shown on the screen

    try:
        fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX)
    except OSError as exc:
        raise OutputError(
            f"cannot write in {folder} ({exc.strerror}); choose another folder"
        ) from None
    tmp = Path(tmp_name)
    _WRITING.add(tmp)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # held until the file has its name: it is in use
        with os.fdopen(fd, "wb", closefd=False) as handle:
            fill(handle)
            handle.flush()
        os.fsync(fd)
        os.fchmod(fd, 0o644)
        if force:
            tmp.replace(path)
        else:
            _link_new(tmp, path)
    except OSError as exc:
        raise OutputError(f"cannot write {path} ({exc.strerror}); check the folder") from None
    finally:
        tmp.unlink(missing_ok=True)
        _WRITING.discard(tmp)
        os.close(fd)


@contextmanager
def held_stops() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM while a file is written and recorded; they stop the run after.

    A stop in between would leave a file given but not recorded, or half a journal line.
    Outside the main thread (where signals cannot be handled) nothing is held.
    """
    import signal

    stops: list[int] = []

    def hold(signum: int, frame: object) -> None:
        stops.append(signum)

    try:
        previous = {sig: signal.signal(sig, hold) for sig in (signal.SIGINT, signal.SIGTERM)}
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if stops:
        raise KeyboardInterrupt


def remove_stale_temporaries(folder: Path, now: float | None = None) -> None:
    """Remove the temporary files a killed vplan left in ``folder``, once per process.

    Only this user's regular files named like vplan's temporaries, older than a minute
    at ``now`` (seconds since the epoch; default: the clock), and only those no running
    vplan holds locked, are removed.
    """
    if folder in _SWEPT:
        return
    _SWEPT.add(folder)
    try:
        stale = [entry for entry in folder.iterdir() if _is_temporary_name(entry.name)]
    except OSError:
        return
    for entry in stale:
        try:
            fd = os.open(entry, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError:
            continue
        try:
            info = os.fstat(fd)
            # A young one may be another worker's, made but not yet locked (mkstemp, then flock).
            young = (time.time() if now is None else now) - info.st_mtime < STALE_AFTER
            if stat.S_ISREG(info.st_mode) and info.st_uid == os.geteuid() and not young:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # fails while a writer holds it
                entry.unlink()
        except OSError:
            pass
        finally:
            os.close(fd)


def _is_temporary_name(name: str) -> bool:
    return name.startswith(TEMP_PREFIX) and name.endswith(TEMP_SUFFIX)


def discard_temporaries() -> None:
    """Remove the temporaries this process is writing (it is being stopped)."""
    for tmp in list(_WRITING):
        tmp.unlink(missing_ok=True)


def _link_new(tmp: Path, path: Path) -> None:
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise OutputError(
            f"{path} already exists; choose another name or add --force to replace it"
        ) from None
    except OSError:
        # A file system without hard links: the existence check above has to do.
        tmp.replace(path)


STDOUT_CLOSED = (
    "the standard output is closed, so nothing can be shown; run vplan with its output going "
    "to the screen, a pipe or a file"
)


def hold_standard_streams() -> bool:
    """Hold a closed stdin, stdout or stderr with /dev/null; False when stdout was closed.

    A closed descriptor would be reused by the next file opened (a journal, a handout),
    and what was meant for the screen would land in it. A closed stderr then only loses
    the messages, never the exit code. Without stdout the answer (for 'check', the
    verdict) cannot be given, and an exit code alone could be read as one: the caller
    stops before doing anything.
    """
    closed = []
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            closed.append(fd)
    for fd in closed:
        null = os.open(os.devnull, os.O_RDWR)  # the lowest free descriptor: this one
        if null != fd:
            os.dup2(null, fd)
            os.close(null)
    if 2 in closed or sys.stderr is None:
        sys.stderr = open(2, "w", closefd=False, errors="backslashreplace")  # noqa: SIM115
    if 1 in closed or sys.stdout is None:
        sys.stdout = open(1, "w", closefd=False)  # noqa: SIM115
        return False
    return True


def unshowable(exc: UnicodeEncodeError) -> str:
    """What to say when the output's encoding cannot show a character of the answer."""
    char = exc.object[exc.start : exc.end][:1]
    return (
        f"the output's encoding ({exc.encoding}) cannot show '{char}' (U+{ord(char):04X}), and "
        "a plan is never shown with letters left out; use a UTF-8 terminal (such as "
        "LANG=C.UTF-8) or PYTHONIOENCODING=utf-8, or write to a file with -o"
    )


def show(lines: list[Line]) -> None:
    """Print lines to stdout: styled on a colour terminal, plain otherwise."""
    if sys.stdout.isatty() and not os.environ.get("NO_COLOR"):
        from rich.console import Console
        from rich.text import Text

        console = Console(highlight=False, soft_wrap=True)
        if console.width < MIN_WIDTH:  # COLUMNS=0 or a tiny window: nothing would be shown
            console = Console(highlight=False, soft_wrap=True, width=MIN_WIDTH)
        for line in lines:
            console.print(Text(line.text, style=line.style.value))
    else:
        sys.stdout.write(plain(lines))


def emit(text: str | bytes, output: Path | None, *, force: bool) -> None:
    """Print ``text`` (bytes are written as they are), or write it to ``output``."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    if output is not None:
        write_file(output, data, force=force)
    elif isinstance(text, str):
        sys.stdout.write(text)
    else:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
