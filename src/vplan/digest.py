"""SHA-256 for the commands that start in a hurry, without loading OpenSSL.

``hashlib`` loads OpenSSL's library on import (about 2 ms, a few per cent of ``check``); the
interpreter's own SHA-256 gives the same digests. This is how the standard library's
``random`` imports its SHA-512: the lean module first, ``hashlib`` when it is missing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hashlib import sha256
else:
    try:
        from _sha2 import sha256  # Python 3.12 and newer
    except ImportError:
        try:
            from _sha256 import sha256  # Python 3.11
        except ImportError:
            from hashlib import sha256  # an interpreter built without them

__all__ = ["sha256"]
