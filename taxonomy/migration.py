"""Carry a classification from the taxonomy version it was made in to a later one.

Each version's ``changes.toml`` says how ids moved from the version before; ``migrate`` applies
them in turn, so a 1.0.0 classification reaches 1.2.0 through 1.1.0.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from taxonomy.changes import Changes, ValueMove
from taxonomy.loader import load, version_key, versions
from taxonomy.model import Taxonomy


@dataclass(frozen=True)
class MigrationNote:
    """One thing migration did, or that a person must check (``needs_attention``)."""

    version: str
    path: str
    message: str
    needs_attention: bool = False


@dataclass(frozen=True)
class Migration:
    """The result of ``migrate``: the new classification and what happened to it.

    ``dropped`` keeps the values of dimensions that no longer exist, so nothing is lost.
    """

    from_version: str
    to_version: str
    classification: dict[str, object]
    notes: tuple[MigrationNote, ...] = ()
    dropped: dict[str, object] = field(default_factory=dict)

    @property
    def needs_attention(self) -> bool:
        """Whether a person should review the migrated classification."""
        return any(note.needs_attention for note in self.notes)


def migrate(
    classification: Mapping[str, object],
    from_version: str,
    to_version: str,
    *,
    root: Path | None = None,
) -> Migration:
    """Return ``classification`` (made in ``from_version``) migrated to ``to_version``.

    The input is not changed. Raises ``ValueError`` for an unknown version or when
    ``to_version`` is older than ``from_version`` (ids only move forward).
    """
    steps = _steps(from_version, to_version, root)
    current = copy.deepcopy(dict(classification))
    notes: list[MigrationNote] = []
    dropped: dict[str, object] = {}
    for taxonomy in steps:
        changes = taxonomy.changes or Changes(previous="")
        current = _rename_dimensions(current, changes, taxonomy.version, notes)
        for move in changes.moves:
            _apply_move(current, move, taxonomy, notes)
        _drop_unknown(current, taxonomy, notes, dropped)
        _flag_deprecated(current, taxonomy, notes)
    return Migration(from_version, to_version, current, tuple(notes), dropped)


def _steps(from_version: str, to_version: str, root: Path | None) -> list[Taxonomy]:
    available = versions(root)
    for version in (from_version, to_version):
        if version not in available:
            raise ValueError(f"unknown taxonomy version '{version}'")
    if version_key(to_version) < version_key(from_version):
        raise ValueError(f"cannot migrate back from {from_version} to {to_version}")
    later = [
        each
        for each in available
        if version_key(from_version) < version_key(each) <= version_key(to_version)
    ]
    return [load(each, root=root) for each in later]


def _rename_dimensions(
    current: dict[str, object], changes: Changes, version: str, notes: list[MigrationNote]
) -> dict[str, object]:
    renames = dict(changes.renamed_dimensions)
    renamed: dict[str, object] = {}
    for key, value in current.items():
        new = renames.get(key, key)
        if new != key:
            notes.append(MigrationNote(version, new, f"Dimension '{key}' is now '{new}'."))
        renamed[new] = value
    return renamed


def _apply_move(
    current: dict[str, object], move: ValueMove, taxonomy: Taxonomy, notes: list[MigrationNote]
) -> None:
    """Replace the moved values; a retired value without a replacement is left for
    ``_flag_deprecated`` to report."""
    head, _, sub = move.dimension.partition(".")
    holder = current.get(head) if sub else current
    key = sub or head
    if not move.targets or not isinstance(holder, dict) or key not in holder:
        return
    found = holder[key]
    if isinstance(found, str) and found in move.sources:
        holder[key] = move.default or move.targets[0]
        notes.append(_note(move, found, taxonomy.version, multi=False))
    elif isinstance(found, list):
        result: list[object] = []
        for item in found:
            moved = isinstance(item, str) and item in move.sources
            if moved:
                notes.append(_note(move, str(item), taxonomy.version, multi=True))
            replacements = move.targets if moved else (item,)
            result.extend(each for each in replacements if each not in result)
        holder[key] = result


def _note(move: ValueMove, source: str, version: str, *, multi: bool) -> MigrationNote:
    targets = ", ".join(f"'{each}'" for each in move.targets)
    match move.kind:
        case "renamed":
            text, attention = f"'{source}' is now {targets}.", False
        case "merged":
            text, attention = f"'{source}' was merged into {targets}.", False
        case "split" if multi:
            text, attention = f"'{source}' was split into {targets}; all were kept.", True
        case "split":
            text = f"'{source}' was split into {targets}; '{move.default}' was chosen."
            attention = True
        case _:
            text, attention = f"'{source}' was retired; replaced by {targets}.", True
    if attention:
        text += " Check that this fits."
    return MigrationNote(version, move.dimension, text, attention)


def _drop_unknown(
    current: dict[str, object],
    taxonomy: Taxonomy,
    notes: list[MigrationNote],
    dropped: dict[str, object],
) -> None:
    for key in [each for each in current if not taxonomy.has_dimension(each)]:
        dropped[key] = current.pop(key)
        message = f"'{key}' is not a dimension of {taxonomy.version}; its value was set aside."
        notes.append(MigrationNote(taxonomy.version, key, message, needs_attention=True))


def _flag_deprecated(
    current: dict[str, object], taxonomy: Taxonomy, notes: list[MigrationNote]
) -> None:
    for key, found in current.items():
        field = taxonomy.dimension(key)
        items = found if isinstance(found, list) else [found]
        for item in items:
            value = field.value(item) if isinstance(item, str) else None
            if value is not None and value.deprecated:
                message = f"'{item}' is retired in {taxonomy.version}; choose another value."
                notes.append(MigrationNote(taxonomy.version, key, message, needs_attention=True))
