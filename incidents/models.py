"""Every model, imported once so the metadata (and Alembic) sees all tables."""

from incidents.accounts.models import ApiToken, Organization, User
from incidents.audit.models import AuditEvent
from incidents.db import Base

__all__ = ["ApiToken", "AuditEvent", "Base", "Organization", "User"]
