"""search: full-text tables of the PostgreSQL search engine (PostgreSQL only)

Revision ID: c4e8a1d2f9b3
Revises: 2c499b980a29
Create Date: 2026-12-05 19:40:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "c4e8a1d2f9b3"
down_revision = "2c499b980a29"
branch_labels = None
depends_on = None

TABLES = ("search_documents", "search_public_documents")


def upgrade() -> None:
    # The embedded default (SQLite) keeps its search index in files, not in tables.
    if op.get_bind().dialect.name != "postgresql":
        return
    for name in TABLES:
        op.create_table(
            name,
            sa.Column("id", sa.String(length=200), nullable=False),
            sa.Column("kind", sa.String(length=16), nullable=False),
            sa.Column("reference", sa.String(length=64), nullable=False),
            sa.Column("subject_id", sa.Integer(), nullable=False),
            sa.Column("incident", sa.String(length=64), nullable=False),
            sa.Column("title", sa.Text(), nullable=False),
            sa.Column("excerpt", sa.Text(), nullable=False),
            sa.Column("digest", sa.String(length=64), nullable=False),
            sa.Column("keys", postgresql.ARRAY(sa.Text()), nullable=False),
            sa.Column("facets", postgresql.ARRAY(sa.Text()), nullable=False),
            sa.Column("tsv", postgresql.TSVECTOR(), nullable=False),
            sa.Column("day", sa.Integer(), nullable=False),
            sa.Column("submitted", sa.BigInteger(), nullable=False),
            sa.Column("severity", sa.Integer(), nullable=False),
            sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
        )
        op.create_index(op.f(f"ix_{name}_incident"), name, ["incident"])
        op.create_index(op.f(f"ix_{name}_submitted"), name, ["submitted"])
        op.create_index(f"ix_{name}_tsv", name, ["tsv"], postgresql_using="gin")
        # No index on the access keys: nearly every row grants one of an analyst's keys, and
        # an index there would lead the planner away from the text index.
        op.create_index(f"ix_{name}_facets", name, ["facets"], postgresql_using="gin")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name in TABLES:
        op.drop_table(name)
