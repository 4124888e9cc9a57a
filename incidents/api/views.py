"""API endpoints about the caller."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from incidents.accounts.authentication import require_user
from incidents.api.schemas import MeSchema
from incidents.security.decorators import require
from incidents.security.permissions import Permission

api = Blueprint("api", __name__, url_prefix="/api/v1")


@api.route("/me")
@require(Permission.ACCOUNT_READ)
def me() -> dict[str, Any]:
    result: dict[str, Any] = MeSchema().dump(require_user())
    return result
