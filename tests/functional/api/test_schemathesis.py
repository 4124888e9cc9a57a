"""Property-based tests of the whole reports API from its own OpenAPI document.

Positive and negative cases per operation (bounded, derandomised), sent in-process with a
real token of each role: no 5xx, every response as documented, no invalid input accepted and
no valid input refused (the document is as tight as the server).
(schemathesis' lazy pytest loader does not support pytest 9 yet, so each operation's
strategy is driven by Hypothesis directly.)
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, assume, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)

from incidents.api.openapi import openapi_document
from incidents.security.permissions import Role
from tests import factories
from tests.conftest import MakeUser

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
    positive_data_acceptance,
]
OPERATIONS = [
    (path, method.upper())
    for path, item in openapi_document()["paths"].items()
    for method in item
    if method != "parameters"
]


@pytest.mark.parametrize("role", [Role.REPORTER, Role.ANALYST], ids=str)
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=str)
@pytest.mark.parametrize(("path", "method"), OPERATIONS)
def test_the_api_keeps_its_contract(
    app: Flask, make_user: MakeUser, path: str, method: str, mode: GenerationMode, role: Role
) -> None:
    token = factories.ApiTokenFactory.with_secret(user=make_user(role))[1]
    operation = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)[path][method]
    headers = {"Authorization": f"Bearer {token}"}
    checks = CHECKS
    if path == "/api/v1/reports/batch":
        # A batch answers 200 with each item's own 201 or 422: an invalid item is refused
        # inside an accepted batch, so the negative check does not apply to the batch itself.
        checks = [check for check in CHECKS if check is not negative_data_rejection]
    if path in ("/api/v1/search", "/api/v1/public/search"):
        # The query language refuses some well-formed text (a leading wildcard, too many
        # words, a page past the first 10,000 results) with a 422 naming it: no JSON Schema
        # says which, so valid-looking input may be refused there.
        checks = [check for check in CHECKS if check is not positive_data_acceptance]

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=25,
        derandomize=True,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    def keeps_contract(case: schemathesis.Case[Any]) -> None:
        # A query parameter with an empty name never reaches the server (the client drops
        # it), so a case made "negative" by one would be judged on a request it never sent.
        assume("" not in (case.query or {}))
        case.call_and_validate(headers=headers, checks=checks)

    keeps_contract()
