"""Public ``/taxonomy`` pages: every dimension with its values, requirement and mappings."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request

import taxonomy
from incidents.classification.lookup import UnknownVersion, taxonomy_version
from incidents.security.decorators import public

taxonomy_pages = Blueprint("taxonomy_pages", __name__, url_prefix="/taxonomy")


def requested_taxonomy() -> taxonomy.Taxonomy:
    """The taxonomy named by ``?version=`` (default the latest); 404 for an unknown one."""
    try:
        return taxonomy_version(request.args.get("version"))
    except UnknownVersion as error:
        abort(404, description=str(error))


@taxonomy_pages.route("")
@public
def index() -> str:
    current = requested_taxonomy()
    return render_template("taxonomy/index.html", taxonomy=current, versions=taxonomy.versions())


@taxonomy_pages.route("/<dimension_id>")
@public
def dimension(dimension_id: str) -> str:
    current = requested_taxonomy()
    if not current.has_dimension(dimension_id):
        abort(404, description=f"Taxonomy {current.version} has no dimension {dimension_id!r}.")
    return render_template(
        "taxonomy/dimension.html",
        taxonomy=current,
        dimension=current.dimension(dimension_id),
        versions=taxonomy.versions(),
    )
