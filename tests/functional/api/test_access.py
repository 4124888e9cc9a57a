"""Who may call the reports API: other organisations see 404, other roles 403, no token 401."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from incidents.accounts.models import User
from incidents.security.permissions import Role
from tests import factories
from tests.functional.api.conftest import ApiClient, api_client, filed

MISSING = "RPT-2000-99999"


def _calls(key: str, example: dict[str, Any]) -> list[tuple[str, str, Any]]:
    content = {k: v for k, v in example.items() if k != "state"}
    return [
        ("GET", f"/api/v1/reports/{key}", None),
        ("POST", f"/api/v1/reports/{key}/revisions", {**content, "reason": "Because."}),
        ("POST", f"/api/v1/reports/{key}/follow-ups", {**content, "stage": "intermediate"}),
        ("POST", f"/api/v1/reports/{key}/withdraw", {"reason": "Because."}),
    ]


def _call(api: ApiClient, method: str, path: str, body: Any) -> Any:
    return api.get(path) if method == "GET" else api.post(path, body)


def test_another_organisations_reporter_gets_404_like_a_missing_report(
    app: Flask, api: ApiClient, example: dict[str, Any], make_user
) -> None:
    reference = filed(api, example)
    draft = filed(api, {"state": "draft", "distribution": {"tlp": "amber"}})
    other_company = factories.OrganizationFactory(name="Other Company")
    stranger = api_client(app, make_user(Role.REPORTER, organization=other_company))
    other_admin = api_client(app, make_user(Role.ORG_ADMIN, organization=other_company))

    for outsider in (stranger, other_admin):
        for key in (reference, draft):
            for method, path, body in _calls(key, example):
                response = _call(outsider, method, path, body)
                missing = _call(outsider, method, path.replace(key, MISSING), body)
                assert response.status_code == 404, (method, path)
                assert response.json == missing.json, (method, path)
        assert outsider.get("/api/v1/reports").get_json()["total"] == 0

    # and nothing changed
    shown = api.get(f"/api/v1/reports/{reference}").json
    assert shown is not None
    assert shown["state"] == "submitted"
    assert len(shown["revisions"]) == 1
    assert shown["series"] == [reference]


def _everything(key: str, example: dict[str, Any]) -> list[tuple[str, str, Any]]:
    return [
        ("GET", "/api/v1/reports", None),
        ("POST", "/api/v1/reports", example),
        ("POST", "/api/v1/reports/batch", {"reports": [example]}),
        *_calls(key, example),
    ]


@pytest.mark.parametrize(
    ("role", "status"),
    [(Role.ANALYST, 403), (Role.EDITOR, 403), (Role.ADMIN, 403), (None, 401)],
)
def test_other_roles_are_refused(
    app: Flask,
    api: ApiClient,
    example: dict[str, Any],
    make_user,
    role: Role | None,
    status: int,
) -> None:
    reference = filed(api, example)
    user: User | None = make_user(role) if role else None
    caller = api_client(app, user)

    for method, path, body in _everything(reference, example):
        response = _call(caller, method, path, body)
        assert response.status_code == status, (method, path)
        assert set(response.json or {}) == {"error", "details"}


def test_an_institutes_org_admin_cannot_file(
    app: Flask, example: dict[str, Any], make_user, institute
) -> None:
    caller = api_client(app, make_user(Role.ORG_ADMIN, organization=institute))

    assert caller.post("/api/v1/reports", example).status_code == 403
    assert caller.get("/api/v1/reports").status_code == 403


def test_a_bad_token_is_refused_with_401(app: Flask, db: Any) -> None:
    caller = ApiClient(app.test_client(), "aix_not-a-real-token")

    response = caller.get("/api/v1/reports")

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_session_cookies_do_not_authenticate_the_api(
    app: Flask, db: Any, reporter: User, example: dict[str, Any]
) -> None:
    from tests.conftest import login

    client = app.test_client()
    login(client, reporter)

    assert client.post("/api/v1/reports", json=example).status_code == 401
