"""Command line: ``python -m taxonomy check | versions | diff A B`` (``--root DIR`` for data
outside the package). ``check`` exits 1 and lists every problem when the data is invalid."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from taxonomy.diff import diff, format_diff
from taxonomy.loader import check, versions


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command in ``argv`` (default: ``sys.argv``); return the exit status."""
    parser = argparse.ArgumentParser(prog="taxonomy", description=__doc__)
    parser.add_argument("--root", type=Path, help="directory of version directories")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("check", help="check every version's data")
    commands.add_parser("versions", help="list the versions")
    compare = commands.add_parser("diff", help="show what changed between two versions")
    compare.add_argument("old")
    compare.add_argument("new")
    arguments = parser.parse_args(argv)
    if arguments.command == "check":
        problems = check(arguments.root)
        for problem in problems:
            print(problem, file=sys.stderr)
        if problems:
            return 1
        print(f"OK: {', '.join(versions(arguments.root))}")
    elif arguments.command == "versions":
        print("\n".join(versions(arguments.root)))
    else:
        try:
            result = diff(arguments.old, arguments.new, root=arguments.root)
        except ValueError as error:
            print(error, file=sys.stderr)
            return 2
        print(format_diff(result), end="")
    return 0
