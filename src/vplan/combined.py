"""One PDF for the day's print run: the handouts of a batch, one after another.

Each handout starts on a new sheet when the file is printed on both sides: a handout
with an odd number of pages is followed by a blank page. The handouts are read one at
a time (with pypdf, loaded only here) and their objects written straight out with new
numbers, so memory does not grow with the length of the list.
"""

from __future__ import annotations

import hashlib
import io
from array import array
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, NamedTuple

from vplan.errors import OutputError
from vplan.output import write_stream

if TYPE_CHECKING:
    from pypdf.generic import IndirectObject, PdfObject

CATALOG, PAGES = 1, 2  # the two objects written last, numbered first


class Combined(NamedTuple):
    """What went into the combined file."""

    handouts: int
    pages: int  # blank pages for two-sided printing included
    sha256: str = ""  # of the file's bytes, for the journal


def write_combined(path: Path, handouts: Iterable[Path | bytes], *, force: bool) -> Combined:
    """Write every PDF of ``handouts`` into one file at ``path``, in the order given.

    A handout is a file to read, or the bytes of one that was not written as a file.
    """
    done = Combined(0, 0)

    def fill(handle: BinaryIO) -> None:
        nonlocal done
        book = _Book(handle)
        for part in handouts:
            if isinstance(part, bytes):
                book.add(part)
                continue
            try:
                data = part.read_bytes()
            except OSError as exc:
                raise OutputError(
                    f"cannot read {part} for {path.name} ({exc.strerror}); run the batch again"
                ) from None
            book.add(data)
        book.close()
        done = Combined(book.handouts, len(book.kids), book.digest.hexdigest())

    write_stream(path, fill, force=force)
    return done


def combined_bytes(handouts: Iterable[bytes]) -> tuple[bytes, Combined]:
    """The combined PDF of ``handouts`` (each a PDF's bytes) made in memory, as written above."""
    buffer = io.BytesIO()
    book = _Book(buffer)
    for part in handouts:
        book.add(part)
    book.close()
    return buffer.getvalue(), Combined(book.handouts, len(book.kids), book.digest.hexdigest())


class _Book:
    """A PDF written as it grows: objects of each handout renumbered and copied out."""

    def __init__(self, handle: BinaryIO) -> None:
        self.handle = handle
        # Plain arrays of machine integers: a few bytes an object, for lists of any length.
        self.offsets = array("q", [0] * (PAGES + 1))  # by object number; 0 is unused
        self.kids = array("q")
        self.handouts = 0
        self.written = 0
        self.digest = hashlib.sha256()
        self._write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")

    def add(self, data: bytes) -> None:
        """Append one handout's pages, and a blank page if their number is odd."""
        from pypdf import PdfReader
        from pypdf.generic import DictionaryObject, NameObject

        reader = PdfReader(io.BytesIO(data))
        numbers: dict[int, int] = {}
        queue: list[tuple[int, PdfObject]] = []

        def renumber(ref: IndirectObject) -> IndirectObject:
            if ref.idnum not in numbers:
                numbers[ref.idnum] = self._number()
                queue.append((numbers[ref.idnum], ref.get_object()))  # type: ignore[arg-type]
            return self._ref(numbers[ref.idnum])

        pages: set[int] = set()
        media_box: PdfObject | None = None
        for page in reader.pages:
            del page[NameObject("/Parent")]  # the handout's own page tree is not copied
            number = self._number()
            if page.indirect_reference is not None:
                numbers[page.indirect_reference.idnum] = number
            pages.add(number)
            self.kids.append(number)
            queue.append((number, page))
            media_box = page.get("/MediaBox")
        while queue:
            number, obj = queue.pop()
            obj = _walk(obj, renumber)
            if number in pages:
                obj[NameObject("/Parent")] = self._ref(PAGES)  # type: ignore[index]
            self._object(number, obj)
        if len(reader.pages) % 2 and media_box is not None:
            blank = DictionaryObject({
                NameObject("/Type"): NameObject("/Page"),
                NameObject("/Parent"): self._ref(PAGES),
                NameObject("/MediaBox"): media_box,
                NameObject("/Resources"): DictionaryObject(),
            })  # fmt: skip
            number = self._number()
            self.kids.append(number)
            self._object(number, blank)
        self.handouts += 1

    @staticmethod
    def _ref(number: int) -> IndirectObject:
        from pypdf.generic import IndirectObject

        return IndirectObject(number, 0, None)  # type: ignore[arg-type,unused-ignore]

    def close(self) -> None:
        """Write the page tree, the catalogue and the cross-reference table."""
        kids = " ".join(f"{n} 0 R" for n in self.kids)
        self._raw(PAGES, f"<< /Type /Pages /Kids [{kids}] /Count {len(self.kids)} >>".encode())
        self._raw(CATALOG, f"<< /Type /Catalog /Pages {PAGES} 0 R >>".encode())
        info = self._number()
        self._raw(info, b"<< /Producer (vplan) /Title (Handouts) >>")
        start = self.written
        size = len(self.offsets)
        self._write(f"xref\n0 {size}\n0000000000 65535 f \n".encode("ascii"))
        for number in range(1, size):  # one line at a time: the table is as long as the file
            self._write(b"%010d 00000 n \n" % self.offsets[number])
        self._write(
            f"trailer\n<< /Size {size} /Root {CATALOG} 0 R /Info {info} 0 R >>\n"
            f"startxref\n{start}\n%%EOF\n".encode("ascii")
        )

    def _number(self) -> int:
        self.offsets.append(0)
        return len(self.offsets) - 1

    def _object(self, number: int, obj: PdfObject) -> None:
        body = io.BytesIO()
        obj.write_to_stream(body)
        self._raw(number, body.getvalue())

    def _raw(self, number: int, body: bytes) -> None:
        self.offsets[number] = self.written
        self._write(b"%d 0 obj\n%s\nendobj\n" % (number, body))

    def _write(self, data: bytes) -> None:
        self.handle.write(data)
        self.digest.update(data)
        self.written += len(data)


def _walk(obj: PdfObject, renumber: Callable[[IndirectObject], IndirectObject]) -> PdfObject:
    """``obj`` with every reference inside it replaced by ``renumber``'s answer."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    if isinstance(obj, IndirectObject):
        return renumber(obj)
    if isinstance(obj, DictionaryObject):  # a stream object too: its dictionary
        for key in list(obj.keys()):
            obj[NameObject(key)] = _walk(obj.raw_get(key), renumber)
    elif isinstance(obj, ArrayObject):
        for index, value in enumerate(list.__iter__(obj)):
            obj[index] = _walk(value, renumber)
    return obj
