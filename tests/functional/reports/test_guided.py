"""The guided form's rules on the server: questions rendered only when relevant, stale answers
to questions no longer asked dropped on every channel, drafts at their own address and
deletable, the review's deadline preview, and a report's changes between revisions."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

import taxonomy
from incidents.audit.models import AuditEvent
from incidents.reports.models import Report
from incidents.security.permissions import Role
from taxonomy.conditions import to_data
from taxonomy.relevance import shown_when
from tests import factories
from tests.conftest import login
from tests.functional.reports.conftest import COMPLETE_CLASSIFICATION, COMPLETE_FORM, post_form
from tests.pages import accessibility_problems, inline_code


def _wrapper(page: str, field_id: str) -> str:
    """The opening tag of the wrapper around ``field_id``'s control."""
    before = page.split(f'id="{field_id}"', 1)[0]
    return before[before.rindex('<div class="dimension"') :].split(">", 1)[0]


def test_the_form_renders_only_the_questions_the_answers_ask(
    reporter_client: FlaskClient,
) -> None:
    page = reporter_client.get("/reports/new").get_data(as_text=True)
    deaths = _wrapper(page, "harm_deaths")
    assert " hidden" in deaths
    condition = json.loads(
        re.search(r'data-shown-when="([^"]*)"', deaths).group(1).replace("&#34;", '"')  # type: ignore[union-attr]
    )
    assert condition == to_data(shown_when(taxonomy.load(), "harm_deaths"))  # type: ignore[arg-type]
    assert re.search(
        r'<input[^>]*disabled[^>]*id="harm_deaths"|id="harm_deaths"[^>]*disabled', page
    )
    assert " hidden" not in _wrapper(page, "event_class")
    # The default distribution, TLP:AMBER, is valid alone: no recipients asked.
    assert re.search(r'<option selected value="amber">|<option value="amber" selected', page)
    assert " hidden" in page.split('id="recipients"')[0].rsplit("<div", 1)[1]
    assert 'src="/static/reports/report-form.js"' in page
    assert inline_code(page) == []
    assert accessibility_problems(page) == []

    saved = post_form(
        reporter_client, "/reports/new", {"title": "A death", "harm_type": ["physical_death"]}
    )
    page = reporter_client.get(saved.location).get_data(as_text=True)
    assert " hidden" not in _wrapper(page, "harm_deaths")  # now asked


def test_answers_to_questions_not_asked_are_dropped(
    reporter_client: FlaskClient, db: Session
) -> None:
    stale = {
        **COMPLETE_FORM,
        "harm_injuries": "3",  # no injury among the harm types
        "near_miss": "yes",  # asked for hazards only; this is an incident
        "tlp": "amber",
        "recipients": ["Safety Institute Two"],  # named only for RED and AMBER+STRICT
    }
    response = post_form(reporter_client, "/reports/new", stale)
    assert response.status_code == 302
    [draft] = db.scalars(sa.select(Report))
    assert "harm_injuries" not in draft.classification
    assert "near_miss" not in draft.classification
    assert draft.classification["harm_deaths"] == 1  # asked: Death is among the harm types
    assert draft.recipients == []


def test_a_saved_draft_lives_at_its_own_address_and_says_so(
    reporter_client: FlaskClient, db: Session
) -> None:
    response = post_form(reporter_client, "/reports/new", {"title": "Half-written"})
    [draft] = db.scalars(sa.select(Report))
    assert response.location == f"/reports/draft-{draft.id}/edit"
    page = reporter_client.get(response.location).get_data(as_text=True)
    assert 'class="flash flash-success"' in page
    assert "Your draft is saved" in page
    # Reloading the draft's page files nothing new.
    reporter_client.get(response.location)
    assert len(db.scalars(sa.select(Report)).all()) == 1


def test_error_labels_are_not_doubled(reporter_client: FlaskClient, db: Session) -> None:
    post_form(reporter_client, "/reports/new", {"title": "x", "review": "Review and submit"})
    [draft] = db.scalars(sa.select(Report))
    page = reporter_client.get(f"/reports/draft-{draft.id}/edit?check=1").get_data(as_text=True)
    summary = page.split('data-testid="error-summary"')[1].split("</div>")[0]
    assert "Required in the initial report: Became aware at" in summary
    assert "Became aware at (UTC): Required" not in summary


def test_a_draft_can_be_deleted_and_a_submitted_report_cannot(
    reporter_client: FlaskClient, db: Session, file_report: Callable[..., Report]
) -> None:
    report = file_report()
    draft = file_report(draft=True)
    url = f"/reports/draft-{draft.id}/delete"
    confirm = reporter_client.get(url)
    assert confirm.status_code == 200
    assert "Delete draft" in confirm.get_data(as_text=True)
    deleted = post_form(reporter_client, url, {})
    assert deleted.status_code == 302
    assert deleted.location == "/reports"
    assert db.scalars(sa.select(Report)).all() == [report]
    assert "report.draft_delete" in db.scalars(sa.select(AuditEvent.action)).all()
    assert reporter_client.get(url).status_code == 404

    refused = post_form(
        reporter_client,
        f"/reports/{report.reference}/delete",
        {},
        token_from=f"/reports/{report.reference}",
    )
    assert refused.status_code == 302
    assert db.get(Report, report.id) is not None


def test_another_organisation_cannot_delete_a_draft(
    app: Flask, make_user, file_report: Callable[..., Report], db: Session
) -> None:
    draft = file_report(draft=True)
    outsider = factories.UserFactory(
        role=Role.REPORTER, organization=factories.OrganizationFactory(name="Other Co")
    )
    client = app.test_client()
    login(client, outsider)
    assert client.get(f"/reports/draft-{draft.id}/delete").status_code == 404
    assert db.get(Report, draft.id) is not None


def test_the_review_previews_the_deadlines_and_why_none_applies(
    reporter_client: FlaskClient, file_report: Callable[..., Report]
) -> None:
    draft = file_report(draft=True)
    page = reporter_client.get(f"/reports/draft-{draft.id}/review").get_data(as_text=True)
    preview = page.split('data-testid="deadline-preview"')[1].split("</div>")[0]
    assert "art73_death" in preview  # a death: Art. 73(4), 10 days

    not_serious = {**COMPLETE_CLASSIFICATION, "event_class": "ai_incident"}
    draft = file_report(draft=True, classification=not_serious)
    page = reporter_client.get(f"/reports/draft-{draft.id}/review").get_data(as_text=True)
    preview = page.split('data-testid="deadline-preview"')[1].split("</div>")[0]
    assert "No regulatory deadline applies" in preview
    assert "You ticked <strong>EU AI Act Art. 73" in preview
    assert "Event class is Serious AI incident or AI disaster" in preview


def test_changes_between_revisions_field_by_field(
    app: Flask,
    reporter_client: FlaskClient,
    file_report: Callable[..., Report],
    make_user,
) -> None:
    report = file_report()
    url = f"/reports/{report.reference}/changes"
    single = reporter_client.get(url).get_data(as_text=True)
    assert "one revision: there is nothing to compare" in single
    amended = {
        **COMPLETE_FORM,
        "title": "Care robot dropped a patient (corrected)",
        "countries": ["SE"],
        "reason": "It happened in Sweden.",
    }
    post_form(reporter_client, f"/reports/{report.reference}/amend", amended)
    page = reporter_client.get(url).get_data(as_text=True)
    table = page.split('data-testid="changes"')[1].split("</table>")[0]
    assert "Care robot dropped a patient (corrected)" in table
    assert '<th scope="row">Countries<br>' in table
    assert "<del>Norway</del>" in table
    assert "<ins>Sweden</ins>" in table
    assert "Sensitivity" not in table  # unchanged fields are not listed
    assert "It happened in Sweden." in page
    assert f'href="{url}?to=2"' in reporter_client.get(f"/reports/{report.reference}").get_data(
        as_text=True
    )

    analyst = make_user(Role.ANALYST)  # TLP:AMBER: every network institute may read it
    client = app.test_client()
    login(client, analyst)
    assert client.get(url).status_code == 200
    assert client.get(f"{url}?from=2&to=1").status_code == 404
