"""one outbox with consumers

Revision ID: 3f1c2a7d9e10
Revises: 8bc127d9c806
Create Date: 2026-12-05 06:00:00

The dedup-only ``outbox`` table becomes ``outbox_entries``: one row per event and consumer.
Entries already placed stay done; the ones still waiting (or given up) keep their attempts
and error.
"""

import sqlalchemy as sa
from alembic import op

import incidents.db

revision = "3f1c2a7d9e10"
down_revision = "8bc127d9c806"
branch_labels = None
depends_on = None

WAITING = sa.text("done_at IS NULL AND parked_at IS NULL")


def upgrade() -> None:
    op.create_table(
        "outbox_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consumer", sa.String(length=32), nullable=False),
        sa.Column("event", sa.String(length=32), nullable=False),
        sa.Column("subject_type", sa.String(length=16), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("created_at", incidents.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("done_at", incidents.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("retry_at", incidents.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("parked_at", incidents.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_entries")),
    )
    with op.batch_alter_table("outbox_entries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_outbox_entries_waiting",
            ["consumer", "id"],
            unique=False,
            sqlite_where=WAITING,
            postgresql_where=WAITING,
        )
        batch_op.create_index(
            "ix_outbox_entries_subject", ["subject_type", "subject_id"], unique=False
        )
    op.execute(
        """
        INSERT INTO outbox_entries (consumer, event, subject_type, subject_id, created_at,
                                    done_at, attempts, error, parked_at)
        SELECT 'dedup', 'report.' || event, 'report', report_id, created_at,
               dedup_at, dedup_attempts, dedup_error,
               CASE WHEN dedup_at IS NULL AND dedup_attempts >= 5 THEN created_at END
        FROM outbox ORDER BY id
        """
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_report_id"))
        batch_op.drop_index(batch_op.f("ix_outbox_dedup_at"))
    op.drop_table("outbox")


def downgrade() -> None:
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column(
            "event",
            sa.Enum("submitted", "amended", name="outboxevent", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("created_at", incidents.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("dedup_at", incidents.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("dedup_attempts", sa.Integer(), nullable=False),
        sa.Column("dedup_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["report_id"], ["reports.id"], name=op.f("fk_outbox_report_id_reports")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_dedup_at"), ["dedup_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_outbox_report_id"), ["report_id"], unique=False)
    op.execute(
        """
        INSERT INTO outbox (report_id, event, created_at, dedup_at, dedup_attempts, dedup_error)
        SELECT subject_id, substr(event, 8), created_at, done_at, attempts, error
        FROM outbox_entries
        WHERE consumer = 'dedup' AND event IN ('report.submitted', 'report.amended')
        ORDER BY id
        """
    )
    with op.batch_alter_table("outbox_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_entries_subject")
        batch_op.drop_index(
            "ix_outbox_entries_waiting", sqlite_where=WAITING, postgresql_where=WAITING
        )
    op.drop_table("outbox_entries")
