"""No 500 from input: hostile text and numbers in every path parameter, every query parameter,
every form field and every JSON write, as every kind of caller, on SQLite and PostgreSQL.

Whatever is refused is refused with a 4xx that names what was wrong, and every answer, an
error included, carries the security headers.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session
from werkzeug.routing import Rule

from incidents.accounts.models import User
from incidents.security.permissions import Role
from tests import factories
from tests.conftest import MakeUser, login

# Text no database stores, text that strains parsers, and numbers beyond every column.
HOSTILE = [
    "\x00",
    "a\x00b",
    "RPT-2026-00001\x00",
    "\ud800",
    "x\udfffy",
    "9" * 25,
    "-1",
    "0",
    "2147483648",
    "x" * 5000,
    "%00",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "../../../../etc/passwd",
    "\u202eevil",
    "😀" * 50,
    "",
]
# What a URL or a form can carry: a lone surrogate cannot travel in UTF-8 (its bytes can).
CARRIED = [each for each in HOSTILE if not any(0xD800 <= ord(c) <= 0xDFFF for c in each)]
ROLES = (None, Role.REPORTER, Role.ANALYST, Role.ADMIN)
FORM_FIELD = re.compile(r'<(?:input|textarea|select)[^>]*\bname="([^"]+)"', re.IGNORECASE)
FORM_TAG = re.compile(r"<form\b[^>]*>", re.IGNORECASE)
ACTION = re.compile(r'\baction="([^"]*)"', re.IGNORECASE)
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def _rules(app: Flask) -> list[Rule]:
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"]


def _paths(rule: Rule) -> Iterator[str]:
    """``rule`` with each hostile value in each of its path parameters."""
    names = list(rule.arguments)
    if not names:
        yield rule.rule
        return
    for value in HOSTILE:
        if not value:
            continue
        path = rule.rule
        for name in names:
            path = re.sub(rf"<(?:[^:>]+:)?{name}>", _quoted(value), path)
        yield path


@functools.lru_cache(maxsize=256)
def _quoted(text: str) -> str:
    """``text`` URL-encoded as its UTF-8 bytes (a lone surrogate as the three bytes that
    encode it), once: the form fuzzing sends its megabyte values to every form of every user."""
    return quote(text.encode("utf-8", "surrogatepass"), safe="")


def _assert_safe(response: Any, what: str) -> None:
    assert response.status_code < 500, (what, response.status_code, response.get_data()[:300])
    assert "Content-Security-Policy" in response.headers, what
    assert response.headers.get("X-Content-Type-Options") == "nosniff", what


@pytest.fixture
def callers(
    app: Flask, db: Session, make_user: MakeUser
) -> dict[str, tuple[FlaskClient, str | None]]:
    """A signed-in web client and an API token for each role (None: anonymous)."""
    found: dict[str, tuple[FlaskClient, str | None]] = {}
    for role in ROLES:
        client = app.test_client()
        token = None
        if role is not None:
            user: User = make_user(role)
            login(client, user)
            token = factories.ApiTokenFactory.with_secret(user=user)[1]
        found[role.value if role else "anonymous"] = (client, token)
    return found


def test_no_path_parameter_makes_a_500(
    app: Flask, callers: dict[str, tuple[FlaskClient, str | None]]
) -> None:
    for name, (client, token) in callers.items():
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        for rule in _rules(app):
            for path in _paths(rule):
                for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
                    if method == "GET":
                        response = client.get(path, headers=headers)
                    else:
                        response = client.open(path, method=method, headers=headers, json={})
                    _assert_safe(response, f"{name} {method} {path}")


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(
    value=st.one_of(
        # A lone surrogate cannot travel in a URL; its UTF-8 bytes can (see the test below).
        st.sampled_from(
            [each for each in HOSTILE if "\ud800" not in each and "\udfff" not in each]
        ),
        st.text(st.characters(exclude_categories=["Cs"]), max_size=300),
    )
)
def test_no_query_parameter_makes_a_500(
    app: Flask, callers: dict[str, tuple[FlaskClient, str | None]], value: str
) -> None:
    params = {
        "page": value,
        "per_page": value,
        "q": value,
        "state": value,
        "stage": value,
        "tlp": value,
        "deadline": value,
        "version": value,
        "stage_": value,
        value or "empty": value,
    }
    for name, (client, token) in callers.items():
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        for rule in _rules(app):
            if rule.arguments or "GET" not in (rule.methods or set()):
                continue
            response = client.get(rule.rule, query_string=params, headers=headers)
            _assert_safe(response, f"{name} GET {rule.rule}?{value!r}")
            if rule.rule.startswith("/api/") and response.status_code == 422:
                assert response.is_json, rule.rule


def _forms(
    client: FlaskClient, app: Flask, pages: list[str]
) -> Iterator[tuple[str, list[str], str]]:
    """(action, field names, CSRF token) of every POST form on the pages this client sees:
    those without parameters, and ``pages`` (pages of real objects)."""
    seen: set[str] = set()
    plain = [
        rule.rule
        for rule in _rules(app)
        if not rule.arguments
        and "GET" in (rule.methods or set())
        and not rule.rule.startswith("/api")
    ]
    for url in [*plain, *pages]:
        page = client.get(url)
        if page.status_code != 200 or "text/html" not in page.content_type:
            continue
        html = page.get_data(as_text=True)
        token = CSRF.search(html)
        for form in re.finditer(r"<form\b.*?</form>", html, re.DOTALL | re.IGNORECASE):
            tag = FORM_TAG.match(form.group(0))
            if tag is None or 'method="post"' not in tag.group(0).lower():
                continue
            found = ACTION.search(tag.group(0))
            action = (found.group(1) if found else "") or url
            if action in seen:
                continue
            seen.add(action)
            fields = sorted(set(FORM_FIELD.findall(form.group(0))) - {"csrf_token"})
            yield action, fields, token.group(1) if token else ""


@pytest.fixture
def object_pages(db: Session, callers: Any, make_user: MakeUser) -> list[str]:
    """Pages of real objects with forms: a report and its incident, a draft, accounts."""
    from incidents.dedup import Thresholds
    from incidents.placement.services import drain
    from incidents.registry.queries import primary_incident
    from incidents.reports.services import file_report, save_draft
    from incidents.security.caller import Caller
    from tests.registry_data import SEPSIS_DEPLOYER

    reporter = make_user(Role.REPORTER)
    report = file_report(db, Caller(reporter, "web"), SEPSIS_DEPLOYER)
    draft = save_draft(db, Caller(reporter, "web"), SEPSIS_DEPLOYER)
    db.commit()
    drain(db, Thresholds())
    incident = primary_incident(db, report)
    assert incident is not None
    key = report.reference
    return [
        f"/reports/{key}/amend",
        f"/reports/{key}/follow-up",
        f"/reports/{key}/withdraw",
        f"/reports/draft-{draft.id}/edit",
        f"/incidents/{incident.reference}",
        f"/incidents/{incident.reference}/edit",
        f"/triage/{key}",
        f"/admin/users/{reporter.id}",
        f"/admin/organizations/{reporter.organization_id}",
        f"/organization/members/{reporter.id}",
    ]


def test_no_form_field_makes_a_500(
    app: Flask, callers: dict[str, tuple[FlaskClient, str | None]], object_pages: list[str]
) -> None:
    for name, (client, _token) in callers.items():
        for action, fields, token in list(_forms(client, app, object_pages)):
            for value in CARRIED:
                data = dict.fromkeys(fields, value)
                response = client.post(action, data={**data, "csrf_token": token})
                _assert_safe(response, f"{name} POST {action} {value[:20]!r}")
                if "\x00" in value and response.status_code == 200:
                    # Refused beside a field, never stored: the page says which.
                    assert "NUL character" in response.get_data(as_text=True), action
            raw = "&".join(f"{field}=%ED%A0%80%00" for field in fields) + f"&csrf_token={token}"
            response = client.post(
                action, data=raw, content_type="application/x-www-form-urlencoded"
            )
            _assert_safe(response, f"{name} POST {action} raw bytes")


JSON_BODIES: list[Any] = [
    {"title": "\x00"},
    {"distribution": {"tlp": "\ud800"}},
    {"\ud800": 1},
    {"reports": [{"title": "a\x00"}]},
    {"version": 2**63, "title": "x"},
    {"version": -(2**63)},
    {"reason": "x" * 100_000},
    [[[[[[[[[[[[]]]]]]]]]]]],
    {"classification": {"harm_deaths": 10**30}},
    {"classification": {"occurred_on": "9999-12-31"}},
    {"into": "INC-2026-00001\x00", "reason": "x"},
    {"reports": ["RPT-9999999999-99999999999"], "reason": "x"},
    {"decision": "link", "incident": "INC-2026-99999999999999999999"},
]


def test_no_json_write_makes_a_500(
    app: Flask, callers: dict[str, tuple[FlaskClient, str | None]]
) -> None:
    for name, (client, token) in callers.items():
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        for rule in _rules(app):
            if not rule.rule.startswith("/api/") or "POST" not in (rule.methods or set()):
                continue
            path = re.sub(r"<(?:[^:>]+:)?(\w+)>", "RPT-2026-00001", rule.rule)
            path = path.replace("incidents/RPT-2026-00001", "incidents/INC-2026-00001")
            for body in JSON_BODIES:
                response = client.post(path, json=body, headers=headers)
                _assert_safe(response, f"{name} POST {path} {str(body)[:40]}")
            raw = b'{"title": "\\ud800", "distribution": {"tlp": "amber"}}'
            response = client.post(path, data=raw, content_type="application/json", headers=headers)
            _assert_safe(response, f"{name} POST {path} lone surrogate")
            deep = b"[" * 5000 + b"]" * 5000
            response = client.post(
                path, data=deep, content_type="application/json", headers=headers
            )
            _assert_safe(response, f"{name} POST {path} deep")


def test_a_nul_in_json_is_refused_naming_its_field(
    app: Flask, callers: dict[str, tuple[FlaskClient, str | None]]
) -> None:
    _client, token = callers["reporter"]
    client = app.test_client()
    response = client.post(
        "/api/v1/reports",
        json={"title": "ok", "description": "a\x00b", "distribution": {"tlp": "amber"}},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 422
    assert list(response.get_json()["details"]) == ["description"]
    key = client.post(
        "/api/v1/reports",
        data=b'{"distribution": {"tlp": "amber", "\\udc80": 1}}',
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert key.status_code == 422
    assert list(key.get_json()["details"]) == ["distribution"]


def test_the_bytes_of_a_surrogate_in_a_url_are_no_500(
    app: Flask, callers: dict[str, tuple[FlaskClient, str | None]]
) -> None:
    client, token = callers["analyst"]
    for path in ("/incidents?q=%ED%A0%80", "/incidents/INC-2026-%ED%A0%80", "/reports?q=%C0%80"):
        _assert_safe(client.get(path), path)
        api = app.test_client().get(
            "/api/v1"
            + path.split("?")[0].replace("/reports", "/reports")
            + ("?" + path.split("?")[1] if "?" in path else ""),
            headers={"Authorization": f"Bearer {token}"},
        )
        _assert_safe(api, "api " + path)


def test_a_nul_in_a_query_is_refused_naming_the_parameter(
    app: Flask, callers: dict[str, tuple[FlaskClient, str | None]]
) -> None:
    client, token = callers["analyst"]
    page = client.get("/incidents", query_string={"q": "sep\x00sis"})
    assert page.status_code == 422
    assert "q</strong>" in page.get_data(as_text=True)
    api = app.test_client().get(
        "/api/v1/incidents",
        query_string={"q": "\x00"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert (api.status_code, list(api.get_json()["details"])) == (422, ["q"])


def test_an_error_after_a_failed_flush_still_gets_the_sites_page_and_headers(
    app: Flask, callers: dict[str, tuple[FlaskClient, str | None]], monkeypatch: Any
) -> None:
    """A database error in the middle of a request leaves its session failed; the error page
    is still the site's own, with the security headers and ``no-store``."""
    import sqlalchemy as sa

    from incidents.extensions import db_session
    from incidents.registry import queries as registry_queries

    def failing(*_args: Any, **_kwargs: Any) -> Any:
        session = db_session()
        # The session is now in a failed state, as after a refused flush.
        with contextlib.suppress(sa.exc.DatabaseError):
            session.execute(sa.text("SELECT * FROM no_such_table"))
        raise sa.exc.OperationalError("SELECT", {}, Exception("the database went away"))

    client, _token = callers["analyst"]
    monkeypatch.setattr(registry_queries, "incident_page", failing)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    response = client.get("/incidents")
    # A lost database is an outage: 503 with Retry-After, on the site's own page.
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    assert "<!doctype html>" in response.get_data(as_text=True).lower()
    assert "Content-Security-Policy" in response.headers
    assert response.headers["Cache-Control"] == "no-store"


# --- every POST form, fuzzed ------------------------------------------------------------------

#: Pieces hostile text is made of: NUL, lone surrogates, direction overrides and marks,
#: emoji (a family joined by zero-width joiners), a byte-order mark, markup and SQL.
PIECES = [
    "\x00",
    "\ud800",
    "\udfff",
    "\u202e",
    "\u202d",
    "\u2066",
    "\u200f",
    "😀",
    "👩\u200d👩\u200d👧",
    "\ufeff",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%00",
    "9" * 25,
    "-1",
    "RPT-2026-00001",
    "INC-2026-00001",
    "2026-02-30",
    " ",
]
#: Examples of the form fuzzing: each sends every form once as each kind of user.
FORM_EXAMPLES = int(os.environ.get("INCIDENTS_FUZZ_FORM_EXAMPLES") or 5)
MEGABYTE = 1_000_000

hostile_text = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=12)), max_size=6).map(
    "".join
)
#: One field of each form gets one of these: a megabyte of text that fits the 2 MiB body
#: limit once URL-encoded, with hostile pieces in it, or one that does not (413).
field_value = st.one_of(
    hostile_text,
    st.builds(
        lambda filler, piece: (filler * MEGABYTE)[: MEGABYTE - 64] + piece * 8,
        st.sampled_from(["x", "ab ", "9", "-"]),
        st.sampled_from(PIECES),
    ),
    st.sampled_from(PIECES).map(lambda piece: (piece * MEGABYTE)[:MEGABYTE]),
)


def _encoded(fields: dict[str, str], token: str) -> bytes:
    """The form as a browser would send it (see :func:`_quoted`)."""
    pairs = [*fields.items(), ("csrf_token", token)]
    return "&".join(f"{_quoted(name)}={_quoted(value)}" for name, value in pairs).encode("ascii")


def _post_actions(app: Flask, object_pages: list[str]) -> list[str]:
    """Every page endpoint of the URL map that takes a POST, its path parameters naming the
    real objects of ``object_pages`` (a parameter naming nothing real gets ``1``)."""
    report, draft, incident = (object_pages[i].split("/")[2] for i in (0, 3, 4))
    user, organization = (object_pages[i].rsplit("/", 1)[1] for i in (8, 9))
    real = {
        "key": report,
        "reference": report,
        "incident": incident,
        "user_id": user,
        "organization_id": organization,
        "secret": "x" * 43,
    }
    actions = []
    for rule in _rules(app):
        if "POST" not in (rule.methods or set()) or rule.rule.startswith("/api"):
            continue
        path = rule.rule
        for name in rule.arguments:
            value = draft if name == "key" and path.endswith("/edit") else real.get(name, "1")
            path = re.sub(rf"<(?:[^:>]+:)?{name}>", value, path)
        actions.append(path)
    return actions


@pytest.fixture
def every_kind_of_user(app: Flask, db: Session, make_user: MakeUser) -> dict[str, FlaskClient]:
    """A signed-in web client of each role, and an anonymous one."""
    found = {"anonymous": app.test_client()}
    for role in Role:
        client = app.test_client()
        login(client, make_user(role))
        found[role.value] = client
    return found


def test_every_post_form_withstands_hostile_text_as_every_kind_of_user(
    app: Flask, every_kind_of_user: dict[str, FlaskClient], object_pages: list[str]
) -> None:
    """Every POST form found on the pages each kind of user sees, and every other POST
    endpoint of the URL map, filled by Hypothesis with hostile text (NUL, lone surrogates,
    RTL overrides, emoji, 1 MB fields): never a 5xx."""
    forms = {
        name: list(_forms(client, app, object_pages)) for name, client in every_kind_of_user.items()
    }
    assert sum(len(found) for found in forms.values()) >= 40, forms
    # A POST endpoint whose form none of the pages above showed this user is sent every
    # field name seen anywhere (what it does not read, it ignores).
    every_field = sorted({field for found in forms.values() for _, f, _ in found for field in f})
    for found in forms.values():
        token = next((each for _, _, each in found if each), "")
        shown = {action for action, _, _ in found}
        found.extend(
            (action, every_field, token)
            for action in _post_actions(app, object_pages)
            if action not in shown
        )

    @settings(
        max_examples=FORM_EXAMPLES,
        deadline=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data())
    def withstands(data: st.DataObject) -> None:
        # A few draws per example (thousands would overrun Hypothesis' choice budget): the
        # fields take the pool's texts in turn, and one field of each form the large value.
        pool = data.draw(st.lists(hostile_text, min_size=5, max_size=5), label="texts")
        large = data.draw(field_value, label="one field's value")
        turn = data.draw(st.integers(0, 1000), label="turn")
        for name, client in every_kind_of_user.items():
            for action, fields, token in forms[name]:
                if not fields:
                    continue
                values = {
                    field: pool[(index + turn) % len(pool)] for index, field in enumerate(fields)
                }
                values[fields[turn % len(fields)]] = large
                response = client.post(
                    action,
                    data=_encoded(values, token),
                    content_type="application/x-www-form-urlencoded",
                )
                _assert_safe(response, f"{name} POST {action}")

    withstands()
