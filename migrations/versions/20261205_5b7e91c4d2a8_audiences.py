"""audiences of what analysts write: curations per institute, link and decision audiences

Revision ID: 5b7e91c4d2a8
Revises: 3f1c2a7d9e10
Create Date: 2026-12-05 09:00:00

A curated title and classification become the curation of the institute that last curated
the incident (from the audit log), readable by that institute only (TLP:RED without other
recipients: the safe default; its analysts may widen it). Links the engine made gain the
audience of the report and the report it was compared with; reasons analysts wrote gain
their institute's narrowest audience.
"""

import sqlalchemy as sa
from alembic import op

import incidents.db

revision = "5b7e91c4d2a8"
down_revision = "3f1c2a7d9e10"
branch_labels = None
depends_on = None

TLP = sa.Enum(
    "clear", "green", "amber", "amber_strict", "red", name="tlp", native_enum=False, length=32
)
ORDER = ["clear", "green", "amber", "amber_strict", "red"]


def upgrade() -> None:
    op.create_table(
        "audiences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("tlp", TLP, nullable=False),
        sa.Column("created_at", incidents.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_audiences_organization_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audiences")),
    )
    op.create_table(
        "audience_recipients",
        sa.Column("audience_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["audience_id"],
            ["audiences.id"],
            name=op.f("fk_audience_recipients_audience_id_audiences"),
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_audience_recipients_organization_id_organizations"),
        ),
        sa.PrimaryKeyConstraint(
            "audience_id", "organization_id", name=op.f("pk_audience_recipients")
        ),
    )
    op.create_table(
        "incident_curations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("audience_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=True),
        sa.Column("narrative", sa.Text(), nullable=False),
        sa.Column("classification", sa.JSON(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", incidents.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["audience_id"],
            ["audiences.id"],
            name=op.f("fk_incident_curations_audience_id_audiences"),
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_incident_curations_incident_id_incidents"),
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_incident_curations_organization_id_organizations"),
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["users.id"],
            name=op.f("fk_incident_curations_updated_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_curations")),
        sa.UniqueConstraint(
            "incident_id",
            "organization_id",
            name=op.f("uq_incident_curations_incident_id_organization_id"),
        ),
    )
    with op.batch_alter_table("incident_curations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_incident_curations_incident_id"), ["incident_id"], unique=False
        )
    with op.batch_alter_table("incident_links", schema=None) as batch_op:
        batch_op.add_column(sa.Column("audience_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("removed_audience_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_incident_links_audience_id_audiences"),
            "audiences",
            ["audience_id"],
            ["id"],
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_incident_links_removed_audience_id_audiences"),
            "audiences",
            ["removed_audience_id"],
            ["id"],
        )
    with op.batch_alter_table("dedup_candidates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("audience_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_dedup_candidates_audience_id_audiences"),
            "audiences",
            ["audience_id"],
            ["id"],
        )
    _move_data(op.get_bind())
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_column("classification")
        batch_op.drop_column("title")


def _move_data(connection: sa.Connection) -> None:
    now = incidents.db.utcnow()
    meta = sa.MetaData()
    tables = {
        name: sa.Table(name, meta, autoload_with=connection)
        for name in (
            "incidents",
            "incident_links",
            "dedup_candidates",
            "audiences",
            "audience_recipients",
            "incident_curations",
            "audit_events",
            "reports",
            "report_recipients",
            "users",
        )
    }
    incidents_t, links, candidates = (
        tables["incidents"],
        tables["incident_links"],
        tables["dedup_candidates"],
    )

    def new_audience(organization_id: int, tlp: str, recipients: set[int]) -> int:
        audience_id = connection.execute(
            sa.insert(tables["audiences"])
            .values(organization_id=organization_id, tlp=tlp, created_at=now)
            .returning(tables["audiences"].c.id)
        ).scalar_one()
        for recipient in sorted(recipients):
            connection.execute(
                sa.insert(tables["audience_recipients"]).values(
                    audience_id=audience_id, organization_id=recipient
                )
            )
        return int(audience_id)

    def distribution(report_ids: list[int]) -> tuple[str, set[int]]:
        tlp, recipients = "clear", None
        for report_id in report_ids:
            label = connection.execute(
                sa.select(tables["reports"].c.tlp).where(tables["reports"].c.id == report_id)
            ).scalar_one()
            tlp = max(tlp, label, key=ORDER.index)
            if label in ("red", "amber_strict"):
                named = set(
                    connection.execute(
                        sa.select(tables["report_recipients"].c.organization_id).where(
                            tables["report_recipients"].c.report_id == report_id
                        )
                    ).scalars()
                )
                recipients = named if recipients is None else recipients & named
        return tlp, (recipients or set()) if tlp in ("red", "amber_strict") else set()

    audit = tables["audit_events"]
    for incident_id, reference, title, classification in connection.execute(
        sa.select(
            incidents_t.c.id,
            incidents_t.c.reference,
            incidents_t.c.title,
            incidents_t.c.classification,
        )
    ):
        if not title and not classification:
            continue
        writer = connection.execute(
            sa.select(audit.c.actor_organization_id, audit.c.actor_user_id)
            .where(
                audit.c.action == "incident.curate",
                audit.c.subject_ref == reference,
                audit.c.actor_organization_id.is_not(None),
            )
            .order_by(audit.c.id.desc())
            .limit(1)
        ).first()
        if writer is None:
            continue
        connection.execute(
            sa.insert(tables["incident_curations"]).values(
                incident_id=incident_id,
                organization_id=writer[0],
                audience_id=new_audience(writer[0], "red", set()),
                title=title,
                narrative="",
                classification=classification or {},
                updated_by_id=writer[1],
                updated_at=now,
            )
        )
    users = tables["users"]
    for link_id, report_id, incident_id, origin, creator in connection.execute(
        sa.select(
            links.c.id,
            links.c.report_id,
            links.c.incident_id,
            links.c.origin,
            links.c.created_by_id,
        )
    ):
        if creator is not None:
            writer = connection.execute(
                sa.select(users.c.organization_id).where(users.c.id == creator)
            ).scalar_one()
            audience_id = new_audience(writer, "red", set())
        elif origin in ("auto", "series"):
            evidence = connection.execute(
                sa.select(candidates.c.evidence_report_id).where(
                    candidates.c.report_id == report_id,
                    candidates.c.incident_id == incident_id,
                    candidates.c.decision == "auto_linked",
                )
            ).scalar()
            sources = [report_id, *([evidence] if evidence else [])]
            owner = connection.execute(
                sa.select(tables["reports"].c.organization_id).where(
                    tables["reports"].c.id == report_id
                )
            ).scalar_one()
            audience_id = new_audience(owner, *distribution(sources))
        else:
            continue
        connection.execute(
            sa.update(links).where(links.c.id == link_id).values(audience_id=audience_id)
        )


def downgrade() -> None:
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("title", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("classification", sa.JSON(), nullable=True))
    op.execute("UPDATE incidents SET classification = '{}'")
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.alter_column("classification", nullable=False)
    with op.batch_alter_table("dedup_candidates", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_dedup_candidates_audience_id_audiences"), type_="foreignkey"
        )
        batch_op.drop_column("audience_id")
    with op.batch_alter_table("incident_links", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_incident_links_removed_audience_id_audiences"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_incident_links_audience_id_audiences"), type_="foreignkey"
        )
        batch_op.drop_column("removed_audience_id")
        batch_op.drop_column("audience_id")
    with op.batch_alter_table("incident_curations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incident_curations_incident_id"))
    op.drop_table("incident_curations")
    op.drop_table("audience_recipients")
    op.drop_table("audiences")
