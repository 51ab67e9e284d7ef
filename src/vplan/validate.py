"""Validate a rules file: YAML with positions, the strict schema, then the checks across rules.

Every problem is reported as ``file:line:column: what is wrong; what to write instead``.
The schema is checked first; the checks across rules (overlapping limits, unknown
sources, names used twice) need a file whose structure is right, so they run after.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Union, cast, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    Event,
    NodeEvent,
    ScalarEvent,
)
from ruamel.yaml.reader import ReaderError

from vplan.chars import controls_in, shown
from vplan.errors import Problem, RulesError
from vplan.model import Tier, Where, normalize_name
from vplan.schema import ActivityModel, CareModel, MilestoneModel, RulesModel
from vplan.units import Duration

if TYPE_CHECKING:
    from vplan.datatypes import RulesData

_MISSING_HINTS = {
    "source": "add 'source:' with the key of an entry in 'sources:' that this rule comes from",
    "text": "add 'text:' with a line 'en: <the sentence for patients>'",
    "until": "add 'until:' with a duration such as '6 weeks', or 'cleared'",
    "name": "add 'name:' with a line 'en: <the name patients read>'",
}
_TYPE_WORDS = {
    "string_type": ("text", 'put the value in quotes, for example "2026.11"'),
    "int_type": ("a whole number", "write a whole number such as 1"),
    "date_type": ("a date", "write the date as YYYY-MM-DD, without quotes"),
    "list_type": ("a list", "write each item on its own line starting with '- '"),
    "dict_type": ("a set of 'key: value' lines", "write 'key: value' lines indented under it"),
    "model_type": ("a set of 'key: value' lines", "write 'key: value' lines indented under it"),
    "model_attributes_type": ("a set of 'key: value' lines", "write 'key: value' lines under it"),
}


def validate(data: bytes, label: str) -> RulesData:
    """Return the validated rules as plain data, or raise ``RulesError`` listing every problem."""
    return rules_data(validated_tree(data, label)[1])


def rules_data(model: RulesModel) -> RulesData:
    """A valid rules file as plain JSON data, keyed as the file is: what the cache keeps."""
    # The dump of a RulesModel has the shape RulesData spells out (tests/test_datatypes.py).
    return cast("RulesData", model.model_dump(mode="json", by_alias=True))


def read_yaml(data: bytes, label: str) -> object:
    """The YAML tree of a file's bytes, read as every YAML file a clinic writes is read.

    The rules and the orders both come through here: the encoding, lines, values, nesting
    and characters are checked, anchors and tags refused; ``RulesError`` lists each problem.
    """
    return _parse_yaml(_decode(data, label), label)


def validated_tree(data: bytes, label: str) -> tuple[CommentedMap, RulesModel]:
    """The YAML tree (with the position of every node) and the model of a valid rules file.

    Raises ``RulesError`` listing every problem, as ``validate`` does.
    """
    tree = read_yaml(data, label)
    if not isinstance(tree, CommentedMap):
        raise RulesError(
            [
                Problem(
                    label, 1, 1, "the file is not a set of 'key: value' lines", _START_FROM_DEFAULT
                )
            ]
        )
    try:
        model = RulesModel.model_validate(tree)
    except ValidationError as exc:
        raise RulesError([schema_problem(err, tree, label) for err in exc.errors()]) from None
    problems = [
        Problem(label, *position(tree, loc, value=True), what, fix)
        for loc, what, fix in _cross_checks(model)
    ]
    if problems:
        raise RulesError(problems)
    return tree, model


_START_FROM_DEFAULT = "start from a copy of vplan's default rules.yaml"


def _decode(data: bytes, label: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        raise RulesError(
            [Problem(label, line, column, "the file is not UTF-8 text", "save it as UTF-8")]
        ) from None


# Bounds that keep the parse of any file under the size limit short (a rules file has about
# 450 lines, 1,100 YAML values and 8 levels), and the recursive YAML reader far from
# Python's recursion limit.
MAX_LINES = 20_000
MAX_NAME = 60  # characters in an activity's name or alias: a few words (the longest is 30)
MAX_VALUES = 10_000
MAX_DEPTH = 32
# Every character ``chars.is_control`` refuses, except the tab and the line ends YAML uses.
_RAW_CONTROL = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff"
    "\u200b\u200e\u200f\u2060-\u2064\u061c\ufeff]"
)


def _parse_yaml(text: str, label: str) -> object:
    if not text.strip():
        raise RulesError([Problem(label, 1, 1, "the file is empty", _START_FROM_DEFAULT)])
    lines = text.count("\n") + 1
    if lines > MAX_LINES:
        what = f"the file has {lines:,} lines, more than the {MAX_LINES:,} a rules file may have"
        fix = "a rules file has a few hundred lines; check the path"
        raise RulesError([Problem(label, MAX_LINES + 1, 1, what, fix)])
    raw = _RAW_CONTROL.search(text)
    if raw is not None:  # such as U+0085, which YAML reads as a line break, or U+202E
        before = text[: raw.start()]
        line, column = before.count("\n") + 1, raw.start() - (before.rfind("\n") + 1) + 1
        what = f"the file holds a control character ({shown(raw.group())})"
        raise RulesError(
            [Problem(label, line, column, what, "remove it; a rules file is plain text")]
        )
    yaml = YAML(typ="rt")
    problems = []
    values = depth = 0
    try:
        for event in yaml.parse(text):
            values += isinstance(event, NodeEvent)
            depth += isinstance(event, CollectionStartEvent)
            depth -= isinstance(event, CollectionEndEvent)
            if values > MAX_VALUES or depth > MAX_DEPTH:
                raise RulesError([_too_big(event, label, deep=depth > MAX_DEPTH)])
            merge_key = isinstance(event, ScalarEvent) and event.value == "<<" and not event.style
            if (
                merge_key
                or isinstance(event, AliasEvent)
                or (isinstance(event, NodeEvent) and event.anchor is not None)
            ):
                problems.append(
                    _at_event(
                        event,
                        label,
                        "YAML anchors and aliases (&name, *name, <<) are not allowed",
                        "write the value out in full where it is used",
                    )
                )
            elif isinstance(tag := getattr(event, "tag", None), str):
                problems.append(
                    _at_event(
                        event,
                        label,
                        f"YAML tags ({_written_tag(tag)}) are not allowed",
                        "remove the tag; write the value plainly (quote a text that looks "
                        "like a number)",
                    )
                )
        if problems:
            raise RulesError(problems)
        try:
            tree = yaml.load(text)
        except (ValueError, OverflowError):  # a value YAML reads as a date that does not exist
            raise RulesError([_impossible_date(text, label)]) from None
        problems = [
            Problem(label, line, column, f"the text has a control character ({shown(controls[0])})",
                    "remove it; write texts in plain words (a line break as a new line)")
            for line, column, controls in _texts_with_controls(tree)
        ]  # fmt: skip
        if problems:
            raise RulesError(problems)
        return tree
    except ReaderError as exc:
        before = text[: exc.position]
        line, column = before.count("\n") + 1, exc.position - (before.rfind("\n") + 1) + 1
        raise RulesError(
            [
                Problem(
                    label,
                    line,
                    column,
                    f"the file holds a character YAML does not allow ({exc.character!r})",
                    "remove it; a rules file is plain text",
                )
            ]
        ) from None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        problem = " ".join(str(exc.problem or exc.context or "YAML syntax error").split())
        if "duplicate key" in problem:
            what = problem.split(" with value")[0].replace("found duplicate key", "the key")
            raise RulesError(
                [Problem(label, line, column, f"{what} appears twice", "keep one of them")]
            ) from None
        raise RulesError(
            [
                Problem(
                    label,
                    line,
                    column,
                    f"YAML syntax: {problem}",
                    "check the indentation and the ': ' after each key on this line and above",
                )
            ]
        ) from None


def _written_tag(tag: str) -> str:
    """A tag as it is written in the file: ``!!str`` for the standard ones."""
    return tag.replace("tag:yaml.org,2002:", "!!", 1)


def _at_event(event: Event, label: str, what: str, fix: str) -> Problem:
    """A problem at the line and column where a YAML event starts."""
    mark = event.start_mark
    return Problem(label, mark.line + 1, mark.column + 1, what, fix)


def _too_big(event: Event, label: str, *, deep: bool) -> Problem:
    if deep:
        what = f"the values are nested more than {MAX_DEPTH} levels deep"
        fix = "a rules file nests about 8 levels; check the brackets and the indentation"
    else:
        what = f"the file has more than {MAX_VALUES:,} values (keys, items and texts)"
        fix = "a rules file has about 1,000; check the path"
    return _at_event(event, label, what, fix)


def _texts_with_controls(tree: object) -> Iterator[tuple[int, int, list[str]]]:
    r"""Where a key or a text of the parsed file holds a control character (newlines allowed).

    The file's bytes are checked by the YAML reader; this checks what its escapes
    (``"\e"``, ``"\0"``, ``"\x9b"``, ``"\N"``) turned into.
    """
    for where, is_key, text in strings(tree):
        controls = controls_in(text, newlines=not is_key)
        if controls:
            yield *position(tree, where, value=not is_key), controls


def strings(tree: object) -> Iterator[tuple[Where, bool, str]]:
    """Every key and text of a YAML tree, with its place (``position`` finds its line).

    A key's place is the key's path, found with ``value=False``; a text's, its own path.
    """
    stack: list[tuple[Where, object]] = [((), tree)]
    while stack:
        where, node = stack.pop()
        if isinstance(node, CommentedMap):
            places = [((*where, k), k, True) for k in node]
            places += [((*where, k), node[k], False) for k in node]
        elif isinstance(node, CommentedSeq):
            places = [((*where, i), item, False) for i, item in enumerate(node)]
        else:
            continue
        for at, value, is_key in places:
            if isinstance(value, str):
                yield at, is_key, value
            elif not is_key:
                stack.append((at, value))


def _impossible_date(text: str, label: str) -> Problem:
    """Where the first written date that is not a real calendar date is, such as 2026-02-30."""
    for match in re.finditer(r"(?<![\w.-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\w.:-])", text):
        try:
            date(*(int(part) for part in match.groups()))
        except ValueError:
            before = text[: match.start()]
            line, column = before.count("\n") + 1, match.start() - (before.rfind("\n") + 1) + 1
            return Problem(
                label, line, column, f"'{match.group()}' is not a real calendar date",
                "check the month and day, and write the date as YYYY-MM-DD",
            )  # fmt: skip
    return Problem(
        label, 1, 1, "a value could not be read as a date or a number",
        "check the dates (YYYY-MM-DD) and numbers in the file",
    )  # fmt: skip


def position(tree: object, loc: Where, *, value: bool) -> tuple[int, int]:
    """The 1-based line and column of ``loc`` in the YAML tree, or of its nearest parent."""
    node, line, column = tree, 0, 0
    for index, step in enumerate(loc):
        last = index == len(loc) - 1
        found = None
        if isinstance(node, CommentedMap) and step in node:
            found = node.lc.value(step) if (last and value) else node.lc.key(step)
            child = node[step]
        elif isinstance(node, CommentedSeq) and isinstance(step, int) and 0 <= step < len(node):
            found = node.lc.item(step)
            child = node[step]
        if found is None:  # not in the tree, or a node the reader kept no place for
            break
        (line, column), node = found, child
    return line + 1, column + 1


def schema_problem(
    err: ErrorDetails, tree: object, label: str, root: type[BaseModel] = RulesModel
) -> Problem:
    """One pydantic error as a problem a person reads: where in the file, what, what to write.

    ``tree`` is the YAML as read (with its line numbers), ``label`` how to name the file,
    and ``root`` the model the file was checked against (the rules, or an orders file).
    """
    loc: Where = tuple(step for step in err["loc"] if step != "[key]")
    kind = err["type"]
    field = next((str(step) for step in reversed(loc) if isinstance(step, str)), "value")
    ctx = err.get("ctx") or {}
    if kind == "vplan":
        what, fix = ctx["what"], ctx["fix"]
    elif kind == "extra_forbidden":
        allowed = _keys_at(loc[:-1], root)
        close = difflib.get_close_matches(field, allowed, n=1)
        what = f"unknown key '{field}'"
        fix = f"did you mean '{close[0]}'?" if close else f"write one of: {', '.join(allowed)}"
    elif kind == "missing":
        what = f"'{field}' is missing"
        fix = _MISSING_HINTS.get(field, f"add '{field}:'")
        return Problem(label, *position(tree, loc[:-1], value=False), what, fix)
    elif kind in _TYPE_WORDS:
        expected, fix = _TYPE_WORDS[kind]
        what = f"'{field}' should be {expected}, not {_describe(err['input'])}"
    elif kind == "literal_error":
        what = f"{_describe(err['input'])} is not allowed for '{field}'"
        fix = f"write {ctx.get('expected', 'one of the allowed values')}"
    else:
        what = f"'{field}': {err['msg']}"
        fix = "see 'The rules file' in the README"
    return Problem(label, *position(tree, loc, value=kind != "extra_forbidden"), what, fix)


def _describe(value: object) -> str:
    if isinstance(value, dict):
        return "a set of 'key: value' lines"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    if isinstance(value, str):
        return f"'{value}'"
    return f"{type(value).__name__.removeprefix('Scalar').lower()} {value}"


def _keys_at(loc: Where, root: type[BaseModel] = RulesModel) -> list[str]:
    """The keys the schema allows at ``loc``."""
    annotation: object = root
    for step in loc:
        annotation = _unwrap(annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            fields = {(f.alias or name): f for name, f in annotation.model_fields.items()}
            if step not in fields:
                return []
            annotation = fields[str(step)].annotation
        elif get_origin(annotation) in (list, dict):
            annotation = get_args(annotation)[-1]
        else:
            return []
    annotation = _unwrap(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [(f.alias or name) for name, f in annotation.model_fields.items()]
    return []


def _unwrap(annotation: object) -> object:
    while True:
        origin = get_origin(annotation)
        if origin is Union or str(origin) == "<class 'types.UnionType'>":
            annotation = next(a for a in get_args(annotation) if a is not type(None))
        elif hasattr(annotation, "__metadata__"):
            annotation = get_args(annotation)[0]
        else:
            return annotation


# --- checks across rules -------------------------------------------------------------

Finding = tuple[Where, str, str]


def _cross_checks(model: RulesModel) -> list[Finding]:
    main: list[tuple[Where, str, ActivityModel]] = [
        (("activities", key), key, act) for key, act in model.activities.items()
    ]
    return [
        *_source_checks(model),
        *_name_checks(main),
        *(f for loc, key, act in main for f in activity_checks(loc, key, act)),
        *_involves_checks(main),
        *_shared_word_checks(model.shared_words, main),
        *window_checks(model.care, ("care",), model.milestones, ("milestones",)),
        *_sign_checks(model),
        *_procedure_checks(model),
    ]


def _shared_word_checks(
    shared: Mapping[str, Sequence[str]],
    activities: Sequence[tuple[Where, str, ActivityModel]],
    procedure: Where = (),
) -> Iterator[Finding]:
    """A shared word is no activity's own name, and means two or more activities that exist.

    For another procedure (``procedure``, its place), only the names it writes are checked:
    the rest was checked with the main protocol.
    """
    names = {
        normalize_name(name): (key, loc)
        for at, key, act in activities
        for loc, name in _names(at, key, act)
    }
    keys = sorted(key for _, key, _ in activities)
    seen: set[str] = set()
    for word, means in shared.items():
        here: Where = ("shared_words", word)
        folded = normalize_name(word)
        owner, written = names.get(folded, ("", ()))
        if owner and written[: len(procedure)] == procedure:
            yield (
                written if procedure else here,
                f"'{word}' already names the activity '{owner}', and is a shared word",
                "remove it from that activity's names, or from 'shared_words'",
            )
        if procedure:
            continue
        if not folded:
            yield here, "an empty word", "write a word patients would type"
            continue
        if folded in seen:
            yield here, f"'{word}' is listed twice", "keep one of them"
        seen.add(folded)
        for i, key in enumerate(means):
            if key not in keys:
                close = difflib.get_close_matches(key, keys, n=1)
                hint = f"did you mean '{close[0]}'?" if close else f"use one of: {', '.join(keys)}"
                yield (*here, i), f"'{key}' is not an activity", hint
        if len(set(means)) < 2:
            yield (
                here,
                f"'{word}' means fewer than two activities",
                "list two or more activity keys, or make it an alias of the one activity",
            )


def _procedure_checks(model: RulesModel) -> Iterator[Finding]:
    """Each other procedure, as the main protocol with its changes, follows the same rules."""
    main: list[tuple[Where, str, ActivityModel]] = [
        (("activities", key), key, act) for key, act in model.activities.items()
    ]
    owner: dict[str, str] = {normalize_name(model.protocol.procedure["en"]): ""}
    for key, proc in model.procedures.items():
        here: Where = ("procedures", key)
        names = [((*here,), key), ((*here, "name", "en"), proc.name["en"])]
        names += [((*here, "aliases", i), alias) for i, alias in enumerate(proc.aliases)]
        for loc, name in names:
            folded = normalize_name(name)
            if not folded:
                yield loc, "an empty name", "write a name the nurse would type after --procedure"
                continue
            first = owner.setdefault(folded, key)
            if first != key:
                what = f"'{first}'" if first else "the main procedure"
                yield loc, f"'{name}' already names {what}", "give each procedure its own names"
        # The shared activities first, so that a clash is reported where the procedure wrote it.
        merged: list[tuple[Where, str, ActivityModel]] = [
            (("activities", k), k, a)
            for k, a in model.activities.items()
            if k not in proc.activities
        ]
        merged += [((*here, "activities", k), k, a) for k, a in proc.activities.items()]
        known = frozenset(_clashes(main))  # a clash in the main protocol is reported there
        for finding in _name_checks(merged, known):
            if finding[0][:2] == here:  # the main protocol's own names are checked once
                yield finding
        for k, act in proc.activities.items():
            yield from activity_checks((*here, "activities", k), k, act)
        yield from _shared_word_checks(model.shared_words, merged, here)
        main_findings = set(_involves_checks(main))
        for finding in _involves_checks(merged, f" for {key}"):
            if finding[0][:2] == here or finding[0] not in {f[0] for f in main_findings}:
                yield finding
        yield from window_checks(
            proc.care or [], (*here, "care"), proc.milestones or [], (*here, "milestones")
        )


def _rule_sources(model: RulesModel) -> Iterator[tuple[Where, list[str] | None]]:
    for key, act in model.activities.items():
        yield from _activity_sources(("activities", key), act)
    for i, care in enumerate(model.care):
        yield ("care", i, "source"), care.source
    for i, milestone in enumerate(model.milestones):
        yield ("milestones", i, "source"), milestone.source
    for tier in Tier:
        for i, sign in enumerate(getattr(model.warning_signs, tier.value)):
            yield ("warning_signs", tier.value, i, "source"), sign.source
    for i, guide in enumerate(model.guidance):
        yield ("guidance", i, "source"), guide.source
    for pkey, proc in model.procedures.items():
        here: Where = ("procedures", pkey)
        yield (*here, "source"), proc.source
        for key, act in proc.activities.items():
            yield from _activity_sources((*here, "activities", key), act)
        for i, care in enumerate(proc.care or []):
            yield (*here, "care", i, "source"), care.source
        for i, milestone in enumerate(proc.milestones or []):
            yield (*here, "milestones", i, "source"), milestone.source


def _activity_sources(loc: Where, act: ActivityModel) -> Iterator[tuple[Where, list[str] | None]]:
    yield (*loc, "source"), act.source
    for i, lim in enumerate(act.limits):
        yield (*loc, "limits", i, "source"), lim.source
    for i, caution in enumerate(act.cautions):
        yield (*loc, "cautions", i, "source"), caution.source


def _source_checks(model: RulesModel) -> Iterator[Finding]:
    known = sorted(model.sources)
    for loc, cited in _rule_sources(model):
        refs = cited or []  # a rule without a source is allowed; 'vplan rules lint' warns
        for i, ref in enumerate(refs):
            if ref not in model.sources:
                close = difflib.get_close_matches(ref, known, n=1)
                hint = f"did you mean '{close[0]}'?" if close else f"use one of: {', '.join(known)}"
                step: Where = (i,) if len(refs) > 1 else ()
                yield (*loc, *step), f"source '{ref}' is not listed under 'sources:'", hint


def _names(at: Where, key: str, act: ActivityModel) -> list[tuple[Where, str]]:
    return [
        (at, key),
        ((*at, "name", "en"), act.name["en"]),
        *(((*at, "aliases", i), alias) for i, alias in enumerate(act.aliases)),
        *(
            ((*at, "synonyms", lang, i), word)
            for lang, words in act.synonyms.items()
            for i, word in enumerate(words)
        ),
    ]


def _clashes(activities: Sequence[tuple[Where, str, ActivityModel]]) -> set[str]:
    """The folded names that more than one activity uses."""
    owners: dict[str, set[str]] = {}
    for at, key, act in activities:
        for _, name in _names(at, key, act):
            owners.setdefault(normalize_name(name), set()).add(key)
    return {name for name, keys in owners.items() if len(keys) > 1}


def name_problem(name: str) -> tuple[str, str] | None:
    """What is wrong with an activity's name or alias on its own, and the fix; None if nothing.

    An empty name, one longer than ``MAX_NAME``, or one that starts with a digit (which
    'vplan check' would read as a weight). Rules and orders are held to the same.
    """
    folded = normalize_name(name)
    if not folded:
        return "an empty name", "write a word patients would type"
    if len(name) > MAX_NAME:
        return (
            f"the name is {len(name):,} characters long, more than the {MAX_NAME} a name may have",
            "write a few words patients would type",
        )
    if folded[0].isdigit():
        return (
            f"'{name}' starts with a digit, so 'vplan check' would read it as a weight",
            "start the name with a letter",
        )
    return None


OWN_NAMES = "give each activity its own names and aliases"


def name_finding(
    loc: Where, name: str, key: str, owner: dict[str, str], remedy: str
) -> Finding | None:
    """What is wrong with ``name`` given to activity ``key``: itself, or that it is taken.

    ``owner`` maps each folded name seen so far to its activity, and takes this one; ``remedy``
    is what to write instead when the name is another activity's.
    """
    problem = name_problem(name)
    if problem is not None:
        return (loc, *problem)
    folded = normalize_name(name)
    if owner.setdefault(folded, key) != key:
        return (loc, f"'{name}' already names the activity '{owner[folded]}'", remedy)
    return None


def _name_checks(
    activities: Sequence[tuple[Where, str, ActivityModel]], known: frozenset[str] = frozenset()
) -> Iterator[Finding]:
    """Names that are empty, start with a digit or name two activities (except ``known`` ones)."""
    owner: dict[str, str] = {}
    for at, key, act in activities:
        for loc, name in _names(at, key, act):
            if normalize_name(name) in known:
                continue
            found = name_finding(
                loc, name, key, owner, "give each activity its own names and aliases"
            )
            if found is not None:
                yield found


def says_nothing(at: Where, key: str) -> Iterator[Finding]:
    """An activity with no limit, advice or caution: ``check`` would say yes by omission."""
    yield (
        at,
        f"'{key}' has no limits, no advice and no caution, so 'vplan check' would answer a "
        "plain yes that no rule gives",
        "add its 'limits:' ('until: cleared' leaves it to the care team), or 'advice:' that "
        "says how to do it",
    )


def activity_checks(at: Where, key: str, act: ActivityModel) -> Iterator[Finding]:
    """What is wrong with a whole activity of the rules: that it says nothing, its limits."""
    if not act.limits and act.advice is None and not act.cautions:
        yield from says_nothing(at, key)
    yield from limit_checks(at, key, act)


def limit_checks(at: Where, key: str, act: ActivityModel) -> Iterator[Finding]:
    """What is wrong with an activity's limits, taken together.

    Each ends after it starts, the first starts on day 0, each follows the one before
    without a gap or an overlap, and 'max', 'with_care' and 'then' fit the activity.

    ``at`` is where the activity is in the file and ``key`` its name, for the findings.
    """
    base: Where = (*at, "limits")
    previous_end: Duration | None = None
    previous_index = -1
    if act.then is not None and not act.limits:
        yield (
            (*at, "then"),
            f"'{key}' has no limits, so nothing ends for 'then' to follow",
            "write it as 'advice', or add the limits it follows",
        )
    for i, lim in enumerate(act.limits):
        start = lim.start
        end = None if isinstance(lim.until, str) else lim.until  # str: 'cleared'
        if lim.with_care and lim.max is not None:
            yield (
                (*base, i, "with_care"),
                "a limit with 'max' already allows what is under it",
                "remove 'with_care', or remove 'max' and say the condition in the text",
            )
        if lim.max is not None and act.measure is None:
            yield (
                (*base, i, "max"),
                f"'{key}' is not measured, so its limits can't have 'max'",
                "remove 'max', or add 'measure: weight' to the activity",
            )
        if end is not None and end.day_bounds()[0] <= start.day_bounds()[1]:
            yield (
                (*base, i, "until"),
                f"the limit ends ({lim.until}) before or when it starts ({lim.start})",
                "make 'until' later than 'from'",
            )
        if previous_index < 0 and start.amount != 0:
            yield (
                (*base, i, "from"),
                f"the first limit starts at {lim.start}, so '{key}' would be allowed, then limited",
                "start the first limit at '0 days' (leave out 'from')",
            )
        if previous_index >= 0 and previous_end is None:
            yield (
                (*base, i, "from"),
                f"limit {i + 1} comes after a limit that lasts until the care team clears it",
                "put the 'until: cleared' limit last, or give the earlier limit an end",
            )
        elif previous_end is not None and not _same_time(previous_end, start):
            earlier = f"limit {previous_index + 1} (until {previous_end})"
            if previous_end.day_bounds()[1] <= start.day_bounds()[0]:
                what = f"limit {i + 1} (from {lim.start}) starts after {earlier} ends"
                what += f", so '{key}' would be allowed, then limited again"
            else:
                what = f"limit {i + 1} (from {lim.start}) overlaps {earlier}"
                what += "" if previous_end.unit == start.unit else " for some procedure dates"
            yield (
                (*base, i, "from"),
                what,
                f"start it at '{previous_end}', where limit {previous_index + 1} ends",
            )
        previous_end, previous_index = end, i


def _limited_until(act: ActivityModel) -> Duration | bool | None:
    """When the activity's last limit ends: ``None`` for 'cleared', ``False`` with no limit."""
    if not act.limits:
        return False
    last = act.limits[-1].until
    return None if isinstance(last, str) else last  # str: 'cleared'


def ends_by(first: Duration | bool | None, second: Duration | bool | None) -> bool:
    """Whether a limit ending at ``first`` lasts at least as long as one ending at ``second``.

    Both cover day 0 onwards (limits are back to back from the procedure day), so the
    later end covers the other for every procedure date.
    """
    if second is False or first is None:
        return True
    if first is False or second is None:
        return False
    assert isinstance(first, Duration)
    assert isinstance(second, Duration)
    if first.unit == "months" and second.unit == "months":
        return first.amount >= second.amount
    return first.day_bounds()[0] >= second.day_bounds()[1]


def _involves_checks(
    activities: Sequence[tuple[Where, str, ActivityModel]], context: str = ""
) -> Iterator[Finding]:
    """An activity is never allowed on a day when something it involves is limited."""
    by_key = {key: act for _, key, act in activities}
    for at, key, act in activities:
        for i, other in enumerate(act.involves):
            loc: Where = (*at, "involves", i)
            if other not in by_key:
                close = difflib.get_close_matches(other, sorted(by_key), n=1)
                hint = f"did you mean '{close[0]}'?" if close else "name an activity's key"
                yield loc, f"'{key}' involves '{other}', which is not an activity{context}", hint
                continue
            if other == key:
                yield loc, f"'{key}' involves itself", "remove it from 'involves'"
                continue
            forbidden = _careful_while_forbidden(act, by_key[other])
            if forbidden is not None:
                yield (
                    (*at, "limits", forbidden, "with_care"),
                    f"'{key}' would be allowed with care{context} while '{other}', which it "
                    "involves, is not allowed at all",
                    f"remove 'with_care' from this limit, or make the limit of '{other}' "
                    "'with_care' too",
                )
            mine, theirs = _limited_until(act), _limited_until(by_key[other])
            if ends_by(mine, theirs):
                continue
            ends = "until the care team clears it" if theirs is None else f"until {theirs}"
            allowed = "from the procedure day" if mine is False else f"from {mine}"
            needed = "cleared" if theirs is None else str(theirs)
            yield (
                loc,
                f"'{key}' would be allowed {allowed}{context}, but it involves '{other}', "
                f"which is limited {ends}",
                f"make the last limit of '{key}' last until '{needed}' or later, "
                f"or remove '{other}' from its 'involves'",
            )


def _careful_while_forbidden(act: ActivityModel, other: ActivityModel) -> int | None:
    """The first limit of ``act`` allowed with care while ``other`` forbids, for some date."""
    for i, lim in enumerate(act.limits):
        if not lim.with_care:
            continue
        for theirs in other.limits:
            if theirs.with_care or theirs.max is not None:
                continue
            if _may_overlap(lim.start, lim.until, theirs.start, theirs.until):
                return i
    return None


def _may_overlap(
    start: Duration, end: Duration | str, other_start: Duration, other_end: Duration | str
) -> bool:
    """Whether two spans of days share a day for some procedure date (str: 'cleared')."""
    starts_before = isinstance(other_end, str) or start.day_bounds()[0] < other_end.day_bounds()[1]
    other_before = isinstance(end, str) or other_start.day_bounds()[0] < end.day_bounds()[1]
    return starts_before and other_before


def _same_time(a: Duration, b: Duration) -> bool:
    """Whether two durations end on the same day for every procedure date."""
    if (a.unit == "months") != (b.unit == "months"):
        return False
    return a.day_bounds() == b.day_bounds()


def window_checks(
    care: Sequence[CareModel],
    care_at: Where,
    milestones: Sequence[MilestoneModel],
    events_at: Where,
) -> Iterator[Finding]:
    """What is wrong with the spans of care items and milestones, taken together.

    Each ends after it starts, and only one milestone is the follow-up visit.

    ``care_at`` and ``events_at`` are where the two lists are in the file.
    """
    spans: list[tuple[Where, Duration, Duration | None, str]] = [
        ((*care_at, i, "until"), c.start, c.until, "from") for i, c in enumerate(care)
    ]
    spans += [((*events_at, i, "by"), m.at, m.by, "at") for i, m in enumerate(milestones)]
    visits = [i for i, m in enumerate(milestones) if m.kind == "follow_up"]
    for i in visits[1:]:
        yield (
            (*events_at, i, "kind"),
            "a second milestone marked 'kind: follow_up'",
            "mark only the follow-up visit; remove 'kind' from the other",
        )
    for loc, start, end, start_key in spans:
        if end is None:
            continue
        if end.day_bounds()[0] <= start.day_bounds()[1]:
            yield (
                loc,
                f"'{loc[-1]}' ({end}) is not after '{start_key}' ({start})",
                f"make '{loc[-1]}' later than '{start_key}'",
            )


def _sign_checks(model: RulesModel) -> Sequence[Finding]:
    if model.warning_signs.emergency:
        return []
    return [
        (
            ("warning_signs", "emergency"),
            "there is no emergency warning sign",
            "list at least one sign that means 'call the emergency number'",
        )
    ]
