"""Importing public coverage as public-source reports (no Flask).

Each item is checked and filed on its own (a SAVEPOINT per item) through
``reports.services.file_public_source``, so an import applies the report rules and the
outbox places every item in incidents like any filed report. An item whose address or public
database id is already stored is not filed again: the result says which report has it.
Bad items are reported with their line and field, never raised.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

import taxonomy
from incidents.audit.services import record
from incidents.refusals import Forbidden, Invalid, Problems
from incidents.reports.content import MAX_TITLE, ReportContent
from incidents.reports.models import Report
from incidents.reports.services import PublicSource, file_public_source
from incidents.security.caller import Caller
from incidents.security.permissions import Permission
from incidents.security.policy import has_permission
from incidents.sources.formats import FIELDS, LINE, Entry, Item, Unreadable

#: Who imports public coverage: the analysts and editors who triage duplicates.
IMPORT_PERMISSION = Permission.DEDUP_TRIAGE
MAX_OUTLET = 300
MAX_SOURCE_ID = 100
#: An item given only a text is titled with its beginning, cut at a word.
DERIVED_TITLE = 120


class Status:
    IMPORTED = "imported"
    ALREADY_IMPORTED = "already_imported"
    INVALID = "invalid"


@dataclass(frozen=True)
class Outcome:
    """What became of one item: imported (its new report), already imported (the report
    that has it) or invalid (its problems, field → messages)."""

    line: int
    status: str
    reference: str | None = None
    problems: Problems = field(default_factory=dict)
    file: str = ""

    @property
    def where(self) -> str:
        return f"{self.file} line {self.line}" if self.file else f"line {self.line}"


@dataclass
class ImportResult:
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for outcome in self.outcomes if outcome.status == status)

    @property
    def imported(self) -> int:
        return self.count(Status.IMPORTED)

    @property
    def already_imported(self) -> int:
        return self.count(Status.ALREADY_IMPORTED)

    @property
    def failed(self) -> int:
        return self.count(Status.INVALID)


def check_importer(caller: Caller) -> None:
    """Raise Forbidden unless ``caller`` is an analyst or editor (who triage duplicates)."""
    if not has_permission(caller.principal, IMPORT_PERMISSION):
        raise Forbidden("Only analysts import public sources.")


def import_sources(
    session: Session,
    caller: Caller,
    entries: Iterable[Entry],
    *,
    origin: str,
    on_item: Callable[[Outcome], None] | None = None,
    commit_every: int | None = None,
) -> ImportResult:
    """Import ``entries`` (read from ``origin``: a format name) as public-source reports of
    ``caller``'s institute, and audit the import. Needs :data:`IMPORT_PERMISSION` (raises
    Forbidden). ``on_item`` is told each outcome (a progress bar); with ``commit_every`` the
    work is committed every that many items (a command owning its session), else only
    flushed for the caller to commit.
    """
    check_importer(caller)
    result = ImportResult()
    for entry in entries:
        outcome = _import_entry(session, caller, entry)
        result.outcomes.append(outcome)
        if on_item is not None:
            on_item(outcome)
        if commit_every and len(result.outcomes) % commit_every == 0:
            session.commit()
    record(
        session,
        caller,
        "sources.import",
        subject_type="sources",
        subject_ref=origin,
        imported=result.imported,
        already_imported=result.already_imported,
        failed=result.failed,
    )
    if commit_every:
        session.commit()
    return result


def _import_entry(session: Session, caller: Caller, entry: Entry) -> Outcome:
    if isinstance(entry, Unreadable):
        return Outcome(entry.line, Status.INVALID, problems=entry.problems, file=entry.file)
    try:
        content, source = parse_item(entry)
    except Invalid as error:
        return Outcome(entry.line, Status.INVALID, problems=error.problems, file=entry.file)
    existing = already_imported(session, source)
    if existing is not None:
        return Outcome(entry.line, Status.ALREADY_IMPORTED, existing.reference, file=entry.file)
    try:
        with session.begin_nested():
            report = file_public_source(session, caller, content, source)
    except Invalid as error:
        problems = {_item_path(path): messages for path, messages in error.problems.items()}
        return Outcome(entry.line, Status.INVALID, problems=problems, file=entry.file)
    except IntegrityError:  # filed meanwhile by a concurrent import
        found = already_imported(session, source)
        if found is None:
            raise
        return Outcome(entry.line, Status.ALREADY_IMPORTED, found.reference, file=entry.file)
    return Outcome(entry.line, Status.IMPORTED, report.reference, file=entry.file)


def already_imported(session: Session, source: PublicSource) -> Report | None:
    """The public-source report with ``source``'s address or public database id, if any."""
    same: list[sa.ColumnElement[bool]] = []
    if source.url:
        same.append(Report.source_url == source.url)
    if source.source_id:
        same.append(Report.source_id == source.source_id)
    if not same:
        return None
    query = sa.select(Report).where(Report.is_public_source.is_(True), sa.or_(*same))
    return session.scalars(query.order_by(Report.id).limit(1)).first()


def _item_path(path: str) -> str:
    """A report problem's path as the item names the field."""
    if path.startswith("classification."):
        return path.removeprefix("classification.")
    if path.startswith("references"):
        return "references" if path == "references" else path
    return "text" if path == "description" else path


# --- one item -------------------------------------------------------------------------------


def parse_item(item: Item) -> tuple[ReportContent, PublicSource]:
    """The report content and source of ``item``; raises Invalid with every problem."""
    values, problems = dict(item.values), {}
    tax = taxonomy.load()
    unknown = sorted(k for k in values if k not in FIELDS and not tax.has_dimension(k))
    for name in unknown:
        problems[name] = ["Not a field of a public-source item or of the taxonomy."]
    title = _text(values, "title", problems)
    text = _text(values, "text", problems) or _text(values, "description", problems)
    if not title and not text:
        problems[LINE] = ["Give a title or a text."]
    if len(title) > MAX_TITLE:
        problems["title"] = [f"Keep the title under {MAX_TITLE} characters."]
    url = _url(values, problems)
    references = _references(values, url, problems)
    published_on = _date(values, "published_on", problems)
    outlet = _bounded(values, "outlet", MAX_OUTLET, problems)
    source_id = _bounded(values, "source_id", MAX_SOURCE_ID, problems)
    classification = {
        key: _taxonomy_value(tax, key, value)
        for key, value in values.items()
        if key not in FIELDS and key not in unknown
    }
    if problems:
        raise Invalid(problems)
    content = ReportContent(
        title=title or _derived_title(text),
        description=text,
        taxonomy_version=tax.version,
        classification=classification,
        references=tuple(references),
    )
    return content, PublicSource(url, outlet or _outlet(url), published_on, source_id)


def _text(values: Mapping[str, Any], name: str, problems: Problems) -> str:
    value = values.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        problems[name] = ["Give text."]
        return ""
    return value.strip()


def _bounded(values: Mapping[str, Any], name: str, limit: int, problems: Problems) -> str | None:
    value = values.get(name)
    if value is None or value == "":
        return None
    if not isinstance(value, str | int) or isinstance(value, bool) or len(str(value)) > limit:
        problems[name] = [f"Give text of at most {limit} characters."]
        return None
    return str(value).strip() or None


def _url(values: Mapping[str, Any], problems: Problems) -> str | None:
    value = values.get("url")
    if value is None or value == "":
        listed = values.get("references")
        value = listed[0] if isinstance(listed, list) and listed else None
        if value is None:
            return None
    if not isinstance(value, str):
        problems["url"] = ["Give a web address (http or https)."]
        return None
    normal = normal_url(value)
    if normal is None:
        problems["url"] = [f"{value[:80]!r} is not a web address (http or https)."]
    return normal


def normal_url(url: str) -> str | None:
    """``url`` as stored and compared (scheme and host in lower case, no fragment, no
    trailing slash); None when it is not an http(s) address."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or len(url) > 2000:
        return None
    path = parts.path.rstrip("/") if parts.path != "/" else ""
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, parts.query, ""))


def _references(values: Mapping[str, Any], url: str | None, problems: Problems) -> list[str]:
    listed = values.get("references", [])
    if isinstance(listed, str):
        listed = [part for part in listed.split() if part]
    if not isinstance(listed, list) or not all(isinstance(each, str) for each in listed):
        problems["references"] = ["Give a list of web addresses."]
        return []
    found = [url] if url else []
    for each in listed:
        normal = normal_url(each) or each
        if normal not in found:
            found.append(normal)
    return found


def _date(values: Mapping[str, Any], name: str, problems: Problems) -> date | None:
    value = values.get(name)
    if value is None or value == "":
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        problems[name] = [f"{str(value)[:40]!r} is not a date (YYYY-MM-DD)."]
        return None


def _derived_title(text: str) -> str:
    first = text.split("\n", 1)[0].strip()
    if len(first) <= DERIVED_TITLE:
        return first
    return first[:DERIVED_TITLE].rsplit(" ", 1)[0] + "…"


def _outlet(url: str | None) -> str | None:
    if url is None:
        return None
    host = urlsplit(url).netloc
    return host.removeprefix("www.") or None


_TRUE = {"true", "yes", "1"}
_FALSE = {"false", "no", "0"}


def _taxonomy_value(tax: taxonomy.Taxonomy, key: str, value: Any) -> Any:
    """``value`` of dimension ``key`` as the taxonomy takes it: text from a CSV cell read as
    a list (``;``-separated), a boolean or a number where the dimension is one. Anything
    else is left for the taxonomy's own checks to name."""
    found = tax.field_at(key)
    if found is None:
        return value
    if isinstance(value, dict):
        return {part: _taxonomy_value(tax, f"{key}.{part}", each) for part, each in value.items()}
    if not isinstance(value, str):
        return value
    if found.kind == "multi":
        return [part.strip() for part in value.split(";") if part.strip()]
    if found.kind == "boolean" and value.lower() in _TRUE | _FALSE:
        return value.lower() in _TRUE
    if found.kind == "number":
        try:
            return int(value)
        except ValueError:
            return value
    return value
