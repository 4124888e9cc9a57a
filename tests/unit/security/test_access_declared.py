"""An endpoint without an access rule stops the application from starting."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask import Flask

from incidents.security.decorators import (
    UndeclaredAccessError,
    access_rule_of,
    public,
    require,
    set_principal_loader,
    verify_access_declared,
)
from incidents.security.permissions import OrganizationKind, Permission, Role


def _app() -> Flask:
    app = Flask(__name__)
    app.view_functions.pop("static", None)
    app.url_map = app.url_map_class()
    return app


def test_undeclared_route_is_refused() -> None:
    app = _app()

    @app.route("/declared")
    @public
    def declared() -> str:
        return "ok"

    @app.route("/forgotten")
    def forgotten() -> str:
        return "oops"

    with pytest.raises(UndeclaredAccessError, match="forgotten") as raised:
        verify_access_declared(app)
    assert "declared," not in str(raised.value)


def test_declared_routes_pass() -> None:
    app = _app()

    @app.route("/open")
    @public
    def open_page() -> str:
        return "ok"

    @app.route("/closed")
    @require(Permission.AUDIT_READ, Permission.USERS_ADMINISTER)
    def closed_page() -> str:
        return "ok"

    verify_access_declared(app)
    assert access_rule_of(app.view_functions["open_page"]) == "public"
    assert access_rule_of(app.view_functions["closed_page"]) == (
        Permission.AUDIT_READ,
        Permission.USERS_ADMINISTER,
    )


@dataclass
class _Principal:
    id: int = 1
    role: Role = Role.REPORTER
    organization_id: int = 1
    organization_kind: OrganizationKind = OrganizationKind.COMPANY
    is_active: bool = True
    is_network_member: bool = False


@pytest.mark.parametrize(
    ("principal", "path", "status"),
    [
        (None, "/open", 200),
        (None, "/closed", 302),
        (None, "/api/closed", 401),
        (_Principal(), "/closed", 403),
        (_Principal(), "/api/closed", 403),
        (_Principal(role=Role.ADMIN, organization_kind=OrganizationKind.OPERATOR), "/closed", 200),
        (_Principal(role=Role.ADMIN, is_active=False), "/closed", 403),
    ],
)
def test_declared_rules_are_enforced(principal: _Principal | None, path: str, status: int) -> None:
    app = _app()
    set_principal_loader(app, lambda: principal)
    app.add_url_rule("/login", "accounts.login", public(lambda: "sign in"))
    app.add_url_rule("/open", "open", public(lambda: "ok"))
    closed = require(Permission.AUDIT_READ)(lambda: "secret")
    app.add_url_rule("/closed", "closed", closed)
    app.add_url_rule("/api/closed", "api_closed", closed)
    verify_access_declared(app)
    response = app.test_client().get(path)
    assert response.status_code == status
    if status == 302:
        assert response.location == "/login?next=/closed"
