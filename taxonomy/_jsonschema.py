"""A JSON Schema (draft 2020-12) of classifications, agreeing with ``validate``.

A classification is schema-valid exactly when ``validate`` finds no problem, with one
exception JSON cannot express: ``validate`` also rejects NaN and infinite numbers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from taxonomy.conditions import AllOf, AnyOf, Condition, Equals, HasAnyOf, Present
from taxonomy.model import STAGES
from taxonomy.patterns import DATE_PATTERN, NOT_BLANK_PATTERN, TIMESTAMP_PATTERN

if TYPE_CHECKING:
    from taxonomy.model import Field, Taxonomy

Schema = dict[str, object]

DIALECT = "https://json-schema.org/draft/2020-12/schema"

_GIVEN: Schema = {
    "not": {"type": "null"},
    "minItems": 1,
    "minProperties": 1,
    "pattern": NOT_BLANK_PATTERN,
}
"""Not null, not empty, not blank: what answers a required dimension."""


def json_schema(taxonomy: Taxonomy, stage: str = "initial") -> Schema:
    """Return the JSON Schema of a classification for a report at ``stage``.

    Raises ``ValueError`` for an unknown stage.
    """
    if stage not in STAGES:
        raise ValueError(f"unknown report stage {stage!r}; use one of {', '.join(STAGES)}")
    requirements: list[Schema] = []
    for dimension in taxonomy.dimensions:
        if not dimension.required_at(stage):
            continue
        if dimension.required_when is None:
            requirements.append(_given(dimension.id))
        else:
            condition = condition_schema(dimension.required_when)
            requirements.append({"if": condition, "then": _given(dimension.id)})
    schema: Schema = {
        "$schema": DIALECT,
        "$id": f"urn:ai-incident-exchange:taxonomy:{taxonomy.version}:classification:{stage}",
        "title": f"{taxonomy.title} {taxonomy.version}: classification ({stage} report)",
        "type": "object",
        "properties": {each.id: field_schema(each) for each in taxonomy.dimensions},
        "additionalProperties": False,
    }
    if requirements:
        schema["allOf"] = requirements
    return schema


def _given(key: str) -> Schema:
    return {"required": [key], "properties": {key: _GIVEN}}


def field_schema(field: Field) -> Schema:
    """Return the schema of one dimension or sub-field; ``null`` always means "not given"."""
    schema: Schema = {"title": field.label, "description": field.definition}
    schema.update(_kind_schema(field))
    return schema


def _kind_schema(field: Field) -> Schema:
    current = [each.id for each in field.values if not each.deprecated]
    match field.kind:
        case "single":
            return {"type": ["string", "null"], "enum": [*current, None]}
        case "multi":
            return _list_of({"type": "string", "enum": current}, _exclusive(field))
        case "boolean":
            return {"type": ["boolean", "null"]}
        case "number":
            return _number(field)
        case "date" if field.is_timestamp:
            return {"type": ["string", "null"], "format": "date-time", "pattern": TIMESTAMP_PATTERN}
        case "date":
            return {"type": ["string", "null"], "format": "date", "pattern": DATE_PATTERN}
        case "text" if field.multiple:
            return _list_of(_text(field, ["string"]), [])
        case "text":
            return _text(field, ["string", "null"])
        case _:
            return _structured(field)


def _list_of(items: Schema, rules: list[Schema]) -> Schema:
    schema: Schema = {"type": ["array", "null"], "items": items, "uniqueItems": True}
    if rules:
        schema["allOf"] = rules
    return schema


def _exclusive(field: Field) -> list[Schema]:
    """A value such as ``none`` stands alone."""
    return [
        {"if": {"contains": {"const": each.id}}, "then": {"maxItems": 1}}
        for each in field.values
        if each.exclusive
    ]


def _number(field: Field) -> Schema:
    schema: Schema = {"type": ["integer" if field.integer else "number", "null"]}
    if field.minimum is not None:
        schema["minimum"] = field.minimum
    if field.maximum is not None:
        schema["maximum"] = field.maximum
    return schema


def _text(field: Field, types: list[str]) -> Schema:
    schema: Schema = {"type": types}
    if field.max_length is not None:
        schema["maxLength"] = field.max_length
    if field.pattern is not None:
        schema["pattern"] = field.pattern
    return schema


def _structured(field: Field) -> Schema:
    schema: Schema = {
        "type": ["object", "null"],
        "properties": {each.id: field_schema(each) for each in field.fields},
        "additionalProperties": False,
    }
    required = [_given(each.id) for each in field.fields if each.required]
    if required:
        schema["allOf"] = required
    return schema


def condition_schema(condition: Condition) -> Schema:
    """Return a schema that a classification matches exactly when ``condition`` holds."""
    match condition:
        case HasAnyOf(path, values):
            one = {"type": "string", "enum": list(values)}
            return _at(path, {"anyOf": [one, {"type": "array", "contains": one}]})
        case Equals(path, value):
            return _at(path, {"const": value})
        case Present(path, present):
            given = _at(path, _GIVEN)
            return given if present else {"not": given}
        case AllOf(conditions):
            return {"allOf": [condition_schema(each) for each in conditions]}
        case AnyOf(conditions):
            return {"anyOf": [condition_schema(each) for each in conditions]}
        case _:
            return {"not": condition_schema(condition.condition)}


def _at(path: str, schema: Schema) -> Schema:
    """Apply ``schema`` to the value at a dotted path, which must exist."""
    head, _, rest = path.partition(".")
    inner = {"type": "object", **_at(rest, schema)} if rest else schema
    return {"required": [head], "properties": {head: inner}}
