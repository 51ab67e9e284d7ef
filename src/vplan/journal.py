"""The journal file: one JSON line per document written, each carrying the digest of the one before.

Appends hold an exclusive lock on the file (``fcntl.flock``), so two batches writing the
same journal at once neither lose nor tangle a line. Reading checks the chain of digests:
a line that was changed or removed breaks it at the line after, which is named.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, NamedTuple

from vplan.errors import BrokenJournalError, InputError, OutputError

RECORD_ENV = "VPLAN_RECORD"
KEY_ENV = "VPLAN_RECORD_KEY"
KEY_FILE_ENV = "VPLAN_RECORD_KEY_FILE"
MIN_KEY_BYTES = 16
FIRST = "0" * 64  # the "previous digest" of the first line
_TAIL = 4096


def line_digest(line: bytes) -> str:
    """The SHA-256 of one journal line, without its newline: the next line's ``prev``."""
    return hashlib.sha256(line).hexdigest()


def read_key(env: Mapping[str, str]) -> bytes:
    """The secret key: ``$VPLAN_RECORD_KEY``, else the owner-only ``$VPLAN_RECORD_KEY_FILE``."""
    if env.get(KEY_ENV):
        key = env[KEY_ENV].encode("utf-8")
        where = KEY_ENV
    elif env.get(KEY_FILE_ENV):
        path = Path(env[KEY_FILE_ENV])
        key = _key_file(path)
        where = str(path)
    else:
        raise InputError(
            f"--record needs the clinic's secret key: set {KEY_ENV}, or {KEY_FILE_ENV} to a "
            "file only you can read (make one with 'vplan record key FILE')"
        )
    if len(key) < MIN_KEY_BYTES:
        raise InputError(
            f"the key in {where} is {len(key)} bytes long; use at least {MIN_KEY_BYTES} "
            "(make one with 'vplan record key FILE')"
        )
    return key


def _key_file(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            info = os.fstat(handle.fileno())
            if info.st_uid != os.getuid() or info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
                raise InputError(
                    f"the key file {path} can be read by others; make it yours alone with "
                    f"'chmod 600 {path}'"
                )
            return handle.read(1024).strip()
    except OSError as exc:
        raise InputError(
            f"cannot read the key file {path} ({exc.strerror}); check {KEY_FILE_ENV}"
        ) from None


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


def append(path: Path, fields: Mapping[str, Any]) -> str:
    """Add one entry to the journal under an exclusive lock; return the new line's digest."""
    import fcntl

    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
    except OSError as exc:
        raise OutputError(
            f"cannot open the journal {path} ({exc.strerror}); check --record"
        ) from None
    with os.fdopen(fd, "r+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            prev = _last_digest(handle, path)
            line = json.dumps({"prev": prev, **fields}, ensure_ascii=False, separators=(",", ":"))
            data = line.encode("utf-8")
            handle.write(data + b"\n")
            handle.flush()
            os.fsync(handle.fileno())
        except OSError as exc:
            raise OutputError(f"cannot write the journal {path} ({exc.strerror})") from None
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
    return line_digest(data)


def _last_digest(handle: Any, path: Path) -> str:
    """The digest of the file's last line (read from its end), or FIRST for an empty file."""
    size = handle.seek(0, os.SEEK_END)
    if size == 0:
        return FIRST
    tail = b""
    start = size
    while True:
        start = max(0, start - _TAIL)
        handle.seek(start)
        tail = handle.read(size - start)
        if not tail.endswith(b"\n"):
            raise BrokenJournalError(
                f"the last line of the journal {path} is cut short (a write was stopped); "
                f"nothing was added. Run 'vplan record check --record {path}'"
            )
        if start == 0 or b"\n" in tail[:-1]:
            return line_digest(tail[:-1].rsplit(b"\n", 1)[-1])


class Entry(NamedTuple):
    """One line of the journal: its number, its fields and its digest."""

    line: int
    fields: dict[str, Any]
    digest: str


def entries(path: Path) -> Iterator[Entry]:
    """Every entry, in order, checking the chain; the first broken line raises, named."""
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        raise InputError(f"there is no journal {path}; check --record or {RECORD_ENV}") from None
    except OSError as exc:
        raise InputError(f"cannot read the journal {path} ({exc.strerror})") from None
    prev = FIRST
    with handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.endswith(b"\n"):
                raise _broken(path, number, "is cut short (a write was stopped)")
            line = raw[:-1]
            try:
                fields = json.loads(line)
            except ValueError:
                raise _broken(path, number, "is not a journal entry") from None
            if not isinstance(fields, dict) or not isinstance(fields.get("prev"), str):
                raise _broken(path, number, "is not a journal entry")
            if fields["prev"] != prev:
                what = (
                    "does not follow the line before it (that line was changed, or lines "
                    "were removed or added between them)"
                    if number > 1
                    else "should be the first entry, but lines before it were removed"
                )
                raise _broken(path, number, what)
            prev = line_digest(line)
            yield Entry(number, fields, prev)


def _broken(path: Path, line: int, what: str) -> BrokenJournalError:
    return BrokenJournalError(
        f"{path}:{line}: the journal's chain is broken: this line {what}; entries from this "
        "line on cannot be trusted. Compare with a backup of the journal"
    )
