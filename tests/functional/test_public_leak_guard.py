"""The leak guard: a canary planted in every confidential field of reports and incidents
never reaches anything the public can fetch, once a summary of that incident is published,
corrected and (for another incident) withdrawn.

Every page reachable from ``/`` is crawled as an anonymous visitor, with the public search
and its facets, the feed, the open data, the statistics, the public API and error pages.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import replace
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from incidents.dedup import Thresholds
from incidents.placement.services import drain
from incidents.public import services as publications
from incidents.refusals import Forbidden
from incidents.registry import curation
from incidents.registry.models import Incident
from incidents.registry.queries import primary_incident
from incidents.registry.services import open_incident
from incidents.reports.content import ReportContent
from incidents.reports.services import file_report
from incidents.security.caller import Caller
from incidents.security.permissions import Role
from tests import factories
from tests.conftest import MakeUser
from tests.functional.search.conftest import index, reindex
from tests.reports_data import INITIAL

CANARY = "Zqxcanary7731"
LINK = re.compile(r'(?:href|src)="([^"]+)"')


def _canary_report(n: int, tlp: str, recipients: tuple[str, ...] = ()) -> ReportContent:
    """A report with the canary in every field a reporter can write."""
    tag = f"{CANARY}{n}"
    classification = {
        **INITIAL,
        "chain_of_events": f"chain {tag}",
        "root_cause": f"root {tag}",
        "recommendations_to_authorities": f"advice {tag}",
        "reproduction_steps": f"steps {tag}",
        "ai_system": {
            "name": f"System {tag}",
            "version": f"v-{tag}",
            "developer": f"Developer {tag}",
            "deployer": f"Deployer {tag}",
            "eu_database_number": f"EU-{tag}",
        },
        "security": {"is_security_incident": True},
    }
    return ReportContent(
        title=f"Title {tag}",
        description=f"Description {tag} of what happened.",
        tlp=tlp,
        recipients=recipients,
        classification=classification,
        references=(f"https://news.example/{tag}",),
    )


@pytest.fixture
def published(app: Flask, db: Session, make_user: MakeUser) -> dict[str, Any]:
    """Two incidents built from canary reports of every distribution, curated with canary
    text, one published (and corrected), one published and then withdrawn; indexed for
    search (both tiers) as the outbox does after commit."""
    reindex(app, db)
    institute = factories.InstituteFactory(name=f"Institute {CANARY}")
    company = factories.OrganizationFactory(name=f"Company {CANARY}")
    reporter = make_user(Role.REPORTER, organization=company, name=f"Reporter {CANARY}")
    analyst = make_user(Role.ANALYST, organization=institute, name=f"Analyst {CANARY}")
    editor = make_user(Role.EDITOR, organization=institute, name=f"Editor {CANARY}")
    contents = [
        _canary_report(1, "red", (institute.name,)),
        _canary_report(2, "amber_strict", (institute.name,)),
        _canary_report(3, "amber"),
        _canary_report(4, "green"),
        _canary_report(5, "clear"),
    ]
    reports = [file_report(db, Caller(reporter, "web"), content) for content in contents]
    db.commit()
    drain(db, Thresholds())
    incident = primary_incident(db, reports[0])
    assert incident is not None
    other = open_incident(db, Caller(analyst, "web"), reports[4], reason=f"why {CANARY}")
    curation.curate(
        db,
        Caller(analyst, "web"),
        incident,
        version=incident.lock_version,
        title=f"Curated {CANARY}",
        status="confirmed",
        classification={"sector": "health"},
        narrative=f"Narrative {CANARY}",
    )
    _publish(db, analyst, editor, incident, "Robot assistant fault at a hospital")
    corrected = publications.save_draft(
        db,
        Caller(analyst, "web"),
        incident,
        title="Robot assistant fault at a hospital",
        summary="A corrected account for the public.",
        classification={"event_class": "ai_incident"},
        month="2026-03",
        countries=["GB"],
        change_note="The account was corrected.",
    )
    publications.approve(db, Caller(editor, "web"), incident, version=corrected.lock_version)
    _publish(db, analyst, editor, other, "Another event, later withdrawn")
    publications.withdraw(db, Caller(editor, "web"), other, reason="Not an AI incident after all.")
    db.commit()
    index(app, db)
    return {"incident": incident, "other": other}


def _publish(db: Session, analyst: Any, editor: Any, incident: Incident, title: str) -> None:
    draft = publications.save_draft(
        db,
        Caller(analyst, "web"),
        incident,
        title=title,
        summary="What the public may know, in words written for the public.",
        classification={"event_class": "ai_incident", "harm_type": ["physical_injury"]},
        month="2026-03",
        countries=["GB"],
    )
    publications.approve(db, Caller(editor, "web"), incident, version=draft.lock_version)


def _crawl(app: Flask, start: list[str]) -> dict[str, str]:
    """Every same-site page an anonymous visitor reaches from ``start``, by URL."""
    client = app.test_client()
    seen: dict[str, str] = {}
    queue = deque(start)
    while queue and len(seen) < 400:
        url = queue.popleft()
        if url in seen:
            continue
        response = client.get(url)
        body = response.get_data(as_text=True)
        seen[url] = body
        if "html" not in response.content_type:
            continue
        for link in LINK.findall(body):
            target = urljoin(url, link.replace("&amp;", "&"))
            parts = urlsplit(target)
            if parts.netloc not in ("", "localhost") or parts.path.startswith("/logout"):
                continue
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            if path not in seen:
                queue.append(path)
    return seen


def test_no_confidential_word_reaches_anything_public(
    app: Flask, published: dict[str, Any]
) -> None:
    pages = _crawl(
        app,
        [
            "/",
            "/public/incidents?q=robot",
            "/public/incidents?harm_type=physical_injury&countries=GB",
            "/api/v1/public/incidents",
            "/api/v1/public/incidents?q=hospital&per_page=100",
            "/api/v1/public/search?q=hospital&per_page=100",
            f"/api/v1/public/search?q={CANARY}1",
            "/api/v1/public/search?q=narrative OR curated OR description OR chain",
            "/public/incidents/PUB-1999-99999",
            "/api/v1/public/incidents/PUB-1999-99999",
            "/no-such-page",
        ],
    )
    for reference in ("PUB-2026-00001", "PUB-2026-00002"):
        pages.update(
            _crawl(app, [f"/public/incidents/{reference}", f"/api/v1/public/incidents/{reference}"])
        )
    assert "/public/feed.atom" in pages
    assert "/public/data/incidents.csv" in pages
    assert "/public/statistics" in pages
    assert any("/public/incidents/PUB-" in url for url in pages)
    leaks = [url for url, body in pages.items() if CANARY.lower() in body.lower()]
    assert leaks == []
    assert "Robot assistant fault at a hospital" in pages["/public/incidents?q=robot"]
    assert "A corrected account for the public." in pages["/public/incidents/PUB-2026-00001"]
    client = app.test_client()
    searched = client.get("/api/v1/public/incidents", query_string={"q": CANARY}).get_json()
    assert searched["total"] == 0
    for word in (CANARY, f"{CANARY}1", "Narrative", "Curated"):
        found = client.get("/api/v1/public/search", query_string={"q": word}).get_json()
        assert found["total"] == 0, word
    assert client.get("/api/v1/public/search?q=robot").get_json()["total"] == 1


def test_a_withdrawn_record_shows_its_tombstone_only(app: Flask, published: dict[str, Any]) -> None:
    client = app.test_client()
    page = client.get("/public/incidents/PUB-2026-00002")
    assert page.status_code == 410
    text = page.get_data(as_text=True)
    assert "Not an AI incident after all." in text
    assert "Another event, later withdrawn" not in text
    body = client.get("/api/v1/public/incidents/PUB-2026-00002").get_json()
    assert (body["state"], body["title"], body["summary"]) == ("withdrawn", None, None)
    assert "PUB-2026-00002" not in client.get("/public/data/incidents.csv").get_data(as_text=True)


def test_the_guard_refuses_a_text_with_personal_data_or_uncleared_names(
    db: Session, make_user: MakeUser
) -> None:
    company = factories.OrganizationFactory(name="Harbour Logistics")
    reporter = make_user(Role.REPORTER, organization=company, name="Priya Raman")
    content = replace(
        _canary_report(9, "clear"),
        classification={**INITIAL, "ai_system": {"name": "DockPilot", "developer": "Tern Labs"}},
    )
    report = file_report(db, Caller(reporter, "web"), content)
    db.commit()
    drain(db, Thresholds())
    incident = primary_incident(db, report)
    assert incident is not None
    analyst, editor = make_user(Role.ANALYST), make_user(Role.EDITOR)
    draft = publications.save_draft(
        db,
        Caller(analyst, "web"),
        incident,
        title="DockPilot misrouted a forklift",
        summary="Priya Raman at Harbour Logistics reported it; write to priya@harbour.example.",
        classification={},
        month="2026-02",
        countries=["NL"],
        cleared_names=["DockPilot"],
    )
    kinds = {each["kind"] for each in draft.findings}
    assert {"person", "email", "organisation"} <= kinds
    assert not any(each["text"] == "DockPilot" for each in draft.findings)
    with pytest.raises(publications.PublicationRefused) as refused:
        publications.approve(db, Caller(editor, "web"), incident, version=draft.lock_version)
    details = refused.value.details
    assert isinstance(details, list)
    assert {each["kind"] for each in details} >= {"person", "email"}
    with pytest.raises(Forbidden):
        publications.approve(db, Caller(analyst, "web"), incident, version=draft.lock_version)
