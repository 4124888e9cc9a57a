"""audit hash chain

Revision ID: c4a9d2e7f3b1
Revises: b62bf1914896
Create Date: 2026-12-05 19:40:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "c4a9d2e7f3b1"
down_revision = "b62bf1914896"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("chain_position", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("chain_previous", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("chain_digest", sa.String(length=64), nullable=True))
        batch_op.create_index("ux_audit_events_chain_position", ["chain_position"], unique=True)
    # The events already stored join the chain in the order they were written.
    from sqlalchemy.orm import Session

    from incidents.audit.services import seal

    session = Session(bind=op.get_bind())
    seal(session)
    session.flush()


def downgrade() -> None:
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index("ux_audit_events_chain_position")
        batch_op.drop_column("chain_digest")
        batch_op.drop_column("chain_previous")
        batch_op.drop_column("chain_position")
