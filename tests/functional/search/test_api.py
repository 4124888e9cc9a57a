"""``GET /api/v1/search`` and ``GET /api/v1/public/search``."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from incidents.accounts.models import User
from incidents.public import services as publications
from incidents.registry.queries import primary_incident
from incidents.search import Lookup, Matches
from incidents.searching.engines import engines_of
from incidents.security.caller import Caller
from incidents.security.permissions import Role
from tests import factories
from tests.functional.api.conftest import ApiClient, api_client
from tests.functional.search.conftest import CANARY, World


def hits(body: dict[str, Any]) -> list[str]:
    return [hit["reference"] for hit in body["hits"]]


def test_the_answer_has_total_hits_facets_and_suggestion(app: Flask, world: World) -> None:
    response = api_client(app, world.analyst).get("/api/v1/search?q=lactate&per_page=5")
    assert response.status_code == 200
    body = response.get_json()
    assert body["total"] >= 1
    assert body["per_page"] == 5
    assert world.amber.reference in hits(body)
    hit = body["hits"][0]
    assert {"reference", "kind", "title", "snippet", "incident", "submitted_at"} <= set(hit)
    assert any(part["match"] for part in hit["snippet"])
    assert "distribution" in body["facets"]
    assert "suggestion" in body


def test_repeated_facet_values_mean_any_of_them(app: Flask, world: World) -> None:
    api = api_client(app, world.analyst)
    both = api.get("/api/v1/search?q=SepsiGuard&distribution=red&distribution=amber").get_json()
    assert {world.amber.reference, world.red.reference} <= set(hits(both))
    red = api.get("/api/v1/search?q=SepsiGuard&distribution=red").get_json()
    assert hits(red) == [world.red.reference]


def test_the_canary_is_not_answered_to_another_institute(app: Flask, world: World) -> None:
    assert (
        hits(api_client(app, world.other_analyst).get(f"/api/v1/search?q={CANARY}").get_json())
        == []
    )
    found = api_client(app, world.analyst).get(f"/api/v1/search?q={CANARY}").get_json()
    assert hits(found) == [world.red.reference]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("q=%2Afoo", "q"),
        ("q=sepsis&per_page=500", "per_page"),
        ("q=sepsis&page=1000&per_page=100", "page"),
        ("q=sepsis&sort=sideways", "sort"),
        ("q=sepsis&group=month", "group"),
    ],
)
def test_what_is_refused_is_named(app: Flask, world: World, query: str, field: str) -> None:
    response = api_client(app, world.analyst).get(f"/api/v1/search?{query}")
    assert response.status_code == 422
    assert field in response.get_json()["details"]


def test_the_search_api_needs_a_token_and_a_searcher(
    app: Flask, world: World, make_user: Callable[..., User]
) -> None:
    assert api_client(app, None).get("/api/v1/search?q=x").status_code == 401
    admin = make_user(Role.ADMIN)
    assert api_client(app, admin).get("/api/v1/search?q=x").status_code == 403


def test_the_public_search_finds_published_text_only(
    app: Flask, db: Session, world: World, indexed: Callable[[], object]
) -> None:
    incident = primary_incident(db, world.amber)
    assert incident is not None
    drafter = factories.UserFactory(role=Role.ANALYST, organization=world.institute)
    editor = factories.UserFactory(role=Role.EDITOR, organization=world.institute)
    draft = publications.save_draft(
        db,
        Caller(drafter, "web"),
        incident,
        title="Sepsis alerts silently stopped after a records upgrade",
        summary="A hospital's sepsis early-warning tool stopped alerting after an upgrade.",
        classification={},
        month="2025-09",
        countries=["GB"],
        cleared_names=[],
        change_note="",
        version=None,
    )
    publications.approve(db, Caller(editor, "web"), incident, version=draft.lock_version)
    db.commit()
    indexed()
    anyone = ApiClient(app.test_client(), None)
    found = anyone.get("/api/v1/public/search?q=upgrade").get_json()
    assert hits(found) == [draft.public_reference]
    assert anyone.get("/api/v1/public/search?q=lactate").get_json()["total"] == 0
    assert anyone.get(f"/api/v1/public/search?q={CANARY}").get_json()["total"] == 0
    listed = app.test_client().get("/public/incidents?q=upgrade").get_data(as_text=True)
    assert str(draft.public_reference) in listed
    refused = app.test_client().get("/public/incidents?q=%2Aupgrade")
    assert refused.status_code == 422


def test_a_count_that_stopped_says_so_in_the_answer_and_on_the_page(
    app: Flask, world: World, signed_in: Callable[[User], Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An engine that stopped counting (PostgreSQL past its cap) is answered as "at least":
    the JSON says total_exact false, the page says "At least", and the pages go on."""
    backend = engines_of(app).analyst
    lookup = backend.lookup

    def stopped(asked: Lookup) -> Matches:
        return dataclasses.replace(lookup(asked), total=1, total_exact=False)

    exact = api_client(app, world.analyst).get("/api/v1/search?q=SepsiGuard").get_json()
    assert exact["total_exact"] is True
    monkeypatch.setattr(backend, "lookup", stopped)
    body = api_client(app, world.analyst).get("/api/v1/search?q=SepsiGuard").get_json()
    assert (body["total"], body["total_exact"]) == (1, False)
    page = signed_in(world.analyst).get("/search?q=SepsiGuard&per_page=1").get_data(as_text=True)
    assert "At least 1 results (counting stopped there" in page
    assert 'rel="next"' in page
