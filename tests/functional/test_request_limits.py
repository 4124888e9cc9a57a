"""Limits that protect the service: the request body size, how deep lists page, and how long
a web request's statements may run."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from incidents import create_app
from incidents.db import is_sqlite
from incidents.extensions import db_session
from incidents.paging import MAX_OFFSET, last_page, offset_problem
from incidents.security.decorators import public
from incidents.security.permissions import Role
from tests import factories
from tests.conftest import MakeUser, csrf_token, login
from tests.conftest import test_settings as settings_for

# --- the request body ---------------------------------------------------------------------


def test_a_too_large_form_is_refused_with_a_page_that_says_the_limit(client: FlaskClient) -> None:
    token = csrf_token(client, "/login")
    response = client.post("/login", data={"csrf_token": token, "email": "a" * 2_200_000})
    assert response.status_code == 413
    assert "text/html" in response.content_type
    page = response.get_data(as_text=True)
    assert "at most 2,097,152 bytes (2.0 MiB) in one request" in page
    assert "Nothing was saved" in page


def test_a_too_large_json_body_is_refused_with_the_apis_error(
    client: FlaskClient, make_user: MakeUser
) -> None:
    secret = factories.ApiTokenFactory.with_secret(user=make_user(Role.REPORTER))[1]
    response = client.post(
        "/api/v1/reports",
        data=b'{"title": "' + b"x" * 2_200_000 + b'"}',
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 413
    body = response.get_json()
    assert body["error"] == "Request Entity Too Large"
    assert "at most 2,097,152 bytes" in body["details"]


def test_a_form_field_may_be_as_large_as_the_body_allows(
    client: FlaskClient, make_user: MakeUser
) -> None:
    """One limit for the whole body: a 1 MB field is judged by the form, not refused by a
    second, smaller limit of the framework's."""
    login(client, make_user(Role.REPORTER))
    token = csrf_token(client, "/reports/new")
    response = client.post("/reports/new", data={"csrf_token": token, "title": "t" * 1_000_000})
    assert response.status_code == 200  # the form again, with its messages
    assert "Title" in response.get_data(as_text=True)


# --- how deep lists page ------------------------------------------------------------------


def test_the_reach_of_paging() -> None:
    assert MAX_OFFSET == 10_000
    assert last_page(25) == 400
    assert last_page(100) == 100
    assert last_page(3) == 3334
    assert offset_problem(400, 25) is None
    assert offset_problem(401, 25) == (
        "Only the first 10,000 results can be paged through (with 25 a page, up to page 400): "
        "narrow the list instead."
    )


@pytest.mark.parametrize(
    "path",
    ["/api/v1/reports", "/api/v1/incidents", "/api/v1/public/incidents", "/api/v1/search"],
)
def test_the_api_refuses_a_page_beyond_reach_naming_it(
    client: FlaskClient, make_user: MakeUser, path: str
) -> None:
    role = Role.REPORTER if path == "/api/v1/reports" else Role.ANALYST
    secret = factories.ApiTokenFactory.with_secret(user=make_user(role))[1]
    headers = {"Authorization": f"Bearer {secret}"}
    within = client.get(path, query_string={"page": 100, "per_page": 100}, headers=headers)
    assert within.status_code == 200, within.get_json()
    beyond = client.get(path, query_string={"page": 101, "per_page": 100}, headers=headers)
    assert beyond.status_code == 422
    assert beyond.get_json()["details"]["page"] == [offset_problem(101, 100)]
    huge = client.get(path, query_string={"page": 10**6}, headers=headers)
    assert huge.status_code == 422


def test_pages_stop_at_the_last_page_within_reach(client: FlaskClient, make_user: MakeUser) -> None:
    login(client, make_user(Role.ANALYST))
    deep = client.get("/incidents", query_string={"page": 10**9})
    assert deep.status_code == 200
    assert client.get("/triage", query_string={"page": 10**9}).status_code == 200


# --- the statement timeout ------------------------------------------------------------------


#: A statement that runs for seconds on either database.
SLOW = {
    "postgresql": "SELECT pg_sleep(2)",
    "sqlite": "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 10000000)"
    " SELECT count(*) FROM c",
}
#: One that runs for about half a second on SQLite (more than the 200 ms limit).
SLOWISH = (
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1500000)"
    " SELECT count(*) FROM c"
)


@pytest.fixture
def slow_app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """An app whose statements may run 200 ms, with a page and an API call whose statement
    runs for seconds, and one that runs a short one."""
    slow = create_app(settings_for(tmp_path, database_url, STATEMENT_TIMEOUT_MS="200"))
    dialect = "sqlite" if is_sqlite(database_url) else "postgresql"

    @public
    def sleeping() -> dict[str, str]:
        db_session().execute(sa.text(SLOW[dialect]))
        return {"slept": "yes"}

    @public
    def quick() -> dict[str, int]:
        return {"one": int(db_session().scalar(sa.text("SELECT 1")) or 0)}

    slow.add_url_rule("/probe-sleep", "probe_sleep", sleeping)
    slow.add_url_rule("/api/v1/probe-sleep", "api_probe_sleep", sleeping)
    slow.add_url_rule("/probe-quick", "probe_quick", quick)
    yield slow
    slow.extensions["incidents"].database.engine.dispose()


def test_a_statement_of_a_web_request_that_runs_too_long_is_stopped(slow_app: Flask) -> None:
    client = slow_app.test_client()
    started = time.monotonic()
    page = client.get("/probe-sleep")
    assert page.status_code == 503
    assert page.headers["Retry-After"]
    assert "took too long" in page.get_data(as_text=True)
    api = client.get("/api/v1/probe-sleep")
    assert api.status_code == 503
    assert "took too long" in api.get_json()["details"]
    assert time.monotonic() - started < 1.5  # stopped, not run to the end (2 s or more each)
    # The next request on the same pool is served: the limit went with its transaction.
    assert client.get("/probe-quick").get_json() == {"one": 1}


def test_commands_are_not_limited(slow_app: Flask, database_url: str) -> None:
    # A web request's limited transaction first, so the command may reuse its connection.
    assert slow_app.test_client().get("/probe-sleep").status_code == 503
    with slow_app.app_context():
        session = db_session()
        if is_sqlite(database_url):
            assert session.scalar(sa.text(SLOWISH)) == 1500000
        else:
            assert session.scalar(sa.text("SHOW statement_timeout")) == "0"
        session.close()
