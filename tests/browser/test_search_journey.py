"""Search in the browser: an analyst searches from the header box, narrows by two facets and
opens a result; a reporter searches its own organisation's reports.

Runs on a server (and search index) of its own, with the demo users and three reports.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from werkzeug.serving import BaseWSGIServer, make_server

from incidents import create_app
from incidents.accounts.demo import DEMO_PASSWORD, load_demo
from incidents.accounts.models import User
from incidents.dedup import Thresholds
from incidents.extensions import db_session, services
from incidents.placement.services import drain
from incidents.reports.content import ReportContent
from incidents.reports.services import file_report
from incidents.searching.cli import search_drain
from incidents.security.caller import Caller
from tests import registry_data as data
from tests.browser.test_layouts import LAYOUT_PROBLEMS, WIDTHS
from tests.conftest import test_settings as settings_for

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def search_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    instance: Path = tmp_path_factory.mktemp("search-instance")
    app = create_app(
        settings_for(instance, f"sqlite:///{instance / 'search.db'}", AUTO_MIGRATE="true")
    )
    with app.app_context():
        session = db_session()
        load_demo(session, services().hasher)
        session.commit()
    return app


@pytest.fixture
def search_page(browser: Any, search_app: Flask) -> Any:
    server: BaseWSGIServer = make_server("127.0.0.1", 0, search_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    context = browser.new_context(base_url=f"http://127.0.0.1:{server.server_port}")
    yield context.new_page()
    context.close()
    server.shutdown()


def _file(app: Flask) -> dict[str, str]:
    """File three reports of the SepsiGuard tool as two demo companies, placed and indexed."""
    with app.app_context():
        session = db_session()

        def filed(content: ReportContent, email: str) -> str:
            user = session.scalar(sa.select(User).where(User.email == email))
            report = file_report(session, Caller(user, "web"), content)
            session.commit()
            return str(report.reference)

        refs = {
            "deployer": filed(data.SEPSIS_DEPLOYER, "reporter@aurora.example"),
            "alarms": filed(data.SEPSIS_FALSE_ALARMS, "reporter@lumen.example"),
            "developer": filed(data.SEPSIS_DEVELOPER, "reporter@lumen.example"),
        }
        drain(session, Thresholds())
        assert not search_drain(session).failed
        return refs


def _sign_in(page: Any, email: str) -> None:
    page.goto("/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def _holds_its_layout(page: Any) -> None:
    """The results page at both widths: no layout problem, no axe violation."""
    from axe_playwright_python.sync_playwright import Axe

    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        problems = list(page.evaluate(LAYOUT_PROBLEMS))
        violations = Axe().run(page).response["violations"]
        problems += [f"axe {violation['id']}: {violation['help']}" for violation in violations]
        assert not problems, (width, problems)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_analyst_narrows_by_two_facets_and_a_reporter_sees_its_own(
    search_page: Any, search_app: Flask
) -> None:
    page = search_page
    refs = _file(search_app)
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))

    _sign_in(page, "analyst@meridian.example")
    box = page.get_by_test_id("site-search")
    box.get_by_role("searchbox").fill("SepsiGuard")
    box.get_by_role("button", name="Search").click()
    results = page.get_by_test_id("results")
    results.wait_for()
    for ref in refs.values():
        results.get_by_role("link", name=ref).wait_for()
    results.locator("mark").first.wait_for()  # the matched word, highlighted
    _holds_its_layout(page)

    page.get_by_test_id("facet-distribution").get_by_role("link", name="amber").click()
    page.get_by_test_id("chosen-filters").wait_for()
    assert results.get_by_role("link", name=refs["developer"]).count() == 0  # green
    organisations = page.get_by_test_id("facet-organization")
    organisations.get_by_role("link", name="Aurora Robotics (demo)").click()
    page.get_by_test_id("chosen-filters").get_by_text("Aurora Robotics (demo)").wait_for()
    assert page.get_by_test_id("hit").count() == 1
    results.get_by_role("link", name=refs["deployer"]).click()
    page.get_by_role("heading", name=data.SEPSIS_DEPLOYER.title).wait_for()

    page.get_by_test_id("main-nav").get_by_role("button", name="Sign out").click()
    page.get_by_label("E-mail").wait_for()  # signed out, back at the sign-in page
    _sign_in(page, "reporter@lumen.example")
    page.get_by_test_id("site-search").get_by_role("searchbox").fill("SepsiGuard")
    page.get_by_test_id("site-search").get_by_role("button", name="Search").click()
    page.get_by_role("heading", name="Search your organisation\u2019s reports").wait_for()
    results = page.get_by_test_id("results")
    results.get_by_role("link", name=refs["alarms"]).wait_for()
    results.get_by_role("link", name=refs["developer"]).wait_for()
    assert results.get_by_role("link", name=refs["deployer"]).count() == 0
    assert page.get_by_test_id("facet-organization").count() == 0
    assert not problems, problems
