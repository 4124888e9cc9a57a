"""``GET /api/v1/taxonomy`` and its JSON Schema: the taxonomy for other tools to import."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, request
from marshmallow import fields, validate

import taxonomy
from incidents.api.routing import public_route
from incidents.classification.views import requested_taxonomy
from incidents.schemas import Strict
from taxonomy.export import json_schema, to_json

taxonomy_api = Blueprint("taxonomy_api", __name__, url_prefix="/api/v1/taxonomy")


class VersionQuerySchema(Strict):
    version = fields.String(
        validate=validate.Regexp(r"^[0-9]+\.[0-9]+\.[0-9]+$", error="Give a version like 1.0.0."),
        metadata={"description": "A taxonomy version; default the latest (404 if unknown)."},
    )


class SchemaQuerySchema(VersionQuerySchema):
    stage = fields.String(
        validate=validate.Regexp(r"^[a-z]+$", error="Give a stage: initial, intermediate, final."),
        metadata={"description": "initial (the default), intermediate or final (404 if other)."},
    )


@public_route(taxonomy_api, "", tag="taxonomy", query=VersionQuerySchema, errors=("NotFound",))
def export_json(_query: dict[str, Any]) -> dict[str, Any]:
    """The whole taxonomy, with its version
    ``?version=`` picks a version (default: the latest).
    """
    return to_json(requested_taxonomy())


@public_route(
    taxonomy_api, "/schema.json", tag="taxonomy", query=SchemaQuerySchema, errors=("NotFound",)
)
def export_schema(_query: dict[str, Any]) -> dict[str, Any]:
    """A JSON Schema of a classification at one stage
    ``?stage=`` is initial (the default), intermediate or final.
    """
    stage = request.args.get("stage", "initial")
    if stage not in taxonomy.STAGES:
        abort(404, description=f"Unknown stage {stage!r}; use one of {', '.join(taxonomy.STAGES)}.")
    return json_schema(requested_taxonomy(), stage)
