"""Predictions waiting for their labels, labels waiting for their predictions, and each monitor's join cursor.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_DOC = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _monitor(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["monitor_id"], ["drf_monitors.id"], name=op.f(f"fk_{table}_monitor_id_drf_monitors"), ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "drf_predictions",
        sa.Column("monitor_id", sa.Uuid(), nullable=False),
        sa.Column("sequence", sa.BigInteger(), nullable=False),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("inference_id", sa.String(128), nullable=False),
        sa.Column("prediction", JSON_DOC, nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("error", sa.Float(), nullable=True),
        _monitor("drf_predictions"),
        sa.PrimaryKeyConstraint("monitor_id", "sequence", name=op.f("pk_drf_predictions")),
    )
    op.create_index(
        op.f("ix_drf_predictions_tenant_id_monitor_id_inference_id"),
        "drf_predictions",
        ["tenant_id", "monitor_id", "inference_id"],
        unique=True,
    )
    op.create_table(
        "drf_pending_labels",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("monitor_id", sa.Uuid(), nullable=False),
        sa.Column("inference_id", sa.String(128), nullable=False),
        sa.Column("label", JSON_DOC, nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        _monitor("drf_pending_labels"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drf_pending_labels")),
    )
    for columns in (["tenant_id", "monitor_id", "inference_id"], ["tenant_id", "monitor_id", "received_at"]):
        op.create_index(op.f(f"ix_drf_pending_labels_{'_'.join(columns)}"), "drf_pending_labels", columns)
    counters = ["next_sequence", "watermark", "joined", "unknown", "expired_predictions", "expired_labels"]
    counters.append("duplicates")
    op.create_table(
        "drf_label_cursors",
        sa.Column("monitor_id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        *(sa.Column(name, sa.BigInteger(), nullable=False) for name in counters),
        _monitor("drf_label_cursors"),
        sa.PrimaryKeyConstraint("monitor_id", name=op.f("pk_drf_label_cursors")),
    )
    op.create_index(op.f("ix_drf_label_cursors_tenant_id_monitor_id"), "drf_label_cursors", ["tenant_id", "monitor_id"])


def downgrade() -> None:
    op.drop_table("drf_label_cursors")
    op.drop_table("drf_pending_labels")
    op.drop_table("drf_predictions")
