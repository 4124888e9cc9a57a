"""Find, read, check and cache taxonomy versions.

A root directory holds one directory per version (``1.0.0/``), each with ``taxonomy.toml``
(metadata, frameworks and the list of dimension files), the dimension files, an optional
``regimes.toml`` and, for every version after the first, an optional ``changes.toml``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from taxonomy._check_refs import (
    FieldAt,
    check_condition,
    check_criteria,
    check_regimes,
    check_related,
)
from taxonomy._checks import check_dimension, check_frameworks, check_unique
from taxonomy._parse import parse_dimension, parse_frameworks, parse_regime
from taxonomy._reader import Problems, Table, Where
from taxonomy.changes import Changes, check_changes, parse_changes
from taxonomy.errors import TaxonomyDataError
from taxonomy.model import Dimension, Field, Framework, Regime, Taxonomy
from taxonomy.patterns import VERSION

DATA_ROOT = Path(__file__).resolve().parent / "data"
"""Where the released versions are shipped."""

_PACKAGE_PARENT = DATA_ROOT.parent.parent
_OWN_FILES = ("taxonomy.toml", "regimes.toml", "changes.toml")


def version_key(version: str) -> tuple[int, ...]:
    """Return a sort key ordering ``MAJOR.MINOR.PATCH`` versions semantically."""
    return tuple(int(part) for part in version.split("."))


def versions(root: Path | None = None) -> tuple[str, ...]:
    """Return the versions under ``root`` (default: the shipped data), oldest first."""
    return _shipped_versions() if root is None else _versions_in(root)


@functools.lru_cache(maxsize=1)
def _shipped_versions() -> tuple[str, ...]:
    # The shipped data does not change while a process runs; reports validate against it
    # many times a second, so its directory is listed once.
    return _versions_in(DATA_ROOT)


def _versions_in(base: Path) -> tuple[str, ...]:
    found = [each.name for each in base.iterdir() if each.is_dir() and VERSION.fullmatch(each.name)]
    return tuple(sorted(found, key=version_key))


def load(version: str | None = None, *, root: Path | None = None) -> Taxonomy:
    """Return the taxonomy of ``version`` (default: the latest) from ``root``.

    ``root`` defaults to the shipped data; tests and other tools may pass their own. Loads are
    cached per version and root. Raises ``ValueError`` for a version that does not exist and
    ``TaxonomyDataError`` (listing every problem) when the data is invalid.
    """
    base = DATA_ROOT if root is None else root.resolve()
    available = versions(root and base)
    if version is None:
        if not available:
            raise ValueError(f"{_display(base)}: no taxonomy versions found")
        version = available[-1]
    if version not in available:
        raise ValueError(
            f"unknown taxonomy version '{version}'; available: {', '.join(available) or 'none'}"
        )
    return _load(version, base)


@functools.lru_cache(maxsize=64)
def _load(version: str, root: Path) -> Taxonomy:
    problems = Problems()
    taxonomy = _read_version(root, version, problems)
    if problems.messages:
        raise TaxonomyDataError(problems.messages)
    return taxonomy


def clear_cache() -> None:
    """Forget every loaded version and the shipped version list (after data files change)."""
    _load.cache_clear()
    _shipped_versions.cache_clear()


def check(root: Path | None = None) -> list[str]:
    """Return every data problem of every version under ``root``; empty when all is well."""
    base = (root or DATA_ROOT).resolve()
    found: list[str] = []
    available = versions(base)
    if not available:
        return [f"{_display(base)}: no taxonomy versions found"]
    for version in available:
        try:
            load(version, root=base)
        except TaxonomyDataError as error:
            found.extend(error.problems)
    return found


def _display(path: Path) -> str:
    """Show shipped files as ``taxonomy/data/...``; other files by their full path."""
    try:
        return path.relative_to(_PACKAGE_PARENT).as_posix()
    except ValueError:
        return str(path)


def _read_toml(path: Path, problems: Problems) -> dict[str, Any] | None:
    where = Where(_display(path))
    try:
        with path.open("rb") as file:
            return tomllib.load(file)
    except FileNotFoundError:
        problems.add(where, "file not found")
    except tomllib.TOMLDecodeError as error:
        problems.add(where, f"not valid TOML: {error}")
    return None


def _read_version(root: Path, version: str, problems: Problems) -> Taxonomy:
    directory = root / version
    meta_path = directory / "taxonomy.toml"
    where = Where(_display(meta_path))
    table = Table(_read_toml(meta_path, problems) or {}, where, problems)
    declared = table.text("version")
    if declared and declared != version:
        problems.add(where, f"'version' is '{declared}' but the directory is '{version}'")
    released_on, title = table.date("released_on"), table.text("title")
    files = table.texts("files")
    frameworks = parse_frameworks(table.raw("frameworks"), where, problems)
    table.done()
    check_frameworks(frameworks, where, problems)
    dimensions = _read_dimensions(directory, files, frameworks, problems)
    field_at = _field_finder(dimensions)
    regimes = _read_regimes(directory / "regimes.toml", field_at, problems)
    changes, previous = _read_changes(directory / "changes.toml", root, field_at, problems)
    return Taxonomy(
        version=version,
        released_on=released_on or dt.date.min,
        title=title,
        frameworks=MappingProxyType(frameworks),
        dimensions=_with_replacements(dimensions, changes, previous),
        regimes=regimes,
        changes=changes,
        source=directory,
    )


def _read_dimensions(
    directory: Path, files: Iterable[str], frameworks: Mapping[str, Framework], problems: Problems
) -> tuple[Dimension, ...]:
    placed: list[tuple[Where, Dimension]] = []
    for name in files:
        path = directory / name
        data = _read_toml(path, problems)
        if data is None:
            continue
        top = Table(data, Where(_display(path)), problems)
        for raw in top.tables("dimension"):
            dimension = parse_dimension(raw, top.where, problems)
            placed.append((top.where.child("dimension", dimension.id), dimension))
        top.done()
    for path in sorted(directory.glob("*.toml")):
        if path.name not in files and path.name not in _OWN_FILES:
            problems.add(Where(_display(path)), "not listed in 'files' of taxonomy.toml")
    ids = [dimension.id for _, dimension in placed]
    check_unique(ids, Where(_display(directory)), "dimension", problems)
    field_at = _field_finder(dimension for _, dimension in placed)
    for where, dimension in placed:
        check_dimension(dimension, where, frameworks, problems)
        for each in (dimension, *dimension.fields):
            check_related(each, where, field_at, problems)
        if dimension.required_when is not None:
            setting = where.child("setting", "required_when")
            check_condition(dimension.required_when, setting, field_at, problems)
    check_criteria(placed, frameworks, problems)
    return tuple(dimension for _, dimension in placed)


def _field_finder(dimensions: Iterable[Dimension]) -> FieldAt:
    index: dict[str, Dimension] = {}
    for dimension in dimensions:
        index.setdefault(dimension.id, dimension)

    def field_at(path: str) -> Field | None:
        head, _, rest = path.partition(".")
        found: Field | None = index.get(head)
        if found is not None and rest:
            found = found.field(rest)
        return found

    return field_at


def _read_regimes(path: Path, field_at: FieldAt, problems: Problems) -> tuple[Regime, ...]:
    if not path.exists():
        return ()
    where = Where(_display(path))
    top = Table(_read_toml(path, problems) or {}, where, problems)
    regimes = tuple(parse_regime(raw, where, problems) for raw in top.tables("regime"))
    top.done()
    check_regimes(regimes, where, field_at, problems)
    return regimes


def _read_changes(
    path: Path, root: Path, field_at: FieldAt, problems: Problems
) -> tuple[Changes | None, Taxonomy | None]:
    if not path.exists():
        return None, None
    where = Where(_display(path))
    changes = parse_changes(_read_toml(path, problems) or {}, where, problems)
    try:
        previous = load(changes.previous, root=root)
    except ValueError:
        problems.add(where, f"previous version '{changes.previous}' does not exist")
        return changes, None
    except TaxonomyDataError:
        problems.add(where, f"previous version '{changes.previous}' has problems; fix it first")
        return changes, None
    check_changes(changes, where, previous.field_at, field_at, problems)
    return changes, previous


def _with_replacements(
    dimensions: tuple[Dimension, ...], changes: Changes | None, previous: Taxonomy | None
) -> tuple[Dimension, ...]:
    """Record on each deprecated value the value that replaced it: from this version's
    ``changes``, else as the previous version recorded it."""
    if changes is None or previous is None:
        return dimensions
    successors: dict[tuple[str, str], str] = {}
    for dimension in dimensions:
        for owner in (dimension, *dimension.fields):
            earlier = previous.field_at(changes.old_dimension_id(owner.path))
            for value in earlier.values if earlier is not None else ():
                if value.replaced_by is not None:
                    successors[owner.path, value.id] = value.replaced_by
    for move in changes.moves:
        for source in move.sources:
            if move.targets:
                successors[move.dimension, source] = move.default or move.targets[0]
    return tuple(_replace_in(dimension, successors) for dimension in dimensions)


def _replace_in(dimension: Dimension, successors: Mapping[tuple[str, str], str]) -> Dimension:
    def values(owner: Field) -> Any:
        return tuple(
            dataclasses.replace(value, replaced_by=successors.get((owner.path, value.id)))
            if value.deprecated
            else value
            for value in owner.values
        )

    fields = tuple(dataclasses.replace(each, values=values(each)) for each in dimension.fields)
    return dataclasses.replace(dimension, values=values(dimension), fields=fields)
