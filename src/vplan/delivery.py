"""Delivering a made document: written in one step, recorded in the journal, told to the nurse.

``deliver`` is the one way a patient's file reaches the disk, for ``schedule -o``,
``handout`` and the batch (whose workers write, and whose parent records each file in the
list's order with ``Journal.add``): the file and its journal entry are both there, or
neither. ``Journal`` holds the clinic's journal and key, read before anything is written.
"""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from vplan.errors import InputError, OutputError

if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import date
    from pathlib import Path

    from vplan.combined import Combined
    from vplan.documents import Given, Made
    from vplan.plan import Plan
    from vplan.stamp import Stamp
    from vplan.teachback import Outcome


class Journal:
    """The journal that files are recorded in, with the clinic's key (read before any write)."""

    def __init__(self, path: Path, env: Mapping[str, str] | None = None) -> None:
        from vplan.journal import check_last, read_key
        from vplan.record import key_id

        self.path = path
        self.key = read_key(os.environ if env is None else env)
        self.key_id = key_id(self.key)
        check_last(path, self.key)  # a journal that cannot be added to stops us before a write

    def add(self, given: Given, file: Path | None) -> None:
        """Append the entry of ``file``, just written; the patient and the file only as HMACs.

        When the entry cannot be added, the file is removed: nothing is given unrecorded
        (``file`` None: a handout made for the combined PDF only, not written as a file).
        """
        from vplan.clock import calendar_stamp
        from vplan.journal import file_mac
        from vplan.output import held_stops
        from vplan.record import entry, patient_id

        name = given.patient
        fields = entry(
            given.procedure_date, given.stamp, given.written, when=datetime.now(UTC),
            made_at=calendar_stamp(given.made_at),
            patient=None if name is None else patient_id(self.key, name),
            file_hmac=file_mac(self.key, given.written.file_sha256), key=self.key_id,
            follow_up=given.follow_up,
        )  # fmt: skip
        with held_stops():  # a stop comes after the file is recorded, or removed
            self._append(fields, file)

    def add_teach_back(
        self,
        plan: Plan,
        stamp: Stamp,
        done: Outcome,
        name: str | None,
        *,
        follow_up: datetime | date | None,
    ) -> None:
        """Append the entry of a teach-back's answers: no file, no name (its HMAC only)."""
        from vplan.journal import append
        from vplan.output import held_stops
        from vplan.record import patient_id
        from vplan.teachback import journal_entry

        fields = journal_entry(
            plan, stamp, done, when=datetime.now(UTC),
            patient=None if name is None else patient_id(self.key, name), key=self.key_id,
            follow_up=follow_up,
        )  # fmt: skip
        with held_stops():
            append(self.path, self.key, fields)

    def add_combined(self, file: Path | None, done: Combined, made_at: datetime) -> None:
        """Append the entry of a batch's combined PDF, just written; remove it if that fails.

        ``file`` None: the combined PDF was given without being written here (the page offers
        it for download); when its entry cannot be added, the error says so and it is not given.
        """
        from vplan import __version__
        from vplan.clock import calendar_stamp
        from vplan.journal import file_mac
        from vplan.record import combined_entry

        fields = combined_entry(
            when=datetime.now(UTC), made_at=calendar_stamp(made_at), vplan=__version__,
            handouts=done.handouts, pages=done.pages,
            file_hmac=file_mac(self.key, done.sha256), key=self.key_id,
        )  # fmt: skip
        self._append(fields, file)

    def _append(self, fields: dict[str, str | int | bool | None], file: Path | None) -> None:
        """Append an entry; when that fails, remove ``file`` (just written): nothing unrecorded."""
        from vplan.journal import append

        try:
            append(self.path, self.key, fields)
        except OutputError as exc:
            if file is None:
                raise
            file.unlink(missing_ok=True)
            raise OutputError(f"{exc}; {file} was removed, as it is not recorded") from None

    def check_apart(self, *outputs: Path) -> None:
        """Refuse a journal that is also one of the files to write."""
        for output in outputs:
            if same_file(output, self.path):
                raise InputError(
                    f"--record {self.path} is also a file to write or read; give the journal "
                    "a name of its own"
                )


def journal(path: Path | None) -> Journal | None:
    """The journal at ``path`` (None: files are not recorded)."""
    return None if path is None else Journal(path)


def same_file(one: Path, other: Path) -> bool:
    """Whether two paths name one file (or would, once it is made)."""
    try:
        return one.resolve() == other.resolve() or one.samefile(other)
    except OSError:
        return False


def deliver(
    made: Made, path: Path, *, force: bool, record: Journal | None = None, hold: bool = True
) -> Given:
    """Write a made document to ``path`` in one step and record it: both are done, or neither.

    ``hold`` holds Ctrl-C and SIGTERM until both are done; a batch's worker process passes
    False, as it has its own way to stop (the parent, which records, holds them).
    """
    from contextlib import nullcontext

    from vplan.output import held_stops, write_file

    with held_stops() if hold else nullcontext():  # written and recorded, or neither
        write_file(path, made.data, force=force)
        if record is not None:
            record.add(made.given, path)
    return made.given


def wrote(target: object, what: str, record: Journal | None = None, then: str = "") -> None:
    """Tell the nurse what was written, as every command does: "Wrote FILE (what)."."""
    from vplan.chars import escaped

    recorded = f"; recorded in {record.path}" if record is not None else ""
    line = escaped(f"Wrote {target} ({what}){recorded}.")  # a file name may hold anything
    sys.stdout.write(line + "\n" + (f"Next: {then}\n" if then else ""))
