"""API endpoints about the caller."""

from __future__ import annotations

from flask import Blueprint

from incidents.accounts.models import User
from incidents.accounts.schemas import MeSchema
from incidents.api.routing import Call, json_route
from incidents.security.permissions import Permission

api = Blueprint("api", __name__, url_prefix="/api/v1")


@json_route(api, "/me", permission=Permission.ACCOUNT_READ, tag="account", response=MeSchema)
def me(call: Call) -> User:
    """The caller's user, organisation and role"""
    return call.user
