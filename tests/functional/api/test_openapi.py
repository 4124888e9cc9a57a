"""The OpenAPI document, its example, the rendered docs and the README's example file."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from openapi_spec_validator import validate

import taxonomy
from incidents.reports.examples import EXAMPLE_REPORT, example_report
from tests.functional.api.conftest import ApiClient


def _document(client: FlaskClient) -> dict[str, Any]:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document: dict[str, Any] = response.get_json()
    return document


def test_the_document_is_valid_openapi(client: FlaskClient) -> None:
    document = _document(client)

    validate(document)  # raises on any violation of the OpenAPI 3.1 schema
    assert document["openapi"].startswith("3.1")
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert document["security"] == [{"bearerAuth": []}]


def test_every_reports_route_is_documented(app: Flask, client: FlaskClient) -> None:
    paths = _document(client)["paths"]
    routed = {
        (re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule), method.lower())
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/reports")
        for method in rule.methods or ()
        if method not in ("HEAD", "OPTIONS")
    }
    documented = {
        (path, method) for path, item in paths.items() for method in item if method != "parameters"
    }
    assert routed <= documented


def test_writes_declare_the_key_errors_and_bodies(client: FlaskClient) -> None:
    document = _document(client)
    for path, item in document["paths"].items():
        post = item.get("post")
        if post is None:
            continue
        assert post["parameters"] == [{"$ref": "#/components/parameters/IdempotencyKey"}], path
        assert "$ref" in post["requestBody"]["content"]["application/json"]["schema"], path
        assert {"401", "403", "409", "415", "422"} <= set(post["responses"]), path
    new_report = document["components"]["schemas"]["NewReport"]
    assert new_report["additionalProperties"] is False
    assert new_report["required"] == ["distribution"]
    key = document["components"]["parameters"]["IdempotencyKey"]
    assert (key["in"], key["name"]) == ("header", "Idempotency-Key")


def test_the_documented_example_is_filed(client: FlaskClient, api: ApiClient) -> None:
    operation = _document(client)["paths"]["/api/v1/reports"]["post"]
    example = operation["requestBody"]["content"]["application/json"]["example"]
    classification = example["classification"]
    version = taxonomy.load(example["taxonomy_version"])

    assert version.validate(classification, "initial") == []
    assert example["distribution"] == {"tlp": "amber", "recipients": []}
    response = api.post("/api/v1/reports", example)
    assert response.status_code == 201, response.json
    rules = [d["rule"] for d in (response.json or {})["deadlines"] if d["binding"]]
    assert "art73_death" in rules


def test_the_example_is_dated_relative_to_today(client: FlaskClient, app: Flask) -> None:
    example = _document(client)["paths"]["/api/v1/reports"]["post"]["requestBody"]["content"][
        "application/json"
    ]["example"]
    printed = app.test_cli_runner().invoke(args=["reports", "example"])
    today = datetime.now(UTC).date()

    assert printed.exit_code == 0, printed.output
    assert json.loads(printed.output) == example == example_report(today)
    assert example["classification"]["occurred_on"] == str(today - timedelta(days=2))
    assert example["classification"]["aware_at"].startswith(str(today - timedelta(days=1)))
    assert example_report(date(2026, 1, 1))["classification"]["occurred_on"] == "2025-12-30"
    assert EXAMPLE_REPORT["classification"]["occurred_on"] == "2026-09-02"  # the template stays


def test_the_docs_page_loads_swagger_ui_from_our_origin(client: FlaskClient) -> None:
    page = client.get("/api/docs")

    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    sources = re.findall(r'<script src="([^"]+)"', html)
    assert sources == ["/api/docs/assets/swagger-ui-bundle.js", "/static/api/docs.js"]
    assert "<script>" not in html  # no inline script
    assert 'data-spec-url="/api/v1/openapi.json"' in html
    for path in (*sources, "/api/docs/assets/swagger-ui.css"):
        asset = client.get(path)
        assert asset.status_code == 200, path
        assert asset.get_data(), path
        asset.close()


def test_only_the_swagger_ui_files_are_served(client: FlaskClient) -> None:
    for name in ("index.html", "swagger-initializer.js", "..%2F__init__.py"):
        response = client.get(f"/api/docs/assets/{name}")
        assert response.status_code == 404, name


def test_options_on_the_batch_lists_only_its_own_methods(client: FlaskClient) -> None:
    """``batch`` is no report reference: only the batch's POST answers there."""
    allowed = client.options("/api/v1/reports/batch").headers["Allow"]
    assert set(allowed.replace(" ", "").split(",")) == {"POST", "OPTIONS"}


def test_an_unknown_query_parameter_names_the_accepted_ones(client: FlaskClient) -> None:
    response = client.get("/api/v1/public/incidents?colour=red")

    assert response.status_code == 422
    [message] = (response.get_json() or {})["details"]["colour"]
    assert message.startswith("Unknown field; accepted: ")
    assert "page" in message
    assert "per_page" in message


def test_operations_are_grouped_by_described_tags(client: FlaskClient) -> None:
    document = _document(client)
    described = {tag["name"]: tag["description"] for tag in document["tags"]}

    assert {"reports", "incidents", "triage", "taxonomy", "public"} <= set(described)
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if method in ("get", "post", "put", "patch", "delete"):
                assert set(operation["tags"]) <= set(described), (method, path)
