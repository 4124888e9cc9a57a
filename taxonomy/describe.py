"""Conditions in words, for messages to reporters ("Event class is AI hazard or ...")."""

from __future__ import annotations

from typing import TYPE_CHECKING

from taxonomy.conditions import AllOf, AnyOf, Condition, Equals, HasAnyOf, Present

if TYPE_CHECKING:
    from taxonomy.model import Field, Taxonomy


def describe(taxonomy: Taxonomy, condition: Condition) -> str:
    """Return ``condition`` in words, using the labels of ``taxonomy``."""
    match condition:
        case HasAnyOf(path, values):
            field = taxonomy.field_at(path)
            verb = "includes" if field is not None and field.kind == "multi" else "is"
            return f"{_label(field, path)} {verb} {_either(field, values)}"
        case Equals(path, value):
            field = taxonomy.field_at(path)
            shown = (
                ("yes" if value else "no") if isinstance(value, bool) else _either(field, (value,))
            )
            return f"{_label(field, path)} is {shown}"
        case Present(path, present):
            state = "given" if present else "not given"
            return f"{_label(taxonomy.field_at(path), path)} is {state}"
        case AllOf(conditions):
            return " and ".join(describe(taxonomy, each) for each in conditions)
        case AnyOf(conditions):
            return " or ".join(describe(taxonomy, each) for each in conditions)
        case _:
            return f"not ({describe(taxonomy, condition.condition)})"


def _label(field: Field | None, path: str) -> str:
    return path if field is None else field.label


def _either(field: Field | None, values: tuple[str, ...]) -> str:
    labels = []
    for value_id in values:
        value = None if field is None else field.value(value_id)
        labels.append(value_id if value is None else value.label)
    return " or ".join(labels)
