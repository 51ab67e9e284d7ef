"""``vplan record verify`` and ``record check``: what the journal says of a file, and of itself."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from vplan.errors import EXIT_NOT_RECORDED, EXIT_OK, InputError
from vplan.formats import known

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path


def verify(file: Path, record: Path) -> int:
    """Exit 0 and the entry when FILE was recorded and is unchanged; 6 when it is not in it."""
    from vplan.chars import escaped
    from vplan.files import MAX_DOCUMENT, NotAFileError, TooLargeError, sha256_regular
    from vplan.journal import entries, file_mac, read_key

    key = read_key(os.environ)
    try:
        digest = sha256_regular(file, MAX_DOCUMENT)
    except (NotAFileError, IsADirectoryError):
        raise InputError(f"{file} is not an ordinary file; give the file to verify") from None
    except TooLargeError:
        raise InputError(
            f"{file} is larger than {MAX_DOCUMENT // 2**20} MiB, more than any file vplan "
            "writes; give the file to verify"
        ) from None
    except OSError as exc:
        raise InputError(f"cannot read {file} ({exc.strerror}); give the file to verify") from None
    mac = file_mac(key, digest)
    found = None
    for entry in entries(record, key):  # the whole chain is checked, even after a match
        if found is None and entry.fields.get("file_hmac") == mac:
            found = entry
    if found is None:
        sys.stdout.write(
            f"{file}: not in the journal {record}. No entry matches this file (SHA-256 "
            f"{digest}): it was changed after it was written, vplan did not record it, or it "
            "was recorded under another key.\n"
        )
        return EXIT_NOT_RECORDED
    sys.stdout.write(
        escaped(f"{file}: in the journal {record}, line {found.line}, unchanged.") + "\n"
    )
    sys.stdout.write(describe_entry(found.fields))
    return EXIT_OK


def describe_entry(fields: Mapping[str, object]) -> str:
    """An entry as the lines a person reads."""
    from vplan.i18n import NAMES

    def short(key: str) -> str:
        value = fields.get(key)
        return str(value)[:8] if value else ""

    if isinstance(fields.get("combined"), int):
        count, pages = fields["combined"], fields.get("pages")
        return (
            f"When: {fields.get('when')} (vplan {fields.get('vplan')})\n"
            f"File: PDF, {pages} pages, the combined PDF of {count} handout"
            f"{'s' if count != 1 else ''} of a batch (each has its own entry before this one)\n"
        )
    orders = f", orders {short('orders_sha256')}" if fields.get("orders_sha256") else ""
    pages = fields.get("pages")
    name = str(fields.get("format", ""))
    row = known(name)
    what = (name if row is None else row.label).upper() + (
        f", {pages} page{'s' if pages != 1 else ''}" if isinstance(pages, int) else ""
    )
    lines = [
        f"When: {fields.get('when')} (made on {fields.get('made_on')}, "
        f"vplan {fields.get('vplan')})",
        f"Protocol: {fields.get('protocol')} {fields.get('protocol_version')} "
        f"(rules {short('rules_sha256')}{orders})",
        f"Procedure: {fields.get('procedure')}, on {fields.get('procedure_date')}",
        f"Language: {NAMES.get(str(fields.get('lang')), fields.get('lang'))}",
        f"File: {what}",
    ]
    if fields.get("follow_up"):
        lines.append(f"Follow-up: {fields['follow_up']}")
    return "".join(line + "\n" for line in lines)


def check(record: Path) -> int:
    """Exit 0 when every line follows the one before; 7 and the first broken line when not."""
    from vplan.journal import entries, read_key

    key = read_key(os.environ)
    count = 0
    last = None
    for entry in entries(record, key):
        count += 1
        last = entry.mac
    if last is None:
        sys.stdout.write(f"{record}: the journal is empty.\n")
        return EXIT_OK
    sys.stdout.write(
        f"{record}: {count} entr{'ies' if count != 1 else 'y'}, every line sealed and the chain "
        f"whole. Seal of the last line: {last}\n"
    )
    return EXIT_OK


def make_key(file: Path) -> None:
    """Write a new secret key for the journal to ``file``, readable by its owner only."""
    import secrets

    from vplan.delivery import wrote
    from vplan.journal import KEY_FILE_ENV, write_key

    write_key(file, secrets.token_hex(32))
    wrote(
        file,
        "a new secret key for the journal; only you can read it",
        then=f"set {KEY_FILE_ENV}={file}, and keep a copy somewhere safe: without the key, names "
        "cannot be matched to the journal's entries.",
    )
