"""Every model, imported once so the metadata (and Alembic) sees all tables."""

from incidents.accounts.models import (
    ApiToken,
    Invitation,
    MembershipChange,
    Organization,
    UnlockLink,
    User,
)
from incidents.audit.models import AuditAnchor, AuditEvent
from incidents.db import Base
from incidents.dedup.models import DedupFingerprint, DedupKey, DedupKeyCount
from incidents.exchange.models import (
    DeskVisit,
    DigestSent,
    IncidentFollow,
    InformationRequest,
    Notification,
    NotificationPreference,
    RequestMessage,
)
from incidents.mail.models import OutgoingMail
from incidents.outbox.models import OutboxEntry
from incidents.public.models import Publication, PublicationRevision
from incidents.registry.models import (
    Audience,
    DedupCandidate,
    Incident,
    IncidentCuration,
    IncidentLink,
)
from incidents.reports.models import (
    IdempotencyRecord,
    ReferenceCounter,
    Report,
    ReportDeadline,
    ReportRevision,
    ReportSeries,
)
from incidents.searching.models import SavedSearch

__all__ = [
    "ApiToken",
    "Audience",
    "AuditAnchor",
    "AuditEvent",
    "Base",
    "DedupCandidate",
    "DedupFingerprint",
    "DedupKey",
    "DedupKeyCount",
    "DeskVisit",
    "DigestSent",
    "IdempotencyRecord",
    "Incident",
    "IncidentCuration",
    "IncidentFollow",
    "IncidentLink",
    "InformationRequest",
    "Invitation",
    "MembershipChange",
    "Notification",
    "NotificationPreference",
    "Organization",
    "OutboxEntry",
    "OutgoingMail",
    "Publication",
    "PublicationRevision",
    "ReferenceCounter",
    "Report",
    "ReportDeadline",
    "ReportRevision",
    "ReportSeries",
    "RequestMessage",
    "SavedSearch",
    "UnlockLink",
    "User",
]
