"""``GET /api/v1/taxonomy`` and its JSON Schema: the taxonomy for other tools to import."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, request

import taxonomy
from incidents.classification.views import requested_taxonomy
from incidents.security.decorators import public
from taxonomy.export import json_schema, to_json

taxonomy_api = Blueprint("taxonomy_api", __name__, url_prefix="/api/v1/taxonomy")


@taxonomy_api.route("")
@public
def export_json() -> dict[str, Any]:
    """The whole taxonomy (``?version=``; default the latest) with its version."""
    return to_json(requested_taxonomy())


@taxonomy_api.route("/schema.json")
@public
def export_schema() -> dict[str, Any]:
    """A JSON Schema of a classification for ``?stage=`` (initial, intermediate, final)."""
    stage = request.args.get("stage", "initial")
    if stage not in taxonomy.STAGES:
        abort(404, description=f"Unknown stage {stage!r}; use one of {', '.join(taxonomy.STAGES)}.")
    return json_schema(requested_taxonomy(), stage)
