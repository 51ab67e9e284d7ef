"""Read a file vplan did not make, safely: a regular file only, of bounded size, never blocking.

A FIFO or a device named as a file would make a plain ``open()`` wait forever or read
without end; here it is refused before and after opening (the file could be swapped in
between), and opening never waits.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

MAX_DOCUMENT = 256 * 2**20  # bytes: larger than any file vplan writes (a day's combined PDF)


class NotAFileError(OSError):
    """The path names a FIFO, a device or a socket, not a regular file."""


class TooLargeError(OSError):
    """The file is larger than the limit it is read with."""


class NotPrivateError(OSError):
    """The file (or folder) is owned by another user, or others may write to it."""


def is_private(info: os.stat_result) -> bool:
    """Whether a file or folder is this user's own and no one else may change it (as ssh asks)."""
    return info.st_uid == os.geteuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def read_regular(path: Path, limit: int, *, private: bool = False) -> bytes:
    """The bytes of the regular file at ``path``, refused if larger than ``limit``.

    With ``private``, the file must be this user's own and not writable by others, and a
    symbolic link is refused. Raises ``OSError`` (``FileNotFoundError``,
    ``IsADirectoryError``, ``PermissionError``, or one of the errors above).
    """
    chunks: list[bytes] = []
    for chunk in _chunks(path, limit, private=private):
        chunks.append(chunk)
    return b"".join(chunks)


def sha256_regular(path: Path, limit: int) -> str:
    """The SHA-256 (hex) of the regular file at ``path``, read a block at a time, as above."""
    import hashlib

    digest = hashlib.sha256()
    for chunk in _chunks(path, limit, private=False):
        digest.update(chunk)
    return digest.hexdigest()


def _chunks(path: Path, limit: int, *, private: bool) -> Iterator[bytes]:
    _check(path.stat(follow_symlinks=not private), path, limit, private=private)
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    if private:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags)
    try:
        _check(os.fstat(fd), path, limit, private=private)  # the file that was opened
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            size += len(chunk)
            if size > limit:  # it grew while it was read
                raise TooLargeError(f"{path} is larger than {limit} bytes")
            yield chunk
    finally:
        os.close(fd)


def _check(info: os.stat_result, path: Path, limit: int, *, private: bool) -> None:
    if stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(f"{path} is a folder")
    if not stat.S_ISREG(info.st_mode):
        raise NotAFileError(f"{path} is not a regular file")
    if private and not is_private(info):
        raise NotPrivateError(f"{path} is not private")
    if info.st_size > limit:
        raise TooLargeError(f"{path} is larger than {limit} bytes")
