"""Row samples kept with reference versions, and the multivariate results of detections.

``drf_reference_samples`` holds, for each reference version uploaded from now on, a bounded uniform
sample of its monitored and embedding columns (a compressed Arrow IPC stream, the large value last
for SQLite's incremental blob writes); versions uploaded before have none. ``drf_detections.multivariate``
holds what the monitor's multivariate tests found at a run (null for monitors without them).

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_DOC = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "drf_reference_samples",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["id"], ["drf_references.id"], name=op.f("fk_drf_reference_samples_id_drf_references"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drf_reference_samples")),
    )
    with op.batch_alter_table("drf_detections") as batch:
        batch.add_column(sa.Column("multivariate", JSON_DOC, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("drf_detections") as batch:
        batch.drop_column("multivariate")
    op.drop_table("drf_reference_samples")
