"""After submission: the report page, amendments, follow-ups and withdrawal."""

from __future__ import annotations

from collections.abc import Callable

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from incidents.reports.models import Report, ReportStage, ReportState
from tests.functional.reports.conftest import COMPLETE_FORM, REFERENCE, post_form
from tests.pages import accessibility_problems, field_error, inline_code, parse


def test_report_page_shows_content_distribution_deadlines_and_history(
    reporter_client: FlaskClient, file_report: Callable[..., Report]
) -> None:
    report = file_report()
    page = reporter_client.get(f"/reports/{report.reference}").get_data(as_text=True)
    assert "Care robot dropped a patient" in page
    assert "Submitted" in page
    assert "Initial report" in page
    assert "TLP:AMBER" in page
    assert "CareLift" in page  # the structured AI system, in words
    assert "Serious AI incident" in page  # a value's label, not its id
    assert "art73_death" in page
    revisions = page.split('data-testid="revisions"')[1]
    assert "submission" in revisions
    assert str(report.content_hash) in revisions
    assert "This is the only report of its series" in page
    assert inline_code(page) == []


def test_amend_keeps_the_form_and_adds_a_revision(
    reporter_client: FlaskClient, db: Session, file_report: Callable[..., Report]
) -> None:
    report = file_report()
    url = f"/reports/{report.reference}/amend"
    form_page = reporter_client.get(url).get_data(as_text=True)
    assert 'value="Care robot dropped a patient"' in form_page  # pre-filled
    assert 'value="CareLift"' in form_page
    assert accessibility_problems(form_page) == []

    changed = {**COMPLETE_FORM, "title": "Care robot dropped a patient (corrected)"}
    refused = post_form(reporter_client, url, {**changed, "reason": " "})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 200
    assert field_error(page, "reason") == "Say why the report is amended."
    assert 'value="Care robot dropped a patient (corrected)"' in page
    assert len(report.revisions) == 1

    amended = post_form(reporter_client, url, {**changed, "reason": "The title was incomplete."})
    assert amended.status_code == 302
    page = reporter_client.get(amended.location).get_data(as_text=True)
    assert "is amended (revision 2)" in page
    revisions = page.split('data-testid="revisions"')[1]
    assert "amendment" in revisions
    assert "The title was incomplete." in revisions
    db.refresh(report)
    assert [revision.number for revision in report.revisions] == [1, 2]
    assert report.title == "Care robot dropped a patient (corrected)"
    assert report.revisions[1].content_hash in revisions


def test_follow_up_joins_the_series_and_gets_a_receipt(
    reporter_client: FlaskClient, db: Session, file_report: Callable[..., Report]
) -> None:
    report = file_report()
    url = f"/reports/{report.reference}/follow-up"
    form_page = reporter_client.get(url).get_data(as_text=True)
    assert 'value="Care robot dropped a patient"' in form_page
    assert accessibility_problems(form_page) == []

    # A final report needs the analysis fields: the problems are shown beside them.
    final = post_form(reporter_client, url, {**COMPLETE_FORM, "follow_up_stage": "final"})
    page = final.get_data(as_text=True)
    assert final.status_code == 200
    assert parse(page).find("p", id="root_cause-error")
    assert accessibility_problems(page) == []

    filed = post_form(reporter_client, url, {**COMPLETE_FORM, "follow_up_stage": "intermediate"})
    assert filed.status_code == 302
    assert filed.location.endswith("/receipt")
    reference = filed.location.split("/")[-2]
    assert REFERENCE.fullmatch(reference)
    assert reference != report.reference
    receipt = reporter_client.get(filed.location).get_data(as_text=True)
    assert "Intermediate report" in receipt
    follow_up = db.query(Report).filter_by(reference=reference).one()
    assert follow_up.series_id == report.series_id
    assert follow_up.stage is ReportStage.INTERMEDIATE

    page = reporter_client.get(f"/reports/{reference}").get_data(as_text=True)
    series = page.split('data-testid="series"')[1].split("</ul>")[0]
    assert f'href="/reports/{report.reference}"' in series


def test_withdraw_leaves_a_tombstone(
    reporter_client: FlaskClient, db: Session, file_report: Callable[..., Report]
) -> None:
    report = file_report()
    url = f"/reports/{report.reference}/withdraw"
    assert "Withdraw report" in reporter_client.get(url).get_data(as_text=True)
    refused = post_form(reporter_client, url, {"reason": ""})
    assert field_error(refused.get_data(as_text=True), "reason") == (
        "Say why the report is withdrawn."
    )
    withdrawn = post_form(reporter_client, url, {"reason": "Filed twice by mistake."})
    assert withdrawn.status_code == 302
    db.refresh(report)
    assert report.state is ReportState.WITHDRAWN
    page = reporter_client.get(withdrawn.location).get_data(as_text=True)
    assert "Withdrawn" in page
    assert "Filed twice by mistake." in page
    assert "Care robot dropped a patient" in page  # the content stays on record

    # A withdrawn report can be neither amended, followed up nor withdrawn again.
    for action in ("amend", "follow-up", "withdraw"):
        response = reporter_client.get(f"/reports/{report.reference}/{action}")
        assert response.status_code == 302, action
        assert response.location.endswith(f"/reports/{report.reference}")
    again = post_form(reporter_client, url, {"reason": "Again."}, token_from="/reports")
    assert again.status_code == 302
    page = reporter_client.get(again.location).get_data(as_text=True)
    assert "Only submitted reports can be withdrawn" in page


def test_draft_pages(reporter_client: FlaskClient, file_report: Callable[..., Report]) -> None:
    draft = file_report(draft=True, title="Unfinished")
    page = reporter_client.get(f"/reports/draft-{draft.id}").get_data(as_text=True)
    assert "Unfinished" in page
    assert "Edit draft" in page
    assert "No revisions yet" in page
    edit = reporter_client.get(f"/reports/draft-{draft.id}/edit").get_data(as_text=True)
    assert 'value="Unfinished"' in edit
    assert accessibility_problems(edit) == []
    # A complete draft goes straight to the review.
    review = reporter_client.get(f"/reports/draft-{draft.id}/review")
    assert "Submit report" in review.get_data(as_text=True)
    assert reporter_client.get(f"/reports/draft-{draft.id}/receipt").status_code == 404
