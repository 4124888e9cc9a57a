"""A reporter files a report through the web form: draft, validation, review, submit, receipt."""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from incidents.reports.models import Report, ReportState
from tests.functional.reports.conftest import COMPLETE_FORM, REFERENCE, post_form
from tests.pages import accessibility_problems, field_error, inline_code, parse


def _draft_id(location: str) -> int:
    match = re.search(r"/reports/draft-(\d+)/", location)
    assert match, location
    return int(match.group(1))


def test_the_form_is_generated_from_the_taxonomy(reporter_client: FlaskClient) -> None:
    response = reporter_client.get("/reports/new")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    html = parse(page)
    # One control per kind: select, checkboxes, multi-select, number, date, timestamp, text,
    # and the sub-fields of a structured dimension inside a fieldset.
    assert html.find("select", id="event_class")
    assert html.find("input", id="harm_type-0", type="checkbox")
    [countries] = html.find("select", id="countries")
    assert "multiple" in countries.attrs
    assert len(html.find("option")) > 249
    assert html.find("input", id="harm_deaths", type="number")
    assert html.find("input", id="occurred_on", type="date")
    assert html.find("input", id="aware_at", type="datetime-local")
    assert html.find("textarea", id="root_cause")
    assert html.find("fieldset", id="ai_system")
    assert html.find("input", id="ai_system-name")
    assert html.find("select", id="security-is_security_incident")
    assert "When the organisation became aware" in page or "(UTC)" in page
    assert "Required in the initial report" in page
    assert "Required by the final report" in page
    assert "Required in the initial report when Harm type includes Death" in page
    assert "Enter the time in UTC" in page
    for heading in ("The event", "Harm", "The AI system", "Regulatory reporting"):
        assert f">{heading}</h2>" in page
    assert "Safety Institute One" in page  # a recipient checkbox per network institute
    assert accessibility_problems(page) == []
    assert inline_code(page) == []


def test_a_draft_is_saved_with_almost_nothing(
    reporter_client: FlaskClient, db: Session, reporter
) -> None:
    response = post_form(
        reporter_client, "/reports/new", {"title": "Half a thought", "save": "Save draft"}
    )
    assert response.status_code == 302
    draft = db.get(Report, _draft_id(response.location))
    assert draft is not None
    assert draft.state is ReportState.DRAFT
    assert draft.title == "Half a thought"
    assert draft.author_id == reporter.id
    page = reporter_client.get(response.location).get_data(as_text=True)
    assert "Your draft is saved" in page
    assert 'value="Half a thought"' in page

    # Saving again updates the same draft.
    again = post_form(
        reporter_client,
        response.location,
        {"title": "A whole thought", "harm_type": ["physical_death"], "save": "Save draft"},
    )
    assert again.location == response.location
    db.refresh(draft)
    assert draft.title == "A whole thought"
    assert draft.classification == {"harm_type": ["physical_death"]}


def test_malformed_input_is_shown_beside_its_field_and_nothing_is_lost(
    reporter_client: FlaskClient, db: Session
) -> None:
    typed = {
        "title": "Robot incident",
        "description": "Something went wrong.",
        "harm_type": ["physical_injury"],
        "harm_deaths": "two",
        "aware_at": "yesterday",
        "references": "not a link",
        "save": "Save draft",
    }
    response = post_form(reporter_client, "/reports/new", typed)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert field_error(page, "harm_deaths") == "Not a valid integer value."
    assert field_error(page, "aware_at") == "Enter a date and time, e.g. 2025-03-01 09:30."
    assert db.scalar(sa.select(sa.func.count()).select_from(Report)) == 0
    # Everything typed is still there, the bad values included.
    assert 'value="Robot incident"' in page
    assert "Something went wrong.</textarea>" in page
    assert 'value="two"' in page
    assert 'value="yesterday"' in page
    assert 'id="harm_type-1" name="harm_type" type="checkbox" value="physical_injury" checked' in (
        page
    ) or _checked(page, "harm_type", "physical_injury")
    assert accessibility_problems(page) == []

    # Once the types are right, the service's complaints land beside their fields too.
    fixed = {**typed, "harm_deaths": "", "aware_at": ""}
    response = post_form(reporter_client, "/reports/new", fixed)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert field_error(page, "references") == "'not a link' is not a web address (http or https)."
    assert 'href="#references"' in page
    assert "not a link</textarea>" in page


def _checked(page: str, name: str, value: str) -> bool:
    return any(
        element.attrs.get("value") == value and "checked" in element.attrs
        for element in parse(page).find("input", name=name)
    )


def test_review_of_an_incomplete_report_shows_what_is_missing(
    reporter_client: FlaskClient, db: Session
) -> None:
    typed = {
        "title": "",
        "description": "A patient fell.",
        "tlp": "red",
        "event_class": "serious_ai_incident",
        "harm_type": ["physical_death"],
        "ai_system-version": "2.1",
        "review": "Review and submit",
    }
    posted = post_form(reporter_client, "/reports/new", typed)
    # The draft is saved and the browser sent to its own address: a reload files no second one.
    assert posted.status_code == 302
    [draft] = db.scalars(sa.select(Report))
    assert posted.location == f"/reports/draft-{draft.id}/edit?check=1"
    response = reporter_client.get(posted.location)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Your draft is saved. Complete the fields marked below" in page
    assert field_error(page, "title") == "Give the report a title."
    assert field_error(page, "ai_system-name") is not None
    # RED goes to named institutes only; the group's message is tied to its checkboxes.
    [recipients_error] = parse(page).find("p", id="recipients-error")
    assert "Name at least one recipient institute" in recipients_error.text
    [first_institute] = parse(page).find("input", id="recipients-0")
    assert "recipients-error" in first_institute.attrs["aria-describedby"]
    [deaths_error] = parse(page).find("p", id="harm_deaths-error")
    assert deaths_error.text
    # The summary at the top links to each field.
    summary = page.split('data-testid="error-summary"')[1].split("</div>")[0]
    for anchor in ("#title", "#ai_system-name", "#harm_deaths", "#countries", "#recipients"):
        assert f'href="{anchor}"' in summary
    assert accessibility_problems(page) == []
    # The typed values are kept, and the form now posts to the saved draft.
    assert _checked(page, "harm_type", "physical_death")
    assert 'value="2.1"' in page
    assert "A patient fell.</textarea>" in page
    assert f'action="/reports/draft-{draft.id}/edit"' in page
    assert draft.classification["ai_system"] == {"version": "2.1"}


def test_submit_then_receipt_with_reference_hash_and_deadlines(
    reporter_client: FlaskClient, db: Session
) -> None:
    response = post_form(
        reporter_client, "/reports/new", {**COMPLETE_FORM, "review": "Review and submit"}
    )
    assert response.status_code == 302
    assert response.location.endswith("/review")
    review = reporter_client.get(response.location).get_data(as_text=True)
    assert "Submit report" in review
    assert "TLP:AMBER" in review
    assert "Care robot dropped a patient" in review
    assert "Death" in review  # the classification in words
    assert inline_code(review) == []

    submitted = post_form(reporter_client, response.location, {})
    assert submitted.status_code == 302
    assert submitted.location.endswith("/receipt")
    [report] = db.scalars(sa.select(Report))
    db.refresh(report)
    assert report.state is ReportState.SUBMITTED
    assert report.classification["aware_at"] == "2025-02-03T10:00:00Z"
    assert report.classification["countries"] == ["NO", "SE"]
    assert report.references == ["https://example.org/notice", "https://example.org/recall"]

    receipt = reporter_client.get(submitted.location).get_data(as_text=True)
    assert report.reference is not None
    assert REFERENCE.fullmatch(report.reference)
    assert f'data-testid="reference">{report.reference}<' in receipt
    assert report.content_hash is not None
    assert re.fullmatch(r"[0-9a-f]{64}", report.content_hash)
    assert report.content_hash in receipt
    assert "UTC" in receipt
    # EU AI Act Art. 73(4): a death is reported within 10 days of awareness.
    assert "EU AI Act Art. 73" in receipt
    assert "art73_death" in receipt
    assert "2025-02-13 10:00" in receipt
    assert "Art. 73(4)" in receipt
    assert 'data-testid="next-follow-up"' in receipt
    assert inline_code(receipt) == []

    # Submitting twice does nothing more: the draft's review is gone.
    again = reporter_client.get(f"/reports/draft-{report.id}/review")
    assert again.status_code == 404
