"""What callers hand the use cases in unit tests: principals, monitor drafts and uploads of production rows."""

from __future__ import annotations

import hashlib
from typing import Any

import numpy as np
import pyarrow as pa

from aumos_drift_detector.core.ingest.model import Upload
from aumos_drift_detector.core.monitors.config import FeatureConfig
from aumos_drift_detector.core.monitors.service import MonitorDraft
from aumos_drift_detector.core.principal import Principal, Role

ADMIN = Principal("alice", "acme", frozenset({Role.ADMIN}))
OPERATOR = Principal("olga", "acme", frozenset({Role.OPERATOR}))
VIEWER = Principal("vera", "acme", frozenset({Role.VIEWER}))
OTHER_TENANT = Principal("mallory", "globex", frozenset({Role.ADMIN}))

#: The churn example's features: a numerical ``age`` and a categorical ``plan``.
CHURN_FEATURES = (FeatureConfig(name="age", kind="numerical"), FeatureConfig(name="plan", kind="categorical"))


def draft(**fields: Any) -> MonitorDraft:
    """A draft of the churn monitor (no schedule unless given), with any field replaced."""
    values: dict[str, Any] = {"name": "churn", "model_id": "churn-model", "model_version": "3"}
    values["features"] = CHURN_FEATURES
    values.update(fields)
    return MonitorDraft(**values)


def upload(columns: dict[str, Any], *, checksum: str | None = None) -> Upload:
    """An upload of the given columns; its checksum is a digest of their values unless given."""
    table = pa.table(columns)
    digest = checksum or hashlib.sha256(repr(table.to_pydict()).encode()).hexdigest()
    return Upload(table=table, rows=table.num_rows, content_type="text/csv", checksum=digest)


def churn_rows(seed: int, n: int, *, age_shift: float = 0.0, pro_share: float = 0.3) -> dict[str, Any]:
    """Seeded rows of the churn example; ``age_shift`` and ``pro_share`` move the two distributions."""
    rng = np.random.default_rng(seed)
    plans = rng.choice(["basic", "pro", "team"], size=n, p=[0.7 - pro_share / 2, pro_share, 0.3 - pro_share / 2])
    return {"age": np.round(rng.normal(40 + age_shift, 10, n), 1), "plan": plans}
