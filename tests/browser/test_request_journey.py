"""An analyst asks the filing company a question in the browser; the company's reporter is
notified, answers by linking the report, and the analyst sees the answer on the desk."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from flask import Flask

from incidents.accounts.demo import DEMO_PASSWORD
from incidents.accounts.models import User
from incidents.extensions import db_session
from incidents.reports.content import ReportContent
from incidents.reports.services import file_report
from incidents.security.caller import Caller
from tests.reports_data import INITIAL

pytestmark = pytest.mark.browser


def _sign_in(page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_test_id("main-nav").wait_for()


def _sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()


def test_question_answer_and_desk(page, live_app: Flask) -> None:
    with live_app.app_context():
        session = db_session()
        reporter = session.scalar(sa.select(User).where(User.email == "reporter@aurora.example"))
        content = ReportContent(
            title="Browser request journey",
            description="An AMBER report the analysts may read.",
            tlp="amber",
            withhold_identity=True,
            classification=INITIAL,
        )
        reference = str(file_report(session, Caller(reporter, "web"), content).reference)
        session.commit()

    _sign_in(page, "analyst@meridian.example")
    page.goto(f"/reports/{reference}")
    page.get_by_test_id("report-requests").get_by_role("link").click()
    page.get_by_label("Subject").fill("Which version?")
    page.get_by_label("Question").fill("Which model version was deployed?")
    page.get_by_role("button", name="Ask the filing organisation").click()
    page.get_by_text("sent to the filing organisation").wait_for()
    request_ref = page.url.rsplit("/", 1)[-1]
    assert re.fullmatch(r"RFI-\d{4}-\d{5}", request_ref)
    _sign_out(page)

    _sign_in(page, "reporter@aurora.example")
    page.get_by_test_id("notifications-link").click()
    page.get_by_test_id("notifications").get_by_role("link", name=re.compile(request_ref)).click()
    page.get_by_label("Message").fill("Version 2.1, see the report.")
    page.get_by_label("Answered by a report (optional)").fill(reference)
    page.get_by_role("button", name="Send").click()
    page.get_by_text("Your message is in the thread.").wait_for()
    _sign_out(page)

    _sign_in(page, "analyst@meridian.example")
    page.get_by_test_id("main-nav").get_by_role("link", name="Desk").click()
    row = page.get_by_test_id("desk-requests").get_by_role("row", name=re.compile(request_ref))
    assert "answered" in row.inner_text()
    row.get_by_role("link", name=request_ref).click()
    thread = page.get_by_test_id("thread")
    assert "Version 2.1" in thread.inner_text()
    assert "the reporter" in thread.inner_text()
    assert "Rita" not in thread.inner_text()
