"""The columns of a day's list, by name: light enough for every command's help to list them."""

from __future__ import annotations

from typing import NamedTuple


class Column(NamedTuple):
    """A column of the day's list, by its name in the header, and other names clinics give it."""

    name: str
    required: bool = False
    aliases: tuple[str, ...] = ()  # as written in a header; matched as the name is


# The columns vplan reads, in the order the README lists them. A new column is one line here
# (and its meaning in batch.py); a header that matches none of them is ignored.
COLUMNS: tuple[Column, ...] = (
    Column("name", required=True, aliases=("Patient Name", "Patient", "Full Name")),
    Column(
        "procedure_date",
        required=True,
        aliases=("Procedure Date", "DOS", "Date of Service", "Date of Procedure", "Service Date"),
    ),
    Column("phone", aliases=("Phone Number", "Telephone")),
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
    # shown only in the batch's chart notes, beside the name
    Column("mrn", aliases=("Medical Record Number", "MR Number")),
)
