"""The ``notify`` outbox consumer: what happened, told to those who should hear of it.

- a report submitted naming institutes as recipients: their analysts (RED and AMBER+STRICT
  are always mailed at once);
- a report joining or leaving an incident, a curation, merge or split: the incident's
  followers;
- a publication published, corrected or withdrawn: the incident's followers, and the
  organisations whose reports contributed;
- a notification to mail at once: its e-mail.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from incidents.exchange.models import NotificationKind
from incidents.exchange.notify import (
    ANALYST_ROLES,
    COMPANY_ROLES,
    Notice,
    NotifySettings,
    followers,
    mail_one,
    members,
    notify,
)
from incidents.outbox.models import OutboxEntry
from incidents.outbox.services import Event, Handler
from incidents.public.models import Publication, PublicationState
from incidents.registry.models import Incident, IncidentLink
from incidents.reports.models import Report, ReportState


def handler(settings: NotifySettings) -> Handler:
    """The ``notify`` consumer for ``settings``."""

    def handle(session: Session, entry: OutboxEntry) -> None:
        event = Event(entry.event)
        if event is Event.NOTIFICATION_CREATED:
            mail_one(session, settings, entry.subject_id)
        elif event is Event.REPORT_SUBMITTED:
            report_submitted(session, entry.subject_id)
        elif event is Event.REPORT_MOVED:
            report_moved(session, entry)
        elif event is Event.INCIDENT_CHANGED:
            incident_changed(session, entry.subject_id, entry.id, "it was curated, merged or split")
        elif event is Event.PUBLICATION_CHANGED:
            publication_changed(session, entry.subject_id, entry.id)

    return handle


def _tell(session: Session, notices: list[Notice]) -> None:
    # Immediate ones get an event of their own, which this drain reaches next.
    notify(session, notices)


def report_submitted(session: Session, report_id: int) -> None:
    report = session.get(Report, report_id)
    if report is None or report.state is not ReportState.SUBMITTED or not report.recipients:
        return
    institutes = [o.id for o in report.recipients if o.is_network_member and o.is_active]
    strict = report.tlp.needs_recipients
    _tell(
        session,
        [
            Notice(
                user_id=user_id,
                kind=NotificationKind.REPORT_ADDRESSED,
                key=f"report:{report.id}",
                reference=str(report.reference),
                text=f"{report.reference}: a report addressed to your institute",
                link=f"/reports/{report.reference}",
                always_immediate=strict,
            )
            for user_id in members(session, institutes, ANALYST_ROLES)
        ],
    )


def report_moved(session: Session, entry: OutboxEntry) -> None:
    incident_ids = session.scalars(
        sa.select(IncidentLink.incident_id).where(IncidentLink.report_id == entry.subject_id)
    )
    for incident_id in sorted(set(incident_ids)):
        incident_changed(session, incident_id, entry.id, "a report joined or left it")


def incident_changed(session: Session, incident_id: int, entry_id: int, what: str) -> None:
    incident = session.get(Incident, incident_id)
    if incident is None:
        return
    _tell(
        session,
        [
            Notice(
                user_id=user_id,
                kind=NotificationKind.INCIDENT_FOLLOWED,
                key=f"incident:{incident.id}:{entry_id}",
                reference=incident.reference,
                text=f"{incident.reference}, which you follow, changed: {what}",
                link=f"/incidents/{incident.reference}",
            )
            for user_id in followers(session, [incident.id]).get(incident.id, [])
        ],
    )


def publication_changed(session: Session, publication_id: int, entry_id: int) -> None:
    publication = session.get(Publication, publication_id)
    if publication is None:
        return
    incident_changed(session, publication.incident_id, entry_id, "its public summary changed")
    if publication.state is not PublicationState.PUBLISHED:
        return
    reports = session.execute(
        sa.select(Report.id, Report.reference, Report.organization_id)
        .join(IncidentLink, IncidentLink.report_id == Report.id)
        .where(
            IncidentLink.incident_id == publication.incident_id,
            IncidentLink.removed_at.is_(None),
            Report.state == ReportState.SUBMITTED,
            Report.is_public_source.is_(False),  # imported coverage is no organisation's own
        )
    ).all()
    notices = [
        Notice(
            user_id=user_id,
            kind=NotificationKind.REPORT_PUBLISHED,
            key=f"published:{publication.id}:{report_id}",
            reference=str(reference),
            text=(
                f"{reference}: your report contributed to the published incident "
                f"{publication.public_reference}"
            ),
            link=f"/reports/{reference}",
        )
        for report_id, reference, organization_id in reports
        for user_id in members(session, [organization_id], COMPANY_ROLES)
    ]
    _tell(session, notices)
