"""Organisations, their users, and the users' API tokens."""

from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from incidents.db import Base, UTCDateTime, enum_type, utcnow
from incidents.security.permissions import OrganizationKind, Role


def new_session_nonce() -> str:
    """A fresh per-user nonce; changing it ends every session of that user."""
    return secrets.token_urlsafe(16)


class Organization(Base):
    """A company that reports, an institute that analyses, or the platform operator."""

    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    kind: Mapped[OrganizationKind] = mapped_column(enum_type(OrganizationKind))
    is_network_member: Mapped[bool] = mapped_column(default=False)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    users: Mapped[list[User]] = relationship(back_populates="organization", order_by="User.email")

    __table_args__ = (
        sa.CheckConstraint(
            "is_network_member = false OR kind = 'institute'", name="network_member_is_institute"
        ),
    )


class User(Base):
    """A person with one role in one organisation.

    Satisfies the policy's ``Principal`` protocol and what Flask-Login expects, without
    importing either framework.
    """

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200), default="")
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    role: Mapped[Role] = mapped_column(enum_type(Role))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    session_nonce: Mapped[str] = mapped_column(sa.String(64), default=new_session_nonce)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organization: Mapped[Organization] = relationship(back_populates="users", lazy="joined")
    tokens: Mapped[list[ApiToken]] = relationship(
        back_populates="user", order_by="ApiToken.created_at.desc()"
    )

    @property
    def organization_kind(self) -> OrganizationKind:
        return self.organization.kind

    @property
    def is_network_member(self) -> bool:
        return self.organization.is_network_member

    @property
    def display_name(self) -> str:
        return self.name or self.email

    # What Flask-Login asks of a user object.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        """The session identity: id plus nonce, so rotating the nonce ends old sessions."""
        return f"{self.id}:{self.session_nonce}"


class ApiToken(Base):
    """A bearer token acting as its user. Only the SHA-256 of the secret is kept."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    digest: Mapped[str] = mapped_column(sa.String(64), unique=True)
    hint: Mapped[str] = mapped_column(sa.String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(back_populates="tokens", lazy="joined")

    @property
    def organization_id(self) -> int:
        return self.user.organization_id

    def is_usable(self, now: datetime) -> bool:
        """Not revoked, not expired, and its user still active."""
        if self.revoked_at is not None or not self.user.is_active:
            return False
        if not self.user.organization.is_active:
            return False
        return self.expires_at is None or now < self.expires_at

    @property
    def status(self) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= utcnow():
            return "expired"
        return "active"


class Invitation(Base):
    """A one-time link by which a person sets up their own account with a given role.

    Only the SHA-256 of the secret is kept; the link itself travels in the e-mail only.
    """

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), index=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    role: Mapped[Role] = mapped_column(enum_type(Role))
    digest: Mapped[str] = mapped_column(sa.String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Accepted, or replaced by a newer invitation of the same address: dead either way.
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organization: Mapped[Organization] = relationship(lazy="joined")


class MembershipChange(Base):
    """A proposal by one operator admin to switch an institute's network membership, which
    takes effect only once a different operator admin approves it."""

    __tablename__ = "membership_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"))
    make_member: Mapped[bool]
    proposed_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved: Mapped[bool | None]

    organization: Mapped[Organization] = relationship(lazy="joined")
    proposed_by: Mapped[User] = relationship(foreign_keys=[proposed_by_id], lazy="joined")

    __table_args__ = (
        # At most one open proposal per institute.
        sa.Index(
            "ux_membership_changes_open",
            "organization_id",
            unique=True,
            sqlite_where=sa.text("decided_at IS NULL"),
            postgresql_where=sa.text("decided_at IS NULL"),
        ),
    )


class UnlockLink(Base):
    """A one-time link e-mailed to the owner of an account that failed too many logins: it
    lets them sign in with their password despite the per-account limit."""

    __tablename__ = "unlock_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    digest: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failures: Mapped[int] = mapped_column(default=0)

    user: Mapped[User] = relationship(lazy="joined")
