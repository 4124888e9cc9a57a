"""The PostgreSQL engine's tables: one per tier, created by a migration on PostgreSQL only
(the embedded default keeps its index in files). Their own metadata, not the models'."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from incidents.db import NAMING_CONVENTION

metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


def _documents(name: str) -> sa.Table:
    return sa.Table(
        name,
        metadata,
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("reference", sa.String(64), nullable=False),
        sa.Column("subject_id", sa.Integer, nullable=False),
        sa.Column("incident", sa.String(64), nullable=False, index=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("excerpt", sa.Text, nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("keys", postgresql.ARRAY(sa.Text), nullable=False),
        sa.Column("facets", postgresql.ARRAY(sa.Text), nullable=False),
        sa.Column("tsv", postgresql.TSVECTOR, nullable=False),
        sa.Column("day", sa.Integer, nullable=False),
        sa.Column("submitted", sa.BigInteger, nullable=False, index=True),
        sa.Column("severity", sa.Integer, nullable=False),
        sa.Index(f"ix_{name}_tsv", "tsv", postgresql_using="gin"),
        sa.Index(f"ix_{name}_facets", "facets", postgresql_using="gin"),
    )


analyst_documents = _documents("search_documents")
#: The public tier's own table: nothing confidential is ever written to it.
public_documents = _documents("search_public_documents")
