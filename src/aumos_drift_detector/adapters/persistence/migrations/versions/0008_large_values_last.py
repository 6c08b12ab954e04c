"""On SQLite, the large value of a reference or an observation batch becomes the last column of its row.

SQLite keeps a ``zeroblob(n)`` unexpanded in a new row only when it is the record's last column; there
the row is inserted with the blob's size reserved and the value is then written a slice at a time with
incremental blob I/O. Both tables are rebuilt (batch mode copies their rows) with the column moved.
PostgreSQL stores large values through large objects and does not care about column order: nothing
changes there.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Each table with its columns in the order they get, the large value last.
_LAST: dict[str, tuple[str, ...]] = {
    "drf_references": ("uploaded_by", "created_at", "profile"),
    "drf_observation_batches": ("content_digest", "rows", "received_at", "data"),
}
#: The order before this revision.
_BEFORE: dict[str, tuple[str, ...]] = {
    "drf_references": ("columns", "profile", "uploaded_by", "created_at"),
    "drf_observation_batches": ("content_digest", "rows", "data", "received_at"),
}


def _reorder(orders: dict[str, tuple[str, ...]]) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table, order in orders.items():
        with op.batch_alter_table(table, recreate="always", partial_reordering=[order]):
            pass


def upgrade() -> None:
    _reorder(_LAST)


def downgrade() -> None:
    _reorder(_BEFORE)
