"""An analyst asks, the company answers with a follow-up link, the desk shows the answer."""

from __future__ import annotations

import sqlalchemy as sa
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from incidents.accounts.models import Organization
from incidents.exchange.models import Notification, NotificationKind
from incidents.reports.content import ReportContent
from incidents.reports.services import file_report
from incidents.security.caller import Caller
from incidents.security.permissions import Role
from tests import factories
from tests.conftest import MakeUser, csrf_token, login
from tests.reports_data import INITIAL


def test_request_journey_through_pages_and_api(
    app: object, db: Session, make_user: MakeUser, company: Organization
) -> None:
    reporter = make_user(Role.REPORTER, name="Rita Reporter")
    analyst = make_user(Role.ANALYST)
    stranger = make_user(Role.ANALYST, organization=factories.InstituteFactory(name="Other"))
    content = ReportContent(
        title="Amber", description="x", tlp="amber", withhold_identity=True, classification=INITIAL
    )
    report = file_report(db, Caller(reporter, "web"), content)
    db.commit()
    flask_app = app  # the session-wide app
    analyst_client: FlaskClient = flask_app.test_client()  # type: ignore[attr-defined]
    login(analyst_client, analyst)
    page = f"/reports/{report.reference}/requests"
    answer = analyst_client.post(
        page,
        data={
            "csrf_token": csrf_token(analyst_client, page),
            "subject": "Which version?",
            "question": "Which model version was deployed?",
            "answer_by": "2099-01-01",
        },
    )
    assert answer.status_code == 302
    reference = answer.location.rsplit("/", 1)[-1]
    assert reference.startswith("RFI-")
    # The company's reporter is notified and answers through the API.
    told = db.scalars(
        sa.select(Notification).where(
            Notification.user_id == reporter.id,
            Notification.kind == NotificationKind.REQUEST_RECEIVED,
        )
    ).all()
    assert [n.reference for n in told] == [reference]
    reporter_client: FlaskClient = flask_app.test_client()  # type: ignore[attr-defined]
    login(reporter_client, reporter)
    dashboard = reporter_client.get("/reports").get_data(as_text=True)
    assert reference in dashboard
    assert "2099-01-01" in dashboard
    assert "Notifications <span" in reporter_client.get("/requests").get_data(as_text=True)
    token = factories.ApiTokenFactory.with_secret(user=reporter)[1]
    api: FlaskClient = flask_app.test_client()  # type: ignore[attr-defined]
    headers = {"Authorization": f"Bearer {token}"}
    replied = api.post(
        f"/api/v1/requests/{reference}/messages",
        json={"body": "Version 2.1.", "linked_report": report.reference},
        headers=headers,
    )
    assert replied.status_code == 201, replied.get_json()
    assert replied.get_json()["state"] == "answered"
    # The analyst sees the answer as the reporter's, without a name, and on the desk.
    thread = analyst_client.get(f"/requests/{reference}").get_data(as_text=True)
    assert "Version 2.1." in thread
    assert "the reporter" in thread
    assert "Rita" not in thread
    desk = analyst_client.get("/desk").get_data(as_text=True)
    assert reference in desk
    assert "answered" in desk
    header = analyst_client.get("/notifications").get_data(as_text=True)
    assert "an answer to your request" in header
    # Another institute reading the same report gets 404 for the thread, page and API.
    other: FlaskClient = flask_app.test_client()  # type: ignore[attr-defined]
    login(other, stranger)
    assert other.get(f"/requests/{reference}").status_code == 404
    other_token = factories.ApiTokenFactory.with_secret(user=stranger)[1]
    hidden = api.get(
        f"/api/v1/requests/{reference}", headers={"Authorization": f"Bearer {other_token}"}
    )
    assert hidden.status_code == 404
    listed = api.get("/api/v1/requests", headers=headers).get_json()
    assert [row["reference"] for row in listed["items"]] == [reference]
