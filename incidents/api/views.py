"""API endpoints about the caller."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from incidents.api.schemas import MeSchema
from incidents.security.decorators import current_principal, require
from incidents.security.permissions import Permission

api = Blueprint("api", __name__, url_prefix="/api/v1")


@api.route("/me")
@require(Permission.ACCOUNT_READ)
def me() -> dict[str, Any]:
    result: dict[str, Any] = MeSchema().dump(current_principal())
    return result
