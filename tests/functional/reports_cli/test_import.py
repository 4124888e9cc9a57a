"""``flask reports import``: many reports from JSON Lines, validated exactly like the API."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import Result
from flask import Flask
from sqlalchemy.orm import Session

from incidents.accounts.models import Organization, User
from incidents.audit.models import AuditEvent
from incidents.reports import bulk, services
from incidents.reports.content import ReportInvalid
from incidents.reports.models import Report, ReportState
from incidents.schemas import flatten
from incidents.security.permissions import Role
from tests import factories
from tests.reports_data import MINIMAL_INITIAL

CLASSIFICATION = MINIMAL_INITIAL


def body(title: str = "Assistant gave unsafe dosage advice", **changes: Any) -> dict[str, Any]:
    """A complete ``POST /api/v1/reports`` body; ``changes`` replace top-level fields."""
    return {
        "title": title,
        "description": "Several users received unsafe advice.",
        "distribution": {"tlp": "amber"},
        "classification": dict(CLASSIFICATION),
        **changes,
    }


def write_lines(path: Path, *lines: dict[str, Any] | str) -> Path:
    path.write_text(
        "".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines),
        encoding="utf-8",
    )
    return path


@pytest.fixture
def reporter(make_user) -> User:
    user: User = make_user(Role.REPORTER, email="first.reporter@acme.example")
    return user


@pytest.fixture
def run(app: Flask, db: Session):
    def invoke(*args: str) -> Result:
        return app.test_cli_runner().invoke(args=["reports", "import", *args])

    return invoke


def reports_of(db: Session, organization: Organization) -> list[Report]:
    query = sa.select(Report).where(Report.organization_id == organization.id).order_by(Report.id)
    return list(db.scalars(query))


def test_imports_every_line_as_the_first_reporter(
    run, db: Session, tmp_path: Path, company: Organization, reporter: User, institute
) -> None:
    source = write_lines(
        tmp_path / "reports.jsonl",
        body("First"),
        "",
        "   ",
        body("Second", distribution={"tlp": "red", "recipients": [institute.name]}),
        body("Third", state="draft", classification={"event_class": "ai_hazard"}),
    )
    result = run(str(source), "--org", company.name)
    assert result.exit_code == 0, result.output
    assert result.stdout == "Imported 3 reports, 0 failed.\n"
    assert "Importing" in result.stderr
    first, second, third = reports_of(db, company)
    assert [r.title for r in (first, second, third)] == ["First", "Second", "Third"]
    assert {r.author_id for r in (first, second, third)} == {reporter.id}
    assert first.state is ReportState.SUBMITTED
    assert first.reference is not None
    assert first.reference.startswith("RPT-")
    assert second.recipients == [institute]
    assert third.state is ReportState.DRAFT
    assert third.reference is None
    actions = db.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.actor_user_id == reporter.id)
    ).all()
    assert actions.count("report.submit") == 2
    assert {"cli"} == set(
        db.scalars(sa.select(AuditEvent.channel).where(AuditEvent.actor_user_id == reporter.id))
    )


def test_each_line_fails_on_its_own_with_field_paths(
    run, db: Session, tmp_path: Path, company: Organization, reporter: User
) -> None:
    source = write_lines(
        tmp_path / "reports.jsonl",
        body("Kept one"),
        '{"title": "broken", ',
        body("Unknown field", severity="high"),
        body("Bad label", distribution={"tlp": "purple"}),
        body("Red to nobody", distribution={"tlp": "red"}),
        body("Bad value", classification={**CLASSIFICATION, "sector": "spaceflight"}),
        body("Not a web address", references=["ftp://files.example/log"]),
        "[1, 2]",
        body("Kept two"),
    )
    result = run(str(source), "--org", company.name)
    assert result.exit_code == 1
    assert result.stdout == "Imported 2 reports, 7 failed.\n"
    errors = result.stderr
    assert "line 2: _schema: Not JSON:" in errors
    assert "line 3: severity: Unknown field; accepted: " in errors
    assert "line 4: distribution.tlp: Must be one of:" in errors
    assert "line 5: distribution.recipients: Name at least one recipient institute" in errors
    assert "line 6: classification.sector:" in errors
    assert "line 7: references[0]:" in errors
    assert "line 8: _schema: Each line must be one JSON object" in errors
    assert [r.title for r in reports_of(db, company)] == ["Kept one", "Kept two"]


def test_errors_file_holds_one_json_line_per_failed_line(
    run, tmp_path: Path, company: Organization, reporter: User
) -> None:
    source = write_lines(
        tmp_path / "reports.jsonl",
        body(title=""),
        body("Fine"),
        body("Bad reference", references=["nope", "https://ok.example/"]),
    )
    errors_file = tmp_path / "errors.jsonl"
    result = run(str(source), "--org", company.name, "--errors", str(errors_file))
    assert result.exit_code == 1
    records = [json.loads(line) for line in errors_file.read_text().splitlines()]
    assert records == [
        {"line": 1, "errors": {"title": ["Give the report a title."]}},
        {
            "line": 3,
            "errors": {"references[0]": ["'nope' is not a web address (http or https)."]},
        },
    ]


def test_taxonomy_problems_are_reported_per_dimension(
    run, tmp_path: Path, company: Organization, reporter: User
) -> None:
    incomplete = {k: v for k, v in CLASSIFICATION.items() if k != "countries"}
    source = write_lines(
        tmp_path / "r.jsonl",
        body(classification=incomplete),
        body(classification=incomplete, extra=True),
        body("Not a number", classification={**CLASSIFICATION, "harm_deaths": float("nan")}),
    )
    result = run(str(source), "--org", company.name)
    assert result.exit_code == 1
    assert "line 1: classification.countries:" in result.stderr
    # like the API, schema and taxonomy problems come together, not one layer at a time
    assert "line 2: extra: Unknown field; accepted: " in result.stderr
    assert "line 2: classification.countries:" in result.stderr
    assert "line 3: _schema: Not JSON: NaN is not a JSON number." in result.stderr


def test_user_option_files_as_that_user(
    run, db: Session, tmp_path: Path, company: Organization, reporter: User, make_user
) -> None:
    other = make_user(Role.REPORTER, email="second@acme.example")
    source = write_lines(tmp_path / "r.jsonl", body())
    result = run(str(source), "--org", company.name, "--user", "Second@Acme.example")
    assert result.exit_code == 0, result.output
    [report] = reports_of(db, company)
    assert report.author_id == other.id


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--org", "No Such Org"), "No organisation is called 'No Such Org'"),
        (("--org", "Acme Models", "--user", "ghost@acme.example"), "has no user with the e-mail"),
        (("--org", "Acme Models", "--user", "outsider@elsewhere.example"), "has no user"),
        (("--org", "Acme Models", "--user", "gone@acme.example"), "may not file reports"),
        (("--org", "Idle Corp"), "'Idle Corp' has no active reporter"),
    ],
)
def test_refuses_to_start_without_a_filer(
    run, db: Session, tmp_path: Path, company: Organization, make_user, args, message: str
) -> None:
    idle = factories.OrganizationFactory(name="Idle Corp")
    make_user(Role.REPORTER, organization=idle, email="gone@idle.example", is_active=False)
    make_user(Role.ORG_ADMIN, organization=idle, email="admin@idle.example")
    make_user(Role.REPORTER, organization=company, email="gone@acme.example", is_active=False)
    make_user(
        Role.REPORTER,
        organization=factories.OrganizationFactory(),
        email="outsider@elsewhere.example",
    )
    source = write_lines(tmp_path / "r.jsonl", body())
    result = run(str(source), *args)
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output
    assert reports_of(db, company) == []


def test_a_line_that_fails_midway_leaves_nothing_behind(
    run, db: Session, tmp_path: Path, company: Organization, reporter: User, monkeypatch
) -> None:
    real_file_report = services.file_report

    def fail_after_writing(session, caller, content):
        if content.title == "Doomed":
            services.save_draft(session, caller, content)  # rows and an audit event, flushed
            raise ReportInvalid({"title": ["Refused after writing."]})
        return real_file_report(session, caller, content)

    monkeypatch.setattr(bulk, "file_report", fail_after_writing)
    source = write_lines(tmp_path / "r.jsonl", body("Before"), body("Doomed"), body("After"))
    result = run(str(source), "--org", company.name)
    assert result.exit_code == 1
    assert "line 2: title: Refused after writing." in result.stderr
    assert [r.title for r in reports_of(db, company)] == ["Before", "After"]
    events = db.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.action.startswith("report."))
    ).all()
    assert sorted(events) == ["report.submit", "report.submit"]  # the doomed draft is gone


def test_a_crash_keeps_the_committed_batches_only(
    run, db: Session, tmp_path: Path, company: Organization, reporter: User, monkeypatch
) -> None:
    real_file_report = services.file_report

    def crash_on_fifth(session, caller, content):
        if content.title == "5":
            raise RuntimeError("disk on fire")
        return real_file_report(session, caller, content)

    monkeypatch.setattr(bulk, "file_report", crash_on_fifth)
    source = write_lines(tmp_path / "r.jsonl", *(body(str(n)) for n in range(1, 8)))
    result = run(str(source), "--org", company.name, "--batch-size", "2")
    assert result.exit_code == 1
    assert "Stopped at line 5: disk on fire" in result.output
    assert "4 reports were imported" in result.output
    assert [r.title for r in reports_of(db, company)] == ["1", "2", "3", "4"]


def test_many_failures_are_summarised_on_screen_and_complete_in_the_file(
    run, tmp_path: Path, company: Organization, reporter: User
) -> None:
    source = write_lines(tmp_path / "r.jsonl", *(["not json"] * 105))
    errors_file = tmp_path / "errors.jsonl"
    result = run(str(source), "--org", company.name, "--errors", str(errors_file))
    assert result.exit_code == 1
    assert result.stdout == "Imported 0 reports, 105 failed.\n"
    assert result.stderr.count("_schema: Not JSON") == 100
    assert f"... and 5 more failed lines (all in {errors_file})" in result.stderr
    assert len(errors_file.read_text().splitlines()) == 105


def test_non_utf8_line_is_that_lines_error(
    run, db: Session, tmp_path: Path, company: Organization, reporter: User
) -> None:
    source = tmp_path / "r.jsonl"
    source.write_bytes(json.dumps(body("Good")).encode() + b"\n" + b'{"title": "\xff"}\n')
    result = run(str(source), "--org", company.name)
    assert result.exit_code == 1
    assert "line 2: _schema: Not UTF-8 text" in result.stderr
    assert len(reports_of(db, company)) == 1


@pytest.mark.parametrize(
    ("messages", "problems"),
    [
        ({"distribution": {"tlp": ["Bad."]}}, {"distribution.tlp": ["Bad."]}),
        ({"references": {0: ["Too long."]}}, {"references[0]": ["Too long."]}),
        ({"_schema": ["Invalid input type."]}, {"_schema": ["Invalid input type."]}),
        ({"distribution": {"_schema": ["Odd."]}}, {"distribution": ["Odd."]}),
        ({"x": [{"y": ["Deep."]}]}, {"x.y": ["Deep."]}),
        ({"x": "Plain."}, {"x": ["Plain."]}),
    ],
)
def test_flatten_uses_the_services_field_paths(
    messages: dict[Any, Any], problems: dict[str, list[str]]
) -> None:
    assert flatten(messages) == problems


@pytest.mark.parametrize(
    "bad",
    [
        body(severity="high"),
        body(distribution={"tlp": "red", "recipients": ["Nowhere Institute"]}),
        body(classification={**CLASSIFICATION, "sector": "spaceflight", "countries": []}),
        body(title="", references=["mailto:someone@acme.example"], state="submitted"),
        body(distribution={"tlp": "purple"}, classification={"event_class": "ai_incident"}),
    ],
)
def test_a_line_fails_with_the_same_details_as_the_api(
    run, client, tmp_path: Path, company: Organization, reporter: User, bad: dict[str, Any]
) -> None:
    _token, secret = factories.ApiTokenFactory.with_secret(user=reporter)
    answer = client.post("/api/v1/reports", json=bad, headers={"Authorization": f"Bearer {secret}"})
    assert answer.status_code == 422
    errors_file = tmp_path / "errors.jsonl"
    result = run(
        str(write_lines(tmp_path / "r.jsonl", bad)),
        "--org",
        company.name,
        "--errors",
        str(errors_file),
    )
    assert result.exit_code == 1
    assert json.loads(errors_file.read_text())["errors"] == answer.json["details"]
