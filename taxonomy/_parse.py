"""Turn the parsed TOML of one version into model objects, collecting every problem.

Only the shape of the data is checked here (types, missing and unknown keys); what the values
mean (id formats, references, mappings) is checked on the model in ``_checks``.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from taxonomy._reader import Problems, Table, Where
from taxonomy.conditions import AllOf, AnyOf, Condition, Equals, HasAnyOf, Not, Present
from taxonomy.durations import parse_duration
from taxonomy.model import Dimension, Framework, FrameworkMapping, Regime, Rule, SubField, Value


def parse_condition(raw: object, where: Where, problems: Problems) -> Condition | None:
    """Parse a condition table (see ``taxonomy.conditions``); ``None`` if it is unusable."""
    table = Table(raw, where, problems)
    condition = _condition(table, where, problems)
    table.done()
    return condition


def _condition(table: Table, where: Where, problems: Problems) -> Condition | None:
    for key, combine in (("all", AllOf), ("any", AnyOf)):
        if table.has(key):
            parts = [parse_condition(each, where, problems) for each in table.tables(key)]
            if not parts:
                problems.add(where, f"'{key}' needs at least one condition")
            return combine(tuple(each for each in parts if each is not None))
    if table.has("not"):
        inner = parse_condition(table.raw("not"), where, problems)
        return None if inner is None else Not(inner)
    path = table.text("dimension")
    if table.has("any_of"):
        return HasAnyOf(path, table.texts("any_of"))
    if table.has("equals"):
        expected = table.raw("equals")
        if isinstance(expected, str | bool):
            return Equals(path, expected)
        problems.add(where, "'equals' must be a value id or true or false")
        return None
    if table.has("present"):
        return Present(path, table.flag("present"))
    problems.add(where, "a condition needs 'any_of', 'equals', 'present', 'all', 'any' or 'not'")
    return None


def parse_mappings(raw: object, where: Where, problems: Problems) -> Mapping[str, FrameworkMapping]:
    """Parse a ``mappings`` table: framework id -> mapping."""
    if raw is None:
        return MappingProxyType({})
    if not isinstance(raw, dict):
        problems.add(where, "'mappings' must be a table of frameworks")
        return MappingProxyType({})
    found: dict[str, FrameworkMapping] = {}
    for framework, entry in raw.items():
        table = Table(entry, where.child("mapping", framework), problems)
        found[framework] = FrameworkMapping(
            framework=framework,
            criterion=table.integer("criterion"),
            field=table.optional_text("field"),
            value=table.optional_text("value"),
            no_equivalent=table.flag("no_equivalent"),
            unverified=table.flag("unverified"),
            note=table.text("note", required=False),
        )
        table.done()
    return MappingProxyType(found)


def parse_value(raw: object, where: Where, problems: Problems) -> Value:
    """Parse one allowed value of the field at ``where``."""
    table = Table(raw, where, problems)
    value_id = table.text("id")
    table.where = where.child("value", value_id)
    value = Value(
        id=value_id,
        label=table.text("label"),
        definition=table.text("definition", required=False),
        deprecated=table.flag("deprecated"),
        exclusive=table.flag("exclusive"),
        related=table.texts("related"),
        mappings=parse_mappings(table.raw("mappings"), table.where, problems),
        unverified=table.flag("unverified"),
        note=table.text("note", required=False),
    )
    table.done()
    return value


def _common(table: Table, path: str, problems: Problems) -> dict[str, Any]:
    """Read the settings dimensions and sub-fields share."""
    return {
        "path": path,
        "label": table.text("label"),
        "definition": table.text("definition"),
        "kind": table.text("kind"),
        "values": tuple(parse_value(raw, table.where, problems) for raw in table.tables("values")),
        "value_format": table.optional_text("value_format") or "lower_snake_case",
        "integer": table.flag("integer"),
        "minimum": table.number("minimum"),
        "maximum": table.number("maximum"),
        "max_length": table.integer("max_length"),
        "pattern": table.optional_text("pattern"),
        "multiple": table.flag("multiple"),
        "mappings": parse_mappings(table.raw("mappings"), table.where, problems),
        "unverified": table.flag("unverified"),
        "note": table.text("note", required=False),
    }


def parse_subfield(raw: object, where: Where, dimension_id: str, problems: Problems) -> SubField:
    """Parse one sub-field of the structured dimension at ``where``."""
    table = Table(raw, where, problems)
    field_id = table.text("id")
    table.where = where.child("field", field_id)
    common = _common(table, f"{dimension_id}.{field_id}", problems)
    subfield = SubField(id=field_id, required=table.flag("required"), **common)
    table.done()
    return subfield


def parse_dimension(raw: object, where: Where, problems: Problems) -> Dimension:
    """Parse one ``[[dimension]]`` table of the file at ``where``."""
    table = Table(raw, where, problems)
    dimension_id = table.text("id")
    table.where = where.child("dimension", dimension_id)
    condition = table.raw("required_when")
    dimension = Dimension(
        id=dimension_id,
        **_common(table, dimension_id, problems),
        fields=tuple(
            parse_subfield(each, table.where, dimension_id, problems)
            for each in table.tables("fields")
        ),
        required=table.optional_text("required"),
        required_when=None
        if condition is None
        else parse_condition(condition, table.where.child("setting", "required_when"), problems),
        visibility=table.text("visibility"),
        facet=table.flag("facet"),
    )
    table.done()
    return dimension


def parse_frameworks(raw: object, where: Where, problems: Problems) -> dict[str, Framework]:
    """Parse the ``[frameworks]`` table of ``taxonomy.toml``."""
    if not isinstance(raw, dict):
        problems.add(where, "'frameworks' must be a table")
        return {}
    found: dict[str, Framework] = {}
    for framework_id, entry in raw.items():
        table = Table(entry, where.child("framework", framework_id), problems)
        found[framework_id] = Framework(
            id=framework_id,
            title=table.text("title"),
            citation=table.text("citation", required=False),
            required=table.flag("required"),
            values=table.texts("values"),
            criteria=_criteria(table, problems),
            unverified=table.flag("unverified"),
            note=table.text("note", required=False),
        )
        table.done()
    return found


def _criteria(table: Table, problems: Problems) -> Mapping[int, str]:
    raw = table.raw("criteria")
    if raw is None:
        return MappingProxyType({})
    criteria: dict[int, str] = {}
    if isinstance(raw, dict):
        for number, name in raw.items():
            if number.isdigit() and isinstance(name, str):
                criteria[int(number)] = name
            else:
                problems.add(table.where, f"criterion {number!r} must be a number naming a string")
    else:
        problems.add(table.where, "'criteria' must be a table of number = name")
    return MappingProxyType(criteria)


def parse_regime(raw: object, where: Where, problems: Problems) -> Regime:
    """Parse one ``[[regime]]`` table with its ``[[regime.rule]]`` tables."""
    table = Table(raw, where, problems)
    regime_id = table.text("id")
    table.where = where.child("regime", regime_id)
    applies = table.raw("applies_when")
    condition = None
    if applies is None:
        problems.add(table.where, "'applies_when' is missing")
    else:
        setting = table.where.child("setting", "applies_when")
        condition = parse_condition(applies, setting, problems)
    rules = [parse_rule(each, table.where, regime_id, problems) for each in table.tables("rule")]
    regime = Regime(
        id=regime_id,
        label=table.text("label"),
        citation=table.text("citation"),
        applies_when=condition or AnyOf(()),
        rules=tuple(each for each in rules if each is not None),
        unverified=table.flag("unverified"),
        note=table.text("note", required=False),
    )
    table.done()
    return regime


def parse_rule(raw: object, where: Where, regime_id: str, problems: Problems) -> Rule | None:
    """Parse one clock rule of the regime at ``where``; ``None`` if its period is unusable."""
    table = Table(raw, where, problems)
    rule_id = table.text("id")
    table.where = where.child("rule", rule_id)
    period_text = table.text("period")
    when = table.raw("when")
    rule_data: dict[str, Any] = {
        "id": rule_id,
        "regime": regime_id,
        "obligation": table.text("obligation"),
        "anchor": table.text("anchor"),
        "citation": table.text("citation"),
        "when": None
        if when is None
        else parse_condition(when, table.where.child("setting", "when"), problems),
        "recurring": table.flag("recurring"),
        "unverified": table.flag("unverified"),
        "note": table.text("note", required=False),
    }
    table.done()
    try:
        return Rule(period=parse_duration(period_text), **rule_data)
    except ValueError as error:
        problems.add(table.where, str(error))
        return None
