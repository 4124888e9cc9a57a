"""outgoing mail

Revision ID: a7c3e5f10b21
Revises: fdd0160eafa4
Create Date: 2026-12-05 10:30:00

One row per message the site sends; the ``mail`` outbox consumer sends it after commit.
"""

import sqlalchemy as sa
from alembic import op

import incidents.db

revision = "a7c3e5f10b21"
down_revision = "fdd0160eafa4"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outgoing_mails",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("link", sa.String(length=500), nullable=True),
        sa.Column("created_at", incidents.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("sent_at", incidents.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outgoing_mails")),
        sa.UniqueConstraint("token", name=op.f("uq_outgoing_mails_token")),
    )


def downgrade() -> None:
    op.drop_table("outgoing_mails")
