"""``GET /api/v1/taxonomy`` and its JSON Schema: the taxonomy for other tools to import."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, request

import taxonomy
from incidents.classification.lookup import UnknownVersion, taxonomy_version
from incidents.security.decorators import public
from taxonomy.export import json_schema, to_json

taxonomy_api = Blueprint("taxonomy_api", __name__, url_prefix="/api/v1/taxonomy")


def _requested() -> taxonomy.Taxonomy:
    try:
        return taxonomy_version(request.args.get("version"))
    except UnknownVersion as error:
        abort(404, description=str(error))


@taxonomy_api.route("")
@public
def export_json() -> dict[str, Any]:
    """The whole taxonomy (``?version=``; default the latest) with its version."""
    return to_json(_requested())


@taxonomy_api.route("/schema.json")
@public
def export_schema() -> dict[str, Any]:
    """A JSON Schema of a classification for ``?stage=`` (initial, intermediate, final)."""
    stage = request.args.get("stage", "initial")
    if stage not in taxonomy.STAGES:
        abort(404, description=f"Unknown stage {stage!r}; use one of {', '.join(taxonomy.STAGES)}.")
    return json_schema(_requested(), stage)
