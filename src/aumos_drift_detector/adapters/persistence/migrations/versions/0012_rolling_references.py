"""Rolling reference versions: the observation window each was built from.

``drf_reference_windows`` holds, for each reference version a monitor built from its own stored
observations (its ``reference_window`` option), the window of receipt times it read: at or after
``window_start``, before ``window_end``. An uploaded version has no row here. It is a table of its own,
like ``drf_reference_samples``, rather than columns of ``drf_references``: SQLite adds columns at the
end of a row, after the profile, which is kept last for its incremental blob writes.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "drf_reference_windows",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("window_start", STAMP, nullable=False),
        sa.Column("window_end", STAMP, nullable=False),
        sa.ForeignKeyConstraint(
            ["id"], ["drf_references.id"], name=op.f("fk_drf_reference_windows_id_drf_references"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drf_reference_windows")),
    )


def downgrade() -> None:
    op.drop_table("drf_reference_windows")
