"""The levels of each monitor's sequential detectors (the alert budget over time), and each detection's alarm.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_DOC = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.add_column("drf_detections", sa.Column("alarm", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_table(
        "drf_decision_states",
        sa.Column("monitor_id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("reference_version", sa.Integer(), nullable=False),
        sa.Column("levels", JSON_DOC, nullable=False),
        sa.Column("checks", sa.Integer(), nullable=False),
        sa.Column("alarms", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["monitor_id"],
            ["drf_monitors.id"],
            name=op.f("fk_drf_decision_states_monitor_id_drf_monitors"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("monitor_id", name=op.f("pk_drf_decision_states")),
    )
    op.create_index(
        op.f("ix_drf_decision_states_tenant_id_monitor_id"), "drf_decision_states", ["tenant_id", "monitor_id"]
    )


def downgrade() -> None:
    op.drop_table("drf_decision_states")
    with op.batch_alter_table("drf_detections") as batch:
        batch.drop_column("alarm")
