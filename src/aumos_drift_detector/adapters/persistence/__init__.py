"""SQLAlchemy persistence of the ``drf_`` schema: tables, repositories, unit of work, migrations."""
