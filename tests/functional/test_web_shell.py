"""The web shell: security headers, cookies, CSRF, no inline code, size limit, accessible forms."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session, object_session
from werkzeug.test import TestResponse

from incidents import create_app
from incidents.accounts.models import Organization, User
from incidents.dedup import Thresholds
from incidents.placement.services import drain
from incidents.registry.queries import primary_incident
from incidents.reports.content import ReportContent
from incidents.reports.services import file_report, save_draft
from incidents.security.caller import Caller
from incidents.security.permissions import Role
from tests import factories
from tests.conftest import csrf_token, login
from tests.conftest import test_settings as settings_for
from tests.pages import accessibility_problems, field_error, inline_code, url_of
from tests.reports_data import INITIAL

DOWNLOADS = (".atom", ".json", ".csv", ".ico")  # feed, open data, icon: files, not pages


def _get(client: FlaskClient, url: str, **kwargs: object) -> TestResponse:
    response = client.get(url, **kwargs)
    response.close()
    return response


def _page_urls(app: Flask, user: User, company: Organization) -> list[str]:
    """Every GET page of the site, with ids of objects the user may see."""
    token = factories.ApiTokenFactory(user=user)
    author = factories.UserFactory(organization=company)
    session = object_session(user)
    assert session is not None
    draft = save_draft(session, Caller(author, "web"), ReportContent(title="Draft"))
    filed = file_report(
        session,
        Caller(author, "web"),
        ReportContent(title="Filed", description="Filed.", tlp="amber", classification=INITIAL),
    )
    session.commit()
    drain(session, Thresholds())
    incident = primary_incident(session, filed)
    assert incident is not None
    values = {
        "key": f"draft-{draft.id}",
        "reference": filed.reference,
        "incident": incident.reference,
        "user_id": user.id,
        "organization_id": company.id,
        "token_id": token.id,
        "dimension_id": "ai_system",
        "public_reference": "PUB-2026-99999",  # no such publication: its 404 page is checked
        "secret": "x" * 43,  # no such unlock link or invitation: their 404 pages are checked
        "saved_id": 987654321,  # no such saved search: its 404 page is checked
        "request_ref": "RFI-1999-99999",  # no such request: its 404 page is checked
        "token": "forged-token",  # an unsubscribe link that does not verify: its page is checked
    }
    urls = []
    for rule in app.url_map.iter_rules():
        if (
            "GET" not in (rule.methods or set())
            or rule.endpoint == "static"
            or rule.rule.startswith("/api/")
        ):
            continue
        if rule.endpoint == "registry.incident_search":  # JSON for the autocomplete, not a page
            continue
        unknown = rule.arguments - values.keys()
        assert not unknown, f"give _page_urls an object for {unknown} of {rule.rule}"
        urls.append(url_of(rule, {name: values[name] for name in rule.arguments}))
    return urls


# --- headers ----------------------------------------------------------------------------------


def _assert_security_headers(response: TestResponse) -> None:
    csp = {
        part.strip().split(" ", 1)[0]: part.strip()
        for part in response.headers["Content-Security-Policy"].split(";")
    }
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert "unsafe-eval" not in response.headers["Content-Security-Policy"]
    assert csp["object-src"] == "object-src 'none'"
    assert csp["base-uri"] == "base-uri 'none'"
    assert csp["frame-ancestors"] == "frame-ancestors 'none'"
    assert csp["default-src"] == "default-src 'self'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] in ("no-referrer", "strict-origin-when-cross-origin")


def test_security_headers_on_every_kind_of_response(
    app: Flask, client: FlaskClient, make_user, company: Organization
) -> None:
    anonymous = [
        _get(client, "/"),
        _get(client, "/login"),
        _get(client, "/static/site.css"),
        _get(client, "/account"),  # redirect
        _get(client, "/no/such/page"),  # 404 page
        _get(client, "/api/v1/me"),  # 401 JSON
        _get(client, "/api/v1/nothing"),  # 404 JSON
        client.post("/login", data={}),  # 400 CSRF
    ]
    admin = make_user(Role.ADMIN)
    login(client, admin)
    signed_in = [_get(client, url) for url in _page_urls(app, admin, company)]
    for response in anonymous + signed_in:
        _assert_security_headers(response)


def test_no_store_on_authenticated_pages_and_the_api(
    app: Flask, client: FlaskClient, make_user, company: Organization
) -> None:
    assert _get(client, "/api/v1/me").headers["Cache-Control"] == "no-store"
    user = make_user(Role.ORG_ADMIN)
    _, secret = factories.ApiTokenFactory.with_secret(user=user)
    api = _get(client, "/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert api.status_code == 200
    assert api.headers["Cache-Control"] == "no-store"
    login(client, user)
    for url in _page_urls(app, user, company):
        response = _get(client, url)
        assert response.headers.get("Cache-Control") == "no-store", url


# --- cookies ----------------------------------------------------------------------------------


def _set_cookie(response: TestResponse, name: str) -> list[str]:
    [header] = [h for h in response.headers.getlist("Set-Cookie") if h.startswith(f"{name}=")]
    return [part.strip() for part in header.split(";")]


def test_session_cookie_flags_in_development(client: FlaskClient, make_user) -> None:
    user = make_user(Role.REPORTER)
    response = client.post(
        "/login",
        data={
            "email": user.email,
            "password": factories.TEST_PASSWORD,
            "csrf_token": csrf_token(client, "/login"),
        },
    )
    assert response.status_code == 302
    flags = _set_cookie(response, "session")
    assert "HttpOnly" in flags
    assert "SameSite=Lax" in flags
    assert "Path=/" in flags


@pytest.fixture
def production_app(app: Flask, db: Session, database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """A production app (explicit secret and database URL) sharing the test transaction."""
    production = create_app(settings_for(tmp_path, database_url, ENV="production"))
    production.extensions["incidents"].database.session_factory = app.extensions[
        "incidents"
    ].database.session_factory
    yield production
    production.extensions["incidents"].database.engine.dispose()


def test_production_cookies_are_secure_and_host_prefixed(production_app: Flask, make_user) -> None:
    user = make_user(Role.REPORTER)
    client = production_app.test_client()
    https = {"base_url": "https://localhost"}
    page = client.get("/login", **https).get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post(
        "/login",
        data={"email": user.email, "password": factories.TEST_PASSWORD, "csrf_token": token},
        headers={"Referer": "https://localhost/login"},
        **https,
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    flags = _set_cookie(response, "__Host-session")
    assert {"Secure", "HttpOnly", "SameSite=Lax", "Path=/"} <= set(flags)
    assert not any(flag.lower().startswith("domain=") for flag in flags)
    assert not [h for h in response.headers.getlist("Set-Cookie") if h.startswith("session=")]
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert client.get("/account", **https).status_code == 200


# --- CSRF -------------------------------------------------------------------------------------


def _post_urls(app: Flask, user_id: int) -> list[str]:
    return [
        url_of(rule, dict.fromkeys(rule.arguments, user_id))
        for rule in app.url_map.iter_rules()
        if "POST" in (rule.methods or set()) and not rule.rule.startswith("/api/")
    ]


@pytest.mark.parametrize("role", [None, Role.ADMIN, Role.ORG_ADMIN])
def test_every_form_post_needs_a_csrf_token(
    app: Flask, client: FlaskClient, make_user, role: Role | None
) -> None:
    member = make_user(Role.REPORTER)
    if role is not None:
        login(client, make_user(role))
    urls = _post_urls(app, member.id)
    assert len(urls) >= 8
    for url in urls:
        for data in ({}, {"csrf_token": "forged"}):
            response = client.post(url, data={**data, "name": "x", "email": "a@b.example"})
            assert response.status_code == 400, (url, data)
            assert "text/html" in response.content_type
    if role is not None:
        assert _get(client, "/account").status_code == 200  # the logout was refused too


# --- no inline code ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", [None, *Role])
def test_no_inline_script_or_style_on_any_page(
    app: Flask, client: FlaskClient, make_user, company: Organization, role: Role | None
) -> None:
    if role is None:
        urls = ["/", "/login", "/no/such/page", "/account"]
    else:
        user = make_user(role)
        login(client, user)
        urls = [*_page_urls(app, user, company), "/no/such/page", "/login"]
    for url in urls:
        response = _get(client, url, follow_redirects=True)
        if url.endswith(DOWNLOADS):
            assert "text/html" not in response.content_type, url
            continue
        assert "text/html" in response.content_type
        assert inline_code(response.get_data(as_text=True)) == [], url


def test_pages_with_errors_and_new_tokens_have_no_inline_code(
    client: FlaskClient, make_user
) -> None:
    org_admin = make_user(Role.ORG_ADMIN)
    login(client, org_admin)
    token = csrf_token(client, "/organization/tokens")
    pages = [
        client.post(
            "/organization/tokens", data={"csrf_token": token, "user": org_admin.id, "name": "x"}
        ),
        client.post("/organization/members", data={"csrf_token": token, "email": "bad"}),
        client.get("/organization/members/987654"),
        client.get("/admin/users"),
    ]
    for response in pages:
        assert inline_code(response.get_data(as_text=True)) == []


# --- request size -----------------------------------------------------------------------------


@pytest.fixture
def small_app(app: Flask, db: Session, database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """An app with a 2 KiB request limit and two probe routes on the API."""
    from flask import request

    from incidents.extensions import csrf, limiter
    from incidents.security.decorators import public

    small = create_app(settings_for(tmp_path, database_url, MAX_CONTENT_LENGTH="2048"))
    small.extensions["incidents"].database.session_factory = app.extensions[
        "incidents"
    ].database.session_factory

    @small.post("/api/v1/probe-echo")
    @public
    def probe_echo() -> dict[str, int]:
        return {"size": len(request.get_data())}

    csrf.exempt(probe_echo)

    @small.get("/api/v1/probe-limited")
    @public
    @limiter.limit("1 per minute")
    def probe_limited() -> dict[str, str]:
        return {"ok": "yes"}

    yield small
    small.extensions["incidents"].database.engine.dispose()


def test_request_size_limit_on_pages(small_app: Flask) -> None:
    client = small_app.test_client()
    token = csrf_token(client, "/login")
    small = client.post("/login", data={"csrf_token": token, "email": "a" * 500})
    assert small.status_code == 200
    large = client.post("/login", data={"csrf_token": token, "email": "a" * 3000})
    assert large.status_code == 413
    assert "text/html" in large.content_type
    assert "<h1>" in large.get_data(as_text=True)


def test_json_errors_on_the_api(small_app: Flask) -> None:
    client = small_app.test_client()
    cases = [
        (client.get("/api/v1/me"), 401),
        (client.get("/api/v1/no-such-thing"), 404),
        (client.post("/api/v1/me"), 405),
        (client.post("/api/v1/probe-echo", data="x" * 3000), 413),
        (client.get("/api/v1/probe-limited"), 200),
        (client.get("/api/v1/probe-limited"), 429),
    ]
    assert client.post("/api/v1/probe-echo", data="x" * 1000).json == {"size": 1000}
    for response, status in cases:
        assert response.status_code == status
        assert response.is_json
        if status != 200:
            body = response.get_json()
            assert set(body) == {"error", "details"}, body
            assert body["error"]
            assert body["details"]
    assert cases[0][0].headers["WWW-Authenticate"].startswith("Bearer")
    assert set(cases[2][0].headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    assert "Retry-After" in cases[5][0].headers


def test_html_errors_are_pages(client: FlaskClient) -> None:
    for response, status in ((client.get("/nothing-here"), 404), (client.get("/logout"), 405)):
        assert response.status_code == status
        assert "text/html" in response.content_type
        page = response.get_data(as_text=True)
        assert page.startswith("<!doctype html>")
        assert "Back to the front page" in page


# --- accessible forms -------------------------------------------------------------------------


@pytest.mark.parametrize("role", [None, Role.ADMIN, Role.ORG_ADMIN, Role.REPORTER])
def test_every_input_has_a_label(
    app: Flask, client: FlaskClient, make_user, company: Organization, role: Role | None
) -> None:
    urls = ["/login"]
    if role is not None:
        user = make_user(role)
        login(client, user)
        urls = _page_urls(app, user, company)
    for url in urls:
        response = _get(client, url)
        if response.status_code == 200:
            assert accessibility_problems(response.get_data(as_text=True)) == [], url


def test_error_messages_are_tied_to_their_fields(client: FlaskClient, make_user) -> None:
    login(client, make_user(Role.ORG_ADMIN))
    token = csrf_token(client, "/organization/members")
    response = client.post(
        "/organization/members",
        data={"csrf_token": token, "email": "not an e-mail", "organization": "", "password": "x"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert accessibility_problems(page) == []
    assert field_error(page, "password") == "Use between 12 and 256 characters."
    password_change = client.post(
        "/account/password",
        data={
            "csrf_token": token,
            "current_password": "x",
            "new_password": "y" * 12,
            "confirm": "z" * 12,
        },
    )
    page = password_change.get_data(as_text=True)
    assert field_error(page, "confirm") == "The two entries differ."
    assert accessibility_problems(page) == []
