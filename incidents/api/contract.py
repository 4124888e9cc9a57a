"""What the OpenAPI document promises beyond the marshmallow field lists, so that every
request it calls valid is accepted (the schema is as tight as the server).

- Classifications are the taxonomy's own JSON Schema (one per stage, and one with nothing
  required for drafts and curation), so a classification the document accepts is one the
  taxonomy's ``validate`` accepts. A dimension required only under a condition is required
  always here: a little stricter than the server, never looser.
- Rules across fields (a RED report names recipients; a submitted report is complete) are
  JSON Schema conditions on the request bodies.
- No text field carries what no database stores: a NUL character.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import taxonomy
from taxonomy.export import json_schema

#: Text a database stores: no NUL character (a regular expression that Python, ECMA-262 and
#: Rust read alike). A lone surrogate is not a Unicode character, so no JSON text carries it.
STORABLE_TEXT = "^[^\\x00]*$"
#: The component holding a classification at each stage, and without requirements.
CLASSIFICATION = {
    "draft": "ClassificationDraft",
    "initial": "ClassificationInitial",
    "intermediate": "ClassificationIntermediate",
    "final": "ClassificationFinal",
}
PUBLIC_CLASSIFICATION = "ClassificationPublic"


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def classification_components(public: frozenset[str]) -> dict[str, dict[str, Any]]:
    """The classification schemas of the latest taxonomy, by component name; the public
    one holds only the dimensions in ``public``."""
    current = taxonomy.load()
    found = {}
    for stage, name in CLASSIFICATION.items():
        schema: dict[str, Any] = dict(
            json_schema(current, "initial" if stage == "draft" else stage)
        )
        schema.pop("$schema", None)
        schema.pop("$id", None)
        if stage == "draft":
            schema.pop("allOf", None)
            schema["title"] = f"{current.title} {current.version}: classification (none required)"
        else:
            schema["allOf"] = [_unconditional(rule) for rule in schema.get("allOf", [])]
        found[name] = schema
    shown = dict(found[CLASSIFICATION["draft"]])
    shown["properties"] = {k: v for k, v in shown["properties"].items() if k in public}
    shown["title"] = f"{current.title} {current.version}: what the public may see of it"
    found[PUBLIC_CLASSIFICATION] = shown
    return found


def _unconditional(rule: Any) -> Any:
    """A requirement that applies only under a condition (``if``/``then``), made to apply
    always: the document asks a little more than the server (a harm's count is given even
    when that harm is not chosen), and generators can read it."""
    return rule["then"] if isinstance(rule, dict) and "then" in rule else rule


def apply_rules(document: dict[str, Any], rules: Mapping[str, Mapping[str, Any]]) -> None:
    """Add each rule's keywords to the component schema it names (``allOf`` entries are
    appended, properties merged)."""
    schemas = document["components"]["schemas"]
    for name, rule in rules.items():
        target = schemas[name]
        for keyword, value in rule.items():
            if keyword == "allOf":
                target.setdefault("allOf", []).extend(value)
            elif keyword == "properties":
                for field, extra in value.items():
                    _merge(target["properties"].setdefault(field, {}), extra)
            elif keyword == "required":
                target["required"] = sorted({*target.get("required", []), *value})
            else:
                target[keyword] = value


def _merge(target: dict[str, Any], extra: Mapping[str, Any]) -> None:
    """Merge ``extra`` into ``target``: nested schemas key by key, anything else replaced."""
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        else:
            target[key] = value


def storable_text(node: Any) -> None:
    """Give every free-text string schema in ``node`` (and below) the pattern that refuses
    what no database stores; a string with a pattern of its own gets both."""
    pending = [node]
    while pending:
        item = pending.pop()
        if isinstance(item, list):
            pending.extend(item)
            continue
        if not isinstance(item, dict):
            continue
        types = item.get("type")
        is_text = types == "string" or (isinstance(types, list) and "string" in types)
        if is_text and not {"enum", "const", "format"} & item.keys():
            if "pattern" not in item:
                item["pattern"] = STORABLE_TEXT
            elif item["pattern"] != STORABLE_TEXT:
                item.setdefault("allOf", []).append({"pattern": STORABLE_TEXT})
        pending.extend(item.values())
