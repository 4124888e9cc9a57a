"""``POST /api/v1/sources``: public coverage as JSON items, or a file's text, and what
became of each item."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from incidents.schemas import WHOLE_BODY, Strict
from incidents.sources.formats import FIELDS

MAX_ITEMS = 1000
FORMATS = ("jsonl", "csv", "aiid")
#: What a file of each format needs beside ``format``.
NEEDED = {"jsonl": ("content",), "csv": ("content",), "aiid": ("incidents", "reports")}
_ITEM = (
    "A public-source item: "
    + ", ".join(FIELDS)
    + " (all optional but a title or a text), and any taxonomy dimension (countries, "
    "sector, occurred_on, ai_system…)."
)


class SourceImportSchema(Strict):
    """Either ``items`` (JSON objects), or a file: ``format`` with its text (``content`` for
    jsonl and csv; ``incidents`` and ``reports``, the two CSV files, for aiid)."""

    items = fields.List(
        fields.Raw(metadata={"description": _ITEM}),
        validate=validate.Length(min=1, max=MAX_ITEMS),
    )
    format = fields.String(validate=validate.OneOf(FORMATS))
    content = fields.String(metadata={"description": "The file's text (jsonl or csv)."})
    incidents = fields.String(metadata={"description": "aiid: the text of incidents.csv."})
    reports = fields.String(metadata={"description": "aiid: the text of reports.csv."})

    @validates_schema
    def _one_source(self, data: dict[str, Any], **_kwargs: Any) -> None:
        kind = data.get("format")
        if ("items" in data) == (kind is not None):
            raise ValidationError("Send either items or a file (format and its text).", WHOLE_BODY)
        for name in NEEDED.get(kind or "", ()):
            if name not in data:
                raise ValidationError(f"Required with format {kind}.", name)


class SourceOutcomeSchema(Schema):
    line = fields.Integer(required=True)
    file = fields.String(metadata={"description": "reports.csv for an AIID snapshot."})
    status = fields.String(
        required=True, validate=validate.OneOf(["imported", "already_imported", "invalid"])
    )
    reference = fields.String(allow_none=True)
    errors = fields.Dict(
        attribute="problems", keys=fields.String(), values=fields.List(fields.String())
    )


class SourceImportResultSchema(Schema):
    imported = fields.Integer(required=True)
    already_imported = fields.Integer(required=True)
    failed = fields.Integer(required=True)
    results = fields.List(fields.Nested(SourceOutcomeSchema), attribute="outcomes", required=True)


def contract_rules() -> dict[str, dict[str, Any]]:
    """JSON Schema rules of the import body: either items, or one file with what its format
    needs (what ``SourceImportSchema`` checks)."""
    by_needs: dict[tuple[str, ...], list[str]] = {}
    for kind, needs in NEEDED.items():
        by_needs.setdefault(needs, []).append(kind)
    files = [
        {
            "required": ["format", *needs],
            "properties": {"format": {"enum": kinds}},
            "not": {"required": ["items"]},
        }
        for needs, kinds in by_needs.items()
    ]
    return {
        "SourceImport": {
            "properties": {"items": {"items": {"not": {"type": "null"}}}},
            "oneOf": [{"required": ["items"], "not": {"required": ["format"]}}, *files],
        }
    }
