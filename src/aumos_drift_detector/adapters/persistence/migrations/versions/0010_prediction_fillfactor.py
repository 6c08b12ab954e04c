"""On PostgreSQL, stored predictions leave room in their pages for the update that joins their label.

A prediction is inserted, then updated once with its joined error, then deleted when the watermark passes
it. With full pages every such update wrote a new row version on another page and a new entry in each of
the table's indexes; with a fill factor of 60 the new version usually fits on the same page and the update
is a heap-only tuple update that touches no index (``error`` is in none). The rows are short-lived, so the
extra space is small. SQLite has no such setting: nothing changes there.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FILL_FACTOR = 60


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER TABLE drf_predictions SET (fillfactor = {FILL_FACTOR})")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE drf_predictions RESET (fillfactor)")
