"""Reference data versions, production observation batches, and scheduler leases.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_DOC = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
STAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("drf_monitors") as batch:
        batch.add_column(sa.Column("lease_owner", sa.String(100), nullable=True))
        batch.add_column(sa.Column("lease_until", STAMP, nullable=True))

    op.create_table(
        "drf_references",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("monitor_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("checksum", sa.String(64), nullable=False),
        sa.Column("content_type", sa.String(100), nullable=False),
        sa.Column("columns", JSON_DOC, nullable=False),
        sa.Column("profile", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_by", sa.String(200), nullable=False),
        sa.Column("created_at", STAMP, nullable=False),
        sa.ForeignKeyConstraint(
            ["monitor_id"],
            ["drf_monitors.id"],
            name=op.f("fk_drf_references_monitor_id_drf_monitors"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drf_references")),
        sa.UniqueConstraint("monitor_id", "version", name=op.f("uq_drf_references_monitor_id_version")),
    )
    op.create_index(
        op.f("ix_drf_references_tenant_id_monitor_id_version"), "drf_references", ["tenant_id", "monitor_id", "version"]
    )

    op.create_table(
        "drf_observation_batches",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("monitor_id", sa.Uuid(), nullable=False),
        sa.Column("idempotency_key", sa.String(200), nullable=True),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("received_at", STAMP, nullable=False),
        sa.ForeignKeyConstraint(
            ["monitor_id"],
            ["drf_monitors.id"],
            name=op.f("fk_drf_observation_batches_monitor_id_drf_monitors"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drf_observation_batches")),
        sa.UniqueConstraint(
            "monitor_id", "idempotency_key", name=op.f("uq_drf_observation_batches_monitor_id_idempotency_key")
        ),
    )
    op.create_index(
        op.f("ix_drf_observation_batches_tenant_id_monitor_id_received_at"),
        "drf_observation_batches",
        ["tenant_id", "monitor_id", "received_at"],
    )


def downgrade() -> None:
    op.drop_table("drf_observation_batches")
    op.drop_table("drf_references")
    with op.batch_alter_table("drf_monitors") as batch:
        batch.drop_column("lease_until")
        batch.drop_column("lease_owner")
