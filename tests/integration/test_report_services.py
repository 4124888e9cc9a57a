"""Filing reports against a real database: drafts, submission, revisions, follow-ups,
withdrawal, references, deadlines and the organisation's list."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from incidents.audit.models import AuditEvent
from incidents.references import next_reference
from incidents.reports import services
from incidents.reports.access import report_for
from incidents.reports.batch import file_reports
from incidents.reports.content import ReportContent, ReportInvalid
from incidents.reports.deadlines import next_deadline, open_deadlines, status_of
from incidents.reports.models import Report, ReportStage, ReportState
from incidents.reports.queries import ReportFilters, organization_reports
from incidents.security.caller import Caller
from incidents.security.permissions import Role
from tests import factories
from tests.reports_data import FINAL_ADDITIONS, INITIAL


def content(**changes: Any) -> ReportContent:
    fields: dict[str, Any] = {
        "title": "Sepsis alerts stopped after an upgrade",
        "description": "Alerts were not generated for three days.",
        "tlp": "amber",
        "classification": INITIAL,
    }
    fields.update(changes)
    return ReportContent(**fields)


@pytest.fixture
def caller(make_user) -> Caller:
    return Caller(make_user(Role.REPORTER), "web", "192.0.2.1")


def actions(db: Session) -> list[str]:
    return list(db.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))


def test_filing_assigns_a_reference_a_revision_a_hash_and_deadlines(
    db: Session, caller: Caller
) -> None:
    report = services.file_report(db, caller, content())
    year = datetime.now(UTC).year
    assert report.reference is not None
    assert report.reference.startswith(f"RPT-{year}-")
    assert report.state is ReportState.SUBMITTED
    assert report.taxonomy_version == "1.0.0"
    assert [r.kind for r in report.revisions] == ["submission"]
    assert report.content_hash == report.revisions[0].content_hash
    assert len(report.content_hash or "") == 64
    binding = [d for d in report.deadlines if d.binding]
    assert [(d.rule, d.due_at) for d in binding] == [
        ("art73_death", datetime(2026, 11, 13, 10, tzinfo=UTC))
    ]
    assert report.aware_at == datetime(2026, 11, 3, 10, tzinfo=UTC)
    assert "report.submit" in actions(db)


def test_references_are_sequential_and_never_reused(db: Session) -> None:
    first = next_reference(db, "TST", 2031)
    second = next_reference(db, "TST", 2031)
    assert (first, second) == ("TST-2031-00001", "TST-2031-00002")
    assert next_reference(db, "TST", 2032) == "TST-2032-00001"


def test_every_problem_is_reported_at_once_and_nothing_is_stored(
    db: Session, caller: Caller
) -> None:
    bad = content(
        title="",
        tlp="red",
        references=("ftp://example.org/x",),
        classification={**INITIAL, "harm_type": ["physcal_death"]},
    )
    with pytest.raises(ReportInvalid) as raised:
        services.file_report(db, caller, bad)
    problems = raised.value.problems
    assert {
        "title",
        "distribution.recipients",
        "references[0]",
        "classification.harm_type[0]",
    } <= set(problems)
    assert db.scalar(sa.select(sa.func.count()).select_from(Report)) == 0


def test_recipients_must_be_network_institutes(db: Session, caller: Caller) -> None:
    institute = factories.InstituteFactory(name="Receiving Institute")
    outsider = factories.InstituteFactory(name="Outside Institute", is_network_member=False)
    report = services.file_report(db, caller, content(tlp="red", recipients=(institute.name,)))
    assert report.recipient_ids == {institute.id}
    with pytest.raises(ReportInvalid) as raised:
        services.file_report(db, caller, content(tlp="red", recipients=(outsider.name,)))
    assert "distribution.recipients[0]" in raised.value.problems
    with pytest.raises(ReportInvalid) as raised:
        services.file_report(db, caller, content(tlp="green", recipients=(institute.name,)))
    assert "distribution.recipients" in raised.value.problems


def test_a_draft_needs_nothing_yet_but_must_be_well_formed(db: Session, caller: Caller) -> None:
    draft = services.save_draft(db, caller, ReportContent(title="Half a thought"))
    assert draft.state is ReportState.DRAFT
    assert draft.reference is None
    assert draft.label == f"draft #{draft.id}"
    with pytest.raises(ReportInvalid) as raised:
        services.save_draft(db, caller, ReportContent(classification={"harm_type": "x"}))
    assert "classification.harm_type" in raised.value.problems
    with pytest.raises(ReportInvalid) as raised:
        services.submit(db, caller, draft)
    assert "description" in raised.value.problems
    services.save_draft(db, caller, content(), report=draft)
    submitted = services.submit(db, caller, draft)
    assert submitted.reference is not None
    with pytest.raises(services.ReportStateError):
        services.save_draft(db, caller, content(), report=draft)
    with pytest.raises(services.ReportStateError):
        services.submit(db, caller, draft)


def test_unknown_taxonomy_version_is_refused(db: Session, caller: Caller) -> None:
    with pytest.raises(ReportInvalid) as raised:
        services.file_report(db, caller, content(taxonomy_version="0.9.0"))
    assert "taxonomy_version" in raised.value.problems


def test_amendment_adds_an_immutable_revision_with_its_reason(db: Session, caller: Caller) -> None:
    report = services.file_report(db, caller, content())
    first_hash = report.content_hash
    with pytest.raises(ReportInvalid):
        services.amend(db, caller, report, content(title="Corrected"), reason=" ")
    services.amend(db, caller, report, content(title="Corrected"), reason="Typo in title")
    assert [r.number for r in report.revisions] == [1, 2]
    assert report.revisions[0].content["title"] == "Sepsis alerts stopped after an upgrade"
    assert report.revisions[1].reason == "Typo in title"
    assert report.content_hash != first_hash
    assert report.title == "Corrected"


def test_follow_ups_continue_the_series_until_final(db: Session, caller: Caller) -> None:
    report = services.file_report(db, caller, content())
    intermediate = services.file_follow_up(
        db, caller, report, content(), stage=ReportStage.INTERMEDIATE
    )
    assert intermediate.series_id == report.series_id
    with pytest.raises(ReportInvalid) as raised:
        services.file_follow_up(db, caller, report, content(), stage=ReportStage.FINAL)
    assert "classification.root_cause" in raised.value.problems
    final = services.file_follow_up(
        db,
        caller,
        intermediate,
        content(classification={**INITIAL, **FINAL_ADDITIONS}),
        stage=ReportStage.FINAL,
    )
    assert [r.stage for r in report.series.reports] == [
        ReportStage.INITIAL,
        ReportStage.INTERMEDIATE,
        ReportStage.FINAL,
    ]
    with pytest.raises(ReportInvalid) as raised:
        services.file_follow_up(db, caller, final, content(), stage=ReportStage.INTERMEDIATE)
    assert "stage" in raised.value.problems
    assert "report.follow_up" in actions(db)


def test_withdrawal_leaves_a_tombstone(db: Session, caller: Caller) -> None:
    report = services.file_report(db, caller, content())
    with pytest.raises(ReportInvalid):
        services.withdraw(db, caller, report, reason="")
    services.withdraw(db, caller, report, reason="Filed twice")
    assert report.state is ReportState.WITHDRAWN
    assert report.withdrawal_reason == "Filed twice"
    assert db.get(Report, report.id) is report
    with pytest.raises(services.ReportStateError):
        services.withdraw(db, caller, report, reason="again")
    with pytest.raises(services.ReportStateError):
        services.amend(db, caller, report, content(), reason="late")
    with pytest.raises(services.ReportStateError):
        services.file_follow_up(db, caller, report, content(), stage=ReportStage.FINAL)


def test_filing_needs_a_user(db: Session) -> None:
    with pytest.raises(services.ReportStateError):
        services.file_report(db, Caller.command_line(), content())


def test_reads_by_outsiders_are_audited_and_hidden_reports_are_missing(
    db: Session, caller: Caller, make_user
) -> None:
    report = services.file_report(db, caller, content())
    assert report.reference is not None
    analyst = make_user(Role.ANALYST)
    stranger = make_user(Role.REPORTER, organization=factories.OrganizationFactory())
    assert report_for(db, analyst, report.reference) is report
    assert report_for(db, stranger, report.reference) is None
    assert report_for(db, caller.principal, "RPT-1999-00001") is None
    services.note_read(db, Caller(analyst, "web"), report)
    services.note_read(db, caller, report)
    assert actions(db).count("report.read") == 1
    draft = services.save_draft(db, caller, ReportContent(title="x"))
    assert report_for(db, caller.principal, f"draft-{draft.id}") is draft
    assert report_for(db, analyst, f"draft-{draft.id}") is None
    assert report_for(db, caller.principal, f"draft-{report.id}") is None


def test_the_organisations_list_filters_and_pages(db: Session, caller: Caller) -> None:
    nis2 = {**INITIAL, "regulatory_regimes": ["nis2_art23"]}  # notification due 3 days in
    due = services.file_report(db, caller, content(title="Due soon", classification=nis2))
    services.file_report(
        db,
        caller,
        content(
            title="Green one", tlp="green", classification={**INITIAL, "regulatory_regimes": []}
        ),
    )
    services.save_draft(db, caller, ReportContent(title="A draft"))
    assert caller.principal is not None
    organization_id = caller.principal.organization_id
    before_notification = datetime(2026, 11, 5, tzinfo=UTC)
    after_notification = datetime(2026, 11, 12, tzinfo=UTC)

    def titles(filters: ReportFilters, at: datetime = before_notification) -> set[str]:
        rows, total = organization_reports(db, organization_id, filters, now=at)
        assert total == len(rows)
        return {row.title for row in rows}

    assert titles(ReportFilters()) == {"Due soon", "Green one", "A draft"}
    assert titles(ReportFilters(state=ReportState.DRAFT)) == {"A draft"}
    assert titles(ReportFilters(stage=ReportStage.INITIAL, tlp=due.tlp)) == {"Due soon"}
    assert titles(ReportFilters(text="green")) == {"Green one"}
    assert titles(ReportFilters(deadline="due_soon")) == {"Due soon"}
    assert titles(ReportFilters(deadline="overdue")) == set()
    assert titles(ReportFilters(deadline="overdue"), after_notification) == {"Due soon"}
    rows, total = organization_reports(
        db, organization_id, ReportFilters(), now=before_notification, per_page=2
    )
    assert (len(rows), total) == (2, 3)
    # The notification, once filed, meets the overdue deadline: the filter agrees.
    services.file_follow_up(
        db,
        caller,
        due,
        content(title="Notification", classification=nis2),
        stage=ReportStage.INTERMEDIATE,
    )
    assert titles(ReportFilters(deadline="overdue"), after_notification) == set()


def test_open_deadlines_follow_the_series(db: Session, caller: Caller) -> None:
    nis2 = {**INITIAL, "regulatory_regimes": ["nis2_art23"]}
    report = services.file_report(db, caller, content(classification=nis2))
    assert [d.obligation for d in open_deadlines(report)] == ["intermediate", "final"]
    notice = next_deadline(report, datetime(2026, 11, 5, tzinfo=UTC))
    assert notice is not None
    assert (notice.deadline.obligation, notice.state) == ("intermediate", "due_soon")
    follow_up = services.file_follow_up(
        db, caller, report, content(classification=nis2), stage=ReportStage.INTERMEDIATE
    )
    assert open_deadlines(report) == []
    assert [d.obligation for d in open_deadlines(follow_up)] == ["final"]
    final = services.file_follow_up(
        db,
        caller,
        follow_up,
        content(classification={**nis2, **FINAL_ADDITIONS}),
        stage=ReportStage.FINAL,
    )
    assert open_deadlines(final) == []
    assert next_deadline(final, datetime(2026, 11, 5, tzinfo=UTC)) is None


def test_deadline_status_for_the_dashboard(db: Session, caller: Caller) -> None:
    report = services.file_report(db, caller, content())
    [deadline] = [d for d in report.deadlines if d.binding]
    due = deadline.due_at
    assert due is not None
    assert status_of(deadline, due - timedelta(days=10)).state == "upcoming"
    assert status_of(deadline, due - timedelta(days=1)).state == "due_soon"
    assert status_of(deadline, due + timedelta(seconds=1)).state == "overdue"
    deadline.due_at = None
    assert status_of(deadline, due).state == "waiting"


def test_many_reports_are_filed_together_each_checked_on_its_own(
    db: Session, caller: Caller
) -> None:
    contents = [content(title="One"), content(title=""), content(title="Three")]
    results = file_reports(db, caller, contents)
    first, refused, third = results
    assert isinstance(refused, ReportInvalid)
    assert "title" in refused.problems
    assert isinstance(first, Report)
    assert isinstance(third, Report)
    assert first.reference is not None
    assert third.reference is not None
    assert int(third.reference[-5:]) == int(first.reference[-5:]) + 1
    assert {first.title, third.title} == set(db.scalars(sa.select(Report.title)))
    assert first.deadlines
    assert third.revisions[0].content_hash == third.content_hash
    assert actions(db).count("report.submit") == 2
    assert file_reports(db, caller, []) == []
