"""Property-based tests of the whole reports API from its own OpenAPI document.

Positive and negative cases per operation (bounded, derandomised), sent in-process with a
real token: no 5xx, every response as documented, and no invalid input accepted.
(schemathesis' lazy pytest loader does not support pytest 9 yet, so each operation's
strategy is driven by Hypothesis directly.)
"""

from __future__ import annotations

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy.orm import Session

from incidents.accounts.models import User
from incidents.api.openapi import openapi_document
from tests import factories

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
OPERATIONS = [
    (path, method.upper())
    for path, item in openapi_document()["paths"].items()
    for method in item
    if method != "parameters"
]


@pytest.fixture
def token(db: Session, reporter: User) -> str:
    return factories.ApiTokenFactory.with_secret(user=reporter)[1]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=str)
@pytest.mark.parametrize(("path", "method"), OPERATIONS)
def test_the_api_keeps_its_contract(
    app: Flask, token: str, path: str, method: str, mode: GenerationMode
) -> None:
    operation = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)[path][method]
    headers = {"Authorization": f"Bearer {token}"}

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=25,
        derandomize=True,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    def keeps_contract(case: schemathesis.Case) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    keeps_contract()
