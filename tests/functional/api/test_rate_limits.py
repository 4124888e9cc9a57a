"""API rate limits: per token (per address without one), reads and writes apart, 429 with
``Retry-After`` and the API's JSON error, documented on every operation."""

from __future__ import annotations

import dataclasses
import time

import pytest
from flask import Flask
from flask.testing import FlaskClient

from incidents.api.openapi import openapi_document
from incidents.security.permissions import Role
from tests import factories
from tests.conftest import MakeUser


@pytest.fixture
def limited(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Flask:
    """The app with 3 reads and 2 writes a second per caller."""
    settings = dataclasses.replace(
        app.config["INCIDENTS_SETTINGS"],
        api_read_limit="3 per second",
        api_write_limit="2 per second",
    )
    monkeypatch.setitem(app.config, "INCIDENTS_SETTINGS", settings)
    return app


def _token(make_user: MakeUser, role: Role = Role.REPORTER) -> dict[str, str]:
    secret = factories.ApiTokenFactory.with_secret(user=make_user(role))[1]
    return {"Authorization": f"Bearer {secret}"}


def _wait_for_a_new_second() -> None:
    """Start at the beginning of a one-second window, so a burst falls in one window."""
    time.sleep(1 - time.time() % 1 + 0.01)


def test_a_token_over_its_limit_is_refused_and_another_is_not(
    limited: Flask, client: FlaskClient, make_user: MakeUser
) -> None:
    first, second = _token(make_user), _token(make_user)
    _wait_for_a_new_second()
    assert [client.get("/api/v1/me", headers=first).status_code for _ in range(3)] == [200] * 3
    refused = client.get("/api/v1/me", headers=first)
    assert refused.status_code == 429
    assert refused.is_json
    body = refused.get_json()
    assert body["error"] == "Too Many Requests"
    assert "at most 3 per 1 second for this token" in body["details"]
    assert refused.headers["Retry-After"] == "1"
    # Another token of the same user's organisation, from the same address, is unaffected.
    assert client.get("/api/v1/me", headers=second).status_code == 200


def test_the_limit_resets_after_its_window(
    limited: Flask, client: FlaskClient, make_user: MakeUser
) -> None:
    headers = _token(make_user)
    _wait_for_a_new_second()
    for _ in range(3):
        client.get("/api/v1/me", headers=headers)
    refused = client.get("/api/v1/me", headers=headers)
    assert refused.status_code == 429
    time.sleep(int(refused.headers["Retry-After"]))
    assert client.get("/api/v1/me", headers=headers).status_code == 200


def test_reads_and_writes_are_counted_apart(
    limited: Flask, client: FlaskClient, make_user: MakeUser
) -> None:
    headers = _token(make_user)
    _wait_for_a_new_second()
    writes = [
        client.post("/api/v1/reports", json={}, headers=headers).status_code for _ in range(3)
    ]
    assert writes == [422, 422, 429]  # counted before the body is judged
    refused = client.post("/api/v1/reports", json={}, headers=headers)
    assert "Too many API writes: at most 2 per 1 second" in refused.get_json()["details"]
    # Reads still have their own three.
    assert client.get("/api/v1/reports", headers=headers).status_code == 200


def test_the_public_api_is_limited_per_address(limited: Flask, client: FlaskClient) -> None:
    _wait_for_a_new_second()
    answers = [client.get("/api/v1/public/incidents").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    refused = client.get("/api/v1/public/incidents")
    assert "for this address" in refused.get_json()["details"]
    assert int(refused.headers["Retry-After"]) >= 1
    elsewhere = client.get(
        "/api/v1/public/incidents", environ_overrides={"REMOTE_ADDR": "192.0.2.7"}
    )
    assert elsewhere.status_code == 200


def test_unknown_tokens_count_against_their_address(
    limited: Flask, client: FlaskClient, make_user: MakeUser
) -> None:
    """Guessing tokens is limited like anonymous calls; a valid token is counted apart."""
    _wait_for_a_new_second()
    guesses = [
        client.get("/api/v1/me", headers={"Authorization": f"Bearer guess{n}"}).status_code
        for n in range(4)
    ]
    assert guesses == [401, 401, 401, 429]
    assert client.get("/api/v1/me", headers=_token(make_user)).status_code == 200


def test_pages_are_not_limited_by_the_api_limits(limited: Flask, client: FlaskClient) -> None:
    _wait_for_a_new_second()
    assert {client.get("/").status_code for _ in range(5)} == {200}


def test_every_operation_documents_its_429() -> None:
    document = openapi_document()
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            assert operation["responses"]["429"] == {
                "$ref": "#/components/responses/TooManyRequests"
            }, (method, path)
    answer = document["components"]["responses"]["TooManyRequests"]
    assert answer["headers"]["Retry-After"]["required"] is True
    assert answer["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}


def test_a_failing_counter_storage_lets_requests_through(
    limited: Flask, client: FlaskClient, make_user: MakeUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    from incidents.extensions import limiter

    def unreachable(*_args: object, **_kwargs: object) -> bool:
        raise ConnectionError("redis is down")

    monkeypatch.setattr(limiter.limiter, "hit", unreachable)
    headers = _token(make_user)
    _wait_for_a_new_second()
    assert {client.get("/api/v1/me", headers=headers).status_code for _ in range(5)} == {200}
