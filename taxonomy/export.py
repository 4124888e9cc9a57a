"""Machine-readable exports of a taxonomy: JSON, JSON Schema, CSV and form choices.

Pure functions of a loaded ``Taxonomy``; the web application serves them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping

from taxonomy._jsonschema import json_schema
from taxonomy.conditions import to_data
from taxonomy.model import (
    Choice,
    Dimension,
    Field,
    Framework,
    FrameworkMapping,
    Regime,
    SubField,
    Taxonomy,
    Value,
)

__all__ = ["choices", "json_schema", "to_csv", "to_json"]

JsonObject = dict[str, object]


def to_json(taxonomy: Taxonomy) -> JsonObject:
    """Return the whole taxonomy as JSON-ready data: version, frameworks, dimensions (with
    values, sub-fields and mappings) and regimes with their clock rules."""
    return {
        "version": taxonomy.version,
        "released_on": taxonomy.released_on.isoformat(),
        "title": taxonomy.title,
        "frameworks": [_framework(each) for each in taxonomy.frameworks.values()],
        "dimensions": [_field(each) for each in taxonomy.dimensions],
        "regimes": [_regime(each) for each in taxonomy.regimes],
    }


def _framework(framework: Framework) -> JsonObject:
    return {
        "id": framework.id,
        "title": framework.title,
        "citation": framework.citation,
        "required": framework.required,
        "values": list(framework.values),
        "criteria": {str(number): name for number, name in framework.criteria.items()},
        "unverified": framework.unverified,
        "note": framework.note,
    }


def _field(field: Field) -> JsonObject:
    data: JsonObject = {
        "id": field.id,
        "path": field.path,
        "label": field.label,
        "definition": field.definition,
        "kind": field.kind,
    }
    if isinstance(field, Dimension):
        required_when = field.required_when
        data["required"] = field.required
        data["required_when"] = None if required_when is None else to_data(required_when)
        data["visibility"] = field.visibility
        data["facet"] = field.facet
    else:
        data["required"] = isinstance(field, SubField) and field.required
    data.update(_settings(field))
    data["values"] = [_value(each) for each in field.values]
    data["fields"] = [_field(each) for each in field.fields]
    data["mappings"] = _mappings(field.mappings)
    data["unverified"] = field.unverified
    data["note"] = field.note
    return data


def _settings(field: Field) -> JsonObject:
    """The settings that matter for the field's kind."""
    if field.kind == "date":
        return {"format": "date-time" if field.is_timestamp else "date"}
    if field.kind == "number":
        return {"integer": field.integer, "minimum": field.minimum, "maximum": field.maximum}
    if field.kind == "text":
        return {
            "max_length": field.max_length,
            "pattern": field.pattern,
            "multiple": field.multiple,
        }
    if field.values:
        return {"value_format": field.value_format}
    return {}


def _value(value: Value) -> JsonObject:
    return {
        "id": value.id,
        "label": value.label,
        "definition": value.definition,
        "deprecated": value.deprecated,
        "replaced_by": value.replaced_by,
        "exclusive": value.exclusive,
        "related": list(value.related),
        "mappings": _mappings(value.mappings),
        "unverified": value.unverified,
        "note": value.note,
    }


def _mappings(mappings: Mapping[str, FrameworkMapping]) -> JsonObject:
    return {framework: _mapping(mapping) for framework, mapping in mappings.items()}


def _mapping(mapping: FrameworkMapping) -> JsonObject:
    data: JsonObject = {
        "criterion": mapping.criterion,
        "field": mapping.field,
        "value": mapping.value,
        "no_equivalent": mapping.no_equivalent,
        "unverified": mapping.unverified,
        "note": mapping.note,
    }
    return {key: value for key, value in data.items() if value not in (None, False, "")}


def _regime(regime: Regime) -> JsonObject:
    return {
        "id": regime.id,
        "label": regime.label,
        "citation": regime.citation,
        "applies_when": to_data(regime.applies_when),
        "unverified": regime.unverified,
        "note": regime.note,
        "rules": [
            {
                "id": rule.id,
                "obligation": rule.obligation,
                "period": rule.period.text,
                "anchor": rule.anchor,
                "when": None if rule.when is None else to_data(rule.when),
                "recurring": rule.recurring,
                "citation": rule.citation,
                "unverified": rule.unverified,
                "note": rule.note,
            }
            for rule in regime.rules
        ],
    }


CSV_COLUMNS = (
    "dimension",
    "dimension_label",
    "kind",
    "required",
    "visibility",
    "facet",
    "value",
    "value_label",
    "value_definition",
    "deprecated",
)
"""The leading CSV columns; one column per framework follows, in the taxonomy's order."""


def to_csv(taxonomy: Taxonomy) -> str:
    """Return one CSV row per dimension value (sub-field values under ``dimension.field``).

    Dimensions without values get one row with empty value columns. Each framework column
    gives the value's mapping, or the dimension's when the value has none.
    """
    frameworks = list(taxonomy.frameworks)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*CSV_COLUMNS, *frameworks])
    for dimension in taxonomy.dimensions:
        required = dimension.required or ""
        settings = [required, dimension.visibility, str(dimension.facet).lower()]
        for field in (dimension, *dimension.fields):
            head = [field.path, field.label, field.kind, *settings]
            for value in field.values or (None,):
                writer.writerow(
                    [*head, *_value_columns(value), *_mapping_columns(frameworks, field, value)]
                )
    return buffer.getvalue()


def _value_columns(value: Value | None) -> list[str]:
    if value is None:
        return ["", "", "", ""]
    return [value.id, value.label, value.definition, str(value.deprecated).lower()]


def _mapping_columns(frameworks: list[str], field: Field, value: Value | None) -> list[str]:
    columns = []
    for framework in frameworks:
        mapping = None if value is None else value.mappings.get(framework)
        columns.append(_mapping_text(mapping or field.mappings.get(framework)))
    return columns


def _mapping_text(mapping: FrameworkMapping | None) -> str:
    """E.g. ``criterion 11; value physical`` or ``no equivalent``; ``(unverified)`` if so."""
    if mapping is None:
        return ""
    parts = ["no equivalent"] if mapping.no_equivalent else []
    for name, setting in (("criterion", mapping.criterion), ("field", mapping.field)):
        if setting is not None:
            parts.append(f"{name} {setting}")
    if mapping.value is not None:
        parts.append(f"value {mapping.value}")
    if mapping.unverified:
        parts.append("(unverified)")
    return "; ".join(parts)


def choices(taxonomy: Taxonomy) -> dict[str, tuple[Choice, ...]]:
    """Return, for every single and multi dimension and sub-field (by path), the choices a
    form offers: id, label and definition, deprecated values left out."""
    return dict(taxonomy.choices())
