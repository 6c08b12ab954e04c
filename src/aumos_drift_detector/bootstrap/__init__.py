"""The composition root: the one place that builds adapters and wires them into services.

Production (``aumos-drift serve``), the CLI and the tests all call :func:`bootstrap`; tests pass
overrides as arguments instead of patching: a fixed clock, an in-memory publisher, or an in-memory
store (``storage=InMemoryStorage()``) that replaces the database altogether for fast unit tests of the
use cases.
"""

from aumos_drift_detector.bootstrap.container import Container
from aumos_drift_detector.bootstrap.wiring import bootstrap, build_app

__all__ = ["Container", "bootstrap", "build_app"]
