"""Who may see which report page: the own organisation, analysts by TLP, nobody else (404)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from incidents.accounts.models import Organization
from incidents.audit.models import AuditEvent
from incidents.reports.models import Report
from incidents.security.permissions import Role
from tests import factories
from tests.conftest import CSRF_FIELD, csrf_token, login

SUBMITTED_PAGES = ("", "/receipt", "/amend", "/follow-up", "/withdraw")
DRAFT_PAGES = ("", "/edit", "/review")


def _page(response: TestResponse) -> str:
    return CSRF_FIELD.sub("csrf", response.get_data(as_text=True))


def _client(app: Flask, user) -> FlaskClient:
    client = app.test_client()
    login(client, user)
    return client


def test_another_organisations_reporter_gets_404_everywhere(
    app: Flask, file_report: Callable[..., Report], make_user
) -> None:
    report = file_report()
    draft = file_report(draft=True)
    stranger = _client(app, make_user(Role.REPORTER, organization=factories.OrganizationFactory()))
    token = csrf_token(stranger, "/reports/new")
    urls = [f"/reports/{report.reference}{page}" for page in SUBMITTED_PAGES]
    urls += [f"/reports/draft-{draft.id}{page}" for page in DRAFT_PAGES]
    missing = stranger.get("/reports/RPT-2025-99999")
    assert missing.status_code == 404
    for url in urls:
        response = stranger.get(url)
        assert response.status_code == 404, url
        # Exactly like a missing one (CSRF tokens carry a timestamp, so they may differ).
        assert _page(response) == _page(missing), url
        if url.endswith(("/amend", "/follow-up", "/withdraw", "/edit", "/review")):
            posted = stranger.post(url, data={"csrf_token": token, "reason": "x", "title": "x"})
            assert posted.status_code == 404, url
    assert report.title not in stranger.get("/reports").get_data(as_text=True)


def test_analyst_reads_an_amber_report_and_the_read_is_audited(
    app: Flask, db: Session, file_report: Callable[..., Report], make_user, reporter
) -> None:
    report = file_report(withhold_identity=True)
    analyst = make_user(Role.ANALYST)
    client = _client(app, analyst)
    response = client.get(f"/reports/{report.reference}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Care robot dropped a patient" in page
    # Identity withheld at the reporter's request: neither the person nor the organisation.
    assert "Withheld at the submitter" in page
    assert reporter.display_name not in page
    assert reporter.organization.name not in page
    assert "Amend" not in page
    [read] = db.scalars(
        sa.select(AuditEvent).where(
            AuditEvent.action == "report.read", AuditEvent.subject_ref == report.reference
        )
    )
    assert read.actor_user_id == analyst.id
    # The filing pages stay closed to analysts.
    assert client.get(f"/reports/{report.reference}/amend").status_code == 403
    assert client.get(f"/reports/{report.reference}/receipt").status_code == 403
    assert client.get("/reports").status_code == 403


def test_identity_is_shown_when_not_withheld_and_own_reads_are_not_audited(
    app: Flask,
    db: Session,
    reporter_client: FlaskClient,
    file_report: Callable[..., Report],
    make_user,
    reporter,
) -> None:
    report = file_report()
    page = _client(app, make_user(Role.ANALYST)).get(f"/reports/{report.reference}")
    assert reporter.display_name in page.get_data(as_text=True)
    reporter_client.get(f"/reports/{report.reference}")
    reads = db.scalars(sa.select(AuditEvent).where(AuditEvent.action == "report.read")).all()
    assert len(reads) == 1


def test_red_report_only_for_named_institutes(
    app: Flask,
    db: Session,
    file_report: Callable[..., Report],
    make_user,
    second_institute: Organization,
) -> None:
    report = file_report(tlp="red", recipients=(second_institute.name,))
    outsider = _client(app, make_user(Role.ANALYST))  # of the first institute
    response = outsider.get(f"/reports/{report.reference}")
    assert response.status_code == 404
    assert _page(response) == _page(outsider.get("/reports/RPT-2025-99999"))
    assert not db.scalars(sa.select(AuditEvent).where(AuditEvent.action == "report.read")).all()
    named = _client(app, make_user(Role.ANALYST, organization=second_institute))
    assert named.get(f"/reports/{report.reference}").status_code == 200


def test_drafts_are_never_shared(app: Flask, file_report: Callable[..., Report], make_user) -> None:
    draft = file_report(draft=True)
    analyst = _client(app, make_user(Role.ANALYST))
    assert analyst.get(f"/reports/draft-{draft.id}").status_code == 404


@pytest.mark.parametrize(
    ("role", "status"), [(Role.ADMIN, 403), (Role.ORG_ADMIN, 200), (Role.EDITOR, 200)]
)
def test_who_reaches_the_report_page(
    app: Flask, file_report: Callable[..., Report], make_user, role: Role, status: int
) -> None:
    report = file_report()
    client = _client(app, make_user(role))
    assert client.get(f"/reports/{report.reference}").status_code == status


def test_anonymous_callers_are_sent_to_sign_in(
    client: FlaskClient, file_report: Callable[..., Report]
) -> None:
    report = file_report()
    for url in ("/reports", "/reports/new", f"/reports/{report.reference}"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.location.startswith("/login?next=")


def test_report_forms_need_a_csrf_token(
    reporter_client: FlaskClient, file_report: Callable[..., Report]
) -> None:
    report = file_report()
    for url in ("/reports/new", f"/reports/{report.reference}/withdraw"):
        response = reporter_client.post(url, data={"title": "x", "reason": "x"})
        assert response.status_code == 400
