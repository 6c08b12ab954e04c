"""Seeded calibration of the segments option: how often unchanged data drifts a segment or alarms.

Usage: .venv/bin/python scripts/simulate_segments.py [--segments 10] [--rows 1000] [--checks 500]

Each segment has its own distribution (``age`` normal around a mean of its own, ``plan`` of three
categories with shares of its own); the reference and every current window are drawn from the same
distributions, so nothing drifted. Every check runs the segments of a monitor with two features and
the default rules (``core/detections/segment_run.py``) and judges them with a budget of one false alert a
year at 365 checks a year (``core/decisions/judge.py``). It prints the share of checks in which a
segment drifted (the per-check verdict, corrected across all segments) and the checks that alarmed,
each with its Wilson 95% interval, and the alarm level. Check ``i`` draws its window from seed ``1 + i``.
"""

from __future__ import annotations

import argparse
import math
import uuid
from datetime import UTC, datetime
from typing import Any

import numpy as np

from aumos_drift_detector.core.decisions.judge import judged_segments
from aumos_drift_detector.core.decisions.sequential import share_level
from aumos_drift_detector.core.detections.segment_run import segments_outcome
from aumos_drift_detector.core.ingest.column_table import ColumnTable
from aumos_drift_detector.core.ingest.model import ReferenceDataset
from aumos_drift_detector.core.ingest.segment_profiles import SegmentProfileBuilder
from aumos_drift_detector.core.ingest.service import feature_specs
from aumos_drift_detector.core.monitors.config import FeatureConfig
from aumos_drift_detector.core.monitors.model import Monitor
from aumos_drift_detector.core.monitors.segments import SegmentsConfig


def _rows(rng: np.random.Generator, segments: int, rows: int) -> ColumnTable:
    data: dict[str, list[Any]] = {"age": [], "plan": [], "segment": []}
    for index in range(segments):
        shares = np.array([1.0 + index % 3, 1.0, 1.0 + index % 2])
        data["age"] += rng.normal(20 + 5 * index, 10, rows).round(1).tolist()
        data["plan"] += rng.choice(["basic", "pro", "team"], rows, p=shares / shares.sum()).tolist()
        data["segment"] += [f"s{index}"] * rows
    return ColumnTable(data)


def _monitor(segments: int) -> Monitor:
    features = (FeatureConfig(name="age", kind="numerical"), FeatureConfig(name="plan", kind="categorical"))
    now = datetime(2026, 11, 30, tzinfo=UTC)
    option = SegmentsConfig(by=["segment"], max_segments=segments, min_rows=100)
    return Monitor(
        id=uuid.uuid4(), tenant_id="sim", name="sim", model_id="sim", model_version="1", features=features,
        created_at=now, updated_at=now, segments=option,
    )  # fmt: skip


def _wilson(hits: int, n: int) -> str:
    z, p = 1.959964, hits / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return f"{hits}/{n} = {p:.3f} [{max(0.0, centre - half):.3f}, {min(1.0, centre + half):.3f}]"


def main() -> None:
    """Run the simulation and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, default=10)
    parser.add_argument("--rows", type=int, default=1000, help="rows per segment, in the reference and each window")
    parser.add_argument("--checks", type=int, default=500)
    args = parser.parse_args()
    monitor = _monitor(args.segments)
    assert monitor.segments is not None
    builder = SegmentProfileBuilder(monitor.segments, feature_specs(monitor))
    reference_rows = _rows(np.random.default_rng(0), args.segments, args.rows)
    builder.start(reference_rows.column_names)
    builder.add(reference_rows)
    reference = ReferenceDataset(
        id=uuid.uuid4(), tenant_id="sim", monitor_id=monitor.id, version=1, rows=reference_rows.num_rows,
        checksum="", content_type="text/csv", columns=tuple(reference_rows.column_names), profile=b"",
        uploaded_by="sim", created_at=monitor.created_at, segments=builder.finish().to_bytes(),
    )  # fmt: skip
    share = share_level(1.0, 3.0, checks_per_year=365, budget=1.0)  # two features of importance 1 and the segments
    drifted = alarmed = 0
    level = math.nan
    for check in range(args.checks):
        window = _rows(np.random.default_rng(1 + check), args.segments, args.rows)
        outcome = segments_outcome(monitor, reference, window)
        judged = judged_segments(outcome, share)
        assert judged is not None
        drifted += bool(judged.drifted)
        alarmed += judged.alarmed
        level = judged.alarm_level or math.nan
    print(f"{args.segments} segments x {args.rows} rows, {args.checks} checks of unchanged data")
    print(f"checks with a drifted segment: {_wilson(drifted, args.checks)}")
    print(f"checks that alarmed: {_wilson(alarmed, args.checks)}; alarm level {level:.3g}")


if __name__ == "__main__":
    main()
