"""Window summaries per segment: each segment's rows counted on the monitor's bins, beside the whole monitor's.

``segment`` names the segment a summary counts (empty for every row of the monitor); a reference
version then has one reference summary per profiled segment besides its own, so the unique key of
reference summaries takes the segment.

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "drf_window_summaries"
OLD_KEY = "uq_drf_window_summaries_monitor_id_reference_version"
NEW_KEY = "uq_drf_window_summaries_monitor_id_reference_version_segment"


def upgrade() -> None:
    with op.batch_alter_table(TABLE) as batch:
        batch.add_column(sa.Column("segment", sa.Text(), nullable=False, server_default=""))
        batch.drop_constraint(op.f(OLD_KEY), type_="unique")
        batch.create_unique_constraint(op.f(NEW_KEY), ["monitor_id", "reference_version", "segment"])


def downgrade() -> None:
    op.execute(sa.text(f"DELETE FROM {TABLE} WHERE segment <> ''"))  # noqa: S608 - a constant table name
    with op.batch_alter_table(TABLE) as batch:
        batch.drop_constraint(op.f(NEW_KEY), type_="unique")
        batch.create_unique_constraint(op.f(OLD_KEY), ["monitor_id", "reference_version"])
        batch.drop_column("segment")
