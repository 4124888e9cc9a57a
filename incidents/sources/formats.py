"""Reading public coverage into items: generic JSON Lines, generic CSV, and the AI Incident
Database's snapshot (``incidents.csv`` + ``reports.csv``). Pure: no database, no Flask.

An item is a mapping of the generic field names (:data:`FIELDS`, plus taxonomy dimensions
such as ``countries`` or ``ai_system``) to values; a line that cannot be read is an
:class:`Unreadable` with its problems. Line numbers are those of the file (a CSV record
spanning lines is numbered by its first line).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

#: The generic fields of a public-source item (JSONL keys, CSV columns); every taxonomy
#: dimension id is accepted besides (CSV: ``ai_system.developer`` for a sub-field).
FIELDS = (
    "title",
    "text",
    "description",  # the same as text (the name company reports use)
    "url",
    "references",
    "outlet",
    "published_on",
    "source_id",
)
#: Where the problems of a line as a whole are filed.
LINE = "line"
#: The AI Incident Database's address of an incident (its citation page).
AIID_CITE = "https://incidentdatabase.ai/cite/{}"
AIID_DEPLOYER = "Alleged deployer of AI system"
AIID_DEVELOPER = "Alleged developer of AI system"


@dataclass(frozen=True)
class Item:
    """One item to import, as read (line ``line`` of ``file``)."""

    line: int
    values: Mapping[str, Any]
    file: str = ""


@dataclass(frozen=True)
class Unreadable:
    """A line that could not be read as an item: field → messages."""

    line: int
    problems: dict[str, list[str]] = field(default_factory=dict)
    file: str = ""


Entry = Item | Unreadable


def read_jsonl(lines: Iterable[str | bytes], file: str = "") -> Iterator[Entry]:
    """One entry per non-blank line of JSON Lines (each line one JSON object)."""
    for number, raw in enumerate(lines, start=1):
        try:
            text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        except UnicodeDecodeError as error:
            yield Unreadable(number, {LINE: [f"Not UTF-8 text: {error.reason}."]}, file)
            continue
        if not text.strip():
            continue
        try:
            data = json.loads(text)
        except (ValueError, RecursionError) as error:
            yield Unreadable(number, {LINE: [f"Not JSON: {error}."]}, file)
            continue
        if not isinstance(data, dict):
            yield Unreadable(number, {LINE: ["Each line must be one JSON object (an item)."]}, file)
            continue
        yield Item(number, data, file)


def read_items(items: Iterable[Any]) -> Iterator[Entry]:
    """Entries of JSON items already parsed (the API's ``items``), numbered from 1."""
    for number, data in enumerate(items, start=1):
        if isinstance(data, dict):
            yield Item(number, data)
        else:
            yield Unreadable(number, {LINE: ["Each item must be a JSON object."]})


def read_csv(text: str, file: str = "") -> Iterator[Entry]:
    """One entry per record of a CSV file whose header names the generic fields. Empty cells
    are left out; taxonomy values are read from text by :func:`incidents.sources.services`."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    header = next(reader, None)
    if header is None:
        return
    names = [name.strip() for name in header]
    start = reader.line_num + 1
    for row in reader:
        if any(cell.strip() for cell in row):
            if len(row) > len(names):
                yield Unreadable(
                    start, {LINE: [f"{len(row)} cells; the header has {len(names)}."]}, file
                )
            else:
                yield Item(start, _cells(names, row), file)
        start = reader.line_num + 1


def _cells(names: list[str], row: list[str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, cell in zip(names, row, strict=False):
        if cell.strip():
            parent, dot, child = name.partition(".")
            if dot:
                values.setdefault(parent, {})[child] = cell.strip()
            else:
                values[name] = cell.strip()
    return values


def read_aiid(incidents_csv: str, reports_csv: str) -> Iterator[Entry]:
    """One entry per report of an AI Incident Database snapshot, with the structured facts
    of the incident it belongs to: the incident's date (when the event occurred) and its
    alleged deployer and developer, and the incident's citation address as a reference (so
    reports the database grouped share it). Line numbers are those of ``reports.csv``."""
    incident_of: dict[str, dict[str, str]] = {}
    by_id: dict[str, dict[str, str]] = {}
    for row in csv.DictReader(io.StringIO(incidents_csv.lstrip("\ufeff"), newline="")):
        identifier = (row.get("incident_id") or "").strip()
        if identifier:
            by_id.setdefault(identifier, row)
        for number in _list(row.get("reports", "")):
            incident_of.setdefault(number, row)
    reader = csv.DictReader(io.StringIO(reports_csv.lstrip("\ufeff"), newline=""))
    start = 2
    for row in reader:
        yield _aiid_entry(start, row, incident_of, by_id)
        start = reader.line_num + 1


def _aiid_entry(
    line: int,
    row: Mapping[str, str | None],
    incident_of: Mapping[str, Mapping[str, str]],
    by_id: Mapping[str, Mapping[str, str]],
) -> Entry:
    number = (row.get("report_number") or "").strip()
    if not number:
        return Unreadable(
            line, {"report_number": ["Missing: every AIID report has a number."]}, "reports.csv"
        )
    values: dict[str, Any] = {"source_id": f"aiid:report:{number}"}
    text = (row.get("plain_text") or "").strip() or (row.get("text") or "").strip()
    for name, value in (
        ("title", row.get("title")),
        ("text", text),
        ("url", row.get("url")),
        ("outlet", row.get("source_domain")),
        ("published_on", (row.get("date_published") or "")[:10]),
    ):
        if value and value.strip():
            values[name] = value.strip()
    # The snapshot lists each incident's reports; older layouts name the incident in the report.
    incident = incident_of.get(number) or by_id.get((row.get("incident_id") or "").strip())
    if incident is not None:
        _incident_facts(values, incident)
    return Item(line, values, "reports.csv")


def _incident_facts(values: dict[str, Any], incident: Mapping[str, str]) -> None:
    date = (incident.get("date") or "")[:10]
    if date:
        values["occurred_on"] = date
        values["date_precision"] = "day"
    system = {
        part: ", ".join(_entity(name) for name in _list(incident.get(column, "")))
        for part, column in (("deployer", AIID_DEPLOYER), ("developer", AIID_DEVELOPER))
    }
    system = {part: name for part, name in system.items() if name}
    if system:
        values["ai_system"] = system
    identifier = (incident.get("incident_id") or "").strip()
    if identifier:
        values["references"] = [
            *([values["url"]] if "url" in values else []),
            AIID_CITE.format(identifier),
        ]


def _list(cell: str | None) -> list[str]:
    """A list cell of the snapshot: ``[1, 2]`` or ``["a", "b"]`` (JSON), else comma-separated."""
    text = (cell or "").strip()
    if not text:
        return []
    if text.startswith("["):
        try:
            found = json.loads(text)
        except ValueError:
            found = text.strip("[]").replace('"', "").replace("'", "").split(",")
        if isinstance(found, list):
            return [str(each).strip() for each in found if str(each).strip()]
    return [part.strip() for part in text.split(",") if part.strip()]


def _entity(slug: str) -> str:
    """An AIID entity id (``acme-robotics``) as a name (``acme robotics``)."""
    return " ".join(slug.replace("-", " ").split())
