"""How ids moved between a version and the one before it (its ``changes.toml``).

    previous = "1.0.0"
    [[renamed_dimension]]  from = "old_id"  to = "new_id"
    [[renamed_value]]      dimension = "ai_role"  from = "human_error"  to = "operator_mistake"
    [[split]]              dimension = "harm_type"  from = "economic_property"
                           into = ["economic_loss", "property_damage"]  default = "economic_loss"
    [[merged]]             dimension = "confidence"  from = ["probable", "suspected"]
                           into = "likely"
    [[retired]]            dimension = "ai_task"  value = "personalisation"  replacement = "..."

``dimension`` is the id in the new version, or ``dimension.field`` for a sub-field's values. A
value that moved may stay in the new version only as deprecated; a retired value must be
deprecated there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from taxonomy._reader import Problems, Table, Where
from taxonomy.model import Field


@dataclass(frozen=True)
class ValueMove:
    """Values of ``dimension`` that moved: ``sources`` became ``targets``.

    ``kind`` is ``renamed`` (one to one), ``split`` (one to several, ``default`` for single
    dimensions), ``merged`` (several to one) or ``retired`` (no target, or a replacement).
    """

    kind: str
    dimension: str
    sources: tuple[str, ...]
    targets: tuple[str, ...]
    default: str | None = None


@dataclass(frozen=True)
class Changes:
    """The changes a version declares against ``previous``."""

    previous: str
    renamed_dimensions: tuple[tuple[str, str], ...] = ()
    moves: tuple[ValueMove, ...] = ()

    def old_dimension_id(self, new_path: str) -> str:
        """Return the previous version's path for a path of this version."""
        head, dot, rest = new_path.partition(".")
        for old, new in self.renamed_dimensions:
            if new == head:
                return f"{old}{dot}{rest}"
        return new_path


def parse_changes(raw: object, where: Where, problems: Problems) -> Changes:
    """Parse a ``changes.toml`` document."""
    top = Table(raw, where, problems)
    renamed = []
    for number, entry in enumerate(top.tables("renamed_dimension"), start=1):
        table = Table(entry, where.child("renamed_dimension", number), problems)
        renamed.append((table.text("from"), table.text("to")))
        table.done()
    moves = [
        _move(entry, section, where, problems)
        for section in ("renamed_value", "split", "merged", "retired")
        for entry in top.tables(section)
    ]
    changes = Changes(top.text("previous"), tuple(renamed), tuple(moves))
    top.done()
    return changes


def _move(entry: object, section: str, where: Where, problems: Problems) -> ValueMove:
    table = Table(entry, where.child(section, "?"), problems)
    dimension = table.text("dimension")
    table.where = where.child("dimension", dimension).child("section", section)
    if section == "retired":
        replacement = table.optional_text("replacement")
        targets = (replacement,) if replacement else ()
        move = ValueMove("retired", dimension, (table.text("value"),), targets)
    elif section == "split":
        sources = (table.text("from"),)
        move = ValueMove("split", dimension, sources, table.texts("into"), table.text("default"))
    elif section == "merged":
        move = ValueMove("merged", dimension, table.texts("from"), (table.text("into"),))
    else:
        move = ValueMove("renamed", dimension, (table.text("from"),), (table.text("to"),))
    table.done()
    return move


def check_changes(
    changes: Changes,
    where: Where,
    old_field_at: Callable[[str], Field | None],
    new_field_at: Callable[[str], Field | None],
    problems: Problems,
) -> None:
    """Check that every id moved exists where it should, in the old and the new version."""
    for old, new in changes.renamed_dimensions:
        here = where.child("renamed_dimension", old)
        if old_field_at(old) is None:
            problems.add(here, f"'{old}' is not a dimension of {changes.previous}")
        if new_field_at(new) is None:
            problems.add(here, f"'{new}' is not a dimension of this version")
        if old != new and new_field_at(old) is not None:
            problems.add(here, f"'{old}' is still a dimension of this version")
    for move in changes.moves:
        here = where.child("dimension", move.dimension).child(move.kind, ", ".join(move.sources))
        old_field = old_field_at(changes.old_dimension_id(move.dimension))
        new_field = new_field_at(move.dimension)
        if old_field is None or new_field is None:
            problems.add(here, f"'{move.dimension}' is not a dimension in both versions")
            continue
        _check_move(move, old_field, new_field, here, problems)


def _check_move(move: ValueMove, old: Field, new: Field, where: Where, problems: Problems) -> None:
    for source in move.sources:
        before, after = old.value(source), new.value(source)
        if before is None:
            problems.add(where, f"'{source}' is not a value of '{old.path}' in the old version")
        if move.kind == "retired" and (after is None or not after.deprecated):
            problems.add(where, f"'{source}' must stay in this version, with deprecated = true")
        if move.kind != "retired" and after is not None and not after.deprecated:
            problems.add(where, f"'{source}' is still a current value; deprecate or remove it")
    for target in move.targets:
        found = new.value(target)
        if found is None or found.deprecated:
            problems.add(where, f"'{target}' is not a current value of '{new.path}'")
    if move.kind == "split" and move.default not in move.targets:
        problems.add(where, "'default' must be one of 'into'")
