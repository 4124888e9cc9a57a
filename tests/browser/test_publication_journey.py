"""A public summary in the browser: an analyst drafts it and sees what the redaction removed,
an editor approves it, and the public page, the feed and the statistics show it."""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from playwright.sync_api import expect
from werkzeug.serving import BaseWSGIServer, make_server

from incidents import create_app
from incidents.accounts.demo import DEMO_PASSWORD, load_demo
from incidents.accounts.models import User
from incidents.dedup import Thresholds
from incidents.extensions import db_session, services
from incidents.placement.services import drain
from incidents.registry.queries import primary_incident
from incidents.reports.services import file_report
from incidents.security.caller import Caller
from tests import registry_data as data
from tests.conftest import test_settings as settings_for

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def journey_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    instance: Path = tmp_path_factory.mktemp("publication-instance")
    app = create_app(
        settings_for(instance, f"sqlite:///{instance / 'publication.db'}", AUTO_MIGRATE="true")
    )
    with app.app_context():
        session = db_session()
        load_demo(session, services().hasher)
        session.commit()
    return app


@pytest.fixture
def context(browser, journey_app: Flask):
    server: BaseWSGIServer = make_server("127.0.0.1", 0, journey_app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    context = browser.new_context(base_url=f"http://127.0.0.1:{server.server_port}")
    yield context
    context.close()
    server.shutdown()


def _clear_incident(app: Flask) -> str:
    """A TLP:CLEAR report naming a person, placed in an incident of its own."""
    with app.app_context():
        session = db_session()
        user = session.scalar(sa.select(User).where(User.email == "reporter@aurora.example"))
        content = replace(
            data.SEPSIS_DEPLOYER,
            tlp="clear",
            description="Nurse Maria Lindqvist noticed the sepsis alerts had stopped after "
            "the upgrade; she can be reached at maria.lindqvist@ward.example.",
        )
        report = file_report(session, Caller(user, "web"), content)
        session.commit()
        drain(session, Thresholds())
        incident = primary_incident(session, report)
        assert incident is not None
        return incident.reference


def _sign_in(page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_summary_is_drafted_approved_and_published(context, journey_app: Flask) -> None:
    incident = _clear_incident(journey_app)
    analyst = context.new_page()
    problems: list[str] = []
    analyst.on("pageerror", lambda error: problems.append(str(error)))
    _sign_in(analyst, "analyst@meridian.example")
    analyst.goto(f"/incidents/{incident}")
    analyst.get_by_test_id("summary-link").click()

    # Pre-filled from the CLEAR report, redacted, with what was removed shown for review.
    removed = analyst.get_by_test_id("removed")
    expect(removed.get_by_text("Maria Lindqvist").first).to_be_visible()
    summary = analyst.get_by_label("Public summary")
    assert "Maria Lindqvist" not in summary.input_value()
    assert "[person]" in summary.input_value()
    summary.fill("After a software upgrade, a hospital's sepsis alerts stopped for a weekend.")
    analyst.get_by_label("Public title").fill("Sepsis alerts stopped after an upgrade")
    analyst.get_by_label("Month of the event").fill("2026-03")
    analyst.get_by_role("button", name="Save the draft").click()
    analyst.get_by_text("The draft is saved.").wait_for()
    assert analyst.get_by_role("button", name="Approve and publish").count() == 0  # not hers

    editor = context.browser.new_context(base_url=analyst.url.split("/incidents")[0]).new_page()
    _sign_in(editor, "editor@meridian.example")
    editor.goto(f"/incidents/{incident}/summary")
    editor.get_by_role("button", name="Approve and publish").click()
    editor.get_by_text("Published as PUB-").wait_for()
    public_reference = editor.get_by_test_id("publication-state").get_by_role("link").inner_text()

    visitor = context.browser.new_context(base_url=analyst.url.split("/incidents")[0]).new_page()
    visitor.goto("/")
    visitor.get_by_role("link", name="Sepsis alerts stopped after an upgrade").first.click()
    visitor.get_by_role(
        "heading", name=f"{public_reference} Sepsis alerts stopped after an upgrade"
    ).wait_for()
    assert visitor.get_by_test_id("summary").inner_text().startswith("After a software upgrade")
    assert public_reference in visitor.request.get("/public/feed.atom").text()
    visitor.goto("/public/statistics")
    counted = visitor.get_by_test_id("chart-time").get_by_role("row", name="2026-03")
    assert counted.get_by_role("cell").inner_text() == "1"
    assert problems == []
