"""``flask sources import``: public coverage as public-source reports, in each format."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from incidents.accounts.models import User
from incidents.audit.models import AuditEvent
from incidents.placement.facts import facts_of
from incidents.reports.models import Report, ReportState, Tlp
from incidents.security.permissions import Role
from tests.functional.sources.conftest import DATA, Run


def public_sources(db: Session) -> list[Report]:
    query = sa.select(Report).where(Report.is_public_source.is_(True)).order_by(Report.id)
    return list(db.scalars(query))


def test_jsonl_items_become_public_source_reports(run: Run, db: Session, analyst: User) -> None:
    result = run(str(DATA / "news.jsonl"), "--format", "jsonl", "--as", analyst.email)
    assert result.exit_code == 0, result.output
    assert result.stdout == "Imported 3 items, 0 already imported, 0 failed.\n"
    assert "Importing" in result.stderr
    sepsis, chatbot, robot = public_sources(db)
    assert sepsis.state is ReportState.SUBMITTED
    assert sepsis.reference is not None
    assert sepsis.reference.startswith("RPT-")
    assert sepsis.tlp is Tlp.CLEAR
    assert sepsis.recipients == []
    assert sepsis.deadlines == []
    assert sepsis.source_url == "https://www.healthwire.example/2025/09/21/sepsis-alert-tool-quiet"
    assert sepsis.source_outlet == "Health Wire"
    assert sepsis.published_on == dt.date(2025, 9, 21)
    assert sepsis.occurred_on is None  # the publication date is not the event's
    assert sepsis.classification == {"countries": ["GB"]}
    assert sepsis.references == [sepsis.source_url]
    assert chatbot.description == ""
    assert chatbot.source_outlet == "citydesk.example"  # from the address when not given
    # Only a text: the title is its beginning; the first reference is its address.
    assert robot.title.startswith("A delivery robot blocked an ambulance")
    assert robot.source_url == "https://www.localpost.example/robot-ambulance"
    assert robot.classification == {"ai_system": {"name": "Trundle"}, "sector": "transport"}
    assert {r.author_id for r in (sepsis, chatbot, robot)} == {analyst.id}


def test_csv_columns_are_the_generic_fields(run: Run, db: Session, analyst: User) -> None:
    result = run(str(DATA / "news.csv"), "--format", "csv", "--as", analyst.email)
    assert result.exit_code == 0, result.output
    assert "Imported 2 items" in result.stdout
    face, voice = public_sources(db)
    assert face.title == "Face-matching app wrongly flags shopper as thief"
    assert "confused her with a suspect" in face.description  # a quoted cell over two lines
    assert face.classification == {"countries": ["GB", "IE"], "ai_system": {"developer": "Farrow"}}
    assert face.published_on == dt.date(2025, 4, 11)
    assert voice.description == ""
    assert voice.source_outlet == "techpulse.example"


def test_aiid_snapshot_reports_carry_their_incident_facts(
    run: Run, db: Session, analyst: User
) -> None:
    result = run(str(DATA / "aiid"), "--format", "aiid", "--as", analyst.email)
    assert result.exit_code == 0, result.output
    assert "Imported 3 items" in result.stdout
    rocks, apology, tickets = public_sources(db)
    assert rocks.source_id == "aiid:report:1001"
    assert rocks.title == "Quokka AI search tells users to eat rocks"
    assert rocks.description == "Quokka's AI search told users to eat a rock a day."  # plain
    assert rocks.source_outlet == "techpulse.example"
    assert rocks.published_on == dt.date(2024, 2, 15)
    # The incident's date is when the event occurred; its entities name the system's makers.
    assert rocks.occurred_on == dt.date(2024, 2, 14)
    assert rocks.classification["ai_system"] == {
        "deployer": "quokka search",
        "developer": "quokka labs",
    }
    cite = "https://incidentdatabase.ai/cite/101"
    assert rocks.references == [rocks.source_url, cite]
    assert apology.references == [apology.source_url, cite]
    assert tickets.classification["ai_system"] == {"deployer": "alisur"}
    assert tickets.references[-1] == "https://incidentdatabase.ai/cite/102"
    # Either file of the snapshot names it too.
    again = run(str(DATA / "aiid" / "reports.csv"), "--format", "aiid", "--as", analyst.email)
    assert "Imported 0 items, 3 already imported, 0 failed." in again.stdout


def test_dedup_facts_name_no_filer_and_no_event_date(run: Run, db: Session, analyst: User) -> None:
    run(str(DATA / "news.jsonl"), "--format", "jsonl", "--as", analyst.email)
    facts = facts_of(public_sources(db)[0])
    assert facts.is_public_source
    assert facts.organisation_id is None
    assert facts.series_key is None
    assert facts.published_on == dt.date(2025, 9, 21)
    assert facts.occurred_on is None


def test_importing_twice_stores_each_item_once(run: Run, db: Session, analyst: User) -> None:
    first = run(str(DATA / "news.jsonl"), "--format", "jsonl", "--as", analyst.email)
    assert first.exit_code == 0, first.output
    stored = [r.reference for r in public_sources(db)]
    second = run(str(DATA / "news.jsonl"), "--format", "jsonl", "--as", analyst.email)
    assert second.exit_code == 0, second.output
    assert second.stdout == "Imported 0 items, 3 already imported, 0 failed.\n"
    assert [r.reference for r in public_sources(db)] == stored


def test_the_same_address_written_differently_is_the_same_item(
    run: Run, db: Session, analyst: User, tmp_path: Path
) -> None:
    source = tmp_path / "same.jsonl"
    source.write_text(
        json.dumps({"title": "One", "url": "https://News.example/a/story/"})
        + "\n"
        + json.dumps({"title": "One again", "url": "https://news.example/a/story#comments"})
        + "\n",
        encoding="utf-8",
    )
    result = run(str(source), "--format", "jsonl", "--as", analyst.email)
    assert "Imported 1 items, 1 already imported, 0 failed." in result.stdout
    assert len(public_sources(db)) == 1


def test_bad_lines_are_reported_by_line_and_field_and_the_rest_imported(
    run: Run, db: Session, analyst: User, tmp_path: Path
) -> None:
    lines = [
        {"title": "Kept one", "url": "https://a.example/1"},
        '{"title": "broken", ',
        {"url": "https://a.example/no-title"},
        {"title": "Bad date", "published_on": "last Tuesday"},
        {"title": "Bad address", "url": "ftp://files.example/x"},
        {"title": "Unknown field", "severity": "high"},
        {"title": "Bad taxonomy value", "sector": "spaceflight"},
        "[1, 2]",
        {"title": "x" * 301},
        {"title": "Kept two", "published_on": "2025-01-02"},
    ]
    source = tmp_path / "news.jsonl"
    source.write_text(
        "".join((ln if isinstance(ln, str) else json.dumps(ln)) + "\n" for ln in lines),
        encoding="utf-8",
    )
    result = run(str(source), "--format", "jsonl", "--as", analyst.email)
    assert result.exit_code == 1
    assert result.stdout == "Imported 2 items, 0 already imported, 8 failed.\n"
    errors = result.stderr
    assert "line 2: line: Not JSON:" in errors
    assert "line 3: line: Give a title or a text." in errors
    assert "line 4: published_on: 'last Tuesday' is not a date (YYYY-MM-DD)." in errors
    assert "line 5: url: 'ftp://files.example/x' is not a web address" in errors
    assert "line 6: severity: Not a field of a public-source item" in errors
    assert "line 7: sector: " in errors
    assert "line 8: line: Each line must be one JSON object" in errors
    assert "line 9: title: Keep the title under 300 characters." in errors
    assert [r.title for r in public_sources(db)] == ["Kept one", "Kept two"]


def test_csv_errors_name_the_line_where_the_record_starts(
    run: Run, db: Session, analyst: User, tmp_path: Path
) -> None:
    source = tmp_path / "news.csv"
    source.write_text(
        'title,text,published_on\n"Two-line","first\nsecond",2025-01-01\nBad,,someday\n',
        encoding="utf-8",
    )
    result = run(str(source), "--format", "csv", "--as", analyst.email)
    assert result.exit_code == 1
    assert "line 4: published_on: 'someday' is not a date" in result.stderr
    assert [r.title for r in public_sources(db)] == ["Two-line"]


def test_aiid_report_without_a_number_is_refused_with_its_line(
    run: Run, db: Session, analyst: User, tmp_path: Path
) -> None:
    (tmp_path / "incidents.csv").write_text("incident_id,date,reports\n", encoding="utf-8")
    (tmp_path / "reports.csv").write_text(
        "report_number,title,url\n,No number,https://a.example/x\n7,Numbered,https://a.example/7\n",
        encoding="utf-8",
    )
    result = run(str(tmp_path), "--format", "aiid", "--as", analyst.email)
    assert result.exit_code == 1
    assert "reports.csv line 2: report_number: Missing" in result.stderr
    assert [r.source_id for r in public_sources(db)] == ["aiid:report:7"]


def test_only_analysts_import(run: Run, db: Session, make_user) -> None:
    reporter = make_user(Role.REPORTER, email="reporter@acme.example")
    result = run(str(DATA / "news.jsonl"), "--format", "jsonl", "--as", reporter.email)
    assert result.exit_code == 1
    assert "Only analysts import public sources." in result.output
    assert public_sources(db) == []
    unknown = run(str(DATA / "news.jsonl"), "--format", "jsonl", "--as", "nobody@x.example")
    assert "No user has the e-mail" in unknown.output


def test_every_import_is_audited(run: Run, db: Session, analyst: User) -> None:
    run(str(DATA / "news.jsonl"), "--format", "jsonl", "--as", analyst.email)
    run(str(DATA / "news.jsonl"), "--format", "jsonl", "--as", analyst.email)
    events = db.scalars(
        sa.select(AuditEvent).where(AuditEvent.actor_user_id == analyst.id).order_by(AuditEvent.id)
    ).all()
    actions = [event.action for event in events]
    assert actions.count("report.import_public_source") == 3
    assert actions.count("sources.import") == 2
    runs = [event for event in events if event.action == "sources.import"]
    assert [e.subject_ref for e in runs] == ["jsonl:news.jsonl"] * 2
