from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import DEFAULT_RULES, RulesFile, edited
from vplan import batch
from vplan.authoring import diff
from vplan.errors import InputError
from vplan.model import (
    Book,
    book_from_data,
    patient_texts,
    place,
    protocol_from_data,
    written_at,
)
from vplan.parse import parse_duration
from vplan.rules import RulesSource, load_book
from vplan.units import Duration
from vplan.validate import position, rules_data, strings, validate, validated_tree

LABEL = "rules.yaml"


@pytest.fixture(scope="module")
def book() -> Book:
    """The default file's procedures, built once."""
    return book_from_data(validate(DEFAULT_RULES.encode("utf-8"), LABEL), LABEL)


def test_the_book_holds_the_main_procedure_first_then_the_others(book: Book) -> None:
    """Vertebroplasty is the main procedure, kyphoplasty the other one, in the file's order."""
    assert book.main == "vertebroplasty"
    assert list(book.protocols) == ["vertebroplasty", "kyphoplasty"]
    assert book.others == ("kyphoplasty",)


def test_each_procedure_of_the_book_is_the_one_a_command_loads(book: Book) -> None:
    """The batch, lint and diff see the same protocol that 'check --procedure' builds."""
    data = validate(DEFAULT_RULES.encode("utf-8"), LABEL)
    for key, protocol in book.protocols.items():
        assert protocol == protocol_from_data(data, LABEL, key)
        assert protocol.info.procedure_key == key


@pytest.mark.parametrize(
    ("name", "key"),
    [(None, "vertebroplasty"), ("Vertebroplasty", "vertebroplasty"), ("kp", "kyphoplasty"),
     ("Balloon-Kyphoplasty", "kyphoplasty"), ("kyphoplasty", "kyphoplasty")],
)  # fmt: skip
def test_a_procedure_is_found_by_any_of_its_names(book: Book, name: str | None, key: str) -> None:
    """The key, the English name and the aliases name a procedure, folded."""
    assert book.key(name) == key
    assert book.protocol(name) is book.protocols[key]


def test_an_unknown_procedure_is_refused_as_the_commands_refuse_it(book: Book) -> None:
    """The book's refusal is word for word the one 'check --procedure' gives."""
    data = validate(DEFAULT_RULES.encode("utf-8"), LABEL)
    with pytest.raises(InputError) as by_book:
        book.key("laminectomy")
    with pytest.raises(InputError) as by_command:
        protocol_from_data(data, LABEL, "laminectomy")
    assert str(by_book.value) == str(by_command.value)
    assert "vertebroplasty, kyphoplasty" in str(by_book.value)


def test_the_batch_reads_every_procedure_with_the_files_digest(rules_file: RulesFile) -> None:
    """Each protocol a batch hands its workers carries the stamp's digest of the file read."""
    path = rules_file(DEFAULT_RULES)
    source = RulesSource(path, str(path))
    chosen = batch.load_rules(source, dict(os.environ), "kp", "en")
    assert chosen.procedure.default == "kyphoplasty"
    assert list(chosen.book.protocols) == ["vertebroplasty", "kyphoplasty"]
    digest = load_book(source, dict(os.environ)).protocol().digest
    assert len(digest) == 64
    assert {p.digest for p in chosen.book.protocols.values()} == {digest}
    assert chosen.untranslated[("kyphoplasty", "es")] == []


def test_a_spanish_text_missing_is_listed_for_the_batchs_rows(rules_file: RulesFile) -> None:
    """A text without Spanish is named for the rows in Spanish, English rows are not held up."""
    text = edited("          es: No se doble por la cintura ni gire la espalda.\n", "")
    path = rules_file(text)
    chosen = batch.load_rules(RulesSource(path, str(path)), dict(os.environ), None, "en")
    missing = chosen.untranslated[("vertebroplasty", "es")]
    assert [place(where) for where in missing] == ["activities.bending.limits[0].text"]
    assert chosen.untranslated[("vertebroplasty", "en")] == []


def test_diff_of_a_file_with_itself_finds_nothing_in_any_procedure(book: Book) -> None:
    """Comparing the book with itself, procedure by procedure, lists no change."""
    assert diff.compare_files(book, book).changes == ()


def test_every_text_place_points_at_its_english_line() -> None:
    """Each text lint and the translations name is found on the line of its English text."""
    tree, model = validated_tree(DEFAULT_RULES.encode("utf-8"), LABEL)
    lines = DEFAULT_RULES.splitlines()
    rules = book_from_data(rules_data(model), LABEL)
    checked = 0
    for protocol in rules.protocols.values():
        for where, text in patient_texts(protocol):
            line, column = position(tree, (*written_at(protocol, where), "en"), value=True)
            first_words = " ".join(text.get().split()[:3])
            written = lines[line - 1][column - 1 :]
            if written.startswith((">", "|")):  # a block text starts on the next line
                written = lines[line].strip()
            assert " ".join(written.split()).startswith(first_words.rstrip(".")), place(where)
            checked += 1
    assert checked > 50


def test_every_string_of_the_file_is_found_where_it_is_written() -> None:
    """The validation walk's places lead back to each key and one-line text of the file."""
    tree, _ = validated_tree(DEFAULT_RULES.encode("utf-8"), LABEL)
    lines = DEFAULT_RULES.splitlines()
    for where, is_key, text in strings(tree):
        if "\n" in text or text != text.strip() or not text:
            continue
        line, column = position(tree, where, value=not is_key)
        written = lines[line - 1][column - 1 :].lstrip("'\"")
        if written.startswith((">", "|")):  # a block text starts on the next line
            written = lines[line].strip()
        shown, read = " ".join(written.split()), " ".join(text.split())
        assert shown, (where, text)
        # The line holds the whole text, or the start of one that runs on to the next line.
        assert shown.startswith(read) or read.startswith(shown.rstrip("'\"")), (where, text)


def test_durations_are_read_once_and_carried_as_read() -> None:
    """The validated data holds each duration as read; the protocol uses it as it is."""
    data = validate(DEFAULT_RULES.encode("utf-8"), LABEL)
    lifting = data["activities"]["lifting"]["limits"][0]
    assert lifting["from"] == [0, "days", "0 days"]
    assert lifting["until"] == [6, "weeks", "6 weeks"]
    limit = protocol_from_data(data, LABEL).activity("lifting").limits[0]
    assert limit.end == parse_duration("6 weeks") == Duration(6, "weeks", "6 weeks")


def test_the_cache_gives_the_same_book_as_a_fresh_validation(
    rules_file: RulesFile, tmp_path: Path
) -> None:
    """Read twice through the cache (once validated, once stored), the procedures are equal."""
    path = rules_file(DEFAULT_RULES)
    env = {"VPLAN_CACHE_DIR": str(tmp_path / "cache")}
    first = load_book(RulesSource(path, str(path)), env)
    assert list((tmp_path / "cache").iterdir())
    assert load_book(RulesSource(path, str(path)), env) == first
