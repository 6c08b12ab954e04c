"""Seeded segment checks for the calibration tests: a reference and a window drawn from the same segments.

Each segment has its own distribution (``age`` normal around a mean of its own, ``plan`` of three
categories with shares of its own). A check draws a fresh reference and a fresh window, so its verdict
is a draw of the per-check error the segments' correction controls; ``shift`` moves the ages of segment
``s0`` in the window by that many standard deviations.
"""

from __future__ import annotations

import uuid
from typing import Any

import numpy as np

from aumos_drift_detector.core.detections.segment_run import segments_outcome
from aumos_drift_detector.core.detections.segments import SegmentsOutcome
from aumos_drift_detector.core.ingest.column_table import ColumnTable
from aumos_drift_detector.core.ingest.model import ReferenceDataset
from aumos_drift_detector.core.ingest.segment_profiles import SegmentProfileBuilder
from aumos_drift_detector.core.ingest.service import feature_specs
from aumos_drift_detector.core.monitors.config import FeatureConfig
from aumos_drift_detector.core.monitors.model import Monitor
from aumos_drift_detector.core.monitors.segments import SegmentsConfig
from tests.core.builders import T0

SD = 10.0


def rows(seed: int, segments: int, n: int, *, shift: float = 0.0) -> ColumnTable:
    """``n`` rows of each segment; the ages of ``s0`` moved by ``shift`` standard deviations."""
    rng = np.random.default_rng(seed)
    data: dict[str, list[Any]] = {"age": [], "plan": [], "segment": []}
    for index in range(segments):
        shares = np.array([1.0 + index % 3, 1.0, 1.0 + index % 2])
        mean = 20 + 5 * index + (shift * SD if index == 0 else 0.0)
        data["age"] += rng.normal(mean, SD, n).round(1).tolist()
        data["plan"] += rng.choice(["basic", "pro", "team"], n, p=shares / shares.sum()).tolist()
        data["segment"] += [f"s{index}"] * n
    return ColumnTable(data)


def monitor(segments: int, min_rows: int) -> Monitor:
    """A monitor of ``age`` and ``plan`` with the default dataset rule, segmented by ``segment``."""
    features = (FeatureConfig(name="age", kind="numerical"), FeatureConfig(name="plan", kind="categorical"))
    option = SegmentsConfig(by=["segment"], max_segments=segments, min_rows=min_rows)
    return Monitor(
        id=uuid.uuid4(), tenant_id="sim", name="sim", model_id="sim", model_version="1", features=features,
        created_at=T0, updated_at=T0, segments=option,
    )  # fmt: skip


def reference(of: Monitor, table: ColumnTable) -> ReferenceDataset:
    """A reference version of ``of`` holding the segment profiles of ``table``."""
    assert of.segments is not None
    builder = SegmentProfileBuilder(of.segments, feature_specs(of))
    builder.start(table.column_names)
    builder.add(table)
    return ReferenceDataset(
        id=uuid.uuid4(), tenant_id="sim", monitor_id=of.id, version=1, rows=table.num_rows, checksum="",
        content_type="text/csv", columns=tuple(table.column_names), profile=b"", uploaded_by="sim",
        created_at=T0, segments=builder.finish().to_bytes(),
    )  # fmt: skip


def check(of: Monitor, seed: int, n: int, *, shift: float = 0.0) -> SegmentsOutcome:
    """One check with a fresh reference (seed ``2 * seed``) and window (``2 * seed + 1``)."""
    assert of.segments is not None
    segments = of.segments.max_segments
    window = rows(2 * seed + 1, segments, n, shift=shift)
    outcome = segments_outcome(of, reference(of, rows(2 * seed, segments, n)), window)
    assert outcome is not None
    return outcome
