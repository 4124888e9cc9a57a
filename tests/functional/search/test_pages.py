"""The search page: analysts over what their institute may read, reporters over their own
organisation's reports; refusals, facets, grouping, the header box, the public list."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from incidents import search
from incidents.accounts.models import User
from incidents.outbox.models import OutboxEntry
from incidents.registry import curation, services
from incidents.registry.queries import primary_incident
from incidents.reports.services import withdraw
from incidents.searching import indexing
from incidents.searching.engines import engines_of
from incidents.security.caller import Caller
from tests.functional.search.conftest import CANARY, World


def page(client: FlaskClient, query: str) -> tuple[int, str]:
    response = client.get(f"/search?{query}")
    return response.status_code, response.get_data(as_text=True)


def test_an_analyst_finds_a_report_with_the_word_highlighted(
    world: World, signed_in: Callable[[User], FlaskClient]
) -> None:
    status, text = page(signed_in(world.analyst), "q=lactate")
    assert status == 200
    assert str(world.amber.reference) in text
    assert "<mark>lactate</mark>" in text
    assert 'data-testid="facets"' in text
    assert "Distribution" in text


def test_the_canary_of_a_red_report_reaches_its_recipients_and_its_own_organisation_only(
    world: World, signed_in: Callable[[User], FlaskClient]
) -> None:
    for user, finds in (
        (world.analyst, True),
        (world.other_analyst, False),
        (world.other_reporter, True),
        (world.reporter, False),
    ):
        status, text = page(signed_in(user), f"q={CANARY}")
        assert status == 200
        assert (str(world.red.reference) in text) is finds, user.email
        assert (f"<mark>{CANARY}</mark>" in text) is finds, user.email
        assert text.count('data-testid="hit"') == (1 if finds else 0), user.email


def test_typed_field_syntax_and_wildcards_do_not_reach_the_canary(
    world: World, signed_in: Callable[[User], FlaskClient]
) -> None:
    client = signed_in(world.other_analyst)
    for query in (f"distribution:red {CANARY}", "zanzib*", f"tlp:red OR {CANARY}"):
        _, text = page(client, "q=" + quote(query))
        assert str(world.red.reference) not in text, query


def test_a_reporter_finds_its_own_organisations_reports_only(
    world: World, signed_in: Callable[[User], FlaskClient]
) -> None:
    status, text = page(signed_in(world.reporter), "q=SepsiGuard")
    assert status == 200
    assert "Search your organisation\u2019s reports" in text
    assert str(world.amber.reference) in text
    assert str(world.red.reference) not in text
    assert "Organisation" not in text  # the organisation facet is for analysts only


def test_a_refused_query_answers_422_saying_why(
    world: World, signed_in: Callable[[User], FlaskClient]
) -> None:
    status, text = page(signed_in(world.analyst), "q=" + quote("*sis"))
    assert status == 422
    assert 'data-testid="search-refused"' in text
    status, text = page(signed_in(world.analyst), "q=sepsis&page=600&per_page=20")
    assert status == 422
    assert "10,000" in text


def test_facets_narrow_and_a_chosen_value_can_be_removed(
    world: World, signed_in: Callable[[User], FlaskClient]
) -> None:
    client = signed_in(world.analyst)
    _, text = page(client, "q=SepsiGuard")
    assert str(world.amber.reference) in text
    assert str(world.red.reference) in text
    status, narrowed = page(client, "q=SepsiGuard&distribution=red")
    assert status == 200
    assert str(world.red.reference) in narrowed
    assert str(world.amber.reference) not in narrowed
    assert 'data-testid="chosen-filters"' in narrowed


def test_grouped_by_incident_links_incidents(
    world: World, signed_in: Callable[[User], FlaskClient]
) -> None:
    status, text = page(signed_in(world.analyst), "q=SepsiGuard&group=incident")
    assert status == 200
    assert "/incidents/INC-" in text


def test_a_withdrawn_report_is_not_found_once_indexed(
    world: World,
    db: Session,
    indexed: Callable[[], object],
    signed_in: Callable[[User], FlaskClient],
) -> None:
    withdraw(db, Caller(world.reporter, "web"), world.amber, reason="Filed twice.")
    db.commit()
    client = signed_in(world.analyst)
    # Before the index hears of it, the re-check against the database drops the stale hit.
    _, text = page(client, "q=lactate")
    assert str(world.amber.reference) not in text
    indexed()
    _, text = page(client, "q=lactate")
    assert str(world.amber.reference) not in text


def test_the_header_carries_a_search_box_for_those_who_may_search(
    world: World, signed_in: Callable[[User], FlaskClient], client: FlaskClient
) -> None:
    assert 'data-testid="site-search"' in signed_in(world.analyst).get("/search").get_data(
        as_text=True
    )
    assert 'data-testid="site-search"' not in client.get("/").get_data(as_text=True)


def test_the_search_page_needs_a_searcher(
    world: World, signed_in: Callable[[User], FlaskClient], client: FlaskClient, make_user: object
) -> None:
    assert client.get("/search").status_code == 302  # to the login page


def test_curated_text_is_found_by_its_own_audience_only(
    world: World,
    db: Session,
    indexed: Callable[[], object],
    signed_in: Callable[[User], FlaskClient],
) -> None:
    incident = primary_incident(db, world.red)
    assert incident is not None
    # Written from a RED report: the narrative is RED for the recipient institute too.
    curation.curate(
        db,
        Caller(world.analyst, "web"),
        incident,
        version=incident.lock_version,
        title="Paediatric alarm storm",
        status="confirmed",
        classification={},
        narrative="Traced to a vendor profile named quetzalprofile.",
    )
    db.commit()
    entries = db.scalars(
        sa.select(OutboxEntry).where(
            OutboxEntry.consumer == "search", OutboxEntry.done_at.is_(None)
        )
    ).all()
    assert ("incident", incident.id) in {(e.subject_type, e.subject_id) for e in entries}
    indexed()
    _, text = page(signed_in(world.analyst), "q=quetzalprofile")
    assert f"/incidents/{incident.reference}" in text
    assert "<mark>quetzalprofile</mark>" in text
    _, hidden = page(signed_in(world.other_analyst), "q=quetzalprofile")
    assert 'data-testid="hit"' not in hidden
    _, reporter = page(signed_in(world.other_reporter), "q=quetzalprofile")
    assert 'data-testid="hit"' not in reporter  # analysts' text is not the reporter's


def test_every_registry_change_is_queued_for_search(
    app: Flask, world: World, db: Session, indexed: Callable[[], object]
) -> None:
    amber, red = (primary_incident(db, r) for r in (world.amber, world.red))
    assert amber is not None
    assert red is not None
    services.merge(db, Caller(world.analyst, "web"), red, amber, reason="One event after all.")
    db.commit()
    waiting = {
        (e.event, e.subject_type, e.subject_id)
        for e in db.scalars(
            sa.select(OutboxEntry).where(
                OutboxEntry.consumer == "search", OutboxEntry.done_at.is_(None)
            )
        )
    }
    assert ("incident.changed", "incident", red.id) in waiting
    assert ("incident.changed", "incident", amber.id) in waiting
    assert ("report.moved", "report", world.red.id) in waiting
    indexed()
    engines = engines_of(app)
    assert search.verify(db, engines.analyst, notes=indexing.NOTES) == []
    assert indexing.verify_public(db, engines.public) == []
