"""public-source reports: news items and public databases' entries imported by analysts

Revision ID: d5e1a7c3b9f2
Revises: d5f0a9c3e1b7
Create Date: 2026-12-05 23:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "d5e1a7c3b9f2"
down_revision = "d5f0a9c3e1b7"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reports", schema=None) as batch_op:
        # Existing reports were all filed by their organisations: not public sources.
        batch_op.add_column(
            sa.Column("is_public_source", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("published_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("source_url", sa.String(length=2000), nullable=True))
        batch_op.add_column(sa.Column("source_outlet", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("source_id", sa.String(length=100), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_reports_is_public_source"), ["is_public_source"], unique=False
        )
        batch_op.create_unique_constraint(batch_op.f("uq_reports_source_url"), ["source_url"])
        batch_op.create_unique_constraint(batch_op.f("uq_reports_source_id"), ["source_id"])
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.alter_column("is_public_source", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_reports_source_id"), type_="unique")
        batch_op.drop_constraint(batch_op.f("uq_reports_source_url"), type_="unique")
        batch_op.drop_index(batch_op.f("ix_reports_is_public_source"))
        batch_op.drop_column("source_id")
        batch_op.drop_column("source_outlet")
        batch_op.drop_column("source_url")
        batch_op.drop_column("published_on")
        batch_op.drop_column("is_public_source")
