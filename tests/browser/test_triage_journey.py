"""An analyst triages in the browser: opens the queue, reads the signals of a queued report,
confirms the candidate, then merges two incidents and splits a report off.

The journey runs on a server of its own: the engine's scores depend on what else is stored,
and the shared live server holds whatever the other browser tests filed.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

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
from incidents.registry.candidates import pending_candidates
from incidents.registry.queries import primary_incident
from incidents.reports.content import ReportContent
from incidents.reports.services import file_report
from incidents.security.caller import Caller
from tests import registry_data as data
from tests.conftest import test_settings as settings_for
from tests.functional.registry.conftest import NEONATAL_ALARMS

if TYPE_CHECKING:
    from playwright.sync_api import ConsoleMessage

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def triage_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    instance: Path = tmp_path_factory.mktemp("triage-instance")
    app = create_app(
        settings_for(instance, f"sqlite:///{instance / 'triage.db'}", AUTO_MIGRATE="true")
    )
    with app.app_context():
        session = db_session()
        load_demo(session, services().hasher)
        session.commit()
    return app


@pytest.fixture
def triage_page(browser, triage_app: Flask):
    server: BaseWSGIServer = make_server("127.0.0.1", 0, triage_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    context = browser.new_context(base_url=f"http://127.0.0.1:{server.server_port}")
    yield context.new_page()
    context.close()
    server.shutdown()


def _file(app: Flask) -> dict[str, str]:
    """File three reports as the demo companies and let the engine place them."""
    with app.app_context():
        session = db_session()

        def filed(content: ReportContent, email: str) -> Any:
            user = session.scalar(sa.select(User).where(User.email == email))
            report = file_report(session, Caller(user, "web"), content)
            session.commit()
            drain(session, Thresholds())
            return report

        deployer = filed(data.SEPSIS_DEPLOYER, "reporter@aurora.example")
        look_alike = filed(data.SEPSIS_FALSE_ALARMS, "reporter@lumen.example")
        neonatal = filed(NEONATAL_ALARMS, "reporter@aurora.example")
        incident = primary_incident(session, deployer)
        [candidate] = pending_candidates(session, look_alike)
        assert incident is not None
        assert candidate.incident_id == incident.id
        other = primary_incident(session, neonatal)
        assert other is not None
        assert other.id != incident.id
        return {
            "look_alike": look_alike.reference,
            "neonatal": neonatal.reference,
            "incident": incident.reference,
            "other": other.reference,
        }


def test_analyst_confirms_merges_and_splits(triage_page, triage_app: Flask) -> None:
    page = triage_page
    refs = _file(triage_app)
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))

    def refused_in_console(message: ConsoleMessage) -> None:
        if "Refused" in message.text:
            problems.append(message.text)

    page.on("console", refused_in_console)

    page.goto("/login")
    page.get_by_label("E-mail").fill("analyst@meridian.example")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_test_id("main-nav").get_by_role("link", name="Triage").click()

    # The queue lists the look-alike; its page shows the signals, for and against.
    page.get_by_role("heading", name="Triage queue").wait_for()
    page.get_by_test_id("queue").get_by_role("link", name=refs["look_alike"]).click()
    page.get_by_role("heading", name=f"Triage {refs['look_alike']}").wait_for()
    candidate = page.get_by_test_id(f"candidate-{refs['incident']}")
    expect(candidate.get_by_test_id("signal-agree").first).to_be_visible()
    expect(candidate.get_by_test_id("signal-disagree").first).to_be_visible()
    expect(candidate.get_by_text("AI system names match (100/100)")).to_be_visible()
    candidate.get_by_label("Note (optional)").fill("Same system, same hospital group.")
    candidate.get_by_role("button", name=f"Confirm: same event as {refs['incident']}").click()
    flash = page.get_by_text(f"Confirmed: {refs['look_alike']} is part of {refs['incident']}.")
    flash.wait_for()
    expect(page.get_by_test_id("decided").get_by_text("confirmed")).to_be_visible()

    # Merge the neonatal incident into it, finding the target through the suggestions.
    page.goto(f"/incidents/{refs['other']}")
    merge = page.get_by_test_id("merge-form")
    target = merge.get_by_label("Merge into incident")
    target.press_sequentially("early-warning")
    suggestion = page.locator(f"#incident-options option[value='{refs['incident']}']")
    suggestion.wait_for(state="attached")
    target.fill(refs["incident"])
    merge.get_by_label("Reason").fill("The same vendor patch.")
    merge.get_by_role("button", name=f"Merge {refs['other']}").click()
    page.get_by_text(f"{refs['other']} was merged into {refs['incident']}.").wait_for()
    assert page.url.endswith(f"/incidents/{refs['incident']}")
    reports = page.get_by_test_id("reports")
    expect(reports.get_by_role("link", name=refs["neonatal"])).to_be_visible()

    # On reflection the look-alike is another event: split it off.
    split = page.get_by_test_id("split-form")
    split.get_by_label(refs["look_alike"]).check()
    split.get_by_label("Reason").fill("A false-alarm storm, not the missed alerts.")
    split.get_by_role("button", name="Split off").click()
    page.get_by_text(f"{refs['look_alike']} split off into a new incident").wait_for()
    assert reports.get_by_role("link", name=refs["look_alike"]).count() == 0
    history = page.get_by_test_id("history")
    expect(history.get_by_role("link", name=refs["look_alike"])).to_be_visible()
    assert not problems, problems  # no script errors, nothing the CSP refused
