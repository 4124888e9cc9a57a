"""Fixtures for the reports API: a reporter with a real token, and a JSON client."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from incidents.accounts.models import User
from incidents.paging import MAX_PER_PAGE, offset_problem
from incidents.reports.examples import EXAMPLE_REPORT
from incidents.security.permissions import Role
from tests import factories


@dataclass
class ApiClient:
    """A test client that sends one user's API token (none: anonymous)."""

    client: FlaskClient
    token: str | None
    headers: dict[str, str] = field(default_factory=dict)

    def _headers(self, extra: Mapping[str, str] | None) -> dict[str, str]:
        headers = dict(self.headers)
        if self.token is not None:
            headers["Authorization"] = f"Bearer {self.token}"
        headers.update(extra or {})
        return headers

    def get(self, path: str, **kwargs: Any) -> TestResponse:
        return self.client.get(path, headers=self._headers(kwargs.pop("headers", None)), **kwargs)

    def post(
        self, path: str, body: Any = None, *, key: str | None = None, **kwargs: Any
    ) -> TestResponse:
        headers = self._headers(kwargs.pop("headers", None))
        if key is not None:
            headers["Idempotency-Key"] = key
        if body is not None:
            kwargs["json"] = body
        return self.client.post(path, headers=headers, **kwargs)


def api_client(app: Flask, user: User | None) -> ApiClient:
    token = None if user is None else factories.ApiTokenFactory.with_secret(user=user)[1]
    return ApiClient(app.test_client(), token)


@pytest.fixture
def reporter(make_user) -> User:
    user: User = make_user(Role.REPORTER)
    return user


@pytest.fixture
def api(app: Flask, db: Session, reporter: User) -> ApiClient:
    return api_client(app, reporter)


@pytest.fixture
def example() -> dict[str, Any]:
    """A complete, valid new report (the OpenAPI example): change it freely."""
    return copy.deepcopy(EXAMPLE_REPORT)


def filed(api: ApiClient, body: Mapping[str, Any]) -> str:
    """File ``body`` and return the new report's reference (or draft key)."""
    response = api.post("/api/v1/reports", dict(body))
    assert response.status_code == 201, response.get_json()
    location: str = response.headers["Location"]
    return location.rsplit("/", 1)[1]


def within_reach(query: Mapping[str, Any] | None) -> bool:
    """Whether a generated query pages within reach: a page must start within the first
    10,000 results, a rule across two parameters that no JSON Schema of a query can state
    (the server refuses it with a 422 naming ``page``)."""
    query = query or {}
    # Without per_page, the largest default (lists differ) is assumed.
    page, per_page = query.get("page", 1), query.get("per_page", MAX_PER_PAGE)
    if not (isinstance(page, int) and isinstance(per_page, int)) or per_page < 1:
        return True
    return offset_problem(page, per_page) is None
