"""Declarative conditions over a classification.

The same small language says when a dimension is required (``required_when``), when a
regulatory regime applies (``applies_when``) and when a clock rule applies (``when``). In TOML:

- ``{ dimension = "event_class", any_of = ["ai_hazard", "serious_ai_hazard"] }``: the value
  (single) or one of the values (multi) is in the list;
- ``{ dimension = "personal_data_breach", equals = true }``: the value is exactly this;
- ``{ dimension = "occurred_on", present = true }``: a value is given (not null, not empty);
- ``{ all = [...] }``, ``{ any = [...] }``, ``{ not = {...} }``.

``dimension`` may name a sub-field of a structured dimension: ``security.is_security_incident``.
Conditions never raise on malformed classifications: a value of the wrong shape simply does not
match.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from taxonomy.patterns import NOT_BLANK


@dataclass(frozen=True)
class HasAnyOf:
    """The value at ``path`` is, or (for a list) includes, one of ``values``."""

    path: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class Equals:
    """The value at ``path`` is exactly ``value`` (a boolean or a value id)."""

    path: str
    value: str | bool


@dataclass(frozen=True)
class Present:
    """A value is given at ``path`` (``present``) or not (``not present``)."""

    path: str
    present: bool = True


@dataclass(frozen=True)
class AllOf:
    """Every condition holds."""

    conditions: tuple[Condition, ...]


@dataclass(frozen=True)
class AnyOf:
    """At least one condition holds."""

    conditions: tuple[Condition, ...]


@dataclass(frozen=True)
class Not:
    """The condition does not hold."""

    condition: Condition


Condition = HasAnyOf | Equals | Present | AllOf | AnyOf | Not


def is_given(value: object) -> bool:
    """Return whether ``value`` counts as answered.

    ``None``, a blank string, an empty list and an empty object do not.
    """
    if value is None:
        return False
    if isinstance(value, str):
        return NOT_BLANK.search(value) is not None
    if isinstance(value, list | tuple | Mapping):
        return len(value) > 0
    return True


def lookup(classification: Mapping[str, object], path: str) -> object:
    """Return the value at a dotted ``path`` of a classification, or ``None`` when absent."""
    current: object = classification
    for part in path.split("."):
        if not isinstance(current, Mapping):
            return None
        current = current.get(part)
    return current


def holds(condition: Condition, classification: Mapping[str, object]) -> bool:
    """Return whether ``condition`` holds for ``classification``."""
    match condition:
        case HasAnyOf(path, values):
            found = lookup(classification, path)
            if isinstance(found, str):
                return found in values
            if isinstance(found, list | tuple):
                return any(isinstance(item, str) and item in values for item in found)
            return False
        case Equals(path, expected):
            found = lookup(classification, path)
            return type(found) is type(expected) and found == expected
        case Present(path, present):
            return is_given(lookup(classification, path)) is present
        case AllOf(conditions):
            return all(holds(each, classification) for each in conditions)
        case AnyOf(conditions):
            return any(holds(each, classification) for each in conditions)
        case _:
            return not holds(condition.condition, classification)


def leaves(condition: Condition) -> tuple[HasAnyOf | Equals | Present, ...]:
    """Return the leaf tests of ``condition`` (those that name a dimension), in order."""
    match condition:
        case AllOf(conditions) | AnyOf(conditions):
            return tuple(leaf for each in conditions for leaf in leaves(each))
        case Not(inner):
            return leaves(inner)
        case _:
            return (condition,)


def to_data(condition: Condition) -> dict[str, object]:
    """Return ``condition`` in its data form (as written in TOML), for JSON exports."""
    match condition:
        case HasAnyOf(path, values):
            return {"dimension": path, "any_of": list(values)}
        case Equals(path, value):
            return {"dimension": path, "equals": value}
        case Present(path, present):
            return {"dimension": path, "present": present}
        case AllOf(conditions):
            return {"all": [to_data(each) for each in conditions]}
        case AnyOf(conditions):
            return {"any": [to_data(each) for each in conditions]}
        case _:
            return {"not": to_data(condition.condition)}
