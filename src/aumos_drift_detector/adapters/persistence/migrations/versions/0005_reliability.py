"""One unresolved alert per dedup key, and idempotency keys bound to the body they were first used with.

* ``drf_alerts``: a partial unique index on ``(tenant_id, dedup_key)`` over unresolved alerts makes a
  second open alert for one key impossible, whatever the number of replicas. Duplicates left by
  earlier versions are resolved first: the most recently seen alert of each key stays open, the
  others are marked resolved (their history stays).
* ``drf_observation_batches.content_digest``: SHA-256 of the body a batch arrived in, so the same
  ``Idempotency-Key`` with another body is refused instead of being dropped silently.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN = sa.text("status <> 'resolved'")


def _resolve_duplicate_open_alerts() -> None:
    alerts = sa.table(
        "drf_alerts",
        sa.column("id", sa.Uuid()),
        sa.column("tenant_id", sa.String()),
        sa.column("dedup_key", sa.String()),
        sa.column("status", sa.String()),
        sa.column("last_seen_at", sa.DateTime(timezone=True)),
        sa.column("resolved_at", sa.DateTime(timezone=True)),
        sa.column("updated_at", sa.DateTime(timezone=True)),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(alerts.c.id, alerts.c.tenant_id, alerts.c.dedup_key)
        .where(alerts.c.status != "resolved")
        .order_by(alerts.c.tenant_id, alerts.c.dedup_key, alerts.c.last_seen_at.desc(), alerts.c.id.desc())
    ).all()
    seen: set[tuple[str, str]] = set()
    now = datetime.now(UTC)
    for alert_id, tenant_id, key in rows:
        if (tenant_id, key) in seen:
            connection.execute(
                sa.update(alerts)
                .where(alerts.c.id == alert_id)
                .values(status="resolved", resolved_at=now, updated_at=now)
            )
        seen.add((tenant_id, key))


def upgrade() -> None:
    _resolve_duplicate_open_alerts()
    op.create_index(
        "uq_drf_alerts_open_dedup_key",
        "drf_alerts",
        ["tenant_id", "dedup_key"],
        unique=True,
        postgresql_where=OPEN,
        sqlite_where=OPEN,
    )
    op.add_column("drf_observation_batches", sa.Column("content_digest", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("drf_observation_batches") as batch:
        batch.drop_column("content_digest")
    op.drop_index("uq_drf_alerts_open_dedup_key", table_name="drf_alerts")
