"""Saved searches tell their owners of new matches (``flask notify run``), counted with the
owner's own access and told once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from flask import Flask
from sqlalchemy.orm import Session

from incidents.exchange.models import Notification, NotificationKind
from incidents.searching import services
from incidents.searching.alerts import alert_new_matches
from incidents.searching.engines import engines_of
from tests.functional.search.conftest import World
from tests.registry_data import SEPSIS_DEVELOPER
from tests.registry_helpers import file_as, place


def _alerts(app: Flask, db: Session) -> int:
    with app.app_context():
        return alert_new_matches(db, engines_of(app).analyst)


def test_new_matches_are_told_once_and_hidden_reports_are_not_counted(
    app: Flask, db: Session, world: World, indexed: Callable[[], object]
) -> None:
    services.save(db, world.analyst, "Lactate", "q=lactate")
    services.save(db, world.other_analyst, "Lactate too", "q=lactate")
    assert _alerts(app, db) == 0

    # One report every analyst may read, one RED report for the first institute only.
    file_as(db, world.other_company, replace(SEPSIS_DEVELOPER, title="Lactate mapping lost"))
    file_as(
        db,
        world.company,
        replace(
            SEPSIS_DEVELOPER,
            title="Lactate alarms muted",
            tlp="red",
            recipients=(world.institute.name,),
        ),
    )
    place(db)
    indexed()

    assert _alerts(app, db) == 2
    told = {
        n.user_id: n.text
        for n in db.query(Notification).filter_by(kind=NotificationKind.SAVED_SEARCH)
    }
    assert told[world.analyst.id] == "2 new matches for your saved search “Lactate”"
    assert told[world.other_analyst.id] == "1 new match for your saved search “Lactate too”"
    assert _alerts(app, db) == 0  # nothing new since: nothing told again
