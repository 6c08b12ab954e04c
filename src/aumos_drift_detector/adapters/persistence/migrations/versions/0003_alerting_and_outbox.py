"""Alert audit history, retraining triggers and the transactional outbox.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_DOC = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
STAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "drf_alert_events",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("alert_id", sa.Uuid(), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("from_status", sa.String(16), nullable=True),
        sa.Column("to_status", sa.String(16), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("detection_id", sa.Uuid(), nullable=True),
        sa.Column("notified", sa.Boolean(), nullable=False),
        sa.Column("at", STAMP, nullable=False),
        sa.ForeignKeyConstraint(
            ["alert_id"], ["drf_alerts.id"], name=op.f("fk_drf_alert_events_alert_id_drf_alerts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drf_alert_events")),
    )
    op.create_index(
        op.f("ix_drf_alert_events_tenant_id_alert_id_at"), "drf_alert_events", ["tenant_id", "alert_id", "at"]
    )

    op.create_table(
        "drf_retraining_triggers",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("monitor_id", sa.Uuid(), nullable=False),
        sa.Column("model_id", sa.String(200), nullable=False),
        sa.Column("model_version", sa.String(100), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("detection_ids", JSON_DOC, nullable=False),
        sa.Column("idempotency_key", sa.String(400), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", STAMP, nullable=False),
        sa.ForeignKeyConstraint(
            ["monitor_id"],
            ["drf_monitors.id"],
            name=op.f("fk_drf_retraining_triggers_monitor_id_drf_monitors"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drf_retraining_triggers")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_drf_retraining_triggers_idempotency_key")),
    )
    op.create_index(
        op.f("ix_drf_retraining_triggers_tenant_id_model_id_created_at"),
        "drf_retraining_triggers",
        ["tenant_id", "model_id", "created_at"],
    )

    op.create_table(
        "drf_outbox",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("event_type", sa.String(100), nullable=False),
        sa.Column("topic", sa.String(200), nullable=False),
        sa.Column("message_key", sa.String(300), nullable=False),
        sa.Column("model_id", sa.String(200), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("data", JSON_DOC, nullable=False),
        sa.Column("event_time", STAMP, nullable=False),
        sa.Column("created_at", STAMP, nullable=False),
        sa.Column("available_at", STAMP, nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("claimed_by", sa.String(100), nullable=True),
        sa.Column("claimed_until", STAMP, nullable=True),
        sa.Column("sent_at", STAMP, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drf_outbox")),
    )
    op.create_index(op.f("ix_drf_outbox_sent_at_available_at"), "drf_outbox", ["sent_at", "available_at"])
    op.create_index(op.f("ix_drf_outbox_tenant_id_created_at"), "drf_outbox", ["tenant_id", "created_at"])


def downgrade() -> None:
    op.drop_table("drf_outbox")
    op.drop_table("drf_retraining_triggers")
    op.drop_table("drf_alert_events")
