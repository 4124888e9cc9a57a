"""bench/data/dedup_company_streams.json: the format of the shared sets, valid taxonomy values,
every report fileable as it stands, and the file is what bench/company_streams_gen.py writes."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from incidents.reports.content import ReportContent, check_content
from tests.bench import bench_module

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT / "bench" / "data" / "dedup_company_streams.json"
KEYS = {
    "report_key",
    "submitter_kind",
    "title",
    "description",
    "occurred_on",
    "aware_on",
    "ai_system",
    "countries",
    "sector",
    "harm_types",
    "event_class",
}


def _reports() -> list[dict[str, Any]]:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    return [r for e in data["events"] for r in e["reports"]]


def test_format_and_size() -> None:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    assert set(data) == {"description", "version", "events"}
    reports = _reports()
    assert len(data["events"]) >= 50
    assert len(reports) >= 100
    assert len({r["report_key"] for r in reports}) == len(reports)
    for report in reports:
        assert KEYS <= set(report) <= KEYS | {"references"}
        occurred = dt.date.fromisoformat(report["occurred_on"])
        assert dt.date.fromisoformat(report["aware_on"]) >= occurred
    labelled = bench_module("dedup_data").load(DATA)
    assert len(labelled) == len(reports)


@pytest.mark.parametrize("report", _reports(), ids=lambda r: r["report_key"])
def test_every_report_is_fileable_as_written(report: dict[str, Any]) -> None:
    """The replay's classification keeps every given value (none is refused by the taxonomy)
    and the filed content has no problem."""
    classification = bench_module("dedup_eval").classification(report)
    assert classification["sector"] == report["sector"]
    assert classification["event_class"] == report["event_class"]
    assert classification["harm_type"] == report["harm_types"]
    assert classification["countries"] == report["countries"]
    assert classification["occurred_on"] == report["occurred_on"]
    assert classification["submitter_relation"] == report["submitter_kind"]
    for part, value in report["ai_system"].items():
        assert classification["ai_system"][part] == value
    content = ReportContent(
        title=report["title"],
        description=report["description"],
        tlp="green",
        taxonomy_version="1.0.0",
        classification=classification,
        references=tuple(report.get("references") or ()),
    )
    assert check_content(content, stage="initial", known_recipients=(), complete=True) == {}


def test_file_is_what_the_generator_writes() -> None:
    built = bench_module("company_streams_gen").build()
    assert json.loads(DATA.read_text(encoding="utf-8")) == built
