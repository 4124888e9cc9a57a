"""Searching for a caller, and keeping the index in step with the database.

Every report hit is re-checked against the database before it is shown (readable by the
caller, still submitted, still in the incident the index says); what fails is dropped and
named in ``SearchResult.stale`` so the caller can re-queue it. Incident texts are re-checked
against the incident (still there, not merged, visible to the caller).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

import sqlalchemy as sa
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein
from sqlalchemy.orm import Session, selectinload

from incidents.registry.models import Incident, IncidentLink, IncidentStatus
from incidents.registry.queries import visible_incidents
from incidents.reports.models import Report, ReportState
from incidents.search.backend import Backend, Lookup, Match, SearchTimedOut
from incidents.search.documents import (
    PUBLIC,
    Document,
    PublicDocument,
    report_document,
)
from incidents.search.query import Query, parse, tokens
from incidents.search.request import SearchRequest
from incidents.search.results import Hit, SearchResult, Subject, snippet
from incidents.security.policy import Principal
from incidents.security.scope import can_read_report, scope_of


class NoteSource(Protocol):
    """Analyst-written incident text, one document per distribution."""

    def for_incident(self, session: Session, incident: Incident) -> list[Document]: ...

    def all(self, session: Session) -> Iterator[Document]: ...


@dataclass(frozen=True)
class Indexed:
    stored: int
    removed: int


@dataclass(frozen=True)
class Drift:
    id: str
    kind: str  # "missing" | "extra" | "stale"


# -- searching ------------------------------------------------------------------------------


def search(
    session: Session,
    backend: Backend,
    principal: Principal | None,
    request: SearchRequest,
    *,
    timeout: float = 1.0,
) -> SearchResult:
    """One page of what ``principal`` may read that matches ``request``, with facet counts
    (over readable documents only) and a "did you mean" for misspelt words."""
    keys = scope_of(principal).keys
    if not keys:
        return SearchResult(total=0, page=request.page, per_page=request.per_page, hits=[])
    return _searched(
        backend,
        request,
        keys,
        timeout,
        lambda matches: _recheck(session, principal, matches, request.query),
    )


def search_public(
    backend: Backend, request: SearchRequest, *, timeout: float = 1.0
) -> SearchResult:
    """The public tier's search: published summaries only (its own index)."""

    def shown(matches: Sequence[Match]) -> tuple[list[Hit], list[Subject]]:
        hits = [
            Hit(
                reference=match.reference,
                kind="public",
                title=match.title,
                snippet=snippet(match.excerpt, request.query),
                score=match.score,
            )
            for match in matches
        ]
        return hits, []

    return _searched(backend, request, frozenset({PUBLIC}), timeout, shown)


def _searched(
    backend: Backend,
    request: SearchRequest,
    keys: frozenset[str],
    timeout: float,
    shown: Callable[[Sequence[Match]], tuple[list[Hit], list[Subject]]],
) -> SearchResult:
    """Look ``request`` up among documents open to ``keys`` within ``timeout`` seconds;
    ``shown`` turns the matches into hits (and the stale entries it found)."""
    deadline = time.monotonic() + timeout
    try:
        matches = backend.lookup(_lookup(request, keys, deadline))
    except SearchTimedOut:
        return SearchResult(
            total=0, page=request.page, per_page=request.per_page, hits=[], timed_out=True
        )
    hits, stale = shown(matches.hits)
    suggestion = _suggest(backend, request, keys, deadline) if matches.total == 0 else None
    return SearchResult(
        total=matches.total,
        page=request.page,
        per_page=request.per_page,
        hits=hits,
        facets=matches.facets,
        suggestion=suggestion,
        total_exact=matches.total_exact,
        stale=stale,
    )


def _lookup(request: SearchRequest, keys: frozenset[str], deadline: float) -> Lookup:
    return Lookup(
        root=request.query.root,
        keys=keys,
        filters=request.filters,
        date_from=request.date_from,
        date_to=request.date_to,
        sort=request.sort,
        offset=request.offset,
        limit=request.per_page,
        group=request.group,
        facets=request.facets,
        deadline=deadline,
    )


def _recheck(
    session: Session, principal: Principal | None, matches: Sequence[Match], query: Query
) -> tuple[list[Hit], list[Subject]]:
    report_ids = [match.subject_id for match in matches if match.kind == "report"]
    reports = {
        report.id: report
        for report in session.scalars(
            sa.select(Report)
            .where(Report.id.in_(report_ids))
            .options(selectinload(Report.recipients))
        )
    }
    placed: set[tuple[int, str]] = set()
    if report_ids:
        placed = {
            (report_id, reference)
            for report_id, reference in session.execute(
                sa.select(IncidentLink.report_id, Incident.reference)
                .join(Incident, Incident.id == IncidentLink.incident_id)
                .where(
                    IncidentLink.report_id.in_(report_ids),
                    IncidentLink.removed_at.is_(None),
                    Incident.status != IncidentStatus.MERGED,
                )
            )
        }
    incident_refs = [match.reference for match in matches if match.kind == "incident"]
    incidents: dict[str, int] = {}
    if incident_refs:
        incidents = {
            reference: incident_id
            for incident_id, reference in session.execute(
                sa.select(Incident.id, Incident.reference).where(
                    Incident.reference.in_(incident_refs),
                    Incident.status != IncidentStatus.MERGED,
                    Incident.id.in_(visible_incidents(session, principal)),
                )
            )
        }
    hits: list[Hit] = []
    stale: list[Subject] = []
    for match in matches:
        if match.kind == "report":
            report = reports.get(match.subject_id)
            if (
                report is None
                or report.state is not ReportState.SUBMITTED
                or not can_read_report(principal, report)
                or (match.incident and (report.id, match.incident) not in placed)
            ):
                stale.append(Subject("report", match.subject_id))
                continue
            hits.append(
                Hit(
                    reference=report.reference or "",
                    kind="report",
                    title=report.title,
                    snippet=snippet(report.description or report.title, query),
                    incident=match.incident or None,
                    submitted_at=report.submitted_at,
                    distribution=report.tlp.value,
                    reports=match.group_size,
                    score=match.score,
                )
            )
        else:
            incident_id = incidents.get(match.reference)
            if incident_id is None:
                continue  # merged away or no longer visible: its texts are re-indexed
            hits.append(
                Hit(
                    reference=match.reference,
                    kind="incident",
                    title=match.title,
                    snippet=snippet(match.excerpt or match.title, query),
                    incident=match.reference,
                    reports=match.group_size,
                    score=match.score,
                )
            )
    return hits, stale


def _suggest(
    backend: Backend, request: SearchRequest, keys: frozenset[str], deadline: float
) -> str | None:
    """The query with misspelt words replaced by close indexed words, offered only when it
    finds something the caller may read (so it never reveals a word of a hidden text)."""
    words = [word for word in request.query.terms() if len(word) >= 4]
    if not words:
        return None
    try:
        unknown = [word for word in words if backend.doc_freq(word) == 0]
        if not unknown:
            return None
        vocabulary = backend.vocabulary()
        known = [term for term, _ in vocabulary]
        frequency = dict(vocabulary)
        text = request.query.text
        for word in unknown:
            close = process.extract(
                word, known, scorer=Levenshtein.distance, score_cutoff=2, limit=20
            )
            if not close:
                continue
            best = min(close, key=lambda found: (found[1], -frequency.get(found[0], 0), found[0]))
            text = _replace(text, word, best[0])
        if text == request.query.text:
            return None
        corrected = parse(text)
        if corrected.root is None or time.monotonic() > deadline:
            return None
        found = backend.lookup(Lookup(root=corrected.root, keys=keys, limit=1, deadline=deadline))
    except (SearchTimedOut, ValueError):
        return None
    return text if found.total else None


def _replace(text: str, word: str, replacement: str) -> str:
    out = []
    for chunk in text.split(" "):
        out.append(replacement if tokens(chunk) == [word] and chunk.isalpha() else chunk)
    return " ".join(out)


# -- indexing -------------------------------------------------------------------------------


def index_subjects(
    session: Session,
    backend: Backend,
    subjects: Sequence[Subject],
    *,
    notes: NoteSource | None = None,
) -> Indexed:
    """Bring the index in step with the database for ``subjects`` (after their commit).

    A report is stored while submitted and removed otherwise; an incident's texts are
    replaced (removed once merged away), and its reports are re-indexed since the incident
    each belongs to may have changed.
    """
    report_ids = {subject.id for subject in subjects if subject.kind == "report"}
    incident_docs: list[Document] = []
    cleared: list[str] = []
    for subject in subjects:
        if subject.kind != "incident":
            continue
        incident = session.get(Incident, subject.id)
        if incident is None:
            continue
        report_ids |= set(
            session.scalars(
                sa.select(IncidentLink.report_id).where(IncidentLink.incident_id == incident.id)
            )
        )
        cleared.append(incident.reference)
        if notes is not None and not incident.is_tombstone:
            incident_docs.extend(notes.for_incident(session, incident))
    docs, removed = _report_docs(session, sorted(report_ids))
    backend.add([*docs, *incident_docs], remove=removed, clear_incidents=cleared)
    return Indexed(stored=len(docs) + len(incident_docs), removed=len(removed))


def _report_docs(
    session: Session, report_ids: Sequence[int], *, release: bool = False
) -> tuple[list[Document], list[str]]:
    """The documents of ``report_ids`` and the ids of those to remove. With ``release``,
    reports this call loaded leave the session afterwards (a rebuild reads them all)."""
    docs: list[Document] = []
    removed: list[str] = []
    if not report_ids:
        return docs, removed
    held = {each.id for each in session.identity_map.values() if isinstance(each, Report)}
    reports = list(
        session.scalars(
            sa.select(Report)
            .where(Report.id.in_(report_ids))
            .options(selectinload(Report.recipients), selectinload(Report.deadlines))
        )
    )
    incident_of = _primary_incidents(session, [report.id for report in reports])
    found = {report.id for report in reports}
    removed.extend(f"report:{each}" for each in report_ids if each not in found)
    for report in reports:
        doc = report_document(report, incident_of.get(report.id))
        if doc is None:
            removed.append(f"report:{report.id}")
        else:
            docs.append(doc)
    if release:
        for report in reports:
            if report.id not in held:
                session.expunge(report)
    return docs, removed


def _primary_incidents(session: Session, report_ids: Sequence[int]) -> dict[int, str]:
    """Each report's first active incident (the one it is grouped under)."""
    found: dict[int, str] = {}
    if not report_ids:
        return found
    rows = session.execute(
        sa.select(IncidentLink.report_id, Incident.reference)
        .join(Incident, Incident.id == IncidentLink.incident_id)
        .where(
            IncidentLink.report_id.in_(report_ids),
            IncidentLink.removed_at.is_(None),
            Incident.status != IncidentStatus.MERGED,
        )
        .order_by(IncidentLink.id)
    )
    for report_id, reference in rows:
        found.setdefault(report_id, reference)
    return found


def expected_documents(
    session: Session,
    *,
    notes: NoteSource | None = None,
    batch: int = 1000,
    progress: Callable[[int, int], None] | None = None,
) -> Iterator[Document]:
    """Every document the analyst index should hold, read from the database in batches."""
    submitted = sa.select(Report.id).where(Report.state == ReportState.SUBMITTED)
    total = session.scalar(sa.select(sa.func.count()).select_from(submitted.subquery())) or 0
    ids = list(session.scalars(submitted.order_by(Report.id)))
    done = 0
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        docs, _ = _report_docs(session, chunk, release=True)
        yield from docs
        done += len(chunk)
        if progress is not None:
            progress(done, total)
    if notes is not None:
        yield from notes.all(session)


def rebuild(
    session: Session,
    backend: Backend,
    progress: Callable[[int, int], None] | None = None,
    *,
    notes: NoteSource | None = None,
    batch: int = 1000,
) -> int:
    """Rebuild the analyst index from the database; return how many documents it holds.
    ``progress(done, total)`` is called after each batch of reports."""
    return backend.rebuild(expected_documents(session, notes=notes, batch=batch, progress=progress))


def verify(session: Session, backend: Backend, *, notes: NoteSource | None = None) -> list[Drift]:
    """Compare index and database: documents missing from the index, extra in it, or stale
    (stored from content that has changed since). Empty when they agree."""
    stored = backend.digests()
    drift: list[Drift] = []
    seen: set[str] = set()
    for doc in expected_documents(session, notes=notes):
        seen.add(doc.id)
        digest = stored.get(doc.id)
        if digest is None:
            drift.append(Drift(doc.id, "missing"))
        elif digest != doc.digest:
            drift.append(Drift(doc.id, "stale"))
    drift.extend(Drift(each, "extra") for each in sorted(stored) if each not in seen)
    return drift


# -- the public tier ------------------------------------------------------------------------


def publish(public_backend: Backend, docs: Sequence[PublicDocument]) -> None:
    """Store published summaries in the public tier (replacing earlier versions)."""
    public_backend.add([doc.document() for doc in docs])


def unpublish(public_backend: Backend, public_references: Sequence[str]) -> None:
    """Remove withdrawn summaries from the public tier."""
    public_backend.add([], remove=[f"public:{reference}" for reference in public_references])


def rebuild_public(public_backend: Backend, published: Iterable[PublicDocument]) -> int:
    """Replace the public tier with the ``published`` summaries (every one that is public
    now); return how many it holds."""
    return public_backend.rebuild(doc.document() for doc in published)


def verify_public(public_backend: Backend, published: Iterable[PublicDocument]) -> list[Drift]:
    """Compare the public tier with the ``published`` summaries: documents missing from it,
    extra in it (e.g. a withdrawn summary still found) or stale. Empty when they agree."""
    expected = {doc.id: doc.digest for doc in (each.document() for each in published)}
    stored = public_backend.digests()
    drift = [
        Drift(id_, "missing" if id_ not in stored else "stale")
        for id_, digest in expected.items()
        if stored.get(id_) != digest
    ]
    drift += [Drift(id_, "extra") for id_ in stored if id_ not in expected]
    return sorted(drift, key=lambda each: each.id)
