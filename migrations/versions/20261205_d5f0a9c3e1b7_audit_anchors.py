"""audit anchors: the chain's signed head at the end of each day

Revision ID: d5f0a9c3e1b7
Revises: 8cad20feabc0
Create Date: 2026-12-05 23:40:00.000000
"""

import sqlalchemy as sa
from alembic import op

import incidents.db

revision = "d5f0a9c3e1b7"
down_revision = "8cad20feabc0"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_anchors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("signature", sa.String(length=128), nullable=False),
        sa.Column("signed_at", incidents.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_anchors")),
        sa.UniqueConstraint("day", name=op.f("uq_audit_anchors_day")),
    )


def downgrade() -> None:
    op.drop_table("audit_anchors")
