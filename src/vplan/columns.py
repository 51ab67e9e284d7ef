"""The columns of a day's list, by name: light enough for every command's help to list them."""

from __future__ import annotations

from typing import NamedTuple


class Column(NamedTuple):
    """A column of the day's list, by its name in the header."""

    name: str
    required: bool = False


# The columns vplan reads, in the order the README lists them. A new column is one line here
# (and its meaning in batch.py); a header that matches none of them is ignored.
COLUMNS: tuple[Column, ...] = (
    Column("name", required=True),
    Column("procedure_date", required=True),
    Column("phone"),
    Column("clinic"),
    Column("doctor"),
    Column("paper"),
    Column("large_print"),
    Column("output"),
    Column("procedure"),
    Column("lang"),
    Column("levels"),
    Column("follow_up"),
    Column("follow_up_place"),
    Column("orders"),
    Column("mrn"),  # shown only in the batch's chart notes, beside the name
)
