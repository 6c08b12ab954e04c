"""Alembic environment: runs on the connection handed over by :mod:`..migrator`."""

from alembic import context

from aumos_drift_detector.adapters.persistence.tables import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through 'aumos-drift migrate'")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
