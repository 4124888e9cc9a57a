"""Reading public coverage: the AIID snapshot's layouts, CSV cells, JSON Lines."""

from __future__ import annotations

from incidents.sources.formats import Item, Unreadable, read_aiid, read_csv, read_jsonl


def test_aiid_reports_may_name_their_incident_instead_of_being_listed() -> None:
    incidents = 'incident_id,date,Alleged deployer of AI system\n7,2023-05-01,"acme, beta-corp"\n'
    reports = "report_number,incident_id,title,url\n70,7,Story,https://a.example/70\n71,,Alone,\n"
    first, second = read_aiid(incidents, reports)
    assert isinstance(first, Item)
    assert first.values["occurred_on"] == "2023-05-01"
    assert first.values["ai_system"] == {"deployer": "acme, beta corp"}
    assert first.values["references"] == [
        "https://a.example/70",
        "https://incidentdatabase.ai/cite/7",
    ]
    assert isinstance(second, Item)
    assert second.line == 3
    assert second.values == {"source_id": "aiid:report:71", "title": "Alone"}


def test_csv_sub_fields_and_bad_rows() -> None:
    text = "\ufefftitle,ai_system.name,ai_system.developer\nA,Bot,\nB,C,D,E\n\n"
    first, second = read_csv(text, "news.csv")
    assert isinstance(first, Item)
    assert first.values == {"title": "A", "ai_system": {"name": "Bot"}}
    assert isinstance(second, Unreadable)
    assert (second.line, second.file) == (3, "news.csv")
    assert second.problems == {"line": ["4 cells; the header has 3."]}
    assert list(read_csv("")) == []


def test_jsonl_lines_that_are_not_text() -> None:
    (entry,) = read_jsonl([b"\xff\xfe"])
    assert isinstance(entry, Unreadable)
    assert entry.problems["line"][0].startswith("Not UTF-8 text")
