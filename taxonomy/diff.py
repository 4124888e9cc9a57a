"""What changed between two taxonomy versions, as data and as text."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from taxonomy.changes import ValueMove
from taxonomy.loader import load, version_key, versions
from taxonomy.model import Field, Taxonomy

_ATTRIBUTES = ("label", "definition", "kind", "required", "visibility", "facet")

KINDS_OF_CHANGE = {
    "dimension_added": "Dimensions added",
    "dimension_removed": "Dimensions removed",
    "dimension_renamed": "Dimensions renamed",
    "field_added": "Fields added",
    "field_removed": "Fields removed",
    "value_added": "Values added",
    "value_removed": "Values removed",
    "value_renamed": "Values renamed",
    "value_split": "Values split",
    "value_merged": "Values merged",
    "value_deprecated": "Values retired (deprecated)",
    "changed": "Labels, definitions and settings changed",
}
"""The kinds of change, in the order ``format_diff`` prints them, with their headings."""


@dataclass(frozen=True)
class Change:
    """One change. ``path`` is a dimension (``harm_type``), a sub-field (``ai_system.access``)
    or a value (``harm_type.other``), with the ids of the newer version. ``old`` and ``new``
    hold the ids or attribute values before and after; ``attribute`` names what changed."""

    kind: str
    path: str
    old: str = ""
    new: str = ""
    attribute: str = ""


@dataclass(frozen=True)
class TaxonomyDiff:
    """The changes from ``from_version`` to ``to_version``, grouped by ``kind``."""

    from_version: str
    to_version: str
    changes: tuple[Change, ...]

    def of_kind(self, kind: str) -> tuple[Change, ...]:
        """Return the changes of one kind (a key of ``KINDS_OF_CHANGE``)."""
        return tuple(each for each in self.changes if each.kind == kind)


def diff(a: str, b: str, *, root: Path | None = None) -> TaxonomyDiff:
    """Return the changes from version ``a`` to the later version ``b``.

    Renames, splits and merges come from the ``changes.toml`` of the versions in between.
    Raises ``ValueError`` for unknown versions or when ``b`` is older than ``a``.
    """
    for version in (a, b):
        if version not in versions(root):
            raise ValueError(f"unknown taxonomy version '{version}'")
    if version_key(b) < version_key(a):
        raise ValueError(f"diff goes forward: {b} is older than {a}")
    old, new = load(a, root=root), load(b, root=root)
    steps = [
        load(each, root=root)
        for each in versions(root)
        if version_key(a) < version_key(each) <= version_key(b)
    ]
    dimension_names, moves = _composed_moves(steps)
    changes = _dimension_changes(old, new, dimension_names, moves)
    return TaxonomyDiff(a, b, tuple(changes))


def _composed_moves(steps: Iterable[Taxonomy]) -> tuple[dict[str, str], list[ValueMove]]:
    """Follow dimension renames across steps: old id -> newest id; collect value moves."""
    names: dict[str, str] = {}
    moves: list[ValueMove] = []
    for step in steps:
        if step.changes is None:
            continue
        for old, new in step.changes.renamed_dimensions:
            names = {first: new if now == old else now for first, now in names.items()}
            names.setdefault(old, new)
        moves.extend(step.changes.moves)
    return names, moves


def _dimension_changes(
    old: Taxonomy, new: Taxonomy, names: dict[str, str], moves: list[ValueMove]
) -> list[Change]:
    changes: list[Change] = []
    matched: set[str] = set()
    for before in old.dimensions:
        new_id = names.get(before.id, before.id)
        if not new.has_dimension(new_id):
            changes.append(Change("dimension_removed", before.id))
            continue
        matched.add(new_id)
        if new_id != before.id:
            changes.append(Change("dimension_renamed", new_id, before.id, new_id))
        changes.extend(_field_changes(before, new.dimension(new_id), moves))
    for after in new.dimensions:
        if after.id not in matched:
            changes.append(Change("dimension_added", after.id))
    order = list(KINDS_OF_CHANGE)
    return sorted(changes, key=lambda change: order.index(change.kind))


def _field_changes(before: Field, after: Field, moves: list[ValueMove]) -> list[Change]:
    changes = [
        Change("changed", after.path, str(getattr(before, name)), str(getattr(after, name)), name)
        for name in _ATTRIBUTES
        if hasattr(before, name) and getattr(before, name) != getattr(after, name)
    ]
    changes.extend(_value_changes(before, after, [m for m in moves if m.dimension == after.path]))
    for subfield in after.fields:
        earlier = before.field(subfield.id)
        if earlier is None:
            changes.append(Change("field_added", subfield.path))
        else:
            changes.extend(_field_changes(earlier, subfield, moves))
    for subfield in before.fields:
        if after.field(subfield.id) is None:
            changes.append(Change("field_removed", f"{after.path}.{subfield.id}"))
    return changes


def _value_changes(before: Field, after: Field, moves: list[ValueMove]) -> list[Change]:
    changes: list[Change] = []
    moved_from = {source for move in moves for source in move.sources if move.kind != "retired"}
    moved_to = {target for move in moves for target in move.targets if move.kind != "retired"}
    for move in moves:
        if move.kind in ("split", "merged", "renamed"):
            kind = "value_renamed" if move.kind == "renamed" else f"value_{move.kind}"
            changes.append(
                Change(kind, after.path, ", ".join(move.sources), ", ".join(move.targets))
            )
    for value in after.values:
        earlier = before.value(value.id)
        path = f"{after.path}.{value.id}"
        if earlier is None:
            if value.id not in moved_to:
                changes.append(Change("value_added", path))
            continue
        if value.deprecated and not earlier.deprecated:
            changes.append(Change("value_deprecated", path, value.id, value.replaced_by or ""))
        for name in ("label", "definition"):
            if getattr(earlier, name) != getattr(value, name):
                changes.append(
                    Change("changed", path, getattr(earlier, name), getattr(value, name), name)
                )
    for value in before.values:
        if after.value(value.id) is None and value.id not in moved_from:
            changes.append(Change("value_removed", f"{after.path}.{value.id}"))
    return changes


def format_diff(result: TaxonomyDiff) -> str:
    """Return ``result`` as text for people, one section per kind of change."""
    lines = [f"Taxonomy {result.from_version} -> {result.to_version}"]
    if not result.changes:
        return lines[0] + "\nNo changes.\n"
    for kind, heading in KINDS_OF_CHANGE.items():
        found = result.of_kind(kind)
        if found:
            lines.append(f"\n{heading}:")
            lines.extend(f"  {_describe(change)}" for change in found)
    return "\n".join(lines) + "\n"


def _describe(change: Change) -> str:
    if change.attribute:
        return f"{change.path} {change.attribute}: {change.old!r} -> {change.new!r}"
    if change.kind == "dimension_renamed":
        return f"{change.old} -> {change.new}"
    if change.kind == "value_deprecated":
        return change.path + (f" (use '{change.new}')" if change.new else "")
    if change.old:
        return f"{change.path}: {change.old} -> {change.new}"
    return change.path
