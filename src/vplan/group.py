"""The command line's group: each command built from its declaration when it is looked up.

Typer makes every command of an app (reading each option from its function's signature)
before it runs one. ``command_group`` makes the group as typer does, without its
commands, and gives it ``Declared`` commands instead: a command, or a sub-group such as
``rules``, is built the first time it is looked up. ``vplan check`` builds ``check``
alone; ``vplan --help`` looks up, and so builds, every one; a mistyped command's
suggestion reads the names only.
"""

# No ``from __future__ import annotations``, as in cli.py: typer's objects are used as is.
import copy
from collections.abc import Callable, Iterator, MutableMapping
from functools import partial
from typing import TYPE_CHECKING

import typer
from typer.main import (
    get_command_from_info,
    get_command_name,
    get_group_from_info,
    solve_typer_info_defaults,
)
from typer.models import TyperInfo

if TYPE_CHECKING:
    from typer._click import Command  # typer's own copy of click
    from typer.core import TyperGroup


class Declared(MutableMapping[str, "Command"]):
    """A group's commands by name, in the order declared, each built when first looked up."""

    def __init__(self, builders: dict[str, Callable[[], "Command"]]) -> None:
        self._builders = builders
        self._built: dict[str, Command] = {}

    def __getitem__(self, name: str) -> "Command":
        """The command ``name``, built now if it was not yet (KeyError for no such command)."""
        if name not in self._built:
            self._built[name] = self._builders[name]()
        return self._built[name]

    def __setitem__(self, name: str, command: "Command") -> None:
        self._builders[name] = partial(_same, command)
        self._built[name] = command

    def __delitem__(self, name: str) -> None:
        del self._builders[name]
        self._built.pop(name, None)

    def __contains__(self, name: object) -> bool:
        return name in self._builders

    def __iter__(self) -> Iterator[str]:
        return iter(self._builders)

    def __len__(self) -> int:
        return len(self._builders)


def _same(command: "Command") -> "Command":
    return command


def command_group(app: typer.Typer) -> "TyperGroup":
    """The group ``typer.main.get_command(app)`` makes, its commands built when looked up.

    ``app`` has more than one command and no shell completion options (``add_completion``
    off), as vplan's has.
    """
    return _group(TyperInfo(app), app)


def _group(info: TyperInfo, app: typer.Typer) -> "TyperGroup":
    """The group of ``info`` (the app's, or a sub-app's as added), with ``Declared`` commands."""
    declared = info.typer_instance
    assert declared is not None
    bare = copy.copy(declared)
    bare.registered_commands = []
    bare.registered_groups = []
    alone = copy.copy(info)
    alone.typer_instance = bare
    group = get_group_from_info(
        alone,
        pretty_exceptions_short=app.pretty_exceptions_short,
        rich_markup_mode=app.rich_markup_mode,
        suggest_commands=app.suggest_commands,
    )
    builders: dict[str, Callable[[], Command]] = {}
    for command in declared.registered_commands:
        assert command.callback is not None
        name = command.name or get_command_name(command.callback.__name__)
        builders[name] = partial(
            get_command_from_info,
            command,
            pretty_exceptions_short=app.pretty_exceptions_short,
            rich_markup_mode=app.rich_markup_mode,
        )
    for sub in declared.registered_groups:
        sub_name = solve_typer_info_defaults(sub).name
        assert sub_name, "every sub-app is added with a name"
        builders[sub_name] = partial(_group, sub, app)
    group.commands = Declared(builders)
    return group
