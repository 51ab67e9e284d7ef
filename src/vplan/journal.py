"""The journal file: one JSON line per document written, sealed under the clinic's key.

Each line ends with ``"mac"``, an HMAC-SHA256 under the clinic's key of the rest of the
line, and carries in ``"prev"`` the mac of the line before it. Without the key no line
can be changed, added or forged; with it, reading names the first line that was changed
(its own mac fails) or that does not follow the one before (lines removed or added).
Appends hold an exclusive lock on the file (``fcntl.flock``), so two batches writing the
same journal at once neither lose nor tangle a line.

An append that fails part-way (a full disk) is undone: the file is cut back to where it
was. A last line left cut short all the same (vplan was killed while writing it) is told
apart from a changed one: it is the start of an entry that follows the line before it
(its ``prev``). It records nothing; reading says so, and the next append removes it.

A changed line anywhere in the journal is found before the next append (and before any
file is written). Reading the whole chain on every append would cost time in proportion
to the journal, so, as git does for its index, vplan keeps beside the journal a small
sealed note, ``JOURNAL.checked``: the journal's file identity, size and change times
(``st_ctime_ns`` cannot be set back by a user) as they were just after vplan last
checked or added to it. When the journal still matches its note, no one wrote to it
since, and only its last line is read; when it does not (another program wrote to it,
it was copied or restored, the note is missing), the whole chain is checked first, once.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import stat
import warnings
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from vplan.errors import BrokenJournalError, InputError, JournalNote, OutputError
from vplan.files import read_regular

if TYPE_CHECKING:
    from vplan.datatypes import Json

RECORD_ENV = "VPLAN_RECORD"
KEY_ENV = "VPLAN_RECORD_KEY"
KEY_FILE_ENV = "VPLAN_RECORD_KEY_FILE"
MIN_KEY_BYTES = 16
FIRST = "0" * 64  # the "prev" of the first line
MAX_LINE = 16 * 1024  # bytes: an entry is under 1 KiB; a longer line is not one vplan wrote
MAX_KEY_FILE = 4096  # bytes: a key file holds one key
_TAIL = 4096
_SEAL = re.compile(rb',"mac":"([0-9a-f]{64})"\}$')
_FILE_MESSAGE = b"vplan file sha256:"


def seal(key: bytes, body: bytes) -> str:
    """The mac of a line's ``body`` (its JSON without ``mac``): HMAC-SHA256 under ``key``."""
    return hmac.new(key, body, hashlib.sha256).hexdigest()


def file_mac(key: bytes, sha256_hex: str) -> str:
    """What the journal keeps of a file: an HMAC of its SHA-256 under the clinic's key.

    A plain hash of the file would let anyone who can make the same handout (the name and
    the dates are all it takes) test a guessed name against the journal.
    """
    return hmac.new(key, _FILE_MESSAGE + sha256_hex.encode("ascii"), hashlib.sha256).hexdigest()


def _sealed_line(key: bytes, prev: str, fields: Mapping[str, Json]) -> tuple[bytes, str]:
    body = json.dumps({"prev": prev, **fields}, ensure_ascii=False, separators=(",", ":"))
    data = body.encode("utf-8")
    mac = seal(key, data)
    return data[:-1] + f',"mac":"{mac}"}}'.encode("ascii"), mac


def _opened(line: bytes, key: bytes) -> tuple[str, bytes] | None:
    """The mac of a sealed line and its body, when the mac is right under ``key``; else None."""
    found = _SEAL.search(line)
    if found is None:
        return None
    body = line[: found.start()] + b"}"
    mac = found.group(1).decode("ascii")
    return (mac, body) if hmac.compare_digest(mac, seal(key, body)) else None


def read_key(env: Mapping[str, str]) -> bytes:
    """The secret key: ``$VPLAN_RECORD_KEY``, else the owner-only ``$VPLAN_RECORD_KEY_FILE``."""
    if env.get(KEY_ENV):
        # the bytes as set, also when they are not UTF-8 (Python keeps those as surrogates)
        key = env[KEY_ENV].encode("utf-8", "surrogateescape")
        where = KEY_ENV
    elif env.get(KEY_FILE_ENV):
        path = Path(env[KEY_FILE_ENV])
        key = _key_file(path)
        where = str(path)
    else:
        raise InputError(
            f"the journal needs the clinic's secret key: set {KEY_ENV}, or {KEY_FILE_ENV} to a "
            "file only you can read (make one with 'vplan record key FILE')"
        )
    if len(key) < MIN_KEY_BYTES:
        raise InputError(
            f"the key in {where} is {len(key)} bytes long; use at least {MIN_KEY_BYTES} "
            "(make one with 'vplan record key FILE')"
        )
    return key


def _key_file(path: Path) -> bytes:
    """The whole key in the file (at most MAX_KEY_FILE bytes), the file only its owner's."""
    from vplan.files import NotAFileError, TooLargeError

    try:
        info = path.stat()
        if stat.S_ISREG(info.st_mode) and (
            info.st_uid != os.getuid() or info.st_mode & (stat.S_IRWXG | stat.S_IRWXO)
        ):
            raise InputError(
                f"the key file {path} can be read by others; make it yours alone with "
                f"'chmod 600 {path}'"
            )
        data = read_regular(path, MAX_KEY_FILE)
    except (NotAFileError, IsADirectoryError):
        raise InputError(
            f"the key file {path} is not an ordinary file; check {KEY_FILE_ENV}"
        ) from None
    except TooLargeError:
        raise InputError(
            f"the key file {path} is larger than {MAX_KEY_FILE} bytes, so it is not a key; "
            f"check {KEY_FILE_ENV}"
        ) from None
    except OSError as exc:
        raise InputError(
            f"cannot read the key file {path} ({exc.strerror}); check {KEY_FILE_ENV}"
        ) from None
    return data.strip()


def write_key(path: Path, key_hex: str) -> None:
    """Write a new key file that only its owner can read; never replace one."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise OutputError(
            f"{path} already exists; a key is never replaced, choose another name"
        ) from None
    except OSError as exc:
        raise OutputError(f"cannot write {path} ({exc.strerror}); choose another place") from None
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key_hex + "\n")


def append(path: Path, key: bytes, fields: Mapping[str, Json]) -> str:
    """Add one sealed entry to the journal under an exclusive lock; return its mac.

    A write that fails part-way is undone (the file is cut back to its size before), so
    the journal never keeps half an entry and stays open to the next append.
    """
    import fcntl

    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NONBLOCK | os.O_CLOEXEC, 0o600)
    except OSError as exc:
        raise OutputError(
            f"cannot open the journal {path} ({exc.strerror}); check --record"
        ) from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OutputError(f"the journal {path} is not an ordinary file; check --record")
        fcntl.flock(fd, fcntl.LOCK_EX)
        end = os.lseek(fd, 0, os.SEEK_END)
        prev, whole = _last_mac(fd, end, path, key)
        _check_unchanged(fd, whole, path, key)
        if whole < end:  # the start of an entry whose write was stopped: it records nothing
            os.ftruncate(fd, whole)
            warnings.warn(
                JournalNote(
                    f"the last line of the journal {path} was cut short by a write that was "
                    "stopped; it recorded nothing and was removed before this entry"
                ),
                stacklevel=2,
            )
        data, mac = _sealed_line(key, prev, fields)
        _write_all(fd, whole, data + b"\n", path)
        _note_checked(fd, path, key)
    finally:
        os.close(fd)  # closing releases the lock
    return mac


def _write_all(fd: int, at: int, data: bytes, path: Path) -> None:
    """Write ``data`` at offset ``at`` and sync it; on failure cut the file back to ``at``."""
    try:
        done = 0
        while done < len(data):
            done += os.pwrite(fd, data[done:], at + done)
        os.fsync(fd)
    except OSError as exc:
        try:
            os.ftruncate(fd, at)
            os.fsync(fd)
        except OSError:
            pass  # a cut-short line is still told apart from a changed one, and removed later
        raise OutputError(
            f"cannot add to the journal {path} ({exc.strerror}); nothing was recorded. Free "
            "some space or check --record, and run again"
        ) from None


def check_last(path: Path, key: bytes) -> None:
    """Refuse, before anything is written, a journal that cannot be added to under ``key``.

    Its last line must be whole and sealed under ``key`` (or the start of an entry whose
    write was stopped, which the next append removes); a missing journal is fine when its
    folder can be written (the first append makes it).
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        _check_creatable(path)
        return
    except OSError as exc:
        raise OutputError(
            f"cannot open the journal {path} ({exc.strerror}); check --record"
        ) from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OutputError(f"the journal {path} is not an ordinary file; check --record")
        if not os.access(path, os.W_OK):
            raise OutputError(
                f"cannot add to the journal {path} (permission denied); check --record"
            )
        _, whole = _last_mac(fd, os.lseek(fd, 0, os.SEEK_END), path, key)
        _check_unchanged(fd, whole, path, key)
    finally:
        os.close(fd)


def checked_note(path: Path) -> Path:
    """The sealed note of the journal as vplan last checked it: ``JOURNAL.checked``."""
    return path.with_name(path.name + ".checked")


def _identity(fd: int) -> bytes:
    """What changes when anyone writes to the open journal: file, size and change times."""
    info = os.fstat(fd)
    fields = (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)
    return ",".join(str(n) for n in fields).encode("ascii")


def _check_unchanged(fd: int, whole: int, path: Path, key: bytes) -> None:
    """Check every line before ``whole`` unless the journal is as vplan last left it."""
    try:
        note = read_regular(checked_note(path), 4 * 64)
    except OSError:
        note = b""
    identity = _identity(fd)
    if hmac.compare_digest(note, _checked_line(key, identity)):
        return
    _check_chain(fd, whole, path, key)
    _write_note(path, _checked_line(key, identity))


def _checked_line(key: bytes, identity: bytes) -> bytes:
    return identity + b" " + seal(key, b"vplan journal checked " + identity).encode("ascii")


def _note_checked(fd: int, path: Path, key: bytes) -> None:
    """Note the journal as it is now, just added to (it was checked before)."""
    _write_note(path, _checked_line(key, _identity(fd)))


def _write_note(path: Path, line: bytes) -> None:
    """Replace the note in one step; a note that cannot be written costs a full check later."""
    note = checked_note(path)
    temporary = note.with_name(f".{note.name}.{os.getpid()}")
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
        try:
            os.write(fd, line)
        finally:
            os.close(fd)
        temporary.replace(note)
    except OSError:
        temporary.unlink(missing_ok=True)


def _check_chain(fd: int, end: int, path: Path, key: bytes) -> None:
    """Check each line's seal and that it follows the one before, up to byte ``end``."""
    prev = FIRST
    number = 0
    with os.fdopen(os.dup(fd), "rb") as handle:
        handle.seek(0)
        offset = 0
        while offset < end:
            raw = handle.readline(MAX_LINE + 1)
            number += 1
            offset += len(raw)
            if not raw.endswith(b"\n"):
                what = "is cut short" if len(raw) <= MAX_LINE else "is longer than any entry"
                raise _refused(_broken(path, number, what))
            opened = _opened(raw[:-1], key)
            if opened is None:
                what = "was changed, or was not written by vplan under this key"
                raise _refused(_broken(path, number, what))
            if not opened[1].startswith(b'{"prev":"' + prev.encode("ascii") + b'",'):
                what = (
                    "does not follow the line before it (lines were removed or added between them)"
                    if number > 1
                    else "should be the first entry, but lines before it were removed"
                )
                raise _refused(_broken(path, number, what))
            prev = opened[0]


def _refused(error: BrokenJournalError) -> BrokenJournalError:
    return BrokenJournalError(f"{error}; nothing was written")


def _check_creatable(path: Path) -> None:
    """Refuse a new journal whose folder is missing or cannot be written."""
    folder = path.parent
    if not folder.is_dir():
        raise OutputError(
            f"cannot make the journal {path}: the folder {folder} does not exist; create it "
            "first or check --record"
        )
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(
            f"cannot make the journal {path}: its folder {folder} cannot be written; check --record"
        )


def _last_mac(fd: int, size: int, path: Path, key: bytes) -> tuple[str, int]:
    """The mac of the last whole line (checked; FIRST when none) and where that line ends.

    Read from the end, a block at a time, at most MAX_LINE bytes back. What follows the
    last whole line must be empty, or the start of an entry that follows it.
    """
    tail = b""
    start = size
    while start > 0 and tail.count(b"\n") < 2 and size - start <= 2 * MAX_LINE + 1:
        step = min(_TAIL, start)
        start -= step
        tail = os.pread(fd, step, start) + tail
    cut = tail.rfind(b"\n")
    whole = start + cut + 1  # where the last whole line ends (start when there is none)
    if cut < 0 and start > 0:
        raise _changed_last(path)
    line_start = tail.rfind(b"\n", 0, cut) + 1 if cut >= 0 else 0
    if cut >= 0 and line_start == 0 and start > 0:
        raise _changed_last(path)  # a last whole line longer than any entry
    prev = FIRST
    if cut >= 0:
        opened = _opened(tail[line_start:cut], key)
        if opened is None:
            raise _changed_last(path)
        prev = opened[0]
    if whole < size and not _stopped_write(tail[cut + 1 :], prev):
        raise _changed_last(path)
    return prev, whole


def _stopped_write(partial: bytes, prev: str) -> bool:
    """Whether ``partial`` (a last line without its end) is the start of an entry after ``prev``.

    That is what a write stopped part-way leaves: vplan writes ``{"prev":"<mac>",`` first.
    """
    head = b'{"prev":"' + prev.encode("ascii") + b'",'
    return len(partial) <= MAX_LINE and (head.startswith(partial) or partial.startswith(head))


def _changed_last(path: Path) -> BrokenJournalError:
    return BrokenJournalError(
        f"the last line of the journal {path} was changed, or written under another key; "
        f"nothing was written. Run 'vplan record check --record {path}'"
    )


class Entry(NamedTuple):
    """One line of the journal: its number, its fields (without ``mac``) and its mac."""

    line: int
    fields: dict[str, Json]
    mac: str


def entries(path: Path, key: bytes) -> Iterator[Entry]:
    """Every entry, in order, checking each seal and the chain; the first broken line raises.

    A last line cut short by a stopped write records nothing: it ends the entries, with a
    note (a ``JournalNote`` warning).
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise InputError(f"there is no journal {path}; check --record or {RECORD_ENV}") from None
    except OSError as exc:
        raise InputError(f"cannot read the journal {path} ({exc.strerror})") from None
    prev = FIRST
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise InputError(f"the journal {path} is not an ordinary file; check --record")
        number = 0
        while raw := handle.readline(MAX_LINE + 1):
            number += 1
            if not raw.endswith(b"\n"):
                if len(raw) <= MAX_LINE and not handle.read(1) and _stopped_write(raw, prev):
                    warnings.warn(
                        JournalNote(
                            f"{path}:{number}: the last line was cut short by a write that was "
                            "stopped; it records nothing, and the next --record removes it"
                        ),
                        stacklevel=2,
                    )
                    return
                what = "is cut short" if len(raw) <= MAX_LINE else "is longer than any entry"
                raise _broken(path, number, what)
            opened = _opened(raw[:-1], key)
            if opened is None:
                raise _broken(
                    path, number, "was changed, or was not written by vplan under this key"
                )
            mac, body = opened
            try:
                fields = json.loads(body)
            except (ValueError, RecursionError):
                raise _broken(path, number, "is not a journal entry") from None
            if not isinstance(fields, dict) or fields.get("prev") != prev:
                what = (
                    "does not follow the line before it (lines were removed or added between them)"
                    if number > 1
                    else "should be the first entry, but lines before it were removed"
                )
                raise _broken(path, number, what)
            prev = mac
            yield Entry(number, fields, mac)


def _broken(path: Path, line: int, what: str) -> BrokenJournalError:
    return BrokenJournalError(
        f"{path}:{line}: the journal's chain is broken: this line {what}; entries from this "
        "line on cannot be trusted. Compare with a backup of the journal"
    )
