"""The analysts' pages are accessible and CSP-clean: every control labelled, every error tied
to its control, no inline code, unique ids, and never cached."""

from __future__ import annotations

from collections import Counter

from flask.testing import FlaskClient

from tests import registry_data as data
from tests.functional.registry.conftest import Sepsis, post, text
from tests.pages import accessibility_problems, field_error, inline_code, parse


def _check(html: str, where: str) -> None:
    assert accessibility_problems(html) == [], where
    assert inline_code(html) == [], where
    ids = Counter(e.attrs["id"] for e in parse(html).elements if e.attrs.get("id"))
    assert [i for i, n in ids.items() if n > 1] == [], where


def test_every_page_is_accessible(
    analyst_client: FlaskClient, sepsis: Sepsis, place, reporters
) -> None:
    place(data.SEPSIS_DEVELOPER, reporters["developer"])  # an auto-linked candidate too
    incident = f"/incidents/{sepsis.incident.reference}"
    for url in (
        "/triage",
        f"/triage/{sepsis.false_alarms.reference}",
        "/incidents",
        incident,
        f"{incident}/edit",
    ):
        response = analyst_client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "no-store", url
        _check(text(response), url)
    search = analyst_client.get("/incidents/search?q=sepsis")
    assert search.headers["Cache-Control"] == "no-store"


def test_pages_with_errors_tie_each_message_to_its_field(
    analyst_client: FlaskClient, sepsis: Sepsis
) -> None:
    triage = f"/triage/{sepsis.false_alarms.reference}"
    linked = text(post(analyst_client, triage, {"decision": "link", "link-target": ""}))
    _check(linked, "link")
    assert field_error(linked, "link-target") == "Type the reference of the incident to link to."
    incident = f"/incidents/{sepsis.incident.reference}"
    merged = text(post(analyst_client, f"{incident}/merge", {}))
    _check(merged, "merge")
    assert (
        field_error(merged, "merge-reason") == "Say why, for the audit log and the other analysts."
    )
    split = text(post(analyst_client, f"{incident}/split", {"split-reports": []}))
    _check(split, "split")
    edited = text(post(analyst_client, f"{incident}/edit", {"version": "1", "title": "x" * 301}))
    _check(edited, "edit")
    assert field_error(edited, "title") == "Field cannot be longer than 300 characters."
