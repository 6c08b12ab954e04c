"""Stored window summaries: the counts runs over large windows read instead of rows.

``drf_window_summaries`` holds, per monitor, the summary of each reference version (its bins, its
counts and the facts a check needs; one per version), of each batch of observations counted on a
version's bins (one per batch and bins), and the hourly and daily roll-ups of those. ``layout`` is the
fingerprint of the bins a summary was counted on; the payload is kept last.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "drf_window_summaries",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("monitor_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("layout", sa.String(64), nullable=False),
        sa.Column("batch_id", sa.Uuid(), nullable=True),
        sa.Column("reference_version", sa.Integer(), nullable=True),
        sa.Column("period_start", STAMP, nullable=False),
        sa.Column("period_end", STAMP, nullable=False),
        sa.Column("rows", sa.BigInteger(), nullable=False),
        sa.Column("batches", sa.Integer(), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["monitor_id"],
            ["drf_monitors.id"],
            name=op.f("fk_drf_window_summaries_monitor_id_drf_monitors"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drf_window_summaries")),
        sa.UniqueConstraint(
            "monitor_id", "layout", "batch_id", name=op.f("uq_drf_window_summaries_monitor_id_layout_batch_id")
        ),
        sa.UniqueConstraint(
            "monitor_id", "reference_version", name=op.f("uq_drf_window_summaries_monitor_id_reference_version")
        ),
    )
    op.create_index(
        op.f("ix_drf_window_summaries_tenant_id_monitor_id_layout_period_end"),
        "drf_window_summaries",
        ["tenant_id", "monitor_id", "layout", "period_end"],
    )
    op.create_index(op.f("ix_drf_window_summaries_period_end"), "drf_window_summaries", ["period_end"])


def downgrade() -> None:
    op.drop_index(op.f("ix_drf_window_summaries_period_end"), table_name="drf_window_summaries")
    op.drop_index(
        op.f("ix_drf_window_summaries_tenant_id_monitor_id_layout_period_end"), table_name="drf_window_summaries"
    )
    op.drop_table("drf_window_summaries")
