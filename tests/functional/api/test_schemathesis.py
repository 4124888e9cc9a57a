"""Property-based tests of the whole reports API from its own OpenAPI document.

Positive and negative cases per operation (bounded, derandomised), sent in-process with a
real token of each role: no 5xx, every response as documented, no invalid input accepted and
no valid input refused (the document is as tight as the server).
(schemathesis' lazy pytest loader does not support pytest 9 yet, so each operation's
strategy is driven by Hypothesis directly.)

``INCIDENTS_FUZZ_EXAMPLES`` is how many examples each operation gets, spread evenly over the
roles and the two generation modes (default 200: 20 per role and mode). With
``INCIDENTS_FUZZ_REPORT=PATH`` nothing fails: each test appends one JSON line of figures
(examples, 5xx answers, response-schema violations, other contract failures) to PATH, for
``bench/fuzz.py``.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
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
from tests.functional.api.conftest import within_reach

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
    positive_data_acceptance,
]
ROLES = tuple(Role)
MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
#: Examples per operation, over every role and mode together.
EXAMPLES = int(os.environ.get("INCIDENTS_FUZZ_EXAMPLES") or 200)
EXAMPLES_PER_CASE = max(1, math.ceil(EXAMPLES / (len(ROLES) * len(MODES))))
REPORT = os.environ.get("INCIDENTS_FUZZ_REPORT", "")
#: Only operations whose "METHOD /path" contains one of these (comma-separated; bench/fuzz.py).
ONLY = [part.strip() for part in os.environ.get("INCIDENTS_FUZZ_OPERATIONS", "").split(",")]
DOCUMENT = openapi_document()
OPERATIONS = [
    (path, method.upper())
    for path, item in DOCUMENT["paths"].items()
    for method in item
    if method != "parameters" and any(part in f"{method.upper()} {path}" for part in ONLY)
]


@pytest.mark.parametrize("role", ROLES, ids=str)
@pytest.mark.parametrize("mode", MODES, ids=str)
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
    if path in ("/api/v1/search", "/api/v1/public/search", "/api/v1/sources"):
        # The query language refuses some well-formed text (a leading wildcard, too many
        # words, a page past the first 10,000 results) with a 422 naming it, and an import's
        # items are free-form records refused (naming the field) for a NUL at any depth: no
        # JSON Schema says which, so valid-looking input may be refused there.
        checks = [check for check in CHECKS if check is not positive_data_acceptance]

    tally = Tally(path, method, str(role), str(mode)) if REPORT else None
    token_required = requires_token(path, method)

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES_PER_CASE,
        derandomize=True,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    def keeps_contract(case: schemathesis.Case[Any]) -> None:
        assume(sent_as_generated(case, mode, token_required=token_required))
        # A page must start within the first 10,000 results: a rule across two parameters.
        assume(mode is GenerationMode.NEGATIVE or within_reach(case.query))
        if tally is None:
            case.call_and_validate(headers=headers, checks=checks)
        else:
            tally.judge(case, headers, checks)

    keeps_contract()
    if tally is not None:
        with Path(REPORT).open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(tally.figures()) + "\n")


def sent_as_generated(
    case: schemathesis.Case[Any], mode: GenerationMode, *, token_required: bool
) -> bool:
    """Whether the request sent is the one generated, so a "negative" case is judged on
    what it sends: a query parameter with an empty name, or whose value is an empty object or
    list, never reaches the server (the client drops it), and the test always sends its own
    ``Authorization`` header (a negative case of an operation that requires a token and
    leaves the header out sends one anyway)."""
    query = case.query or {}
    if "" in query or any(value in ({}, []) for value in query.values()):
        return False
    left_out = "Authorization" not in (case.headers or {})
    return not (mode is GenerationMode.NEGATIVE and token_required and left_out)


def requires_token(path: str, method: str) -> bool:
    """Whether the OpenAPI document asks a token of the operation (its own ``security``, or
    the document's; public operations say ``[]``)."""
    operation = DOCUMENT["paths"][path][method.lower()]
    return bool(operation.get("security", DOCUMENT["security"]))


class Tally:
    """The figures of one operation, role and mode, counted instead of failing."""

    def __init__(self, path: str, method: str, role: str, mode: str) -> None:
        self.key = {"operation": f"{method} {path}", "role": role, "mode": mode}
        self.examples = self.server_errors = self.schema_violations = self.other = 0
        self.samples: list[str] = []

    def judge(
        self, case: schemathesis.Case[Any], headers: dict[str, str], checks: list[Any]
    ) -> None:
        response = case.call(headers=headers)
        self.examples += 1
        if response.status_code >= 500:
            self.server_errors += 1
            self._sample(f"{response.status_code} {case.as_curl_command()}")
        for check in checks:
            if check is not_a_server_error:
                continue
            try:
                case.validate_response(response, checks=[check], headers=headers)
            except Exception as failure:  # schemathesis' FailureGroup or a check's own error
                if check is response_schema_conformance:
                    self.schema_violations += 1
                else:
                    self.other += 1
                self._sample(f"{check.__name__}: {str(failure).splitlines()[0][:200]}")

    def _sample(self, text: str) -> None:
        if len(self.samples) < 3:
            self.samples.append(text)

    def figures(self) -> dict[str, Any]:
        return {
            **self.key,
            "examples": self.examples,
            "server_errors": self.server_errors,
            "schema_violations": self.schema_violations,
            "other_failures": self.other,
            "samples": self.samples,
        }
