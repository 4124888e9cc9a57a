"""Every ``flask --app wsgi …`` command the README names exists, with every option it shows."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import pytest
from flask import Flask

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
# A command from "flask --app wsgi" up to a comment, a closing backtick or the end of the line.
COMMAND = re.compile(r"flask --app wsgi ([^`#\n|&)\"]+)")
# Commands Flask itself provides (the app's CLI only adds groups beside them).
FLASK_OWN = {"run", "shell", "routes"}


def readme_commands() -> list[str]:
    return sorted({match.group(1).strip() for match in COMMAND.finditer(README)})


def _resolve(app: Flask, words: list[str]) -> tuple[click.Command, list[str]]:
    command: click.Command = app.cli
    context = click.Context(app.cli)
    rest = list(words)
    while isinstance(command, click.Group) and rest and not rest[0].startswith("-"):
        found = command.get_command(context, rest[0])
        assert found is not None, f"no command {rest[0]!r} in `flask --app wsgi {' '.join(words)}`"
        command, rest = found, rest[1:]
    return command, rest


def test_the_readme_names_commands() -> None:
    assert len(readme_commands()) > 20


@pytest.mark.parametrize("line", readme_commands())
def test_each_readme_command_and_option_exists(app: Flask, line: str) -> None:
    words = shlex.split(line.replace("[", " ").replace("]", " ").replace("|", " "))
    if words[0] in FLASK_OWN:
        return
    command, rest = _resolve(app, words)
    assert not isinstance(command, click.Group), f"`{line}` names a group, not a command"
    known = {option for param in command.params for option in param.opts}
    for word in rest:
        if word.startswith("--"):
            assert word.split("=", 1)[0] in known, f"`{line}`: {command.name} has no {word}"
