"""Per-segment reference profiles, and the per-segment results of detections.

``drf_reference_segments`` holds, for each reference version uploaded to a monitor with the
``segments`` option, one reference profile per segment (the largest ``max_segments`` values of its
segment columns; the large value last, for SQLite's incremental blob writes); versions built without
segments have none. ``drf_detections.segments`` holds the per-segment verdicts of a run (null for
monitors without segments). The option itself lives in the monitor's ``settings`` document.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_DOC = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "drf_reference_segments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["id"], ["drf_references.id"], name=op.f("fk_drf_reference_segments_id_drf_references"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drf_reference_segments")),
    )
    with op.batch_alter_table("drf_detections") as batch:
        batch.add_column(sa.Column("segments", JSON_DOC, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("drf_detections") as batch:
        batch.drop_column("segments")
    op.drop_table("drf_reference_segments")
