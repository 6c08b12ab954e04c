"""Create drf_monitors, drf_detections and drf_alerts.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_DOC = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
STAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "drf_monitors",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("model_id", sa.String(200), nullable=False),
        sa.Column("model_version", sa.String(100), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("features", JSON_DOC, nullable=False),
        sa.Column("dataset_rule", JSON_DOC, nullable=False),
        sa.Column("window", JSON_DOC, nullable=False),
        sa.Column("schedule_cron", sa.String(120), nullable=True),
        sa.Column("schedule_timezone", sa.String(64), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("labels", JSON_DOC, nullable=False),
        sa.Column("settings", JSON_DOC, nullable=False),
        sa.Column("next_run_at", STAMP, nullable=True),
        sa.Column("last_run_at", STAMP, nullable=True),
        sa.Column("created_at", STAMP, nullable=False),
        sa.Column("updated_at", STAMP, nullable=False),
        sa.Column("deleted_at", STAMP, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drf_monitors")),
    )
    op.create_index(op.f("ix_drf_monitors_status_next_run_at"), "drf_monitors", ["status", "next_run_at"])
    op.create_index(op.f("ix_drf_monitors_tenant_id_created_at_id"), "drf_monitors", ["tenant_id", "created_at", "id"])
    op.create_index(op.f("ix_drf_monitors_tenant_id_model_id"), "drf_monitors", ["tenant_id", "model_id"])

    op.create_table(
        "drf_detections",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("monitor_id", sa.Uuid(), nullable=False),
        sa.Column("model_id", sa.String(200), nullable=False),
        sa.Column("model_version", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("trigger", sa.String(16), nullable=False),
        sa.Column("is_drift", sa.Boolean(), nullable=False),
        sa.Column("drift_share", sa.Float(), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("features", JSON_DOC, nullable=False),
        sa.Column("summary", JSON_DOC, nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("started_at", STAMP, nullable=False),
        sa.Column("finished_at", STAMP, nullable=True),
        sa.ForeignKeyConstraint(
            ["monitor_id"],
            ["drf_monitors.id"],
            name=op.f("fk_drf_detections_monitor_id_drf_monitors"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drf_detections")),
    )
    for columns in (
        ["tenant_id", "started_at", "id"],
        ["tenant_id", "monitor_id", "started_at"],
        ["tenant_id", "model_id", "started_at"],
    ):
        op.create_index(op.f(f"ix_drf_detections_{'_'.join(columns)}"), "drf_detections", columns)

    op.create_table(
        "drf_alerts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("monitor_id", sa.Uuid(), nullable=False),
        sa.Column("model_id", sa.String(200), nullable=False),
        sa.Column("dedup_key", sa.String(400), nullable=False),
        sa.Column("signal", sa.String(16), nullable=False),
        sa.Column("feature", sa.String(200), nullable=True),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("occurrences", sa.Integer(), nullable=False),
        sa.Column("last_detection_id", sa.Uuid(), nullable=True),
        sa.Column("snoozed_until", STAMP, nullable=True),
        sa.Column("healthy_streak", sa.Integer(), nullable=False),
        sa.Column("first_seen_at", STAMP, nullable=False),
        sa.Column("last_seen_at", STAMP, nullable=False),
        sa.Column("created_at", STAMP, nullable=False),
        sa.Column("updated_at", STAMP, nullable=False),
        sa.Column("resolved_at", STAMP, nullable=True),
        sa.ForeignKeyConstraint(
            ["monitor_id"], ["drf_monitors.id"], name=op.f("fk_drf_alerts_monitor_id_drf_monitors"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drf_alerts")),
    )
    for columns in (
        ["tenant_id", "last_seen_at", "id"],
        ["tenant_id", "status", "severity"],
        ["tenant_id", "dedup_key", "status"],
        ["tenant_id", "monitor_id"],
    ):
        op.create_index(op.f(f"ix_drf_alerts_{'_'.join(columns)}"), "drf_alerts", columns)


def downgrade() -> None:
    op.drop_table("drf_alerts")
    op.drop_table("drf_detections")
    op.drop_table("drf_monitors")
