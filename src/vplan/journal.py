"""The journal file: one JSON line per document written, sealed under the clinic's key.

Each line ends with ``"mac"``, an HMAC-SHA256 under the clinic's key of the rest of the
line, and carries in ``"prev"`` the mac of the line before it. Without the key no line
can be changed, added or forged; with it, reading names the first line that was changed
(its own mac fails) or that does not follow the one before (lines removed or added).
Appends hold an exclusive lock on the file (``fcntl.flock``), so two batches writing the
same journal at once neither lose nor tangle a line.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import stat
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, NamedTuple

from vplan.errors import BrokenJournalError, InputError, OutputError

if TYPE_CHECKING:
    from vplan.datatypes import Json

RECORD_ENV = "VPLAN_RECORD"
KEY_ENV = "VPLAN_RECORD_KEY"
KEY_FILE_ENV = "VPLAN_RECORD_KEY_FILE"
MIN_KEY_BYTES = 16
FIRST = "0" * 64  # the "prev" of the first line
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
        key = env[KEY_ENV].encode("utf-8")
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
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise InputError(
                    f"the key file {path} is not an ordinary file; check {KEY_FILE_ENV}"
                )
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


def append(path: Path, key: bytes, fields: Mapping[str, Json]) -> str:
    """Add one sealed entry to the journal under an exclusive lock; return its mac."""
    import fcntl

    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_NONBLOCK, 0o600)
    except OSError as exc:
        raise OutputError(
            f"cannot open the journal {path} ({exc.strerror}); check --record"
        ) from None
    with os.fdopen(fd, "r+b") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OutputError(f"the journal {path} is not an ordinary file; check --record")
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            prev = _last_mac(handle, path, key)
            data, mac = _sealed_line(key, prev, fields)
            handle.write(data + b"\n")
            handle.flush()
            os.fsync(handle.fileno())
        except OSError as exc:
            raise OutputError(f"cannot write the journal {path} ({exc.strerror})") from None
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
    return mac


def check_last(path: Path, key: bytes) -> None:
    """Refuse, before anything is written, a journal that cannot be added to under ``key``.

    Its last line must be whole and sealed under ``key``; a missing journal is fine (the
    first append makes it).
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise OutputError(
            f"cannot open the journal {path} ({exc.strerror}); check --record"
        ) from None
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OutputError(f"the journal {path} is not an ordinary file; check --record")
        _last_mac(handle, path, key)


def _last_mac(handle: BinaryIO, path: Path, key: bytes) -> str:
    """The mac of the file's last line (read from its end, and checked), or FIRST when empty."""
    size = handle.seek(0, os.SEEK_END)
    if size == 0:
        return FIRST
    start = size
    while True:
        start = max(0, start - _TAIL)
        handle.seek(start)
        tail = handle.read(size - start)
        if not tail.endswith(b"\n"):
            raise BrokenJournalError(
                f"the last line of the journal {path} is cut short (a write was stopped); "
                f"nothing was written. Run 'vplan record check --record {path}'"
            )
        if start == 0 or b"\n" in tail[:-1]:
            opened = _opened(tail[:-1].rsplit(b"\n", 1)[-1], key)
            if opened is None:
                raise BrokenJournalError(
                    f"the last line of the journal {path} was changed, or written under another "
                    f"key; nothing was written. Run 'vplan record check --record {path}'"
                )
            return opened[0]


class Entry(NamedTuple):
    """One line of the journal: its number, its fields (without ``mac``) and its mac."""

    line: int
    fields: dict[str, Json]
    mac: str


def entries(path: Path, key: bytes) -> Iterator[Entry]:
    """Every entry, in order, checking each seal and the chain; the first broken line raises."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        raise InputError(f"there is no journal {path}; check --record or {RECORD_ENV}") from None
    except OSError as exc:
        raise InputError(f"cannot read the journal {path} ({exc.strerror})") from None
    prev = FIRST
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise InputError(f"the journal {path} is not an ordinary file; check --record")
        for number, raw in enumerate(handle, start=1):
            if not raw.endswith(b"\n"):
                raise _broken(path, number, "is cut short (a write was stopped)")
            opened = _opened(raw[:-1], key)
            if opened is None:
                raise _broken(
                    path, number, "was changed, or was not written by vplan under this key"
                )
            mac, body = opened
            try:
                fields = json.loads(body)
            except ValueError:
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
