"""Saved searches: keep one, see how many new matches it has, open it, delete it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from incidents.accounts.models import User
from incidents.searching import services
from incidents.searching.engines import engines_of
from incidents.searching.models import SavedSearch
from tests.conftest import csrf_token
from tests.functional.search.conftest import World
from tests.registry_data import SEPSIS_DEVELOPER
from tests.registry_helpers import file_as, place


def test_save_count_new_matches_open_and_delete(
    app: Flask,
    db: Session,
    world: World,
    indexed: Callable[[], object],
    signed_in: Callable[[User], FlaskClient],
) -> None:
    client = signed_in(world.analyst)
    token = csrf_token(client, "/search?q=lactate")
    response = client.post(
        "/search/saved",
        data={"csrf_token": token, "name": "Lactate", "query": "q=lactate"},
    )
    assert response.status_code == 302
    saved = db.query(SavedSearch).one()
    assert (saved.name, saved.query) == ("Lactate", "q=lactate")
    with app.app_context():
        assert services.new_matches(db, engines_of(app).analyst, saved) == 0

    file_as(db, world.other_company, replace(SEPSIS_DEVELOPER, title="Lactate mapping lost"))
    place(db)
    indexed()
    with app.app_context():
        assert services.new_matches(db, engines_of(app).analyst, saved) == 1
    text = client.get("/search").get_data(as_text=True)
    assert "(1 new)" in text

    opened = client.get(f"/search/saved/{saved.id}")
    assert opened.status_code == 302
    assert "q=lactate" in opened.headers["Location"]
    assert "(1 new)" not in client.get("/search").get_data(as_text=True)

    other = signed_in(world.other_analyst)
    assert other.get(f"/search/saved/{saved.id}").status_code == 404
    token = csrf_token(client, "/search")
    deleted = client.post(f"/search/saved/{saved.id}/delete", data={"csrf_token": token})
    assert deleted.status_code == 302
    assert db.query(SavedSearch).count() == 0


def test_a_saved_search_needs_a_name(
    db: Session, world: World, signed_in: Callable[[User], FlaskClient]
) -> None:
    client = signed_in(world.reporter)
    token = csrf_token(client, "/search?q=sepsis")
    client.post("/search/saved", data={"csrf_token": token, "name": " ", "query": "q=sepsis"})
    assert db.query(SavedSearch).count() == 0
