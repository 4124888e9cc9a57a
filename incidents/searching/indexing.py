"""Keeping the search indexes in step with the database, after commit (no Flask).

The outbox's ``search`` consumer (:func:`handler`) takes up to :data:`BATCH` entries in one
transaction (one index commit for all; a failing batch is taken again entry by entry): a
report or an incident is re-indexed in the analyst tier (:func:`incidents.search.index_subjects`
reads it afresh, so an entry written for a change that was later undone is harmless), and a
publication is published to or withdrawn from the public tier. A crash between the commit
of a change and its indexing loses nothing: the entry waits in the outbox, ``flask search
verify`` names the drift, and the next drain repairs it.

:class:`CurationNotes` is the analyst-written text of an incident (each institute's
curation: title, narrative, classification) as the facade's
:class:`~incidents.search.NoteSource`: one document per curation, carrying the curation's
own audience (:func:`incidents.security.scope.note_keys`), never the incident's reports'.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Session

from incidents import search
from incidents.outbox.models import OutboxEntry
from incidents.outbox.services import Event, Staged, publish
from incidents.public.models import Publication, PublicationState
from incidents.registry.models import Incident, IncidentCuration, IncidentStatus
from incidents.security.scope import note_keys

#: The outbox consumer that feeds the search indexes.
CONSUMER = "search"
#: The outbox subject types this consumer knows, and the facade's subject kinds.
KINDS = {"report": "report", "incident": "incident"}
PUBLICATION = "publication"
#: Outbox entries indexed together, in one index commit.
BATCH = 50


class CurationNotes:
    """Each institute's curation of an incident as a document of its own, readable by the
    curation's audience only. A merged incident (a tombstone) has none: its text is found
    through the incident it was merged into."""

    def for_incident(self, session: Session, incident: Incident) -> list[search.Document]:
        if incident.status is IncidentStatus.MERGED:
            return []
        curations = session.scalars(
            sa.select(IncidentCuration)
            .where(IncidentCuration.incident_id == incident.id)
            .order_by(IncidentCuration.id)
        )
        return [note_document(incident, curation) for curation in curations]

    def all(self, session: Session) -> Iterator[search.Document]:
        query = (
            sa.select(IncidentCuration, Incident)
            .join(Incident, Incident.id == IncidentCuration.incident_id)
            .where(Incident.status != IncidentStatus.MERGED)
            .order_by(IncidentCuration.id)
            .execution_options(yield_per=500)
        )
        for curation, incident in session.execute(query):
            yield note_document(incident, curation)


def note_document(incident: Incident, curation: IncidentCuration) -> search.Document:
    """The search document of one institute's curation of ``incident``."""
    return search.incident_note_document(
        incident.reference,
        str(curation.organization_id),
        title=curation.title or "",
        narrative=curation.narrative or "",
        classification=dict(curation.classification or {}),
        access=note_keys(curation.audience),
        status=incident.status.value,
    )


NOTES = CurationNotes()


def requeue(session: Session, stale: Sequence[search.Subject]) -> None:
    """Have the index read ``stale`` subjects again (hits the database no longer confirms),
    in the session's transaction."""
    for kind in KINDS:
        ids = [subject.id for subject in stale if subject.kind == kind]
        event = Event.REPORT_MOVED if kind == "report" else Event.INCIDENT_CHANGED
        publish(session, event, kind, ids, only=CONSUMER)


def handler(engines: search.SearchEngines) -> Staged[None]:
    """The ``search`` consumer: index the entries' subjects in their tier, several entries at
    a time (their reports and incidents in one index commit: a bulk import is indexed in
    batches, not one commit per report). The indexing only reads the database, so on SQLite
    it runs before the drain takes the write lock. The outbox acknowledges the entries only
    after it, so the index holds them before they count as done."""

    def handle_many(session: Session, entries: Sequence[OutboxEntry]) -> None:
        subjects: list[search.Subject] = []
        for entry in entries:
            if entry.subject_type == PUBLICATION:
                publication = session.get(Publication, entry.subject_id)
                if publication is not None:
                    refresh_publication(engines.public, publication)
                continue
            kind = KINDS.get(entry.subject_type)
            if kind is None:
                raise ValueError(f"the search index has no subjects of type {entry.subject_type!r}")
            subjects.append(search.Subject(kind, entry.subject_id))
        if subjects:
            unique = list(dict.fromkeys(subjects))
            search.index_subjects(session, engines.analyst, unique, notes=NOTES)

    return Staged(_acknowledge, prepare=handle_many, size=BATCH)


def _acknowledge(_session: Session, _entries: Sequence[OutboxEntry], _indexed: None) -> None:
    """Nothing to write but the acknowledgement, which the outbox does."""


def refresh_publication(public: search.Backend, publication: Publication) -> None:
    """Put the publication's current public revision in the public tier, or take it out
    when it is not (or no longer) public."""
    reference = publication.public_reference
    if reference is None:
        return
    if publication.state is PublicationState.PUBLISHED and publication.current is not None:
        search.publish(public, [public_document(publication)])
    else:
        search.unpublish(public, [reference])


def public_document(publication: Publication) -> search.PublicDocument:
    """What the public tier holds of a publication: its approved, redacted public text."""
    current = publication.current
    assert current is not None
    assert publication.public_reference is not None
    return search.PublicDocument(
        public_reference=publication.public_reference,
        title=current.title,
        summary=current.summary,
        classification=dict(current.classification or {}),
        month=current.month or "",
        countries=tuple(current.countries or ()),
    )


def published(session: Session) -> list[search.PublicDocument]:
    """What the public tier should hold: the current public text of every published record."""
    records = session.scalars(
        sa.select(Publication)
        .where(Publication.state == PublicationState.PUBLISHED)
        .order_by(Publication.id)
    )
    return [public_document(each) for each in records if each.current is not None]


def rebuild_public(session: Session, public: search.Backend) -> int:
    """Replace the public tier with the published records; returns how many it holds."""
    return search.rebuild_public(public, published(session))


def verify_public(session: Session, public: search.Backend) -> list[search.Drift]:
    """Each difference between the public tier and the published records (``missing``,
    ``extra``, e.g. a withdrawn record still found, or ``stale``)."""
    return search.verify_public(public, published(session))
