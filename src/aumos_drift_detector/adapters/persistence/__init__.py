"""SQLAlchemy persistence of the ``drf_`` schema: tables, repositories, unit of work, migrations.

Importing the package registers every table mapping (:mod:`.tables`, :mod:`.state_tables`,
:mod:`.label_tables`, :mod:`.reference_tables`, :mod:`.summary_tables`) with the one ``Base.metadata``
the migrations and their checks compare against.
"""

from aumos_drift_detector.adapters.persistence import label_tables as label_tables
from aumos_drift_detector.adapters.persistence import reference_tables as reference_tables
from aumos_drift_detector.adapters.persistence import state_tables as state_tables
from aumos_drift_detector.adapters.persistence import summary_tables as summary_tables
