"""Find, read and load a rules file, through a cache of validated files.

Validating a rules file (YAML with line numbers, then the pydantic models) costs
more than everything else a ``check`` does, so a file that passed is remembered by
the SHA-256 of its bytes and of the code that validates it. A changed file, or a
changed vplan, is validated again. Rules files hold no patient data.
"""

from __future__ import annotations

import json
import os
import re
import stat
import warnings
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, TypeVar, cast

from vplan import __version__
from vplan.digest import sha256
from vplan.errors import CacheNotUsed, Problem, RulesError, VplanError
from vplan.files import NotAFileError, NotPrivateError, TooLargeError, is_private, read_regular
from vplan.model import Book, Protocol, book_from_data, protocol_from_data

if TYPE_CHECKING:
    from vplan.datatypes import Json, RulesData

T = TypeVar("T")

MAX_BYTES = 1024 * 1024
MAX_CACHE_BYTES = 8 * MAX_BYTES  # a validated file as JSON: about 3 times its size
RULES_ENV = "VPLAN_RULES"
CACHE_ENV = "VPLAN_CACHE_DIR"
NO_CACHE_ENV = "VPLAN_NO_CACHE"
_CACHE_FORMAT = b"vplan-rules-cache-3"  # 3: durations carried as read: [6, "weeks", "6 weeks"]
# The code that decides what a valid file becomes is validate.py and every module of vplan
# it imports, directly or through another (found by reading their import lines, not listed
# by hand): a change to any of them is a change of cache key.
_VALIDATOR = "validate"
_IMPORT = re.compile(
    rb"^[ \t]*(?:from[ \t]+vplan((?:\.\w+)*)[ \t]+import[ \t]+(\([^)]*\)|[^\n#]*)"
    rb"|import[ \t]+vplan((?:\.\w+)+))",
    re.MULTILINE,
)


class RulesSource(NamedTuple):
    """Where the rules come from, and how to name that place in messages."""

    path: Path
    label: str


def default_rules_path() -> Path:
    """The protocol bundled with vplan (the repository's root ``rules.yaml``)."""
    bundled = Path(__file__).with_name("rules.yaml")  # beside this module, as the wheel puts it
    if bundled.is_file():
        return bundled
    # An editable install runs from the source tree, where the file sits at the root.
    return Path(__file__).resolve().parents[2] / "rules.yaml"


def resolve(option: Path | None, env: Mapping[str, str]) -> RulesSource:
    """``--rules FILE``, else ``$VPLAN_RULES``, else the bundled default."""
    if option is not None:
        return RulesSource(option, str(option))
    if env.get(RULES_ENV):
        return RulesSource(Path(env[RULES_ENV]), env[RULES_ENV])
    path = default_rules_path()
    return RulesSource(path, str(path))


def read_bytes(source: RulesSource) -> bytes:
    """The file's bytes; a missing, unreadable, oversized or special file is a rules error."""
    try:
        return read_regular(source.path, MAX_BYTES)
    except FileNotFoundError:
        raise _whole_file(source, "the rules file does not exist", "check the path") from None
    except IsADirectoryError:
        raise _whole_file(
            source, "this is a folder, not a rules file", "name a .yaml file"
        ) from None
    except NotAFileError:
        raise _whole_file(
            source,
            "this is not a regular file (a pipe, a device or a socket)",
            "name a .yaml file saved on disk",
        ) from None
    except TooLargeError:
        raise _whole_file(
            source,
            "the file is larger than 1 MiB",
            "a rules file is a few kilobytes; check the path",
        ) from None
    except OSError as exc:
        raise _whole_file(
            source, f"cannot read the file ({exc.strerror})", "check its permissions"
        ) from None


def _whole_file(source: RulesSource, what: str, fix: str) -> RulesError:
    return RulesError([Problem(source.label, 1, 1, what, fix)])


def load(
    source: RulesSource,
    env: Mapping[str, str],
    *,
    use_cache: bool = True,
    procedure: str | None = None,
) -> Protocol:
    """Read, validate and build the protocol of one procedure (by default the main one).

    A file with any mistake is refused whole, whichever procedure is asked for.
    """
    return _validated(
        source,
        env,
        lambda data, digest: protocol_from_data(data, source.label, procedure)._replace(
            digest=digest
        ),
        use_cache,
    )


def load_book(source: RulesSource, env: Mapping[str, str], data: bytes | None = None) -> Book:
    """Every procedure's protocol (stamped with the file's digest), from the cache when it is there.

    ``data`` is the file's bytes when the caller has read them already. A file with any
    mistake is refused whole.
    """
    return _validated(
        source, env, lambda rules, digest: book_from_data(rules, source.label, digest), True, data
    )


def _validated(
    source: RulesSource,
    env: Mapping[str, str],
    build: Callable[[RulesData, str], T],
    use_cache: bool,
    data: bytes | None = None,
) -> T:
    """``build`` applied to the validated rules and the SHA-256 of the file's bytes.

    The rules come from the cache when the file was seen; the digest is always of the
    bytes read now, so the stamp on an output names exactly the file that made it. An
    entry that cannot be read, is damaged or does not build is discarded, and the rules
    are validated afresh: the answer is always the one without the cache.
    """
    if data is None:
        data = read_bytes(source)
    digest = sha256(data).hexdigest()
    cache = _cache_file(data, env) if use_cache else None
    if cache is not None:
        cached = _read_entry(cache)
        if cached is not None:
            try:
                return build(cached, digest)
            except (VplanError, RecursionError, LookupError, TypeError, ValueError, AttributeError):
                pass  # an entry that does not build: validate afresh (which says why), replace it
    from vplan.validate import validate

    validated = validate(data, source.label)
    if cache is not None:
        store_entry(cache, validated)
    return build(validated, digest)


def cache_folder(env: Mapping[str, str]) -> Path | None:
    """The cache folder, made if it is new; None when there is no cache (or none to trust)."""
    if env.get(NO_CACHE_ENV):
        return None
    if env.get(CACHE_ENV):
        folder = Path(env[CACHE_ENV])
    elif env.get("XDG_CACHE_HOME") and Path(env["XDG_CACHE_HOME"]).is_absolute():
        folder = Path(env["XDG_CACHE_HOME"]) / "vplan"  # a relative one is ignored, as XDG says
    elif env.get("HOME"):
        folder = Path(env["HOME"]) / ".cache" / "vplan"
    else:
        return None
    return folder if _private_folder(folder) else None


def _cache_file(data: bytes, env: Mapping[str, str]) -> Path | None:
    """Where the entry for ``data`` lives, or None when there is no cache (or none to trust)."""
    folder = cache_folder(env)
    if folder is None:
        return None
    digest = sha256(_CACHE_FORMAT + __version__.encode())
    for code in validating_code(Path(__file__).parent).values():
        digest.update(code)
    digest.update(data)
    return folder / f"rules-{digest.hexdigest()}.json"


def validating_code(package: Path) -> dict[str, bytes]:
    """The source of validate.py and of every module of ``package`` it imports, by module name.

    Read from the modules' import lines (those inside functions and for type checking too),
    so a module that comes to take part in validation takes part in the cache key.
    """
    found: dict[str, bytes] = {}
    waiting = [_VALIDATOR]
    while waiting:
        name = waiting.pop()
        if name in found:
            continue
        path = _module_file(package, name)
        if path is None:
            continue
        code = path.read_bytes()
        found[name] = code
        for match in _IMPORT.finditer(code):
            within, names, whole = match.groups()
            if whole is not None:
                waiting.append(whole.decode("ascii").lstrip("."))
                continue
            base = within.decode("ascii").lstrip(".")
            if base:
                waiting.append(base)
            for word in re.findall(rb"\w+", names):  # `from vplan.x import y`: y may be a module
                waiting.append(f"{base}.{word.decode('ascii')}" if base else word.decode("ascii"))
    return dict(sorted(found.items()))


def _module_file(package: Path, name: str) -> Path | None:
    """The file of module ``name`` (``render.text``) in ``package``, or None when there is none."""
    parts = name.split(".")
    for path in (
        package.joinpath(*parts[:-1], parts[-1] + ".py"),
        package.joinpath(*parts, "__init__.py"),
    ):
        if path.is_file():
            return path
    return None


def _private_folder(folder: Path) -> bool:
    """Whether the cache folder is this user's own and closed to others; made if it is new."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = folder.stat()
    except OSError:
        return False  # no cache: nothing to read, nothing to write
    if not stat.S_ISDIR(info.st_mode):
        return False
    if not is_private(info):
        _not_used(f"the rules cache folder {folder} is not private (another user's, or others "
                  f"may write to it); run 'chmod go-w {folder}' if it is yours, or set "
                  f"{CACHE_ENV} to a folder of your own")  # fmt: skip
        return False
    return True


def _read_entry(cache: Path) -> RulesData | None:
    """The rules stored in a cache entry, or None if it is missing, damaged or not to be trusted."""
    # Its shape is checked as it is built: an entry that does not build is validated afresh.
    return cast("RulesData", read_entry(cache))


def read_entry(
    cache: Path, what: str = "rules", unused: str = "the rules were validated without the cache"
) -> Mapping[str, Json] | None:
    """The object stored in a cache entry; None if it is missing, damaged or not to be trusted.

    An entry that others may write is not trusted: a warning says so, naming ``what`` it holds
    and ending with ``unused``.
    """
    try:
        raw = read_regular(cache, MAX_CACHE_BYTES, private=True)
    except NotPrivateError:
        warnings.warn(f"the {what} cache entry {cache} is another user's, or others may write "
                      f"to it; remove it; {unused}", CacheNotUsed, stacklevel=1)  # fmt: skip
        return None
    except OSError:
        return None  # not there yet, or a link, a FIFO, a device, too large: validate afresh
    head, _, payload = raw.partition(b"\n")
    if head != _entry_head(payload):
        return None  # damaged, or written by another version
    try:
        data: Json = json.loads(payload)
    except (ValueError, RecursionError):
        return None
    return data if isinstance(data, dict) else None


def _entry_head(payload: bytes) -> bytes:
    return _CACHE_FORMAT + b" " + sha256(payload).hexdigest().encode()


def _not_used(why: str) -> None:
    warnings.warn(f"{why}; the rules were validated without the cache", CacheNotUsed, stacklevel=1)


def store_entry(cache: Path, value: object) -> None:
    """Write a cache entry atomically; a cache that cannot be written is skipped."""
    import tempfile  # only when an entry is written

    payload = json.dumps(value, ensure_ascii=False).encode("utf-8")
    try:
        fd, tmp = tempfile.mkstemp(dir=cache.parent, prefix=".rules-", suffix=".tmp")
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(_entry_head(payload) + b"\n" + payload)
        Path(tmp).replace(cache)
    except OSError:
        Path(tmp).unlink(missing_ok=True)


def load_from(
    option: Path | None, env: Mapping[str, str], procedure: str | None = None
) -> Protocol:
    """Resolve the rules file for a command and load the protocol of the procedure."""
    return load(resolve(option, env), env, procedure=procedure)
